"""Who may do what with backlog items. Used by routes, templates and tests alike.

- Everyone in the project sees the backlog, the items, their comments and history.
- Product owners, developers, delivery leads and the secretariat create and edit items:
  the municipalities shape the work, the vendor refines it, the secretariat keeps order.
- Contributors (fagpersoner) comment, and so does everyone who edits.
- Observers and the steering group read.
- Ranking the backlog is the product owners' right alone.
- Moving items between statuses is the board's business: see app.board.permissions.
- Whoever edits items archives and restores them; deleting an archived item for good is the
  secretariat's (and a site administrator's).
- A comment's author edits and deletes it.
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


def can_archive_items(user, project: Project) -> bool:
    """Archive items and restore them: whoever may edit them."""
    return can_edit_items(user, project)


def can_delete_items(user, project: Project) -> bool:
    """Delete archived items for good: the secretariat keeps order, and site administrators
    clean up on request; nobody else, since nothing brings a deleted item back."""
    return (bool(getattr(user, "is_site_admin", False))
            or has_any_role(user, project, Role.SECRETARIAT))


def can_change_comment(user, comment) -> bool:
    """Edit or delete a comment: its author, while they may still comment in the project."""
    return (comment.author_id is not None and comment.author_id == getattr(user, "id", None)
            and can_comment(user, comment.item.project))


def can_manage_labels(user, project: Project) -> bool:
    """Rename, merge and delete the project's labels: whoever may edit items."""
    return can_edit_items(user, project)
