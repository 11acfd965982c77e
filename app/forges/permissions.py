"""Who connects a project to its code forges: the secretariat and the delivery lead."""
from app.projects.models import Role
from app.projects.permissions import has_any_role


def can_manage_forges(user, project) -> bool:
    return has_any_role(user, project, Role.SECRETARIAT, Role.DELIVERY_LEAD)
