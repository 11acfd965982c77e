"""Benefit realisation's part of the digest: a product owner's due follow-ups, and the
project's needs coverage for the steering group."""
from flask import url_for
from flask_babel import gettext as _

from app.clock import local_date
from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
from app.discovery.queries import participating_municipality_rows
from app.i18n import format_day
from app.projects.models import Role
from app.value import coverage, queries

@digest_section("value_follow_ups", roles={Role.PRODUCT_OWNER}, order=44)
def follow_ups(ctx: DigestContext) -> Section | None:
    """The follow-ups of the recipient's municipality that wait for its realised value."""
    today = local_date(ctx.period_end)
    waiting = queries.waiting_follow_ups(ctx.user.organisation_id, today, [ctx.project.id])
    if not waiting:
        return None
    key = ctx.project.key
    return Section(
        title=_("Realised value to record"),
        items=[Item(text=f"#{f.need.number} {f.need.title}", tone="warn",
                    status=_("%(n)d months after delivery", n=f.months),
                    meta=_("Due on %(date)s", date=format_day(f.due_on)),
                    link=url_for("value.follow_up", key=key, number=f.id))
               for f in waiting[:ctx.limit]],
        figures=[Figure(_("Follow-ups due"), len(waiting))],
        total=len(waiting),
        more_link=url_for("value.index", key=key))


def _percent(cov: coverage.Coverage) -> str:
    return "–" if cov.percent is None else f"{cov.percent} %"


@digest_section("needs_coverage", roles={Role.STEERING, Role.SECRETARIAT}, order=47,
                shared=True)
def needs_coverage(ctx: DigestContext) -> Section | None:
    """The project's needs coverage summed, and each municipality's rate."""
    today = local_date(ctx.period_end)
    total, rows = coverage.coverage_report(
        ctx.project, participating_municipality_rows(ctx.project), today)
    if not total.needs:
        return None
    items = []
    for org, cov in rows:
        if cov.needs:
            items.append(Item(text=org.name, status=_percent(cov), meta=_(
                "%(delivered)d of %(decided)d decided needs delivered",
                delivered=cov.delivered, decided=cov.decided)))
    figures = [Figure(_("Delivered of decided"), total.delivered, total.decided or None),
               Figure(_("Coverage rate"), _percent(total))]
    if total.median_days is not None:
        figures.append(Figure(_("Median days to delivery"), round(total.median_days)))
    return Section(title=_("Needs coverage"), items=items[:ctx.limit], figures=figures,
                   total=len(items),
                   more_link=url_for("value.index", key=ctx.project.key) + "#coverage")
