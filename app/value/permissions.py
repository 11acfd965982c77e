"""Who may do what with benefit realisation: every member reads the report and the coverage;
a municipality's own product owners answer its follow-ups."""
from app.projects.models import Role
from app.projects.permissions import has_any_role


def can_answer_follow_up(user, follow_up) -> bool:
    """Only a product owner of the follow-up's own municipality answers it."""
    return (getattr(user, "organisation_id", None) == follow_up.organisation_id
            and has_any_role(user, follow_up.project, Role.PRODUCT_OWNER))
