"""Who may do what with needs. Municipalities own needs: only their people submit and
co-sponsor; product owners and the secretariat run the workflow; every member takes part."""
from flask import g

from app.backlog.permissions import can_edit_items
from app.projects.models import Role
from app.projects.permissions import has_any_role, is_member, takes_part


def acts_for_participating_municipality(user, project) -> bool:
    """The user belongs to a municipality that takes part in the project (memoised per request)."""
    if user is None or not user.is_authenticated:
        return False
    cache = g.setdefault("_municipality_participates", {})
    key = (user.organisation_id, project.id)
    if key not in cache:
        org = user.organisation
        cache[key] = org.is_municipality and takes_part(project, org.id)
    return cache[key]


def can_submit_need(user, project) -> bool:
    return (has_any_role(user, project, Role.PRODUCT_OWNER, Role.CONTRIBUTOR)
            and acts_for_participating_municipality(user, project))


def can_cosponsor_needs(user, project) -> bool:
    """Commit one's municipality as co-sponsor, or withdraw it: the same people who submit."""
    return can_submit_need(user, project)


def can_edit_need(user, need) -> bool:
    if has_any_role(user, need.project, Role.PRODUCT_OWNER, Role.SECRETARIAT):
        return True
    return need.submitter_id == user.id and is_member(user, need.project)


def can_change_need_status(user, project) -> bool:
    return has_any_role(user, project, Role.PRODUCT_OWNER, Role.SECRETARIAT)


def can_escalate_need(user, project) -> bool:
    return has_any_role(user, project, Role.PRODUCT_OWNER, Role.SECRETARIAT)


def can_add_discovery_note(user, project) -> bool:
    """Any member, the vendor included: discovery is done together."""
    return is_member(user, project)


def can_link_items(user, project) -> bool:
    """Link backlog items to needs and unlink them: product owners and the secretariat, and
    whoever shapes the backlog (developers, delivery leads)."""
    return (has_any_role(user, project, Role.PRODUCT_OWNER, Role.SECRETARIAT)
            or can_edit_items(user, project))


def can_create_item_for_need(user, project) -> bool:
    """Create a backlog item from a need: whoever may create items."""
    return can_edit_items(user, project)


def can_delete_needs(user, project) -> bool:
    """Delete archived needs for good: the secretariat, and site administrators on request."""
    return (bool(getattr(user, "is_site_admin", False))
            or has_any_role(user, project, Role.SECRETARIAT))
