"""Two secretariat members removing each other at once on PostgreSQL: one removal wins, the
other is refused (409), so the project keeps a secretariat."""
import time

import pytest

from app.extensions import db
from app.projects import services
from app.projects.models import Membership, Role
from app.services import RuleViolation
from tests.concurrency import in_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_two_secretariat_members_removing_each_other_leave_one(app, world, factory):
    first = world.users["secretariat"]
    second = factory.user(world.muni_a, name="Anden Sekretær", roles=[Role.SECRETARIAT],
                          project=world.project_a)
    db.session.commit()
    memberships = [services.membership_of(world.project_a, u.id).id for u in (second, first)]

    def remove(i):
        services.remove_member(db.session.get(Membership, memberships[i]))
        time.sleep(0.2)  # hold the project's row so the other remover meets the lock
        db.session.commit()
        return "ok"

    results = in_parallel(app, 2, remove)
    assert results.count("ok") == 1, results
    refused = [r for r in results if r != "ok"]
    assert all(isinstance(r, RuleViolation) and r.status == 409 for r in refused), refused
    db.session.expire_all()
    assert sum(db.session.get(Membership, m) is not None for m in memberships) == 1
