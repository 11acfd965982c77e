"""Two product owners of one municipality casting its ballot at the same moment on PostgreSQL:
one ballot stands, the other is refused with 409."""
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.projects.models import Role
from app.rounds import services
from app.rounds.models import Ballot, Round
from app.services import RuleViolation
from tests.concurrency import in_parallel
from tests.rounds.conftest import open_round

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_only")]


def test_one_of_two_simultaneous_ballots_stands(app, r, factory):
    colleague = factory.user(r.world.muni_a, email="po2@a.example", name="A po 2",
                             roles=[Role.PRODUCT_OWNER], project=r.project)
    rnd = open_round(r)
    ids = {"round": rnd.id, "users": [r.po.id, colleague.id], "need": r.finance.id}
    db.session.commit()

    def vote(i):
        from app.accounts.models import User

        round_ = db.session.get(Round, ids["round"])
        services.cast_ballot(round_, db.session.get(User, ids["users"][i]),
                             {ids["need"]: 10 + i})
        time.sleep(0.2)
        db.session.commit()
        return "ok"

    results = in_parallel(app, 2, vote)
    assert results.count("ok") == 1, results
    refused = [x for x in results if x != "ok"]
    assert all(isinstance(x, RuleViolation) and x.status == 409 for x in refused), refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
