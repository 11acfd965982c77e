"""The demo's decision log: three decisions in OVB, one settling an escalated need, one need
still waiting."""
from sqlalchemy import select

from app.decisions.models import Decision
from app.decisions.queries import waiting_needs
from app.demo.seed import seed_all
from app.extensions import db
from app.projects.models import Project


def test_the_demo_has_decisions_and_a_need_waiting(app):
    seed_all()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    decisions = db.session.scalars(select(Decision).where(Decision.project_id == ovb.id)).all()
    assert len(decisions) == 3
    outcomes = [o for d in decisions for o in d.outcomes]
    assert [(o.outcome, o.need.status, o.need.is_escalated) for o in outcomes] == [
        ("parked", "parked", False)]
    assert [n.title for n in waiting_needs(ovb)] == [
        "Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning"]
