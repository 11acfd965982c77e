"""Rules for projects, the organisations taking part and people's roles."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.accounts.services import get_user_by_email
from app.audit.labels import register_actions
from app.audit.services import record
from app.extensions import db
from app.projects.models import (Membership, MembershipRole, ParticipationKind, Project,
                                 ProjectOrganisation, Role)
from app.projects.permissions import forget_roles, forget_taking_part
from app.services import RuleViolation

PROJECT_KEY = re.compile(r"^[A-Z]{2,10}$")

register_actions({"user.organisation_changed": _l("Organisation of an account changed")})


def create_project(key: str, name: str, description: str = "",
                   is_roadmap_public: bool = False) -> Project:
    """Create a project with a unique key of 2–10 capital letters."""
    key = (key or "").strip()
    if not PROJECT_KEY.match(key):
        raise RuleViolation(_("The key must be 2 to 10 capital letters (A–Z)."), "key")
    if db.session.scalar(select(Project.id).where(Project.key == key)):
        raise RuleViolation(_("The key %(key)s is already in use.", key=key), "key")
    if not (name or "").strip():
        raise RuleViolation(_("The project needs a name."), "name")
    project = Project(key=key, name=name.strip(), description=(description or "").strip(),
                      is_roadmap_public=is_roadmap_public)
    db.session.add(project)
    db.session.flush()
    record("project.created", project=project, target=project, key=project.key)
    return project


def memberships_with_people(project: Project) -> list[Membership]:
    """The project's memberships by the member's name, with the person, their organisation and
    their roles loaded (the members page and the API list them)."""
    return list(db.session.scalars(
        select(Membership).where(Membership.project_id == project.id)
        .join(Membership.user).options(selectinload(Membership.user)
                                       .selectinload(User.organisation))
        .order_by(User.name, User.id)))


def participation_of(project: Project, organisation_id: int) -> ProjectOrganisation | None:
    return db.session.scalar(
        select(ProjectOrganisation).where(
            ProjectOrganisation.project_id == project.id,
            ProjectOrganisation.organisation_id == organisation_id,
        )
    )


def add_participation(project: Project, organisation, kind: str) -> ProjectOrganisation:
    """Let an organisation take part in the project; vendors only as vendor partners."""
    if kind not in set(ParticipationKind):
        raise RuleViolation(_("Unknown kind of participation."), "kind")
    if organisation.is_vendor != (kind == ParticipationKind.VENDOR):
        raise RuleViolation(_("Vendors take part as vendor partners, and only vendors do."), "kind")
    if participation_of(project, organisation.id):
        raise RuleViolation(_("%(org)s already takes part in the project.", org=organisation.name),
                            "organisation_id")
    part = ProjectOrganisation(project=project, organisation=organisation, kind=kind)
    db.session.add(part)
    db.session.flush()
    forget_taking_part()
    record("participation.added", project=project, target=organisation, kind=str(kind))
    return part


def participation_problem(project: Project, organisation) -> str | None:
    """Why the organisation cannot leave the project now (its people are still members), or
    None."""
    remaining = db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.project_id == project.id,
            Membership.user.has(organisation_id=organisation.id),
        )
    )
    if remaining:
        return _("Remove the %(n)d members from %(org)s first.", n=remaining,
                 org=organisation.name)
    return None


def remove_participation(project: Project, organisation) -> None:
    """Remove an organisation from the project; refused while its people are still members."""
    part = participation_of(project, organisation.id)
    if part is None:
        raise RuleViolation(_("The organisation does not take part in the project."), status=404)
    problem = participation_problem(project, organisation)
    if problem:
        raise RuleViolation(problem)
    record("participation.removed", project=project, target=organisation, kind=part.kind)
    db.session.delete(part)
    db.session.flush()
    forget_taking_part()


def _clean_roles(roles) -> set[str]:
    roles = set(roles or ())
    if not roles:
        raise RuleViolation(_("Choose at least one role."), "roles")
    unknown = roles - set(Role)
    if unknown:
        raise RuleViolation(_("Unknown role: %(role)s.", role=", ".join(sorted(unknown))), "roles")
    return roles


# Product owners speak for the customer's side (they rank the backlog and accept the work):
# a vendor's people cannot hold that role.
CUSTOMER_ROLES = frozenset({Role.PRODUCT_OWNER})


def check_roles(organisation, roles, field: str = "roles") -> set[str]:
    """The roles cleaned, or refused: none chosen, an unknown one, or a customer's role for
    someone from a vendor. Adding a member, changing roles and inviting all ask this."""
    roles = _clean_roles(roles)
    if organisation is not None and organisation.is_vendor and roles & CUSTOMER_ROLES:
        raise RuleViolation(
            _("A product owner speaks for the municipalities: people from a vendor such as "
              "%(org)s cannot have that role.", org=organisation.name), field)
    return roles


def check_participates(project: Project, organisation, field: str = "email") -> None:
    """Refuse an organisation that does not take part in the project."""
    if participation_of(project, organisation.id) is None:
        raise RuleViolation(
            _("%(org)s does not take part in the project; add the organisation first.",
              org=organisation.name), field)


class NoAccount(RuleViolation):
    """An address no account has: the answer is an invitation (app/invitations)."""


def add_member_by_email(project: Project, email: str, roles):
    """Add the account with this address as a member; the user added."""
    user = get_user_by_email(email)
    if user is None:
        raise NoAccount(_("No account has this address yet: invite them by e-mail below, and "
                          "they choose their own password."), "email")
    add_member(project, user, roles)
    return user


def add_member(project: Project, user, roles) -> Membership:
    """Make a user of a participating organisation a member with the given roles."""
    roles = check_roles(user.organisation, roles)
    if not user.is_active:
        raise RuleViolation(_("%(name)s's account is deactivated.", name=user.name), "email")
    check_participates(project, user.organisation)
    if membership_of(project, user.id):
        raise RuleViolation(_("%(name)s is already a member.", name=user.name), "email")
    membership = Membership(project=project, user=user,
                            roles=[MembershipRole(role=r) for r in sorted(roles)])
    db.session.add(membership)
    db.session.flush()
    forget_roles()
    record("project.member_added", project=project, target=user, roles=sorted(roles))
    return membership


def membership_of(project: Project, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.project_id == project.id, Membership.user_id == user_id)
    )


def _lock_project(project: Project) -> None:
    """Hold the project's row until commit: two secretariat members removing each other at
    once must not both see the other one remaining."""
    db.session.execute(select(Project.id).where(Project.id == project.id).with_for_update())


def _other_secretariat_members(membership: Membership) -> int:
    return db.session.scalar(
        select(func.count(Membership.id)).join(MembershipRole)
        .where(Membership.project_id == membership.project_id, Membership.id != membership.id,
               MembershipRole.role == Role.SECRETARIAT))


def removal_problem(membership: Membership) -> str | None:
    """Why this member may not be removed, or None: the last secretariat member stays, or
    nobody could manage the project's members any more."""
    if Role.SECRETARIAT in membership.role_names and not _other_secretariat_members(membership):
        return _("%(name)s is the last member of the secretariat of %(project)s and cannot be "
                 "removed: give someone else the secretariat role first.",
                 name=membership.user.name, project=membership.project.name)
    return None


def set_roles(membership: Membership, roles) -> tuple[set[str], set[str]]:
    """Replace a member's roles; returns (added, removed). The last secretariat member keeps
    that role (as `remove_member` keeps them)."""
    roles = check_roles(membership.user.organisation, roles)
    current = set(membership.role_names)
    added, removed = roles - current, current - roles
    if Role.SECRETARIAT in removed:
        _lock_project(membership.project)
        if not _other_secretariat_members(membership):
            raise RuleViolation(
                _("%(name)s is the last member of the secretariat and keeps that role: give "
                  "someone else the secretariat role first.", name=membership.user.name),
                "roles", status=409)
    for row in list(membership.roles):
        if row.role in removed:
            membership.roles.remove(row)
    for role in sorted(added):
        membership.roles.append(MembershipRole(role=role))
    db.session.flush()
    forget_roles()
    if added or removed:
        record("project.roles_changed", project=membership.project, target=membership.user,
               added=sorted(added), removed=sorted(removed))
    return added, removed


def remove_member(membership: Membership, actor=None) -> None:
    """End a membership and every role held through it; refused for the last secretariat
    member (409), who would leave the project with nobody to manage it."""
    _lock_project(membership.project)
    problem = removal_problem(membership)
    if problem:
        raise RuleViolation(problem, status=409)
    record("project.member_removed", project=membership.project, target=membership.user,
           actor=actor, roles=sorted(membership.role_names))
    db.session.delete(membership)
    db.session.flush()
    forget_roles()


def change_organisation(user, organisation, actor) -> None:
    """Move a person to another organisation (a site administrator's correction). Refused
    while they are a member of a project their new organisation does not take part in: a
    member always belongs to a participating organisation."""
    if organisation.id == user.organisation_id:
        return
    stranded = db.session.scalars(
        select(Project.key).join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id, Project.id.not_in(
            select(ProjectOrganisation.project_id)
            .where(ProjectOrganisation.organisation_id == organisation.id)))
        .order_by(Project.key)).all()
    if stranded:
        raise RuleViolation(_("%(org)s does not take part in %(projects)s, where %(name)s is a "
                              "member. Remove the membership or add the organisation first.",
                              org=organisation.name, projects=", ".join(stranded),
                              name=user.name), "organisation_id")
    old = user.organisation.name
    user.organisation = organisation
    record("user.organisation_changed", actor=actor, target=user, old=old, new=organisation.name)
    db.session.flush()
