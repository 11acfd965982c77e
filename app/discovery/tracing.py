"""Traceability: the backlog items that serve a need, and the needs' automatic status.

A need becomes planned by itself when one of its items enters a sprint (or is already done),
delivered when all its items are done and accepted, and planned again when a delivered need's
item is reopened or a new, unfinished item is linked. Declined and parked needs stay as people
left them. The backlog tells us about item changes through `app.backlog.services.items_changed`
(see `connect`), so the backlog never imports this module. Every function flushes and never
commits.
"""
import functools
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.backlog import providers
from app.backlog import services as backlog
from app.backlog.models import Item, ItemType, Status
from app.database import utcnow
from app.discovery.models import Need, NeedItemLink, NeedStatus
from app.discovery.services import _log, _touch, set_status
from app.extensions import db
from app.organisations.models import Organisation
from app.services import RuleViolation

S = NeedStatus
# Needs the system leaves alone whatever their items do.
UNTOUCHED = (S.DECLINED, S.PARKED)
EARLY = frozenset({S.SUBMITTED, S.IN_DISCOVERY, S.READY})
_REFERENCE = re.compile(r"^(?:([A-Za-z][A-Za-z0-9]*)\s*-\s*)?#?(\d{1,9})$")


def _key(item: Item, project) -> str:
    return item.key_in(project.key)


def find_item(project, reference) -> Item:
    """The project's item named by "OVB-12", "12" or "#12"; a clear 422 otherwise."""
    text = " ".join(str(reference or "").split())
    if not text:
        raise RuleViolation(_("Give the item's number, e.g. %(key)s-12.", key=project.key), "item")
    match = _REFERENCE.match(text)
    if match is None:
        raise RuleViolation(_("“%(text)s” is not an item number; write e.g. %(key)s-12.",
                              text=text[:40], key=project.key), "item")
    prefix, number = match.group(1), int(match.group(2))
    if prefix and prefix.upper() != project.key.upper():
        raise RuleViolation(_("%(ref)s is an item of another project; only items of %(key)s "
                              "can serve this need.", ref=text[:40], key=project.key), "item")
    item = db.session.scalar(select(Item).where(Item.project_id == project.id,
                                                Item.number == number))
    if item is None:
        raise RuleViolation(_("There is no item %(key)s-%(number)d.", key=project.key,
                              number=number), "item")
    return item


def link_item(need: Need, item: Item, actor) -> NeedItemLink:
    """Record that the item serves the need (both of one project, each pair once); the need's
    status follows its items from now on."""
    return link_items(need, [item], actor)[0]


def link_items(need: Need, items, actor, at: datetime | None = None) -> list[NeedItemLink]:
    """Link several items at once (`at` dates the links, else now); the need's status follows
    once all are linked."""
    links = [_add_link(need, item, actor, at) for item in items]
    reconcile([need.id], at=at)
    return links


def _add_link(need: Need, item: Item, actor, at: datetime | None = None) -> NeedItemLink:
    project = need.project
    if item.project_id != need.project_id:
        raise RuleViolation(_("The item belongs to another project; only items of %(key)s can "
                              "serve this need.", key=project.key), "item")
    already = _("%(key)s already serves this need.", key=_key(item, project))
    if db.session.scalar(select(NeedItemLink.id).where(NeedItemLink.need_id == need.id,
                                                       NeedItemLink.item_id == item.id)):
        raise RuleViolation(already, "item", status=409)
    link = NeedItemLink(project_id=need.project_id, need_id=need.id, item_id=item.id,
                        created_by=actor, created_at=at or utcnow())
    try:
        with db.session.begin_nested():  # a simultaneous identical link loses cleanly
            db.session.add(link)
            db.session.flush()
    except IntegrityError:
        raise RuleViolation(already, "item", status=409) from None
    _log(need, "item", new=_key(item, project), actor=actor, at=at)
    _touch(need, at)
    db.session.flush()
    return link


def unlink_item(need: Need, item: Item, actor) -> None:
    """The item no longer serves the need."""
    link = db.session.scalar(select(NeedItemLink).where(NeedItemLink.need_id == need.id,
                                                        NeedItemLink.item_id == item.id))
    if link is None:
        raise RuleViolation(_("%(key)s does not serve this need.",
                              key=_key(item, need.project)), "item", status=409)
    db.session.delete(link)
    _log(need, "item", old=_key(item, need.project), actor=actor)
    _touch(need)
    db.session.flush()
    reconcile([need.id])


def create_item_for_need(need: Need, actor, title: str, type: str = ItemType.STORY,
                         description: str = "") -> Item:
    """Create a backlog item (through the backlog's own rules) that serves the need."""
    item = backlog.create_item(need.project, actor, title, type=type, description=description)
    link_item(need, item, actor)
    return item


def _done_and_accepted():
    return and_(Item.status == Status.DONE, Item.accepted_at.is_not(None))


def _progress_rows(need_ids):
    """Per need: how many items serve it, how many are done and accepted, how many are under
    way (in a sprint, or done)."""
    accepted = func.sum(case((_done_and_accepted(), 1), else_=0))
    started = func.sum(case((or_(Item.sprint_id.is_not(None), Item.status == Status.DONE), 1),
                            else_=0))
    return db.session.execute(
        select(Need, func.count(NeedItemLink.id), accepted, started)
        .join(NeedItemLink, NeedItemLink.need_id == Need.id)
        .join(Item, Item.id == NeedItemLink.item_id)
        .where(Need.id.in_(need_ids), Need.status.not_in(UNTOUCHED))
        .group_by(Need.id)).all()


def wanted_status(status: str, total: int, accepted: int, started: int) -> str | None:
    """The status a need's items call for, or None to leave it as it is."""
    if total and accepted == total:
        return S.DELIVERED
    if status == S.DELIVERED:
        return S.PLANNED  # something is not (or no longer) done and accepted
    if started and status in EARLY:
        return S.PLANNED
    return None


def reconcile(need_ids, at: datetime | None = None) -> list[Need]:
    """Bring these needs' status in line with their items, as the system (at `at`, else now).
    Returns the needs that changed."""
    need_ids = list(need_ids)
    if not need_ids:
        return []
    changed = []
    for need, total, accepted, started in _progress_rows(need_ids):
        target = wanted_status(need.status, total, accepted or 0, started or 0)
        if target and set_status(need, target, by_system=True, at=at) is not None:
            changed.append(need)
    return changed


def on_items_changed(items) -> list[Need]:
    """The items' sprint, status or acceptance changed: move the needs they serve along."""
    ids = [item.id for item in items if item.id is not None]
    if not ids:
        return []
    db.session.flush()
    need_ids = db.session.scalars(_served_needs_statement(), {"item_ids": ids}).all()
    return reconcile(need_ids)


@functools.lru_cache(maxsize=1)
def _served_needs_statement():
    # Built once: every move, rank change and edit of an item runs it.
    return (select(NeedItemLink.need_id).distinct()
            .where(NeedItemLink.item_id.in_(bindparam("item_ids", expanding=True))))


def _items_changed(_sender, items=(), **_kwargs) -> None:
    on_items_changed(items)


def count_column(item_id):
    """How many needs the item `item_id` (a column of the enclosing query) serves: a correlated
    count, read from the links' item index once per item the enclosing query returns."""
    return (select(func.count()).where(NeedItemLink.item_id == item_id)
            .correlate_except(NeedItemLink).scalar_subquery())


def needs_of(item) -> list[Need]:
    """The needs the item serves, by number."""
    return list(db.session.scalars(_needs_of_statement(), {"item_id": item.id}))


@functools.lru_cache(maxsize=1)
def _needs_of_statement():
    # Built once: every item page runs it.
    return (select(Need).join(NeedItemLink, NeedItemLink.need_id == Need.id)
            .where(NeedItemLink.item_id == bindparam("item_id")).order_by(Need.number))


@dataclass
class ServedNeed:
    """A need as the sprint review lists it: who raised it, and which of its items it shows."""

    number: int
    title: str
    status: str
    organisation: str
    item_ids: list[int] = field(default_factory=list)


def served_by(project, item_ids) -> list[ServedNeed]:
    """The needs of the project that any of these items serve, by number (one query)."""
    item_ids = list(item_ids)
    if not item_ids:
        return []
    needs: dict[int, ServedNeed] = {}
    for number, title, status, organisation, item_id in db.session.execute(
            select(Need.number, Need.title, Need.status, Organisation.name, NeedItemLink.item_id)
            .join(NeedItemLink, NeedItemLink.need_id == Need.id)
            .join(Organisation, Organisation.id == Need.organisation_id)
            .where(Need.project_id == project.id, NeedItemLink.item_id.in_(item_ids))
            .order_by(Need.number, NeedItemLink.item_id)):
        need = needs.setdefault(number, ServedNeed(number, title, status, organisation))
        need.item_ids.append(item_id)
    return list(needs.values())


def connect() -> None:
    """Plug discovery into the backlog's hooks (called once, by the area's init_app)."""
    backlog.items_changed.connect(_items_changed, weak=False)
    providers.needs.count_column = count_column
    providers.needs.needs_of = needs_of
    providers.needs.served_by = served_by
