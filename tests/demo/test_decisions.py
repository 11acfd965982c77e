"""The demo's decision log: three decisions in OVB, one settling an escalated need, one need
still waiting; each recorded through the decision service on the day it was made."""
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
    assert len(decisions) == 3
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
    assert {c.created_at.date() for c in settled} == {decisions[-1].decided_on}
    assert parked.status_changed_at.date() == decisions[-1].decided_on
    recorded = db.session.scalars(select(AuditEvent.created_at)
                                  .where(AuditEvent.action == "decision.recorded")
                                  .order_by(AuditEvent.created_at)).all()
    assert [moment.date() for moment in recorded] == [d.decided_on for d in decisions]
