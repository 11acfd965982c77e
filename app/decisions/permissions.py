"""Who may do what with the decision log: the steering group and the secretariat record
decisions; every member reads them."""
from app.projects.models import Role
from app.projects.permissions import has_any_role


def can_record_decision(user, project) -> bool:
    return has_any_role(user, project, Role.STEERING, Role.SECRETARIAT)
