"""Who may do what with backlog items. Used by routes, templates and tests alike.

- Everyone in the project sees the backlog, the items, their comments and history.
- Product owners, developers, delivery leads and the secretariat create and edit items:
  the municipalities shape the work, the vendor refines it, the secretariat keeps order.
- Contributors (fagpersoner) comment, and so does everyone who edits.
- Observers and the steering group read.
- Ranking the backlog is the product owners' right alone.
- Moving items between statuses is the board's business: see app.board.permissions.
- Site administrators see every project to administer it, but take no part in its work.
"""
from app.projects.models import Project, Role
from app.projects.permissions import has_any_role

EDITORS = (Role.PRODUCT_OWNER, Role.DEVELOPER, Role.DELIVERY_LEAD, Role.SECRETARIAT)
COMMENTERS = (*EDITORS, Role.CONTRIBUTOR)


def can_edit_items(user, project: Project) -> bool:
    """Create items and change their fields (title, estimate, assignee, labels, ...)."""
    return has_any_role(user, project, *EDITORS)


def can_comment(user, project: Project) -> bool:
    return has_any_role(user, project, *COMMENTERS)


def can_rank(user, project: Project) -> bool:
    """Order the backlog: the product owners' right."""
    return has_any_role(user, project, Role.PRODUCT_OWNER)
