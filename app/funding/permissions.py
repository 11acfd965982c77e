"""Who may do what with estimates and funding, in plain words:

- the vendor's delivery lead estimates needs (vendors estimate, they never pledge);
- a product owner of a participating municipality pledges on behalf of their own
  municipality, changes the amount while it is only pledged, confirms it (the municipality's
  money is approved) and withdraws it until it is invoiced;
- the secretariat keeps the books: the budget per year, marking confirmed pledges invoiced,
  recording loans and their repayments;
- every member of the project reads the funding page, the need's funding and the ledger."""
from app.discovery.permissions import acts_for_participating_municipality
from app.projects.models import Role
from app.projects.permissions import can_view_project, has_any_role


def can_view_funding(user, project) -> bool:
    """Members, and site administrators (who see every project to administer it)."""
    return can_view_project(user, project)


def can_estimate_needs(user, project) -> bool:
    """The vendor's delivery lead."""
    return (has_any_role(user, project, Role.DELIVERY_LEAD)
            and bool(getattr(user.organisation, "is_vendor", False)))


def can_pledge(user, project) -> bool:
    """A product owner of a municipality taking part in the project."""
    return (has_any_role(user, project, Role.PRODUCT_OWNER)
            and acts_for_participating_municipality(user, project))


def can_act_on_pledge(user, pledge) -> bool:
    """Change, confirm or withdraw a pledge: its own municipality's product owners."""
    return pledge.organisation_id == user.organisation_id and can_pledge(user, pledge.need.project)


def can_keep_books(user, project) -> bool:
    """Budget, invoicing, loans and repayments: the secretariat."""
    return has_any_role(user, project, Role.SECRETARIAT)
