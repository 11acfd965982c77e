"""Building a multipart e-mail (plain text and HTML) from a pair of templates, in the
recipient's language. The templates are `templates/email/<name>.txt` and `.html`; their words
come from the catalogues, so one pair serves Danish and English."""
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale

from app.database import utcnow


def mail_locale(*preferences: str | None) -> str:
    """The first of `preferences` that is one of our languages, else the default (Danish)."""
    languages = current_app.config["LANGUAGES"]
    return next((p for p in preferences if p in languages),
                current_app.config["BABEL_DEFAULT_LOCALE"])


def render_email(name: str, locale: str, subject, **context) -> tuple[str, str, str]:
    """(subject, text, html) of `templates/email/<name>.*` under `locale` (`subject` may be a
    callable, called under the locale, or a lazy string)."""
    with force_locale(locale):
        subject = str(subject() if callable(subject) else subject)
        context = {**context, "subject": subject, "locale": locale}
        text = render_template(f"email/{name}.txt", **context)
        html = render_template(f"email/{name}.html", **context)
    return subject, text, html


def compose(to: str, name: str, subject: str, text: str, html: str,
            locale: str) -> EmailMessage:
    """A multipart/alternative message to one person."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = Address(display_name=name or "", addr_spec=to)
    message["Date"] = format_datetime(utcnow())
    domain = urlsplit(current_app.config["BASE_URL"]).hostname or "samspil.localhost"
    message["Message-ID"] = make_msgid("samspil", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    # After the body: setting the content clears every Content-* header.
    message["Content-Language"] = locale
    return message
