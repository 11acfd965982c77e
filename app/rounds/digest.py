"""The rounds' part of the digest: open rounds with their deadlines and who has voted (a
product owner whose municipality has not is told so), and the results of rounds closed in the
period. Shared by the steering group, the secretariat and product owners."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
from app.discovery.queries import participating_municipalities
from app.extensions import db
from app.i18n import format_day
from app.projects.models import Role
from app.rounds import queries
from app.rounds.models import Round, RoundState

LIMIT = 10


@digest_section("rounds", roles={Role.STEERING, Role.SECRETARIAT, Role.PRODUCT_OWNER},
                order=46)
def rounds(ctx: DigestContext) -> Section | None:
    """Open rounds' deadlines and votes; results of rounds closed in the period."""
    found = list(db.session.scalars(select(Round).where(
        Round.project_id == ctx.project.id,
        or_(Round.state == RoundState.OPEN,
            Round.closed_at >= ctx.period_start)).order_by(Round.deadline).limit(LIMIT)
        .options(selectinload(Round.ballots))))
    if not found:
        return None
    key = ctx.project.key
    municipalities = participating_municipalities(ctx.project)
    items, open_count = [], 0
    for rnd in found:
        link = url_for("rounds.results", key=key, number=rnd.number)
        if rnd.state == RoundState.OPEN:
            open_count += 1
            voted = {b.organisation_id for b in rnd.ballots}
            mine = getattr(ctx.user, "organisation_id", None)
            ours_missing = any(m.id == mine for m in municipalities) and mine not in voted
            items.append(Item(
                text=rnd.name, link=link, tone="warn" if ours_missing else None,
                status=(_("Your municipality has not voted") if ours_missing
                        else _("Voting open")),
                meta=_("Deadline %(day)s · %(voted)d of %(all)d municipalities have voted",
                       day=format_day(rnd.deadline), voted=len(voted),
                       all=len(municipalities))))
        else:
            top = queries.results(rnd).rows[:3]
            items.append(Item(text=rnd.name, link=link, status=_("Closed"), tone="ok",
                              meta=_("Most points: %(needs)s", needs=", ".join(
                                  f"#{r.need.number} {r.need.title} ({r.points})"
                                  for r in top)) if top else None))
    return Section(title=_("Prioritisation rounds"), items=items,
                   figures=[Figure(_("Open rounds"), open_count)],
                   more_link=url_for("rounds.index", key=key))
