"""What the project pages show beyond their forms: the question asked before removing a
member or an organisation."""
from flask import url_for
from flask_login import current_user

from app.projects import services
from app.projects.forms import ROLE_LABELS
from app.projects.models import Membership
from app.web import render_page_or_partial


def confirm_member_removal(project, membership: Membership):
    """"Remove X?" with what it means (the roles lost; for oneself, where one lands), or why
    it cannot be done. A page without JavaScript, the dialog's content with htmx."""
    is_self = membership.user_id == current_user.id
    roles = sorted(str(ROLE_LABELS.get(r, r)) for r in membership.role_names)
    return render_page_or_partial(
        "projects/confirm.html", "projects/_confirm.html", project=project, subject="member",
        name=membership.user.name, roles=", ".join(roles), is_self=is_self,
        lands_elsewhere=is_self and not current_user.is_site_admin,
        problem=services.removal_problem(membership),
        action=url_for("projects.remove_member", key=project.key, membership_id=membership.id),
        back=url_for("projects.members", key=project.key))


def confirm_organisation_removal(project, organisation):
    """"Remove this organisation?", or why not while its people are still members."""
    return render_page_or_partial(
        "projects/confirm.html", "projects/_confirm.html", project=project,
        subject="organisation", name=organisation.name, is_self=False, lands_elsewhere=False,
        problem=services.participation_problem(project, organisation),
        action=url_for("projects.remove_organisation", key=project.key,
                       organisation_id=organisation.id),
        back=url_for("projects.members", key=project.key))
