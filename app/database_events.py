"""Session and engine events: which requests have committed, how a request's transaction
ends, and per dialect set-up (SQLite gets WAL, a busy timeout and write transactions that lock
early)."""
import contextlib
import re
from collections.abc import Sequence

import psycopg
from flask import Flask, g, has_app_context, has_request_context, request
from psycopg.pq import ExecStatus
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.database import TRANSACTION_CONTROL
from app.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Session, "after_commit")
def _note_commit(_session) -> None:
    # An error after this point must not tell the person that nothing was saved.
    if has_request_context():
        g.request_committed = True


def request_committed() -> bool:
    """Has this request committed a transaction (so some change of it may be saved)?"""
    return bool(g.get("request_committed"))


READING = ("SELECT", *TRANSACTION_CONTROL)
# A statement with a common table expression ("WITH … SELECT", as the board's cards) reads,
# unless a write is part of it ("WITH … UPDATE", or a data-modifying expression).
_WRITE_IN_WITH = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|MERGE\s+INTO)\b",
                            re.IGNORECASE)


def _writes(statement: str) -> bool:
    head = statement.lstrip()[:9].upper()
    if head.startswith("WITH"):
        return _WRITE_IN_WITH.search(statement) is not None
    return not head.startswith(READING)


def _note_statement(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    # Anything but a read (or BEGIN, a savepoint …) may have changed something.
    if has_app_context() and _writes(statement):
        g.database_written = True


def _transaction_ended(_conn) -> None:
    # What was written is now saved or undone: the next transaction starts with no writes.
    if has_app_context():
        g.pop("database_written", None)


# psycopg prepares a statement on its PREPARE_AFTER-th run on a connection and keeps the
# PREPARED_MOST last used (its defaults, 5 and 100, fall short of the few hundred distinct
# statements a worker's pages send: each was planned again and again).
PREPARE_AFTER = 2
PREPARED_MOST = 400


def _keep_more_prepared_statements(dbapi_connection, _record) -> None:
    dbapi_connection.prepare_threshold = PREPARE_AFTER
    dbapi_connection.prepared_max = PREPARED_MOST


class _ResultColumns(Sequence):
    """A result's `cursor.description` (PEP 249: a sequence of 7-item sequences), its columns
    described when first read. psycopg describes every column of every result anew (names
    decoded, types looked up) and SQLAlchemy asks for the description of each, but reads it
    only the first time it runs a statement: after that it keeps what it learnt with the
    compiled statement and only asks whether there is one. Describing them was 3% of a page's
    instructions (callgrind, over the bench's mix of pages)."""

    __slots__ = ("_columns", "_result")

    def __init__(self, cursor: psycopg.Cursor, result):
        self._result = _DescribedResult(result, cursor._encoding, cursor.adapters)
        self._columns = None

    def _described(self) -> list:
        if self._columns is None:
            columns = self._result
            self._columns = [psycopg.Column(columns, i)
                             for i in range(columns.pgresult.nfields)]
        return self._columns

    def __len__(self) -> int:
        return self._result.pgresult.nfields

    def __getitem__(self, index):
        return self._described()[index]


class _DescribedResult:
    """What psycopg's Column reads of its cursor, kept for the result it describes (the cursor
    may have moved on to another by the time the columns are read)."""

    __slots__ = ("_encoding", "adapters", "pgresult")

    def __init__(self, pgresult, encoding, adapters):
        self.pgresult, self._encoding, self.adapters = pgresult, encoding, adapters


_RETURNS_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class DescribedWhenReadCursor(psycopg.Cursor):
    """psycopg's cursor, whose result's columns are described only when read."""

    @property
    def description(self):
        result = self.pgresult
        if result is not None and (result.nfields or result.status in _RETURNS_ROWS):
            return _ResultColumns(self, result)
        return None


def _describe_columns_when_read(dbapi_connection, _record) -> None:
    dbapi_connection.cursor_factory = DescribedWhenReadCursor


# Statements that change data, not the schema: a transaction of only these (and of
# transaction control) leaves every prepared statement as valid as it was.
_DATA_STATEMENTS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "LOCK", "SET",
                    "SHOW", *TRANSACTION_CONTROL)


def _keep_nothing() -> bool:
    return False


class KeepsPreparedConnection(psycopg.Connection):
    """psycopg's connection, keeping its prepared statements over a rollback.

    PostgreSQL keeps a session's prepared statements whatever becomes of the transaction, but
    psycopg drops them all at a rollback (DEALLOCATE ALL), in case the transaction created a
    table that a statement was prepared on. Here every refusal (a rule a change breaks, a
    stale version) rolls back, and each one made its worker plan every statement of the
    pages after it again, seven times over before the generic plan came back: in a load where
    moves were refused, planning was more than half of PostgreSQL's time. So a transaction
    that changed only data keeps them; one that ran anything else (CREATE, DROP, ALTER, … as
    the tests and migrations do) still drops them at its rollback (`schema_touched`)."""

    schema_touched = False

    def rollback(self) -> None:
        if self.schema_touched:
            self.schema_touched = False
            return super().rollback()
        manager = self._prepared
        manager.clear = _keep_nothing  # psycopg's rollback asks its statements to be cleared
        try:
            super().rollback()
        finally:
            del manager.clear

    def commit(self) -> None:
        super().commit()
        self.schema_touched = False


def _connect_keeping_prepared(_dialect, _record, cargs, cparams):
    return KeepsPreparedConnection.connect(*cargs, **cparams)


def _note_schema_statement(conn, _cursor, statement, _parameters, _context,
                           _executemany) -> None:
    if not statement.lstrip()[:11].upper().startswith(_DATA_STATEMENTS):
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, KeepsPreparedConnection):
            dbapi_connection.schema_touched = True


def _prepare_nothing(dbapi_connection, _record) -> None:
    # DATABASE_PREPARED_STATEMENTS=0: for a connection pooler that hands each transaction
    # to another server connection (PgBouncer before 1.21 in transaction mode).
    dbapi_connection.prepare_threshold = None


def _end_read_only_transaction(session) -> None:
    """End a transaction that only read with COMMIT rather than the ROLLBACK of closing.

    Both leave the database as it was, but psycopg drops every prepared statement of the
    connection on a rollback (it cannot know what the rollback undid). Pages are read far
    more often than written, so without this no statement was ever prepared and each one was
    planned again for every request (the board's database time halved with them). A transaction
    that wrote, or a session holding unsaved changes, still ends in a rollback (and one that
    wrote and committed has nothing left to roll back)."""
    if (session.in_transaction() and session.is_active and not g.get("database_written")
            and not (session.new or session.dirty or session.deleted)):
        session.commit()


def release_session(exc: BaseException | None = None) -> None:
    """End the session of a request (or of a job's app context) as its teardown does."""
    try:
        if exc is None:
            _end_read_only_transaction(db.session())
        db.session.remove()
    except DBAPIError:
        with contextlib.suppress(DBAPIError):
            db.session().invalidate()
        db.session.remove()


def _wants_write_lock() -> bool:
    # A read-then-write transaction under SQLite's deferred BEGIN can fail with "database is
    # locked" when two writers upgrade at once; BEGIN IMMEDIATE takes the write lock up front.
    # Page views stay deferred so that readers never wait for each other.
    if has_request_context():
        return request.method not in READ_METHODS
    return True


def init_app(app: Flask) -> None:
    """Start each request with nothing committed; attach the SQLite connection hooks when the
    app uses SQLite."""

    @app.before_request
    def _nothing_committed_yet():
        g.pop("request_committed", None)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in
    # reverse). When the database goes away mid-request (a restart, an outage), even the
    # closing ROLLBACK fails: without this, that error escapes the app after its answer was
    # made, and the server answers a bare 500 instead of the 503 page. The connection is
    # dropped instead, and the pool makes a new one when the database is back.
    app.teardown_appcontext(release_session)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _note_statement)
    event.listen(engine, "commit", _transaction_ended)
    event.listen(engine, "rollback", _transaction_ended)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _keep_more_prepared_statements
                     if app.config.get("DATABASE_PREPARED_STATEMENTS", True) else _prepare_nothing)
        event.listen(engine, "connect", _describe_columns_when_read)
        event.listen(engine, "do_connect", _connect_keeping_prepared)
        event.listen(engine, "before_cursor_execute", _note_schema_statement)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let the "begin" hook below issue BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")
