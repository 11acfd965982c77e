"""Fixtures of the API's tests: personal access tokens made through the real service."""
from datetime import timedelta

import pytest

from app.api.tokens import create_token
from app.clock import local_today
from app.extensions import db


def bearer_for(user, projects, can_write: bool = True, days: int = 30) -> dict:
    """The Authorization header of a fresh token of `user` for `projects`."""
    _token, secret = create_token(user, "Test", [p.id for p in projects], can_write,
                                  local_today() + timedelta(days=days))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@pytest.fixture
def bearer(db):
    return bearer_for
