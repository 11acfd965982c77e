"""Sprint states and figures in words, for templates."""
from flask_babel import format_date, format_decimal, lazy_gettext as _l

from app.sprints.models import SprintState

STATE_LABELS = {
    SprintState.PLANNED: _l("Planned"),
    SprintState.ACTIVE: _l("Active"),
    SprintState.CLOSED: _l("Closed"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def day_label(day) -> str:
    """A short day for chart axes: 27/11."""
    return format_date(day, "d/M")


def active_sprint_of(project):
    """The project's active sprint, for pages outside this area (the board's heading)."""
    from app.sprints.services import active_sprint

    return active_sprint(project)


def weekday_label(day) -> str:
    """A day in a table: "fre. 27/11"."""
    return format_date(day, "EEE d/M")


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
