"""The needs pages as users see them: the list, a need, and the actions on it."""
import json

import pytest
from sqlalchemy import func, select

from app.discovery import services
from app.discovery.models import Need, NeedCoSponsor, NeedNote
from app.discovery.models import NeedStatus as S
from app.extensions import db
from tests.discovery.conftest import NEED_TEXTS, need_url
from tests.pages import shown

HTMX = {"HX-Request": "true"}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _announced(response) -> str:
    return json.loads(response.headers["HX-Trigger"])["samspil:announce"]


# The list ------------------------------------------------------------------------------------

def test_the_list_shows_status_municipality_and_co_sponsor_count(disc, login):
    services.cosponsor(disc.need, disc.po)
    db.session.commit()
    html = login(disc.contributor).get("/p/ALPHA/needs").get_data(as_text=True)
    assert NEED_TEXTS["title"] in html and "Aarhus Kommune" in html
    assert '<td class="num">1</td>' in html  # the number and the co-sponsor count
    assert "Submit a need" in html


def test_the_list_is_danish_for_danish_browsers(disc, login):
    html = login(disc.contributor).get("/p/ALPHA/needs", headers={"Accept-Language": "da-DK"})
    assert "Indsend et behov" in html.get_data(as_text=True)


def test_the_list_reads_its_filters_from_the_url_and_answers_htmx_with_the_results(disc, login):
    client = login(disc.contributor)
    other = services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": "Kitos-import"})
    services.set_status(other, S.IN_DISCOVERY, actor=disc.po)
    db.session.commit()
    page = client.get("/p/ALPHA/needs?status=in_discovery").get_data(as_text=True)
    assert "Kitos-import" in page and NEED_TEXTS["title"] not in page
    assert '<option value="in_discovery" selected>' in page
    response = client.get("/p/ALPHA/needs?q=kitos", headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<div id=\"needs-results\"") and "<html" not in html
    assert "Kitos-import" in html and NEED_TEXTS["title"] not in html
    assert "HX-Request" in response.headers["Vary"]
    assert _announced(response) == "1 need found."
    assert "No needs match" in client.get("/p/ALPHA/needs?q=ingenting").get_data(as_text=True)


def test_the_list_takes_the_same_number_of_queries_for_many_needs(disc, login, count_statements):
    client = login(disc.contributor)
    client.get("/p/ALPHA/needs")  # warm the caches

    def queries_for_list():
        with count_statements:
            assert client.get("/p/ALPHA/needs?sort=cosponsors").status_code == 200
        return count_statements.statements

    few = queries_for_list()
    for i in range(8):
        need = services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": f"Behov {i}"})
        services.cosponsor(need, disc.aarhus_po)
    db.session.commit()
    many = queries_for_list()
    assert len(many) == len(few)
    assert sum("FROM need " in s or "FROM need\n" in s for s in many) == 1


def test_a_need_page_takes_the_same_statements_however_much_it_shows(disc, login,
                                                                     count_statements):
    client = login(disc.aarhus_contributor)

    def statements():
        client.get(need_url(disc))  # after the commit: the test's own rows are read again
        with count_statements:
            assert client.get(need_url(disc)).status_code == 200
        return count_statements.statements

    def show_more(authors):
        # Each list is read with what it names (organisations, people) in one statement.
        for author in authors:
            services.add_note(disc.need, author, "workshop", f"Noter fra {author.name}")
            services.update_need(disc.need, disc.aarhus_po, title=f"Behov set af {author.name}")
        db.session.commit()

    services.cosponsor(disc.need, disc.po)
    show_more([disc.po])
    some = statements()
    services.withdraw_cosponsorship(disc.need, disc.po)
    services.cosponsor(disc.need, disc.po)
    show_more([disc.aarhus_po, disc.contributor, disc.secretariat])
    many = statements()
    assert len(many) == len(some), "\n\n".join(many)
    assert len(many) <= 17, "\n\n".join(many)


# Submitting and editing ----------------------------------------------------------------------

def test_submitting_a_need(disc, login):
    response = login(disc.contributor).post("/p/ALPHA/needs/new", data={
        **NEED_TEXTS, "title": "Påmindelser før kontraktudløb", "risks": "For mange mails"})
    assert response.status_code == 303
    need = db.session.scalar(select(Need).where(Need.number == 2))
    assert response.headers["Location"].endswith("/p/ALPHA/needs/2")
    assert (need.organisation_id, need.submitter_id, need.risks) == (
        disc.ballerup.id, disc.contributor.id, "For mange mails")


@pytest.mark.parametrize(("data", "message"), [
    ({**NEED_TEXTS, "title": ""}, "Fill in this field."),
    ({**NEED_TEXTS, "desired_outcome": "   "}, "Fill in this field."),
    ({**NEED_TEXTS, "title": "x" * 201}, "200"),
    ({**NEED_TEXTS, "background": "x" * 20001}, "20000"),
])
def test_bad_needs_are_refused_with_the_reason_and_nothing_saved(disc, login, data, message):
    response = login(disc.contributor).post("/p/ALPHA/needs/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Need) == 1


def test_vendors_cannot_submit(disc, login):
    assert login(disc.developer).post("/p/ALPHA/needs/new", data=NEED_TEXTS).status_code == 403
    assert _count(Need) == 1


def test_the_need_page_shows_the_need_with_safe_markdown(disc, login):
    services.update_need(disc.need, disc.po, risks="<script>alert(1)</script> **svært**")
    db.session.commit()
    html = login(disc.observer).get(need_url(disc)).get_data(as_text=True)
    assert "<strong>ESDH</strong>" in html and "<strong>svært</strong>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "Submitted by Aarhus Kommune" in shown(html) and "Jonas Aarhus" in html


def test_an_unknown_need_is_404(disc, login):
    assert login(disc.po).get("/p/ALPHA/needs/99").status_code == 404


def _edit_token(client, d):
    html = client.get(need_url(d, "/edit")).get_data(as_text=True)
    return html.split('name="edit_token" value="')[1].split('"')[0]


def test_the_submitter_edits_and_the_history_shows_it(disc, login):
    client = login(disc.aarhus_po)
    token = _edit_token(client, disc)
    response = client.post(need_url(disc, "/edit"), data={
        **NEED_TEXTS, "risks": "Kitos' API ændrer sig", "edit_token": token})
    assert response.status_code == 303
    assert disc.need.risks == "Kitos' API ændrer sig"
    html = client.get(need_url(disc)).get_data(as_text=True)
    assert "Jonas Aarhus changed risks." in shown(html)


def test_others_than_the_submitter_po_and_secretariat_cannot_edit(disc, login):
    client = login(disc.aarhus_contributor)
    assert client.get(need_url(disc, "/edit")).status_code == 403
    response = client.post(need_url(disc, "/edit"), data={**NEED_TEXTS, "title": "Kapret"})
    assert response.status_code == 403 and disc.need.title == NEED_TEXTS["title"]


def test_an_edit_over_someone_elses_changes_is_refused(disc, login):
    client = login(disc.po)
    token = _edit_token(client, disc)
    services.update_need(disc.need, disc.secretariat, risks="Ny risiko")
    db.session.commit()
    response = client.post(need_url(disc, "/edit"), data={**NEED_TEXTS, "edit_token": token})
    assert response.status_code == 409
    assert "Someone else saved changes" in response.get_data(as_text=True)
    assert disc.need.risks == "Ny risiko"


# Status ------------------------------------------------------------------------------------

def test_a_product_owner_moves_the_status(disc, login):
    client = login(disc.po)
    response = client.post(need_url(disc, "/status"), data={"status": "in_discovery"})
    assert response.status_code == 303 and disc.need.status == S.IN_DISCOVERY
    html = client.get(need_url(disc)).get_data(as_text=True)
    assert "changed the status from submitted to in discovery" in html


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"status": "planned"}, 422, "A need cannot go from submitted to planned."),
    ({"status": "declined", "rationale": " "}, 422, "Give the reason"),
    ({"status": "submitted"}, 409, "already submitted"),
    ({"status": "bogus"}, 422, "Unknown status"),
    ({"status": ""}, 422, "Choose the new status."),
    ({"status": "parked", "rationale": "x" * 4001}, 422, "4000"),
])
def test_refused_status_changes_say_why_and_change_nothing(disc, login, data, status, message):
    response = login(disc.secretariat).post(need_url(disc, "/status"), data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert disc.need.status == S.SUBMITTED and len(disc.need.changes) == 1


def test_a_declined_needs_rationale_is_shown_to_every_member(disc, login):
    login(disc.po).post(need_url(disc, "/status"), data={
        "status": "declined", "rationale": "Dækkes af Kitos-integrationen."})
    html = login(disc.developer).get(need_url(disc)).get_data(as_text=True)
    assert "Declined" in html and "Dækkes af Kitos-integrationen." in html


def test_contributors_cannot_move_the_status(disc, login):
    response = login(disc.contributor).post(need_url(disc, "/status"),
                                            data={"status": "in_discovery"})
    assert response.status_code == 403 and disc.need.status == S.SUBMITTED


# Co-sponsorship ------------------------------------------------------------------------------

def test_co_sponsoring_with_htmx_updates_the_panel_and_announces_it(disc, login):
    client = login(disc.contributor)
    page = client.get(need_url(disc)).get_data(as_text=True)
    assert "Co-sponsor on behalf of Ballerup Kommune" in shown(page)
    form = client.get(need_url(disc, "/cosponsor"), headers=HTMX)
    assert 'name="is_willing_to_test"' in form.get_data(as_text=True)
    assert "<html" not in form.get_data(as_text=True)
    response = client.post(need_url(disc, "/cosponsor"), headers=HTMX, data={
        "note": "Vi mangler det også", "is_willing_to_test": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="cosponsors"')
    assert "Ballerup Kommune" in html and "Vi mangler det også" in html
    assert "Test municipality" in html
    assert "Withdraw the co-sponsorship of Ballerup Kommune" in shown(html)
    assert _announced(response) == "Ballerup Kommune now co-sponsors this need."
    sponsorship = db.session.scalars(select(NeedCoSponsor)).one()
    assert sponsorship.is_willing_to_test and not sponsorship.is_willing_to_cofund


def test_co_sponsoring_twice_is_a_clear_conflict(disc, login):
    services.cosponsor(disc.need, disc.po)
    db.session.commit()
    response = login(disc.contributor).post(need_url(disc, "/cosponsor"), headers=HTMX, data={})
    assert response.status_code == 409
    assert "Ballerup Kommune already co-sponsors this need." in response.get_data(as_text=True)
    assert _count(NeedCoSponsor) == 1


def test_co_sponsoring_without_javascript_redirects_back(disc, login):
    client = login(disc.contributor)
    assert "<html" in client.get(need_url(disc, "/cosponsor")).get_data(as_text=True)
    response = client.post(need_url(disc, "/cosponsor"), data={"is_willing_to_cofund": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#cosponsors")
    assert db.session.scalars(select(NeedCoSponsor)).one().is_willing_to_cofund


def test_the_submitting_municipality_sees_no_button_and_is_refused(disc, login):
    client = login(disc.aarhus_contributor)
    page = client.get(need_url(disc)).get_data(as_text=True)
    assert "Co-sponsor on behalf of" not in page and "Aarhus Kommune submitted this need." in page
    response = client.post(need_url(disc, "/cosponsor"), headers=HTMX, data={})
    assert response.status_code == 422
    assert "cannot also co-sponsor it" in response.get_data(as_text=True)
    assert _count(NeedCoSponsor) == 0


@pytest.mark.parametrize("role", ["developer", "delivery_lead", "observer", "steering"])
def test_vendors_and_other_roles_cannot_co_sponsor(disc, login, role):
    client = login(disc.world.users[role])
    assert "Co-sponsor on behalf of" not in client.get(need_url(disc)).get_data(as_text=True)
    assert client.post(need_url(disc, "/cosponsor"), headers=HTMX, data={}).status_code == 403
    assert _count(NeedCoSponsor) == 0


def test_a_vendor_opening_co_sponsoring_is_told_why_not(disc, login):
    for language, reason in (("en", "Only municipalities can co-sponsor needs."),
                             ("da", "Kun kommuner kan støtte behov.")):
        response = login(disc.developer).get(need_url(disc, "/cosponsor"),
                                             headers={"Accept-Language": language})
        assert response.status_code == 403
        assert reason in response.text and "<h1" in response.text  # the page, not a bare 403
        assert 'name="note"' not in response.text
    observer = login(disc.observer).get(need_url(disc, "/cosponsor"))
    assert observer.status_code == 403
    assert "Only product owners and contributors can co-sponsor" in observer.text


def test_the_note_and_flags_change_without_withdrawing(disc, login):
    services.cosponsor(disc.need, disc.contributor, "Vi mangler det også",
                       is_willing_to_cofund=True)
    db.session.commit()
    client = login(disc.po)
    page = shown(client.get(need_url(disc)).text)
    assert "Change the co-sponsorship of Ballerup Kommune" in page
    form = client.get(need_url(disc, "/cosponsor"), headers=HTMX).text
    assert "Vi mangler det også" in form and "/cosponsor/edit" in form  # as it stands
    assert "Save the co-sponsorship of Ballerup Kommune" in shown(form)
    response = client.post(need_url(disc, "/cosponsor/edit"), headers=HTMX, data={
        "note": "Vi kan teste i januar", "is_willing_to_test": "y"})
    assert response.status_code == 200
    assert _announced(response) == "The co-sponsorship of Ballerup Kommune is saved."
    sponsorship = db.session.scalars(select(NeedCoSponsor)).one()
    assert sponsorship.note == "Vi kan teste i januar"
    assert sponsorship.is_willing_to_test and not sponsorship.is_willing_to_cofund
    history = shown(client.get(need_url(disc)).text)
    assert "A product_owner changed the co-sponsorship of Ballerup Kommune." in history
    assert "withdrew the co-sponsorship" not in history


def test_changing_a_co_sponsorship_one_does_not_have_is_a_conflict(disc, login):
    response = login(disc.contributor).post(need_url(disc, "/cosponsor/edit"), headers=HTMX,
                                            data={"note": "Hej"})
    assert response.status_code == 409
    assert "Ballerup Kommune does not co-sponsor this need." in response.text
    assert _count(NeedCoSponsor) == 0


def test_an_oversized_note_keeps_the_form_open_with_the_reason(disc, login):
    response = login(disc.contributor).post(need_url(disc, "/cosponsor"), headers=HTMX,
                                            data={"note": "x" * 2001})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in html and "2000" in html
    assert _count(NeedCoSponsor) == 0


def test_withdrawing_with_htmx(disc, login):
    services.cosponsor(disc.need, disc.contributor)
    db.session.commit()
    client = login(disc.po)
    response = client.post(need_url(disc, "/cosponsor/withdraw"), headers=HTMX)
    assert response.status_code == 200 and _count(NeedCoSponsor) == 0
    assert "Co-sponsor on behalf of Ballerup Kommune" in shown(response.get_data(as_text=True))
    assert _announced(response) == "Ballerup Kommune no longer co-sponsors this need."
    again = client.post(need_url(disc, "/cosponsor/withdraw"), headers=HTMX)
    assert again.status_code == 409


def test_another_municipality_cannot_withdraw_a_co_sponsorship(disc, login, factory):
    services.cosponsor(disc.need, disc.contributor)
    db.session.commit()
    response = login(disc.aarhus_po).post(need_url(disc, "/cosponsor/withdraw"), headers=HTMX)
    assert response.status_code == 409 and _count(NeedCoSponsor) == 1


# Discovery log and escalation ----------------------------------------------------------------

def test_any_member_adds_to_the_discovery_log_with_htmx(disc, login):
    client = login(disc.developer)
    response = client.post(need_url(disc, "/notes"), headers=HTMX, data={
        "kind": "question", "occurred_on": "2026-01-15", "body": "Skal **Kitos** med?"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="discovery-log"')
    assert "<strong>Kitos</strong>" in html and "Question" in html and disc.developer.name in html
    assert _announced(response) == "The note is added to the discovery log."
    client.post(need_url(disc, "/notes"), headers=HTMX, data={"kind": "answer", "body": "Ja"})
    notes = client.get(need_url(disc)).get_data(as_text=True)
    assert notes.index("Ja</p>") < notes.index("Skal <strong>")  # newest first


@pytest.mark.parametrize("data", [{"kind": "note", "body": ""}, {"kind": "rumour", "body": "x"},
                                  {"kind": "note", "body": "x" * 20001},
                                  {"kind": "note", "body": "x", "occurred_on": "2999-01-01"},
                                  {"kind": "note", "body": "x", "occurred_on": "not a date"}])
def test_bad_notes_are_refused(disc, login, data):
    response = login(disc.observer).post(need_url(disc, "/notes"), headers=HTMX, data=data)
    assert response.status_code == 422 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _count(NeedNote) == 0


def test_escalating_and_withdrawing_through_the_page(disc, login):
    client = login(disc.po)
    assert client.post(need_url(disc, "/escalate"), data={"reason": ""}).status_code == 422
    response = client.post(need_url(disc, "/escalate"), data={"reason": "Prioritering?"})
    assert response.status_code == 303 and disc.need.is_escalated
    assert client.post(need_url(disc, "/escalate"), data={"reason": "Igen"}).status_code == 409
    html = login(disc.observer).get(need_url(disc)).get_data(as_text=True)
    assert "Escalated for decision" in html and "Prioritering?" in html
    assert "Withdraw the escalation" not in html  # observers cannot
    login(disc.secretariat)
    assert client.post(need_url(disc, "/escalation/withdraw"), data={}).status_code == 303
    assert not disc.need.is_escalated


# Access ------------------------------------------------------------------------------------

def test_odense_outside_the_project_sees_nothing(disc, login):
    client = login(disc.world.users["outsider"])
    for url in ("/p/ALPHA/needs", need_url(disc), need_url(disc, "/edit")):
        assert client.get(url).status_code == 404
    assert client.post(need_url(disc, "/cosponsor"), data={}).status_code == 404
    assert client.post(need_url(disc, "/notes"),
                       data={"kind": "note", "body": "x"}).status_code == 404
    assert _count(NeedCoSponsor) == 0 and _count(NeedNote) == 0


def test_needs_of_another_project_are_not_reachable_by_number(disc, login, factory):
    beta = disc.world.project_b
    services.create_need(beta, disc.world.users["outsider"],
                         **{**NEED_TEXTS, "title": "Beta-behov"})
    db.session.commit()
    html = login(disc.po).get("/p/ALPHA/needs/1").get_data(as_text=True)
    assert NEED_TEXTS["title"] in html and "Beta-behov" not in html
    assert login(disc.po).get("/p/BETA/needs/1").status_code == 404


def test_csrf_is_required_for_htmx_posts(disc, login, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = login(disc.contributor).post(need_url(disc, "/cosponsor"), headers=HTMX, data={})
        assert response.status_code == 400 and _count(NeedCoSponsor) == 0
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
