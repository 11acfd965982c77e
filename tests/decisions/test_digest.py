"""The decisions section of the digest: the queue and the period's decisions, for the steering
group and the secretariat only."""
from datetime import date, timedelta

from app.database import utcnow
from app.decisions import services
from app.digests.services import collect_sections
from app.extensions import db


def _section(dec, role, days=7):
    now = utcnow() + timedelta(seconds=1)
    sections = collect_sections(dec.world.users[role], dec.project, {role}, "weekly",
                                now - timedelta(days=days), now)
    return next((s for s in sections if s.key == "decisions"), None)


def test_waiting_and_made_decisions_in_the_digest(dec, client):
    decision = services.record_decision(
        dec.project, dec.steering, decided_on=date.today(), title="Rapporten først",
        outcomes=[services.OutcomeChoice(dec.submitted, "approved", "in_discovery")])
    db.session.commit()
    section = _section(dec, "steering")
    texts = [(i.text, i.status, i.link) for i in section.items]
    assert texts == [
        (f"#{dec.in_discovery.number} Økonomioverblik", "Venter på beslutning",
         f"/p/ALPHA/needs/{dec.in_discovery.number}"),
        ("Rapporten først", "Besluttet", f"/p/ALPHA/decisions/{decision.id}")]
    assert [(f.label, f.value) for f in section.figures] == [
        ("Venter på beslutning", 1), ("Trufne beslutninger", 1)]
    assert _section(dec, "secretariat") is not None
    for role in ("product_owner", "developer", "observer"):
        assert _section(dec, role) is None


def test_old_decisions_and_an_empty_queue_say_nothing(dec):
    decision = services.record_decision(
        dec.project, dec.steering, decided_on=date.today(), title="Gammel",
        outcomes=[services.OutcomeChoice(dec.submitted, "approved", ""),
                  services.OutcomeChoice(dec.in_discovery, "approved", "")])
    decision.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert _section(dec, "steering") is None
