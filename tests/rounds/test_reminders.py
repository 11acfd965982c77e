"""Reminders three days before a round's deadline, once per round and municipality, to the
product owners of municipalities that have not voted; and the digest's rounds section."""
from datetime import timedelta

from sqlalchemy import select

from app.clock import local_today
from app.database import utcnow
from app.digests.services import collect_sections
from app.extensions import db
from app.notifications.models import Notification
from app.rounds import services
from app.rounds.models import RoundReminder
from app.rounds.reminders import remind_voters
from app.scheduler import scheduled_jobs
from tests.rounds.conftest import open_round


def _reminded():
    return sorted((n.recipient_id, n.kind, n.target_kind) for n in db.session.scalars(
        select(Notification).where(Notification.kind == "round_reminder")))


def test_municipalities_that_have_not_voted_are_reminded_once(r, app):
    rnd = open_round(r, deadline=local_today() + timedelta(days=5))
    services.cast_ballot(rnd, r.po, {r.finance.id: 100})
    db.session.commit()
    assert remind_voters() == 0  # five days before: not yet
    assert remind_voters(local_today() + timedelta(days=2)) == 1
    assert _reminded() == [(r.aarhus_po.id, "round_reminder", "round")]
    assert remind_voters(local_today() + timedelta(days=2)) == 0
    assert remind_voters(local_today() + timedelta(days=4)) == 0
    assert len(_reminded()) == 1
    assert db.session.scalar(select(RoundReminder)).organisation_id == r.aarhus.id
    assert "rounds.remind" in {job_id for job_id, _func, _trigger in scheduled_jobs(app)}


def test_the_reminder_links_to_the_round(r, client, login):
    rnd = open_round(r, deadline=local_today() + timedelta(days=1))
    remind_voters()
    db.session.commit()
    login(r.aarhus_po)
    page = client.get("/notifications").get_data(as_text=True)
    assert "has not voted in Forårsrunden" in page
    mine = db.session.scalar(select(Notification).where(
        Notification.recipient_id == r.aarhus_po.id))
    response = client.post(f"/notifications/{mine.id}/read", data={"go": "target"})
    assert response.headers["Location"].endswith(f"/p/ALPHA/rounds/{rnd.number}")


def _section(user, roles):
    now = utcnow() + timedelta(seconds=1)
    sections = collect_sections(user, user and r_project(user), roles, "weekly",
                                now - timedelta(days=7), now)
    return next((s for s in sections if s.key == "rounds"), None)


def r_project(user):
    from app.projects.models import Membership, Project

    return db.session.scalar(select(Project).join(Membership).where(
        Membership.user_id == user.id))


def test_the_digest_tells_deadlines_and_results(r):
    rnd = open_round(r)
    services.cast_ballot(rnd, r.aarhus_po, {r.report.id: 100})
    db.session.commit()
    steering = r.world.users["steering"]
    section = _section(steering, {"steering"})
    assert [i.text for i in section.items] == ["Forårsrunden"]
    assert "1 of 2 municipalities have voted" in section.items[0].meta \
        or "1 af 2 kommuner har stemt" in section.items[0].meta
    mine = _section(r.po, {"product_owner"})
    assert mine.items[0].tone == "warn"
    services.close_round(rnd, r.secretariat)
    db.session.commit()
    section = _section(steering, {"steering"})
    assert "Kvartalsrapport" in section.items[0].meta
    assert _section(r.world.users["developer"], {"developer"}) is None
