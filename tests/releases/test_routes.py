"""Releases through the pages: what each person sees and may do, bad input answered with a
clear 4xx and nothing changed, the definition of done in the acceptance review, and the public
roadmap and its feed (only where the project publishes them)."""
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.board.services import move_item
from app.extensions import db
from app.releases import services
from app.releases.models import DoneCheck, Release
from tests.releases.conftest import in_test, make_release, url

ATOM = "{http://www.w3.org/2005/Atom}"


def _reload(release) -> Release:
    db.session.expire_all()
    return db.session.get(Release, release.id)


def _released(rel, name="2.4"):
    release = in_test(rel, name=name)
    for tester, user in ((rel.ballerup, rel.po), (rel.aarhus, rel.aarhus_po)):
        services.sign_off(release, user, tester.id, version=release.version_id,
                          decision="approved")
    services.change_state(release, rel.lead, "accepted", version=release.version_id)
    services.change_state(release, rel.lead, "released", version=release.version_id)
    db.session.commit()
    return release


def test_the_delivery_lead_plans_a_release_and_sees_the_candidates(rel, login):
    client = login(rel.lead)
    answer = client.post("/p/ALPHA/releases", data={"name": "2.4", "planned_on": "2026-12-15"})
    assert answer.status_code == 303
    release = db.session.scalar(select(Release))
    page = client.get(url(rel, release)).text
    assert "Eksport af aftaler" in page and "Stadig i accept" not in page
    answer = client.post(url(rel, release, "/items"), data={
        "version": release.version_id, "items": [str(i.id) for i in rel.items]})
    assert answer.status_code == 303
    page = client.get(url(rel, release)).text
    assert rel.need.title in page
    # Pre-filled with Aarhus, the co-sponsor willing to test.
    assert f'name="testers" value="{rel.aarhus.id}" checked' in page
    assert f'name="testers" value="{rel.ballerup.id}" >' in page


def test_a_member_reads_but_does_not_plan(rel, login):
    release = make_release(rel)
    client = login(rel.observer)
    page = client.get(url(rel, release)).text
    assert "2.4" in page and "Send to test" not in page
    assert client.post(url(rel, release, "/state"), data={
        "version": release.version_id, "state": "in_test"}).status_code == 403


def test_a_release_of_another_project_is_not_found(rel, login, world):
    release = make_release(rel)
    client = login(world.users["outsider"])
    assert client.get(url(rel, release)).status_code == 404
    assert client.get(f"/p/BETA/releases/{release.number}").status_code == 404


@pytest.mark.parametrize("which", ["open_item", "foreign_item"])
def test_items_not_accepted_or_of_another_project_answer_422(rel, login, which):
    release = make_release(rel, items=False)
    answer = login(rel.lead).post(url(rel, release, "/items"), data={
        "version": release.version_id, "items": [str(getattr(rel, which).id)]})
    assert answer.status_code == 422
    assert "Only accepted items of closed sprints" in answer.text
    assert _reload(release).items == []


def test_signing_off_for_another_municipality_is_forbidden(rel, login):
    release = in_test(rel)
    answer = login(rel.po).post(url(rel, release, f"/sign-off/{rel.aarhus.id}"), data={
        "version": release.version_id, "decision": "approved"})
    assert answer.status_code == 403
    assert all(t.decision is None for t in _reload(release).testers)


def test_a_product_owner_signs_off_for_their_municipality(rel, login):
    release = in_test(rel)
    client = login(rel.aarhus_po)
    page = client.get(url(rel, release)).text
    assert "Sign off for Aarhus Kommune" in page and "Sign off for Ballerup" not in page
    refused = client.post(url(rel, release, f"/sign-off/{rel.aarhus.id}"), data={
        "version": release.version_id, "decision": "not_approved", "text": ""})
    assert refused.status_code == 422 and "Write the remarks" in refused.text
    answer = client.post(url(rel, release, f"/sign-off/{rel.aarhus.id}"), data={
        "version": release.version_id, "decision": "not_approved", "text": "Eksporten fejler"})
    assert answer.status_code == 303
    tester = services.tester_of(_reload(release), rel.aarhus.id)
    assert (tester.decision, tester.text) == ("not_approved", "Eksporten fejler")


def test_accepting_with_a_missing_sign_off_answers_422(rel, login):
    release = in_test(rel)
    answer = login(rel.lead).post(url(rel, release, "/state"), data={
        "version": release.version_id, "state": "accepted"})
    assert answer.status_code == 422
    assert "Every test municipality must approve first" in answer.text
    assert _reload(release).state == "in_test"


def test_illegal_transitions_answer_409(rel, login):
    release = make_release(rel)
    answer = login(rel.lead).post(url(rel, release, "/state"), data={
        "version": release.version_id, "state": "released"})
    assert answer.status_code == 409
    assert _reload(release).state == "planned"


def test_a_stale_form_answers_409_and_changes_nothing(rel, login):
    release = make_release(rel)
    old = release.version_id
    client = login(rel.lead)
    client.post(url(rel, release, "/details"), data={
        "version": old, "name": "2.4.1", "planned_on": "2026-12-16"})
    answer = client.post(url(rel, release, "/details"), data={"version": old, "name": "9.9"})
    assert answer.status_code == 409
    assert _reload(release).name == "2.4.1"


def test_the_secretariat_overrides_with_a_recorded_reason(rel, login):
    release = in_test(rel)
    client = login(rel.secretariat)
    refused = client.post(url(rel, release, "/state"), data={
        "version": release.version_id, "state": "accepted"})
    assert refused.status_code == 422
    answer = client.post(url(rel, release, "/state"), data={
        "version": release.version_id, "state": "accepted",
        "reason": "Hastende sikkerhedsrettelse"})
    assert answer.status_code == 303
    page = client.get(url(rel, release)).text
    assert "Hastende sikkerhedsrettelse" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "release.accepted")) == 1


def test_notes_are_editable_until_released(rel, login):
    release = make_release(rel)
    client = login(rel.lead)
    answer = client.post(url(rel, release, "/notes"), data={
        "version": release.version_id, "notes_da": "**Ny** version", "notes_en": "**New**"})
    assert answer.status_code == 303
    assert "<strong>Ny</strong> version" in client.get(url(rel, release)).text


def test_released_notes_are_frozen(rel, login):
    release = _released(rel)
    answer = login(rel.lead).post(url(rel, release, "/notes"), data={
        "version": release.version_id, "notes_da": "Ændret", "notes_en": "Changed"})
    assert answer.status_code == 409
    assert "Ændret" not in _reload(release).notes_da


def test_the_roadmap_and_feed_publish_released_notes_only_when_public(rel, client):
    _released(rel)
    make_release(rel, "2.5", items=False)
    assert client.get("/roadmap/ALPHA").status_code == 404
    rel.project.is_roadmap_public = True
    db.session.commit()
    page = client.get("/roadmap/ALPHA").text
    assert "Released 2.4" not in page and "2.4" in page and "What is new" in page
    assert "Eksport af aftaler" in page and "2.5" not in page
    danish = client.get("/roadmap/ALPHA", headers={"Accept-Language": "da"}).text
    assert "Nyheder" in danish
    feed = ET.fromstring(client.get("/roadmap/ALPHA/feed.atom").data)
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert "Released: 2.4" in titles and not any("2.5" in t for t in titles)


def test_the_roadmap_does_not_grow_with_the_releases(rel, client, count_statements):
    rel.project.is_roadmap_public = True
    _released(rel)
    client.get("/roadmap/ALPHA")

    def count(path):
        with count_statements:
            assert client.get(path).status_code == 200
        return len(count_statements.statements)

    few = (count("/roadmap/ALPHA"), count("/roadmap/ALPHA/feed.atom"))
    for n in range(3):
        release = services.create_release(rel.project, rel.lead, name=f"3.{n}")
        release.state, release.released_at = "released", release.created_at
    db.session.commit()
    assert (count("/roadmap/ALPHA"), count("/roadmap/ALPHA/feed.atom")) == few


def _answers(rel, met_second=False, explanation=""):
    criteria = services.definition_of_done(rel.project)
    data = {}
    for n, criterion in enumerate(criteria, 1):
        data[f"criterion-{n}"] = criterion
        if n != 2 or met_second:
            data[f"met-{n}"] = "1"
    data["explanation-2"] = explanation
    return data


def test_the_vendor_must_explain_an_unmet_point(rel, login):
    item = rel.open_item
    client = login(rel.dev)
    path = f"/p/ALPHA/items/{item.number}/definition-of-done"
    refused = client.post(path, data=_answers(rel))
    assert refused.status_code == 422 and "is not met" in refused.text
    assert db.session.scalar(select(func.count()).select_from(DoneCheck)) == 0
    assert client.post(path, data=_answers(rel, explanation="Ingen persondata")).status_code == 303
    # The product owner sees the ticks and the explanation in the acceptance review.
    review = login(rel.po).get(f"/p/ALPHA/items/{item.number}").text
    assert "Definition of done" in review and "Ingen persondata" in review
    assert "Tick the definition of done" not in review


def test_a_changed_checklist_makes_the_form_stale(rel, login):
    data = _answers(rel, met_second=True)
    services.set_definition_of_done(rel.project, rel.secretariat, "Kun ét punkt")
    db.session.commit()
    answer = login(rel.dev).post(f"/p/ALPHA/items/{rel.open_item.number}/definition-of-done",
                                 data=data)
    assert answer.status_code == 409


def test_the_release_shows_its_items_explanations(rel, login):
    item = rel.open_item
    services.check_done(item, rel.dev, [services.Answer(c, n != 1, "" if n != 1 else
                                                        "Tjekkes i næste sprint")
                                        for n, c in enumerate(
                                            services.definition_of_done(rel.project), 1)])
    move_item(item, rel.po, "done")
    db.session.commit()
    # Closing the sprint is what makes items releasable; here the item is put in by hand.
    release = make_release(rel)
    release.items.append(item)
    db.session.commit()
    page = login(rel.observer).get(url(rel, release)).text
    assert "Tjekkes i næste sprint" in page and "Not ticked" in page


def test_the_definition_of_done_page(rel, login):
    client = login(rel.lead)
    assert "WCAG 2.1 AA checked" in client.get("/p/ALPHA/definition-of-done").text
    assert client.post("/p/ALPHA/definition-of-done", data={"criteria": " \n "}).status_code == 422
    assert client.post("/p/ALPHA/definition-of-done",
                       data={"criteria": "Testet\nDokumenteret"}).status_code == 303
    assert services.definition_of_done(rel.project) == ["Testet", "Dokumenteret"]
    assert login(rel.po).post("/p/ALPHA/definition-of-done",
                              data={"criteria": "Intet"}).status_code == 403
