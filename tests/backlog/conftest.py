"""Fixtures for backlog and board tests: items made through the real services."""
import pytest

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


@pytest.fixture
def in_request(app):
    """A request context for service tests: translated messages need a locale."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


@pytest.fixture(autouse=True)
def _english(client):
    """These tests read English messages (the Danish ones are checked by the catalogue test)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
