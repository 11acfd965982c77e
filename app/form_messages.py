"""WTForms' built-in validation messages, translated in our own catalogues.

WTForms ships no Danish catalogue, so Flask-WTF would show "This field is required." in the
Danish interface. The strings below are marked for extraction (N_/Nn_ are extraction
keywords, see the Makefile) and WTFormsTranslations looks them up in our catalogue.
"""
from flask import has_request_context
from flask_babel import get_translations


def N_(message: str) -> str:
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


MESSAGES = [
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    Nn_("Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long."),
    Nn_("Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters."),
    Nn_("Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    Nn_("'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
]


class WTFormsTranslations:
    """The translations object WTForms asks for its messages; WTForms formats them itself."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string) if has_request_context() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


def init_app(app) -> None:
    # Flask-WTF hands every form the module-level `translations` object of flask_wtf.form;
    # replacing it is the one place where WTForms' messages can come from our catalogue.
    import flask_wtf.form

    flask_wtf.form.translations = WTFormsTranslations()
