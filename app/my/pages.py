"""Page assembly: My work across projects, and the project overview as a dashboard."""
from dataclasses import dataclass
from datetime import date

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.audit.labels import action_label
from app.backlog.display import status_label
from app.backlog.models import item_key
from app.clock import local_today
from app.database import parse_int
from app.my import queries
from app.my.registry import WorkSection, build_sections
from app.projects.forms import ROLE_LABELS
from app.sprints import charts, reports
from app.sprints.display import day_label
from app.sprints.models import Sprint
from app.web import render_page_or_partial


def my_work_page():
    """Every section of My work across the user's projects."""
    scope = queries.work_scope(current_user)
    return render_template("my/index.html", sections=build_sections(scope),
                           projects=list(scope.projects.values()))


def days_left(sprint: Sprint, today: date) -> int:
    """Calendar days after today until the sprint's last day (0 on the last day itself,
    negative when it runs over), counted in Copenhagen."""
    return (sprint.end_date - today).days


@dataclass
class SprintPanel:
    sprint: Sprint
    days_left: int
    done: float
    total: float
    burndown: reports.Burndown | None
    chart: charts.BurndownChart | None

    @property
    def percent(self) -> int:
        return max(0, min(100, round(100 * self.done / self.total))) if self.total else 0


def sprint_panel(project) -> SprintPanel | None:
    """The active sprint with its points and the burndown (two statements)."""
    sprint = queries.active_sprint(project)
    if sprint is None:
        return None
    data = reports.burndown(sprint)
    total = round(data.committed + data.scope_change, 1) if data else 0.0
    done = round(total - data.remaining, 1) if data else 0.0
    return SprintPanel(sprint=sprint, days_left=days_left(sprint, local_today()), done=done,
                       total=total, burndown=data,
                       chart=charts.burndown_chart(data, day_label) if data else None)


def _activity_page_number() -> int:
    return parse_int(request.args.get("page"), 1) or 1


def overview_page(project):
    """The project's dashboard: sprint, what waits for me here, needs, decisions, activity."""
    scope = queries.work_scope(current_user, project)
    sections: list[WorkSection] = build_sections(scope)
    return render_template(
        "my/overview.html", project=project, my_roles=scope.roles.get(project.id, frozenset()),
        role_labels=ROLE_LABELS, panel=sprint_panel(project), sections=sections,
        needs=queries.needs_summary(project), decisions=queries.latest_decisions(project),
        activity=_activity(project, 1), activity_url=_activity_url(project))


def _activity(project, page: int) -> queries.ActivityPage:
    found = queries.activity(project, page)
    found.rows = activity_entries(project, found.rows)
    return found


def _activity_url(project):
    return lambda page: url_for("my.activity", key=project.key, page=page)


def activity_page(project):
    """A page of the project's recent activity: the fragment for htmx, else a full page."""
    return render_page_or_partial(
        "my/activity.html", "my/_activity.html", project=project,
        activity=_activity(project, _activity_page_number()),
        activity_url=_activity_url(project))


@dataclass
class ActivityEntry:
    at: object
    actor: str
    what: str
    target: str
    url: str | None = None
    change: str = ""


def activity_entries(project, rows) -> list[ActivityEntry]:
    """The merged activity rows in words, with links to what they concern."""
    return [_item_entry(project, r) if r.source == "item" else _audit_entry(project, r)
            for r in rows]


def _actor(row) -> str:
    return row.actor_name or row.actor_label or _("Samspil")


def _item_entry(project, row) -> ActivityEntry:
    url = url_for("backlog.item", key=project.key, number=row.number)
    target = f"{item_key(project.key, row.number)} {row.title}"
    if not row.old:
        return ActivityEntry(row.at, _actor(row), _("created"), target, url)
    return ActivityEntry(row.at, _actor(row), _("moved"), target, url,
                         change=f"{status_label(row.old)} → {status_label(row.new)}")


def _audit_entry(project, row) -> ActivityEntry:
    url = None
    if row.target_type == "Need" and row.number is not None:
        url = url_for("discovery.show", key=project.key, number=row.number)
    elif row.target_type == "Decision" and row.target_id:
        url = url_for("decisions.show", key=project.key, decision_id=row.target_id)
    elif row.target_type == "Sprint" and row.target_id and row.action != "sprint.deleted":
        url = url_for("sprints.show", key=project.key, sprint_id=row.target_id)
    return ActivityEntry(row.at, _actor(row), str(action_label(row.action)),
                         row.title or "", url)
