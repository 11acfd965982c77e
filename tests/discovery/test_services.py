"""The rules of requirement discovery, at the service level."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.database import utcnow
from app.discovery import services
from app.discovery.models import Need, NeedChange, NeedCoSponsor, NeedNote
from app.discovery.models import NeedStatus as S
from app.discovery.queries import NeedFilters, escalated_needs, list_needs
from app.extensions import db
from app.projects.models import Role
from app.services import RuleViolation
from tests.discovery.conftest import NEED_TEXTS


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _walk(need, *statuses, actor=None):
    for status in statuses:
        services.set_status(need, status, actor=actor, rationale="Begrundelse")


# Numbering ---------------------------------------------------------------------------------

def test_needs_are_numbered_per_project_and_numbers_are_never_reused(disc, factory):
    second = services.create_need(disc.project, disc.po, **NEED_TEXTS)
    assert (disc.need.number, second.number) == (1, 2)
    db.session.delete(second)
    db.session.flush()
    assert services.create_need(disc.project, disc.po, **NEED_TEXTS).number == 3
    other = factory.project("GAMMA", organisations=[disc.ballerup])
    po = factory.user(disc.ballerup, roles=[Role.PRODUCT_OWNER], project=other)
    assert services.create_need(other, po, **NEED_TEXTS).number == 1


# Submitting and editing ---------------------------------------------------------------------

def test_a_new_need_is_submitted_by_the_municipality_and_logged(disc):
    need = disc.need
    assert need.status == S.SUBMITTED
    assert need.organisation_id == disc.aarhus.id and need.submitter_id == disc.aarhus_po.id
    assert [(c.field, c.new_value) for c in need.changes] == [("created", NEED_TEXTS["title"])]


@pytest.mark.parametrize("field", ["title", "background", "desired_outcome", "expected_value"])
def test_required_fields_are_required(disc, field):
    with pytest.raises(RuleViolation) as exc:
        services.create_need(disc.project, disc.po, **{**NEED_TEXTS, field: "  \n "})
    assert exc.value.field == field
    assert _count(Need) == 1


def test_oversized_fields_are_refused(disc):
    with pytest.raises(RuleViolation) as exc:
        services.create_need(disc.project, disc.po, **{**NEED_TEXTS, "title": "x" * 201})
    assert exc.value.field == "title" and "200" in exc.value.message
    with pytest.raises(RuleViolation) as exc:
        services.update_need(disc.need, disc.po, risks="r" * 20001)
    assert exc.value.field == "risks"


def test_texts_are_cleaned(disc):
    need = services.create_need(disc.project, disc.po, **{
        **NEED_TEXTS, "title": "  Kontrakt\x00overblik \n i  Kitos ", "background": "a\r\nb\x07"})
    assert need.title == "Kontraktoverblik i Kitos"
    assert need.background == "a\nb"


def test_vendors_and_non_participating_municipalities_cannot_submit(disc, factory):
    with pytest.raises(RuleViolation) as exc:
        services.create_need(disc.project, disc.developer, **NEED_TEXTS)
    assert exc.value.status == 403
    roskilde = factory.municipality("Roskilde Kommune", 265)
    stranger = factory.user(roskilde)
    with pytest.raises(RuleViolation, match="Roskilde") as exc:
        services.create_need(disc.project, stranger, **NEED_TEXTS)
    assert exc.value.status == 403 and _count(Need) == 1


def test_editing_records_each_changed_field(disc):
    changed = services.update_need(disc.need, disc.po, title=NEED_TEXTS["title"],
                                   risks="Leverandøren når det ikke.", background="Ny baggrund")
    assert changed == ["risks", "background"]
    fields = [(c.field, c.old_value, c.new_value, c.actor_id) for c in disc.need.changes[1:]]
    assert fields == [("risks", "", "Leverandøren når det ikke.", disc.po.id),
                      ("background", NEED_TEXTS["background"], "Ny baggrund", disc.po.id)]


# The status workflow -------------------------------------------------------------------------

REACH = {  # a path from submitted to each status, by hand
    S.SUBMITTED: [], S.IN_DISCOVERY: [S.IN_DISCOVERY], S.READY: [S.IN_DISCOVERY, S.READY],
    S.PLANNED: [S.IN_DISCOVERY, S.READY, S.PLANNED],
    S.DELIVERED: [S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED],
    S.DECLINED: [S.DECLINED], S.PARKED: [S.PARKED],
}
ALLOWED = [(a, b) for a, targets in services.TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a in S for b in S if a != b and b not in services.TRANSITIONS[a]]


def test_the_transition_graph_is_the_documented_one():
    assert services.TRANSITIONS == {
        S.SUBMITTED: {S.IN_DISCOVERY, S.DECLINED, S.PARKED},
        S.IN_DISCOVERY: {S.READY, S.DECLINED, S.PARKED},
        S.READY: {S.PLANNED, S.IN_DISCOVERY, S.DECLINED, S.PARKED},
        S.PLANNED: {S.DELIVERED, S.READY},
        S.DELIVERED: {S.PLANNED},
        S.DECLINED: {S.SUBMITTED},
        S.PARKED: {S.SUBMITTED, S.IN_DISCOVERY},
    }


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_allowed_transitions(disc, old, new):
    _walk(disc.need, *REACH[old], actor=disc.po)
    change = services.set_status(disc.need, new, actor=disc.po, rationale="Fordi")
    assert disc.need.status == new
    assert (change.field, change.old_value, change.new_value, change.actor_id) == (
        "status", old, new, disc.po.id)
    assert not change.is_by_system


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_refused_transitions_change_nothing(disc, old, new):
    _walk(disc.need, *REACH[old], actor=disc.po)
    changes = len(disc.need.changes)
    with pytest.raises(RuleViolation) as exc:
        services.set_status(disc.need, new, actor=disc.po, rationale="Fordi")
    assert exc.value.field == "status" and exc.value.status == 422
    assert disc.need.status == old and len(disc.need.changes) == changes


def test_moving_to_the_same_status_or_an_unknown_one_is_refused(disc):
    with pytest.raises(RuleViolation) as exc:
        services.set_status(disc.need, S.SUBMITTED, actor=disc.po)
    assert exc.value.status == 409 and exc.value.field == "status"
    with pytest.raises(RuleViolation) as exc:
        services.set_status(disc.need, "approved", actor=disc.po)
    assert exc.value.field == "status" and exc.value.status == 422
    assert disc.need.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.DECLINED, S.PARKED])
def test_declining_and_parking_require_a_rationale(disc, status):
    for empty in (None, "", "   "):
        with pytest.raises(RuleViolation) as exc:
            services.set_status(disc.need, status, actor=disc.po, rationale=empty)
        assert exc.value.field == "rationale"
    assert disc.need.status == S.SUBMITTED
    services.set_status(disc.need, status, actor=disc.po, rationale="Dækkes af Kitos.")
    assert disc.need.status_rationale == "Dækkes af Kitos."
    assert disc.need.changes[-1].comment == "Dækkes af Kitos."


def test_an_oversized_rationale_is_refused(disc):
    with pytest.raises(RuleViolation) as exc:
        services.set_status(disc.need, S.DECLINED, actor=disc.po, rationale="x" * 4001)
    assert exc.value.field == "rationale" and disc.need.status == S.SUBMITTED


def test_only_a_declined_needs_rationale_can_be_public(disc):
    services.set_status(disc.need, S.PARKED, actor=disc.po, rationale="Venter",
                        rationale_public=True)
    assert not disc.need.is_rationale_public
    services.set_status(disc.need, S.SUBMITTED, actor=disc.po)
    assert disc.need.status_rationale == ""
    services.set_status(disc.need, S.DECLINED, actor=disc.po, rationale="Nej",
                        rationale_public=True)
    assert disc.need.is_rationale_public


def test_delivery_is_dated_and_reopening_clears_it(disc):
    _walk(disc.need, S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED, actor=disc.po)
    assert disc.need.delivered_at is not None
    assert disc.need.delivered_at == disc.need.status_changed_at
    services.set_status(disc.need, S.PLANNED, actor=disc.po)
    assert disc.need.delivered_at is None


def test_status_changes_are_audited(disc):
    services.set_status(disc.need, S.DECLINED, actor=disc.po, rationale="Uden for formålet")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "need.status_changed"))
    assert event.actor_id == disc.po.id and event.target_id == disc.need.id
    assert event.details == {"old": "submitted", "new": "declined",
                             "rationale": "Uden for formålet"}


def test_the_system_plans_and_delivers_and_is_named_as_the_actor(disc):
    services.set_status(disc.need, S.IN_DISCOVERY, actor=disc.po)
    with pytest.raises(RuleViolation) as exc:  # people go through ready first
        services.set_status(disc.need, S.PLANNED, actor=disc.po)
    assert exc.value.field == "status" and disc.need.status == S.IN_DISCOVERY
    change = services.set_status(disc.need, S.PLANNED, by_system=True)
    assert disc.need.status == S.PLANNED
    assert change.is_by_system and change.actor_id is None
    assert services.set_status(disc.need, S.PLANNED, by_system=True) is None  # idempotent
    services.set_status(disc.need, S.DELIVERED, actor=disc.po, by_system=True)
    assert disc.need.changes[-1].actor_id is None  # the system, not whoever triggered it
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "need.status_changed")).all()[-1]
    assert event.details["by_system"] is True and event.actor_label == "system"


@pytest.mark.parametrize("status", [S.DECLINED, S.PARKED])
def test_the_system_leaves_declined_and_parked_needs_alone(disc, status):
    services.set_status(disc.need, status, actor=disc.po, rationale="Nej")
    with pytest.raises(RuleViolation) as exc:
        services.set_status(disc.need, S.PLANNED, by_system=True)
    assert exc.value.field == "status" and exc.value.status == 422
    assert disc.need.status == status


# Co-sponsorship ------------------------------------------------------------------------------

def test_another_municipality_co_sponsors_once(disc):
    sponsorship = services.cosponsor(disc.need, disc.contributor, "Vigtigt for os", True, False)
    assert (sponsorship.organisation_id, sponsorship.note, sponsorship.is_willing_to_cofund,
            sponsorship.is_willing_to_test) == (disc.ballerup.id, "Vigtigt for os", True, False)
    assert disc.need.changes[-1].field == "cosponsor"
    with pytest.raises(RuleViolation) as exc:  # a colleague from the same municipality
        services.cosponsor(disc.need, disc.po)
    assert exc.value.status == 409 and "Ballerup" in exc.value.message
    assert _count(NeedCoSponsor) == 1


def test_the_unique_constraint_decides_when_the_check_is_raced(disc, monkeypatch):
    services.cosponsor(disc.need, disc.contributor)
    monkeypatch.setattr(services, "cosponsorship_of", lambda need, org_id: None)
    with pytest.raises(RuleViolation) as exc:
        services.cosponsor(disc.need, disc.po)
    assert exc.value.status == 409
    services.add_note(disc.need, disc.po, "note", "The transaction is still usable")
    db.session.commit()
    assert _count(NeedCoSponsor) == 1 and _count(NeedNote) == 1


def test_the_submitting_municipality_does_not_co_sponsor_its_own_need(disc):
    with pytest.raises(RuleViolation) as exc:
        services.cosponsor(disc.need, disc.aarhus_contributor)
    assert "Aarhus" in exc.value.message
    assert _count(NeedCoSponsor) == 0


def test_vendors_never_co_sponsor(disc):
    with pytest.raises(RuleViolation) as exc:
        services.cosponsor(disc.need, disc.developer)
    assert exc.value.status == 403 and _count(NeedCoSponsor) == 0


@pytest.mark.parametrize("status", [S.DECLINED, S.DELIVERED])
def test_closed_needs_take_no_co_sponsors(disc, status):
    _walk(disc.need, *REACH[status], actor=disc.po)
    with pytest.raises(RuleViolation) as exc:
        services.cosponsor(disc.need, disc.contributor)
    assert exc.value.status == 409 and _count(NeedCoSponsor) == 0


def test_an_oversized_co_sponsor_note_is_refused(disc):
    with pytest.raises(RuleViolation) as exc:
        services.cosponsor(disc.need, disc.contributor, "x" * 2001)
    assert exc.value.field == "note" and _count(NeedCoSponsor) == 0


def test_withdrawing_a_co_sponsorship(disc):
    services.cosponsor(disc.need, disc.contributor)
    services.withdraw_cosponsorship(disc.need, disc.po)  # any of its people may withdraw it
    assert _count(NeedCoSponsor) == 0
    change = disc.need.changes[-1]
    assert (change.field, change.old_value, change.new_value) == (
        "cosponsor", disc.ballerup.name, "")
    with pytest.raises(RuleViolation) as exc:
        services.withdraw_cosponsorship(disc.need, disc.po)
    assert exc.value.status == 409
    services.cosponsor(disc.need, disc.po)  # and co-sponsor again later
    assert _count(NeedCoSponsor) == 1


# Discovery log and escalation ---------------------------------------------------------------

def test_notes_are_dated_and_validated(disc):
    note = services.add_note(disc.need, disc.developer, "question", "  Hvilke felter?  ")
    assert (note.kind, note.body, note.occurred_on) == ("question", "Hvilke felter?",
                                                        utcnow().date())
    for kind, body, day, field in [("gossip", "x", None, "kind"), ("note", " ", None, "body"),
                                   ("note", "x" * 20001, None, "body"),
                                   ("note", "x", utcnow().date() + timedelta(days=5),
                                    "occurred_on")]:
        with pytest.raises(RuleViolation) as exc:
            services.add_note(disc.need, disc.po, kind, body, day)
        assert exc.value.field == field
    assert _count(NeedNote) == 1


def test_escalating_and_withdrawing(disc):
    services.escalate(disc.need, disc.po, "Skal prioriteres før rapporten?")
    assert disc.need.is_escalated and disc.need.escalated_by_id == disc.po.id
    assert escalated_needs(disc.project) == [disc.need]
    with pytest.raises(RuleViolation) as exc:
        services.escalate(disc.need, disc.po, "Igen")
    assert exc.value.status == 409
    services.withdraw_escalation(disc.need, disc.secretariat, "Besluttet på mødet")
    assert not disc.need.is_escalated and disc.need.escalation_reason == ""
    assert escalated_needs(disc.project) == []
    assert [c.field for c in disc.need.changes][-2:] == ["escalation", "escalation"]
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["need.escalated", "need.escalation_withdrawn"]
    with pytest.raises(RuleViolation) as exc:
        services.withdraw_escalation(disc.need, disc.po)
    assert exc.value.status == 409


def test_an_escalation_needs_a_reason(disc):
    with pytest.raises(RuleViolation) as exc:
        services.escalate(disc.need, disc.po, " ")
    assert exc.value.field == "reason" and not disc.need.is_escalated


# The list ------------------------------------------------------------------------------------

def _make_needs(disc):
    a = services.create_need(disc.project, disc.po,
                             **{**NEED_TEXTS, "title": "Kontraktpåmindelser"})
    b = services.create_need(disc.project, disc.contributor, **{
        **NEED_TEXTS, "title": "Systemejere", "background": "Ingen ved, hvem der ejer 50%_ af dem"})
    services.cosponsor(b, disc.aarhus_po)
    services.cosponsor(disc.need, disc.po)
    services.set_status(a, S.IN_DISCOVERY, actor=disc.po)
    start = utcnow() - timedelta(days=10)
    for i, need in enumerate((disc.need, a, b)):  # created in this order, a touched last
        need.created_at = start + timedelta(days=i)
    disc.need.updated_at, a.updated_at, b.updated_at = (
        start + timedelta(days=3), start + timedelta(days=5), start + timedelta(days=2))
    db.session.flush()
    return a, b


def _titles(disc, **filters):
    page = list_needs(disc.project, NeedFilters(**filters), disc.ballerup.id)
    return [row.need.title for row in page.rows]


def test_list_filters_sorts_and_searches(disc):
    _make_needs(disc)
    first = disc.need.title
    assert _titles(disc) == ["Systemejere", "Kontraktpåmindelser", first]
    assert _titles(disc, sort="untouched") == ["Systemejere", first, "Kontraktpåmindelser"]
    assert _titles(disc, sort="cosponsors")[2] == "Kontraktpåmindelser"
    assert _titles(disc, status="in_discovery") == ["Kontraktpåmindelser"]
    assert _titles(disc, organisation_id=disc.aarhus.id) == [first]
    assert _titles(disc, ours=True) == [first]  # co-sponsored by Ballerup
    assert _titles(disc, q="SYSTEMEJ") == ["Systemejere"]
    assert _titles(disc, q="50%_") == ["Systemejere"]  # LIKE wildcards are literal
    assert _titles(disc, q="0%x") == []
    page = list_needs(disc.project, NeedFilters(), disc.ballerup.id)
    assert {row.need.title: row.cosponsor_count for row in page.rows} == {
        first: 1, "Kontraktpåmindelser": 0, "Systemejere": 1}
    assert page.total == 3 and page.pages == 1


def test_list_paginates(disc, monkeypatch):
    from app.discovery import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    _make_needs(disc)
    first = list_needs(disc.project, NeedFilters(page=1), None)
    second = list_needs(disc.project, NeedFilters(page=2), None)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (3, 2, 2, 1)
    assert first.has_next and not second.has_next and second.has_prev


def test_filters_are_read_leniently_from_the_url():
    f = NeedFilters.from_args({"status": "nonsense", "org": "x1", "ours": "1", "sort": "drop",
                               "q": "  to   ord ", "page": "-3"})
    assert (f.status, f.organisation_id, f.ours, f.sort, f.q, f.page) == (
        "", None, True, "newest", "to ord", 1)
    assert f.args(page=2) == {"ours": "1", "q": "to ord", "page": 2}


def test_the_history_survives_the_accounts(disc):
    services.set_status(disc.need, S.IN_DISCOVERY, actor=disc.po)
    name = disc.po.name
    db.session.delete(disc.po)
    db.session.flush()
    db.session.expire_all()
    change = db.session.scalars(select(NeedChange).where(NeedChange.field == "status")).one()
    assert change.actor_id is None and change.actor_label == name
