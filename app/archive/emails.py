"""The e-mail with the download link of an archive made in the background."""
import logging

from flask_babel import lazy_gettext as _l

from app.digests.services import rendering_context
from app.mail.compose import compose, mail_locale, render_email
from app.mail.transport import MailError, send_message
from app.web import external_url

log = logging.getLogger(__name__)


def send_ready(export) -> bool:
    """Tell whoever asked that the archive is ready; False when the mail server refused."""
    user, project = export.requested_by, export.project
    if user is None or not user.is_active:
        return False
    locale = mail_locale(user.locale)
    with rendering_context():  # the scheduler has no request: links on BASE_URL
        subject, text, html = render_email(
            "archive_ready", locale,
            lambda: _l("The archive of %(project)s is ready", project=project.name),
            user=user, project=project, export=export,
            url=external_url("archive.download", key=project.key, export_id=export.id))
    try:
        send_message(compose(user.email, user.name, subject, text, html, locale))
    except MailError as exc:
        log.error("Could not send the archive e-mail: %s", exc)
        return False
    return True


def send_invitations(imported) -> int:
    """E-mail the invitations an import made (after its commit); how many went."""
    from app.invitations.emails import send_invitation

    return sum(bool(send_invitation(invitation, token))
               for invitation, token in imported.invitations)
