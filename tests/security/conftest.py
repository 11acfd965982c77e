"""Fixtures of the security tests: separate app instances (production config, rate limits on,
test-only routes) that leave the shared session app exactly as they found it."""
import pytest

from app import create_app
from app.extensions import db as _db
from app.extensions import limiter
from config import TestConfig
from tests.security import hostile


@pytest.fixture
def make_app(app):
    """Build another app on the test database: make_app(base=TestConfig, **config)."""
    built = []

    def _make(base=TestConfig, **overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
        config = type(f"{base.__name__}ForTest", (base,), overrides)
        other = create_app(config)
        other.test_client_class = app.test_client_class
        built.append(other)
        return other

    yield _make
    # The limiter is one object shared by every app: a rate-limited app switches it on
    # (and swaps its storage) for all of them. Give it back to the session app, disabled.
    limiter.init_app(app)
    for other in built:
        with other.app_context():
            _db.engine.dispose()


def pytest_terminal_summary(terminalreporter):
    if hostile.TRIED:
        total = sum(hostile.TRIED.values())
        terminalreporter.write_sep("-", f"hostile inputs tried: {total}")
        for label, count in sorted(hostile.TRIED.items()):
            answers = ", ".join(f"{status}×{n}" for status, n in
                                sorted(hostile.OUTCOMES.get(label, {}).items()))
            terminalreporter.write_line(f"  {count:5d}  {label}  ({answers})")
