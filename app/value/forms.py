from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from app.value.models import MAX_TEXT, MAX_UNIT, Rating
from app.web.fields import MARKDOWN_HELP, at_most, required

RATING_LABELS = {
    Rating.BELOW: _l("Below expected"),
    Rating.AS_EXPECTED: _l("As expected"),
    Rating.ABOVE: _l("Above expected"),
}


class FollowUpForm(FlaskForm):
    """A municipality's account of the value a delivered need has brought."""

    realised_value = TextAreaField(
        _l("Realised value"), validators=[required(), at_most(MAX_TEXT)],
        description=_l("What has changed for your municipality since the delivery? %(help)s",
                       help=MARKDOWN_HELP))
    rating = RadioField(_l("Compared with the expected value"),
                        choices=[(r.value, label) for r, label in RATING_LABELS.items()],
                        validators=[required()])
    measured_value = StringField(
        _l("Measured figure (optional)"), validators=[Optional(), at_most(30)],
        description=_l("A number, e.g. 2,5."))
    measured_unit = StringField(
        _l("Unit (optional)"), validators=[Optional(), at_most(MAX_UNIT)],
        description=_l("E.g. hours per week."))
