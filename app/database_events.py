"""Session and engine events: which requests have committed, and per dialect set-up (SQLite
gets WAL, a busy timeout and write transactions that lock early)."""
import contextlib

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

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
    @app.teardown_appcontext
    def _let_go_of_a_lost_connection(_exc):
        try:
            db.session.remove()
        except DBAPIError:
            with contextlib.suppress(DBAPIError):
                db.session().invalidate()
            db.session.remove()

    with app.app_context():
        engine = db.engine
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
