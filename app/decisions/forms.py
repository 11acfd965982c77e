from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Optional

from app.decisions.models import MAX_TEXT, MAX_TITLE
from app.web.fields import MARKDOWN_HELP, LocalDateField, at_most, required


class DecisionForm(FlaskForm):
    """A decision's own fields. The outcomes for the escalated needs are rows of fields named
    by need number (outcome-12, status-12, rationale-12), read in routes.py."""

    decided_on = LocalDateField(_l("Decided on"), validators=[required()])
    title = StringField(_l("Title"), validators=[required(), at_most(MAX_TITLE)],
                        description=_l("What was decided, in one line."))
    text = TextAreaField(_l("Decision text"), validators=[Optional(), at_most(MAX_TEXT)],
                         description=MARKDOWN_HELP)
    need_numbers = StringField(
        _l("Other needs it concerns (optional)"), validators=[Optional(), at_most(1000)],
        description=_l("Need numbers separated by commas, e.g. #12, #13."))
    item_numbers = StringField(
        _l("Backlog items it concerns (optional)"), validators=[Optional(), at_most(1000)],
        description=_l("Item keys separated by commas, e.g. OVB-12, OVB-13."))
