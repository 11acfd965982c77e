"""Personal access tokens: made under Settings and shown once, stored only as a digest,
revocable, limited in time, scope and projects, and the only way into the API."""
import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from app.api.models import AccessToken
from app.audit.models import AuditEvent
from app.clock import local_today
from app.database import utcnow
from app.extensions import db
from tests.api.conftest import bearer_for

TOKEN = re.compile(r"<code class=\"token\" data-token>(smp_[A-Za-z0-9_-]+)</code>")


def make_token(client, project, can_write=True, days=30, name="CI hos Nordlys"):
    data = {"name": name, "projects": [str(project.id)],
            "expires_on": (local_today() + timedelta(days=days)).isoformat()}
    if can_write:
        data["can_write"] = "y"
    return client.post("/settings/tokens", data=data, headers={"Accept-Language": "en"})


def test_a_token_is_shown_once_and_stored_only_as_its_digest(world, client, login):
    login(world.users["developer"])
    page = make_token(client, world.project_a)
    assert page.status_code == 200
    [secret] = TOKEN.findall(page.text)
    row = db.session.scalar(select(AccessToken))
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr([(c.name, getattr(row, c.name)) for c in row.__table__.columns])
    again = client.get("/settings/tokens")
    assert secret not in again.text and "CI hos Nordlys" in again.text and row.hint in again.text
    answer = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200 and [p["key"] for p in answer.json["data"]] == ["ALPHA"]
    db.session.expire_all()
    assert row.last_used_at is not None
    assert "Never" not in client.get("/settings/tokens",
                                     headers={"Accept-Language": "en"}).text


def test_revoking_a_token_ends_it_at_once_and_both_are_audited(world, client, login):
    login(world.users["developer"])
    [secret] = TOKEN.findall(make_token(client, world.project_a).text)
    token = db.session.scalar(select(AccessToken))
    response = client.post(f"/settings/tokens/{token.id}/revoke")
    assert response.status_code == 303
    answer = client.get("/api/v1/projects", headers={"Authorization": f"Bearer {secret}",
                                                     "Accept-Language": "en"})
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    assert answer.json["detail"] == "This token has expired or was revoked."
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("api_token.%"))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["api_token.created", "api_token.revoked"]
    assert {e.actor_id for e in events} == {world.users["developer"].id}
    assert events[0].target_label == "CI hos Nordlys" and events[0].details["can_write"] is True


def test_another_persons_token_cannot_be_revoked(world, client, login):
    headers = bearer_for(world.users["developer"], [world.project_a])
    token = db.session.scalar(select(AccessToken))
    login(world.users["observer"])
    assert client.post(f"/settings/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/projects", headers=headers).status_code == 200


def test_an_expired_token_or_a_deactivated_account_answers_401(world, client):
    headers = bearer_for(world.users["developer"], [world.project_a])
    token = db.session.scalar(select(AccessToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/projects", headers=headers).status_code == 401
    token.expires_at = utcnow() + timedelta(days=1)
    world.users["developer"].is_active = False
    db.session.commit()
    assert client.get("/api/v1/projects", headers=headers).status_code == 401


def test_a_token_lives_at_most_a_year_and_only_in_my_projects(world, client, login):
    login(world.users["developer"])
    too_long = make_token(client, world.project_a, days=400)
    assert too_long.status_code == 422 and "A token lives at most a year." in too_long.text
    not_mine = make_token(client, world.project_b)
    assert not_mine.status_code == 422 and "Choose among your own projects." in not_mine.text
    past = make_token(client, world.project_a, days=0)
    assert past.status_code == 422
    assert db.session.scalar(select(AccessToken)) is None


def test_a_read_only_token_reads_but_does_not_write(world, client):
    headers = bearer_for(world.users["product_owner"], [world.project_a], can_write=False)
    assert client.get("/api/v1/projects/ALPHA/items", headers=headers).status_code == 200
    refused = client.post("/api/v1/projects/ALPHA/items", headers=headers, json={"title": "x"})
    assert refused.status_code == 403 and refused.json["detail"] == "This token may only read."


def test_a_token_reaches_only_its_projects(world, client, factory):
    vendor_dev = world.users["developer"]  # the vendor takes part in both projects
    from app.projects.models import Role
    from app.projects.services import add_member

    add_member(world.project_b, vendor_dev, [Role.DEVELOPER])
    db.session.commit()
    headers = bearer_for(vendor_dev, [world.project_b])
    assert client.get("/api/v1/projects/ALPHA", headers=headers).status_code == 404
    assert client.get("/api/v1/projects/BETA", headers=headers).status_code == 200
    listed = client.get("/api/v1/projects", headers=headers).json["data"]
    assert [p["key"] for p in listed] == ["BETA"]


def test_a_signed_in_session_does_not_open_the_api(world, client, login):
    login(world.users["product_owner"])
    assert client.get("/settings").status_code == 200
    answer = client.get("/api/v1/projects")
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    assert client.post("/api/v1/projects/ALPHA/items", json={"title": "x"}).status_code == 401


def test_settings_link_to_the_tokens_and_the_api(world, client, login):
    login(world.users["observer"])
    page = client.get("/settings")
    assert 'href="/settings/tokens"' in page.text and 'href="/api"' in page.text


def test_a_token_stops_while_its_organisation_requires_two_factor_sign_in(world, client):
    headers = bearer_for(world.users["developer"], [world.project_a])
    world.vendor.requires_two_factor = True
    db.session.commit()
    refused = client.get("/api/v1/projects", headers=headers)
    assert refused.status_code == 403 and "two-factor" in refused.json["detail"]
