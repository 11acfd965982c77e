"""The release workflow, sign-off rules, release notes in both languages and the definition of
done, through the services."""
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.notifications.models import Notification
from app.releases import services
from app.releases.models import Release, ReleaseState
from app.services import RuleViolation, StaleVersion
from tests.releases.conftest import in_test, make_release


def test_candidates_are_accepted_items_of_closed_sprints(rel):
    candidates = services.candidate_items(rel.project)
    assert [i.title for i in candidates] == ["Eksport af aftaler", "Påmindelse om udløb"]


def test_an_item_is_in_at_most_one_release_that_is_not_cancelled(rel):
    first = make_release(rel, "2.4")
    second = make_release(rel, "2.5", items=False)
    with pytest.raises(RuleViolation):
        services.set_items(second, rel.lead, [rel.items[0].id], version=second.version_id)
    db.session.rollback()
    services.change_state(first, rel.lead, "cancelled", version=first.version_id,
                          reason="Slået sammen med 2.5")
    services.set_items(second, rel.lead, [rel.items[0].id], version=second.version_id)
    assert second.items == [rel.items[0]]


@pytest.mark.parametrize("which", ["open_item", "foreign_item"])
def test_items_not_accepted_or_of_another_project_are_refused(rel, which):
    release = make_release(rel, items=False)
    before = release.version_id
    with pytest.raises(RuleViolation) as refused:
        services.set_items(release, rel.lead, [getattr(rel, which).id],
                           version=release.version_id)
    assert refused.value.status == 422
    db.session.rollback()
    assert db.session.get(Release, release.id).items == []
    assert db.session.get(Release, release.id).version_id == before


def test_the_state_machine(rel):
    release = make_release(rel)
    assert release.state == ReleaseState.PLANNED
    for illegal in ("accepted", "released", "planned", "nonsense"):
        with pytest.raises(RuleViolation):
            services.change_state(release, rel.lead, illegal, version=release.version_id)
    services.change_state(release, rel.lead, "in_test", version=release.version_id)
    with pytest.raises(RuleViolation):
        services.change_state(release, rel.lead, "released", version=release.version_id)
    for tester, user in ((rel.ballerup, rel.po), (rel.aarhus, rel.aarhus_po)):
        services.sign_off(release, user, tester.id, version=release.version_id,
                          decision="approved")
    services.change_state(release, rel.lead, "accepted", version=release.version_id)
    services.change_state(release, rel.lead, "released", version=release.version_id)
    assert release.state == "released" and release.released_at is not None
    for any_state in ("planned", "in_test", "accepted", "cancelled"):
        with pytest.raises(RuleViolation) as refused:
            services.change_state(release, rel.lead, any_state, version=release.version_id)
        assert refused.value.status == 409


def test_a_release_goes_to_test_only_with_items_testers_and_a_window(rel):
    release = services.create_release(rel.project, rel.lead, name="3.0")
    with pytest.raises(RuleViolation, match="punkter"):  # outside a request: Danish
        services.change_state(release, rel.lead, "in_test", version=release.version_id)
    services.set_items(release, rel.lead, [rel.items[0].id], version=release.version_id)
    with pytest.raises(RuleViolation, match="testkommune"):
        services.change_state(release, rel.lead, "in_test", version=release.version_id)
    services.set_testers(release, rel.lead, [rel.aarhus.id], version=release.version_id)
    with pytest.raises(RuleViolation, match="testperiode"):
        services.change_state(release, rel.lead, "in_test", version=release.version_id)


def test_stale_forms_are_refused(rel):
    release = make_release(rel)
    with pytest.raises(StaleVersion):
        services.update_release(release, rel.lead, version=release.version_id - 1, name="X",
                                planned_on=None, test_from=None, test_to=None)


def test_testers_are_prefilled_from_willing_cosponsors(rel):
    release = make_release(rel, testers=[])
    assert services.suggested_testers(release) == {rel.aarhus.id}


def test_entering_test_notifies_the_test_municipalities_product_owners(rel):
    release = in_test(rel)
    recipients = set(db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == "release_in_test", Notification.target_id == release.id)))
    assert recipients == {rel.po.id, rel.aarhus_po.id}


def test_accepting_needs_every_approval(rel):
    release = in_test(rel)
    services.sign_off(release, rel.po, rel.ballerup.id, version=release.version_id,
                      decision="approved_with_remarks", text="Knappen er lidt lille")
    with pytest.raises(RuleViolation, match="Aarhus"):
        services.change_state(release, rel.lead, "accepted", version=release.version_id)
    services.sign_off(release, rel.aarhus_po, rel.aarhus.id, version=release.version_id,
                      decision="not_approved", text="Eksporten fejler")
    with pytest.raises(RuleViolation):
        services.change_state(release, rel.lead, "accepted", version=release.version_id)
    services.sign_off(release, rel.aarhus_po, rel.aarhus.id, version=release.version_id,
                      decision="approved")
    services.change_state(release, rel.lead, "accepted", version=release.version_id)
    assert release.state == "accepted" and release.override_reason == ""


def test_the_secretariat_overrides_with_a_reason(rel):
    release = in_test(rel)
    with pytest.raises(RuleViolation) as refused:
        services.change_state(release, rel.secretariat, "accepted", version=release.version_id)
    assert refused.value.field == "reason"
    services.change_state(release, rel.secretariat, "accepted", version=release.version_id,
                          reason="Styregruppen har besluttet det")
    assert release.override_reason == "Styregruppen har besluttet det"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "release.accepted"))
    assert event.details["override"] is True
    assert event.details["reason"] == "Styregruppen har besluttet det"


def test_sign_off_rules(rel):
    release = make_release(rel)
    with pytest.raises(RuleViolation) as refused:  # not in test yet
        services.sign_off(release, rel.po, rel.ballerup.id, version=release.version_id,
                          decision="approved")
    assert refused.value.status == 409
    services.change_state(release, rel.lead, "in_test", version=release.version_id)
    with pytest.raises(RuleViolation) as refused:  # for another municipality
        services.sign_off(release, rel.po, rel.aarhus.id, version=release.version_id,
                          decision="approved")
    assert refused.value.status == 403
    with pytest.raises(RuleViolation) as refused:  # remarks need their text
        services.sign_off(release, rel.po, rel.ballerup.id, version=release.version_id,
                          decision="approved_with_remarks")
    assert refused.value.field == "text"
    with pytest.raises(RuleViolation):
        services.sign_off(release, rel.po, rel.ballerup.id, version=release.version_id,
                          decision="maybe")
    assert all(t.decision is None for t in release.testers)


def test_release_notes_in_danish_and_english(rel):
    release = make_release(rel)
    da, en = release.notes_da, release.notes_en
    key = rel.project.key
    for notes in (da, en):
        assert f"{key}-{rel.items[0].number} Eksport af aftaler" in notes
        assert f"#{rel.need.number} {rel.need.title} (Ballerup Kommune)" in notes
    assert "What is new" in en and "Needs this release delivers" in en
    assert "planned for 15 Dec 2026" in en
    assert "Nyheder" in da and "Behov" in da and "What is new" not in da
    assert "15. dec. 2026" in da


def test_edited_notes_stay_until_written_afresh_and_are_frozen_when_released(rel):
    release = make_release(rel)
    services.edit_notes(release, rel.lead, version=release.version_id, notes_da="Egen tekst",
                        notes_en="Own text")
    services.set_items(release, rel.lead, [rel.items[0].id], version=release.version_id)
    assert release.notes_da == "Egen tekst"
    services.regenerate_notes(release, rel.lead, version=release.version_id)
    assert "Eksport af aftaler" in release.notes_da and "Påmindelse" not in release.notes_da
    release.state = "released"
    with pytest.raises(RuleViolation):
        services.edit_notes(release, rel.lead, version=release.version_id, notes_da="Nej",
                            notes_en="No")


def test_definition_of_done_defaults_and_editing(rel):
    assert services.definition_of_done(rel.project)[0] == "WCAG 2.1 AA kontrolleret"
    services.set_definition_of_done(rel.project, rel.secretariat, "Testet\n\n  Dokumenteret  \n")
    assert services.definition_of_done(rel.project) == ["Testet", "Dokumenteret"]
    with pytest.raises(RuleViolation):
        services.set_definition_of_done(rel.project, rel.secretariat, "  \n ")


def test_an_unmet_point_needs_an_explanation(rel):
    item = rel.open_item
    criteria = services.definition_of_done(rel.project)
    answers = [services.Answer(c, True) for c in criteria]
    answers[1] = services.Answer(criteria[1], False, "")
    with pytest.raises(RuleViolation) as refused:
        services.check_done(item, rel.dev, answers)
    assert refused.value.field == "explanation-2"
    answers[1].explanation = "Ingen persondata i denne ændring"
    rows = services.check_done(item, rel.dev, answers)
    assert [r.is_met for r in rows] == [True, False, True, True, True]
    assert rows[1].explanation == "Ingen persondata i denne ændring"


def test_the_checklist_is_ticked_only_on_items_on_their_way(rel):
    criteria = services.definition_of_done(rel.project)
    with pytest.raises(RuleViolation):
        services.check_done(rel.items[0], rel.dev, [services.Answer(c, True) for c in criteria])


def test_dates_are_checked(rel):
    with pytest.raises(RuleViolation):
        services.create_release(rel.project, rel.lead, name="x", test_from=date(2026, 12, 10),
                                test_to=date(2026, 12, 1))
    with pytest.raises(RuleViolation):
        services.create_release(rel.project, rel.lead, name="x", test_from=date(2026, 12, 10))
