"""Blank forms kept as markup. A form shown empty (the backlog's two create forms, a comment
box) is written the same way for everyone who sees it, but for its CSRF token and its fresh
idempotency key; writing it again through WTForms and the `field` macro was a tenth of the
backlog's first page (callgrind: 49.9 M instructions a page before, 44.6 M after). A
template wraps such a form in

    {% call kept_form(form, position, project.key) %} … the form's markup … {% endcall %}

and the markup is written once per process and key, those per-sight values put in afresh.

The key holds everything the form itself shows: its class, prefix and language, and each
field's data, choices, label, description, flags and attributes (so a changed form is a new key,
never a stale answer). The extra arguments name what the surrounding markup shows besides the
form (the project's key in its addresses, the position). A form that was submitted or has
errors is always written afresh: it shows what someone typed."""
from flask import request
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from wtforms.csrf.core import CSRFTokenField

from app.extensions import current_locale
from app.web.kept import filled, with_slots
from app.web.markup import KeptMarkup

_FORMS = KeptMarkup(512)


def _fresh_value(field) -> str | None:
    """The value of a field made afresh at each sight (the idempotency key: a random token), to
    put in anew; None for any other field. A made value too short to be a token (today's date
    as a default) is part of the key instead: it could stand elsewhere in the markup."""
    if not callable(field.default):
        return None
    value = str(escape(field._value()))
    return value if len(value) >= 16 else None


def _shown_state(field):
    """What a field shows, as a key; None when it cannot be told (choices made by a function
    at each sight)."""
    choices = getattr(field, "choices", None)
    if callable(choices):
        return None
    return (field.name, field.id, field.type, repr(field.data), repr(field.raw_data), repr(choices),
            str(field.label.text), str(field.description), repr(field.render_kw),
            repr(sorted(vars(field.flags).items())))


def kept_form(form, *shown, caller):
    """The markup `caller()` writes for `form`, kept per process while the form is blank."""
    if form.errors or form.is_submitted():
        return caller()
    fresh, state = [str(escape(generate_csrf()))], []
    for field in form:
        if isinstance(field, CSRFTokenField):
            state.append((field.name, field.id))  # its value: the request's token, put in anew
            continue
        value = _fresh_value(field)
        if value is not None:
            fresh.append(value)
            continue
        field_state = _shown_state(field)
        if field_state is None:
            return caller()
        state.append(field_state)
    key = (type(form), form._prefix, str(current_locale()), request.script_root, shown,
           tuple(state))
    return filled(_FORMS.get(key, lambda: with_slots(str(caller()), fresh)), fresh)
