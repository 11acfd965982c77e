from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from app.decisions.models import MAX_TEXT, MAX_TITLE, Decision, DecisionState
from app.decisions.services import CHOSEN_STATES, STATE_LABELS, TYPE_LABELS
from app.extensions import db
from app.i18n import format_day
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



class _RecordFields:
    """The decision record's fields, shared by recording and by changing the record."""

    decision_type = SelectField(
        _l("Type"), choices=[("", _l("Unspecified"))]
        + [(t.value, label) for t, label in TYPE_LABELS.items()], validators=[Optional()])
    # Left out (an older client, the API's form): accepted, as every decision was before.
    state = SelectField(_l("State"), choices=[(s.value, STATE_LABELS[s]) for s in CHOSEN_STATES],
                        validators=[Optional()])
    consequences = TextAreaField(
        _l("Consequences (optional)"), validators=[Optional(), at_most(MAX_TEXT)],
        description=_l("What follows from the decision, for the product and the "
                       "municipalities. %(help)s", help=MARKDOWN_HELP))
    supersedes = SelectMultipleField(
        _l("Supersedes (optional)"), coerce=int, validators=[Optional()],
        description=_l("Earlier decisions this one replaces; once it is accepted they are "
                       "marked superseded. Hold Ctrl (or Cmd) to choose several."))


class DecisionRecordForm(_RecordFields, FlaskForm):
    """A decision's record alone, changed on the decision's page."""


class RecordingForm(_RecordFields, DecisionForm):
    """A new decision with its record."""


def decision_choices(project, exclude: Decision | None = None) -> list[tuple[int, str]]:
    """The project's decisions a decision may supersede (not rejected ones), newest first."""
    stmt = select(Decision.id, Decision.decided_on, Decision.title).where(
        Decision.project_id == project.id, Decision.state != DecisionState.REJECTED)
    if exclude is not None:
        stmt = stmt.where(Decision.id != exclude.id)
    return [(ident, f"{format_day(day)} · {title}") for ident, day, title in db.session.execute(
        stmt.order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(200))]
