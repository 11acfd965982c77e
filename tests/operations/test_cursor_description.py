"""On PostgreSQL a result's columns are described only when read (app/database_events.py):
what a program reads of `cursor.description` is what psycopg itself would say, even after the
cursor has moved on to another result, and SQLAlchemy still names the columns of its rows."""
import psycopg
import pytest
from sqlalchemy import select, text

from app.accounts.models import User
from app.extensions import db


@pytest.fixture
def raw_cursor(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the cursor is psycopg's, on PostgreSQL")
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cursor:
        yield cursor
    db.session.rollback()


def _plain(description):
    return [(c.name, c.type_code, c.display_size, c.internal_size, c.precision, c.scale,
             c.null_ok) for c in description]


def test_the_description_is_psycopgs_own(raw_cursor):
    query = "SELECT 1::integer AS n, 'x'::varchar(12) AS word, now() AS at, 2.5::numeric(6, 2)"
    raw_cursor.execute(query)
    described = raw_cursor.description
    expected = _plain(psycopg.Cursor.description.fget(raw_cursor))
    assert len(described) == 4
    assert _plain(described) == expected
    assert [c[0] for c in described] == ["n", "word", "at", "numeric"]
    assert described[-1].type_display == "numeric(6,2)"

    # Read after the cursor has moved on, it still describes its own result.
    raw_cursor.execute("SELECT 1 AS other")
    assert _plain(described) == expected
    assert [c.name for c in raw_cursor.description] == ["other"]


def test_statements_without_rows_have_none(raw_cursor):
    raw_cursor.execute("SET LOCAL statement_timeout = 1000")
    assert raw_cursor.description is None
    raw_cursor.execute("SELECT")  # rows, but no columns
    assert raw_cursor.description is not None and len(raw_cursor.description) == 0


def test_sqlalchemy_still_names_the_columns_of_its_rows(world):
    for _ in range(3):  # the first run learns the columns; later runs keep what it learnt
        rows = db.session.execute(select(User.name.label("who"), User.email)
                                  .order_by(User.email).limit(2)).all()
        assert [tuple(row._mapping) for row in rows] == [("who", "email")] * 2
        mapping = db.session.execute(text("SELECT 7 AS seven, 'y' AS why")).mappings().one()
        assert dict(mapping) == {"seven": 7, "why": "y"}
