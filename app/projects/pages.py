"""What the project pages show beyond their forms: the members and organisations pages (a
page at a time, searched), and the question asked before removing a member or an
organisation."""
from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.database import parse_int
from app.extensions import db
from app.organisations.models import Organisation
from app.projects import queries, services
from app.projects.forms import (PARTICIPATION_LABELS, ROLE_LABELS, AddMemberForm,
                                AddOrganisationForm, MemberSearchForm, OrganisationSearchForm,
                                RolesForm)
from app.projects.models import Membership, ProjectOrganisation
from app.projects.permissions import can_manage_members
from app.web import render_page_or_partial


def participations(project) -> list[ProjectOrganisation]:
    """The organisations taking part, by name (for choices, e.g. the invitation form)."""
    return list(db.session.scalars(
        select(ProjectOrganisation).where(ProjectOrganisation.project_id == project.id)
        .join(ProjectOrganisation.organisation)
        .options(contains_eager(ProjectOrganisation.organisation))
        .order_by(Organisation.name)))


def _search_and_page(form) -> tuple[str | None, int, int]:
    """The search (when acceptable) and page asked for, and the status: 422 when the search
    is not acceptable (the form says why). A page number that is no number, or lies beyond
    the last page, shows the first or the last page."""
    search, status = None, 200
    if request.args.get("q"):
        if form.validate():
            search = form.q.data.strip() or None
        else:
            status = 422
    page = parse_int(request.args.get("page"), 1) or 1
    return search, page, status


def _page_url(endpoint: str, project, search: str | None):
    def page_url(number: int) -> str:
        return url_for(endpoint, key=project.key, page=number, **({"q": search} if search else {}))
    return page_url


def members_page(project, add_member_form=None, status=200, **extra):
    """The members page: a page of members grouped by organisation, searched; `extra` is
    context for the panels other areas add to it (the invitations' form with its errors,
    when an invitation was refused)."""
    form = MemberSearchForm(formdata=request.args)
    search, page, search_status = _search_and_page(form)
    can_manage = can_manage_members(current_user, project)
    return render_template(
        "projects/members.html", project=project, search_form=form, search=search,
        members=queries.member_page(project, search, page),
        organisations=queries.organisation_count(project),
        page_url=_page_url("projects.members", project, search),
        add_member_form=add_member_form or AddMemberForm(prefix="member"),
        role_labels=ROLE_LABELS, can_manage=can_manage,
        roles_form_for=lambda m: RolesForm(prefix=f"m{m.id}", roles=sorted(m.role_names)),
        **extra,
    ), status if status != 200 else search_status


def organisations_page(project, add_org_form=None, status=200):
    """The organisations taking part, a page at a time, searched, with their number of
    members; those who manage the members add and remove organisations here."""
    form = OrganisationSearchForm(formdata=request.args)
    search, page, search_status = _search_and_page(form)
    can_manage = can_manage_members(current_user, project)
    if can_manage:
        add_org_form = add_org_form or AddOrganisationForm(prefix="org")
        taking_part = select(ProjectOrganisation.organisation_id).where(
            ProjectOrganisation.project_id == project.id)
        add_org_form.organisation_id.choices = [(id_, name) for id_, name in db.session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.not_in(taking_part)).order_by(Organisation.name))]
    return render_template(
        "projects/organisations.html", project=project, search_form=form, search=search,
        organisations=queries.organisation_page(project, search, page),
        page_url=_page_url("projects.organisations", project, search),
        add_org_form=add_org_form, participation_labels=PARTICIPATION_LABELS,
        can_manage=can_manage, active="projects.members",
    ), status if status != 200 else search_status


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
        back=url_for("projects.organisations", key=project.key))
