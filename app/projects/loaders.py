"""Loaders that fetch project data scoped to the current user's memberships."""
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.projects.models import Project
from app.projects.permissions import can_view_project


def get_project_or_404(key: str) -> Project:
    """The project with this key if the current user may see it; 404 otherwise."""
    project = db.session.scalar(select(Project).where(Project.key == key))
    if project is None or not can_view_project(current_user, project):
        abort(404)
    return project
