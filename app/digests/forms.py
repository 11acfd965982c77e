from babel.dates import get_day_names
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from app.digests.models import DeliveryState, Frequency
from app.digests.schedule import SendSettings

FREQUENCY_LABELS = {
    Frequency.OFF: _l("No digest"),  # Danish "Ingen": "Fra" read as "From"
    Frequency.DAILY: _l("Daily (weekdays)"),
    Frequency.WEEKLY: _l("Weekly"),
}

STATE_LABELS = {
    DeliveryState.PENDING: _l("Waiting to be sent"),
    DeliveryState.RETRYING: _l("Will be retried"),
    DeliveryState.SENDING: _l("Being sent"),
    DeliveryState.SENT: _l("Sent"),
    DeliveryState.FAILED: _l("Failed"),
    DeliveryState.UNCERTAIN: _l("Uncertain: may have arrived"),
    DeliveryState.SKIPPED: _l("Not sent (nothing to say)"),
}

STATE_TONES = {DeliveryState.SENT: "ok", DeliveryState.RETRYING: "warn",
               DeliveryState.PENDING: "warn", DeliveryState.SENDING: "warn",
               DeliveryState.FAILED: "danger", DeliveryState.UNCERTAIN: "danger"}


def weekly_day_name() -> str:
    """The configured weekly day in the current language, e.g. "mandag"."""
    day = SendSettings.from_config(current_app.config).weekly_day
    return get_day_names("wide", locale=get_locale())[day]


def frequency_choices() -> list[tuple[str, str]]:
    weekly = _l("Weekly (%(day)s)", day=weekly_day_name())
    return [(Frequency.OFF.value, str(FREQUENCY_LABELS[Frequency.OFF])),
            (Frequency.DAILY.value, str(FREQUENCY_LABELS[Frequency.DAILY])),
            (Frequency.WEEKLY.value, str(weekly))]


def field_name(project) -> str:
    return f"project_{project.id}"


def subscriptions_form(rows, **kwargs) -> FlaskForm:
    """One select per project of mine, named project_<id>, preset to the frequency in force."""

    class SubscriptionsForm(FlaskForm):
        pass

    choices = frequency_choices()
    for row in rows:
        setattr(SubscriptionsForm, field_name(row.project),
                SelectField(row.project.name, choices=choices, default=row.frequency.value))
    return SubscriptionsForm(prefix="digests", **kwargs)
