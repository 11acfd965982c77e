"""Limits on joining and recovering access: one person cannot send a thousand invitations in a
minute, and one address or client cannot ask for reset links without end. A refused request
says why (429) and leaves nothing half-done."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import PasswordReset
from app.extensions import db
from app.invitations.models import Invitation
from tests.pages import shown

ON = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


@pytest.fixture
def limited_app(make_app, smtp, smtp_server):
    def _make(**limits):
        return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, **ON, **limits)
    return _make


def signed_in(app, user):
    client = app.test_client()
    login_id = user.get_id()
    db.session.rollback()  # the other app writes to the same (SQLite) database: let it
    with client.session_transaction() as session:
        session["_user_id"] = login_id
        session["_fresh"] = True
    return client


def test_a_thousand_invitations_in_a_minute_are_refused_after_thirty(world, limited_app, smtp):
    muni_id, admin = world.muni_a.id, world.users["site_admin"]
    app = limited_app()
    client = signed_in(app, world.users["secretariat"])
    statuses = []
    for n in range(40):  # the default limit is 30 a minute; the 31st and on are refused
        response = client.post("/p/ALPHA/invitations", data={
            "invite-email": f"person{n}@a.example", "invite-organisation_id": muni_id,
            "invite-roles": ["observer"], "invite-locale": "da"})
        statuses.append(response.status_code)
    assert statuses == [303] * 30 + [429] * 10
    assert "Du har sendt for mange invitationer på kort tid (højst 30 per minute, 200 per " \
           "day). Denne blev ikke sendt, og intet er gemt." in shown(response.text)
    # Nothing half-done: thirty invitations, thirty e-mails, none for the refused ones.
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 30
    assert len(smtp.recipients) == 30 and "person30@a.example" not in smtp.recipients
    db.session.rollback()
    # The limit is the inviter's own: a site administrator still invites.
    other = signed_in(app, admin)
    assert other.post("/p/ALPHA/invitations", data={
        "invite-email": "extra@a.example", "invite-organisation_id": muni_id,
        "invite-roles": ["observer"], "invite-locale": "da"}).status_code == 303


def test_reset_links_are_limited_per_address(world, limited_app, smtp):
    db.session.rollback()
    app = limited_app(PASSWORD_RESET_LIMIT_PER_ADDRESS="2 per hour")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/password/forgot", data={"email": "observer@a.example"},
                           environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 303
    refused = client.post("/password/forgot", data={"email": "Observer@a.example"},
                          environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert refused.status_code == 429
    assert "For mange anmodninger om ny adgangskode" in shown(refused.text)
    assert int(refused.headers["Retry-After"]) >= 1
    # An unknown address is limited alike (no telling which exist).
    for _ in range(2):
        client.post("/password/forgot", data={"email": "nobody@a.example"})
    assert client.post("/password/forgot", data={"email": "nobody@a.example"}).status_code == 429
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 2
    assert len(smtp.recipients) == 2


def test_reset_links_are_limited_per_client(world, limited_app, smtp):
    db.session.rollback()
    app = limited_app(PASSWORD_RESET_LIMIT_PER_CLIENT="3 per hour")
    client = app.test_client()
    for n in range(3):
        assert client.post("/password/forgot",
                           data={"email": f"guess{n}@a.example"}).status_code == 303
    assert client.post("/password/forgot",
                       data={"email": "observer@a.example"}).status_code == 429
    assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 0
    assert smtp.messages == []
