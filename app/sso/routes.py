"""Signing in through an identity provider: leaving, coming back, and confirming a link to an
existing account with its password."""
from flask import Blueprint, abort, current_app, redirect, render_template
from flask_babel import gettext as _

from app.extensions import limiter
from app.sso import flows, pages
from app.sso.forms import LinkForm
from app.sso.providers import find_provider
from app.sso.services import SignInRefused, link_with_password
from app.web import error_page, submit

bp = Blueprint("sso", __name__)


def _provider_or_404(key: str):
    return find_provider(key) or abort(404)


@bp.get("/login/sso/<key>")
def start(key):
    """Send the browser to the identity provider to sign in."""
    provider = _provider_or_404(key)
    try:
        return redirect(pages.start(provider), 303)
    except SignInRefused as refusal:
        return pages.refused(key, refusal)


@bp.get("/login/sso/<key>/callback")
def callback(key):
    """The identity provider sends the person back here with a code (or an error)."""
    provider = _provider_or_404(key)
    try:
        return redirect(pages.finish(provider), 303)
    except SignInRefused as refusal:
        return pages.refused(key, refusal)


def _failed(response) -> bool:
    return response.status_code >= 400


@bp.route("/login/sso/link", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed)
def link():
    """An account with this e-mail exists: its password links the new identity to it."""
    user, pending = pages.linking_user()
    if user is None:
        return error_page(400, _("You are not signed in"), _(
            "This sign-in has expired or was never started. Start again from the sign-in page."))
    form = LinkForm()
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: link_with_password(
            user, form.password.data, pending["provider"], pending["subject"]), "password")
        if outcome.ok:
            flows.end_link()
            pages.sign_in(user)
            return redirect(pending["next"], 303)
        status = outcome.status
    return render_template("sso/link.html", form=form, user=user,
                           provider=find_provider(pending["provider"])), status
