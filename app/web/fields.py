"""Form fields and validators every area's forms share, with messages in our catalogues."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import DataRequired, Length

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


def idempotency_key_field():
    """The hidden field of a creation form that makes sending it twice create once (see
    app/idempotency): a fresh random key each time the form is shown."""
    import secrets

    from wtforms import HiddenField

    return HiddenField(default=lambda: secrets.token_urlsafe(18))
