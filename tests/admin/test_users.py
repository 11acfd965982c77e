"""User administration: finding people, deactivating (sessions end, sign-in refused with
the reason only to whoever knows the password, gone from assignee choices, name kept in
history), moving to another organisation, site administration (never the last one), and
resetting two-factor sign-in; refusals are clear 4xx with nothing changed."""
import pyotp
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.backlog.services import create_item
from app.database import utcnow
from app.extensions import db
from app.projects.models import Role
from app.projects.services import add_member
from app.services import RuleViolation
from tests.conftest import PASSWORD
from tests.pages import shown

EN = {"Accept-Language": "en"}


def actions(db):
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_search_finds_by_name_email_and_organisation(world, client, login):
    login(world.users["site_admin"])
    by_name = shown(client.get("/admin/users?q=observer", headers=EN).text)
    assert "A observer" in by_name and "A developer" not in by_name
    by_org = shown(client.get("/admin/users?q=nordlys", headers=EN).text)
    assert "A developer" in by_org and "A delivery_lead" in by_org and "A observer" not in by_org
    by_email = shown(client.get("/admin/users?q=OUTSIDER@B", headers=EN).text)
    assert "B outsider" in by_email and "1 user" in by_email


def test_the_list_shows_projects_state_and_two_factor(world, client, login):
    outsider = world.users["outsider"]
    outsider.totp_secret, outsider.totp_confirmed_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    login(world.users["site_admin"])
    page = client.get("/admin/users?q=outsider", headers=EN)
    row = shown(page.text)
    assert "BETA" in row and "On" in row and "Never" in row and "Active" in row
    assert 'href="/admin/invitations"' in page.text


def test_deactivating_ends_sessions_and_refuses_sign_in(world, client, login, app):
    observer = world.users["observer"]
    theirs = app.test_client()
    with theirs.session_transaction() as session:
        session["_user_id"] = observer.get_id()
    assert theirs.get("/settings").status_code == 200
    login(world.users["site_admin"])
    response = client.post(f"/admin/users/{observer.id}/active", data={"active-value": "0"})
    assert response.status_code == 303
    assert theirs.get("/settings").status_code == 302  # their session ended
    right = app.test_client().post("/login", headers=EN,
                                    data={"email": observer.email, "password": PASSWORD})
    assert right.status_code == 422 and "This account is deactivated." in shown(right.text)
    wrong = app.test_client().post("/login", headers=EN,
                                   data={"email": observer.email, "password": "nope-nope-nope"})
    assert wrong.status_code == 422 and "deactivated" not in shown(wrong.text)
    assert "Wrong e-mail or password." in shown(wrong.text)
    assert "user.deactivated" in actions(db)
    client.post(f"/admin/users/{observer.id}/active", data={"active-value": "1"})
    again = app.test_client().post("/login", data={"email": observer.email, "password": PASSWORD})
    assert again.status_code == 303


def test_a_deactivated_person_leaves_the_assignee_choices_but_keeps_their_work(world, client,
                                                                               login):
    dev = world.users["developer"]
    item = create_item(world.project_a, world.users["product_owner"], "Eksport",
                       assignee_id=dev.id)
    db.session.commit()
    login(world.users["site_admin"])
    client.post(f"/admin/users/{dev.id}/active", data={"active-value": "0"})
    login(world.users["product_owner"])
    backlog = client.get("/p/ALPHA/backlog").text
    assert f'<option value="{dev.id}"' not in backlog
    other = create_item(world.project_a, world.users["product_owner"], "Import")
    db.session.commit()
    refused = client.post(f"/p/ALPHA/items/{other.number}/fields/assignee",
                          headers={**EN, "HX-Request": "true"},
                          data={"value": str(dev.id), "version": other.version_id})
    assert refused.status_code == 422 and "deactivated" in shown(refused.text)
    kept = client.post(f"/p/ALPHA/items/{item.number}/fields/title",
                       headers={**EN, "HX-Request": "true"},
                       data={"value": "Eksport til CSV", "version": item.version_id})
    assert kept.status_code == 200
    db.session.refresh(item)
    assert item.assignee_id == dev.id and item.title == "Eksport til CSV"
    page = client.get(f"/p/ALPHA/items/{item.number}").text
    assert "A developer" in page
    # Nor can they be added to a project (the vendor takes part in project B too).
    with pytest.raises(RuleViolation, match=r"deactivated|deaktiveret"):
        add_member(world.project_b, dev, [Role.OBSERVER])


def test_an_admin_cannot_deactivate_themself(world, client, login):
    admin = world.users["site_admin"]
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active-value": "0"},
                           headers=EN)
    assert response.status_code == 409
    assert "You cannot deactivate your own account." in shown(response.text)
    db.session.refresh(admin)
    assert admin.is_active and "user.deactivated" not in actions(db)


def test_the_last_active_site_admin_stays(world, client, login):
    admin = world.users["site_admin"]
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/site-admin", data={"admin-value": "0"},
                           headers=EN)
    assert response.status_code == 409 and "last active site administrator" in shown(
        response.text)
    other = world.users["observer"]
    assert client.post(f"/admin/users/{other.id}/site-admin",
                       data={"admin-value": "1"}).status_code == 303
    assert client.post(f"/admin/users/{admin.id}/site-admin",
                       data={"admin-value": "0"}).status_code == 303
    db.session.refresh(admin)
    db.session.refresh(other)
    assert other.is_site_admin and not admin.is_site_admin
    assert {"user.site_admin_granted", "user.site_admin_removed"} <= set(actions(db))


def test_moving_to_an_organisation_outside_the_projects_is_refused(world, client, login):
    observer = world.users["observer"]
    login(world.users["site_admin"])
    refused = client.post(f"/admin/users/{observer.id}/organisation", headers=EN,
                          data={"org-organisation_id": str(world.muni_b.id)})
    assert refused.status_code == 422 and "does not take part in ALPHA" in shown(refused.text)
    moved = client.post(f"/admin/users/{observer.id}/organisation",
                        data={"org-organisation_id": str(world.vendor.id)})
    assert moved.status_code == 303
    db.session.refresh(observer)
    assert observer.organisation_id == world.vendor.id
    forged = client.post(f"/admin/users/{observer.id}/organisation",
                         data={"org-organisation_id": "999999"})
    assert forged.status_code == 422


def test_resetting_two_factor(world, client, login, app):
    user = world.users["developer"]
    user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), utcnow()
    db.session.commit()
    login(world.users["site_admin"])
    assert client.post(f"/admin/users/{user.id}/two-factor/reset",
                       data={"reset-value": "1"}).status_code == 303
    db.session.refresh(user)
    assert not user.has_two_factor and user.totp_secret is None
    again = client.post(f"/admin/users/{user.id}/two-factor/reset", data={"reset-value": "1"},
                        headers=EN)
    assert again.status_code == 409 and "no two-factor sign-in to reset" in shown(again.text)
    signed_in = app.test_client().post("/login", data={"email": user.email,
                                                       "password": PASSWORD})
    assert signed_in.headers["Location"].endswith("/")


def test_forged_ids_and_values_answer_4xx(world, client, login):
    login(world.users["site_admin"])
    assert client.get("/admin/users/2147483647").status_code == 404
    assert client.get("/admin/users/99999999999").status_code == 404
    assert client.post("/admin/users/2147483647/active",
                       data={"active-value": "0"}).status_code == 404
    observer = world.users["observer"]
    bad = client.post(f"/admin/users/{observer.id}/active", data={"active-value": "maybe"})
    assert bad.status_code == 422
    assert client.get("/admin/users?page=-1").status_code == 200
    assert client.get("/admin/users?page=99999999999999").status_code == 200
    assert client.get("/admin/users?q=" + "x" * 300).status_code == 422
    db.session.refresh(observer)
    assert observer.is_active
