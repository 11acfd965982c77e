"""Reading the search index: one statement for a page of results across every kind and every
project the person is a member of, and the condition the lists' own search boxes add.

PostgreSQL ranks with `ts_rank` over `websearch_to_tsquery('danish', …)` and cuts snippets with
`ts_headline` on the page's rows only; SQLite ranks with FTS5's bm25 and cuts them with
`snippet()`. Highlights come back between two control characters (which `syntax.clean` keeps
out of queries, and which `snippets.render` turns into <mark> after escaping everything else).
"""
from dataclasses import dataclass, field

from sqlalchemy import func, literal, literal_column, null, select, union_all
from sqlalchemy.sql import column as sql_column, table as sql_table

from app.extensions import db
from app.projects.models import Membership, Project
from app.search import registry, syntax
from app.search.schema import CONFIGURATION, VECTOR, IndexedTable

PER_PAGE = 20
MAX_PAGE = 500
START, STOP = "\x02", "\x03"
_HEADLINE = (f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
             "FragmentDelimiter=\" … \"")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _fts(spec: IndexedTable):
    return sql_table(spec.fts, sql_column("rowid"), sql_column("rank"))


def _vector(spec: IndexedTable):
    return literal_column(f"{spec.table}.{VECTOR}")


def _word_query(term: syntax.Term):
    if term.is_phrase:
        return func.phraseto_tsquery(CONFIGURATION, " ".join(term.words))
    # The word (\w+ only) is quoted by the database as a lexeme, then stemmed and made a prefix.
    return func.to_tsquery(CONFIGURATION, func.quote_literal(term.words[0]).concat(":*"))


def _prefix_tsquery(query: syntax.ParsedQuery):
    """The parsed query as a tsquery of stemmed prefixes, built from tsquery functions."""
    combined = None
    for group in query.groups:
        alternatives = None
        for term in group:
            q = _word_query(term)
            alternatives = q if alternatives is None else func.tsquery_or(alternatives, q)
        combined = alternatives if combined is None else func.tsquery_and(combined, alternatives)
    for term in query.excluded:
        combined = func.tsquery_and(combined, func.tsquery_not(_word_query(term)))
    return combined


def _tsquery(query: syntax.ParsedQuery, prefix: bool):
    if prefix:
        return _prefix_tsquery(query)
    return func.websearch_to_tsquery(literal_column(f"'{CONFIGURATION}'::regconfig"), query.text)


def text_match(spec: IndexedTable, id_column, query: syntax.ParsedQuery):
    """A condition on `id_column` (the indexed table's id): the row matches `query`, each word
    also as the beginning of a longer one (a list's search box narrows as one types)."""
    if _dialect() == "postgresql":
        return _vector(spec).op("@@")(_tsquery(query, prefix=True))
    fts = _fts(spec)
    return id_column.in_(select(fts.c.rowid).where(
        literal_column(spec.fts).op("MATCH")(syntax.fts5_expression(query))))


@dataclass
class SearchFilters:
    """The search as it stands in the URL: ?q=&project=&kind=&status=&page=."""

    q: str = ""
    project: str = ""
    kind: str = ""
    status: str = ""
    page: int = 1
    archived: bool = False  # archived things too
    invalid: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args, projects: list[Project]) -> "SearchFilters":
        f = cls(q=syntax.clean(args.get("q", ""))[:syntax.MAX_LENGTH * 2])
        keys = {p.key for p in projects}
        f.project = _allowed(args.get("project", ""), keys, f, "project")
        f.kind = _allowed(args.get("kind", ""), {k.name for k in registry.kinds()}, f, "kind")
        f.status = _allowed(args.get("status", ""), set(status_choices()), f, "status")
        f.archived = args.get("archived", "") == "1"
        page = args.get("page", "1")
        f.page = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 4 else 0
        if not 1 <= f.page <= MAX_PAGE:
            f.invalid.append("page")
            f.page = 1
        return f

    def as_args(self, **changes) -> dict:
        args = {"q": self.q, "project": self.project, "kind": self.kind, "status": self.status,
                "archived": "1" if self.archived else None,
                "page": self.page if self.page > 1 else None, **changes}
        return {k: v for k, v in args.items() if v}


def _allowed(value: str, allowed: set, f: SearchFilters, name: str) -> str:
    if value and value not in allowed:
        f.invalid.append(name)
        return ""
    return value


def status_choices() -> dict:
    """Every kind's statuses, value -> label (the same value in two kinds is one choice)."""
    choices = {}
    for kind in registry.kinds():
        for value, label in kind.statuses().items():
            choices.setdefault(value, label)
    return choices


def visible_projects(user) -> list[Project]:
    """The projects whose contents the user may search: those they are a member of.

    Site administrators too search only their own projects: they may open any project to
    administer it, but search is for the work one takes part in, and a result from a project
    one has no role in would be as surprising as it is revealing."""
    return list(db.session.scalars(
        select(Project).join(Membership, Membership.project_id == Project.id)
        .where(Membership.user_id == user.id).order_by(Project.name)))


@dataclass
class Hit:
    kind: registry.SearchKind
    ref_id: int
    project: Project
    number: int | None
    title: str
    status: str | None
    snippet: str
    is_archived: bool = False

    @property
    def url(self) -> str:
        return self.kind.link(self)

    @property
    def reference(self) -> str:
        return self.kind.reference(self)

    @property
    def status_label(self) -> str:
        return str(self.kind.statuses().get(self.status, self.status or ""))


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def _branch(kind: registry.SearchKind, query: syntax.ParsedQuery, project_ids, status: str,
            postgres: bool, archived: bool = False):
    source = kind.source
    if postgres:
        vector, tsq = _vector(kind.index), _tsquery(query, prefix=False)
        rank = -func.ts_rank(vector, tsq)
        texts = kind.index.texts or (kind.index.title,)
        body = func.concat_ws(" … ", *(source.c[name] for name in texts))
        match = vector.op("@@")(tsq)
    else:
        fts = _fts(kind.index)
        # bm25 with the title weighing most, as setweight does on PostgreSQL.
        weights = ([10.0] if kind.index.title else []) + [1.0] * len(kind.index.texts)
        rank = func.bm25(literal_column(kind.index.fts), *weights)
        body = func.snippet(literal_column(kind.index.fts), -1, START, STOP, "…", 24)
        match = literal_column(kind.index.fts).op("MATCH")(syntax.fts5_expression(query))
    stmt = select(literal(kind.name).label("kind"), source.c.id.label("ref_id"),
                  kind.project_id.label("project_id"), kind.number.label("number"),
                  kind.title.label("title"),
                  (kind.status if kind.status is not None else null()).label("status"),
                  rank.label("rank"), body.label("body"),
                  (kind.archived_at.is_not(None) if kind.archived_at is not None
                   else literal(False)).label("archived")).select_from(source)
    if not postgres:
        stmt = stmt.join(fts, fts.c.rowid == source.c.id)
    for parent, on in kind.joins:
        stmt = stmt.join(parent, on)
    stmt = stmt.where(match, kind.project_id.in_(project_ids))
    if status:
        stmt = stmt.where(kind.status == status)
    if kind.archived_at is not None and not archived:
        stmt = stmt.where(kind.archived_at.is_(None))
    return stmt


def search(query: syntax.ParsedQuery, projects: list[Project], filters: SearchFilters
           ) -> SearchPage:
    """A page of what matches `query` in `projects`, best first, with highlighted snippets."""
    by_id = {p.id: p for p in projects if not filters.project or p.key == filters.project}
    chosen = [k for k in registry.kinds() if not filters.kind or k.name == filters.kind]
    if filters.status:
        chosen = [k for k in chosen if k.status is not None and filters.status in k.statuses()]
    if not by_id or not chosen:
        return SearchPage([], 0, filters.page)
    postgres = _dialect() == "postgresql"
    found = union_all(*(_branch(k, query, list(by_id), filters.status, postgres,
                                filters.archived)
                        for k in chosen)).subquery("found")
    page = (select(found, func.count().over().label("total"))
            .order_by(found.c.rank, found.c.kind, found.c.ref_id)
            .limit(PER_PAGE).offset((filters.page - 1) * PER_PAGE).subquery("page"))
    snippet = (func.ts_headline(literal_column(f"'{CONFIGURATION}'::regconfig"), page.c.body,
                                _tsquery(query, prefix=False), _HEADLINE)
               if postgres else page.c.body)
    rows = db.session.execute(
        select(page.c.kind, page.c.ref_id, page.c.project_id, page.c.number, page.c.title,
               page.c.status, snippet, page.c.archived, page.c.total)
        .order_by(page.c.rank, page.c.kind, page.c.ref_id)).all()
    hits = [Hit(registry.kind(k), ref_id, by_id[project_id], number, title, status, snip or "",
                bool(archived))
            for k, ref_id, project_id, number, title, status, snip, archived, _total in rows]
    return SearchPage(hits, rows[0].total if rows else 0, filters.page)


def find_by_key(text: str, projects: list[Project]) -> str | None:
    """The address of the thing whose key ("OVB-12") is the whole query, if the person may
    see it; None otherwise (then it is searched for like any other text)."""
    key, _, number = text.strip().upper().rpartition("-")
    if not (number.isascii() and number.isdigit()) or len(number) > 9:
        return None
    project = next((p for p in projects if p.key == key), None)
    if project is None:
        return None
    for finder in registry.key_finders():
        url = finder(project, int(number))
        if url:
            return url
    return None
