"""The rounds' forms. Score sheets, criteria and ballots have one field per criterion or need,
read from the request in routes.py; these forms carry the fixed fields and the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from app.rounds.models import MAX_NAME
from app.rounds.services import MAX_POINTS
from app.web.fields import LocalDateField, at_most, required


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), at_most(MAX_NAME)],
                       description=_l("E.g. “Prioritisation spring 2027”."))
    deadline = LocalDateField(_l("Last day of voting"), validators=[required()])
    points_per_municipality = IntegerField(
        _l("Points per municipality"), default=100,
        validators=[required(), NumberRange(1, MAX_POINTS, message=_l(
            "A whole number from %(min)s to %(max)s."))])
    budget_amount = StringField(_l("Budget in kroner (optional)"),
                                validators=[Optional(), at_most(40)],
                                description=_l("What the coordination group can order for in "
                                               "this round, e.g. 250.000,00."))
    budget_hours = IntegerField(_l("Budget in hours (optional)"),
                                validators=[Optional(), NumberRange(0, 10_000_000, message=_l(
                                    "A whole number from %(min)s to %(max)s."))],
                                description=_l("The vendor's hours the round can use, if the "
                                               "group budgets in time."))
    all_ready = BooleanField(_l("All ready needs"), default=True)


class ActionForm(FlaskForm):
    """A button's form: only the CSRF token (closing a round, casting a ballot, scoring)."""


class OrderForm(FlaskForm):
    amount = StringField(_l("Amount (optional)"), validators=[Optional(), at_most(40)],
                         description=_l("Leave empty to order at the vendor's estimate."))
