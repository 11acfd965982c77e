"""The bell, the list of notifications, marking them read, e-mail choices and unsubscribing."""
from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.database import parse_id
from app.extensions import csrf, db
from app.notifications import email, queries, references, services
from app.notifications.email import sentence, target_path
from app.notifications.kinds import LABELS, TARGET_DESCRIBERS, TARGET_ENDPOINTS, Kind
from app.projects.loaders import get_project_or_404
from app.services import RuleViolation
from app.web import attempt, error_page, is_htmx, redirect_with, safe_next, template_globals

bp = Blueprint("notifications", __name__)


@template_globals(bp)
def notification_helpers():
    return {"notification_sentence": sentence, "notification_path": target_path,
            "notification_kinds": [(k.value, LABELS[k]) for k in Kind],
            "notification_email_choices": lambda: services.email_preferences(current_user),
            "mentioned_in": references.backlinks, "is_watching": _is_watching,
            "organisation_needs_defaults":
                lambda: queries.organisation_needs_defaults(current_user)}


def _is_watching(kind: str, subject) -> bool:
    """Whether I follow the item or need a page shows (`subject`, loaded already)."""
    describe = TARGET_DESCRIBERS.get(kind)
    return describe is not None and services.is_watching(current_user, *describe(subject))


@bp.get("/notifications")
@login_required
def index():
    """My notifications, newest first, grouped by day; paged by `before` (an id)."""
    page = queries.page_of(current_user, parse_id(request.args.get("before")))
    return render_template("notifications/index.html", page=page,
                           unread=queries.unread_count(current_user))


@bp.get("/notifications/bell")
@login_required
def bell():
    """Polled by the header: 304 while the count and the newest are what the page has."""
    count, newest = queries.bell_state(current_user)
    tag = f'"n{count}-{newest}"'
    if request.headers.get("If-None-Match") == tag:
        response = make_response("", 304)
    else:
        response = make_response(render_template("notifications/_bell.html", unread=count,
                                                 tag=tag, oob=True))
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id):
    """Mark one read; then go to what it is about (or back to the list)."""
    outcome = attempt(lambda: services.mark_read(current_user, notification_id))
    if not outcome.ok:
        return error_page(outcome.refusal.status, _("Nothing was changed"), outcome.refusal.message)
    if is_htmx():
        return render_template("notifications/_notification.html", n=outcome.value)
    if request.form.get("go") == "target":
        return redirect_with(None, target_path(outcome.value) or url_for(".index"))
    return redirect_with(None, safe_next(request.form.get("next"), url_for(".index")))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    """Mark every notification of mine read."""
    attempt(lambda: services.mark_all_read(current_user))
    return redirect_with(_("All notifications are marked as read."), url_for(".index"))


@bp.get("/p/<key>/mentions")
@login_required
def mention_options(key):
    """The members an `@` in a text field offers: options of the listbox (mentions.js)."""
    project = get_project_or_404(key)
    members = queries.members_matching(project, request.args.get("q", ""))
    return render_template("notifications/_mention_options.html", members=members)


def _watched_or_404(project, kind: str, number: int):
    found = queries.watchable(project, kind, number)
    if found is None:
        abort(404)
    return found


@bp.post("/p/<key>/watch/<kind>/<int:number>")
@login_required
def watch(key, kind, number):
    """Watch or unwatch an item or a need (`watching` = "1" or "0"); the button again for
    htmx, else back to the page."""
    project = get_project_or_404(key)
    target, _organisations = _watched_or_404(project, kind, number)
    wanted = request.form.get("watching") == "1"
    action = services.watch if wanted else services.unwatch
    outcome = attempt(lambda: action(current_user.id, target, **({"explicit": True}
                                                                 if wanted else {})))
    if not outcome.ok:
        return error_page(outcome.refusal.status, _("Nothing was changed"),
                          outcome.refusal.message)
    if is_htmx():
        return render_template("notifications/_watch.html", project=project, kind=kind,
                               number=number, watching=wanted)
    return redirect_with(None, url_for(TARGET_ENDPOINTS[kind], key=key, number=number))


@bp.post("/settings/watching")
@login_required
def update_watch_defaults():
    """Per project: follow every need of my municipality (submitted or co-sponsored)."""
    projects = [project for project, _on in queries.organisation_needs_defaults(current_user)]
    attempt(lambda: services.set_organisation_needs_defaults(
        current_user, request.form.getlist("project"), projects))
    return redirect_with(_("Your choices are saved."),
                         url_for("accounts.settings", _anchor="watch-settings"))


@bp.post("/settings/notifications")
@login_required
def update_preferences():
    """Which kinds of notification I get by e-mail."""
    outcome = attempt(lambda: services.set_email_preferences(
        current_user, request.form.getlist("email")))
    if not outcome.ok:
        return error_page(outcome.refusal.status, _("Nothing was changed"), outcome.refusal.message)
    return redirect_with(_("Your notification e-mails are saved."),
                         url_for("accounts.settings", _anchor="notification-settings"))


def _unsubscribe_page(token: str, done: bool = False, refusal: RuleViolation | None = None):
    parsed = None
    if refusal is None:
        try:
            parsed = email.read_unsubscribe_token(token)
        except RuleViolation as exc:
            refusal = exc
    user = db.session.get(User, parsed.user_id) if parsed else None
    page = render_template("notifications/unsubscribe.html", token=token, done=done,
                           refusal=refusal, user=user,
                           kind_label=LABELS.get(parsed.kind) if parsed else None)
    return page, refusal.status if refusal else 200


@bp.get("/notifications/unsubscribe/<token>")
def unsubscribe(token):
    """Confirm unsubscribing (a GET changes nothing: link scanners follow links)."""
    return _unsubscribe_page(token)


@bp.post("/notifications/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_one_click(token):
    """Unsubscribe without signing in (RFC 8058 one-click); idempotent."""
    try:
        parsed = email.read_unsubscribe_token(token)
    except RuleViolation as refusal:
        return _unsubscribe_page(token, refusal=refusal)
    outcome = attempt(lambda: email.unsubscribe(parsed))
    if not outcome.ok:
        abort(400)
    return _unsubscribe_page(token, done=True)
