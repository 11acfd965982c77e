from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.backlog.forms import TYPE_LABELS
from app.backlog.models import MAX_TEXT, ItemType
from app.backlog.models import MAX_TITLE as MAX_ITEM_TITLE
from app.clock import local_today
from app.discovery.services import (MAX_COSPONSOR_NOTE, MAX_LENGTH, MAX_NOTE, MAX_RATIONALE,
                                    NOTE_KIND_LABELS, TEXT_FIELDS)
from app.web.fields import (MARKDOWN_HELP, LocalDateField, at_most, idempotency_key_field,
                            required)

def _text(label, name, is_required=False, description=MARKDOWN_HELP):
    validators = [required() if is_required else Optional(), at_most(MAX_LENGTH[name])]
    return TextAreaField(label, validators=validators, description=description)


class NeedForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), at_most(MAX_LENGTH["title"])],
                        description=_l("Short and concrete: the problem, not the solution."))
    background = _text(_l("Background"), "background", is_required=True, description=_l(
        "How it works today, and who is affected."))
    desired_outcome = _text(_l("Desired outcome"), "desired_outcome", is_required=True,
                            description=_l("What should be possible when the need is met."))
    expected_value = _text(
        _l("Expected value"), "expected_value", is_required=True,
        description=_l("Time saved, risk reduced, better service – and for whom."))
    assumptions = _text(_l("Assumptions (optional)"), "assumptions", description=None)
    risks = _text(_l("Risks (optional)"), "risks", description=None)
    out_of_scope = _text(_l("Out of scope (optional)"), "out_of_scope", description=None)
    # Used when the form creates a need (the edit form ignores it).
    idempotency_key = idempotency_key_field()

    TEXT_FIELDS = TEXT_FIELDS

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.TEXT_FIELDS}


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validate_choice=False)
    rationale = TextAreaField(
        _l("Rationale"), validators=[Optional(), at_most(MAX_RATIONALE)],
        description=_l("Required when declining or parking; everyone in the project sees it."))
    is_rationale_public = BooleanField(
        _l("When declining: show the need and the rationale on the public roadmap"))


class CoSponsorForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"),
                         validators=[Optional(), at_most(MAX_COSPONSOR_NOTE)],
                         description=_l("Why the need matters to your municipality."))
    is_willing_to_cofund = BooleanField(_l("We are willing to co-fund"))
    is_willing_to_test = BooleanField(_l("We are willing to be a test municipality"))


class NoteForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(NOTE_KIND_LABELS.items()), validate_choice=False)
    occurred_on = LocalDateField(_l("Date"), validators=[Optional()], default=local_today,
                            description=_l("The day of the workshop or conversation."))
    body = TextAreaField(_l("Note"), validators=[required(), at_most(MAX_NOTE)],
                         description=MARKDOWN_HELP)


class EscalateForm(FlaskForm):
    reason = TextAreaField(_l("What should the steering group decide?"),
                           validators=[required(), at_most(MAX_RATIONALE)])


class WithdrawEscalationForm(FlaskForm):
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), at_most(MAX_RATIONALE)])


class LinkItemForm(FlaskForm):
    item = StringField(_l("Backlog item"), validators=[at_most(40)],
                       description=_l("Its number, e.g. OVB-12 or 12; suggestions as you type."))


class ItemFromNeedForm(FlaskForm):
    """A new backlog item serving the need, pre-filled from it."""

    title = StringField(_l("Title"), validators=[required(), at_most(MAX_ITEM_TITLE)])
    type = SelectField(_l("Type"), choices=[(t.value, label) for t, label in TYPE_LABELS.items()],
                       default=ItemType.STORY.value, validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[Optional(), at_most(MAX_TEXT)],
                                description=MARKDOWN_HELP)


class DeleteNeedForm(FlaskForm):
    confirmation = StringField(_l("Type the need's number to confirm"),
                               validators=[at_most(20)])
