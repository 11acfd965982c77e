"""Opening rounds and casting ballots: the secretariat opens, product owners of participating
municipalities vote once each within their points and before the deadline; every refusal is a
clear 4xx that changes nothing."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clock import local_today
from app.extensions import db
from app.rounds.models import Ballot, BallotPoints, Round
from tests.pages import shown
from tests.rounds.conftest import open_round


def _ballots():
    return db.session.scalar(select(func.count()).select_from(Ballot))


def test_the_secretariat_opens_a_round_on_all_ready_needs(r, client, login):
    login(r.secretariat)
    response = client.post("/p/ALPHA/rounds", data={
        "name": "Forår 2027", "deadline": (local_today() + timedelta(days=14)).isoformat(),
        "points_per_municipality": "100", "budget_amount": "250,000.00", "all_ready": "y"})
    assert response.status_code == 303
    rnd = db.session.scalar(select(Round))
    assert rnd.name == "Forår 2027" and str(rnd.budget_amount) == "250000.00"
    assert {n.title for n in rnd.needs} == {"Økonomioverblik", "Kvartalsrapport"}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.opened"))


def test_a_round_on_chosen_needs_refuses_needs_of_other_projects(r, client, login):
    login(r.secretariat)
    data = {"name": "Runde", "deadline": (local_today() + timedelta(days=3)).isoformat(),
            "points_per_municipality": "100", "needs": [str(r.other.number + 100)]}
    assert client.post("/p/ALPHA/rounds", data=data).status_code == 422
    data["needs"] = [str(r.submitted.number)]
    response = client.post("/p/ALPHA/rounds", data=data)
    assert response.status_code == 422 and "cannot be in a round" in response.get_data(
        as_text=True)
    data.update(deadline=(local_today() - timedelta(days=1)).isoformat(),
                needs=[str(r.finance.number)])
    assert client.post("/p/ALPHA/rounds", data=data).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_a_product_owner_casts_the_ballot_of_the_municipality(r, client, login):
    rnd = open_round(r)
    login(r.po)
    page = client.get(f"/p/ALPHA/rounds/{rnd.number}").get_data(as_text=True)
    assert "Ballot of Ballerup Kommune" in page and "data-ballot-total" in page
    response = client.post(f"/p/ALPHA/rounds/{rnd.number}/ballot", data={
        f"points-{r.finance.number}": "60", f"points-{r.report.number}": "40"})
    assert response.status_code == 303
    ballot = db.session.scalar(select(Ballot))
    assert ballot.organisation.name == "Ballerup Kommune"
    assert sorted(p.points for p in ballot.points) == [40, 60]
    page = shown(client.get(f"/p/ALPHA/rounds/{rnd.number}").get_data(as_text=True))
    assert "Ballerup Kommune has cast its ballot" in page


def test_ballot_limits_refused_with_nothing_changed(r, client, login):
    rnd = open_round(r)
    login(r.po)
    url = f"/p/ALPHA/rounds/{rnd.number}/ballot"
    cases = [
        ({f"points-{r.finance.number}": "60", f"points-{r.report.number}": "41"}, 422,
         "You gave 101 points"),
        ({f"points-{r.finance.number}": "-5", f"points-{r.report.number}": "50"}, 422,
         "Give whole points from 0 to 100."),
        ({f"points-{r.finance.number}": "2.5"}, 422, "Give whole points"),
        ({f"points-{r.submitted.number}": "10"}, 422, "Only the round"),
        ({"points-abc": "10"}, 422, "Only the round"),
        ({f"points-{r.finance.number}": "0"}, 422, "Give points to at least one need."),
        ({}, 422, "Give points to at least one need."),
    ]
    for data, status, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == status, data
        assert message in response.get_data(as_text=True), data
    assert _ballots() == 0
    assert db.session.scalar(select(func.count()).select_from(BallotPoints)) == 0


def test_a_second_ballot_of_the_same_municipality_is_refused(r, client, login, factory):
    rnd = open_round(r)
    login(r.po)
    url = f"/p/ALPHA/rounds/{rnd.number}/ballot"
    assert client.post(url, data={f"points-{r.finance.number}": "100"}).status_code == 303
    response = client.post(url, data={f"points-{r.report.number}": "100"})
    assert response.status_code == 409
    assert "already cast its ballot" in response.get_data(as_text=True)
    assert _ballots() == 1
    login(r.aarhus_po)
    assert client.post(url, data={f"points-{r.report.number}": "100"}).status_code == 303
    assert _ballots() == 2


def test_no_vote_after_the_deadline_or_once_closed(r, client, login):
    rnd = open_round(r, deadline=local_today())
    rnd.deadline = local_today() - timedelta(days=1)
    db.session.commit()
    login(r.po)
    url = f"/p/ALPHA/rounds/{rnd.number}/ballot"
    response = client.post(url, data={f"points-{r.finance.number}": "10"})
    assert response.status_code == 409 and "has passed" in response.get_data(as_text=True)
    rnd.deadline = local_today() + timedelta(days=2)
    db.session.commit()
    login(r.secretariat)
    assert client.post(f"/p/ALPHA/rounds/{rnd.number}/close").status_code == 303
    login(r.po)
    response = client.post(url, data={f"points-{r.finance.number}": "10"})
    assert response.status_code == 409 and "The round is closed." in response.get_data(
        as_text=True)
    assert _ballots() == 0


def test_vendors_and_others_never_vote(r, client, login):
    rnd = open_round(r)
    url = f"/p/ALPHA/rounds/{rnd.number}/ballot"
    for role in ("developer", "delivery_lead", "contributor", "secretariat", "steering",
                 "observer"):
        login(r.world.users[role])
        assert client.post(url, data={f"points-{r.finance.number}": "10"}).status_code == 403
    login(r.world.users["outsider"])
    assert client.post(url, data={f"points-{r.finance.number}": "10"}).status_code == 404
    assert _ballots() == 0


def test_the_results_show_each_ballot_and_the_ranking(r, client, login):
    rnd = open_round(r)
    login(r.po)
    client.post(f"/p/ALPHA/rounds/{rnd.number}/ballot", data={
        f"points-{r.finance.number}": "30", f"points-{r.report.number}": "70"})
    login(r.aarhus_po)
    client.post(f"/p/ALPHA/rounds/{rnd.number}/ballot", data={
        f"points-{r.finance.number}": "50", f"points-{r.archive.number}": "50"})
    login(r.world.users["observer"])
    page = client.get(f"/p/ALPHA/rounds/{rnd.number}/results").get_data(as_text=True)
    ranking = page[page.index("Ranking"):page.index("Ballots")]
    assert ranking.index("Økonomioverblik") < ranking.index("Kvartalsrapport") \
        < ranking.index("Arkivering")
    text = shown(page)
    assert "Ballerup Kommune" in text and "Aarhus Kommune" in text
    assert "Voting is still open" in text
