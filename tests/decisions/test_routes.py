"""The decisions page: the queue, recording through the form (and its refusals), the searchable
log, one decision's page, and the decisions shown on the needs they concern."""
import re
from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.decisions import services
from app.decisions.models import Decision
from app.extensions import db
from app.projects.models import Role
from tests.pages import shown

URL = "/p/ALPHA/decisions"


def _count():
    return db.session.scalar(select(func.count()).select_from(Decision))


def _form(dec, **extra):
    data = {"decided_on": date.today().isoformat(), "title": "Efterårets prioritering",
            "text": "Styregruppen har **besluttet**."}
    data.update(extra)
    return data


def test_the_page_shows_the_queue_and_the_form_to_the_steering_group(dec, client, login):
    login(dec.steering)
    page = client.get(URL).get_data(as_text=True)
    assert "For decision (2)" in page
    assert "Skal vi bruge penge på det?" in page
    assert f"by {dec.po.name}" in shown(page)
    assert "Record the decision" in page
    assert f'name="outcome-{dec.submitted.number}"' in page


def test_other_members_read_without_the_form(dec, client, login):
    services.record_decision(dec.project, dec.steering, decided_on=date.today(), title="Læst")
    db.session.commit()
    for role in ("observer", "product_owner", "developer"):
        login(dec.world.users[role])
        page = client.get(URL).get_data(as_text=True)
        assert "Læst" in page and "For decision (2)" in page
        assert "Record the decision" not in page
        assert client.post(URL, data=_form(dec)).status_code == 403
    assert _count() == 1


def test_recording_with_outcomes_moves_the_needs_on(dec, client, login):
    login(dec.secretariat)
    n1, n2 = dec.in_discovery.number, dec.submitted.number
    response = client.post(URL, data=_form(
        dec, **{f"outcome-{n1}": "approved", f"status-{n1}": "ready",
                f"outcome-{n2}": "parked", f"rationale-{n2}": "Vent til næste år.",
                "need_numbers": f"#{dec.plain.number}",
                "item_numbers": f"ALPHA-{dec.item.number}"}))
    assert response.status_code == 303
    decision = db.session.scalar(select(Decision))
    assert response.headers["Location"].endswith(f"{URL}/{decision.id}")
    assert dec.in_discovery.status == "ready" and dec.submitted.status == "parked"
    assert {n.number for n in decision.needs} == {n1, n2, dec.plain.number}
    assert decision.items == [dec.item] and decision.recorded_by == dec.secretariat
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "decision.recorded")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<h1[^>]*>\s*Efterårets prioritering\s*</h1>", page)
    assert "<strong>besluttet</strong>" in page and "Vent til næste år." in page
    assert f"ALPHA-{dec.item.number}" in page
    assert "No needs are waiting for a decision." in client.get(URL).get_data(as_text=True)
    need_page = client.get(f"/p/ALPHA/needs/{dec.plain.number}").get_data(as_text=True)
    assert 'id="need-decisions"' in need_page
    assert f'href="{URL}/{decision.id}"' in need_page


def test_bad_input_is_refused_with_the_reason_and_nothing_saved(dec, client, login):
    login(dec.steering)
    n = dec.submitted.number
    cases = [
        ({"title": ""}, "Fill in this field."),
        ({"text": "x" * 20_001}, "At most 20000 characters."),
        ({"need_numbers": f"#{dec.other_need.number}"},
         f"There is no need #{dec.other_need.number} in ALPHA."),
        ({"item_numbers": f"BETA-{dec.item.number}"},
         f"BETA-{dec.item.number} is not an item of ALPHA."),
        ({"item_numbers": str(dec.other_item.number)},
         f"There is no item ALPHA-{dec.other_item.number}."),
        ({f"outcome-{n}": "declined", f"rationale-{n}": ""}, "Give the reason for this decision"),
        ({f"outcome-{n}": "approved", f"status-{n}": "delivered"},
         "Choose where the approved need goes next."),
    ]
    for extra, message in cases:
        response = client.post(URL, data=_form(dec, **extra))
        assert response.status_code == 422, extra
        page = response.get_data(as_text=True)
        assert message in page, extra
        assert "<details open" in page  # the form stays open (closed on a plain visit)
    assert _count() == 0
    assert dec.submitted.status == "submitted" and dec.submitted.is_escalated


def test_the_form_keeps_the_choices_after_a_refusal(dec, client, login):
    login(dec.steering)
    n = dec.in_discovery.number
    page = client.post(URL, data=_form(dec, title="", **{
        f"outcome-{n}": "parked", f"rationale-{n}": "Min begrundelse"})).get_data(as_text=True)
    assert '<option value="parked" selected>' in page
    assert "Min begrundelse</textarea>" in page


def test_search_is_in_the_url_and_htmx_gets_the_log_only(dec, client, login):
    for title in ("Budget for 2027", "Ny leverandør"):
        services.record_decision(dec.project, dec.steering, decided_on=date.today(), title=title)
    db.session.commit()
    login(dec.world.users["observer"])
    page = client.get(f"{URL}?q=budget").get_data(as_text=True)
    assert "Budget for 2027" in page and "Ny leverandør" not in page
    assert 'value="budget"' in page
    response = client.get(f"{URL}?q=leverand", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="decision-log"')
    assert "Ny leverandør" in fragment and "Budget" not in fragment
    assert "HX-Request" in response.headers["Vary"]
    assert "1 decision found." in response.headers["HX-Trigger"]


def test_a_decision_of_another_project_is_not_found(dec, client, login, factory):
    decision = services.record_decision(dec.project, dec.steering, decided_on=date.today(),
                                        title="Hemmelig")
    beta_steering = factory.user(dec.world.muni_b, roles=[Role.STEERING],
                                 project=dec.world.project_b)
    db.session.commit()
    login(beta_steering)
    assert client.get(f"/p/BETA/decisions/{decision.id}").status_code == 404
    assert client.get(f"{URL}/{decision.id}").status_code == 404
    assert "Hemmelig" not in client.get("/p/BETA/decisions").get_data(as_text=True)


def test_the_page_is_danish_for_danish_readers(dec, client, login):
    login(dec.steering)
    page = client.get(URL, headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "<h1>Beslutninger</h1>" in page and "Til beslutning (2)" in page
