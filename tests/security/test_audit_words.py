"""The audit log speaks the reader's language: every action any service records has a label
in Danish and English, and after a scenario that records every one of them, neither the site's
nor the project's log shows the program's own vocabulary (dotted action names, snake_case
values, Python reprs, ISO dates)."""
import re
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import request_password_reset, reset_password
from app.api.tokens import create_token, revoke_token
from app.attachments.registry import container_kind
from app.attachments.services import delete as delete_attachment
from app.audit.labels import ACTION_LABELS
from app.audit.models import AuditEvent
from app.database import utcnow
from app.backlog.archiving import archive_item, delete_item, restore_item
from app.backlog.labels import delete_label, merge_label, rename_label
from app.backlog.services import create_item
from app.board.services import move_item
from app.decisions.services import OutcomeChoice, record_decision
from app.digests.models import DeliveryState
from app.digests.services import retry_failed
from app.discovery.services import (archive_need, cosponsor, create_need, delete_need,
                                    escalate, restore_need, set_status, update_cosponsorship,
                                    withdraw_cosponsorship, withdraw_escalation)
from app.extensions import db
from app.invitations.services import accept, invite, resend, revoke
from app.projects.models import ParticipationKind, Role
from app.projects.services import (add_participation, membership_of, remove_member,
                                   remove_participation, set_roles)
from app.sprints.services import (close_sprint, commit_item, create_sprint, delete_sprint,
                                  start_sprint)
from tests.attachments.files import attach, pdf
from tests.conftest import PASSWORD
from tests.digests.helpers import make_delivery
from app.sso.models import SignInProvider
from tests.pages import shown
from tests.sso.fixtures import BASE_URL as SSO_BASE_URL
from tests.sso.fixtures import path_of, through_provider

ROOT = Path(__file__).resolve().parents[2]
# record("action", …) and record("a" if … else "b", …): the action names written in the code.
_RECORD_CALL = re.compile(r'(?<![\w.])record\(\s*("[^"]*"(?:\s+if\s[^,]*?\selse\s+"[^"]*")?)')
_QUOTED = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def recorded_in_code() -> set[str]:
    """Every action name a service (or route) passes to `record`."""
    actions = set()
    for path in (ROOT / "app").rglob("*.py"):
        for call in _RECORD_CALL.findall(path.read_text("utf-8")):
            actions |= set(_QUOTED.findall(call))
    return actions


def test_every_recorded_action_has_a_label_in_both_languages(app):
    actions = recorded_in_code()
    assert {"account.signed_in", "decision.recorded", "item.reopened"} <= actions  # the scan
    missing = sorted(actions - ACTION_LABELS.keys())
    assert not missing, f"actions without a label in app/audit/labels.py: {missing}"
    with app.test_request_context():
        for action in sorted(actions):
            with force_locale("en"):
                english = str(ACTION_LABELS[action])
            with force_locale("da"):
                danish = str(ACTION_LABELS[action])
            assert english != action and danish not in (action, english), action


def _every_action(world, client, factory):
    """A day in project A in which every recorded action happens at least once."""
    u = world.users
    project = world.project_a
    # Accounts: signing in (and failing to), changing the password, signing out elsewhere
    # and here.
    client.post("/login", data={"email": "observer@a.example", "password": "not-it-at-all"})
    client.post("/login", data={"email": "observer@a.example", "password": PASSWORD})
    client.post("/settings/password", data={"pw-current_password": PASSWORD,
                                            "pw-password": "a-much-longer-secret-42"})
    client.post("/settings/sign-out-everywhere")
    client.post("/logout")
    _two_factor_and_administration(world, client, factory)
    # Organisations, participation and roles (creating them is in the world already).
    aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(project, aarhus, ParticipationKind.MEMBER)
    aarhus_po = factory.user(aarhus, name="Aarhus PO", roles=[Role.PRODUCT_OWNER],
                             project=project)
    guest = factory.community("Gæstefællesskab")
    add_participation(project, guest, ParticipationKind.MEMBER)
    remove_participation(project, guest)
    set_roles(membership_of(project, u["observer"].id), [Role.OBSERVER, Role.STEERING])
    remove_member(membership_of(project, u["observer"].id), u["secretariat"])
    # Needs: status by hand and by the system, co-sponsoring, escalating and deciding.
    need = create_need(project, u["product_owner"], title="Overblik over kontrakter",
                       background="Regneark.", desired_outcome="Ét overblik.",
                       expected_value="Færre fejl.")
    set_status(need, "in_discovery", u["product_owner"])
    cosponsor(need, aarhus_po, note="Også hos os.", is_willing_to_cofund=True,
              is_willing_to_test=True)
    update_cosponsorship(need, aarhus_po, note="Også hos os, fra 2027.")
    withdraw_cosponsorship(need, aarhus_po)
    escalate(need, u["product_owner"], "Skal vi bruge penge på det?")
    withdraw_escalation(need, u["product_owner"], "Vi venter til næste år.")
    escalate(need, u["product_owner"], "Nu haster det.")
    _imports(project, u["secretariat"])
    item = create_item(project, u["product_owner"], "Eksport til regneark", estimate=3)
    record_decision(project, u["steering"], decided_on=date.today(), title="Vi prioriterer",
                    needs=[need], items=[item],
                    outcomes=[OutcomeChoice(need, "approved", "ready")])
    set_status(need, "planned", by_system=True)
    _funding(project, need, u, aarhus, aarhus_po)
    _rounds(project, u, aarhus_po)
    _value_and_decision_records(project, u)
    paper = attach(project, "item", item, u["product_owner"], pdf(), "Bilag.pdf")
    delete_attachment(project, container_kind("item"), item, paper, u["product_owner"])
    # Sprints and acceptance: started, rejected, accepted, reopened, closed; one deleted.
    lead, dev, po = u["delivery_lead"], u["developer"], u["product_owner"]
    today = date.today()
    sprint = create_sprint(project, lead, "Sprint 1", today, today + timedelta(days=13), 20)
    commit_item(sprint, lead, item)
    start_sprint(sprint, lead)
    for status in ("ready", "in_progress", "review", "acceptance"):
        move_item(item, dev, status)
    move_item(item, po, "in_progress", reason="Mangler CSV.")
    for status in ("review", "acceptance"):
        move_item(item, dev, status)
    move_item(item, po, "done")
    move_item(item, po, "in_progress", reason="Fejl i kolonnerne.")
    close_sprint(sprint, lead)
    spare = create_sprint(project, lead, "Sprint 2", today + timedelta(days=14),
                          today + timedelta(days=27), 20)
    delete_sprint(spare, lead)
    # Tidying: an item and a need archived, restored, archived again and deleted; labels
    # renamed, merged and deleted.
    doublet = create_item(project, po, "Dublet", labels="kontrakt, jura")
    archive_item(doublet, po)
    restore_item(doublet, po)
    archive_item(doublet, po)
    jura, kontrakt = sorted(doublet.labels, key=lambda label: label.name)
    rename_label(project, jura, po, "Jura")
    merge_label(project, jura, po, kontrakt.id)
    delete_label(project, kontrakt, po)
    delete_item(doublet, u["secretariat"], f"{project.key}-{doublet.number}")
    old_need = create_need(project, po, title="Forældet behov", background="B",
                           desired_outcome="D", expected_value="V")
    archive_need(old_need, po)
    restore_need(old_need, po)
    archive_need(old_need, po)
    delete_need(old_need, u["secretariat"], f"#{old_need.number}")
    db.session.commit()
    # Invitations: sent, sent again, revoked; another one accepted. A forgotten password.
    first = invite(project, u["secretariat"], "gaest@a.example", world.muni_a, [Role.OBSERVER])
    resend(first.invitation, u["secretariat"])
    revoke(first.invitation, u["secretariat"])
    second = invite(project, u["secretariat"], "ny@a.example", world.muni_a, [Role.CONTRIBUTOR])
    accept(second.token, "Ny Kollega", "en-lang-og-god-adgangskode", "da")
    _user, token = request_password_reset("contributor@a.example")
    reset_password(token, "endnu-en-lang-adgangskode")
    db.session.commit()
    # A personal access token for the API, made and revoked.
    token, secret = create_token(u["developer"], "CI hos Nordlys", [project.id], True,
                                 today + timedelta(days=30))
    db.session.commit()
    written = client.post(f"/api/v1/projects/{project.key}/items", json={"title": "Fra CI"},
                          headers={"Authorization": f"Bearer {secret}"})
    assert written.status_code == 201
    revoke_token(token, u["developer"])
    # The project connected to its code forges; a forged message; settings; disconnected.
    from app.forges import services as forges

    forges.connect(project, lead := u["delivery_lead"])
    forges.connect(project, lead)  # a new secret
    db.session.commit()
    receiver = forges.receiver_of(project)
    assert client.post(f"/hooks/gitlab/{receiver.token}", json={},
                       headers={"X-Gitlab-Token": "gæt"}).status_code == 401
    forges.set_moves_to_review(receiver, True, lead)
    forges.disconnect(receiver, lead)
    # The project archived and downloaded, and the archive imported into an empty project.
    from werkzeug.datastructures import FileStorage

    from app.archive import services as archives

    export = archives.request_export(project, u["secretariat"])
    archives.produce(export)
    archives.record_download(export, u["secretariat"])
    db.session.commit()
    empty = factory.project("KOPI", "Kopi", [world.muni_a])
    with open(archives.file_of(export), "rb") as archive:
        archives.import_upload(empty, u["site_admin"],
                               FileStorage(stream=archive, filename="alfa.zip"))
    db.session.commit()
    db.session.commit()
    # A webhook: registered, changed, a new secret, pinged, a delivery sent again, switched
    # off after failing, deleted.
    from app.webhooks import services as webhooks

    hook, _secret = webhooks.create_endpoint(project, u["secretariat"], "http://127.0.0.1:9/h",
                                             ["item.created"])
    webhooks.update_endpoint(hook, u["delivery_lead"], "http://127.0.0.1:9/h2",
                             ["item.created", "comment.created"])
    webhooks.new_secret(hook, u["secretariat"])
    sent = webhooks.ping(hook, u["secretariat"])
    sent.state = "delivered"
    webhooks.redeliver(sent, u["secretariat"])
    hook.failing_since = utcnow() - timedelta(hours=25)
    webhooks.disable_failing(hook, utcnow())
    webhooks.delete_endpoint(hook, u["secretariat"])
    db.session.commit()
    _releases(project, u, aarhus, aarhus_po)
    # An administrator sends a failed digest again.
    retry_failed(make_delivery(u["steering"], project, state=DeliveryState.FAILED))
    db.session.commit()


def _releases(project, u, aarhus, aarhus_po):
    """A release planned, changed, tested, taken back, signed off, accepted over a missing
    approval and released; another cancelled; the definition of done edited and ticked."""
    from app.releases import services as releases

    lead, dev, po = u["delivery_lead"], u["developer"], u["product_owner"]
    today = date.today()
    sprint = create_sprint(project, lead, "Sprint 0", today - timedelta(days=60),
                           today - timedelta(days=47), 20)
    done = create_item(project, po, "Rapport over aftaler", estimate=2)
    commit_item(sprint, lead, done)
    start_sprint(sprint, lead)
    move_item(done, dev, "acceptance")
    move_item(done, po, "done")
    close_sprint(sprint, lead)
    releases.set_definition_of_done(project, u["secretariat"], "Testet\nDokumenteret")
    underway = create_item(project, po, "Under udvikling")
    move_item(underway, dev, "in_progress")
    releases.check_done(underway, dev, [releases.Answer("Testet", True),
                                        releases.Answer("Dokumenteret", False, "Kommer i 2.5")])
    release = releases.create_release(project, lead, name="2.4", planned_on=today)
    releases.update_release(release, lead, version=release.version_id, name="2.4.0",
                            planned_on=today, test_from=today, test_to=today)
    releases.set_items(release, lead, [done.id], version=release.version_id)
    releases.set_testers(release, lead, [po.organisation_id, aarhus.id],
                         version=release.version_id)
    releases.regenerate_notes(release, lead, version=release.version_id)
    releases.edit_notes(release, lead, version=release.version_id, notes_da="Nyt", notes_en="New")
    releases.change_state(release, lead, "in_test", version=release.version_id)
    releases.change_state(release, lead, "planned", version=release.version_id)
    releases.change_state(release, lead, "in_test", version=release.version_id)
    releases.sign_off(release, aarhus_po, aarhus.id, version=release.version_id,
                      decision="approved_with_remarks", text="Lille fejl i eksporten")
    releases.change_state(release, u["secretariat"], "accepted", version=release.version_id,
                          reason="Styregruppen har besluttet det")
    releases.change_state(release, lead, "released", version=release.version_id)
    spare = releases.create_release(project, lead, name="2.5")
    releases.change_state(spare, lead, "cancelled", version=spare.version_id,
                          reason="Slået sammen med 2.6")
    db.session.commit()


def _funding(project, need, u, aarhus, aarhus_po):
    """Estimates, the budget, an order, pledges through every state, a loan repaid in part."""
    from decimal import Decimal

    from app.funding import services as funding

    secretariat = u["secretariat"]
    funding.estimate_need(u["delivery_lead"], need, hours_low=40, hours_high=80,
                          amount_low=Decimal("40000"), amount_high=Decimal("90000"),
                          assumptions="Uden integrationer.")
    funding.set_budget(secretariat, project, date.today().year, Decimal("250000"))
    funding.record_order(secretariat, need, Decimal("30000"), year=date.today().year)
    ours = funding.pledge(u["product_owner"], need, Decimal("20000"), note="Fra IT-puljen.")
    funding.change_pledge(u["product_owner"], ours, Decimal("25000"), note="Fra IT-puljen.")
    funding.confirm_pledge(u["product_owner"], ours)
    funding.invoice_pledge(secretariat, ours)
    theirs = funding.pledge(aarhus_po, need, Decimal("10000"))
    funding.withdraw_pledge(aarhus_po, theirs)
    loan = funding.record_loan(secretariat, project, aarhus, Decimal("50000"), date.today(),
                               note="Forskud til 2027.")
    funding.record_repayment(secretariat, loan, Decimal("25000"), date.today(), pledge_=ours)


def _rounds(project, u, aarhus_po):
    """The evaluation criteria changed, a need scored, a round opened, voted in, closed, one
    need ordered and another escalated for being beyond the budget."""
    from decimal import Decimal

    from app.rounds import evaluation
    from app.rounds import services as rounds

    po, secretariat = u["product_owner"], u["secretariat"]
    needs = []
    for title in ("Rapport over kontrakter", "Overblik over licenser"):
        need = create_need(project, po, title=title, background="B", desired_outcome="D",
                           expected_value="V")
        set_status(need, "in_discovery", po)
        set_status(need, "ready", po)
        needs.append(need)
    rows = [{"name": c.name, "low_text": c.low_text, "high_text": c.high_text,
             "weight": c.weight} for c in evaluation.criteria_of(project)]
    rows[0]["weight"] = 3
    evaluation.update_criteria(project, secretariat, rows)
    evaluation.score_need(needs[0], po, [5, 4, 3, 2, 1, 3])
    rnd = rounds.open_round(project, secretariat, name="Efterårsrunden",
                            deadline=date.today() + timedelta(days=10), needs=needs,
                            budget_amount=Decimal("100000"))
    rounds.cast_ballot(rnd, po, {needs[0].id: 70, needs[1].id: 30})
    rounds.cast_ballot(rnd, aarhus_po, {needs[1].id: 100})
    rounds.close_round(rnd, secretariat)
    rounds.order_need(rnd, needs[0], secretariat, Decimal("60000"))
    rounds.order_need(rnd, needs[1], secretariat, Decimal("60000"))


def _value_and_decision_records(project, u):
    """A need delivered over a year ago gets its follow-ups; Ballerup records its realised
    value and corrects it; the scheduler reminds of the other one. A decision is superseded,
    and is in force again when its superseder's record is changed to rejected."""
    from app.decisions.services import RecordFields, update_record
    from app.value import services as value
    from app.value.models import FollowUp

    delivered = create_need(project, u["product_owner"], title="Færre opgørelser",
                            background="I hånden.", desired_outcome="Automatisk.",
                            expected_value="To timer om ugen.")
    set_status(delivered, "delivered", by_system=True, at=utcnow() - timedelta(days=400))
    first = db.session.scalars(select(FollowUp).where(FollowUp.need_id == delivered.id)
                               .order_by(FollowUp.months)).first()
    value.record_answer(first, u["product_owner"],
                        value.Answer("Vi sparer tid.", "as", "2,5", "timer pr. uge"))
    value.record_answer(first, u["product_owner"], value.Answer("Vi sparer mere tid.", "above"))
    value.remind_due()
    old = record_decision(project, u["steering"], decided_on=date.today(), title="Gammel plan",
                          fields=RecordFields("strategic"))
    new = record_decision(project, u["steering"], decided_on=date.today(), title="Ny plan",
                          fields=RecordFields("strategic", consequences="Mere tid.",
                                              supersedes=(old,)))
    update_record(new, u["secretariat"], RecordFields("architecture", "rejected"))
    db.session.commit()


def _two_factor_and_administration(world, client, factory):
    """Two-factor sign-in (enrolled, a wrong code, a recovery code, new codes, off) and the
    site administrators' changes to accounts and organisations."""
    u = world.users
    user = u["contributor"]
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/settings/two-factor")
    db.session.refresh(user)
    totp = pyotp.TOTP(user.totp_secret)
    page = client.post("/settings/two-factor/confirm", data={"confirm-code": totp.now()})
    codes = re.findall(r"<code>([a-z0-9-]{14})</code>", page.text)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    client.post("/login/code", data={"code": "000000" if totp.now() != "000000" else "111111"})
    client.post("/login/code", data={"code": codes[0]})
    client.post("/settings/two-factor/recovery-codes", data={"renew-password": PASSWORD})
    client.post("/settings/two-factor/disable", data={"off-password": PASSWORD})
    client.post("/logout")
    admin, observer = u["site_admin"], u["observer"]
    client.post("/login", data={"email": admin.email, "password": PASSWORD})
    client.post(f"/admin/users/{observer.id}/active", data={"active-value": "0"})
    client.post(f"/admin/users/{observer.id}/active", data={"active-value": "1"})
    client.post(f"/admin/users/{observer.id}/site-admin", data={"admin-value": "1"})
    client.post(f"/admin/users/{observer.id}/site-admin", data={"admin-value": "0"})
    client.post(f"/admin/users/{observer.id}/organisation",
                data={"org-organisation_id": str(world.vendor.id)})
    other = u["developer"]
    other.totp_secret, other.totp_confirmed_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    client.post(f"/admin/users/{other.id}/two-factor/reset", data={"reset-value": "1"})
    # Personal data: an administrator looks at an account, downloads its data, erases another.
    client.get(f"/admin/users/{observer.id}")
    client.get(f"/admin/users/{observer.id}/personal-data")
    leaver = factory.user(world.muni_a, name="Lise Forladt")
    db.session.commit()
    client.post(f"/admin/users/{leaver.id}/erase", data={"confirm": "y", "erase_texts": "y"})
    guest = factory.municipality("Sorø Kommune", 340)
    db.session.commit()
    client.post(f"/organisations/{guest.id}", data={
        "name": "Sorø Kommune (IT)", "kind": "municipality", "municipality_code": "340",
        "requires_two_factor": "y", "requires_sso": "y"})
    client.post("/logout")


def _imports(project, secretariat):
    """Items from a Jira export and needs from a spreadsheet, imported by the secretariat."""
    from app.imports.items import import_items, plan_items
    from app.imports.needs import import_needs, plan_needs
    from app.imports.services import read_sheet
    from app.imports.sources import read_jira
    from tests.imports.conftest import fixture_bytes

    plan = plan_items(project, "jira", read_jira(fixture_bytes("jira.csv"), 100),
                      {"status-3": "review"})
    import_items(project, secretariat, plan, filename="Jira.csv")
    header, rows = read_sheet(fixture_bytes("needs.csv"))
    import_needs(project, secretariat, plan_needs(project, header, rows), skip_refused=True,
                 filename="Behov.csv")


def _single_sign_on(world, client, oidc_issuer):
    """A provider added and changed by a site administrator; Ballerup's Anne signs in through
    it (created and linked); a forged answer is refused."""
    client.post("/login", data={"email": world.users["site_admin"].email, "password": PASSWORD})
    fields = {"key": "kommune", "display_name": "Log ind med din kommune", "protocol": "oidc",
              "issuer": oidc_issuer, "client_id": "samspil", "client_secret": "wrong",
              "scopes": "openid email profile professional", "claim_email": "email",
              "claim_name": "name", "claim_cvr": "nemlogin.cvr",
              "claim_municipality": "municipality_code", "is_enabled": "y"}
    client.post("/admin/sign-in", data=fields)
    provider_id = db.session.scalar(select(SignInProvider.id))
    client.post(f"/admin/sign-in/{provider_id}",
                data={**fields, "client_secret": "samspil-test-secret"})
    client.post("/logout")
    start = client.get("/login/sso/kommune")
    client.get(path_of(through_provider(start.headers["Location"], "anne")))
    client.post("/logout")
    client.get("/login/sso/kommune/callback?state=forged&code=x")


# The program's own words: action names and module paths, snake_case values, Python reprs,
# ISO dates. Names of people and e-mail addresses are removed first (the world's people are
# called "A product_owner").
RAW = {
    "dotted name": re.compile(r"\b[a-z]+\.[a-z_]+\b"),
    "snake_case": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "Python repr": re.compile(r"[{\[]'|'[}\]:]|\b(?:True|False|None)\b"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
}


def _raw_tokens(html: str, names: list[str]) -> dict[str, list[str]]:
    text = shown(html[html.index("<main"):html.index("</main>")])
    text = re.sub(r"\S+@\S+", " ", text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    found = {kind: sorted(set(pattern.findall(text))) for kind, pattern in RAW.items()}
    return {kind: tokens for kind, tokens in found.items() if tokens}


def _every_page(client, path: str, headers) -> str:
    """The text of every page of an audit listing (the scenario fills several)."""
    texts = []
    for page in range(1, 20):
        answer = client.get(f"{path}?page={page}", headers=headers)
        assert answer.status_code == 200
        texts.append(answer.text)
        if f"page={page + 1}" not in answer.text:
            return "\n".join(texts)
    raise AssertionError("more audit pages than the scenario should make")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_audit_pages_show_no_program_internals(world, client, login, factory, language,
                                                   app, oidc_issuer, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", SSO_BASE_URL)
    _every_action(world, client, factory)
    _single_sign_on(world, client, oidc_issuer)
    recorded = set(db.session.scalars(select(AuditEvent.action).distinct()))
    assert recorded_in_code() <= recorded, "the scenario must record every action"
    names = [u.name for u in db.session.scalars(select(User))]
    headers = {"Accept-Language": language}
    login(world.users["site_admin"])
    site = _every_page(client, "/audit", headers)
    assert _raw_tokens(site, names) == {}
    login(world.users["secretariat"])
    project = _every_page(client, "/p/ALPHA/audit", headers)
    assert _raw_tokens(project, names) == {}
    words = shown(site)
    if language == "da":
        assert "Beslutning registreret" in words and "Under afdækning" in words
        assert "#1: Godkendt" in words and "Systemet" in words
    else:
        assert "Decision recorded" in words and "In discovery" in words
        assert "#1: Approved" in words and "The system" in words
