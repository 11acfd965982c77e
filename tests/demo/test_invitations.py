"""The demo has an invitation waiting for an answer in OVB, and seeding sends no e-mail."""
from sqlalchemy import select

from app.demo.seed import seed_all
from app.extensions import db
from app.invitations.queries import open_invitations
from app.projects.models import Project


def test_a_pending_invitation_in_ovb_and_no_mail_sent(app, smtp):
    seed_all()
    db.session.commit()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    [row] = open_invitations(ovb)
    assert row.invitation.email == "digitalisering@soro.example"
    assert row.invitation.organisation.name == "Sorø Kommune"
    assert row.invitation.invited_by.email == "po@ballerup.example" and not row.is_expired
    assert smtp.messages == []
