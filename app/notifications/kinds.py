"""The kinds of notification, their words, and which of them are e-mailed at once.

The areas name the kind when they notify; the framework knows the words so the list, the
bell, the e-mails and /settings read the same everywhere."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Kind(StrEnum):
    MENTIONED = "mentioned"
    ASSIGNED = "assigned"
    ITEM_STATUS = "item_status"
    ITEM_COMMENT = "item_comment"
    ITEM_BLOCKED = "item_blocked"
    ACCEPTANCE = "acceptance"
    NEED_COSPONSORED = "need_cosponsored"
    NEED_STATUS = "need_status"
    NEED_DECIDED = "need_decided"
    ESCALATION = "escalation"
    WEBHOOK_DISABLED = "webhook_disabled"
    RELEASE_IN_TEST = "release_in_test"
    ROUND_REMINDER = "round_reminder"
    FOLLOW_UP_DUE = "follow_up_due"


# Sent by e-mail as soon as the scheduler next runs; the others wait for the batch.
IMMEDIATE = frozenset({Kind.MENTIONED, Kind.ACCEPTANCE, Kind.WEBHOOK_DISABLED})

LABELS = {
    Kind.MENTIONED: _l("Someone mentions me"),
    Kind.ASSIGNED: _l("An item is assigned to me"),
    Kind.ITEM_STATUS: _l("An item I follow changes status"),
    Kind.ITEM_COMMENT: _l("An item I follow gets a comment"),
    Kind.ITEM_BLOCKED: _l("An item I follow is blocked"),
    Kind.ACCEPTANCE: _l("An item waits for my acceptance"),
    Kind.NEED_COSPONSORED: _l("A need I follow is co-sponsored"),
    Kind.NEED_STATUS: _l("A need I follow changes status"),
    Kind.NEED_DECIDED: _l("A decision is recorded on a need I follow"),
    Kind.ESCALATION: _l("An escalation waits for the steering group"),
    Kind.WEBHOOK_DISABLED: _l("A webhook of the project is switched off after failing"),
    Kind.RELEASE_IN_TEST: _l("A release my municipality tests is ready for testing"),
    Kind.ROUND_REMINDER: _l("My municipality has not yet voted in a prioritisation round"),
    Kind.FOLLOW_UP_DUE: _l("My municipality's follow-up on a delivered need's value is due"),
}

# One line in the list and the e-mail: "%(actor)s mentioned you in OVB-12 Login".
SENTENCES = {
    Kind.MENTIONED: _l("%(actor)s mentioned you in %(target)s"),
    Kind.ASSIGNED: _l("%(actor)s assigned %(target)s to you"),
    Kind.ITEM_STATUS: _l("%(actor)s changed the status of %(target)s"),
    Kind.ITEM_COMMENT: _l("%(actor)s commented on %(target)s"),
    Kind.ITEM_BLOCKED: _l("%(actor)s marked %(target)s as blocked"),
    Kind.ACCEPTANCE: _l("%(target)s waits for your acceptance"),
    Kind.NEED_COSPONSORED: _l("%(actor)s co-sponsored %(target)s"),
    Kind.NEED_STATUS: _l("%(actor)s changed the status of %(target)s"),
    Kind.NEED_DECIDED: _l("%(actor)s recorded a decision on %(target)s"),
    Kind.ESCALATION: _l("%(actor)s escalated %(target)s to the steering group"),
    Kind.WEBHOOK_DISABLED: _l("The webhook %(target)s failed for 24 hours and is switched off"),
    Kind.RELEASE_IN_TEST: _l("%(actor)s asks your municipality to test and sign off %(target)s"),
    Kind.ROUND_REMINDER: _l("Your municipality has not voted in %(target)s; voting closes soon"),
    Kind.FOLLOW_UP_DUE: _l("Follow-up due: record the value %(target)s has brought"),
}

# Where a target is shown (an endpoint taking `key` and `number`), and for the Watch button
# its model (a project's rows with a `number`) and describe(obj) -> (Target, organisations),
# where `organisations()` gives the ids of the target's municipalities (called only when a
# question needs them).
TARGET_ENDPOINTS: dict[str, str] = {}
TARGET_MODELS: dict = {}
TARGET_DESCRIBERS: dict = {}


def no_organisations() -> tuple:
    """`organisations` of a target that belongs to no municipality (an item, a release)."""
    return ()


def register_target(target_kind: str, endpoint: str, model=None, describe=None) -> None:
    """An area names the page of its targets, and those that can be watched their model and
    how to describe one: `register_target("item", "backlog.item", Item, describe)`."""
    TARGET_ENDPOINTS[target_kind] = endpoint
    if model is not None and describe is not None:
        TARGET_MODELS[target_kind] = model
        TARGET_DESCRIBERS[target_kind] = describe
