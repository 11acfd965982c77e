"""The sprints' section of the steering group's digest: the active sprint's goal and
progress (points done of committed, days left, a compact burndown drawn as table bars in the
e-mail), and the sprints that closed in the period with their frozen figures."""
from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
from app.extensions import db
from app.i18n import format_day, format_day_short
from app.projects.models import Role
from app.sprints import reports
from app.sprints.display import decimal
from app.sprints.models import Sprint, SprintState
from app.clock import local_date


@digest_section("sprint_progress", roles={Role.STEERING}, order=10, shared=True)
def sprint_progress(ctx: DigestContext) -> Section | None:
    """The sprint under way and the sprints closed in the period."""
    sprints = list(db.session.scalars(
        select(Sprint).where(Sprint.project_id == ctx.project.id,
                             (Sprint.state == SprintState.ACTIVE)
                             | ((Sprint.state == SprintState.CLOSED)
                                & (Sprint.closed_at >= ctx.period_start)
                                & (Sprint.closed_at < ctx.period_end)))
        .order_by(Sprint.start_date)))
    if not sprints:
        return None
    active = next((s for s in sprints if s.is_active), None)
    closed = [s for s in sprints if s.is_closed]
    items = [Item(text=_("%(name)s closed: %(done)s of %(committed)s points completed.",
                         name=s.name, done=decimal(s.completed_points or 0),
                         committed=decimal(s.committed_points or 0)),
                  link=url_for("sprints.review", key=ctx.project.key, sprint_id=s.id),
                  meta=s.goal or None) for s in closed]
    if active is None:
        return Section(title=_("Sprints"), items=items,
                       more_link=url_for("sprints.index", key=ctx.project.key))
    return _active_section(ctx, active, items)


def _active_section(ctx: DigestContext, sprint: Sprint, items: list[Item]) -> Section:
    data = reports.burndown(sprint, now=ctx.period_end)
    today = local_date(ctx.period_end)
    days_left = sum(1 for d in data.days if d.day > today and d.day <= sprint.end_date
                    and d.is_working_day)
    done = round(data.committed + data.scope_change - data.remaining, 1)
    figures = [Figure(_("Points done"), _number(done),
                      _number(data.committed + data.scope_change)),
               Figure(_("Working days left"), days_left)]
    # The compact burndown: the points remaining at the end of each working day so far, as
    # bars against the commitment (the e-mail draws them as table cells, no images).
    since = today - timedelta(days=13)
    for day in data.days:
        if day.is_past and day.is_working_day and day.day >= since:
            figures.append(Figure(_("Remaining %(day)s", day=format_day_short(day.day, True)),
                                  _number(day.remaining), _number(max(data.committed, 1))))
    items.append(Item(text=_("Burndown and plan of %(name)s", name=sprint.name),
                      link=url_for("sprints.show", key=ctx.project.key, sprint_id=sprint.id)))
    return Section(
        title=_("%(name)s: %(start)s – %(end)s", name=sprint.name,
                start=format_day(sprint.start_date), end=format_day(sprint.end_date)),
        summary=_("Sprint goal: %(goal)s", goal=sprint.goal) if sprint.goal else None,
        figures=figures, items=items,
        more_link=url_for("sprints.review", key=ctx.project.key, sprint_id=sprint.id))


def _number(value: float) -> int | float:
    """A figure's value: bars need numbers; whole points print without a decimal."""
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value
