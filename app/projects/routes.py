"""Project pages: creating a project, its overview, and its members and organisations."""
from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.organisations.models import Organisation
from app.projects import pages, services
from app.projects.forms import (PARTICIPATION_LABELS, ROLE_LABELS, AddMemberForm,
                                AddOrganisationForm, ProjectForm, RolesForm)
from app.projects.loaders import get_by_id, get_in_project_or_404, get_project_or_404
from app.projects.models import Membership
from app.projects.permissions import (can_administer_site, can_manage_members,
                                      can_view_project, require)
from app.services import RuleViolation
from app.web import attempt, redirect_with, submit, template_globals

bp = Blueprint("projects", __name__)


@template_globals(bp)
def project_helpers():
    return {
        "role_label": lambda role: ROLE_LABELS.get(role, role),
        "participation_label": lambda kind: PARTICIPATION_LABELS.get(kind, kind),
    }


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a project (site administrators)."""
    require(can_administer_site(current_user))
    form = ProjectForm()
    if not form.is_submitted():
        return render_template("projects/new.html", form=form)
    outcome = submit(form, lambda: services.create_project(
        form.key.data, form.name.data, form.description.data, form.is_roadmap_public.data),
        field="key")
    if not outcome.ok:
        return render_template("projects/new.html", form=form), outcome.status
    key = outcome.value.key
    return redirect_with(_("Project %(key)s is created. Add the organisations taking part.",
                           key=key), url_for("projects.members", key=key))


@bp.get("/p/<key>/members")
@login_required
def members(key):
    """Members and participating organisations of the project."""
    return pages.members_page(get_project_or_404(key))


def _members_url(key) -> str:
    return url_for("projects.members", key=key)


@bp.get("/p/<key>/organisations")
@login_required
def organisations(key):
    """The organisations taking part in the project, a page at a time, searched."""
    return pages.organisations_page(get_project_or_404(key))


def _organisations_url(key) -> str:
    return url_for("projects.organisations", key=key)


@bp.post("/p/<key>/members")
@login_required
def add_member(key):
    """Add an existing user as a member with roles."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    form = AddMemberForm(prefix="member")

    def add():
        user = services.add_member_by_email(project, form.email.data, form.roles.data)
        return _("%(name)s is now a member.", name=user.name)
    outcome = submit(form, add, field="email")
    if not outcome.ok:  # an unknown address: the invitation form, filled in, is the answer
        invite = {"email": form.email.data, "roles": form.roles.data} \
            if isinstance(outcome.refusal, services.NoAccount) else None
        return pages.members_page(project, add_member_form=form, status=outcome.status,
                                  invite_prefill=invite)
    return redirect_with(outcome.value, _members_url(key))


@bp.post("/p/<key>/members/<int:membership_id>/roles")
@login_required
def set_roles(key, membership_id):
    """Replace a member's roles."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    membership = get_in_project_or_404(Membership, project, membership_id)
    form = RolesForm(prefix=f"m{membership.id}")
    outcome = submit(form, lambda: services.set_roles(membership, form.roles.data))
    if not outcome.ok:
        flash(outcome.refusal.message if outcome.refusal else _("Choose at least one valid role."),
              "error")
        return pages.members_page(project, status=outcome.status)
    return redirect_with(_("The roles of %(name)s are saved.", name=membership.user.name),
                         _members_url(key))


@bp.get("/p/<key>/members/<int:membership_id>/remove")
@login_required
def confirm_remove_member(key, membership_id):
    """Ask before removing a member (the dialog's content, or a page without JavaScript)."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    membership = get_in_project_or_404(Membership, project, membership_id)
    return pages.confirm_member_removal(project, membership)


@bp.post("/p/<key>/members/<int:membership_id>/remove")
@login_required
def remove_member(key, membership_id):
    """Remove a member from the project; whoever removed themself lands on My projects."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    membership = get_in_project_or_404(Membership, project, membership_id)
    name, is_self = membership.user.name, membership.user_id == current_user.id
    outcome = attempt(lambda: services.remove_member(membership, current_user))
    if not outcome.ok:
        flash(outcome.refusal.message, "error")
        return pages.members_page(project, status=outcome.status)
    if is_self and not can_view_project(current_user, project):
        return redirect_with(_("You are no longer a member of %(project)s.",
                               project=project.name), url_for("main.index"))
    return redirect_with(_("%(name)s is no longer a member.", name=name), _members_url(key))


@bp.post("/p/<key>/organisations")
@login_required
def add_organisation(key):
    """Let another organisation take part in the project."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    form = AddOrganisationForm(prefix="org")

    def add():
        org = get_by_id(Organisation, form.organisation_id.data)
        if org is None:
            raise RuleViolation(_("Choose an organisation."), "organisation_id")
        services.add_participation(project, org, form.kind.data)
        return _("%(org)s now takes part in the project.", org=org.name)
    outcome = submit(form, add, field="organisation_id")
    if not outcome.ok:
        return pages.organisations_page(project, add_org_form=form, status=outcome.status)
    return redirect_with(outcome.value, _organisations_url(key))


@bp.get("/p/<key>/organisations/<int:organisation_id>/remove")
@login_required
def confirm_remove_organisation(key, organisation_id):
    """Ask before an organisation leaves the project (dialog content, or a page)."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    org = get_by_id(Organisation, organisation_id)
    if org is None or services.participation_of(project, org.id) is None:
        abort(404)
    return pages.confirm_organisation_removal(project, org)


@bp.post("/p/<key>/organisations/<int:organisation_id>/remove")
@login_required
def remove_organisation(key, organisation_id):
    """Remove an organisation that no longer takes part."""
    project = get_project_or_404(key)
    require(can_manage_members(current_user, project))
    org = get_by_id(Organisation, organisation_id) or abort(404)
    name = org.name
    outcome = attempt(lambda: services.remove_participation(project, org))
    if not outcome.ok:
        if outcome.status == 404:
            abort(404)
        flash(outcome.refusal.message, "error")
        return pages.organisations_page(project, status=outcome.status)
    return redirect_with(_("%(org)s no longer takes part.", org=name), _organisations_url(key))
