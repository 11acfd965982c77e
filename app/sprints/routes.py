"""Sprint pages: the list with the velocity, a sprint's planning, burndown, close and
retrospective, and the review. Thin views: load (404), check (403), call a service, commit."""
from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.backlog.models import RANK_LENGTH, item_key
from app.database import parse_int
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.sprints import pages, queries, services
from app.sprints.display import (active_sprint_of, decimal, plan_words, signed, state_label,
                                 weekday_label)
from app.sprints.forms import CloseForm, RetrospectiveForm, SprintForm
from app.sprints.permissions import can_plan_sprints, can_write_retrospective
from app.web import (attach_refusal, attempt, is_htmx, redirect_with, render_page_or_partial,
                     submit, template_globals)

bp = Blueprint("sprints", __name__)


@template_globals(bp)
def sprint_helpers():
    return {"sprint_state_label": state_label, "active_sprint_of": active_sprint_of,
            "signed": signed, "weekday_label": weekday_label, "decimal": decimal,
            "plan_words": plan_words, "sprint_date_window": services.date_window}


@bp.get("/p/<key>/sprints")
@login_required
def index(key):
    """The project's sprints (active, planned, past), the velocity, and a form for a new one."""
    return pages.index_page(get_project_or_404(key))


@bp.post("/p/<key>/sprints")
@login_required
def create(key):
    """Plan a new sprint (product owners and delivery leads)."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    form = SprintForm()
    outcome = submit(form, lambda: services.create_sprint(
        project, current_user, form.name.data, form.start_date.data, form.end_date.data,
        form.capacity.data, form.goal.data), field="name")
    if not outcome.ok:
        return pages.index_page(project, form, outcome.status)
    sprint = outcome.value
    return redirect_with(_("%(name)s is planned. Commit items to it below.", name=sprint.name),
                         pages.sprint_url(project, sprint))


@bp.get("/p/<key>/sprints/<int:sprint_id>")
@login_required
def show(key, sprint_id):
    """A sprint: its plan (the ranked backlog beside its items), burndown, close and retro;
    htmx gets the planning region, or the next rows of the backlog."""
    project = get_project_or_404(key)
    sprint = queries.get_sprint_or_404(project, sprint_id)
    after = request.args.get("after", "")[:RANK_LENGTH] or None
    if after and is_htmx() and can_plan_sprints(current_user, project):
        backlog, cursor = queries.plannable_page(project, after)
        return render_page_or_partial("sprints/show.html", "sprints/_plan_more.html",
                                      project=project, sprint=sprint, backlog=backlog,
                                      cursor=cursor, can_plan=not sprint.is_closed)
    if is_htmx():
        shown = parse_int(request.args.get("shown"), 1, queries.MAX_PLAN_SHOWN) or queries.PLAN_PAGE
        return render_page_or_partial("sprints/show.html", "sprints/_planning.html",
                                      **pages.planning_context(project, sprint, shown))
    return pages.show_page(project, sprint, after=after)


@bp.post("/p/<key>/sprints/<int:sprint_id>")
@login_required
def update(key, sprint_id):
    """Change a sprint's name, goal, dates or capacity (not once it is closed)."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = SprintForm()
    outcome = submit(form, lambda: services.update_sprint(
        sprint, current_user, form.changes(include_start=not sprint.is_active),
        expected_version=form.version.data), field="name", stale=pages.stale_message())
    if outcome.invalid:
        return pages.show_page(project, sprint, 422, edit_form=form)
    if not outcome.ok:
        return pages.refused(project, sprint_id, outcome, "edit_form", form)
    return redirect_with(_("%(name)s is saved.", name=sprint.name) if outcome.value
                         else _("Nothing changed."), pages.sprint_url(project, sprint))


@bp.post("/p/<key>/sprints/<int:sprint_id>/delete")
@login_required
def delete(key, sprint_id):
    """Delete a planned sprint; its items go back to the backlog."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    name = sprint.name
    outcome = attempt(lambda: services.delete_sprint(sprint, current_user),
                      stale=pages.stale_message())
    if not outcome.ok:
        return pages.refused(project, sprint_id, outcome)
    return redirect_with(_("%(name)s is deleted; its items are back in the backlog.", name=name),
                         url_for("sprints.index", key=key))


def _plan_change(key, sprint_id, change):
    """Commit an item to the sprint or take it out: `change(project, sprint, item)` runs the
    service and returns the message; the planning view answers with it and the new totals,
    or with the refusal and nothing saved."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    outcome = attempt(lambda: change(project, sprint,
                                     services.project_item(project, request.form.get("item"))),
                      stale=pages.stale_message())
    return pages.planned(project, sprint, outcome, request.form.get("focus"))


@bp.post("/p/<key>/sprints/<int:sprint_id>/items")
@login_required
def commit(key, sprint_id):
    """Commit a backlog item to the sprint (by drag-and-drop or its button)."""
    def commit_item(project, sprint, item):
        added = services.commit_item(sprint, current_user, item)
        key_text = item_key(project.key, item.number)
        return (_("%(key)s is committed to %(name)s.", key=key_text, name=sprint.name) if added
                else _("%(key)s is in %(name)s already.", key=key_text, name=sprint.name))
    return _plan_change(key, sprint_id, commit_item)


@bp.post("/p/<key>/sprints/<int:sprint_id>/items/remove")
@login_required
def remove(key, sprint_id):
    """Take an item out of the sprint, back to the backlog (by drag-and-drop or its button)."""
    def remove_item(project, sprint, item):
        services.remove_item(sprint, current_user, item)
        return _("%(key)s is taken out of %(name)s and back in the backlog.",
                 key=item_key(project.key, item.number), name=sprint.name)
    return _plan_change(key, sprint_id, remove_item)


@bp.post("/p/<key>/sprints/<int:sprint_id>/start")
@login_required
def start(key, sprint_id):
    """Start a planned sprint: the board shows its items from now on."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    outcome = attempt(lambda: services.start_sprint(sprint, current_user),
                      stale=pages.stale_message())
    if not outcome.ok:
        return pages.refused(project, sprint_id, outcome)
    return redirect_with(_("%(name)s has started. The board shows its items.", name=sprint.name),
                         pages.sprint_url(project, sprint))


@bp.post("/p/<key>/sprints/<int:sprint_id>/close")
@login_required
def close(key, sprint_id):
    """Close the active sprint; its unfinished items go to the backlog or the next sprint."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = CloseForm()
    outcome = attempt(lambda: services.close_sprint(
        sprint, current_user, form.unfinished.data or "", expected_version=form.version.data),
        stale=pages.stale_message())
    if not outcome.ok:
        if outcome.refusal.field != "unfinished":
            return pages.refused(project, sprint_id, outcome)
        attach_refusal(form, outcome.refusal)
        return pages.refused(project, sprint_id, outcome, "close_form", form)
    return redirect_with(_closed_message(sprint, outcome.value), pages.sprint_url(project, sprint))


def _closed_message(sprint, moved) -> str:
    where = sprint.carried_to.name if sprint.carried_to else _("the backlog")
    return ngettext("%(name)s is closed: %(done)s points completed; %(num)d unfinished item "
                    "moved to %(where)s.", "%(name)s is closed: %(done)s points completed; "
                    "%(num)d unfinished items moved to %(where)s.", len(moved), name=sprint.name,
                    done=decimal(sprint.completed_points), where=where)


@bp.get("/p/<key>/sprints/<int:sprint_id>/review")
@login_required
def review(key, sprint_id):
    """The sprint review: what was delivered, the municipality's acceptance, what awaits it."""
    project = get_project_or_404(key)
    return pages.review_page(project, queries.get_sprint_or_404(project, sprint_id))


@bp.post("/p/<key>/sprints/<int:sprint_id>/retrospective")
@login_required
def retrospective(key, sprint_id):
    """Save the retrospective of a closed sprint (the team: product owners, developers,
    delivery leads)."""
    project = get_project_or_404(key)
    require(can_write_retrospective(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = RetrospectiveForm()
    outcome = submit(form, lambda: services.save_retrospective(
        sprint, current_user, form.went_well.data, form.to_improve.data, form.actions.data,
        expected_version=form.version.data), field="went_well", stale=pages.stale_message())
    if outcome.invalid:
        return pages.show_page(project, sprint, 422, retro_form=form)
    if not outcome.ok:
        return pages.refused(project, sprint_id, outcome, "retro_form", form)
    return redirect_with(_("The retrospective is saved.") if outcome.value
                         else _("Nothing changed."),
                         pages.sprint_url(project, sprint, _anchor="retrospective"))
