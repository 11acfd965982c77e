"""Requirement discovery's part of the digest: new needs, new co-sponsorships and the
decisions taken on needs in the period (see app/digests/registry.py)."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedStatus
from app.discovery.services import STATUS_LABELS
from app.extensions import db
from app.projects.models import Role

# Municipality-side roles and the steering group; the vendor follows items, not needs.
READERS = {Role.PRODUCT_OWNER, Role.CONTRIBUTOR, Role.SECRETARIAT, Role.STEERING}
DECISIONS = (NeedStatus.PLANNED, NeedStatus.DELIVERED, NeedStatus.DECLINED, NeedStatus.PARKED)
TONES = {NeedStatus.DELIVERED: "ok", NeedStatus.DECLINED: "danger", NeedStatus.PARKED: "warn"}
LIMIT = 15


def _in_period(column, ctx: DigestContext):
    return (column >= ctx.period_start) & (column < ctx.period_end)


def _link(ctx, need) -> str:
    return url_for("discovery.show", key=ctx.project.key, number=need.number)


def _new_needs(ctx) -> list[Need]:
    return db.session.scalars(
        select(Need).where(Need.project_id == ctx.project.id, _in_period(Need.created_at, ctx))
        .options(selectinload(Need.organisation)).order_by(Need.number)).all()


def _new_cosponsorships(ctx) -> list[NeedCoSponsor]:
    return db.session.scalars(
        select(NeedCoSponsor).join(Need, Need.id == NeedCoSponsor.need_id)
        .where(Need.project_id == ctx.project.id, _in_period(NeedCoSponsor.created_at, ctx))
        .options(selectinload(NeedCoSponsor.need), selectinload(NeedCoSponsor.organisation))
        .order_by(Need.number, NeedCoSponsor.created_at)).all()


def _decisions(ctx) -> list[NeedChange]:
    """The latest decision per need in the period (planned, delivered, declined, parked)."""
    changes = db.session.scalars(
        select(NeedChange).join(Need, Need.id == NeedChange.need_id)
        .where(Need.project_id == ctx.project.id, NeedChange.field == "status",
               NeedChange.new_value.in_(DECISIONS), _in_period(NeedChange.created_at, ctx))
        .options(selectinload(NeedChange.need)).order_by(NeedChange.id)).all()
    return list({c.need_id: c for c in changes}.values())


@digest_section("needs", roles=READERS, order=40)
def needs(ctx: DigestContext) -> Section | None:
    """New needs, new co-sponsorships and decisions on needs in the period."""
    new, sponsorships, decisions = _new_needs(ctx), _new_cosponsorships(ctx), _decisions(ctx)
    if not (new or sponsorships or decisions):
        return None
    items = [Item(text=f"#{n.number} {n.title}", link=_link(ctx, n), status=_("New"),
                  meta=_("Submitted by %(org)s", org=n.organisation.name)) for n in new]
    by_need: dict[int, list[NeedCoSponsor]] = {}
    for s in sponsorships:
        by_need.setdefault(s.need_id, []).append(s)
    items += [Item(text=f"#{group[0].need.number} {group[0].need.title}",
                   link=_link(ctx, group[0].need), status=_("Co-sponsored"),
                   meta=_("Co-sponsored by %(orgs)s",
                          orgs=", ".join(s.organisation.name for s in group)))
              for group in by_need.values()]
    items += [Item(text=f"#{c.need.number} {c.need.title}", link=_link(ctx, c.need),
                   status=str(STATUS_LABELS[c.new_value]), tone=TONES.get(c.new_value),
                   meta=c.comment or None)
              for c in decisions]
    return Section(
        title=_("Needs"),
        items=items[:LIMIT],
        figures=[Figure(_("New needs"), len(new)),
                 Figure(_("New co-sponsorships"), len(sponsorships)),
                 Figure(_("Decisions on needs"), len(decisions))],
        summary=(_("%(n)d more in the needs list.", n=len(items) - LIMIT)
                 if len(items) > LIMIT else None),
        more_link=url_for("discovery.index", key=ctx.project.key),
    )
