"""Loaders that fetch project data scoped to the current user's memberships."""
import functools

from flask import abort, g
from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from app.accounts.models import User
from app.database import MAX_ID
from app.extensions import db
from app.projects.models import Membership, MembershipRole, Project, ProjectOrganisation
from app.projects.permissions import (can_administer_site, can_view_project, remember_roles,
                                      remember_taking_part, require)


@functools.lru_cache(maxsize=1)
def _project_with_roles_statement():
    """A project by key with the user's roles in it and whether their organisation takes
    part; built once, as nearly every request runs it (building it cost more than running it)."""
    return (select(Project, MembershipRole.role, ProjectOrganisation.id)
            .outerjoin(Membership, and_(Membership.project_id == Project.id,
                                        Membership.user_id == bindparam("user_id")))
            .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
            .outerjoin(ProjectOrganisation,
                       and_(ProjectOrganisation.project_id == Project.id,
                            ProjectOrganisation.organisation_id == bindparam("organisation_id")))
            .where(Project.key == bindparam("key")))


def get_project_or_404(key: str) -> Project:
    """The project with this key if the current user may see it; 404 otherwise. The user's
    roles in it, and whether their organisation takes part, come in the same statement (every
    project page asks for the roles next, and the needs' pages whether the reader's
    municipality takes part)."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return visible_project_or_404(db.session.scalar(select(Project).where(Project.key == key)))
    rows = db.session.execute(_project_with_roles_statement(),
                              {"key": key, "user_id": user.id,
                               "organisation_id": user.organisation_id}).all()
    project = rows[0][0] if rows else None
    if project is not None:
        remember_roles(user, project, frozenset(role for _, role, _ in rows if role is not None))
        remember_taking_part(project, user.organisation_id, rows[0][2] is not None)
    return visible_project_or_404(project)


def visible_project_or_404(project: Project | None) -> Project:
    """The project if there is one and the current user may see it; 404 otherwise."""
    if project is None or not can_view_project(current_user, project):
        abort(404)
    # Mentions and references in the texts of this request's pages resolve in this project.
    g.reference_project = project
    return project


def get_by_id(model, ident):
    """The row of `model` with this id, or None (an id no database integer holds names nothing)."""
    if not isinstance(ident, int) or isinstance(ident, bool) or not 0 < ident <= MAX_ID:
        return None
    return db.session.get(model, ident)


def get_in_project_or_404(model, project: Project, ident):
    """A row of a project-owned `model` by id; another project's row answers 404 like no row."""
    obj = get_by_id(model, ident)
    if obj is None or obj.project_id != project.id:
        abort(404)
    return obj


def administered_user_or_404(user_id: int):
    """A person a site administrator looks after (their admin pages): 403 for anyone else."""
    require(can_administer_site(current_user))
    user = get_by_id(User, user_id)
    if user is None:
        abort(404)
    return user
