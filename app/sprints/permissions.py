"""Who may do what with sprints. Used by routes, templates and tests alike.

- Everyone in the project sees the sprints, their burndowns, the velocity and the reviews:
  the steering group and the member municipalities follow the work through them.
- Product owners and delivery leads plan: they create sprints, change them, commit items and
  take them out, start and close sprints, and delete a planned one. Planning is where the
  municipality's priorities meet the vendor's capacity, so it is the two of them who agree
  it. The secretariat keeps the governance of the product, not the team's plan, and
  developers take part in planning through their delivery lead; neither plans here.
- The retrospective belongs to the team that ran the sprint: product owners, developers and
  delivery leads write it; everyone else in the project reads it.
- Site administrators see every project to administer it, but take no part in its work.
"""
from app.projects.models import Project, Role
from app.projects.permissions import has_any_role

PLANNERS = (Role.PRODUCT_OWNER, Role.DELIVERY_LEAD)
TEAM = (Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD)


def can_plan_sprints(user, project: Project) -> bool:
    """Create, change, plan, start, close and delete sprints."""
    return has_any_role(user, project, *PLANNERS)


def can_write_retrospective(user, project: Project) -> bool:
    return has_any_role(user, project, *TEAM)
