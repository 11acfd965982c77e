from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.accounts.forms import LanguageForm, PasswordForm
from app.accounts.models import User
from app.digests import services
from app.digests.forms import (FREQUENCY_LABELS, STATE_LABELS, STATE_TONES, field_name,
                               subscriptions_form)
from app.digests.models import DeliveryState, DigestDelivery
from app.digests.registry import Section
from app.extensions import csrf, db
from app.projects.loaders import get_project_or_404
from app.projects.models import Project
from app.projects.permissions import can_administer_site, require, roles_in
from app.services import RuleViolation
from app.web import (attempt, error_page, htmx_answer, is_htmx, redirect_with, submit,
                     template_globals)

bp = Blueprint("digests", __name__)

ADMIN_PAGE_SIZE = 200


@template_globals(bp)
def digest_helpers():
    return {"digest_settings": _digest_settings, "digest_state_label": _state_label,
            "digest_state_tone": lambda state: STATE_TONES.get(state, ""),
            "frequency_label": lambda f: FREQUENCY_LABELS.get(f, f)}


def _state_label(state) -> str:
    return STATE_LABELS.get(state, state)


def _digest_settings(form=None, saved=False) -> dict:
    """What the settings page's digest panel shows: my projects and a form to choose."""
    rows = services.subscriptions_for(current_user)
    return {"rows": rows, "form": form or subscriptions_form(rows), "field_name": field_name,
            "saved": saved}


@bp.post("/settings/digests")
@login_required
def update_subscriptions():
    """Save my digest choice (off, daily, weekly) for each of my projects."""
    rows = services.subscriptions_for(current_user)
    form = subscriptions_form(rows)
    outcome = submit(form, lambda: services.set_subscriptions(
        current_user, {row.project: form[field_name(row.project)].data for row in rows}, rows))
    message = _("Your digest subscriptions are saved.") if outcome.ok else None
    if is_htmx():
        return htmx_answer("digests/_subscriptions.html", outcome.status, announce=message,
                           digest=_digest_settings(form=None if outcome.ok else form,
                                                   saved=outcome.ok))
    if outcome.ok:
        return redirect_with(message, url_for("accounts.settings"))
    return render_template("accounts/settings.html", digest=_digest_settings(form=form),
                           form=LanguageForm(locale=current_user.locale or ""),
                           password_form=PasswordForm(prefix="pw")), outcome.status


@bp.get("/p/<key>/digest")
@login_required
def preview(key):
    """My next digest for this project as it would be sent now, and my past digests."""
    project = get_project_or_404(key)
    preview = services.preview(current_user, project, roles_in(current_user, project))
    return render_template("digests/preview.html", project=project, preview=preview,
                           deliveries=services.deliveries_of(current_user, project))


@bp.get("/p/<key>/digest/<int:delivery_id>")
@login_required
def delivery(key, delivery_id):
    """One of my past digests, as it was sent (only its recipient sees it)."""
    project = get_project_or_404(key)
    delivery = db.session.get(DigestDelivery, delivery_id)
    if delivery is None or delivery.project_id != project.id or delivery.user_id != current_user.id:
        abort(404)
    sections = [Section.from_dict(s) for s in delivery.content or []]
    return render_template("digests/delivery.html", project=project, delivery=delivery,
                           sections=sections, active="digests.preview")


@bp.get("/admin/digests")
@login_required
def admin():
    """Site administrators: the state of every digest delivery, failures first to see."""
    require(can_administer_site(current_user))
    state = request.args.get("state", "")
    query = (select(DigestDelivery)
             .options(selectinload(DigestDelivery.user), selectinload(DigestDelivery.project))
             .order_by(DigestDelivery.created_at.desc(), DigestDelivery.id.desc())
             .limit(ADMIN_PAGE_SIZE))
    if state in set(DeliveryState):
        query = query.where(DigestDelivery.state == state)
    else:
        state = ""
    counts = dict(db.session.execute(
        select(DigestDelivery.state, func.count()).group_by(DigestDelivery.state)).all())
    return render_template("digests/admin.html", deliveries=db.session.scalars(query).all(),
                           counts=counts, state=state, states=list(DeliveryState),
                           page_size=ADMIN_PAGE_SIZE)


@bp.post("/admin/digests/<int:delivery_id>/retry")
@login_required
def retry_delivery(delivery_id):
    """Site administrators: send a failed or uncertain digest again at the next retry run."""
    require(can_administer_site(current_user))
    delivery = db.session.get(DigestDelivery, delivery_id) or abort(404)
    outcome = attempt(lambda: services.retry_failed(delivery))
    if not outcome.ok:
        return error_page(outcome.status, _("Not possible"), outcome.refusal.message)
    state = request.form.get("state")
    return redirect_with(
        _("The digest to %(address)s will be sent again within a few minutes.",
          address=delivery.recipient),
        url_for("digests.admin", state=state if state in set(DeliveryState) else None))


def _token_or_400(token: str) -> services.UnsubscribeToken:
    try:
        return services.read_unsubscribe_token(token)
    except RuleViolation as exc:
        abort(400, description=exc.message)


def _unsubscribe_page(token: str, parsed: services.UnsubscribeToken, done: bool = False,
                      refusal: RuleViolation | None = None):
    """The confirmation, the receipt, or (400) why the link no longer works."""
    page = render_template("digests/unsubscribe.html", token=token, done=done, refusal=refusal,
                           project=db.session.get(Project, parsed.project_id),
                           user=db.session.get(User, parsed.user_id))
    return page, refusal.status if refusal else 200


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    """Confirm unsubscribing from a digest (a GET never changes anything: link scanners follow
    links)."""
    parsed = _token_or_400(token)
    try:
        services.check_token_current(parsed)
    except RuleViolation as refusal:
        return _unsubscribe_page(token, parsed, refusal=refusal)
    return _unsubscribe_page(token, parsed)


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_one_click(token):
    """Unsubscribe without signing in (RFC 8058 one-click, or the confirmation button);
    idempotent, refused (400) once the person has changed their choice since the e-mail."""
    parsed = _token_or_400(token)
    outcome = attempt(lambda: services.unsubscribe(parsed))
    return _unsubscribe_page(token, parsed, done=outcome.ok, refusal=outcome.refusal)
