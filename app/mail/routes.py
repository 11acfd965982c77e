from flask import Blueprint, abort, current_app, render_template, send_from_directory
from flask_login import current_user, login_required

from app.mail.transport import OUTBOX_NAME, outbox_dir, read_outbox

bp = Blueprint("mail", __name__)

DEV_ENVIRONMENTS = ("development", "test")


def _require_dev_admin() -> None:
    # The outbox holds other people's mail: only site administrators of a development
    # instance see it, and it does not exist at all elsewhere.
    if current_app.config.get("ENV_NAME") not in DEV_ENVIRONMENTS or not current_user.is_site_admin:
        abort(404)


@bp.get("/dev/outbox")
@login_required
def outbox():
    """Development only: the e-mails written to the outbox folder instead of being sent."""
    _require_dev_admin()
    return render_template("mail/outbox.html", messages=read_outbox(),
                           folder=str(outbox_dir()))


@bp.get("/dev/outbox/<name>")
@login_required
def outbox_message(name):
    """Development only: download one outbox message as an .eml file."""
    _require_dev_admin()
    if not OUTBOX_NAME.match(name) or not (outbox_dir() / name).is_file():
        abort(404)
    return send_from_directory(outbox_dir(), name, mimetype="message/rfc822", as_attachment=True)
