"""Reading invitations for the lists: the open ones of a project, and of every project."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.database import utcnow
from app.extensions import db
from app.invitations.models import Invitation
from app.invitations.services import is_other_domain, usual_domains


@dataclass
class InvitationRow:
    invitation: Invitation
    is_expired: bool
    other_domain: bool  # the address is outside the organisation's usual domains


def open_invitations(project=None) -> list[InvitationRow]:
    """Invitations neither used nor revoked (expired ones too: they can be sent again), newest
    first; of one project, or of all."""
    query = (select(Invitation)
             .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
             .options(joinedload(Invitation.organisation), joinedload(Invitation.invited_by),
                      joinedload(Invitation.project))
             .order_by(Invitation.sent_at.desc(), Invitation.id.desc()))
    if project is not None:
        query = query.where(Invitation.project_id == project.id)
    invitations = db.session.scalars(query).all()
    domains = usual_domains(i.organisation_id for i in invitations) if invitations else {}
    now = utcnow()
    return [InvitationRow(i, i.expires_at <= now,
                          is_other_domain(i.email, domains.get(i.organisation_id)))
            for i in invitations]
