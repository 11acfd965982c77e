"""Recording decisions: outcomes move escalated needs through discovery's workflow (history and
audit kept), the queue empties, and bad input is refused with nothing saved."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.decisions import queries, services
from app.decisions.models import Decision, DecisionOutcome
from app.discovery.models import NeedChange
from app.extensions import db
from app.services import RuleViolation

TODAY = date.today()


def _record(dec, **kwargs):
    values = dict(decided_on=TODAY, title="Beslutning", text="Tekst")
    values.update(kwargs)
    return services.record_decision(dec.project, dec.steering, **values)


def test_approving_and_declining_settles_the_escalated_needs(dec):
    decision = _record(dec, title="Prioritering af efteråret", items=[dec.item], outcomes=[
        services.OutcomeChoice(dec.in_discovery, "approved", "ready"),
        services.OutcomeChoice(dec.submitted, "declined", rationale="Dækkes af Kitos."),
    ])
    db.session.commit()
    assert dec.in_discovery.status == "ready" and dec.submitted.status == "declined"
    assert not dec.in_discovery.is_escalated and not dec.submitted.is_escalated
    assert dec.submitted.status_rationale == "Dækkes af Kitos."
    assert queries.waiting_needs(dec.project) == []
    assert {n.id for n in decision.needs} == {dec.in_discovery.id, dec.submitted.id}
    assert decision.items == [dec.item]
    assert sorted((o.need_id, o.outcome, o.old_status, o.new_status)
                  for o in decision.outcomes) == sorted([
        (dec.in_discovery.id, "approved", "in_discovery", "ready"),
        (dec.submitted.id, "declined", "submitted", "declined")])
    history = [(c.field, c.old_value, c.new_value, c.actor_id) for c in dec.submitted.changes]
    assert ("status", "submitted", "declined", dec.steering.id) in history
    assert ("escalation", "escalated", "decided", dec.steering.id) in history
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("need.status_changed") == 3  # one set up by the fixture
    assert actions.count("need.escalation_decided") == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.recorded"))
    assert event.target_id == decision.id and event.actor_id == dec.steering.id
    assert event.details["outcomes"] == {str(dec.in_discovery.number): "approved",
                                         str(dec.submitted.number): "declined"}
    assert event.details["items"] == [f"ALPHA-{dec.item.number}"]
    assert queries.decisions_of_need(dec.submitted) == [decision]


def test_approval_may_keep_the_status_and_parking_needs_a_reason(dec):
    _record(dec, outcomes=[services.OutcomeChoice(dec.submitted, "approved", "")])
    assert dec.submitted.status == "submitted" and not dec.submitted.is_escalated
    with pytest.raises(RuleViolation) as refused:
        _record(dec, outcomes=[services.OutcomeChoice(dec.in_discovery, "parked", rationale=" ")])
    assert refused.value.field == f"rationale-{dec.in_discovery.number}"


def test_an_approval_cannot_jump_the_workflow(dec):
    with pytest.raises(RuleViolation) as refused:
        _record(dec, outcomes=[services.OutcomeChoice(dec.submitted, "approved", "delivered")])
    assert refused.value.field == f"status-{dec.submitted.number}"


def test_a_need_no_longer_escalated_is_refused(dec):
    with pytest.raises(RuleViolation) as refused:
        _record(dec, outcomes=[services.OutcomeChoice(dec.plain, "approved", "in_discovery")])
    assert refused.value.status == 409


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"text": "x" * 20_001}, "text"),
    ({"decided_on": None}, "decided_on"),
    ({"decided_on": TODAY + timedelta(days=5)}, "decided_on"),
])
def test_bad_fields_are_refused(dec, kwargs, field):
    with pytest.raises(RuleViolation) as refused:
        _record(dec, **kwargs)
    assert refused.value.field == field


def test_references_resolve_within_the_project_only(dec):
    assert services.resolve_needs(dec.project, f"#{dec.plain.number}, {dec.submitted.number}") \
        == [dec.plain, dec.submitted]
    assert services.resolve_items(dec.project, f"alpha-{dec.item.number} {dec.item.number}") \
        == [dec.item]
    # The refusal names the reference it could not resolve (the words are Danish here).
    for text in (f"#{dec.other_need.number}", "OVB", "#1x"):
        with pytest.raises(RuleViolation, match=re.escape(text)) as refused:
            services.resolve_needs(dec.project, text)
        assert refused.value.field == "need_numbers"
    for text, named in ((f"BETA-{dec.item.number}", f"BETA-{dec.item.number}"),
                        (str(dec.other_item.number), f"ALPHA-{dec.other_item.number}"),
                        ("ALPHA-", "ALPHA-")):
        with pytest.raises(RuleViolation, match=re.escape(named)) as refused:
            services.resolve_items(dec.project, text)
        assert refused.value.field == "item_numbers"
    for links in ({"needs": [dec.other_need]}, {"items": [dec.other_item]}):
        with pytest.raises(RuleViolation, match="ALPHA") as refused:
            _record(dec, **links)
        assert refused.value.status == 422
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0


def test_the_log_is_searched_and_newest_first(dec):
    _record(dec, title="Gammel beslutning", decided_on=TODAY - timedelta(days=30))
    _record(dec, title="Ny beslutning", text="Om **budgettet** 100%")
    db.session.commit()
    assert [d.title for d in queries.decision_log(dec.project).decisions] == [
        "Ny beslutning", "Gammel beslutning"]
    assert [d.title for d in queries.decision_log(dec.project, "budget").decisions] == [
        "Ny beslutning"]
    assert queries.decision_log(dec.project, "100%").total == 1
    assert queries.decision_log(dec.project, "_").total == 0
    assert queries.decision_log(dec.world.project_b).total == 0


def test_nothing_is_saved_when_one_outcome_is_refused(dec, app):
    with pytest.raises(RuleViolation) as refused:
        _record(dec, outcomes=[services.OutcomeChoice(dec.in_discovery, "approved", "ready"),
                               services.OutcomeChoice(dec.submitted, "parked", rationale="")])
    assert refused.value.field == f"rationale-{dec.submitted.number}"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Decision)) == 0
    assert db.session.scalar(select(func.count()).select_from(DecisionOutcome)) == 0
    assert db.session.get(type(dec.in_discovery), dec.in_discovery.id).status == "in_discovery"
    assert db.session.scalar(select(func.count()).select_from(NeedChange)
                             .where(NeedChange.field == "escalation",
                                    NeedChange.new_value == "")) == 0
