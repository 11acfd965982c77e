"""Who may do what in a project: plain predicates used by routes, templates and tests alike.

Every later area adds its predicates here or in its own permissions module built on
`roles_in`. A non-member never learns that a project exists: loaders answer 404.
"""
from flask import abort, g
from sqlalchemy import select

from app.extensions import db
from app.projects.models import Membership, MembershipRole, Project, ProjectOrganisation, Role


def roles_in(user, project: Project) -> frozenset[str]:
    """The roles the user holds in the project (memoised for the request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cache = g.setdefault("_project_roles", {})
    key = (user.id, project.id)
    if key not in cache:
        # One statement: the role names themselves (a membership without roles is none).
        cache[key] = frozenset(db.session.scalars(
            select(MembershipRole.role).join(Membership)
            .where(Membership.project_id == project.id, Membership.user_id == user.id)))
    return cache[key]


def remember_roles(user, project: Project, roles: frozenset[str]) -> None:
    """The user's roles in the project, read along with it (see `get_project_or_404`)."""
    g.setdefault("_project_roles", {})[(user.id, project.id)] = roles


def takes_part(project: Project, organisation_id: int) -> bool:
    """The organisation takes part in the project (memoised for the request: the project's
    loader reads it for the reader's own organisation along with the project)."""
    cache = g.setdefault("_taking_part", {})
    key = (organisation_id, project.id)
    if key not in cache:
        cache[key] = db.session.scalar(select(ProjectOrganisation.id).where(
            ProjectOrganisation.project_id == project.id,
            ProjectOrganisation.organisation_id == organisation_id)) is not None
    return cache[key]


def remember_taking_part(project: Project, organisation_id: int, taking_part: bool) -> None:
    """Whether the organisation takes part, read along with the project (see `takes_part`)."""
    g.setdefault("_taking_part", {})[(organisation_id, project.id)] = taking_part


def forget_taking_part() -> None:
    """Drop the memoised participations after one has changed within a request."""
    g.pop("_taking_part", None)


def forget_roles() -> None:
    """Drop the memoised roles after they have changed within a request."""
    g.pop("_project_roles", None)


def is_member(user, project: Project) -> bool:
    return bool(roles_in(user, project))


def has_any_role(user, project: Project, *roles: Role) -> bool:
    return bool(roles_in(user, project) & set(roles))


def can_view_project(user, project: Project) -> bool:
    """Members see their projects; site administrators see every project to administer it."""
    return is_member(user, project) or bool(getattr(user, "is_site_admin", False))


def can_manage_members(user, project: Project) -> bool:
    return bool(getattr(user, "is_site_admin", False)) or has_any_role(
        user, project, Role.SECRETARIAT
    )


def can_administer_site(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_site_admin)


def require(allowed: bool) -> None:
    """Abort with 403 unless allowed (the project itself is already known to be visible)."""
    if not allowed:
        abort(403)
