"""The decision log's part of the digest, for the steering group and the secretariat: what
waits for a decision, and the decisions recorded in the period.

Discovery's "Needs" section already reports the status changes of needs (a decision's outcome
among them); this section reports the decisions themselves and the queue, so the two
complement each other instead of repeating the same lines.
"""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.decisions.models import Decision
from app.decisions.queries import waiting_needs_query
from app.digests.registry import DigestContext, Figure, Item, Section, digest_section, first_rows
from app.i18n import format_day
from app.projects.models import Role

def _made(ctx: DigestContext, limit: int) -> tuple[list[Decision], int]:
    return first_rows(
        select(Decision).where(Decision.project_id == ctx.project.id,
                               Decision.created_at >= ctx.period_start,
                               Decision.created_at < ctx.period_end)
        .order_by(Decision.decided_on, Decision.id), limit)


@digest_section("decisions", roles={Role.STEERING, Role.SECRETARIAT}, order=45, shared=True)
def decisions(ctx: DigestContext) -> Section | None:
    """Needs waiting for the steering group's decision, and decisions recorded in the period."""
    waiting, n_waiting = first_rows(waiting_needs_query(ctx.project), ctx.limit)
    made, n_made = _made(ctx, ctx.limit - len(waiting))
    if not (n_waiting or n_made):
        return None
    key = ctx.project.key
    items = [Item(text=f"#{n.number} {n.title}", status=_("Waiting for a decision"), tone="warn",
                  link=url_for("discovery.show", key=key, number=n.number),
                  meta=n.escalation_reason[:300] or None) for n in waiting]
    items += [Item(text=d.title, status=_("Decided"), tone="ok",
                   link=url_for("decisions.show", key=key, decision_id=d.id),
                   meta=_("Decided on %(date)s", date=format_day(d.decided_on))) for d in made]
    return Section(
        title=_("Decisions"),
        items=items,
        figures=[Figure(_("Waiting for a decision"), n_waiting),
                 Figure(_("Decisions made"), n_made)],
        total=n_waiting + n_made,
        more_link=url_for("decisions.index", key=key),
    )
