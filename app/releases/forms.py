"""The forms of releases and the definition of done. Lists of chosen items and municipalities
are checkboxes read by name (`items`, `testers`); the checklist's rows are named by position
(met-1, explanation-1)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from app.releases.models import MAX_NAME, MAX_NOTES, MAX_TEXT, SignOff
from app.web.fields import MARKDOWN_HELP, LocalDateField, at_most, required


class ReleaseForm(FlaskForm):
    """A release's own fields."""

    version = HiddenField()
    name = StringField(_l("Version or name"), validators=[required(), at_most(MAX_NAME)],
                       description=_l("E.g. 2.4 or “Spring release 2027”."))
    planned_on = LocalDateField(_l("Planned release date"), validators=[Optional()])
    test_from = LocalDateField(_l("Test window from"), validators=[Optional()])
    test_to = LocalDateField(_l("Test window to"), validators=[Optional()])


class VersionForm(FlaskForm):
    """A form whose choices are checkboxes read by name; it carries the version seen."""

    version = HiddenField()


class NotesForm(FlaskForm):
    version = HiddenField()
    notes_da = TextAreaField(_l("Release notes in Danish"),
                             validators=[Optional(), at_most(MAX_NOTES)], description=MARKDOWN_HELP)
    notes_en = TextAreaField(_l("Release notes in English"),
                             validators=[Optional(), at_most(MAX_NOTES)], description=MARKDOWN_HELP)


class StateForm(FlaskForm):
    version = HiddenField()
    state = HiddenField(validators=[required()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), at_most(MAX_TEXT)])


class SignOffForm(FlaskForm):
    version = HiddenField()
    decision = RadioField(_l("Your municipality's sign-off"), choices=[
        (SignOff.APPROVED.value, _l("Approved")),
        (SignOff.APPROVED_WITH_REMARKS.value, _l("Approved with remarks")),
        (SignOff.NOT_APPROVED.value, _l("Not approved"))],
        validators=[required()])
    text = TextAreaField(_l("Remarks"), validators=[Optional(), at_most(MAX_TEXT)],
                         description=_l("Required with remarks or when not approved."))


class DefinitionForm(FlaskForm):
    criteria = TextAreaField(_l("The points of the definition of done"),
                             validators=[required(), at_most(MAX_TEXT)],
                             description=_l("One point a line."))


class DoneCheckForm(FlaskForm):
    """Only the CSRF token: the rows are read by position."""
