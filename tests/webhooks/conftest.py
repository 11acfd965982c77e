import pytest

from app.extensions import db
from app.webhooks.services import create_endpoint
from tests.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    """Start a receiver; `make(script)` returns it started; stopped after the test."""
    started = []

    def make(script=(200,), hang_seconds=3.0):
        r = Receiver(script=script, hang_seconds=hang_seconds).__enter__()
        started.append(r)
        return r

    yield make
    for r in started:
        r.__exit__(None, None, None)


@pytest.fixture
def endpoint_for(world):
    """Register an endpoint of project A for `receiver` and `events`; the receiver learns the
    secret (as a user copies it from the page)."""

    def make(receiver, events=("item.created",), project=None):
        endpoint, secret = create_endpoint(project or world.project_a,
                                           world.users["secretariat"], receiver.url,
                                           list(events))
        db.session.commit()
        receiver.secret = secret
        return endpoint

    return make
