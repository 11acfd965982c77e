"""The backlog's digest sections: acceptance (delivered, accepted, rejected, awaiting the
municipality), blocked items, and a developer's own items and the comments on them."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.backlog.models import Comment, Item, Status, item_key
from app.digests.registry import DigestContext, Figure, Section, digest_section, first_rows
from app.digests.registry import Item as Row
from app.projects.models import Role

def _key(ctx: DigestContext, item: Item) -> str:
    return item_key(ctx.project.key, item.number)


def _link(ctx: DigestContext, item: Item) -> str:
    return url_for("backlog.item", key=ctx.project.key, number=item.number)


def _in_period(column, ctx: DigestContext):
    return (column >= ctx.period_start) & (column < ctx.period_end)


@digest_section("acceptance", roles={Role.STEERING, Role.PRODUCT_OWNER}, order=20, shared=True)
def acceptance(ctx: DigestContext) -> Section | None:
    """Items accepted and rejected in the period, and those awaiting acceptance now."""
    base = select(Item).where(Item.project_id == ctx.project.id, Item.archived_at.is_(None)
                              ).order_by(Item.number)
    accepted, n_accepted = first_rows(
        base.where(_in_period(Item.accepted_at, ctx), Item.status == Status.DONE)
        .options(joinedload(Item.accepted_by)), ctx.limit)
    rejected, n_rejected = first_rows(base.where(_in_period(Item.rejected_at, ctx)), ctx.limit)
    waiting, n_waiting = first_rows(base.where(Item.status == Status.ACCEPTANCE), ctx.limit)
    if not (accepted or rejected or waiting):
        return None
    rows = [Row(text=f"{_key(ctx, i)} {i.title}", link=_link(ctx, i), status=_("Accepted"),
                tone="ok",
                meta=_("by %(name)s", name=i.accepted_by.name) if i.accepted_by else None)
            for i in accepted]
    rows += [Row(text=f"{_key(ctx, i)} {i.title}", link=_link(ctx, i), status=_("Rejected"),
                 tone="danger", meta=i.rejected_reason or None) for i in rejected]
    rows += [Row(text=f"{_key(ctx, i)} {i.title}", link=_link(ctx, i),
                 status=_("Awaiting acceptance"), tone="warn") for i in waiting]
    return Section(
        title=_("Delivery and acceptance"),
        figures=[Figure(_("Accepted"), n_accepted), Figure(_("Rejected"), n_rejected),
                 Figure(_("Awaiting acceptance"), n_waiting)],
        items=rows, total=n_accepted + n_rejected + n_waiting,
        more_link=url_for("board.index", key=ctx.project.key))


@digest_section("blocked_items", roles={Role.STEERING, Role.PRODUCT_OWNER, Role.DEVELOPER,
                                        Role.DELIVERY_LEAD}, order=50, shared=True)
def blocked_items(ctx: DigestContext) -> Section | None:
    """Items blocked right now, with the reason."""
    items, count = first_rows(
        select(Item).where(Item.project_id == ctx.project.id, Item.is_blocked.is_(True),
                           Item.status != Status.DONE, Item.archived_at.is_(None))
        .order_by(Item.rank), ctx.limit)
    if not items:
        return None
    return Section(
        title=_("Blocked items"), figures=[Figure(_("Blocked"), count)], total=count,
        items=[Row(text=f"{_key(ctx, i)} {i.title}", link=_link(ctx, i), status=_("Blocked"),
                   tone="danger", meta=i.blocked_reason or None) for i in items],
        more_link=url_for("backlog.index", key=ctx.project.key, blocked="1"))


@digest_section("my_items", roles={Role.DEVELOPER, Role.DELIVERY_LEAD}, order=30)
def my_items(ctx: DigestContext) -> Section | None:
    """The recipient's open items, and new comments by others on them in the period."""
    # The newest comments by others first claim up to half the lines: they are news; the
    # open items fill the rest.
    comments, n_comments = first_rows(
        select(Comment).join(Item, Item.id == Comment.item_id)
        .where(Item.project_id == ctx.project.id, Item.assignee_id == ctx.user.id,
               Item.archived_at.is_(None), _in_period(Comment.created_at, ctx),
               (Comment.author_id.is_(None)) | (Comment.author_id != ctx.user.id))
        .options(contains_eager(Comment.item), joinedload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc()), max(1, ctx.limit // 2))
    mine, n_mine = first_rows(
        select(Item).where(Item.project_id == ctx.project.id, Item.assignee_id == ctx.user.id,
                           Item.status != Status.DONE, Item.archived_at.is_(None))
        .order_by(Item.rank), max(0, ctx.limit - len(comments)))
    if not (mine or comments):
        return None
    rows = [Row(text=f"{_key(ctx, i)} {i.title}", link=_link(ctx, i),
                status=_("Blocked") if i.is_blocked else None,
                tone="danger" if i.is_blocked else None) for i in mine]
    rows += [Row(text=_("%(name)s commented on %(key)s", key=_key(ctx, c.item),
                        name=c.author.name if c.author else _("Someone")),
                 link=_link(ctx, c.item), meta=c.body[:200]) for c in comments]
    return Section(title=_("My items"),
                   figures=[Figure(_("Open items"), n_mine),
                            Figure(_("New comments"), n_comments)],
                   items=rows, total=n_mine + n_comments,
                   more_link=url_for("board.index", key=ctx.project.key, mine="1"))
