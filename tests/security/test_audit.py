"""The audit log records sign-ins, account, organisation, project and membership changes,
and shows them to site administrators (everything) and a project's secretariat (its events)."""
from datetime import datetime, UTC

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.audit.services import record
from app.projects.services import membership_of
from tests.conftest import PASSWORD


def events(action=None):
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(select_all(stmt))


def select_all(stmt):
    from app.extensions import db

    db.session.expire_all()
    return db.session.scalars(stmt).all()


def test_sign_in_is_recorded_with_address_and_browser(world, client):
    user = world.users["observer"]
    response = client.post("/login", data={"email": "Observer@A.example ", "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "192.0.2.7"},
                           headers={"User-Agent": "Firefox/140"})
    assert response.status_code == 303
    [event] = events("account.signed_in")
    assert event.actor_id == user.id and event.actor_label == user.email
    assert event.ip_address == "192.0.2.7" and event.user_agent == "Firefox/140"


def test_failed_sign_ins_record_the_e_mail_tried_but_never_the_password(world, client):
    client.post("/login", data={"email": "observer@a.example", "password": "not-the-password"})
    client.post("/login", data={"email": "nobody@nowhere.example", "password": "guess-guess-1"})
    wrong, unknown = events("account.sign_in_failed")
    assert wrong.details == {"email": "observer@a.example", "reason": "wrong_password"}
    assert wrong.target_id == world.users["observer"].id and wrong.actor_id is None
    assert unknown.details == {"email": "nobody@nowhere.example", "reason": "unknown_account"}
    assert unknown.target_label == "nobody@nowhere.example" and unknown.target_id is None
    for event in (wrong, unknown):
        assert "not-the-password" not in repr(event.details) + event.target_label
        assert "guess-guess-1" not in repr(event.details) + event.target_label


def test_a_deactivated_account_cannot_sign_in_and_the_attempt_is_recorded(world, client, db):
    user = world.users["observer"]
    user.is_active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    [event] = events("account.sign_in_failed")
    assert event.details["reason"] == "inactive_account"


def test_sign_out_and_password_change_are_recorded(world, client, login):
    user = world.users["contributor"]
    login(user)
    client.post("/settings/password", data={"pw-current_password": PASSWORD,
                                            "pw-password": "a-much-longer-secret-42"})
    client.post("/logout")
    [changed] = events("account.password_changed")
    [signed_out] = events("account.signed_out")
    assert changed.actor_id == user.id and signed_out.actor_id == user.id
    assert "a-much-longer-secret-42" not in repr(changed.details)


def test_organisation_and_project_creation_are_recorded(world, client, login):
    admin = world.users["site_admin"]
    login(admin)
    client.post("/organisations", data={"name": "Sorø Kommune", "kind": "municipality",
                                        "municipality_code": "340"})
    client.post("/projects/new", data={"key": "KITOS", "name": "Kitos", "description": ""})
    [org] = [e for e in events("organisation.created") if e.actor_id == admin.id]
    assert org.target_label == "Sorø Kommune" and org.details == {"kind": "municipality"}
    [project] = [e for e in events("project.created") if e.actor_id == admin.id]
    assert project.project.key == "KITOS" and project.target_label == "Kitos"


def test_membership_and_participation_changes_are_recorded(world, client, login, factory, db):
    secretariat = world.users["secretariat"]
    newcomer = factory.user(world.muni_b, email="new@b.example", name="Ny Person")
    db.session.commit()
    login(secretariat)
    client.post("/p/ALPHA/organisations", data={"org-organisation_id": world.muni_b.id,
                                                "org-kind": "member"})
    client.post("/p/ALPHA/members", data={"member-email": "new@b.example",
                                          "member-roles": ["contributor", "observer"]})
    membership = membership_of(world.project_a, newcomer.id)
    client.post(f"/p/ALPHA/members/{membership.id}/roles",
                data={f"m{membership.id}-roles": ["product_owner", "observer"]})
    client.post(f"/p/ALPHA/members/{membership.id}/remove")
    client.post(f"/p/ALPHA/organisations/{world.muni_b.id}/remove")

    actions = [e.action for e in events() if e.actor_id == secretariat.id]
    assert actions == ["participation.added", "project.member_added", "project.roles_changed",
                       "project.member_removed", "participation.removed"]
    added = events("project.member_added")[-1]
    assert added.details == {"roles": ["contributor", "observer"]}
    assert added.project_id == world.project_a.id
    assert added.target_label == "Ny Person"
    changed = events("project.roles_changed")[-1]
    assert changed.details["added"] == ["product_owner"]
    assert changed.details["removed"] == ["contributor"]
    assert events("participation.removed")[-1].details == {"kind": "member"}


def test_saving_unchanged_roles_records_nothing(world, client, login):
    login(world.users["secretariat"])
    membership = membership_of(world.project_a, world.users["observer"].id)
    before = len(events())
    client.post(f"/p/ALPHA/members/{membership.id}/roles",
                data={f"m{membership.id}-roles": ["observer"]})
    assert len(events()) == before


def test_record_cuts_long_labels_and_drops_empty_details(app, world, db):
    event = record("item.accepted", project=world.project_a, target_label="x" * 400,
                   reason=None, note="ok")
    db.session.commit()
    assert len(event.target_label) == 254 and event.details == {"note": "ok"}


def test_site_audit_page_shows_who_what_when_where(world, client, login, db):
    client.post("/login", data={"email": "observer@a.example", "password": "nope-nope-nope"},
                environ_base={"REMOTE_ADDR": "198.51.100.23"})
    event = events("account.sign_in_failed")[0]
    event.created_at = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)  # 12:30 in summer
    db.session.commit()
    login(world.users["site_admin"])
    html = client.get("/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Failed sign-in" in html and "observer@a.example" in html
    assert "198.51.100.23" in html and "wrong password" in html
    assert "12:30" in html  # Europe/Copenhagen, not UTC
    assert 'href="/audit"' in html  # the site administrator's navigation links to it


def test_audit_page_is_in_the_users_language(world, client, login):
    world.users["site_admin"].locale = "da"
    login(world.users["site_admin"])
    html = client.get("/audit").get_data(as_text=True)
    assert "<h1>Auditlog</h1>" in html  # the navigation's link says "Auditlog" on every page
    assert "Organisation tilføjet til projektet" in html


def test_site_audit_filters_by_action_actor_and_project(world, client, login, factory, db):
    factory.project("GAMMA", "Gamma", [world.muni_b])
    db.session.commit()
    login(world.users["site_admin"])
    html = client.get("/audit?project=GAMMA").get_data(as_text=True)
    assert "Gamma" in html and "Alfa" not in html
    html = client.get("/audit?action=project.created").get_data(as_text=True)
    assert html.count("Project created") + html.count("Projekt oprettet") >= 3
    html = client.get("/audit?actor=OUTSIDER@B").get_data(as_text=True)
    assert "B outsider" in html and "A observer" not in html  # found by e-mail address
    html = client.get("/audit?actor=a%20observ").get_data(as_text=True)
    assert "A observer" in html and "B outsider" not in html  # and by name
    # wildcards are searched for, not interpreted
    assert "A observer" not in client.get("/audit?actor=%25").get_data(as_text=True)


def test_bad_filters_answer_422_with_the_reason(world, client, login):
    login(world.users["site_admin"])
    response = client.get("/audit?action=no.such.action&project=NOPE&actor=" + "x" * 300)
    assert response.status_code == 422
    assert 'class="errors"' in response.get_data(as_text=True)


def test_audit_is_paginated_and_keeps_the_filters(world, client, login, db):
    for n in range(120):
        record("item.accepted", project=world.project_a, target_label=f"ALPHA-{n}")
    db.session.commit()
    login(world.users["site_admin"])
    first = client.get("/audit?action=item.accepted").get_data(as_text=True)
    assert "ALPHA-119" in first and "ALPHA-69" not in first
    assert "/audit?action=item.accepted&amp;page=2" in first
    third = client.get("/audit?action=item.accepted&page=3").get_data(as_text=True)
    assert "ALPHA-0<" in third or "ALPHA-0\n" in third or ": ALPHA-0" in third
    for page in ("0", "-4", "abc", "9" * 40):
        assert client.get(f"/audit?page={page}").status_code == 200


def test_project_audit_shows_only_that_projects_events(world, client, login, factory, db):
    record("item.accepted", project=world.project_b, target_label="BETA-1")
    record("item.accepted", project=world.project_a, target_label="ALPHA-1")
    db.session.commit()
    client.post("/login", data={"email": "outsider@b.example", "password": "nope-nope-nope"})
    login(world.users["secretariat"])
    html = client.get("/p/ALPHA/audit").get_data(as_text=True)
    assert "ALPHA-1" in html and "BETA-1" not in html
    assert "outsider@b.example" not in html  # sign-ins are not project events
    assert "Beta" not in html


def test_project_audit_is_for_the_secretariat_and_site_admins(world, client, login):
    for persona, status in [("secretariat", 200), ("site_admin", 200), ("product_owner", 403),
                            ("steering", 403), ("outsider", 404)]:
        login(world.users[persona])
        assert client.get("/p/ALPHA/audit").status_code == status, persona
    login(world.users["secretariat"])
    assert client.get("/p/BETA/audit").status_code == 404
    assert client.get("/audit").status_code == 403


def test_members_page_links_the_audit_log_for_those_who_may_read_it(world, client, login):
    login(world.users["secretariat"])
    assert 'href="/p/ALPHA/audit"' in client.get("/p/ALPHA/members").get_data(as_text=True)
    login(world.users["product_owner"])
    assert "/p/ALPHA/audit" not in client.get("/p/ALPHA/members").get_data(as_text=True)


def test_areas_can_register_labels_for_their_actions(world, client, login, db):
    from app.audit.labels import ACTION_LABELS, register_actions

    before = ACTION_LABELS["need.status_changed"]
    register_actions({"need.status_changed": "Need status changed"})
    try:
        record("need.status_changed", project=world.project_a, target_label="Behov 1",
               old="submitted", new="ready")
        db.session.commit()
        login(world.users["secretariat"])
        html = client.get("/p/ALPHA/audit",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "Need status changed" in html and "Submitted" in html and "Ready" in html
    finally:
        ACTION_LABELS["need.status_changed"] = before  # the real label, for the later tests


def test_htmx_request_gets_the_events_partial(world, client, login):
    login(world.users["site_admin"])
    response = client.get("/audit", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="audit-log">')
    assert "HX-Request" in response.headers["Vary"]


def test_audit_count_matches_world_setup(world, db):
    # The fixture itself went through the services: every organisation, project,
    # participation and membership it made is in the log.
    count = db.session.scalar(select(func.count(AuditEvent.id)))
    assert count == 3 + 2 + 4 + 8


def test_personal_data_looks_exports_and_erasure_are_recorded(world, client, login, db):
    admin, observer = world.users["site_admin"], world.users["observer"]
    login(admin)
    client.get(f"/admin/users/{observer.id}")
    client.get(f"/admin/users/{observer.id}/personal-data")
    client.post(f"/admin/users/{observer.id}/erase", data={"confirm": "y"})
    [viewed] = events("user.viewed")
    [exported] = events("user.personal_data_exported")
    [erased] = events("user.erased")
    for event in (viewed, exported, erased):
        assert event.actor_id == admin.id and event.target_id == observer.id
    # After the erasure even the looks say who was looked at only by the anonymised name.
    assert viewed.target_label == erased.target_label == f"Tidligere bruger {observer.id}"
    html = client.get("/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Account page viewed by an administrator" in html
    assert "Personal data exported" in html and "Personal data erased" in html
    assert "Their texts erased too" in html
