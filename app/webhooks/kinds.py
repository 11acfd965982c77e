"""The events an endpoint can choose, in the order the form lists them, with their words."""
from flask_babel import lazy_gettext as _l

EVENTS = {
    "item.created": _l("An item is created"),
    "item.updated": _l("An item's fields change"),
    "item.moved": _l("An item moves to another column"),
    "item.accepted": _l("An item is accepted"),
    "item.rejected": _l("An item is rejected"),
    "comment.created": _l("An item gets a comment"),
    "need.created": _l("A need is submitted"),
    "need.status_changed": _l("A need changes status"),
    "need.cosponsored": _l("A need is co-sponsored"),
    "need.withdrawn": _l("A co-sponsorship of a need is withdrawn"),
    "decision.recorded": _l("A decision is recorded"),
    "sprint.started": _l("A sprint starts"),
    "sprint.closed": _l("A sprint is closed"),
}
PING = "ping"
