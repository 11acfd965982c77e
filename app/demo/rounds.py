"""Demo rounds in OVB: the municipalities have scored several needs; the autumn round is closed
with its results, left for the secretariat to order from (Økonomioverblik won, and still
needs co-funding, see app/demo/funding.py); the winter round is open, and two municipalities
(København and Brønderslev) have still to vote."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.discovery.models import Need
from app.extensions import db
from app.rounds import evaluation, services

FINANCE = "Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning"
REPORT = "Kvartalsrapport til styregruppen"
SUPERVISION = "Plan for tilsyn med databehandlere"
ARCHIVE = "Arkivering og bevaringsvurdering af systemer"

# need title: {voter: scores for the six default criteria}
SCORES = {
    FINANCE: {"po_ballerup": [5, 4, 4, 3, 2, 5], "po_aarhus": [4, 4, 5, 3, 3, 4],
              "po_roskilde": [4, 3, 4, 2, 2, 4]},
    REPORT: {"po_ballerup": [4, 2, 2, 4, 3, 4], "po_soro": [3, 2, 1, 3, 2, 3]},
    SUPERVISION: {"po_aarhus": [4, 3, 2, 3, 5, 4], "po_roskilde": [5, 3, 3, 3, 5, 5],
                  "po_soro": [4, 2, 2, 3, 4, 3]},
    ARCHIVE: {"po_ballerup": [2, 1, 1, 2, 3, 2]},
}


def _need(project, title):
    return db.session.scalar(select(Need).where(Need.project_id == project.id,
                                                Need.title == title))


def seed_rounds(ctx: dict) -> dict:
    """Scores on four needs, a closed round and an open round."""
    project, users, now = ctx["projects"]["OVB"], ctx["users"], ctx["now"]
    needs = {title: _need(project, title) for title in (FINANCE, REPORT, SUPERVISION, ARCHIVE)}
    needs = {title: need for title, need in needs.items()
             if need is not None and evaluation.can_be_scored(need)}
    for title, sheets in SCORES.items():
        for voter, values in sheets.items():
            if title in needs and voter in users:
                evaluation.score_need(needs[title], users[voter], values)
    secretariat = users["po_ballerup"]
    autumn_needs = [n for t, n in needs.items() if t in (FINANCE, SUPERVISION, ARCHIVE)]
    if not autumn_needs:
        return {"rounds": 0}
    opened = now - timedelta(days=40)
    autumn = services.open_round(
        project, secretariat, name="Prioriteringsrunde efterår 2026",
        deadline=(opened + timedelta(days=14)).date(), needs=autumn_needs,
        points_per_municipality=100, budget_amount=Decimal("400000.00"), at=opened)
    ballots = {"po_ballerup": [60, 10, 30], "po_aarhus": [50, 40, 10],
               "po_roskilde": [40, 60, 0], "po_soro": [30, 50, 20]}
    for day, (voter, points) in enumerate(ballots.items(), start=2):
        services.cast_ballot(autumn, users[voter], {
            need.id: value for need, value in zip(autumn_needs, points, strict=False)},
            at=opened + timedelta(days=day))
    services.close_round(autumn, secretariat, at=opened + timedelta(days=15))
    winter_needs = [n for n in (needs.get(REPORT), needs.get(SUPERVISION), needs.get(ARCHIVE))
                    if n is not None]
    winter_opened = now - timedelta(days=5)
    winter = services.open_round(
        project, secretariat, name="Prioriteringsrunde vinter 2027",
        deadline=(now + timedelta(days=9)).date(), needs=winter_needs,
        points_per_municipality=100, budget_amount=Decimal("250000.00"), at=winter_opened)
    for day, (voter, points) in enumerate([("po_ballerup", [50, 30, 20]),
                                            ("po_aarhus", [20, 70, 10]),
                                            ("po_roskilde", [10, 80, 10]),
                                            ("po_soro", [40, 40, 20])], start=1):
        services.cast_ballot(winter, users[voter], {
            need.id: value for need, value in zip(winter_needs, points, strict=False)},
            at=winter_opened + timedelta(days=day))
    return {"rounds": 2}
