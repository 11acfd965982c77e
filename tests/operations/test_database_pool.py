"""The connection pool hands out the connection returned last (PostgreSQL): a worker that once
held two connections does not take them in turn, each request on a server process the one
before it did not warm."""
import pytest

from app.extensions import db


def test_the_connection_used_last_is_used_next(app):
    engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the pool's order is set for PostgreSQL (SQLite keeps its default)")
    first, second = engine.connect(), engine.connect()
    first_id = first.connection.dbapi_connection.info.backend_pid
    second_id = second.connection.dbapi_connection.info.backend_pid
    first.close()
    second.close()  # returned last
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.connection.dbapi_connection.info.backend_pid == second_id != first_id
