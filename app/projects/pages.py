"""What the project pages show beyond their forms: the members page, and the question asked
before removing a member or an organisation."""
from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.organisations.models import Organisation
from app.projects import services
from app.projects.forms import (PARTICIPATION_LABELS, ROLE_LABELS, AddMemberForm,
                                AddOrganisationForm, RolesForm)
from app.projects.models import Membership, ProjectOrganisation
from app.projects.permissions import can_manage_members
from app.web import render_page_or_partial


def participations(project) -> list[ProjectOrganisation]:
    """The organisations taking part, by name."""
    rows = db.session.scalars(
        select(ProjectOrganisation).where(ProjectOrganisation.project_id == project.id)
        .options(selectinload(ProjectOrganisation.organisation))).all()
    return sorted(rows, key=lambda p: p.organisation.name)


def members_page(project, add_member_form=None, add_org_form=None, status=200, **extra):
    """The members page; `extra` is context for the panels other areas add to it (the
    invitations' form with its errors, when an invitation was refused)."""
    memberships = services.memberships_with_people(project)
    taking_part = participations(project)
    participating = {p.organisation_id for p in taking_part}
    add_org_form = add_org_form or AddOrganisationForm(prefix="org")
    add_org_form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
        if o.id not in participating
    ]
    return render_template(
        "projects/members.html", project=project, memberships=memberships,
        participations=taking_part,
        add_member_form=add_member_form or AddMemberForm(prefix="member"),
        add_org_form=add_org_form, role_labels=ROLE_LABELS,
        participation_labels=PARTICIPATION_LABELS,
        can_manage=can_manage_members(current_user, project),
        roles_form_for=lambda m: RolesForm(prefix=f"m{m.id}", roles=sorted(m.role_names)),
        **extra,
    ), status


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
