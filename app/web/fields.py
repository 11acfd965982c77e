"""Form fields and validators every area's forms share, with messages in our catalogues."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from app.i18n import format_amount, parse_amount

MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, lists with -, links [text](https://…).")


def required():
    """A field that must be filled in."""
    return DataRequired(message=_l("Fill in this field."))


def at_most(limit: int):
    """A text of at most `limit` characters."""
    return Length(max=limit, message=_l("At most %(max)d characters."))


class LocalDateField(DateField):
    """A date field whose parse error speaks the user's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Give the date as YYYY-MM-DD.")) from exc


class AmountField(StringField):
    """An amount of kroner as the reader writes it ("12.500,50" in Danish, "12,500.50" in
    English): `data` is a Decimal, or None when left empty. Sign, size and precision are the
    service's to judge (`check_amount`), so every caller hears the same refusal."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            return
        if text.strip().startswith("-"):
            raise ValueError(_l("The amount must be more than zero."))
        try:
            self.data = parse_amount(text)
        except ValueError as exc:
            raise ValueError(_l("Give the amount as a number of kroner, e.g. 12.500,00.")) from exc

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_amount(self.data) if self.data is not None else ""
