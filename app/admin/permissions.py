"""Who may read the audit log."""
from app.projects.models import Role
from app.projects.permissions import can_administer_site, has_any_role


def can_view_site_audit(user) -> bool:
    """The whole log, sign-ins included, is for site administrators."""
    return can_administer_site(user)


def can_view_project_audit(user, project) -> bool:
    """A project's log is for its secretariat, who keep its governance, and site administrators."""
    return can_administer_site(user) or has_any_role(user, project, Role.SECRETARIAT)
