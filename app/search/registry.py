"""The kinds of things search finds: each area registers its own (the framework imports none).

A kind names its indexed table and, as SQL expressions over it (and the `joins` that reach a
parent), the project, number, title and status a result shows; `link` and `reference` turn a
result into its address and its key ("OVB-12", "#3") in the area's own words.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from app.search.schema import IndexedTable, register


@dataclass(frozen=True)
class SearchKind:
    name: str
    label: object  # a lazy string: the kind as the filter and the results name it
    index: IndexedTable
    source: object  # the indexed Table (its `id` is the index's rowid)
    project_id: object
    number: object
    title: object
    status: object | None
    statuses: Callable[[], dict] = dict  # status value -> label, for the filter and results
    link: Callable[["object"], str] = str
    reference: Callable[["object"], str] = str
    joins: tuple = field(default=())  # (table, on clause) pairs from the source to its parent
    # When the thing (or the parent it belongs to) was archived: hidden unless asked for.
    archived_at: object | None = None
    order: int = 100


_KINDS: dict[str, SearchKind] = {}


def register_kind(kind: SearchKind) -> SearchKind:
    """Make `kind` searchable from /search (idempotent: apps may be created more than once)."""
    register(kind.index)
    _KINDS[kind.name] = kind
    return kind


def kinds() -> list[SearchKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.name))


def kind(name: str) -> SearchKind | None:
    return _KINDS.get(name)


_key_finders: list[Callable] = []


def register_key_finder(finder: Callable) -> None:
    """`finder(project_ids, key, number)` -> the address of the thing with that key, or None."""
    if finder not in _key_finders:
        _key_finders.append(finder)


def key_finders() -> list[Callable]:
    return list(_key_finders)
