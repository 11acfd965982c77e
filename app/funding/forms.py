"""The forms of estimates and funding. Amounts are typed the reader's way (AmountField); the
services judge sign, size and precision, so the forms only read them."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.clock import local_today
from app.funding.services import MAX_TEXT
from app.web.fields import AmountField, LocalDateField, at_most


def _amount(label, required=False, description=None):
    validators = ([InputRequired(message=_l("Fill in this field."))] if required
                  else [Optional()])
    return AmountField(label, validators=validators, description=description,
                       render_kw={"inputmode": "decimal", "autocomplete": "off"})


def _hours(label):
    return StringField(label, validators=[Optional(), at_most(8)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})


def _note():
    return TextAreaField(_l("Note (optional)"), validators=[Optional(), at_most(MAX_TEXT)])


class EstimateForm(FlaskForm):
    hours_low = _hours(_l("Hours, low"))
    hours_high = _hours(_l("Hours, high"))
    amount_low = _amount(_l("Kroner, low"))
    amount_high = _amount(_l("Kroner, high"),
                          description=_l("Give hours, kroner or both; a single figure in "
                                         "either end will do."))
    assumptions = TextAreaField(_l("Assumptions"), validators=[Optional(), at_most(MAX_TEXT)],
                                description=_l("What the estimate takes for granted."))


class PledgeForm(FlaskForm):
    amount = _amount(_l("Amount (kr.)"), required=True,
                     description=_l("For example 25.000,00."))
    note = _note()


class ActionForm(FlaskForm):
    """A button that changes a pledge's state: only the CSRF token."""


class BudgetForm(FlaskForm):
    year = StringField(_l("Year"), validators=[InputRequired(message=_l("Fill in this field.")),
                                               at_most(4)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})
    amount = _amount(_l("Budget (kr.)"), required=True)


class LoanForm(FlaskForm):
    organisation = SelectField(_l("Lending municipality"), validate_choice=False)
    amount = _amount(_l("Amount (kr.)"), required=True)
    lent_on = LocalDateField(_l("Lent on"), validators=[Optional()], default=local_today)
    note = _note()


class RepaymentForm(FlaskForm):
    amount = _amount(_l("Amount repaid (kr.)"), required=True)
    repaid_on = LocalDateField(_l("Repaid on"), validators=[Optional()], default=local_today)
    pledge = SelectField(_l("From the pledge (optional)"), validate_choice=False)
    note = _note()
