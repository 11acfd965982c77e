"""The demo's coordination group: scores on several needs, a closed round with results, and an
open round in which two municipalities have still to vote."""
from sqlalchemy import select

from app.demo.seed import seed_all
from app.extensions import db
from app.projects.models import Project
from app.rounds import queries
from app.rounds.models import ScoreSheet


def test_the_demo_has_scores_a_closed_and_an_open_round(app, client):
    seed_all()
    db.session.commit()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    closed, opened = sorted(queries.rounds_of(ovb), key=lambda r: r.number)
    assert not closed.is_open and opened.is_open
    results = queries.results(closed)
    assert len(results.ballots) == 4 and results.rows[0].points > 0
    assert results.rows[0].need.title.startswith("Økonomioverblik")
    assert results.rows[0].cost is not None  # the vendor's estimate, from funding
    waiting = queries.results(opened).waiting_municipalities
    assert sorted(m.name for m in waiting) == ["Brønderslev Kommune", "Københavns Kommune"]
    assert len({s.need_id for s in db.session.scalars(select(ScoreSheet))}) >= 3
    client.post("/login", data={"email": "po@ballerup.example", "password": "samspil-demo"})
    for url in ("/p/OVB/rounds", f"/p/OVB/rounds/{closed.number}/results",
                f"/p/OVB/rounds/{opened.number}", "/p/OVB/needs?sort=score",
                "/p/OVB/evaluation/criteria"):
        assert client.get(url).status_code == 200, url
