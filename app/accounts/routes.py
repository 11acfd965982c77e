import time
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import pages, sign_in, two_factor
from app.accounts.forms import CodeForm, IdentityForm, LanguageForm, LoginForm, PasswordForm
from app.accounts.services import (AccountDeactivated, SingleSignOnRequired, authenticate,
                                   change_password, normalise_email, set_language, sign_out,
                                   sign_out_elsewhere)
from app.extensions import db, limiter
from app.web import attempt, redirect_with, safe_next, submit

bp = Blueprint("accounts", __name__)

DEMO_ACCOUNTS = [
    ("po@ballerup.example", "Ballerup"), ("po@aarhus.example", "Aarhus"),
    ("fag@roskilde.example", "Roskilde"), ("dev@nordlys.example", "Nordlys Software ApS"),
    ("lead@nordlys.example", "Nordlys Software ApS"),
    ("styregruppe@kobenhavn.example", "København"), ("po@odense.example", "Odense"),
    ("fag@soro.example", _l("%(org)s, with two-factor sign-in (the code: see flask demo seed)",
                            org="Sorø")),
    ("admin@samspil.example",
     _l("%(org)s, site administrator", org="Kommunefællesskabet Overblik")),
]


def _login_account_key() -> str:
    return "account:" + normalise_email(request.form.get("email", ""))[:254]


def _failed_sign_in(response) -> bool:
    """Only refused attempts count: a town hall signs in from one address every morning."""
    return response.status_code >= 400


def _login_page(form, status: int, throttled: bool = False):
    demo = DEMO_ACCOUNTS if current_app.config["SHOW_DEMO_ACCOUNTS"] else []
    return render_template("accounts/login.html", form=form, demo_accounts=demo,
                           throttled=throttled), status


@bp.errorhandler(429)
def too_many_sign_ins(error):
    """Throttled sign-in: the login form again with the reason, the same for every account."""
    current_app.logger.warning("Sign-in throttled (limit %s)", getattr(error, "description", ""))
    page = (render_template("accounts/code.html", form=CodeForm(), throttled=True), 429) \
        if request.endpoint == "accounts.code" else _login_page(LoginForm(), 429, throttled=True)
    response = current_app.make_response(page)
    limit = limiter.current_limit
    if limit is not None:
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


def _after_sign_in() -> str:
    """Where the person was going before being asked to sign in (only local paths)."""
    return safe_next(request.args.get("next"), url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed_sign_in)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key, deduct_when=_failed_sign_in)
def login():
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(_after_sign_in())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = _check_password(form)
        if user is not None:
            return redirect(sign_in.after_password(user, form.remember.data, _after_sign_in()),
                            303)
        status = 422
    elif form.is_submitted():
        status = 422
    return _login_page(form, status)


def _check_password(form):
    """The user if the password is right; else the reason beside the password (audited)."""
    try:
        user = authenticate(form.email.data, form.password.data, complete=False)
    except (AccountDeactivated, SingleSignOnRequired) as refusal:
        user = None
        form.password.errors.append(refusal.message)
    if user is None:
        db.session.commit()  # the audit event of the failed attempt
        if not form.password.errors:
            form.password.errors.append(_("Wrong e-mail or password."))
    return user


def _failed_code(response) -> bool:
    return response.status_code >= 400


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["TWO_FACTOR_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_failed_code)
@limiter.limit(lambda: current_app.config["TWO_FACTOR_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=sign_in.pending_account_key, deduct_when=_failed_code)
def code():
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    user = sign_in.pending_user()
    if user is None:
        return redirect_with(_("Your sign-in has expired. Sign in again."),
                             url_for("accounts.login"), "info")
    form = CodeForm()
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: two_factor.verify_second_factor(user, form.code.data),
                         field="code")
        if outcome.ok:
            return redirect(sign_in.finish_pending(user), 303)
        if outcome.refusal is not None:
            attempt(lambda: two_factor.record_failed_code(user))
        status = outcome.status
    return render_template("accounts/code.html", form=form), status


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """Sign out on every device (GET asks for confirmation, so a link elsewhere cannot sign
    anyone out)."""
    if request.method == "POST":
        if current_user.is_authenticated:
            attempt(lambda: sign_out(current_user._get_current_object()))
        logout_user()
        flash(_("You are signed out on every device."), "info")
        return redirect(url_for("accounts.login"), 303)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("accounts/logout.html")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Personal settings: language (digest subscriptions join here later)."""
    form = LanguageForm(locale=current_user.locale or "")
    status = 200
    if form.is_submitted():
        outcome = submit(form, lambda: set_language(current_user, form.locale.data),
                         field="locale")
        if outcome.ok:
            return redirect_with(_("Your settings are saved."), url_for("accounts.settings"))
        status = outcome.status
    return render_template("accounts/settings.html", form=form,
                           password_form=PasswordForm(prefix="pw")), status


@bp.get("/settings/two-factor")
@login_required
def two_factor_settings():
    """Two-factor sign-in: its state, setting it up, turning it off, new recovery codes."""
    return pages.two_factor_page(current_user._get_current_object())


def _two_factor_url() -> str:
    return url_for("accounts.two_factor_settings")


@bp.post("/settings/two-factor")
@login_required
def start_two_factor():
    """Begin setting up an authenticator app: a new secret and its QR code."""
    outcome = attempt(lambda: two_factor.start_enrolment(current_user._get_current_object()))
    if not outcome.ok:
        return redirect_with(outcome.refusal.message, _two_factor_url(), "error")
    return redirect(_two_factor_url(), 303)


@bp.post("/settings/two-factor/confirm")
@login_required
def confirm_two_factor():
    """Turn two-factor sign-in on with a first code; the recovery codes are shown once."""
    user = current_user._get_current_object()
    form = CodeForm(prefix="confirm")
    outcome = submit(form, lambda: two_factor.confirm_enrolment(user, form.code.data),
                     field="code")
    if not outcome.ok:
        return pages.two_factor_page(user, confirm_form=form, status=outcome.status)
    return pages.recovery_codes_page(outcome.value, enrolled=True)


@bp.post("/settings/two-factor/disable")
@login_required
def disable_two_factor():
    """Turn two-factor sign-in off (with a current code or the password)."""
    user = current_user._get_current_object()
    form = IdentityForm(prefix="off")
    outcome = submit(form, lambda: two_factor.disable(user, form.code.data, form.password.data),
                     field="code")
    if not outcome.ok:
        return pages.two_factor_page(user, disable_form=form, status=outcome.status)
    return redirect_with(_("Two-factor sign-in is turned off."), _two_factor_url())


@bp.post("/settings/two-factor/recovery-codes")
@login_required
def renew_recovery_codes():
    """New recovery codes (with a current code or the password); the old ones stop working."""
    user = current_user._get_current_object()
    form = IdentityForm(prefix="renew")
    outcome = submit(form, lambda: two_factor.renew_recovery_codes(
        user, form.code.data, form.password.data), field="code")
    if not outcome.ok:
        return pages.two_factor_page(user, renew_form=form, status=outcome.status)
    return pages.recovery_codes_page(outcome.value, enrolled=False)


@bp.post("/settings/password")
@login_required
def password():
    """Change my password; every other session of mine ends."""
    form = PasswordForm(prefix="pw")
    outcome = submit(form, lambda: change_password(current_user, form.current_password.data,
                                                   form.password.data), field="password")
    if not outcome.ok:
        return render_template("accounts/settings.html",
                               form=LanguageForm(locale=current_user.locale or ""),
                               password_form=form), outcome.status
    _sign_in_again()
    return redirect_with(_("Your password is changed. Other sessions have been signed out."),
                         url_for("accounts.settings"))


@bp.post("/settings/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """Sign out on every other device and browser; this one stays signed in."""
    attempt(lambda: sign_out_elsewhere(current_user._get_current_object()))
    _sign_in_again()
    return redirect_with(_("You are signed out on every other device."),
                         url_for("accounts.settings"))


def _sign_in_again() -> None:
    """After the nonce moved on: sign this session in again under the new one, keeping
    remember-me if it was on."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(current_user._get_current_object(), remember=remember_cookie in request.cookies)
