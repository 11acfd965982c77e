"""One-click unsubscribe (RFC 8058): by POST, without a session or CSRF token, idempotent."""
import pytest
from sqlalchemy import select

from app.digests.models import DigestSubscription, Frequency
from app.digests.services import effective_frequency, make_unsubscribe_token
from app.extensions import db


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _frequency(user, project):
    from app.projects.permissions import roles_in

    return effective_frequency(user, project, roles_in(user, project))[0]


def test_one_click_post_without_session_or_csrf_token_unsubscribes(world, app, client, csrf_on):
    steering = world.users["steering"]
    signed_in = app.test_client()
    with signed_in.session_transaction() as session:
        session["_user_id"] = steering.get_id()
    assert signed_in.post("/settings/digests").status_code == 400  # CSRF is really on
    token = make_unsubscribe_token(steering.id, world.project_a.id)

    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Du er afmeldt" in response.get_data(as_text=True)  # Danish: no session, no preference
    db.session.expire_all()
    assert _frequency(steering, world.project_a) == Frequency.OFF

    again = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    rows = db.session.scalars(select(DigestSubscription).where(
        DigestSubscription.user_id == steering.id)).all()
    assert [(r.project_id, r.frequency) for r in rows] == [(world.project_a.id, "off")]
    # Only that project: the user's other subscriptions are untouched.
    assert _frequency(world.users["outsider"], world.project_b) == Frequency.WEEKLY


def test_get_asks_for_confirmation_and_changes_nothing(world, client):
    steering = world.users["steering"]
    token = make_unsubscribe_token(steering.id, world.project_a.id)
    page = client.get(f"/unsubscribe/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'action="/unsubscribe/{token}"' in html and 'method="post"' in html
    assert "Alfa" in html and "steering@a.example" in html
    assert _frequency(steering, world.project_a) == Frequency.WEEKLY


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_tampered_token_is_refused(world, client, csrf_on, method):
    steering = world.users["steering"]
    token = make_unsubscribe_token(steering.id, world.project_a.id)
    payload, signature = token.split(".")
    # Someone else's ids with the original signature, a bad signature, and garbage.
    other = make_unsubscribe_token(world.users["product_owner"].id, world.project_a.id)
    for bad in (f"{other.split('.')[0]}.{signature}", f"{payload}.{signature[:-2]}xx", "nonsense"):
        response = client.open(f"/unsubscribe/{bad}", method=method)
        assert response.status_code == 400
        assert "Linket til afmelding er ikke gyldigt" in response.get_data(as_text=True)
    assert _frequency(steering, world.project_a) == Frequency.WEEKLY
    assert _frequency(world.users["product_owner"], world.project_a) == Frequency.WEEKLY


def test_a_token_of_another_salt_is_refused(world, client, app):
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(
        [world.users["steering"].id, world.project_a.id])
    assert client.post(f"/unsubscribe/{forged}").status_code == 400


def test_a_token_for_a_deleted_project_still_answers_200(world, client):
    token = make_unsubscribe_token(world.users["steering"].id, 999999)
    assert client.post(f"/unsubscribe/{token}").status_code == 200
