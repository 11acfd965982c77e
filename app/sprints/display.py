"""Sprint states and figures in words, for templates."""
from flask_babel import format_decimal, lazy_gettext as _l

from app.i18n import format_day_short
from app.sprints.models import SprintState

STATE_LABELS = {
    SprintState.PLANNED: _l("Planned"),
    SprintState.ACTIVE: _l("Active"),
    SprintState.CLOSED: _l("Closed"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def day_label(day) -> str:
    """A short day for chart axes: "27. nov." (the house's day without its year)."""
    return format_day_short(day)


def active_sprint_of(project):
    """The project's active sprint, for pages outside this area (the board's heading)."""
    from app.sprints.services import active_sprint

    return active_sprint(project)


def weekday_label(day) -> str:
    """A day in a table: "fre. 27. nov."."""
    return format_day_short(day, weekday=True)


def decimal(value) -> str:
    """Points with at most one decimal, in the user's locale: 49,7 in Danish."""
    if value is None:
        return ""
    return format_decimal(round(float(value), 1), format="0.#")


def signed(value) -> str:
    """A change in points with its sign: +3, −2,5."""
    if not value:
        return "0"
    return ("+" if value > 0 else "−") + decimal(abs(value))


def plan_words() -> dict:
    """The translated words of planning items, looked up once per request: a sprint of 300
    items would otherwise cost thousands of lookups."""
    from flask import g
    from flask_babel import gettext as _

    from app.backlog.display import status_label, type_label
    from app.backlog.models import STATUSES, ItemType

    words = g.get("_sprint_plan_words")
    if words is None:
        words = g._sprint_plan_words = {
            "types": {t.value: type_label(t) for t in ItemType},
            "statuses": {s: status_label(s) for s in STATUSES},
            "pt": _("%(points)s pt"), "no_estimate": _("No estimate"),
            "drag": _("Drag between the backlog and the sprint"),
            "add": _("Add to sprint"), "take_out": _("Take out"),
        }
    return words
