"""Signing in through an identity provider: leaving, coming back, and confirming a link to an
existing account with its password."""
from flask import Blueprint, abort, current_app, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from app.extensions import csrf, limiter
from app.sso import flows, pages, saml
from app.sso.forms import LinkForm
from app.sso.protocol import ProtocolRefusal
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


def _saml_provider_or_404(key: str):
    provider = _provider_or_404(key)
    return provider if provider.protocol == "saml" else abort(404)


@bp.get("/login/sso/<key>/metadata")
def metadata(key):
    """Our SAML metadata, to register Samspil with the identity provider (public)."""
    provider = _saml_provider_or_404(key)
    try:
        xml = saml.sp_metadata(provider)
    except ProtocolRefusal as exc:  # e.g. xmlsec1 missing: said, and logged by the caller
        current_app.logger.error("SAML metadata of %s cannot be made: %s", key, exc)
        return error_page(503, _("Not available"), _("Samspil's SAML metadata cannot be made "
                                                      "just now. Tell a site administrator."))
    return xml, 200, {"Content-Type": "application/samlmetadata+xml"}


# The identity provider's page POSTs the response here from its own site, so there is no
# CSRF token to check; what stands in for it is the SAML checks themselves: the response must
# answer an AuthnRequest this browser started (InResponseTo against the signed requests
# cookie), be signed by the provider, be for us, be fresh and be used only once.
@bp.post("/login/sso/<key>/acs")
@csrf.exempt
def acs(key):
    """The assertion consumer service: the identity provider's answer (POST binding)."""
    provider = _saml_provider_or_404(key)
    try:
        return redirect(pages.finish_saml(provider), 303)
    except SignInRefused as refusal:
        return pages.refused(key, refusal)


@bp.post("/login/sso/<key>/logout")
@login_required
def single_logout(key):
    """Sign out here, then at the identity provider (SAML single logout). The way on is a
    link: the sign-out page's CSP (form-action 'self') forbids its form to redirect away."""
    provider = _saml_provider_or_404(key)
    url, at_provider = pages.start_logout(provider)
    if not at_provider:
        return redirect(url, 303)
    return render_template("sso/signing_out.html", provider=provider, url=url)


@bp.get("/login/sso/<key>/sls")
def sls(key):
    """The single logout service: the identity provider's answer to our LogoutRequest (the
    local session has ended), or its own LogoutRequest (ending ours)."""
    provider = _saml_provider_or_404(key)
    if "SAMLRequest" in request.args:
        try:
            return redirect(pages.logout_from_provider(provider), 303)
        except SignInRefused as refusal:
            return error_page(refusal.status, _("Not signed out"), refusal.message)
    if not pages.logout_pending(provider):
        return error_page(400, _("No sign-out is waiting"), _(
            "Samspil did not ask %(provider)s to sign you out, or has had its answer already.",
            provider=provider.display_name))
    return redirect(pages.finish_logout(provider), 303)


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
