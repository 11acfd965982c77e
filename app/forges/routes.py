"""The forges' receiving addresses, and the project's development page."""
import json

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.forges import events, services
from app.forges.permissions import can_manage_forges
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.web import error_page, redirect_with, template_globals
from app.web.navigation import external_url

hooks = Blueprint("hooks", __name__)
bp = Blueprint("forges", __name__)
READERS = {"github": (events.github, "X-GitHub-Event"), "gitlab": (events.gitlab,
                                                                  "X-Gitlab-Event")}


def json_error(status: int, title: str, message: str):
    """The receiving addresses answer in JSON, errors included."""
    return jsonify({"error": title, "detail": message}), status


@template_globals(bp)
def development_helpers():
    return {"development_of": services.links_of,
            "may_manage_forges": lambda project: can_manage_forges(current_user, project)}


@hooks.post("/hooks/<provider>/<token>")
def receive(provider, token):
    """A forge's message: checked against the project's secret, then recorded on the items
    it names (JSON answers: what was linked and moved)."""
    receiver = services.receiver_by_token(token) if provider in READERS else None
    if receiver is None:
        return json_error(404, _("Not found"), _("No project receives here."))
    if (request.content_length or 0) > current_app.config["FORGE_MAX_PAYLOAD_BYTES"]:
        return json_error(413, _("Too large"), _("The message is larger than Samspil takes."))
    body = request.get_data(cache=True)
    if not services.is_genuine(receiver, provider, body, request.headers):
        services.refuse(receiver, provider)
        db.session.commit()
        return json_error(401, _("Not signed"), _("The signature or token does not match "
                                                 "this project's secret."))
    read, header = READERS[provider]
    try:
        things = read(request.headers.get(header, ""), json.loads(body))
    except (ValueError, RecursionError, events.BadPayload):
        return json_error(400, _("Not understood"), _("The message is not the JSON event it "
                                                     "claims to be."))
    if things is None:
        return jsonify({"ignored": True}), 202
    outcome = services.receive(receiver, provider, things)
    db.session.commit()
    return jsonify(outcome)


def _page(project, secret: str | None = None, status: int = 200):
    receiver = services.receiver_of(project)
    addresses = {p: external_url("hooks.receive", provider=p, token=receiver.token)
                 for p in services.PROVIDERS} if receiver else {}
    return render_template("forges/settings.html", project=project, receiver=receiver,
                           addresses=addresses, secret=secret), status


def _managed(key):
    project = get_project_or_404(key)
    require(can_manage_forges(current_user, project))
    return project


@bp.get("/p/<key>/development")
@login_required
def settings(key):
    """The project's connection to GitHub and GitLab: addresses, secret, what merged fixes do."""
    return _page(_managed(key))


@bp.post("/p/<key>/development/secret")
@login_required
def make_secret(key):
    """Connect the project, or give it a new secret; the secret is shown once, on this page."""
    project = _managed(key)
    secret = services.connect(project, current_user._get_current_object())
    db.session.commit()
    return _page(project, secret)


@bp.post("/p/<key>/development/settings")
@login_required
def change_settings(key):
    """Whether a merged pull request that says "fixes OVB-12" moves the item to review."""
    project = _managed(key)
    receiver = services.receiver_of(project)
    if receiver is None:
        return error_page(409, _("Not connected"), _("Connect the project to a forge first."))
    services.set_moves_to_review(receiver, request.form.get("moves_to_review") == "y",
                                 current_user._get_current_object())
    db.session.commit()
    return redirect_with(_("Saved."), url_for("forges.settings", key=key))


@bp.post("/p/<key>/development/disconnect")
@login_required
def disconnect(key):
    """Stop receiving from the forges (what the items show stays); needs the confirmation."""
    project = _managed(key)
    receiver = services.receiver_of(project)
    if receiver is None or request.form.get("confirm") != "y":
        message = (_("The project is not connected.") if receiver is None
                   else _("Tick the box to confirm that the forges should stop reporting."))
        return error_page(409 if receiver is None else 422, _("Nothing was changed"), message)
    services.disconnect(receiver, current_user._get_current_object())
    db.session.commit()
    return redirect_with(_("The project no longer receives from GitHub or GitLab."),
                         url_for("forges.settings", key=key))
