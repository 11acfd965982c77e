"""The e-mails about a person's own account: the link to set a new password, and the notice
that it was changed (so someone who did not ask for it can react)."""
import logging

from flask_babel import lazy_gettext as _l

from app.mail.compose import compose, mail_locale, render_email
from app.mail.transport import MailError, send_in_background, send_message
from app.web import external_url

log = logging.getLogger(__name__)


def _send(user, name: str, subject, **context) -> bool:
    locale = mail_locale(user.locale)
    subject, text, html = render_email(name, locale, subject, user=user, **context)
    try:
        send_message(compose(user.email, user.name, subject, text, html, locale))
    except MailError as exc:
        log.error("Could not send the %s e-mail to user %s: %s", name, user.id, exc)
        return False
    return True


def send_reset_link(user, token: str, valid_minutes: int) -> None:
    """The link to set a new password, sent from a mail thread: the answer must be the same,
    and as fast, whether or not an account has the address (a failure is only logged)."""
    locale = mail_locale(user.locale)
    subject, text, html = render_email(
        "password_reset", locale, _l("Set a new password for Samspil"), user=user,
        url=external_url("password.reset", token=token), minutes=valid_minutes,
        forgot_url=external_url("password.forgot"))
    message = compose(user.email, user.name, subject, text, html, locale)
    send_in_background(message, "password reset")


def send_password_changed(user) -> bool:
    """Tell the person their password was changed, and what to do if it was not them."""
    return _send(user, "password_changed", _l("Your Samspil password was changed"),
                 forgot_url=external_url("password.forgot"),
                 login_url=external_url("accounts.login"))
