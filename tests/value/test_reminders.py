"""Due follow-ups are reminded once — a notification to each of the municipality's product
owners, however often the job runs — and wait in those product owners' digest."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.database import utcnow
from app.discovery import services as discovery
from app.extensions import db
from app.notifications.models import Notification
from app.projects.models import Role
from app.value.models import FollowUp
from app.value.services import remind_due


def _notifications(user) -> list[tuple[str, str, str]]:
    return [(n.kind, n.target_kind, n.target_label) for n in db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id,
                                   Notification.kind == "follow_up_due"))]


def test_a_due_follow_up_is_reminded_exactly_once(val, factory):
    need = val.need()
    discovery.cosponsor(need, val.aarhus_po)
    val.deliver(need, utcnow() - timedelta(days=100))
    second_po = factory.user(val.ballerup, name="Anden PO", roles=[Role.PRODUCT_OWNER],
                             project=val.project)
    db.session.commit()

    assert remind_due() == 2  # Ballerup's and Aarhus' 3-month follow-ups; not the 12-month
    assert remind_due() == 0
    assert remind_due(utcnow() + timedelta(days=1)) == 0
    expected = [("follow_up_due", "follow_up", "#1 Færre manuelle opgørelser")]
    assert _notifications(val.po) == expected
    assert _notifications(second_po) == expected
    assert _notifications(val.aarhus_po) == expected
    assert _notifications(val.aarhus_fag) == []  # a contributor does not answer
    assert _notifications(val.world.users["steering"]) == []
    reminded = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "value.follow_up_reminded"))
    assert reminded == 2
    # A year on, the 12-month follow-ups fall due: reminded once each too.
    assert remind_due(utcnow() + timedelta(days=300)) == 2
    assert len(_notifications(val.po)) == 2


def test_answered_and_undelivered_follow_ups_are_not_reminded(val):
    answered = val.deliver(val.need("Besvaret"), utcnow() - timedelta(days=100))
    reopened = val.deliver(val.need("Genåbnet"), utcnow() - timedelta(days=100))
    from app.value.services import Answer, record_answer

    first = db.session.scalars(select(FollowUp).where(FollowUp.need_id == answered.id)
                               .order_by(FollowUp.months)).first()
    record_answer(first, val.po, Answer("Godt.", "as"))
    discovery.set_status(reopened, "planned", by_system=True)
    db.session.commit()
    assert remind_due() == 0
    assert _notifications(val.po) == []


def test_the_notification_leads_to_the_follow_up(val, client, login):
    val.deliver(val.need(), utcnow() - timedelta(days=100))
    remind_due()
    login(val.po)
    page = client.get("/notifications")
    assert "Follow-up due: record the value" in page.text
    follow_up = db.session.scalars(select(FollowUp).order_by(FollowUp.months)).first()
    notification = db.session.scalar(select(Notification).where(
        Notification.recipient_id == val.po.id, Notification.kind == "follow_up_due"))
    opened = client.post(f"/notifications/{notification.id}/read", data={"go": "target"})
    assert opened.headers["Location"].endswith(f"/p/ALPHA/value/follow-ups/{follow_up.id}")


def test_the_digest_lists_the_due_follow_ups_for_the_product_owner(val, client, login):
    val.deliver(val.need(), utcnow() - timedelta(days=100))
    login(val.po)
    digest = client.get("/p/ALPHA/digest")  # in the recipient's language, as it is sent
    assert "Gevinster, der skal registreres" in digest.text
    assert "3 måneder efter leveringen" in digest.text
    login(val.aarhus_po)  # Aarhus did not co-sponsor this one
    assert "Gevinster, der skal registreres" not in client.get("/p/ALPHA/digest").text


