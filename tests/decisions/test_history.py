"""A decision as the needs' history and pages tell it: a decided escalation reads as decided
(not withdrawn), the line names the decision, and the words are the reader's: the history
stores the decision's title, not a sentence in the recorder's language."""
from datetime import date

from flask_babel import force_locale

from app.backlog.services import create_item
from app.decisions.services import OutcomeChoice, record_decision
from app.discovery.tracing import link_item, unlink_item
from app.extensions import db
from tests.pages import shown


def _page(client, need, language) -> str:
    return shown(client.get(f"/p/ALPHA/needs/{need.number}",
                            headers={"Accept-Language": language}).text)


def test_a_decided_escalation_reads_as_decided_in_either_language(app, dec, client, login):
    with app.test_request_context(headers={"Accept-Language": "da"}), force_locale("da"):
        record_decision(dec.project, dec.steering, decided_on=date(2026, 12, 1),
                        title="Vi prioriterer økonomi",
                        outcomes=[OutcomeChoice(dec.in_discovery, "approved", "ready")])
    db.session.commit()
    stored = {(c.field, c.new_value): c for c in dec.in_discovery.changes}
    assert stored[("escalation", "decided")].params == {"decision": "Vi prioriterer økonomi"}
    assert stored[("status", "ready")].comment == ""  # no sentence in the recorder's language
    login(dec.world.users["observer"])
    english = _page(client, dec.in_discovery, "en")
    assert ("The steering group decided on the escalation: “Vi prioriterer økonomi” "
            f"(recorded by {dec.steering.name}).") in english
    assert ("changed the status from in discovery to ready by the decision of the steering "
            "group “Vi prioriterer økonomi”.") in english
    assert "Decided by the steering group: Vi prioriterer økonomi" in english  # status panel
    assert "withdrew the escalation" not in english and "Besluttet" not in english
    danish = _page(client, dec.in_discovery, "da")
    assert "Styregruppen besluttede eskaleringen: »Vi prioriterer økonomi«" in danish
    assert "trak eskaleringen tilbage" not in danish and "Decided" not in danish


def test_a_withdrawn_escalation_still_reads_as_withdrawn(dec, client, login):
    from app.discovery.services import withdraw_escalation

    withdraw_escalation(dec.submitted, dec.po, "Vi venter et år.")
    db.session.commit()
    login(dec.world.users["observer"])
    english = _page(client, dec.submitted, "en")
    assert f"{dec.po.name} withdrew the escalation." in english
    assert "Vi venter et år." in english


def test_linking_an_item_reads_as_linking_in_either_language(dec, client, login):
    item = create_item(dec.project, dec.po, "Eksport til regneark")
    link_item(dec.plain, item, dec.po)
    unlink_item(dec.plain, item, dec.po)
    db.session.commit()
    login(dec.world.users["observer"])
    key = f"ALPHA-{item.number}"
    english = _page(client, dec.plain, "en")
    assert f"{dec.po.name} linked {key} to the need." in english
    assert f"{dec.po.name} unlinked {key} from the need." in english
    assert "changed item" not in english
    danish = _page(client, dec.plain, "da")
    assert f"{dec.po.name} knyttede {key} til behovet." in danish
    assert f"{dec.po.name} fjernede {key} fra behovet." in danish
    assert "ændrede item" not in danish
