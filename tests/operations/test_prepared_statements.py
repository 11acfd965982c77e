"""On PostgreSQL a connection keeps its prepared statements over a rollback
(app/database_events.py): a refused change must not make the worker plan every statement of
its next pages again. A transaction that changed the schema still drops them."""
import pytest
from sqlalchemy import bindparam, select, text, update

from app.accounts.models import User
from app.backlog.models import Item
from app.backlog.services import create_item
from app.database_events import PREPARE_AFTER, KeepsPreparedConnection
from app.extensions import db

# Named so that no other statement the connection prepared for other tests is taken for it.
FIND = select(User.id.label("probe_of_keeping")).where(User.email == bindparam("email"))


@pytest.fixture
def connection(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are psycopg's, on PostgreSQL")
    with db.engine.connect() as connection:
        yield connection


def _prepared(connection) -> list[str]:
    rows = connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements")
    return [statement for (statement,) in rows if "probe_of_keeping" in statement]


def _find_until_prepared(connection) -> None:
    for _ in range(PREPARE_AFTER + 1):
        connection.execute(FIND, {"email": "nobody@example.org"}).all()
    connection.commit()
    assert len(_prepared(connection)) == 1


def test_a_rolled_back_change_keeps_the_prepared_statements(connection):
    assert isinstance(connection.connection.dbapi_connection, KeepsPreparedConnection)
    _find_until_prepared(connection)
    connection.execute(update(User).where(User.email == "nobody@example.org")
                       .values(name="Ingen"))
    connection.rollback()

    assert len(_prepared(connection)) == 1
    # The statement still runs as prepared (no "prepared statement does not exist").
    assert connection.execute(FIND, {"email": "nobody@example.org"}).all() == []
    assert len(_prepared(connection)) == 1


def test_a_rolled_back_schema_change_drops_them(connection):
    _find_until_prepared(connection)
    connection.execute(text("CREATE TEMPORARY TABLE scratch (n integer)"))
    connection.rollback()

    assert _prepared(connection) == []
    assert connection.execute(FIND, {"email": "nobody@example.org"}).all() == []
    # The next transaction starts afresh: only its own schema change counts.
    _find_until_prepared(connection)
    connection.execute(update(User).where(User.email == "nobody@example.org")
                       .values(name="Ingen"))
    connection.rollback()
    assert len(_prepared(connection)) == 1


def test_a_refused_move_keeps_the_workers_statements(world, login):
    """Through a page: a move the rules refuse rolls back, and the statements the pages
    prepared are still there for the next request."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are psycopg's, on PostgreSQL")
    owner = world.users["product_owner"]
    item = create_item(world.project_a, owner, "Et punkt i backloggen")
    db.session.commit()
    client = login(owner)
    board = f"/p/{world.project_a.key}/board"
    for _ in range(PREPARE_AFTER + 1):
        assert client.get(board).status_code == 200
    prepared = _session_prepared()
    assert len(prepared) > 5

    # Only an item in acceptance can be accepted as done: refused, rolled back.
    answer = client.post(f"/p/{world.project_a.key}/items/{item.number}/move",
                         data={"status": "done", "version": item.version_id})
    assert answer.status_code == 303
    assert db.session.get(Item, item.id).status == "backlog"
    assert _session_prepared() >= prepared


def _session_prepared() -> set[str]:
    rows = db.session.execute(text("SELECT name FROM pg_prepared_statements"))
    names = {name for (name,) in rows}
    db.session.commit()
    return names
