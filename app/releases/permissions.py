"""Who may do what with releases and the definition of done.

- The delivery lead and the secretariat plan releases: name and dates, items, test
  municipalities, release notes, and the moves between states.
- Accepting without every test municipality's approval is the secretariat's alone, with a
  reason.
- A test municipality's product owner signs off for their own municipality, never another's.
- The secretariat and the delivery lead keep the project's definition of done; the vendor's
  developers and delivery lead tick it on an item.
- Every member reads releases and the checklists.
"""
from app.projects.models import Role
from app.projects.permissions import has_any_role, roles_in


def can_manage_releases(user, project) -> bool:
    return has_any_role(user, project, Role.DELIVERY_LEAD, Role.SECRETARIAT)


def can_override_acceptance(user, project) -> bool:
    return has_any_role(user, project, Role.SECRETARIAT)


def can_sign_off(user, project, organisation_id: int) -> bool:
    """A product owner signing for their own municipality."""
    return (Role.PRODUCT_OWNER in roles_in(user, project)
            and getattr(user, "organisation_id", None) == organisation_id)


def can_edit_definition_of_done(user, project) -> bool:
    return has_any_role(user, project, Role.SECRETARIAT, Role.DELIVERY_LEAD)


def can_check_done(user, project) -> bool:
    return has_any_role(user, project, Role.DEVELOPER, Role.DELIVERY_LEAD)
