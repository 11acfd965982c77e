"""What the sprint pages show: the list with the velocity, a sprint with its planning,
burndown, close and retrospective forms, and the answers to planning changes."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.backlog import providers
from app.backlog.services import format_points
from app.database import parse_int, utcnow
from app.sprints import charts, queries, reports, services
from app.sprints.display import day_label, decimal
from app.sprints.forms import CloseForm, RetrospectiveForm, SprintForm
from app.sprints.permissions import can_plan_sprints, can_write_retrospective
from app.web import htmx_answer, is_htmx, redirect_with


def stale_message() -> str:
    """The refusal when someone else saved the sprint since the form was opened."""
    return _("Someone else changed this sprint meanwhile; review it and try again.")


def sprint_url(project, sprint, **kwargs) -> str:
    return url_for("sprints.show", key=project.key, sprint_id=sprint.id, **kwargs)


def _new_form(project, lists, average) -> SprintForm:
    """The form for the next sprint: its number, the two weeks after the last sprint, and
    the recent velocity as the capacity."""
    count = len(lists.planned) + len(lists.closed) + (1 if lists.active else 0)
    start, end = services.suggested_dates(project)
    return SprintForm(formdata=None, name=_("Sprint %(n)d", n=count + 1), start_date=start,
                      end_date=end, capacity=format_points(round(average)) if average else "")


def index_page(project, form=None, status=200):
    """The project's sprints, the velocity, and (for planners) the form for a new sprint."""
    can_plan = can_plan_sprints(current_user, project)
    rows, lists = reports.velocity(project), queries.sprint_lists(project)
    average = services.average_velocity(project)
    if can_plan and form is None:
        form = _new_form(project, lists, average)
    return render_template(
        "sprints/index.html", project=project, lists=lists, can_plan=can_plan, form=form,
        velocity=rows, average=average,
        active_points=reports.burndown(lists.active.sprint) if lists.active else None,
        chart=charts.velocity_chart(rows, average) if rows else None), status


def planning_context(project, sprint, shown=queries.PLAN_PAGE, message=None, after=None):
    """The planning region: the sprint's items beside the ranked backlog (for planners)."""
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


def show_page(project, sprint, status=200, message=None, after=None, **forms):
    """A sprint's page; a refused form passes itself in `forms` to show its errors."""
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
    context = planning_context(project, sprint, after=after)
    context.update(
        page_message=message, can_manage=can_plan, can_retro=can_retro,
        committed=committed, completed=completed, burndown=data,
        chart=charts.burndown_chart(data, day_label) if data else None,
        next_sprint=services.next_planned(sprint) if sprint.is_active else None,
        unfinished=sum(1 for i in context["items"] if i.status != "done"), **forms)
    return render_template("sprints/show.html", **context), status


def review_page(project, sprint):
    """The sprint review: what was delivered and accepted, the needs the accepted items serve
    (through the backlog's needs provider: sprints know nothing of discovery), what awaits
    acceptance, what was rejected and what was not finished."""
    committed, completed = reports.committed_and_completed(sprint)
    review = reports.review(sprint)
    needs = providers.needs.served_by(project, [e.item.id for e in review.accepted])
    numbers = {e.item.id: e.item.number for e in review.accepted}
    return render_template("sprints/review.html", project=project, sprint=sprint, review=review,
                           needs=needs, item_numbers=numbers, committed=committed,
                           completed=completed, now=utcnow())


def refused(project, sprint_id, outcome, form_name=None, form=None):
    """A sprint's page after a refused change, read afresh (the rollback expired it): the form
    with its errors and the sprint's current version, or the reason at the top."""
    sprint = queries.get_sprint_or_404(project, sprint_id)
    if form is None:
        return show_page(project, sprint, outcome.status, outcome.refusal.message)
    if hasattr(form, "version"):
        form.version.data = str(sprint.version_id)
    return show_page(project, sprint, outcome.status, **{form_name: form})


def planned(project, sprint, outcome, focus=None):
    """After committing an item or taking it out: the planning region (htmx) or the page."""
    if not outcome.ok:
        if not is_htmx():
            return show_page(project, sprint, outcome.status, outcome.refusal.message)
        message, status = outcome.refusal.message, outcome.status
    else:
        totals = queries.plan_totals(sprint, queries.items_of(sprint))
        message, status = f"{outcome.value} " + _(
            "The sprint now holds %(points)s of %(capacity)s points.",
            points=decimal(totals.points), capacity=decimal(totals.capacity)), 200
        if not is_htmx():
            return redirect_with(message, sprint_url(project, sprint, _anchor="planning"))
    shown = parse_int(request.form.get("shown"), 1, queries.MAX_PLAN_SHOWN) or queries.PLAN_PAGE
    context = planning_context(project, sprint, shown, message=message if status != 200 else None)
    return htmx_answer("sprints/_planning.html", status, announce=message,
                       focus=focus if status == 200 else None, **context)
