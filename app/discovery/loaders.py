"""Loaders for needs, scoped through the project the current user may see."""
from flask import abort

from app.discovery.models import Need
from app.discovery.queries import need_by_number
from app.projects.loaders import get_project_or_404


def get_need_or_404(key: str, number: int) -> Need:
    """Need <number> of project <key> if the current user may see the project; 404 otherwise."""
    project = get_project_or_404(key)
    need = need_by_number(project, number)
    if need is None:
        abort(404)
    return need
