"""One-click unsubscribe (RFC 8058): by POST, without a session or CSRF token, idempotent; a
link stops working once its recipient has made another choice, and is signed with a key of
the installation's own."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.digests.models import DigestSubscription, Frequency
from app.digests.services import effective_frequency, make_unsubscribe_token, set_subscription
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


def _links_in_the_digests(outbox, address) -> list[str]:
    """The paths of the List-Unsubscribe links in the digests to `address`, oldest first (by
    the Date header: the files' names may not tell within a second)."""
    from email import policy
    from email.parser import BytesParser

    messages = [BytesParser(policy=policy.default).parsebytes(path.read_bytes())
                for path in outbox.glob("*.eml")]
    mine = sorted((m for m in messages if m["To"].addresses[0].addr_spec == address),
                  key=lambda m: m["Date"].datetime)
    return [m["List-Unsubscribe"].strip()[1:-1].removeprefix("http://samspil.test")
            for m in mine]


def test_an_old_link_cannot_undo_a_later_choice(world, outbox, monday_morning, client, login,
                                                app, monkeypatch):
    from app.digests.delivery import send_due

    steering = world.users["steering"]
    send_due(now=monday_morning)
    [old_link] = _links_in_the_digests(outbox, "steering@a.example")
    assert client.post(old_link).status_code == 200  # one click: unsubscribed
    assert client.post(old_link).status_code == 200  # and again: still the same choice
    db.session.expire_all()
    assert _frequency(steering, world.project_a) == Frequency.OFF

    # They change their mind in Settings: the link in the old e-mail must not undo that.
    login(steering).post("/settings/digests",
                         data={f"digests-project_{world.project_a.id}": "weekly"})
    db.session.expire_all()
    assert _frequency(steering, world.project_a) == Frequency.WEEKLY
    anonymous = client.application.test_client()
    for method in ("GET", "POST"):
        response = anonymous.open(old_link, method=method)
        html = response.get_data(as_text=True)
        assert response.status_code == 400, method
        assert "Linket er ikke længere gyldigt" in html
        assert 'href="/settings#digest-settings"' in html
        assert 'action="/unsubscribe/' not in html
    db.session.expire_all()
    assert _frequency(steering, world.project_a) == Frequency.WEEKLY

    # The next digest carries a link that works.
    monkeypatch.setitem(app.config, "DIGEST_SEND_EMPTY", True)  # a quiet week still sends
    send_due(now=monday_morning + timedelta(days=7, minutes=1))
    [_old, new_link] = _links_in_the_digests(outbox, "steering@a.example")
    assert new_link != old_link and anonymous.post(new_link).status_code == 200


def test_changing_the_frequency_makes_earlier_links_stale_and_saving_unchanged_does_not(
        world, client, login):
    developer = world.users["developer"]
    set_subscription(developer, world.project_a, Frequency.DAILY)
    db.session.commit()
    daily_link = f"/unsubscribe/{make_unsubscribe_token(developer.id, world.project_a.id)}"

    login(developer).post("/settings/digests",
                          data={f"digests-project_{world.project_a.id}": "daily"})
    assert client.get(daily_link).status_code == 200  # nothing changed: still valid

    set_subscription(developer, world.project_a, Frequency.WEEKLY)
    db.session.commit()
    assert client.post(daily_link).status_code == 400
    db.session.expire_all()
    assert _frequency(developer, world.project_a) == Frequency.WEEKLY


def test_existing_subscriptions_get_a_nonce_of_their_own_when_migrating(app, tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from config import TestConfig

    url = f"sqlite:///{tmp_path / 'nonce.db'}"
    scratch = create_app(type("Scratch", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with scratch.app_context():
        upgrade(revision="8a79c8583405")  # the schema before subscriptions had a nonce
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO organisation (name, kind, created_at) "
                "VALUES ('Ballerup Kommune', 'community', '2026-01-01')"))
            conn.execute(text(
                "INSERT INTO user_account (email, name, password_hash, organisation_id, "
                "is_active, is_site_admin, created_at, session_nonce) "
                "VALUES ('a@a.example', 'A', 'x', 1, 1, 0, '2026-01-01', 'n')"))
            conn.execute(text(
                "INSERT INTO project (key, name, description, created_at, is_roadmap_public) "
                "VALUES ('ALPHA', 'Alfa', '', '2026-01-01', 0), "
                "('BETA', 'Beta', '', '2026-01-01', 0)"))
            conn.execute(text(
                "INSERT INTO digest_subscription (user_id, project_id, frequency, updated_at) "
                "VALUES (1, 1, 'daily', '2026-01-01'), (1, 2, 'off', '2026-01-01')"))
        upgrade()
        with db.engine.connect() as conn:
            nonces = conn.execute(text("SELECT nonce FROM digest_subscription")).scalars().all()
        db.engine.dispose()
    assert len(nonces) == 2 and len(set(nonces)) == 2 and all(len(n) >= 16 for n in nonces)
