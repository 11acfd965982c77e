"""Helpers shared by the digest tests and the permissions table."""
from datetime import timedelta
from email.message import EmailMessage

from app.database import utcnow
from app.digests.models import DeliveryState, DigestDelivery
from app.extensions import db


def make_delivery(user, project, period_key="2026-W01", state=DeliveryState.SENT, **values):
    """A stored delivery, as the sender leaves it."""
    now = utcnow()
    delivery = DigestDelivery(
        user_id=user.id, project_id=project.id, frequency="weekly", period_key=period_key,
        period_start=now - timedelta(days=7), period_end=now, state=state,
        recipient=user.email, locale="da", message_id="<test@samspil.test>",
        subject=f"{project.name}: ugentlig statusmail", body_text="Tekst", body_html="<p>HTML</p>",
        content=[{"title": "Nye medlemmer", "key": "members_joined",
                  "items": [{"text": "Bo Hansen (Ballerup Kommune)", "link": "/p/X/members",
                             "status": None, "meta": "Observatør", "tone": None}],
                  "figures": [], "summary": None, "more_link": None}],
        sent_at=now if state == DeliveryState.SENT else None, **values)
    db.session.add(delivery)
    db.session.commit()
    return delivery


def make_test_message(subject="Test") -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "samspil@samspil.test"
    message["To"] = "someone@samspil.test"
    message.set_content("Hello")
    return message
