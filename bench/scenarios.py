"""In-process scenarios: (name, request to make, target). Areas add theirs to SCENARIOS.

Each scenario's `prepare(app)` returns (user email, method, path, data[, headers]) or a
callable that does that freshly per run (for moves, which change state)."""
from dataclasses import dataclass, field
from collections.abc import Callable

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.projects.models import Membership, MembershipRole, Project


@dataclass
class Scenario:
    name: str
    prepare: Callable  # (ctx) -> Callable[[], (email, method, path, data)]
    target_ms: float | None = None
    target_statements: int | None = None
    notes: str = ""
    runs: int = 50
    extra: dict = field(default_factory=dict)


def _any_member(role: str, key: str = "BIG") -> str:
    return db.session.scalar(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .join(Project, Project.id == Membership.project_id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Project.key == key, MembershipRole.role == role).limit(1))


def my_projects(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/", None)


def digest_preview(ctx):
    email = _any_member("steering")
    return lambda: (email, "GET", "/p/BIG/digest", None)


SCENARIOS = [
    Scenario("My projects", my_projects),
    Scenario("My next digest (steering)", digest_preview, target_ms=50, runs=20),
]


def _backlog_scenarios():
    from bench.backlog import SCENARIOS as backlog

    return backlog


def _sprint_scenarios():
    from bench.sprints import SCENARIOS as sprints

    return sprints


def _my_scenarios():
    from bench.my import SCENARIOS as my

    return my


SCENARIOS += _backlog_scenarios()
SCENARIOS += _sprint_scenarios()
SCENARIOS += _my_scenarios()


# Measurements that are not one request, e.g. sending many digests: name -> fn(app) -> dict
BATCH: dict = {}


from bench import api, archive, attachments, digests, discovery, notifications, scale, search  # noqa: E402 - they need the helpers above

SCENARIOS += discovery.scenarios()
SCENARIOS += notifications.scenarios()
SCENARIOS += search.SCENARIOS
SCENARIOS += api.SCENARIOS
SCENARIOS += scale.SCENARIOS
BATCH.update(digests.BATCH)
BATCH.update(attachments.BATCH)
BATCH.update(archive.BATCH)
BATCH.update(scale.BATCH)
