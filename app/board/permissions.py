"""Who may move which card where, and who sets WIP limits.

- Observers, the steering group and contributors only look.
- Developers, delivery leads and product owners move cards between `backlog` and
  `acceptance` (any of the columns up to and including acceptance).
- Leaving `acceptance` is the municipality's step: only a product owner from a municipality
  accepts (acceptance → done) or rejects (acceptance → in_progress, with a reason). The same
  product owner may reopen a done item (done → in_progress, with a reason).
- WIP limits are set by the secretariat or a product owner.
"""
from app.backlog.models import Status
from app.projects.models import Project, Role
from app.projects.permissions import has_any_role, roles_in

MOVERS = (Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD)
# The municipality's columns: entering done, or leaving acceptance or done.
MUNICIPALITY_STEPS = frozenset({Status.ACCEPTANCE.value, Status.DONE.value})


def can_move_cards(user, project: Project) -> bool:
    """Move at least some cards (the board shows move controls)."""
    return has_any_role(user, project, *MOVERS)


def accepts_with(roles, organisation) -> bool:
    """The acceptance rule on roles already known (e.g. of every project at once, for My
    work): a product owner who belongs to a municipality."""
    return (Role.PRODUCT_OWNER in roles
            and bool(getattr(organisation, "is_municipality", False)))


def is_municipal_product_owner(user, project: Project) -> bool:
    """A product owner who belongs to a municipality (the customer's side of acceptance)."""
    roles = roles_in(user, project)  # the organisation is loaded only for product owners
    return Role.PRODUCT_OWNER in roles and accepts_with(roles, getattr(user, "organisation", None))


def can_accept(user, project: Project) -> bool:
    """Accept or reject delivered work, and reopen done items."""
    return is_municipal_product_owner(user, project)


def can_move_between(user, project: Project, from_status: str, to_status: str) -> bool:
    """May the user move a card from one column to another?"""
    if from_status == to_status:
        return can_move_cards(user, project)
    if to_status == Status.DONE or from_status in MUNICIPALITY_STEPS:
        return can_accept(user, project)
    return can_move_cards(user, project)


def can_set_wip_limits(user, project: Project) -> bool:
    return has_any_role(user, project, Role.SECRETARIAT, Role.PRODUCT_OWNER)
