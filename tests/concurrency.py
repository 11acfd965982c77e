"""What the concurrency tests share: they run on PostgreSQL only, and `in_parallel` starts work
in several threads at once, each with its own app context and database session.

Test modules use it with
    pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]
(tests/conftest.py registers this module as a plugin, so the fixture is known everywhere).
"""
import threading

import pytest

from app.extensions import db

_NOT_DONE = object()


@pytest.fixture
def postgres_only(app):
    """Skip the test unless it runs on PostgreSQL: SQLite serialises writers (BEGIN IMMEDIATE),
    so there is no race to lose there."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set TEST_DATABASE_URL); SQLite "
                    "serialises writers with BEGIN IMMEDIATE")


def in_parallel(app, count: int, work, timeout: float = 60) -> list:
    """Run work(i) for i in range(count), each in its own thread, app context and session, all
    released at once; returns what each returned or the exception it raised (its transaction
    rolled back). Commits are work's own. The test's session must not be used by work: pass
    ids, not rows."""
    barrier = threading.Barrier(count)
    outcomes = [_NOT_DONE] * count

    def run(i):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcomes[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - handed to the test, which expects some
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    unfinished = [i for i, outcome in enumerate(outcomes) if outcome is _NOT_DONE]
    assert not unfinished, f"workers {unfinished} did not finish within {timeout} s"
    return outcomes


def failures(outcomes: list) -> list[Exception]:
    """The exceptions among what in_parallel returned."""
    return [o for o in outcomes if isinstance(o, Exception)]
