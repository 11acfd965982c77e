"""Forms of the sprints: a sprint's details, closing it, and the retrospective."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.sprints.models import MAX_GOAL, MAX_NAME, MAX_RETRO
from app.web.fields import MARKDOWN_HELP, LocalDateField

class SprintForm(FlaskForm):
    """Create a sprint, or change one that is not closed."""

    name = StringField(_l("Name"), validators=[Length(max=MAX_NAME)])
    goal = TextAreaField(_l("Sprint goal"), validators=[Length(max=MAX_GOAL)],
                         description=_l("What the sprint should achieve, in a sentence or two."))
    start_date = LocalDateField(_l("Start date"), validators=[Optional()])
    end_date = LocalDateField(_l("End date"), validators=[Optional()],
                         description=_l("The last day of the sprint."))
    capacity = StringField(_l("Capacity (points)"), validators=[Length(max=10)],
                           description=_l("The story points the team expects to manage."))
    version = HiddenField()

    def changes(self, include_start: bool = True) -> dict:
        """The submitted values, keyed as sprints.services.update_sprint expects them."""
        changes = {"name": self.name.data, "goal": self.goal.data or "",
                   "end_date": self.end_date.data, "capacity": self.capacity.data}
        if include_start:
            changes["start_date"] = self.start_date.data
        return changes


class CloseForm(FlaskForm):
    unfinished = RadioField(_l("Unfinished items"), default="backlog", validate_choice=False,
                            choices=[("backlog", _l("Back to the backlog, keeping their rank")),
                                     ("next", _l("Into the next planned sprint"))])
    version = HiddenField()


class RetrospectiveForm(FlaskForm):
    went_well = TextAreaField(_l("What went well"), validators=[Length(max=MAX_RETRO)],
                              description=MARKDOWN_HELP)
    to_improve = TextAreaField(_l("What to improve"), validators=[Length(max=MAX_RETRO)],
                               description=MARKDOWN_HELP)
    actions = TextAreaField(_l("Actions"), validators=[Length(max=MAX_RETRO)],
                            description=_l("Who does what before the next sprint."))
    version = HiddenField()
