import time
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts.forms import LanguageForm, LoginForm, PasswordForm
from app.accounts.services import (authenticate, change_password, normalise_email,
                                   set_language, sign_out, sign_out_elsewhere)
from app.extensions import db, limiter
from app.web import attempt, redirect_with, safe_next, submit

bp = Blueprint("accounts", __name__)

DEMO_ACCOUNTS = [
    ("po@ballerup.example", "Ballerup"), ("po@aarhus.example", "Aarhus"),
    ("fag@roskilde.example", "Roskilde"), ("dev@nordlys.example", "Nordlys Software ApS"),
    ("lead@nordlys.example", "Nordlys Software ApS"),
    ("styregruppe@kobenhavn.example", "København"), ("po@odense.example", "Odense"),
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
    response = current_app.make_response(_login_page(LoginForm(), 429, throttled=True))
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
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_after_sign_in(), 303)
        db.session.commit()  # the audit event of the failed attempt
        form.password.errors.append(_("Wrong e-mail or password."))
        status = 422
    elif form.is_submitted():
        status = 422
    return _login_page(form, status)


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
