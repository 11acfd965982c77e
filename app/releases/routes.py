"""Views of releases and the definition of done: the list, one release with its forms, the
moves between states, sign-off, the project's checklist and ticking it on an item."""
from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.backlog.queries import get_item_or_404
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.releases import pages, services
from app.releases.forms import (DefinitionForm, DoneCheckForm, NotesForm, ReleaseForm,
                                SignOffForm, StateForm, VersionForm)
from app.releases.permissions import (can_check_done, can_edit_definition_of_done,
                                      can_manage_releases, can_sign_off)
from app.releases.queries import get_release_or_404
from app.web import attempt, redirect_with, submit

bp = Blueprint("releases", __name__)


def _release(key, number):
    project = get_project_or_404(key)
    return project, get_release_or_404(project, number)


def _done(project, release, outcome, message, form=None, section=None):
    """After a change to a release: its page again (303), or the refusal beside the form."""
    if outcome.ok:
        return redirect_with(message, url_for("releases.show", key=project.key,
                                              number=release.number))
    return pages.release_page(project, release, outcome.status, form=form, section=section,
                              refusal=None if form is not None else outcome.refusal)


@bp.get("/p/<key>/releases")
@login_required
def index(key):
    """The project's releases, and the form to plan one."""
    project = get_project_or_404(key)
    return pages.index_page(project)


@bp.post("/p/<key>/releases")
@login_required
def create(key):
    """Plan a release (delivery lead and secretariat)."""
    project = get_project_or_404(key)
    require(can_manage_releases(current_user, project))
    form = ReleaseForm()
    outcome = submit(form, lambda: services.create_release(
        project, current_user, name=form.name.data, planned_on=form.planned_on.data,
        test_from=form.test_from.data, test_to=form.test_to.data))
    if not outcome.ok:
        return pages.index_page(project, form, outcome.status)
    return redirect_with(_("The release is planned."), url_for(
        "releases.show", key=project.key, number=outcome.value.number))


@bp.get("/p/<key>/releases/<int:number>")
@login_required
def show(key, number):
    """A release: its items and needs, test window and sign-offs, notes and state."""
    project, release = _release(key, number)
    return pages.release_page(project, release)


@bp.post("/p/<key>/releases/<int:number>/details")
@login_required
def details(key, number):
    """Change the name, planned date and test window."""
    project, release = _release(key, number)
    require(can_manage_releases(current_user, project))
    form = ReleaseForm()
    outcome = submit(form, lambda: services.update_release(
        release, current_user, version=form.version.data, name=form.name.data,
        planned_on=form.planned_on.data, test_from=form.test_from.data,
        test_to=form.test_to.data))
    return _done(project, release, outcome, _("The release is saved."), form, "details")


@bp.post("/p/<key>/releases/<int:number>/items")
@login_required
def items(key, number):
    """Choose the release's items among the accepted items of closed sprints."""
    project, release = _release(key, number)
    require(can_manage_releases(current_user, project))
    form = VersionForm()
    outcome = submit(form, lambda: services.set_items(
        release, current_user, request.form.getlist("items"), version=form.version.data))
    return _done(project, release, outcome, _("The items are saved."), form, "items")


@bp.post("/p/<key>/releases/<int:number>/testers")
@login_required
def testers(key, number):
    """Choose the test municipalities."""
    project, release = _release(key, number)
    require(can_manage_releases(current_user, project))
    form = VersionForm()
    outcome = submit(form, lambda: services.set_testers(
        release, current_user, request.form.getlist("testers"), version=form.version.data))
    return _done(project, release, outcome, _("The test municipalities are saved."), form,
                 "testers")


@bp.post("/p/<key>/releases/<int:number>/notes")
@login_required
def notes(key, number):
    """Save the edited release notes, or write them afresh from the items and needs."""
    project, release = _release(key, number)
    require(can_manage_releases(current_user, project))
    form = NotesForm()
    if request.form.get("action") == "generate":
        action = lambda: services.regenerate_notes(release, current_user,  # noqa: E731
                                                   version=form.version.data)
    else:
        action = lambda: services.edit_notes(  # noqa: E731
            release, current_user, version=form.version.data, notes_da=form.notes_da.data or "",
            notes_en=form.notes_en.data or "")
    return _done(project, release, submit(form, action), _("The release notes are saved."),
                 form, "notes")


@bp.post("/p/<key>/releases/<int:number>/state")
@login_required
def state(key, number):
    """Move the release on: to test, accepted, released, back to planned, or cancelled."""
    project, release = _release(key, number)
    require(can_manage_releases(current_user, project))
    form = StateForm()
    outcome = submit(form, lambda: services.change_state(
        release, current_user, form.state.data, version=form.version.data,
        reason=form.reason.data or ""), field="state")
    return _done(project, release, outcome, _("The release is %(state)s.", state=str(
        services.STATE_LABELS.get(form.state.data, "")).lower()), form, "state")


@bp.post("/p/<key>/releases/<int:number>/sign-off/<int:organisation_id>")
@login_required
def sign_off(key, number, organisation_id):
    """A test municipality's product owner signs off for their own municipality."""
    project, release = _release(key, number)
    require(can_sign_off(current_user, project, organisation_id))
    form = SignOffForm()
    outcome = submit(form, lambda: services.sign_off(
        release, current_user, organisation_id, version=form.version.data,
        decision=form.decision.data, text=form.text.data or ""))
    return _done(project, release, outcome, _("Your sign-off is recorded."), form, "sign-off")


@bp.get("/p/<key>/definition-of-done")
@login_required
def definition(key):
    """The project's definition of done, and for its keepers the form to edit it."""
    return pages.definition_page(get_project_or_404(key))


@bp.post("/p/<key>/definition-of-done")
@login_required
def save_definition(key):
    """Save the definition of done (the secretariat and the delivery lead)."""
    project = get_project_or_404(key)
    require(can_edit_definition_of_done(current_user, project))
    form = DefinitionForm()
    outcome = submit(form, lambda: services.set_definition_of_done(
        project, current_user, form.criteria.data or ""))
    if not outcome.ok:
        return pages.definition_page(project, form, outcome.status)
    return redirect_with(_("The definition of done is saved."),
                         url_for("releases.definition", key=project.key))


@bp.post("/p/<key>/items/<int:number>/definition-of-done")
@login_required
def check_done(key, number):
    """The vendor ticks the definition of done on an item, explaining each point not met."""
    project = get_project_or_404(key)
    item = get_item_or_404(project, number)
    require(can_check_done(current_user, project))
    form = DoneCheckForm()
    if not form.validate_on_submit():
        return pages.done_refused(project, item, _("The form has expired; reload the page."))
    outcome = attempt(lambda: services.check_done(item, current_user,
                                                  pages.posted_answers(request.form)))
    if not outcome.ok:
        return pages.done_refused(project, item, outcome.refusal.message, outcome.status)
    return redirect_with(_("The definition of done is ticked."),
                         url_for("backlog.item", key=project.key, number=item.number))
