"""Follow-ups fall due on Copenhagen calendar days, whole months after the delivery: safe
across summer time and month ends; one per municipality and month count, never twice."""
from datetime import date

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.discovery import services as discovery
from app.extensions import db
from app.value.models import FollowUp
from app.value.schedule import add_months, due_on, follow_up_months
from tests.value.conftest import utc


def _due(need) -> list[tuple[str, int, date]]:
    return [(f.organisation.name, f.months, f.due_on) for f in db.session.scalars(
        select(FollowUp).where(FollowUp.need_id == need.id)
        .order_by(FollowUp.organisation_id, FollowUp.months))]


def test_calendar_months_clamp_at_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)
    assert add_months(date(2026, 10, 31), 120) == date(2036, 10, 31)


def test_the_day_is_the_copenhagen_day_of_the_delivery():
    # 23:30 UTC on 31 January is 00:30 on 1 February in Copenhagen (winter time, UTC+1).
    assert due_on(utc(2026, 1, 31, 23, 30), 3) == date(2026, 5, 1)
    assert due_on(utc(2026, 1, 31, 22, 30), 3) == date(2026, 4, 30)
    # 29 March 2026 is the night summer time begins: 22:30 UTC is 00:30 on the 30th (UTC+2).
    assert due_on(utc(2026, 3, 29, 21, 30), 3) == date(2026, 6, 29)
    assert due_on(utc(2026, 3, 29, 22, 30), 3) == date(2026, 6, 30)
    # Back to winter time on 25 October: the day stays the day.
    assert due_on(utc(2026, 7, 25, 22, 30), 3) == date(2026, 10, 26)


def test_the_months_come_from_the_configuration():
    assert follow_up_months({"VALUE_FOLLOW_UP_MONTHS": "12, 3"}) == (3, 12)
    assert follow_up_months({"VALUE_FOLLOW_UP_MONTHS": "1,6,24"}) == (1, 6, 24)
    for nonsense in ("", "tre", "0,3", "3,500", "-1"):
        assert follow_up_months({"VALUE_FOLLOW_UP_MONTHS": nonsense}) == (3, 12)


def test_a_delivered_need_gets_follow_ups_for_its_submitter_and_co_sponsors(val):
    """Delivered on 31 January at noon and on 29 March (summer time begins) just after
    midnight Copenhagen time: each municipality gets a 3- and a 12-month follow-up."""
    january = val.need("Januarbehov", at=utc(2026, 1, 5, 9))
    discovery.cosponsor(january, val.aarhus_po, at=utc(2026, 1, 6, 9))
    val.deliver(january, utc(2026, 1, 31, 11))
    march = val.need("Martsbehov", by=val.aarhus_po, at=utc(2026, 2, 1, 9))
    val.deliver(march, utc(2026, 3, 28, 23, 30))  # 00:30 on 29 March in Copenhagen

    assert _due(january) == [
        ("Ballerup Kommune", 3, date(2026, 4, 30)), ("Ballerup Kommune", 12, date(2027, 1, 31)),
        ("Aarhus Kommune", 3, date(2026, 4, 30)), ("Aarhus Kommune", 12, date(2027, 1, 31))]
    assert _due(march) == [("Aarhus Kommune", 3, date(2026, 6, 29)),
                           ("Aarhus Kommune", 12, date(2027, 3, 29))]
    scheduled = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "value.follow_ups_scheduled").order_by(AuditEvent.id)).all()
    assert [(e.target_label, e.details["follow_ups"], e.actor_label) for e in scheduled] == [
        ("#1 Januarbehov", 4, "system"), ("#2 Martsbehov", 2, "system")]


def test_the_configured_months_are_used(val, app, monkeypatch):
    monkeypatch.setitem(app.config, "VALUE_FOLLOW_UP_MONTHS", "1,6")
    need = val.deliver(val.need(), utc(2026, 1, 31, 11))
    assert _due(need) == [("Ballerup Kommune", 1, date(2026, 2, 28)),
                          ("Ballerup Kommune", 6, date(2026, 7, 31))]


def test_reopened_and_delivered_again_keeps_the_follow_ups(val):
    """A delivery found incomplete goes back to planned and is delivered again: nothing is
    scheduled twice, and a municipality that joined meanwhile gets its own."""
    need = val.deliver(val.need(), utc(2026, 1, 31, 11))
    discovery.set_status(need, "planned", by_system=True, at=utc(2026, 2, 10, 9))
    discovery.set_status(need, "ready", actor=val.po, at=utc(2026, 2, 11, 9))
    discovery.cosponsor(need, val.aarhus_po, at=utc(2026, 2, 12, 9))
    val.deliver(need, utc(2026, 3, 2, 9))
    assert _due(need) == [
        ("Ballerup Kommune", 3, date(2026, 4, 30)), ("Ballerup Kommune", 12, date(2027, 1, 31)),
        ("Aarhus Kommune", 3, date(2026, 6, 2)), ("Aarhus Kommune", 12, date(2027, 3, 2))]


def test_other_status_changes_schedule_nothing(val):
    need = val.need()
    discovery.set_status(need, "planned", by_system=True)
    db.session.commit()
    assert _due(need) == []
