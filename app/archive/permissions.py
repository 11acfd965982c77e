"""Who may archive a project and import one: its secretariat, and site administrators. An
archive holds everything of the project, members' e-mail addresses included."""
from app.projects.models import Project, Role
from app.projects.permissions import has_any_role


def can_use_archive(user, project: Project) -> bool:
    return bool(getattr(user, "is_site_admin", False)) or has_any_role(
        user, project, Role.SECRETARIAT)
