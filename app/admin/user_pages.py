"""The user administration's pages: the searchable list and one account's page."""
from flask import render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin.forms import UserFlagForm, UserOrganisationForm, UserSearchForm
from app.admin.queries import users_query
from app.database import parse_int
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import Membership
from app.web import render_page_or_partial

PER_PAGE = 50
MAX_PAGE = 10_000  # keeps OFFSET within every database's integer range


def users_page():
    """A page of users, searched; 422 with the reason when the search is not acceptable."""
    form = UserSearchForm(formdata=request.args)
    status = 200
    search = None
    if request.args.get("q"):
        if form.validate():
            search = form.q.data
        else:
            status = 422
    page = min(parse_int(request.args.get("page"), 1) or 1, MAX_PAGE)
    users = db.paginate(users_query(search), page=page, per_page=PER_PAGE, error_out=False)

    def page_url(number: int) -> str:
        return url_for("users.index", page=number, **({"q": search} if search else {}))

    return render_page_or_partial("admin/users.html", "admin/_users.html", status, form=form,
                                  users=users, page_url=page_url, search=search)


def make_organisation_form(user) -> UserOrganisationForm:
    """The choice of organisation (the request's, when it was sent)."""
    form = UserOrganisationForm(prefix="org")
    form.organisation_id.choices = [
        (str(o.id), o.name) for o in db.session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name))]
    if not form.is_submitted():
        form.organisation_id.data = str(user.organisation_id)
    return form


def user_page(user, refused=None, organisation_form=None, status: int = 200):
    """One account and the administrator's controls; `refused` is a flag form whose refusal
    is shown at the top."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id)
        .options(selectinload(Membership.project))).all()
    errors = []
    if refused is not None:
        errors = [*refused.form_errors, *(e for f in refused for e in f.errors)]
    return render_template(
        "admin/user.html", user=user, memberships=sorted(memberships,
                                                         key=lambda m: m.project.key),
        errors=errors,
        organisation_form=organisation_form or make_organisation_form(user),
        flag_form=UserFlagForm,
    ), status
