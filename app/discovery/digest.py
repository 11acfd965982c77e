"""Requirement discovery's part of the digest: new needs, new co-sponsorships and the
decisions taken on needs in the period (see app/digests/registry.py)."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.digests.registry import DigestContext, Figure, Item, Section, digest_section
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedStatus
from app.discovery.services import STATUS_LABELS
from app.extensions import db
from app.projects.models import Role

# Municipality-side roles and the steering group; the vendor follows items, not needs.
READERS = {Role.PRODUCT_OWNER, Role.CONTRIBUTOR, Role.SECRETARIAT, Role.STEERING}
DECISIONS = (NeedStatus.PLANNED, NeedStatus.DELIVERED, NeedStatus.DECLINED, NeedStatus.PARKED)
TONES = {NeedStatus.DELIVERED: "ok", NeedStatus.DECLINED: "danger", NeedStatus.PARKED: "warn"}


def _in_period(column, ctx: DigestContext):
    return (column >= ctx.period_start) & (column < ctx.period_end)


def _link(ctx, need) -> str:
    return url_for("discovery.show", key=ctx.project.key, number=need.number)


def _counts(ctx):
    """The section's figures in one statement: new needs, new co-sponsorships and the needs
    they back, and the needs decided on in the period."""
    new = (select(func.count()).select_from(Need)
           .where(Need.project_id == ctx.project.id, Need.archived_at.is_(None),
                  _in_period(Need.created_at, ctx))
           .scalar_subquery())
    sponsorships = (select(func.count().label("rows"),
                           func.count(distinct(NeedCoSponsor.need_id)).label("needs"))
                    .join(Need, Need.id == NeedCoSponsor.need_id)
                    .where(Need.project_id == ctx.project.id, Need.archived_at.is_(None),
                           _in_period(NeedCoSponsor.created_at, ctx)).subquery())
    decided = (select(func.count(distinct(NeedChange.need_id)))
               .join(Need, Need.id == NeedChange.need_id).where(*_decision_filter(ctx))
               .scalar_subquery())
    return db.session.execute(select(new, sponsorships.c.rows, sponsorships.c.needs, decided)
                              .select_from(sponsorships)).one()


def _decision_filter(ctx) -> tuple:
    return (Need.project_id == ctx.project.id, Need.archived_at.is_(None),
            NeedChange.field == "status",
            NeedChange.new_value.in_(DECISIONS), _in_period(NeedChange.created_at, ctx))


def _new_needs(ctx, limit: int) -> list[Need]:
    return db.session.scalars(
        select(Need).where(Need.project_id == ctx.project.id, Need.archived_at.is_(None),
                           _in_period(Need.created_at, ctx))
        .options(joinedload(Need.organisation)).order_by(Need.number).limit(limit)).all()


def _new_cosponsorships(ctx, limit: int) -> list[NeedCoSponsor]:
    """The period's co-sponsorships of the first `limit` needs (by number) that got any."""
    in_period = (Need.project_id == ctx.project.id, Need.archived_at.is_(None),
                 _in_period(NeedCoSponsor.created_at, ctx))
    first_needs = (select(NeedCoSponsor.need_id).join(Need, Need.id == NeedCoSponsor.need_id)
                   .where(*in_period).group_by(NeedCoSponsor.need_id, Need.number)
                   .order_by(Need.number).limit(limit))
    return db.session.scalars(
        select(NeedCoSponsor).join(Need, Need.id == NeedCoSponsor.need_id)
        .where(*in_period, NeedCoSponsor.need_id.in_(first_needs))
        .options(contains_eager(NeedCoSponsor.need), joinedload(NeedCoSponsor.organisation))
        .order_by(Need.number, NeedCoSponsor.created_at, NeedCoSponsor.id)).all()


def _decisions(ctx, limit: int) -> list[NeedChange]:
    """The latest decision per need in the period (planned, delivered, declined, parked), in
    the order the needs were first decided on; the first `limit` of them."""
    per_need = (select(func.min(NeedChange.id).label("first"),
                       func.max(NeedChange.id).label("last"))
                .join(Need, Need.id == NeedChange.need_id).where(*_decision_filter(ctx))
                .group_by(NeedChange.need_id).order_by(func.min(NeedChange.id)).limit(limit)
                .subquery())
    return db.session.scalars(
        select(NeedChange).join(per_need, per_need.c.last == NeedChange.id)
        .options(joinedload(NeedChange.need)).order_by(per_need.c.first)).all()


def _decision_note(change: NeedChange) -> str | None:
    """What the digest says under a decided need: the rationale given, else which steering
    group decision it was, in the recipient's language."""
    if change.comment:
        return change.comment
    decision = (change.params or {}).get("decision")
    return _("Decided by the steering group: %(title)s", title=decision) if decision else None


@digest_section("needs", roles=READERS, order=40, shared=True)
def needs(ctx: DigestContext) -> Section | None:
    """New needs, new co-sponsorships and decisions on needs in the period."""
    n_new, n_sponsorships, n_sponsored, n_decided = _counts(ctx)
    if not (n_new or n_sponsorships or n_decided):
        return None
    # Only the rows that fit in the section are loaded: new needs first, then co-sponsored
    # needs, then decisions, ctx.limit lines in all.
    new = _new_needs(ctx, ctx.limit)
    sponsorships = _new_cosponsorships(ctx, ctx.limit - len(new))
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
    decisions = _decisions(ctx, ctx.limit - len(items))
    items += [Item(text=f"#{c.need.number} {c.need.title}", link=_link(ctx, c.need),
                   status=str(STATUS_LABELS[c.new_value]), tone=TONES.get(c.new_value),
                   meta=_decision_note(c))
              for c in decisions]
    return Section(
        title=_("Needs"),
        items=items,
        figures=[Figure(_("New needs"), n_new),
                 Figure(_("New co-sponsorships"), n_sponsorships),
                 Figure(_("Decisions on needs"), n_decided)],
        total=n_new + n_sponsored + n_decided,
        more_link=url_for("discovery.index", key=ctx.project.key),
    )
