"""Flask extensions, created once and bound to the app in create_app()."""
from functools import cached_property
from types import SimpleNamespace

import flask_babel
from flask import g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.database import Base


def babel_state() -> SimpleNamespace | None:
    """Flask-Babel's state of the current app context (the locale it chose for the request, or
    the one `force_locale` set), found with one context lookup; None outside an app context.
    It is the namespace Flask-Babel keeps on `g` (its `_get_current_context`); the tests of
    language within a request (tests/main/test_translations_in_use.py) fail if that moves.
    Flask-Babel's own lookup goes through `g` three times, and each translated string made
    it three times (domain, translations, locale): with ~200 strings a page, that was a tenth
    of the page's time."""
    try:
        ctx_globals = g._get_current_object()
    except RuntimeError:
        return None
    state = ctx_globals.__dict__.get("_flask_babel")
    if state is None:
        state = ctx_globals._flask_babel = SimpleNamespace()
    return state


def current_locale():
    """`flask_babel.get_locale()`, asked once per request (and per `force_locale`)."""
    state = babel_state()
    locale = getattr(state, "babel_locale", None) if state is not None else None
    return locale if locale is not None else flask_babel.get_locale()


class RequestDomain(flask_babel.Domain):
    """The messages domain, whose translations are looked up once per request and locale
    rather than for every string. `force_locale` (an e-mail in its recipient's language) sets
    another locale, and so other translations, for as long as it lasts."""

    def get_translations(self):
        state = babel_state()
        if state is None:
            return super().get_translations()
        locale = current_locale()
        kept = getattr(state, "samspil_translations", None)
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        state.samspil_translations = (locale, translations)
        return translations


class Babel(flask_babel.Babel):
    """Flask-Babel with the messages domain above."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
