"""Forms of the backlog: creating and editing items, commenting."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.backlog.models import MAX_LABEL, MAX_REASON, MAX_TEXT, MAX_TITLE, ItemType, Status
from app.web.fields import idempotency_key_field

TYPE_LABELS = {
    ItemType.STORY: _l("Story"),
    ItemType.BUG: _l("Bug"),
    ItemType.TASK: _l("Task"),
    ItemType.EPIC: _l("Epic"),
}

STATUS_LABELS = {
    Status.BACKLOG: _l("Backlog"),
    Status.READY: _l("Ready"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.REVIEW: _l("Review"),
    Status.ACCEPTANCE: _l("Acceptance"),
    Status.DONE: _l("Done"),
}

FIELD_LABELS = {
    "created": _l("Created"),
    "title": _l("Title"),
    "type": _l("Type"),
    "description": _l("Description"),
    "acceptance_criteria": _l("Acceptance criteria"),
    "estimate": _l("Estimate"),
    "status": _l("Status"),
    "assignee": _l("Assignee"),
    "parent": _l("Epic"),
    "labels": _l("Labels"),
    "is_blocked": _l("Blocked"),
    "blocked_reason": _l("Blocked because"),
    "rank": _l("Rank"),
    "sprint": _l("Sprint"),
    "archived": _l("Archived"),
    "comment": _l("Comment"),
}


class ItemCreateForm(FlaskForm):
    """The inline create form at the top or bottom of the backlog."""

    title = StringField(_l("Title"), validators=[Length(max=MAX_TITLE)])
    type = SelectField(_l("Type"), choices=list(TYPE_LABELS.items()), default=ItemType.STORY.value,
                       validate_choice=False)
    estimate = StringField(_l("Estimate (points)"), validators=[Length(max=10)])
    position = HiddenField(default="bottom")
    idempotency_key = idempotency_key_field()


class ItemForm(FlaskForm):
    """Every editable field of an item."""

    title = StringField(_l("Title"), validators=[Length(max=MAX_TITLE)])
    type = SelectField(_l("Type"), choices=list(TYPE_LABELS.items()), validate_choice=False)
    estimate = StringField(_l("Estimate (points)"), validators=[Length(max=10)],
                           description=_l("Story points; halves allowed, e.g. 2.5."))
    assignee = SelectField(_l("Assignee"), validate_choice=False)
    parent = SelectField(_l("Epic"), validate_choice=False)
    labels = StringField(_l("Labels"), validators=[Length(max=(MAX_LABEL + 2) * 10)],
                         description=_l("Separated by commas; new labels are created."))
    is_blocked = BooleanField(_l("Blocked"))
    blocked_reason = StringField(_l("Blocked because"), validators=[Length(max=MAX_REASON)])
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_TEXT)],
                                description=_l("Markdown: **bold**, *italic*, lists, links."))
    acceptance_criteria = TextAreaField(_l("Acceptance criteria"),
                                        validators=[Length(max=MAX_TEXT)])
    version = HiddenField()

    def changes(self) -> dict:
        """The submitted values, keyed as backlog.services.update_item expects them."""
        return {
            "title": self.title.data, "type": self.type.data, "estimate": self.estimate.data,
            "assignee": self.assignee.data, "parent": self.parent.data,
            "labels": self.labels.data or "", "is_blocked": self.is_blocked.data,
            "blocked_reason": self.blocked_reason.data,
            "description": self.description.data,
            "acceptance_criteria": self.acceptance_criteria.data,
        }


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[Length(max=MAX_TEXT)],
                         description=_l("Markdown: **bold**, *italic*, lists, links."))
    idempotency_key = idempotency_key_field()


class CommentEditForm(FlaskForm):
    """A comment's new text; `seen` is its last edit as the author saw it."""

    body = TextAreaField(_l("Comment"), validators=[Length(max=MAX_TEXT)],
                         description=_l("Markdown: **bold**, *italic*, lists, links."))
    seen = HiddenField()


class DeleteItemForm(FlaskForm):
    confirmation = StringField(_l("Type the item's key to confirm"),
                               validators=[Length(max=40)])


class LabelRenameForm(FlaskForm):
    name = StringField(_l("New name"), validators=[Length(max=MAX_LABEL * 2)])


class LabelMergeForm(FlaskForm):
    into = SelectField(_l("Merge into"), validate_choice=False)


class LabelDeleteForm(FlaskForm):
    pass
