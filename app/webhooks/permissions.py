"""Who may manage a project's webhooks: the secretariat, the project's delivery lead and site
administrators. Everyone else in the project gets 403; outsiders 404 (the project loader)."""
from app.projects.models import Role
from app.projects.permissions import has_any_role


def can_manage_webhooks(user, project) -> bool:
    return bool(getattr(user, "is_site_admin", False)) or has_any_role(
        user, project, Role.SECRETARIAT, Role.DELIVERY_LEAD)
