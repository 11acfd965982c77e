"""The sections of My work that this package builds from the areas' tables: awaiting my
acceptance, assigned to me, my municipality's needs, escalations waiting for my decision,
unread mentions.

Each builder costs a fixed number of statements (a window count beside at most a screenful of
rows), across every project of the scope at once, never one query per project."""
import functools
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import bindparam, case, func, select, union_all
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.backlog.models import STATUSES, Item, Status, item_key
from app.backlog.display import status_label
from app.board.permissions import accepts_with
from app.discovery.models import Need, NeedCoSponsor, NeedItemLink, NeedStatus
from app.discovery.services import STATUS_LABELS as NEED_STATUS_LABELS
from app.extensions import db
from app.my.registry import MAX_ROWS, WorkScope, WorkSection, work_section
from app.notifications.kinds import TARGET_ENDPOINTS, Kind
from app.notifications.models import Notification
from app.organisations.models import Organisation
from app.projects.models import Project, Role

PER_STATUS = 10  # assigned items shown under each status (half that on a dashboard)
OPEN_NEEDS = (NeedStatus.SUBMITTED, NeedStatus.IN_DISCOVERY, NeedStatus.READY,
              NeedStatus.PLANNED)


@dataclass
class WorkRow:
    """One line of a section: what it is, where it lives, and a word on its state."""

    ref: str  # "OVB-12" or "#19"
    title: str
    url: str
    project: Project
    status: str = ""  # in words
    meta: str = ""
    progress: "Progress | None" = None
    is_ours: bool = False  # a need submitted by my own municipality (else co-sponsored)
    is_blocked: bool = False


@dataclass
class Progress:
    done: int
    total: int
    done_points: float
    points: float


def with_count(stmt):
    """The select with how many rows it matches in all beside each row, and its first `limit`
    rows (bound at each run): for `counted`."""
    return stmt.add_columns(func.count().over().label("total_count")).limit(bindparam("limit"))


def counted(stmt, params: dict, limit: int = MAX_ROWS) -> tuple[list, int]:
    """The first `limit` rows of a `with_count` select and how many it matches in all, in one
    statement."""
    rows = db.session.execute(stmt, {**params, "limit": limit}).all()
    return rows, (rows[0].total_count if rows else 0)


# Each section's statement is built once, its people and projects bound at each run
# (`expanding` lists): every dashboard and My work page runs them all, and building a
# statement and its cache key cost about as much as running it.
def _ids(name: str):
    return bindparam(name, expanding=True)


@functools.lru_cache(maxsize=1)
def _acceptance_statement():
    # The page first (which items, and how many in all), then only its items' columns and
    # deliverers: joining every item in acceptance to its assignee to show twenty of them took
    # PostgreSQL 2.9 ms with a thousand waiting (the bench's community), this 1.0 ms.
    page = (with_count(select(Item.id, Item.updated_at)
                       .where(Item.project_id.in_(_ids("project_ids")),
                              Item.status == Status.ACCEPTANCE, Item.archived_at.is_(None))
                       .order_by(Item.updated_at, Item.id))
            .subquery("page"))
    return (select(*ITEM_COLUMNS, User.name.label("assignee_name"), page.c.total_count)
            .join(page, page.c.id == Item.id).outerjoin(User, User.id == Item.assignee_id)
            .order_by(page.c.updated_at, page.c.id))


@functools.lru_cache(maxsize=1)
def _assigned_statement():
    inner = select(
        *ITEM_COLUMNS,
        func.row_number().over(partition_by=Item.status,
                               order_by=(Item.updated_at.desc(), Item.id.desc())).label("n"),
        func.count().over(partition_by=Item.status).label("in_status"),
    ).where(Item.assignee_id == bindparam("user_id"), Item.project_id.in_(_ids("project_ids")),
            Item.status != Status.DONE, Item.archived_at.is_(None)).subquery()
    return select(inner).where(inner.c.n <= bindparam("per_status"))


@functools.lru_cache(maxsize=1)
def _needs_statement():
    organisation_id = bindparam("organisation_id")
    # Ours and those we co-sponsor, each through its own index: an OR of the two scanned
    # every need of the projects (20 ms where this takes 1.5 on the bench data).
    ours = union_all(
        select(SUBMITTED_NEED.id).where(SUBMITTED_NEED.organisation_id == organisation_id),
        select(NeedCoSponsor.need_id).where(NeedCoSponsor.organisation_id == organisation_id))
    return with_count(
        select(Need.id, Need.project_id, Need.number, Need.title, Need.status,
               Need.organisation_id)
        .where(Need.project_id.in_(_ids("project_ids")), Need.id.in_(ours),
               Need.archived_at.is_(None))
        .order_by(case((Need.status.in_(OPEN_NEEDS), 0), else_=1), Need.updated_at.desc(),
                  Need.id.desc()))


@functools.lru_cache(maxsize=1)
def _progress_statement():
    done = Item.status == Status.DONE
    return (select(NeedItemLink.need_id, func.count(Item.id),
                   func.coalesce(func.sum(case((done, 1), else_=0)), 0),
                   func.coalesce(func.sum(case((done, Item.estimate), else_=0)), 0),
                   func.coalesce(func.sum(Item.estimate), 0))
            .join(Item, Item.id == NeedItemLink.item_id)
            .where(NeedItemLink.need_id.in_(_ids("need_ids")), Item.archived_at.is_(None))
            .group_by(NeedItemLink.need_id))


@functools.lru_cache(maxsize=1)
def _escalations_statement():
    return with_count(
        select(Need.id, Need.project_id, Need.number, Need.title, Need.status,
               Need.escalated_at, Organisation.name.label("organisation_name"))
        .join(Organisation, Organisation.id == Need.organisation_id)
        .where(Need.project_id.in_(_ids("project_ids")), Need.is_escalated.is_(True),
               Need.archived_at.is_(None))
        .order_by(Need.escalated_at, Need.id))


@functools.lru_cache(maxsize=1)
def _mentions_statement():
    return with_count(
        select(Notification.project_id, Notification.target_kind, Notification.target_number,
               Notification.target_label, Notification.detail,
               User.name.label("actor_name"))
        .outerjoin(User, User.id == Notification.actor_id)
        .where(Notification.recipient_id == bindparam("user_id"),
               Notification.project_id.in_(_ids("project_ids")),
               Notification.kind == Kind.MENTIONED, Notification.read_at.is_(None))
        .order_by(Notification.id.desc()))


# Built once: an alias made per request costs more Python than the statement's database time
# (its columns are adapted anew on first use).
SUBMITTED_NEED = aliased(Need, name="submitted_need")
ITEM_COLUMNS = (Item.id, Item.project_id, Item.number, Item.title, Item.status, Item.estimate,
                Item.is_blocked, Item.updated_at)


def _item_row(scope: WorkScope, row, meta: str = "") -> WorkRow:
    key = scope.key_of(row.project_id)
    return WorkRow(ref=item_key(key, row.number), title=row.title, status=status_label(row.status),
                   url=url_for("backlog.item", key=key, number=row.number),
                   project=scope.projects[row.project_id], meta=meta,
                   is_blocked=row.is_blocked)


def _need_status(status: str) -> str:
    return str(NEED_STATUS_LABELS.get(status, status))


def _project_link(scope: WorkScope, endpoint: str, text: str, **args) -> dict:
    """On a project's overview, a link to the area's fuller list; on /my every row links."""
    if scope.project is None:
        return {}
    return {"link": url_for(endpoint, key=scope.project.key, **args), "link_text": text}


@work_section("acceptance", order=10)
def awaiting_acceptance(scope: WorkScope) -> WorkSection | None:
    """Items in acceptance where I may accept them (a municipality's product owner)."""
    organisation = scope.user.organisation
    ids = sorted(pid for pid, roles in scope.roles.items() if accepts_with(roles, organisation))
    if not ids:
        return None
    rows, count = counted(_acceptance_statement(), {"project_ids": ids}, scope.row_limit)
    return WorkSection(
        title=_("Awaiting my acceptance"), count=count, template="my/_rows.html",
        rows=[_item_row(scope, r, _("Delivered by %(name)s", name=r.assignee_name)
                        if r.assignee_name else "") for r in rows],
        empty=_("Nothing waits for your acceptance. Well done!"),
        **_project_link(scope, "board.index", _("Open the board")))


@work_section("assigned", order=20)
def assigned_to_me(scope: WorkScope) -> WorkSection | None:
    """My open items, by status in board order (the latest changed first in each)."""
    if not scope.projects:
        return None
    per_status = PER_STATUS if scope.project is None else PER_STATUS // 2
    rows = db.session.execute(_assigned_statement(), {
        "user_id": scope.user.id, "project_ids": list(scope.project_ids),
        "per_status": per_status}).all()
    groups = []
    for status in STATUSES:
        mine = sorted((r for r in rows if r.status == status), key=lambda r: r.n)
        if mine:
            groups.append({"status": status_label(status), "count": mine[0].in_status,
                           "rows": [_item_row(scope, r) for r in mine]})
    count = sum(g["count"] for g in groups)
    return WorkSection(
        title=_("Assigned to me"), count=count, rows=groups, template="my/_assigned.html",
        shown=count, empty=_("Nothing is assigned to you right now."),
        **_project_link(scope, "board.index", _("My cards on the board"), mine=1))


@work_section("needs", order=30)
def my_municipality_needs(scope: WorkScope) -> WorkSection | None:
    """Needs my municipality submitted or co-sponsors: open ones first, latest changed first,
    with the progress of the items that serve them."""
    organisation = scope.user.organisation
    if not scope.projects or not organisation.is_municipality:
        return None
    rows, count = counted(_needs_statement(), {"organisation_id": organisation.id,
                                               "project_ids": list(scope.project_ids)},
                          scope.row_limit)
    progress = _progress([r.id for r in rows])
    needs = []
    for r in rows:
        key = scope.key_of(r.project_id)
        needs.append(WorkRow(ref=f"#{r.number}", title=r.title, status=_need_status(r.status),
                             url=url_for("discovery.show", key=key, number=r.number),
                             project=scope.projects[r.project_id], progress=progress.get(r.id),
                             is_ours=r.organisation_id == organisation.id))
    return WorkSection(
        title=_("My municipality's needs"), count=count, template="my/_needs.html", rows=needs,
        empty=_("%(org)s has not submitted or co-sponsored any needs here yet.",
                org=organisation.name),
        **_project_link(scope, "discovery.index", _("All our needs"), ours=1))


def _progress(need_ids: list[int]) -> dict[int, Progress]:
    """Per need: its linked items done of all, and their points done of all (one query)."""
    if not need_ids:
        return {}
    rows = db.session.execute(_progress_statement(), {"need_ids": need_ids})
    return {nid: Progress(int(d), int(t), float(dp), float(p)) for nid, t, d, dp, p in rows}


@work_section("escalations", order=40)
def escalations(scope: WorkScope) -> WorkSection | None:
    """Needs escalated to the steering group where I sit on it, longest waiting first."""
    ids = scope.ids_with(Role.STEERING)
    if not ids:
        return None
    rows, count = counted(_escalations_statement(), {"project_ids": list(ids)}, scope.row_limit)
    needs = [WorkRow(ref=f"#{r.number}", title=r.title, status=_need_status(r.status),
                     url=url_for("discovery.show", key=scope.key_of(r.project_id),
                                 number=r.number),
                     project=scope.projects[r.project_id], meta=r.organisation_name)
             for r in rows]
    return WorkSection(
        title=_("Escalations waiting for my decision"), count=count, template="my/_rows.html",
        rows=needs, empty=_("No escalated needs wait for the steering group."),
        **_project_link(scope, "decisions.index", _("The decision log")))


@work_section("mentions", order=50)
def unread_mentions(scope: WorkScope) -> WorkSection | None:
    """Where someone mentioned me and I have not yet looked, newest first."""
    if not scope.projects:
        return None
    rows, count = counted(_mentions_statement(), {"user_id": scope.user.id,
                                                  "project_ids": list(scope.project_ids)},
                          scope.row_limit)
    return WorkSection(
        title=_("Unread mentions"), count=count, template="my/_rows.html",
        rows=[_mention_row(scope, r) for r in rows],
        empty=_("Nobody has mentioned you since you last looked."),
        link=url_for("notifications.index"), link_text=_("All my notifications"))


def _mention_row(scope: WorkScope, row) -> WorkRow:
    key = scope.key_of(row.project_id)
    ref = item_key(key, row.target_number) if row.target_kind == "item" else \
        f"#{row.target_number}"
    endpoint = TARGET_ENDPOINTS.get(row.target_kind)
    url = url_for(endpoint, key=key, number=row.target_number) if endpoint else \
        url_for("notifications.index")
    # The label is the target's ref and title as they were ("OVB-12 Login"): show the title.
    title = row.target_label.removeprefix(ref).strip() or row.target_label
    by = _("by %(name)s", name=row.actor_name) if row.actor_name else ""
    return WorkRow(ref=ref, title=title, url=url, project=scope.projects[row.project_id],
                   meta=" · ".join(part for part in (by, row.detail) if part))
