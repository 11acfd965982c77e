"""Language and time: the user's setting, then the browser's, then Danish; and the one way each
language writes a day and a moment, in Copenhagen time.

Every date a page, an e-mail or a chart shows goes through `format_day` / `format_moment`
(the templates' `date` and `datetime` filters): "1. dec. 2026" and "1. dec. 2026 kl. 23.20"
in Danish, "1 Dec 2026" and "1 Dec 2026, 23:20" in English. `format_day_short` is the same
day without the year, for chart axes and day-by-day tables inside a sprint whose dates are
given in full beside them; `format_month` names a month in headings.

Amounts of money go through `format_money` (the templates' `money` filter): "12.500,00 kr." in
Danish, "DKK 12,500.00" in English; `parse_amount` reads what a person types back."""
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit
from flask import Flask, g, has_request_context, request
from flask_babel import get_timezone
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from app.extensions import babel, babel_state, current_locale

# Babel (CLDR) patterns per language: a day, a moment (day and time), a day within a sprint.
DAY = {"da": "d. MMM y", "en": "d MMM y"}
MOMENT = {"da": "d. MMM y 'kl.' HH.mm", "en": "d MMM y, HH:mm"}
SHORT_DAY = {"da": "d. MMM", "en": "d MMM"}
SHORT_WEEKDAY = {"da": "EEE d. MMM", "en": "EEE d MMM"}
MONTH = {"da": "LLLL y", "en": "LLLL y"}


def select_locale() -> str:
    """The user's chosen language, else the best match for Accept-Language, else Danish."""
    from flask import current_app

    if not has_request_context():  # CLI commands and scheduled jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.accept_languages.best_match(languages)
    if asked and g.get("language_from_request"):
        # A program's request (the JSON API) says its language in each request.
        return asked
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return asked or current_app.config["BABEL_DEFAULT_LOCALE"]


def _translations():
    return babel.domain_instance.get_translations()


# The templates' _(), gettext() and ngettext(), as Jinja's "newstyle" gettext makes them (the
# result is marked safe where the template escapes, then formatted with the keyword arguments,
# which are escaped), but called directly: Jinja's own _() went through three context calls
# for each string, and a page has a couple of hundred.
@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables):
    text = _translations().ugettext(string)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_pgettext(eval_ctx, context: str, string: str, **variables):
    variables.setdefault("context", context)
    text = _translations().upgettext(context, string)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int,
                        **variables):
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = _translations().unpgettext(context, singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables


def _language_of(locale) -> str:
    return locale.language if locale.language in DAY else "en"


def _language() -> str:
    return _language_of(current_locale())


def current_timezone():
    """`flask_babel.get_timezone()`, asked once per request."""
    state = babel_state()
    zone = getattr(state, "babel_tzinfo", None) if state is not None else None
    return zone if zone is not None else get_timezone()


def _day_of(value) -> date:
    """The Copenhagen calendar day of an instant; a date as it is."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(
            current_timezone()).date()
    return value


_DAY_PATTERNS = {"day": DAY, "short": SHORT_DAY, "weekday": SHORT_WEEKDAY, "month": MONTH}


@lru_cache(maxsize=4096)
def _written_day(day: date, kind: str, locale) -> str:
    # Babel takes ~50 µs to write a day; a list of 25 needs writes 25 of them, mostly the same
    # few days, and a day is written the same way in a language for good.
    return babel_format_date(day, _DAY_PATTERNS[kind][_language_of(locale)], locale=locale)


def _write_day(value, kind: str) -> str:
    return _written_day(_day_of(value), kind, current_locale())


def format_day(value) -> str:
    """A calendar day (or the Copenhagen day of an instant): "1. dec. 2026"."""
    if not value:
        return ""
    return _write_day(value, "day")


def format_day_short(value, weekday: bool = False) -> str:
    """A day without its year, for axes and day-by-day tables: "1. dec." ("tirs. 1. dec.")."""
    if not value:
        return ""
    return _write_day(value, "weekday" if weekday else "short")


def format_month(value) -> str:
    """The month of a day or an instant, for headings: "december 2026"."""
    if not value:
        return ""
    return _write_day(value, "month")


def format_moment(value) -> str:
    """An instant in Copenhagen time: "1. dec. 2026 kl. 23.20"."""
    if not value:
        return ""
    return babel_format_datetime(value, MOMENT[_language()], tzinfo=current_timezone(),
                                 locale=current_locale())


def moment_formatter():
    """`format_moment` for the many timestamps of one page (comments, history): the language
    and time zone are looked up once, and each minute is written once."""
    locale, zone = current_locale(), current_timezone()
    pattern = MOMENT[_language_of(locale)]

    @lru_cache(maxsize=512)
    def by_minute(minute: datetime) -> str:
        return babel_format_datetime(minute, pattern, tzinfo=zone, locale=locale)

    return lambda value: by_minute(value.replace(second=0, microsecond=0)) if value else ""


def _date_filter(value, _style=None) -> str:
    # One format per language: a style that templates written before ("long", "short") still
    # pass is ignored, so every page writes a day the same way.
    return format_day(value)


def _datetime_filter(value, _style=None) -> str:
    return format_moment(value)


SIZE_UNITS = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")


def format_size(size: int) -> str:
    """A file's size in the reader's language: "70 B", "1,2 kB", "25 MB" (binary multiples,
    as the limits are counted)."""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return format_unit(value, SIZE_UNITS[unit], length="short",
                       locale=str(current_locale() or "da"), format="#,##0.#")


# The currency sign before the amount in English ("DKK 12,500.00"); Danish keeps CLDR's own
# pattern ("12.500,00 kr."). Both with a no-break space, so an amount never wraps.
MONEY_PATTERN = {"en": "¤\xa0#,##0.00"}


def format_money(value, currency: str = "DKK") -> str:
    """An amount of money in the reader's language: "12.500,00 kr.", "DKK 12,500.00"."""
    if value is None or value == "":
        return ""
    language = _language()
    return format_currency(Decimal(value), currency, format=MONEY_PATTERN.get(language),
                           currency_digits=False, locale=str(current_locale() or "da"))


def format_amount(value) -> str:
    """An amount without its currency, as a form shows it back: "12.500,00" ("12,500.00")."""
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value), format="#,##0.00", locale=str(current_locale() or "da"))


_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_PLAIN = re.compile(r"[0-9]{1,20}(\.[0-9]{1,20})?")


def parse_amount(text: str) -> Decimal:
    """The amount a person typed, read in their language: "12.500,50" or "12500,50" in Danish,
    "12,500.50" in English; "12500.50" in either (a lone separator before one or two digits is
    decimal). Spaces and a trailing "kr."/"DKK" are ignored. Raises ValueError on anything
    else (the caller checks sign, size and precision)."""
    value = _SPACES.sub("", str(text or ""))
    if len(value) > 60:
        raise ValueError(value[:60])
    value = re.sub(r"(?i)(kr\.?|dkk)$", "", re.sub(r"(?i)^dkk", "", value))
    group, decimal = (",", ".") if _language() == "en" else (".", ",")
    if re.fullmatch(rf"[0-9]{{1,3}}(\{group}[0-9]{{3}})+(\{decimal}[0-9]+)?", value):
        value = value.replace(group, "")
    value = value.replace(decimal, ".")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    if not _PLAIN.fullmatch(value):
        raise ValueError(value)
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(value) from exc


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path) + "/translations")
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext, pgettext=_template_pgettext,
                                 npgettext=_template_npgettext)
    app.jinja_env.globals["get_locale"] = current_locale
    app.jinja_env.filters["date"] = _date_filter
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.filters["filesize"] = format_size
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["amount"] = format_amount
