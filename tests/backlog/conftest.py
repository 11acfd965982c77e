"""Fixtures for backlog and board tests: items made through the real services, and a counter
of SQL statements."""
import re

import pytest
from sqlalchemy import event

from app.backlog.services import create_item
from app.extensions import db as _db


@pytest.fixture
def make_item(world):
    """Create an item in project A (or another project) as its product owner, committed."""

    def _make(title="Et punkt", project=None, actor=None, **kwargs):
        item = create_item(project or world.project_a, actor or world.users["product_owner"],
                           title, **kwargs)
        _db.session.commit()
        return item

    return _make


class StatementCounter:
    """Counts the SQL statements sent while it is active (`with counter:`)."""

    WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _listen(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN",
                                                       "PRAGMA")):
            self.statements.append(statement)

    def __enter__(self):
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._listen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._listen)

    @property
    def count(self) -> int:
        return len(self.statements)

    def writes(self) -> list[str]:
        return [s for s in self.statements if self.WRITE.match(s)]


@pytest.fixture
def count_statements(app):
    return StatementCounter(_db.engine)


@pytest.fixture
def in_request(app):
    """A request context for service tests: translated messages need a locale."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read English messages (the Danish ones are checked by the catalogue test)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
