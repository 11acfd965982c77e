"""Reading the audit log for the administration pages."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, noload, selectinload

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import Membership, Project


def events_query(*, project=None, project_id: int | None = None, action: str | None = None,
                 actor: str | None = None):
    """A select of audit events, newest first, narrowed by the given filters.

    `actor` matches part of a name or e-mail address: of the actor, or of the person acted on
    (so a search for an account also finds the failed sign-ins and role changes aimed at it).
    """
    stmt = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if project is not None:
        project_id = project.id
    if project_id is not None:
        stmt = stmt.where(AuditEvent.project_id == project_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        needle = actor.strip().lower()
        people = select(User.id).where(or_(
            func.lower(User.email).contains(needle, autoescape=True),
            func.lower(User.name).contains(needle, autoescape=True)))
        stmt = stmt.where(or_(
            func.lower(AuditEvent.actor_label).contains(needle, autoescape=True),
            func.lower(AuditEvent.target_label).contains(needle, autoescape=True),
            AuditEvent.actor_id.in_(people),
            (AuditEvent.target_type == "User") & AuditEvent.target_id.in_(people)))
    return stmt


def recorded_actions(*, project=None) -> list[str]:
    """The distinct action names recorded (in the project, if given), for filter menus."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if project is not None:
        stmt = stmt.where(AuditEvent.project_id == project.id)
    return list(db.session.scalars(stmt))


def users_query(search: str | None = None):
    """A select of users by name (the index on name and id keeps each page a range scan),
    with their organisation joined; `search` matches part of a name, an e-mail address or
    an organisation's name."""
    stmt = (select(User).join(Organisation, Organisation.id == User.organisation_id)
            .options(contains_eager(User.organisation),
                     selectinload(User.memberships).options(
                         selectinload(Membership.project).load_only(Project.key),
                         noload(Membership.roles)))
            .order_by(User.name, User.id))
    needle = (search or "").strip().lower()
    if needle:
        # SQLite's lower() folds only ASCII: match the text as typed too ("Ærø").
        typed = (search or "").strip()
        stmt = stmt.where(or_(*(
            condition for column in (User.name, User.email, Organisation.name)
            for condition in (func.lower(column).contains(needle, autoescape=True),
                              column.contains(typed, autoescape=True)))))
    return stmt
