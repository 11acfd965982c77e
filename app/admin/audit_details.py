"""The audit log's details in the reader's words. Events store the program's own vocabulary
(`in_discovery`, role names, `{'19': 'approved'}`, ISO dates, True); this names every field
and shows every value as the rest of the pages do, in the reader's language. It lives with
the audit pages, above the areas, because the words for statuses, roles and outcomes are
theirs; the audit package itself records ids and words and knows no area."""
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit.labels import REASON_LABELS, detail_label
from app.backlog.services import format_points
from app.decisions.services import OUTCOME_LABELS, STATE_LABELS, TYPE_LABELS
from app.discovery.services import STATUS_LABELS
from app.i18n import format_day, format_moment, format_money, format_size
from app.projects.forms import PARTICIPATION_LABELS, ROLE_LABELS
from app.releases.services import SIGN_OFF_LABELS
from app.releases.services import STATE_LABELS as RELEASE_STATE_LABELS
from app.value.forms import RATING_LABELS

ORGANISATION_KIND_LABELS = {
    "municipality": _l("Municipality"),
    "vendor": _l("Vendor"),
    "community": _l("Community or secretariat"),
}


def _label(labels: dict, value) -> str:
    return str(labels.get(value, value))


def _roles(value) -> str:
    return ", ".join(_label(ROLE_LABELS, r) for r in value) or "–"


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def _points(value) -> str:
    return _("%(points)s points", points=format_points(float(value)))


def _day(value) -> str:
    try:
        return format_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _moment(value) -> str:
    try:
        return format_moment(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return str(value)


def _size(value) -> str:
    return format_size(int(value)) if isinstance(value, int) else str(value)


def _needs(value) -> str:
    return ", ".join(f"#{n}" for n in value)


def _outcomes(value) -> str:
    return "; ".join(f"#{number}: {_label(OUTCOME_LABELS, outcome)}"
                     for number, outcome in sorted(value.items(), key=lambda kv: int(kv[0])))


def _moved_to(value) -> str:
    return _("the backlog") if value == "backlog" else str(value)


def _items(value) -> str:
    """A number of items (a deleted sprint), or the keys of the items a decision concerns."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _kind(action: str, value) -> str:
    labels = ORGANISATION_KIND_LABELS if action.startswith("organisation.") \
        else PARTICIPATION_LABELS
    return _label(labels, value)


FORMATTERS = {
    "roles": _roles, "added": _roles, "removed": _roles,
    "old": lambda v: _label(STATUS_LABELS, v), "new": lambda v: _label(STATUS_LABELS, v),
    "reason": lambda v: _label(REASON_LABELS, v),
    "by_system": _yes_no, "cofund": _yes_no, "test_municipality": _yes_no,
    "requires_two_factor": _yes_no, "requires_sso": _yes_no, "texts_erased": _yes_no,
    "fields": lambda v: ", ".join(str(detail_label(k)) for k in v),
    "committed": _points, "completed": _points,
    "decided_on": _day, "needs": _needs, "outcomes": _outcomes, "items": _items,
    "moved_to": _moved_to,
    "can_write": _yes_no, "expires_on": _day, "projects": _items,
    "moves_to_review": _yes_no, "in_background": _yes_no, "exported_at": _moment,
    "archive_bytes": _size,
    "old_state": lambda v: _label(RELEASE_STATE_LABELS, v),
    "new_state": lambda v: _label(RELEASE_STATE_LABELS, v),
    "sign_off": lambda v: _label(SIGN_OFF_LABELS, v), "planned_on": _day, "override": _yes_no,
    "testers": _items, "criteria": lambda v: "; ".join(str(c) for c in v),
    "unmet": lambda v: "; ".join(str(c) for c in v),
    "amount": format_money, "previous_amount": format_money, "amount_low": format_money,
    "amount_high": format_money,
    "months": _items, "rating": lambda v: _label(RATING_LABELS, v),
    "state": lambda v: _label(STATE_LABELS, v),
    "decision_type": lambda v: _label(TYPE_LABELS, v) if v else _("Unspecified"),
    "supersedes": _items, "superseded_by": _items,
}

# The order in which details read well: what changed first, then how and why.
ORDER = ("key", "name", "kind", "municipality_code", "cvr", "requires_two_factor",
         "requires_sso", "email", "provider", "fields",
         "organisation", "year", "amount", "previous_amount", "amount_low", "amount_high",
         "hours_low", "hours_high", "old", "new", "old_state", "new_state", "sign_off", "roles",
         "added", "removed",
         "decided_on", "outcomes", "needs", "items", "committed", "completed", "unfinished",
         "moved_to", "projects", "can_write", "expires_on", "cofund", "test_municipality",
         "by_system", "decision", "reason", "rationale", "comment")


def audit_details(event) -> list[tuple[str, str]]:
    """(label, value) for each of the event's details, in the reader's language."""
    details = event.details or {}
    keys = sorted(details, key=lambda k: (ORDER.index(k) if k in ORDER else len(ORDER), k))
    out = []
    for key in keys:
        value = details[key]
        if key == "kind":
            text = _kind(event.action, value)
        elif key in FORMATTERS:
            text = FORMATTERS[key](value)
        else:
            text = str(value)
        out.append((str(detail_label(key)), text))
    return out


def actor_of(event) -> str | None:
    """Who acted when no account did: the system (automatic changes) or what was recorded."""
    if event.actor_label == "system":
        return _("The system")
    return event.actor_label or None
