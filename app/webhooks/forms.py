"""The form for registering or changing a webhook endpoint."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from app.projects.forms import MultiCheckboxField
from app.web.fields import at_most, required
from app.webhooks.kinds import EVENTS
from app.webhooks.models import MAX_DESCRIPTION, MAX_URL


class EndpointForm(FlaskForm):
    url = StringField(_l("Payload URL"), validators=[required(), at_most(MAX_URL)],
                      description=_l("Where Samspil posts the events, e.g. "
                                     "https://ci.example.dk/hooks/samspil."))
    description = StringField(_l("Description"), validators=[at_most(MAX_DESCRIPTION)],
                              description=_l("What receives the events, e.g. “Team chat”."))
    # Unknown values are the service's to refuse, with the reason (422).
    events = MultiCheckboxField(_l("Events"), validate_choice=False)
    is_active = BooleanField(_l("Active (send events to this address)"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = [(name, f"{label} ({name})") for name, label in EVENTS.items()]
