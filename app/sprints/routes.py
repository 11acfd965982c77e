"""Sprint pages: the list with the velocity, a sprint's planning, burndown, close and
retrospective, and the review. Thin views: load (404), check (403), call a service, commit."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from app.backlog.models import RANK_LENGTH
from app.backlog.responses import htmx_answer
from app.backlog.services import format_points
from app.database import utcnow
from app.extensions import db
from app.projects.loaders import get_project_or_404
from app.projects.permissions import require
from app.services import RuleViolation
from app.sprints import bp, charts, queries, reports, services
from app.sprints.display import day_label, decimal
from app.sprints.forms import CloseForm, RetrospectiveForm, SprintForm
from app.sprints.permissions import can_plan_sprints, can_write_retrospective
from app.web import is_htmx, render_page_or_partial


def _sprint_url(project, sprint, **kwargs):
    return url_for("sprints.show", key=project.key, sprint_id=sprint.id, **kwargs)


def _field_error(form, exc: RuleViolation, fallback: str) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    field = field if field is not None and hasattr(field, "errors") else getattr(form, fallback)
    field.errors = [*field.errors, exc.message]


def _new_form(project, lists, average) -> SprintForm:
    """The form for the next sprint: its number, the two weeks after the last sprint, and
    the recent velocity as the capacity."""
    count = len(lists.planned) + len(lists.closed) + (1 if lists.active else 0)
    start, end = services.suggested_dates(project)
    return SprintForm(formdata=None, name=_("Sprint %(n)d", n=count + 1), start_date=start,
                      end_date=end, capacity=format_points(round(average)) if average else "")


def _index_page(project, form=None, status=200):
    can_plan = can_plan_sprints(current_user, project)
    rows, lists = reports.velocity(project), queries.sprint_lists(project)
    average = services.average_velocity(project)
    if can_plan and form is None:
        form = _new_form(project, lists, average)
    return render_template(
        "sprints/index.html", project=project, lists=lists, can_plan=can_plan, form=form,
        velocity=rows, average=average,
        chart=charts.velocity_chart(rows, average) if rows else None), status


@bp.get("/p/<key>/sprints")
@login_required
def index(key):
    """The project's sprints (active, planned, past), the velocity, and a form for a new one."""
    project = get_project_or_404(key)
    return _index_page(project)


@bp.post("/p/<key>/sprints")
@login_required
def create(key):
    """Plan a new sprint (product owners and delivery leads)."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    form = SprintForm()
    if not form.validate_on_submit():
        return _index_page(project, form, 422)
    try:
        sprint = services.create_sprint(project, current_user, form.name.data,
                                        form.start_date.data, form.end_date.data,
                                        form.capacity.data, form.goal.data)
    except RuleViolation as exc:
        db.session.rollback()
        _field_error(form, exc, "name")
        return _index_page(project, form, exc.status)
    db.session.commit()
    flash(_("%(name)s is planned. Commit items to it below.", name=sprint.name), "success")
    return redirect(_sprint_url(project, sprint), 303)


def _planning_context(project, sprint, shown=queries.PLAN_PAGE, message=None, after=None):
    can_plan = can_plan_sprints(current_user, project) and not sprint.is_closed
    items = queries.items_of(sprint)
    backlog, cursor, available = [], None, 0
    if can_plan:
        backlog, cursor = queries.plannable_page(project, after,
                                                 limit=max(shown, queries.PLAN_PAGE))
        available = queries.plannable_count(project)
    return {"project": project, "sprint": sprint, "items": items, "backlog": backlog,
            "cursor": cursor, "available": available, "can_plan": can_plan, "after": after,
            "totals": queries.plan_totals(sprint, items), "message": message}


def _show_page(project, sprint, status=200, message=None, after=None, **forms):
    can_plan = can_plan_sprints(current_user, project)
    data = reports.burndown(sprint)
    committed, completed = reports.committed_and_completed(sprint)
    if can_plan and not sprint.is_closed and "edit_form" not in forms:
        forms["edit_form"] = SprintForm(formdata=None, obj=sprint,
                                        capacity=format_points(sprint.capacity),
                                        version=sprint.version_id)
    if can_plan and sprint.is_active and "close_form" not in forms:
        forms["close_form"] = CloseForm(formdata=None, version=sprint.version_id)
    can_retro = sprint.is_closed and can_write_retrospective(current_user, project)
    if can_retro and "retro_form" not in forms:
        forms["retro_form"] = RetrospectiveForm(
            formdata=None, went_well=sprint.retro_went_well, to_improve=sprint.retro_to_improve,
            actions=sprint.retro_actions, version=sprint.version_id)
    context = _planning_context(project, sprint, after=after)
    context.update(
        page_message=message, can_manage=can_plan, can_retro=can_retro,
        committed=committed, completed=completed, burndown=data,
        chart=charts.burndown_chart(data, day_label) if data else None,
        next_sprint=services.next_planned(sprint) if sprint.is_active else None,
        unfinished=sum(1 for i in context["items"] if i.status != "done"), **forms)
    return render_template("sprints/show.html", **context), status


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
        shown = request.args.get("shown", type=int) or queries.PLAN_PAGE
        return render_page_or_partial("sprints/show.html", "sprints/_planning.html",
                                      **_planning_context(project, sprint, shown))
    return _show_page(project, sprint, after=after)


@bp.post("/p/<key>/sprints/<int:sprint_id>")
@login_required
def update(key, sprint_id):
    """Change a sprint's name, goal, dates or capacity (not once it is closed)."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = SprintForm()
    if not form.validate_on_submit():
        return _show_page(project, sprint, 422, edit_form=form)
    try:
        changed = services.update_sprint(sprint, current_user,
                                         form.changes(include_start=not sprint.is_active),
                                         expected_version=form.version.data)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        exc = _as_violation(exc)
        _field_error(form, exc, "name")
        sprint = queries.get_sprint_or_404(project, sprint_id)
        form.version.data = str(sprint.version_id)
        return _show_page(project, sprint, exc.status, edit_form=form)
    flash(_("%(name)s is saved.", name=sprint.name) if changed else _("Nothing changed."),
          "success")
    return redirect(_sprint_url(project, sprint), 303)


def _as_violation(exc) -> RuleViolation:
    if isinstance(exc, RuleViolation):
        return exc
    return RuleViolation(_("Someone else changed this sprint meanwhile; review it and try "
                           "again."), status=409)


@bp.post("/p/<key>/sprints/<int:sprint_id>/delete")
@login_required
def delete(key, sprint_id):
    """Delete a planned sprint; its items go back to the backlog."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    name = sprint.name
    try:
        services.delete_sprint(sprint, current_user)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        exc = _as_violation(exc)
        return _show_page(project, queries.get_sprint_or_404(project, sprint_id), exc.status,
                          exc.message)
    flash(_("%(name)s is deleted; its items are back in the backlog.", name=name), "success")
    return redirect(url_for("sprints.index", key=key), 303)


def _plan_answer(project, sprint, status, message, focus=None):
    """After committing or taking out: the planning region (htmx) or the page."""
    if not is_htmx():
        if status != 200:
            db.session.rollback()
            return _show_page(project, sprint, status, message)
        flash(message, "success")
        return redirect(_sprint_url(project, sprint, _anchor="planning"), 303)
    shown = request.form.get("shown", type=int) or queries.PLAN_PAGE
    context = _planning_context(project, sprint, shown,
                                message=message if status != 200 else None)
    return htmx_answer("sprints/_planning.html", status, announce=message,
                       focus=focus if status == 200 else None, **context)


def _totals_text(sprint) -> str:
    totals = queries.plan_totals(sprint, queries.items_of(sprint))
    return _("The sprint now holds %(points)s of %(capacity)s points.",
             points=decimal(totals.points), capacity=decimal(totals.capacity))


def _plan_change(key, sprint_id, change):
    """Commit an item to the sprint or take it out: `change(project, sprint, item)` runs the
    service and returns the message; the planning view answers with it and the new totals,
    or with the refusal and nothing saved."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    try:
        item = services.project_item(project, request.form.get("item"))
        message = change(project, sprint, item)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        return _plan_answer(project, sprint, _as_violation(exc).status, _as_violation(exc).message)
    return _plan_answer(project, sprint, 200, f"{message} {_totals_text(sprint)}",
                        request.form.get("focus"))


@bp.post("/p/<key>/sprints/<int:sprint_id>/items")
@login_required
def commit(key, sprint_id):
    """Commit a backlog item to the sprint (by drag-and-drop or its button)."""
    def commit_item(project, sprint, item):
        added = services.commit_item(sprint, current_user, item)
        key_text = item.key_in(project.key)
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
                 key=item.key_in(project.key), name=sprint.name)
    return _plan_change(key, sprint_id, remove_item)


@bp.post("/p/<key>/sprints/<int:sprint_id>/start")
@login_required
def start(key, sprint_id):
    """Start a planned sprint: the board shows its items from now on."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    try:
        services.start_sprint(sprint, current_user)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        exc = _as_violation(exc)
        return _show_page(project, queries.get_sprint_or_404(project, sprint_id), exc.status,
                          exc.message)
    flash(_("%(name)s has started. The board shows its items.", name=sprint.name), "success")
    return redirect(_sprint_url(project, sprint), 303)


@bp.post("/p/<key>/sprints/<int:sprint_id>/close")
@login_required
def close(key, sprint_id):
    """Close the active sprint; its unfinished items go to the backlog or the next sprint."""
    project = get_project_or_404(key)
    require(can_plan_sprints(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = CloseForm()
    try:
        moved = services.close_sprint(sprint, current_user, form.unfinished.data or "",
                                      expected_version=form.version.data)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        exc = _as_violation(exc)
        sprint = queries.get_sprint_or_404(project, sprint_id)
        if exc.field == "unfinished":
            form.unfinished.errors = [exc.message]
            return _show_page(project, sprint, exc.status, close_form=form)
        return _show_page(project, sprint, exc.status, exc.message)
    where = sprint.carried_to.name if sprint.carried_to else _("the backlog")
    flash(ngettext("%(name)s is closed: %(done)s points completed; %(num)d unfinished item "
                   "moved to %(where)s.", "%(name)s is closed: %(done)s points completed; "
                   "%(num)d unfinished items moved to %(where)s.", len(moved), name=sprint.name,
                   done=decimal(sprint.completed_points), where=where), "success")
    return redirect(_sprint_url(project, sprint), 303)


@bp.get("/p/<key>/sprints/<int:sprint_id>/review")
@login_required
def review(key, sprint_id):
    """The sprint review: what was delivered, the municipality's acceptance, what awaits it."""
    project = get_project_or_404(key)
    sprint = queries.get_sprint_or_404(project, sprint_id)
    committed, completed = reports.committed_and_completed(sprint)
    return render_template("sprints/review.html", project=project, sprint=sprint,
                           review=reports.review(sprint), committed=committed,
                           completed=completed, now=utcnow())


@bp.post("/p/<key>/sprints/<int:sprint_id>/retrospective")
@login_required
def retrospective(key, sprint_id):
    """Save the retrospective of a closed sprint (the team: product owners, developers,
    delivery leads)."""
    project = get_project_or_404(key)
    require(can_write_retrospective(current_user, project))
    sprint = queries.get_sprint_or_404(project, sprint_id)
    form = RetrospectiveForm()
    if not form.validate_on_submit():
        return _show_page(project, sprint, 422, retro_form=form)
    try:
        changed = services.save_retrospective(sprint, current_user, form.went_well.data,
                                              form.to_improve.data, form.actions.data,
                                              expected_version=form.version.data)
        db.session.commit()
    except (RuleViolation, StaleDataError) as exc:
        db.session.rollback()
        exc = _as_violation(exc)
        sprint = queries.get_sprint_or_404(project, sprint_id)
        form.version.data = str(sprint.version_id)
        _field_error(form, exc, "went_well")
        return _show_page(project, sprint, exc.status, retro_form=form)
    flash(_("The retrospective is saved.") if changed else _("Nothing changed."), "success")
    return redirect(_sprint_url(project, sprint, _anchor="retrospective"), 303)
