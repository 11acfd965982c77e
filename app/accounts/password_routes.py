"""Recovering access: "Forgot your password?" and the e-mailed link that sets a new one."""
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts import emails, sign_in
from app.accounts.forms import ForgotPasswordForm, NewPasswordForm
from app.accounts.services import (normalise_email, password_reset_for, request_password_reset,
                                   reset_password)
from app.extensions import limiter
from app.services import RuleViolation
from app.web import error_page, redirect_with, submit

bp = Blueprint("password", __name__)


def _address_key() -> str:
    return "reset:" + normalise_email(request.form.get("email", ""))[:254]


def _forgot_page(form, status: int = 200, throttled: bool = False):
    return render_template("accounts/forgot_password.html", form=form,
                           throttled=throttled), status


@bp.errorhandler(429)
def too_many_requests(error):
    """Throttled: the form again with the reason, the same whether the address exists."""
    response = current_app.make_response(_forgot_page(ForgotPasswordForm(), 429, True))
    limit = limiter.current_limit
    if limit is not None:
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


@bp.get("/password/forgot")
def forgot():
    """Ask for a link to set a new password."""
    return _forgot_page(ForgotPasswordForm())


@bp.post("/password/forgot")
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_CLIENT"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_LIMIT_PER_ADDRESS"],
               key_func=_address_key)
def request_reset():
    """Send the link if an active account has the address; the answer never says whether."""
    form = ForgotPasswordForm()
    outcome = submit(form, lambda: request_password_reset(form.email.data))
    if not outcome.ok:
        return _forgot_page(form, outcome.status)
    minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
    if outcome.value is not None:
        user, token = outcome.value
        emails.send_reset_link(user, token, minutes)
    return redirect_with(_("If an account has this address, we have sent it a link to set "
                           "a new password. The link works for %(n)d minutes.", n=minutes),
                         url_for("password.forgot"), "info")


def _link_refused(refusal: RuleViolation):
    title = _("Link not valid") if refusal.status == 404 else _("Link no longer valid")
    return error_page(refusal.status, title, refusal.message)


@bp.get("/password/reset/<token>")
def reset(token):
    """The form to set a new password, if the link is still good (else why not)."""
    try:
        password_reset_for(token)
    except RuleViolation as refusal:
        return _link_refused(refusal)
    return render_template("accounts/reset_password.html", form=NewPasswordForm(), token=token)


@bp.post("/password/reset/<token>")
def set_password(token):
    """Set the new password: every other session ends, and this one is signed in."""
    form = NewPasswordForm()
    outcome = submit(form, lambda: reset_password(token, form.password.data), field="password")
    if outcome.refusal is not None and outcome.refusal.status in (404, 410):
        return _link_refused(outcome.refusal)
    if not outcome.ok:
        return render_template("accounts/reset_password.html", form=form,
                               token=token), outcome.status
    emails.send_password_changed(outcome.value)
    flash(_("Your password is set. Every other session has been signed out."), "success")
    # Through the sign-in steps: a person with two-factor sign-in still gives a code.
    return redirect(sign_in.after_password(outcome.value, False, url_for("main.index")), 303)
