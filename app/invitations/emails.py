"""The e-mails of invitations: the link to join (in the language the inviter chose), and the
notice to someone with an account that they were added (in their own language)."""
import logging

from flask_babel import lazy_gettext as _l

from app.mail.compose import compose, mail_locale, render_email
from app.mail.transport import MailError, send_message
from app.projects.forms import ROLE_LABELS
from app.web import external_url

log = logging.getLogger(__name__)


def _role_names(roles) -> list[str]:
    return [str(ROLE_LABELS.get(r, r)) for r in sorted(roles)]


def _send(to: str, name: str, template: str, locale: str, subject, **context) -> bool:
    subject, text, html = render_email(template, locale, subject, **context)
    try:
        send_message(compose(to, name, subject, text, html, locale))
    except MailError as exc:
        log.error("Could not send the %s e-mail: %s", template, exc)
        return False
    return True


def send_invitation(invitation, token: str) -> bool:
    """The invitation with its single-use link; False when the mail server refused it."""
    locale = mail_locale(invitation.locale)
    project = invitation.project
    return _send(
        invitation.email, "", "invitation", locale,
        lambda: _l("%(name)s invites you to %(project)s in Samspil",
                   name=invitation.invited_by.name if invitation.invited_by else "Samspil",
                   project=project.name),
        invitation=invitation, project=project, roles=lambda: _role_names(invitation.roles),
        url=external_url("invitations.show", token=token))


def send_added(membership, actor) -> bool:
    """Tell someone with an account that they are now a member of the project."""
    user, project = membership.user, membership.project
    locale = mail_locale(user.locale)
    return _send(
        user.email, user.name, "member_added", locale,
        lambda: _l("You are now a member of %(project)s in Samspil", project=project.name),
        user=user, project=project, actor=actor, roles=lambda: _role_names(membership.role_names),
        url=external_url("my.overview", key=project.key))
