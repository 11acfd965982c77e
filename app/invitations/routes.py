"""Invitations: sent from a project's members page, opened from the e-mail, and listed for
site administrators."""
from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.extensions import limiter
from app.invitations import pages, queries, services
from app.invitations.forms import AcceptForm
from app.invitations.models import Invitation
from app.organisations.models import Organisation
from app.projects import pages as project_pages
from app.projects.loaders import get_by_id, get_in_project_or_404, get_project_or_404
from app.projects.permissions import can_administer_site, can_manage_members, require
from app.services import RuleViolation
from app.web import attempt, error_page, redirect_with, safe_next, submit, template_globals

bp = Blueprint("invitations", __name__)


@template_globals(bp)
def invitation_helpers():
    return {"invitation_panel": pages.panel, "other_domain_note": pages.other_domain_note,
            "invitation_roles": pages.role_names}


def _inviter_key() -> str:
    return f"invite:{getattr(current_user, 'id', None)}"


@bp.errorhandler(429)
def too_many_invitations(error):
    """Too many invitations from one person in a short time: nothing of this one was done."""
    return error_page(429, _("Too many invitations"), _(
        "You have sent too many invitations in a short time (at most %(limit)s). This one was "
        "not sent, and nothing was saved. Wait a little and try again.",
        limit=current_app.config["INVITATION_LIMIT_PER_USER"].replace(";", ", ")))


@bp.post("/p/<key>/invitations")
@login_required
@limiter.limit(lambda: current_app.config["INVITATION_LIMIT_PER_USER"], key_func=_inviter_key)
def invite(key):
    """Invite someone by e-mail; an address that has an account becomes a member at once."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    form = pages.invite_form(project)
    outcome = submit(form, lambda: services.invite(
        project, current_user, form.email.data, get_by_id(Organisation, form.organisation_id.data),
        form.roles.data, form.message.data, form.locale.data), field="email")
    if not outcome.ok:
        return pages.members_page(project, form, outcome.status)
    message, kind = pages.sent_message(outcome.value, current_user)
    return redirect_with(message, url_for("projects.members", key=key), kind)


def _back(key) -> str:
    return safe_next(request.form.get("next"), url_for("projects.members", key=key))


@bp.post("/p/<key>/invitations/<int:invitation_id>/resend")
@login_required
def resend(key, invitation_id):
    """Send an open invitation again with a new link and a new expiry (the old link dies)."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    invitation = get_in_project_or_404(Invitation, project, invitation_id)
    outcome = attempt(lambda: services.resend(invitation, current_user))
    if not outcome.ok:
        flash(outcome.refusal.message, "error")
        return project_pages.members_page(project, status=outcome.status)
    message, kind = pages.resent_message(invitation, outcome.value)
    return redirect_with(message, _back(key), kind)


@bp.post("/p/<key>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(key, invitation_id):
    """Revoke an open invitation: its link stops working."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    invitation = get_in_project_or_404(Invitation, project, invitation_id)
    outcome = attempt(lambda: services.revoke(invitation, current_user))
    if not outcome.ok:
        flash(outcome.refusal.message, "error")
        return project_pages.members_page(project, status=outcome.status)
    return redirect_with(_("The invitation of %(email)s is revoked.", email=invitation.email),
                         _back(key))


@bp.get("/invitations/<token>")
def show(token):
    """The invitation a link opens: who invites, where, as what; and the form to join."""
    try:
        invitation = services.invitation_for(token)
    except RuleViolation as refusal:
        return pages.link_refused(refusal)
    return pages.accept_page(invitation, token)


@bp.post("/invitations/<token>")
def accept(token):
    """Join: the account is made, signed in, and lands on the project."""
    form = AcceptForm()
    outcome = submit(form, lambda: services.accept(token, form.name.data, form.password.data,
                                                   form.locale.data), field="password")
    if outcome.refusal is not None and outcome.refusal.status in (404, 409, 410):
        return pages.link_refused(outcome.refusal)
    if not outcome.ok:
        try:
            return pages.accept_page(services.invitation_for(token), token, form, outcome.status)
        except RuleViolation as refusal:
            return pages.link_refused(refusal)
    user, project = outcome.value
    login_user(user)
    return redirect_with(_("Welcome to %(project)s.", project=project.name),
                         url_for("my.overview", key=project.key))


@bp.get("/admin/invitations")
@login_required
def admin():
    """Every open invitation of every project, to send again or revoke (site administrators)."""
    require(can_administer_site(current_user))
    return render_template("invitations/admin.html", rows=queries.open_invitations())
