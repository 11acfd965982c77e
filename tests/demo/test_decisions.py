"""The demo's decision log: five decisions in OVB, one settling an escalated need, one
superseding an earlier plan, one still proposed; one need still waiting; each recorded through
the decision service on the day it was made."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.decisions.models import Decision
from app.decisions.queries import waiting_needs
from app.demo.seed import seed_all
from app.extensions import db
from app.projects.models import Project


def test_the_demo_has_decisions_and_a_need_waiting(app):
    seed_all()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    decisions = db.session.scalars(select(Decision).where(Decision.project_id == ovb.id)
                                   .order_by(Decision.decided_on)).all()
    assert len(decisions) == 5
    assert [(d.decision_type, d.state) for d in decisions] == [
        ("operational", "superseded"), ("strategic", "accepted"), ("strategic", "accepted"),
        ("operational", "accepted"), ("architecture", "proposed")]
    assert decisions[3].supersedes == [decisions[0]]
    outcomes = [o for d in decisions for o in d.outcomes]
    assert [(o.outcome, o.need.status, o.need.is_escalated) for o in outcomes] == [
        ("parked", "parked", False)]
    assert [n.title for n in waiting_needs(ovb)] == [
        "Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning"]
    # Recorded on the day decided; the parked need's history and the audit log say that day.
    for decision in decisions:
        assert decision.created_at.date() == decision.decided_on
    parked = outcomes[0].need
    settled = [c for c in parked.changes if c.field in ("status", "escalation")][-2:]
    assert [(c.field, c.new_value) for c in settled] == [("status", "parked"),
                                                         ("escalation", "decided")]
    assert {c.created_at.date() for c in settled} == {decisions[2].decided_on}
    assert parked.status_changed_at.date() == decisions[2].decided_on
    recorded = db.session.scalars(select(AuditEvent.created_at)
                                  .where(AuditEvent.action == "decision.recorded")
                                  .order_by(AuditEvent.created_at)).all()
    assert [moment.date() for moment in recorded] == [d.decided_on for d in decisions]
