"""Topology tests: the real stack (tests/topology/stack.py), on PostgreSQL only.

Why PostgreSQL only: the topology is production's, and production is PostgreSQL (several
servers and schedulers share one database; the schedulers' advisory locks are PostgreSQL's).
On SQLite the tests say why they are skipped; `.ci/run` runs the suite on PostgreSQL too.
nginx and redis-server are Debian packages: missing, the tests are skipped with the reason,
unless REQUIRE_BROWSER=1 (CI, which installs them), where they fail instead."""
import os

import pytest

from tests.smtp import SMTPServer, free_port
from tests.topology.stack import Stack, missing_requirement


def _skip_reason() -> str | None:
    if not os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        return ("the production topology runs on PostgreSQL: set TEST_DATABASE_URL "
                "(.ci/run does)")
    missing = missing_requirement()
    if missing and os.environ.get("REQUIRE_BROWSER") != "1":
        return missing
    return None


def pytest_collection_modifyitems(config, items):
    reason = _skip_reason()
    for item in items:
        if "tests/topology/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.topology)
            # nginx's certificate is the test's own, self-signed: not checked.
            item.add_marker(pytest.mark.filterwarnings(
                "ignore::urllib3.exceptions.InsecureRequestWarning"))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def stack(app, tmp_path_factory):
    """nginx, two gunicorn servers, Redis, on the test database; stopped after the module."""
    missing = missing_requirement()
    if missing:
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
    folder = tmp_path_factory.mktemp("topology")
    os.chmod(folder, 0o755)
    mail = SMTPServer(free_port())
    mail.start()
    running = Stack(folder, os.environ["TEST_DATABASE_URL"], mail.port)
    running.mail = mail.handler
    try:
        running.start()
        yield running
    finally:
        running.stop()
        mail.stop()
