"""The search index's database objects, kept in step by the database itself.

PostgreSQL: a `search_vector tsvector` column GENERATED ALWAYS from the indexed columns with
the `danish` configuration (the title weighted A, the texts B) and a GIN index on it.
SQLite: an external-content FTS5 table `search_<table>` whose rowid is the row's id, and three
triggers (after insert, delete, and update of the indexed columns) that keep it in step.

The models do not declare these objects: `app.database.include_in_migrations` leaves them out
of the models/migrations comparison, and `install` runs after `create_all` (tests) as well as
from the migration. A later *batch* migration of an indexed table on SQLite rebuilds the table
and loses its triggers: such a migration must call `install` for that table again.
"""
from dataclasses import dataclass

from sqlalchemy import event, text

from app.extensions import db

VECTOR = "search_vector"
CONFIGURATION = "danish"
TOKENIZER = "unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class IndexedTable:
    """A table whose `title` (may be None) and `texts` columns are searchable by its `id`."""

    table: str
    title: str | None
    texts: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return ((self.title,) if self.title else ()) + self.texts

    @property
    def fts(self) -> str:
        return f"search_{self.table}"


_INDEXED: dict[str, IndexedTable] = {}


def register(spec: IndexedTable) -> IndexedTable:
    """Index this table when the schema is created by `create_all` (migrations call `install`)."""
    _INDEXED[spec.table] = spec
    return spec


def _vector(spec: IndexedTable) -> str:
    parts = []
    if spec.title:
        parts.append(f"setweight(to_tsvector('{CONFIGURATION}', coalesce({spec.title}, '')), 'A')")
    if spec.texts:
        joined = " || ' ' || ".join(f"coalesce({c}, '')" for c in spec.texts)
        parts.append(f"setweight(to_tsvector('{CONFIGURATION}', {joined}), 'B')")
    return " || ".join(parts)


def create_statements(dialect: str, spec: IndexedTable) -> list[str]:
    """The DDL that creates and fills the table's index (names are ours, never user input)."""
    t = spec.table
    if dialect == "postgresql":
        return [f"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {VECTOR} tsvector "
                f"GENERATED ALWAYS AS ({_vector(spec)}) STORED",
                f"CREATE INDEX IF NOT EXISTS ix_{t}_{VECTOR} ON {t} USING gin ({VECTOR})"]
    fts, cols = spec.fts, ", ".join(spec.columns)
    new = ", ".join(f"new.{c}" for c in spec.columns)
    old = ", ".join(f"old.{c}" for c in spec.columns)
    forget = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    remember = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{t}', "
        f"content_rowid='id', tokenize='{TOKENIZER}')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {t} BEGIN {remember} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {t} BEGIN {forget} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {t} "
        f"BEGIN {forget} {remember} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(dialect: str, spec: IndexedTable) -> list[str]:
    t = spec.table
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS ix_{t}_{VECTOR}",
                f"ALTER TABLE {t} DROP COLUMN IF EXISTS {VECTOR}"]
    return [*(f"DROP TRIGGER IF EXISTS {spec.fts}_{s}" for s in ("ai", "ad", "au")),
            f"DROP TABLE IF EXISTS {spec.fts}"]


def install(connection, specs) -> None:
    """Create (or re-create the triggers of) and fill the index of each table in `specs`."""
    for spec in specs:
        for statement in create_statements(connection.dialect.name, spec):
            connection.execute(text(statement))


def uninstall(connection, specs) -> None:
    for spec in specs:
        for statement in drop_statements(connection.dialect.name, spec):
            connection.execute(text(statement))


@event.listens_for(db.metadata, "after_create")
def _after_create_all(metadata, connection, **kw) -> None:
    install(connection, [s for s in _INDEXED.values() if s.table in metadata.tables])


@event.listens_for(db.metadata, "before_drop")
def _before_drop_all(metadata, connection, **kw) -> None:
    if connection.dialect.name == "sqlite":  # the FTS tables are not in the metadata
        uninstall(connection, list(_INDEXED.values()))
