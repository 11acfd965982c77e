"""Read-side queries of requirement discovery: the needs list, a need's page, the roadmap."""
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import (Float, and_, bindparam, exists, false, func, literal, or_, select,
                        union_all)
from sqlalchemy.orm import joinedload, selectinload

from app.backlog.models import Item, Status
from app.discovery import providers
from app.discovery.indexing import NEED_INDEX
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedItemLink, NeedNote, NeedStatus
from app.database import parse_id, parse_int
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.models import ProjectOrganisation
from app.search import list_match

SORTS = ("newest", "cosponsors", "untouched", "score")
MIN_SCORES = ("1", "2", "3", "4", "5")
PER_PAGE = 25


@dataclass
class NeedFilters:
    """The needs list's filters as they appear in the URL (?status=&org=&ours=1&sort=&q=&page=)."""

    status: str = ""
    organisation_id: int | None = None
    ours: bool = False
    sort: str = "newest"
    q: str = ""
    page: int = 1
    archived: bool = False  # the archived needs instead of the list
    min_score: int | None = None  # an evaluation total of at least this (where needs are scored)

    @classmethod
    def from_args(cls, args) -> "NeedFilters":
        """Read the filters leniently: an unknown value means "no filter", never an error."""
        status = args.get("status", "")
        sort = args.get("sort", "newest")
        org = args.get("org", "")
        page = args.get("page", "1")
        return cls(
            status=status if status in set(NeedStatus) else "",
            organisation_id=parse_id(org),
            ours=args.get("ours") == "1",
            sort=sort if sort in SORTS else "newest",
            q=" ".join(args.get("q", "").split())[:200],
            page=min(parse_int(page, 1) or 1, 10_000),
            archived=args.get("archived") == "1",
            min_score=int(args["score"]) if args.get("score") in MIN_SCORES else None,
        )

    def args(self, **overrides) -> dict:
        """The filters as URL arguments (defaults left out), with some values replaced."""
        values = {"status": self.status, "org": self.organisation_id or "",
                  "ours": "1" if self.ours else "", "sort": self.sort, "q": self.q,
                  "page": self.page, "archived": "1" if self.archived else "",
                  "score": self.min_score or "", **overrides}
        defaults = {"sort": "newest", "page": 1}
        return {k: v for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}

    @property
    def is_filtered(self) -> bool:
        return bool(self.status or self.organisation_id or self.ours or self.q or self.archived
                    or self.min_score)


@dataclass
class NeedRow:
    need: Need
    organisation_name: str
    cosponsor_count: int
    item_count: int = 0  # backlog items linked to the need
    done_count: int = 0  # of which done
    evaluation: float | None = None  # the evaluation total, where an area scores needs


@dataclass
class NeedPage:
    rows: list[NeedRow]
    total: int
    page: int
    per_page: int = PER_PAGE
    filters: NeedFilters = field(default_factory=NeedFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _counted_columns():
    """A need's co-sponsor count, linked items and done items, counted for each need the
    enclosing query returns (correlated: a page of 25 reads 25 needs' rows, not the
    project's)."""
    cosponsors = (select(func.count()).where(NeedCoSponsor.need_id == Need.id)
                  .correlate(Need).scalar_subquery())
    linked = (select(func.count()).select_from(NeedItemLink)
              .join(Item, Item.id == NeedItemLink.item_id)
              .where(NeedItemLink.need_id == Need.id, Item.archived_at.is_(None)))
    done = linked.where(Item.status == Status.DONE)
    return (cosponsors, linked.correlate(Need).scalar_subquery(),
            done.correlate(Need).scalar_subquery())


class _Shape(NamedTuple):
    """What of the filters changes the list's statement (their values are bound at each run):
    the statement of each shape is built once, but for a search, whose words shape it."""

    archived: bool
    status: bool
    organisation_id: bool
    ours: bool
    min_score: bool
    sort: str


def _shape(filters: NeedFilters) -> _Shape:
    return _Shape(filters.archived, bool(filters.status), bool(filters.organisation_id),
                  filters.ours, bool(filters.min_score), filters.sort)


def _values(project, filters: NeedFilters, my_organisation_id: int | None) -> dict:
    """The values of the bound parameters of `_chosen` and `_rows`."""
    return {"project_id": project.id, "status": filters.status,
            "organisation_id": filters.organisation_id,
            "my_organisation_id": my_organisation_id, "min_score": filters.min_score}


def _totals():
    return providers.evaluation.totals_subquery(bindparam("project_id"))


def _chosen(filters: NeedFilters | _Shape, totals, q: str = ""):
    """The ids of the needs the filters choose, and the sort's order: the evaluation totals
    are joined only where the filter or the sort reads them. The filters' values are bound
    parameters (`_values`); a search's words are part of the statement."""
    cosponsors = _counted_columns()[0]
    total = totals.c.total if totals is not None else literal(None, Float)
    stmt = select(Need.id).where(Need.project_id == bindparam("project_id"),
                                 Need.archived_at.is_not(None) if filters.archived
                                 else Need.archived_at.is_(None))
    if filters.status:
        stmt = stmt.where(Need.status == bindparam("status"))
    if filters.organisation_id:
        stmt = stmt.where(Need.organisation_id == bindparam("organisation_id"))
    if filters.ours:
        stmt = stmt.where(exists().where(
            NeedCoSponsor.need_id == Need.id,
            NeedCoSponsor.organisation_id == bindparam("my_organisation_id")))
    if totals is not None and (filters.min_score or filters.sort == "score"):
        stmt = stmt.outerjoin(totals, totals.c.need_id == Need.id)
        if filters.min_score:
            stmt = stmt.where(total >= bindparam("min_score"))
    if q:
        match = list_match(NEED_INDEX, Need.id, q)
        stmt = stmt.where(match if match is not None else false())
    order = {
        "newest": (Need.created_at.desc(), Need.number.desc()),
        "cosponsors": (cosponsors.desc(), Need.created_at.desc(), Need.number.desc()),
        "untouched": (Need.updated_at.asc(), Need.number.asc()),
        # Scored needs first, highest total first; unscored ones after, newest first.
        "score": (total.is_(None), total.desc(), Need.created_at.desc(), Need.number.desc()),
    }[filters.sort]
    return stmt, order


def _rows(totals):
    """(need, municipality name, co-sponsor count, linked items, of which done, evaluation
    total) for the needs the enclosing query chooses."""
    total = totals.c.total if totals is not None else literal(None, Float)
    stmt = (select(Need, Organisation.name, *_counted_columns(), total)
            .join(Organisation, Organisation.id == Need.organisation_id))
    if totals is not None:
        stmt = stmt.outerjoin(totals, totals.c.need_id == Need.id)
    return stmt


def needs_query(project, filters: NeedFilters, my_organisation_id: int | None):
    """Every need of the list under its filters and sort (the CSV export), as rows of (need,
    municipality name, co-sponsor count, linked item count, of which done, evaluation total)."""
    totals = _totals()
    chosen, order = _chosen(filters, totals, filters.q)
    return (_rows(totals).where(Need.id.in_(chosen.correlate(None))).order_by(*order)
            .params(_values(project, filters, my_organisation_id)))


def evaluates_needs(project) -> bool:
    """Whether an area scores needs (the list then shows, sorts and filters by the total)."""
    return providers.evaluation.evaluates


def list_needs(project, filters: NeedFilters, my_organisation_id: int | None) -> NeedPage:
    """One page of the project's needs with their municipality, co-sponsor count and linked
    items' progress, in one statement. The page is chosen first, from the ids and sort keys
    alone (an index answers the newest first without reading the needs' texts), with the
    total from a window function; only its 25 needs are then read and counted."""
    stmt = (_page_statement(filters, filters.q) if filters.q
            else _kept_page_statement(_shape(filters), providers.evaluation.totals_subquery))
    result = db.session.execute(stmt, {**_values(project, filters, my_organisation_id),
                                       "limit": PER_PAGE,
                                       "offset": (filters.page - 1) * PER_PAGE}).all()
    total = result[0][6] if result else 0
    rows = [NeedRow(need, org_name, count, items, done, score)
            for need, org_name, count, items, done, score, _total in result]
    return NeedPage(rows=rows, total=total, page=filters.page, per_page=PER_PAGE, filters=filters)


def _page_statement(filters: NeedFilters | _Shape, q: str = ""):
    totals = _totals()
    chosen, order = _chosen(filters, totals, q)
    page = (chosen.add_columns(func.row_number().over(order_by=order).label("position"),
                               func.count().over().label("total"))
            .order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
            .subquery())
    return (_rows(totals).add_columns(page.c.total).join(page, page.c.id == Need.id)
            .order_by(page.c.position))


@functools.lru_cache(maxsize=128)
def _kept_page_statement(shape: _Shape, _totals_source):
    """The list's statement for filters of this shape, built once: building it (and its cache
    key) cost more than the database's work for a page of 25. (`_totals_source`, the
    evaluation's, is part of the key: an app without the rounds area has no totals.)"""
    return _page_statement(shape)


def _municipalities_of(project, *columns):
    return (select(*columns).join(ProjectOrganisation,
                                  ProjectOrganisation.organisation_id == Organisation.id)
            .where(ProjectOrganisation.project_id == project.id,
                   Organisation.kind == "municipality")
            .order_by(Organisation.name))


def participating_municipalities(project) -> list[Organisation]:
    """The municipalities taking part in the project, by name (the list's municipality filter,
    the releases' testers, the value pages)."""
    return list(db.session.scalars(_municipalities_of(project, Organisation)))


def participating_municipality_rows(project) -> list:
    """The same as (id, name) rows: the steering digest lists every municipality, and a
    project of eighty of them builds no object for each."""
    return db.session.execute(_municipalities_of(project, Organisation.id,
                                                 Organisation.name)).all()


def need_by_number(project, number: int) -> Need | None:
    """The project's need by number, with its municipality (every page of a need names it)."""
    return db.session.scalar(_need_statement(), {"project_id": project.id, "number": number})


def cosponsors_of(need: Need) -> list[NeedCoSponsor]:
    """The need's co-sponsors with their organisation and the person who signed up, oldest first."""
    return list(db.session.scalars(_cosponsors_statement(), {"need_id": need.id}))


def notes_of(need: Need) -> list[NeedNote]:
    """The discovery log, newest first."""
    return list(db.session.scalars(_notes_statement(), {"need_id": need.id}))


def history_of(need: Need) -> list[NeedChange]:
    """The need's history, newest first."""
    return list(db.session.scalars(_history_statement(), {"need_id": need.id}))


# The statements of a need's page are built once, with the need bound at each run: building a
# statement and its cache key cost about as much as running it.
@functools.lru_cache(maxsize=1)
def _need_statement():
    return (select(Need).where(Need.project_id == bindparam("project_id"),
                               Need.number == bindparam("number"))
            .options(joinedload(Need.organisation)))


@functools.lru_cache(maxsize=1)
def _cosponsors_statement():
    return (select(NeedCoSponsor).where(NeedCoSponsor.need_id == bindparam("need_id"))
            # Joined, not loaded apart: one statement where three were (both are many-to-one).
            .options(joinedload(NeedCoSponsor.organisation), joinedload(NeedCoSponsor.created_by))
            .order_by(NeedCoSponsor.created_at, NeedCoSponsor.id))


@functools.lru_cache(maxsize=1)
def _notes_statement():
    return (select(NeedNote).where(NeedNote.need_id == bindparam("need_id"))
            .options(joinedload(NeedNote.author))
            .order_by(NeedNote.occurred_on.desc(), NeedNote.created_at.desc(),
                      NeedNote.id.desc()))


@functools.lru_cache(maxsize=1)
def _history_statement():
    return (select(NeedChange).where(NeedChange.need_id == bindparam("need_id"))
            .options(joinedload(NeedChange.actor))
            .order_by(NeedChange.created_at.desc(), NeedChange.id.desc()))


ROADMAP_STATUSES = (NeedStatus.PLANNED, NeedStatus.DELIVERED)
# The public roadmap shows the newest few of each section (a community's roadmap holds
# hundreds of needs: rendering all of them took 96–150 ms, issue 27), each section's whole
# list a page at a time; the feed, the newest entries.
ROADMAP_SECTION = 15
ROADMAP_PER_PAGE = 25
FEED_ENTRIES = 50
ROADMAP_SECTIONS = (NeedStatus.PLANNED, NeedStatus.DELIVERED, NeedStatus.DECLINED)


def _on_roadmap(project) -> tuple:
    """What the public may see: planned and delivered needs, and declined needs whose
    rationale was marked public."""
    return (Need.project_id == project.id, Need.archived_at.is_(None),
            or_(Need.status.in_(ROADMAP_STATUSES),
                and_(Need.status == NeedStatus.DECLINED, Need.is_rationale_public.is_(True))))


def _in_section(project, status: str) -> tuple:
    """The needs of one roadmap section (ix_need_roadmap finds them newest first)."""
    conditions = (Need.project_id == project.id, Need.archived_at.is_(None),
                  Need.status == status)
    if status == NeedStatus.DECLINED:
        conditions += (Need.is_rationale_public.is_(True),)
    return conditions


def _roadmap_loads() -> tuple:
    # Only the names the roadmap prints: of the submitting and co-sponsoring organisations
    # (the co-sponsors' joined to them: one statement where a third followed).
    return (selectinload(Need.organisation).load_only(Organisation.name),
            selectinload(Need.cosponsors).load_only(NeedCoSponsor.organisation_id)
            .joinedload(NeedCoSponsor.organisation, innerjoin=True).load_only(Organisation.name))


NEWEST_FIRST = (Need.status_changed_at.desc(), Need.number.desc())


def _newest_of_each_section(project, limit: int):
    """The ids of the newest `limit` needs of each section: each an index range scan that
    stops after `limit` rows, where one query over all sections read every roadmap need
    (and its wide row) to sort them."""
    return union_all(*(
        select(newest.c.id) for newest in (
            select(Need.id).where(*_in_section(project, status)).order_by(*NEWEST_FIRST)
            .limit(limit).subquery() for status in ROADMAP_SECTIONS))).subquery()


def roadmap_needs(project, limit: int | None = None) -> list[Need]:
    """The needs on the public roadmap, newest status change first (the first `limit`)."""
    stmt = select(Need).options(*_roadmap_loads()).order_by(*NEWEST_FIRST)
    if limit is None:
        return list(db.session.scalars(stmt.where(*_on_roadmap(project))))
    newest = _newest_of_each_section(project, limit)
    return list(db.session.scalars(stmt.join(newest, newest.c.id == Need.id).limit(limit)))


@dataclass
class RoadmapSection:
    """A section of the roadmap (planned, delivered, declined): the needs shown, newest
    first, and how many it holds in all."""

    status: str
    needs: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = ROADMAP_SECTION

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.needs))


def roadmap_sections(project, per_section: int = ROADMAP_SECTION) -> dict[str, RoadmapSection]:
    """The newest `per_section` needs of each section and each section's size, in one
    statement (and the loads of the names); the sizes are counted from the index alone."""
    newest = _newest_of_each_section(project, per_section)
    totals = (select(Need.status, func.count().label("total")).where(*_on_roadmap(project))
              .group_by(Need.status).subquery())
    rows = db.session.execute(
        select(Need, totals.c.total).join(newest, newest.c.id == Need.id)
        .join(totals, totals.c.status == Need.status)
        .options(*_roadmap_loads()).order_by(*NEWEST_FIRST)).all()
    sections = {status: RoadmapSection(str(status)) for status in ROADMAP_SECTIONS}
    for need, total in rows:
        section = sections[need.status]
        section.needs.append(need)
        section.total = total
    return sections


def roadmap_section_page(project, status: str, page: int = 1,
                         per_page: int = ROADMAP_PER_PAGE) -> RoadmapSection:
    """One section's needs a page at a time, newest first (a page beyond the last shows the
    last)."""
    stmt = (select(Need, func.count().over()).where(*_in_section(project, status))
            .options(*_roadmap_loads()).order_by(*NEWEST_FIRST))
    total = None
    while True:
        rows = db.session.execute(stmt.offset((page - 1) * per_page).limit(per_page)).all()
        if rows or page == 1 or total is not None:
            break
        total = db.session.scalar(select(func.count(Need.id))
                                  .where(*_in_section(project, status)))
        page = max(1, -(-total // per_page))
    return RoadmapSection(status, [row[0] for row in rows], rows[0][1] if rows else 0,
                          page, per_page)


def escalated_needs(project) -> list[Need]:
    """The steering group's "for decision" queue: escalated needs, longest waiting first."""
    return list(db.session.scalars(
        select(Need).where(Need.project_id == project.id, Need.is_escalated.is_(True),
                           Need.archived_at.is_(None))
        .options(selectinload(Need.organisation))
        .order_by(Need.escalated_at, Need.number)))


def linked_items(need: Need) -> list[Item]:
    """The backlog items serving the need, in backlog rank order, with what their rows show
    (acceptance by whom, and the sprint once the sprints area gives items one)."""
    return list(db.session.scalars(_linked_items_statement(), {"need_id": need.id}))


@functools.lru_cache(maxsize=1)
def _linked_items_statement():
    options = [selectinload(Item.accepted_by), selectinload(Item.rejected_by)]
    if hasattr(Item, "sprint"):
        options.append(selectinload(Item.sprint))
    return (select(Item).join(NeedItemLink, NeedItemLink.item_id == Item.id)
            .where(NeedItemLink.need_id == bindparam("need_id")).options(*options)
            .order_by(Item.rank))


MAX_ITEM_CHOICES = 300


def linkable_items(need: Need) -> list[tuple[int, str]]:
    """(number, title) of the project's unfinished items not yet serving the need, in rank
    order: the suggestions of the "link an item" field (any item can still be typed)."""
    return [tuple(row) for row in db.session.execute(
        _linkable_statement(), {"need_id": need.id, "project_id": need.project_id})]


@functools.lru_cache(maxsize=1)
def _linkable_statement():
    linked = select(NeedItemLink.item_id).where(NeedItemLink.need_id == bindparam("need_id"))
    return (select(Item.number, Item.title)
            .where(Item.project_id == bindparam("project_id"), Item.status != Status.DONE,
                   Item.archived_at.is_(None), Item.id.not_in(linked))
            .order_by(Item.rank).limit(MAX_ITEM_CHOICES))
