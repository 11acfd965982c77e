"""Decision records: a type, a state, consequences and the decisions a decision supersedes.
An accepted decision marks what it supersedes superseded; never a decision of another project,
never a cycle, never a rejected one; a decision no longer superseded is in force again."""
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.decisions import services
from app.decisions.models import Decision
from app.decisions.services import RecordFields
from app.extensions import db
from app.services import RuleViolation


def _decide(dec, title, project=None, by=None, **fields):
    return services.record_decision(project or dec.project, by or dec.steering,
                                    decided_on=date.today(), title=title,
                                    fields=RecordFields(**fields))


def _states(*decisions) -> list[str]:
    for d in decisions:
        db.session.refresh(d)
    return [d.state for d in decisions]


def test_a_decision_defaults_to_accepted_of_no_type(dec):
    d = services.record_decision(dec.project, dec.steering, decided_on=date.today(), title="A")
    assert (d.decision_type, d.state, d.consequences, d.supersedes) == (None, "accepted", "", [])


def test_an_accepted_decision_supersedes(dec):
    old = _decide(dec, "Gammel plan", decision_type="strategic")
    new = _decide(dec, "Ny plan", decision_type="strategic", consequences="Mere **tid**.",
                  supersedes=(old,))
    db.session.commit()
    assert _states(old, new) == ["superseded", "accepted"]
    assert new.supersedes == [old] and old.superseded_by == [new]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["decision.recorded", "decision.recorded", "decision.superseded"]


def test_a_proposal_supersedes_only_once_accepted(dec):
    old = _decide(dec, "Gammel plan")
    proposal = _decide(dec, "Forslag", state="proposed", supersedes=(old,))
    assert _states(old) == ["accepted"]
    services.update_record(proposal, dec.secretariat,
                           RecordFields(state="accepted", supersedes=(old,)))
    assert _states(old, proposal) == ["superseded", "accepted"]
    # Rejected after all: what it superseded is in force again.
    services.update_record(proposal, dec.secretariat, RecordFields(state="rejected"))
    assert _states(old, proposal) == ["accepted", "rejected"]
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "decision.reinstated")


def test_removing_the_link_puts_the_decision_in_force_again(dec):
    old = _decide(dec, "Gammel plan")
    new = _decide(dec, "Ny plan", supersedes=(old,))
    services.update_record(new, dec.steering, RecordFields(state="accepted"))
    assert _states(old) == ["accepted"] and new.supersedes == []


def test_two_superseders_keep_it_superseded_until_both_go(dec):
    old = _decide(dec, "Gammel plan")
    first = _decide(dec, "Første", supersedes=(old,))
    _decide(dec, "Anden", supersedes=(old,))
    services.update_record(first, dec.steering, RecordFields(state="rejected"))
    assert _states(old) == ["superseded"]


@pytest.mark.parametrize("case", ["self", "cycle", "long_cycle"])
def test_no_cycles(dec, case):
    a = _decide(dec, "A")
    b = _decide(dec, "B", supersedes=(a,))
    c = _decide(dec, "C", supersedes=(b,))
    db.session.commit()
    target, of = {"self": (c, c), "cycle": (c, b), "long_cycle": (c, a)}[case]
    with pytest.raises(RuleViolation) as refused:
        services.update_record(of, dec.steering, RecordFields(supersedes=(target,)))
    assert refused.value.field == "supersedes"
    db.session.rollback()
    assert [d.title for d in of.supersedes] == {"self": ["B"], "cycle": ["A"],
                                                 "long_cycle": []}[case]


def test_not_a_decision_of_another_project(dec):
    theirs = services.record_decision(dec.world.project_b, None, decided_on=date.today(),
                                      title="Beta")
    with pytest.raises(RuleViolation, match="ALPHA"):
        _decide(dec, "Ny", supersedes=(theirs,))
    with pytest.raises(RuleViolation, match="ALPHA"):
        services.resolve_decisions(dec.project, [theirs.id])
    assert _states(theirs) == ["accepted"]


def test_rejected_decisions_neither_supersede_nor_are_superseded(dec):
    old = _decide(dec, "Gammel")
    with pytest.raises(RuleViolation, match="En forkastet beslutning afløser ikke noget"):
        _decide(dec, "Afvist", state="rejected", supersedes=(old,))
    rejected = _decide(dec, "Afvist", state="rejected")
    with pytest.raises(RuleViolation, match="blev forkastet"):
        _decide(dec, "Ny", supersedes=(rejected,))


def test_a_superseded_decision_keeps_its_state(dec):
    old = _decide(dec, "Gammel")
    _decide(dec, "Ny", supersedes=(old,))
    with pytest.raises(RuleViolation) as refused:
        services.update_record(old, dec.steering, RecordFields(state="rejected"))
    assert refused.value.status == 409
    services.update_record(old, dec.steering, RecordFields("architecture", "accepted",
                                                           consequences="Noter."))
    assert (old.state, old.decision_type, old.consequences) == (
        "superseded", "architecture", "Noter.")


def test_recording_with_a_record_through_the_form(dec, client, login):
    old = _decide(dec, "Efterårsplanen")
    db.session.commit()
    login(dec.steering)
    page = client.get("/p/ALPHA/decisions").text
    assert 'name="decision_type"' in page and 'name="supersedes"' in page
    answer = client.post("/p/ALPHA/decisions", data={
        "decided_on": date.today().isoformat(), "title": "Vinterplanen",
        "decision_type": "operational", "state": "accepted",
        "consequences": "Efterårsplanen gælder ikke.", "supersedes": str(old.id)})
    assert answer.status_code == 303
    new = db.session.scalar(select(Decision).where(Decision.title == "Vinterplanen"))
    assert (new.decision_type, new.state, new.supersedes) == ("operational", "accepted", [old])
    assert _states(old) == ["superseded"]
    shown = client.get(f"/p/ALPHA/decisions/{new.id}").text
    assert "Operational" in shown and "Efterårsplanen gælder ikke." in shown
    assert "Supersedes" in shown
    log = client.get("/p/ALPHA/decisions").text
    assert "Superseded" in log and "Superseded by" in log


def test_changing_the_record_on_the_decision_page(dec, client, login):
    old = _decide(dec, "Gammel")
    new = _decide(dec, "Ny", state="proposed")
    db.session.commit()
    login(dec.secretariat)
    url = f"/p/ALPHA/decisions/{new.id}/record"
    assert "Change the type, state" in client.get(f"/p/ALPHA/decisions/{new.id}").text
    answer = client.post(url, data={"decision_type": "architecture", "state": "accepted",
                                    "consequences": "", "supersedes": [str(old.id)]})
    assert answer.status_code == 303
    assert _states(old, new) == ["superseded", "accepted"]
    assert new.decision_type == "architecture"
    login(dec.po)
    assert client.post(url, data={"state": "rejected"}).status_code == 403
    assert _states(new) == ["accepted"]


@pytest.mark.parametrize("data", [
    {"state": "superseded"}, {"state": "decided"}, {"decision_type": "budget"},
    {"supersedes": "abc"}, {"supersedes": "999999"}, {"consequences": "x" * 20_001},
])
def test_bad_record_input_is_refused(dec, client, login, data):
    d = _decide(dec, "Beslutning")
    theirs = services.record_decision(dec.world.project_b, None, decided_on=date.today(),
                                      title="Beta")
    db.session.commit()
    login(dec.steering)
    answer = client.post(f"/p/ALPHA/decisions/{d.id}/record", data=data)
    assert answer.status_code == 422
    other = client.post(f"/p/ALPHA/decisions/{d.id}/record",
                        data={"supersedes": str(theirs.id)})
    assert other.status_code == 422 and "is not a valid choice" in other.text
    recorded = client.post("/p/ALPHA/decisions", data={
        "decided_on": date.today().isoformat(), "title": "Ny", **data})
    assert recorded.status_code == 422
    assert _states(d, theirs) == ["accepted", "accepted"]
    assert db.session.scalar(select(db.func.count()).select_from(Decision)) == 2


def test_a_decision_of_another_project_is_not_found(dec, client, login):
    theirs = services.record_decision(dec.world.project_b, None, decided_on=date.today(),
                                      title="Beta")
    db.session.commit()
    login(dec.steering)
    assert client.post(f"/p/ALPHA/decisions/{theirs.id}/record",
                       data={"state": "rejected"}).status_code == 404
