"""Search everything I may see: items, comments, needs, discovery notes and decisions of every
project the person is a member of, at /search and in the lists' own search boxes.

Areas register what they index (`register_kind`, `register_key_finder`); this package never
imports an area. The index lives in the database and is kept in step by it (`schema`).

What a query means (`syntax`): words must all occur; "a phrase" in quotes; -word excludes;
`or` between two words accepts either. Danish inflections are found on both databases:

- PostgreSQL: `websearch_to_tsquery('danish', q)` against generated `tsvector` columns with GIN
  indexes; ranking by `ts_rank` (titles weigh more), snippets by `ts_headline`. Words match
  whole (after stemming: "beredskabsplaner" finds "beredskabsplan"), not as prefixes.
- SQLite (development): FTS5 has no Danish stemmer, so each word is stemmed in Python with the
  same Snowball algorithm (PyPI `snowballstemmer`) and searched for as a prefix of that stem
  (`"beredskabsplan"*`): inflections are found, and so are longer compounds that begin with the
  stem ("plan" also finds "planlægning"), which PostgreSQL does not. Phrases match exactly,
  unstemmed. Ranking is FTS5's bm25 (no title weight); snippets come from FTS5 `snippet()`.
- The lists' own search boxes (backlog, needs, decisions) use the same index but match every
  word as a prefix on both databases, so the list narrows as one types ("leverand" finds
  "leverandør"); the backlog also finds an item by its key or number.
- Site administrators search only the projects they are members of (see
  `queries.visible_projects`).
"""
from app.search.queries import text_match
from app.search.registry import SearchKind, register_key_finder, register_kind
from app.search.schema import IndexedTable
from app.search.syntax import ParsedQuery, QueryProblem, parse

__all__ = ["IndexedTable", "ParsedQuery", "QueryProblem", "SearchKind", "list_match", "parse",
           "register_key_finder", "register_kind", "text_match"]


def list_match(spec: IndexedTable, id_column, text: str):
    """The condition a list's search box adds for `text`, or None when it has no word to look
    for (such a box then shows the whole list, as before)."""
    try:
        return text_match(spec, id_column, parse(text))
    except QueryProblem:
        return None


def init_app(app) -> None:
    """Register the search page."""
    from app.search.routes import bp

    app.register_blueprint(bp)
