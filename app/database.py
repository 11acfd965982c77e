"""The declarative base, its naming convention and column types shared by every area, and the
SQL statement counter that the statement-count tests and the benchmarks share."""
import re
from datetime import datetime, UTC
from decimal import Decimal

from sqlalchemy import DateTime, MetaData, Numeric, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids and numbers in URLs and forms are database integers: a larger number can name nothing, and
# PostgreSQL would answer "integer out of range" (a 500) where the right answer is "not found".
MAX_ID = 2**31 - 1


def parse_int(value, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number from a request, `low` … `high`: ASCII digits only, else None.

    `str.isdigit` also accepts "²" (which `int` refuses: a 500) and other scripts' digits
    (which `int` reads), and `int` refuses more than 4,300 digits; so the digits are checked
    as ASCII and their count bounded by `high` before `int` sees them."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A database id from a form or URL: a positive 32-bit integer in ASCII digits, else None."""
    return parse_int(value, 1, MAX_ID)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


CENT = Decimal("0.01")


class Money(TypeDecorator):
    """An amount in kroner with two decimals (NUMERIC(12, 2)) that always comes back a Decimal.

    PostgreSQL keeps NUMERIC exactly. SQLite has no decimal type: SQLAlchemy would warn on
    every Decimal column there, so SQLite is given floats and the value read back (or summed)
    is rounded to the øre, which is exact for the amounts Samspil allows (below 10^10 kr.)."""

    impl = Numeric(12, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(12, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(12, 2))

    def process_bind_param(self, value, dialect):
        if value is not None and dialect.name == "sqlite":
            return float(value)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(str(value)).quantize(CENT)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def render_migration_item(type_, obj, autogen_context):
    """Write UTCDateTime into migrations as a plain timezone-aware DateTime, Money as NUMERIC."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, Money):
        return "sa.Numeric(12, 2)"
    return False


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the search index out of the models/migrations comparison: the models do not declare
    it because the database maintains it (app/search/schema.py) — PostgreSQL's generated
    `search_vector` columns and their GIN indexes, SQLite's FTS5 tables `search_*` and the
    tables FTS5 keeps beside them."""
    if type_ == "table":
        return not (name or "").startswith("search_")
    if type_ == "column":
        return name != "search_vector"
    if type_ == "index":
        return not (name or "").endswith("_search_vector")
    return True


# SQLite sends BEGIN (IMMEDIATE) through the cursor and PostgreSQL's driver does not; leaving
# transaction control out makes a count the same on both databases.
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "PRAGMA")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)


class StatementCounter:
    """Counts the SQL statements an engine sends while active (`with counter:`, again and again),
    leaving out transaction control. `statements` holds their text; `rows_written` adds up the
    rows each kind of write touched ("UPDATE backlog_item" -> rows), to show what a request
    wrote."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.statements: list[str] = []
        self.rows_written: dict[str, int] = {}

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements.append(statement)

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        match = _WRITE.match(statement)
        if match:
            name = f"{match.group(1).split()[0].upper()} {match.group(2)}"
            self.rows_written[name] = self.rows_written.get(name, 0) + max(cursor.rowcount, 0)

    def __enter__(self) -> "StatementCounter":
        self.statements, self.rows_written = [], {}
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    @property
    def count(self) -> int:
        return len(self.statements)

    def writes(self) -> list[str]:
        """The INSERT, UPDATE and DELETE statements among those counted."""
        return [s for s in self.statements if _WRITE.match(s)]
