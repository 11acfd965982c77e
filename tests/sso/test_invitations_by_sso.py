"""An invitation accepted by signing in with single sign-on, through the real OpenID provider
and the real SAML identity provider: the account is made for the invitation (its address,
organisation, project and roles), the identity linked, the invitation used up."""
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.invitations.models import Invitation
from app.invitations.services import invite
from app.projects.models import Role
from app.sso.models import Identity
from tests.sso.fixtures import path_of, through_provider, through_saml_idp


@pytest.fixture
def invited(db, world):
    world.muni_a.cvr = "58271713"
    sent = invite(world.project_a, world.users["secretariat"], "nyt.medlem@ballerup.example",
                  world.muni_a, [Role.CONTRIBUTOR])
    db.session.commit()
    return sent


def _accept_page(client, token):
    return client.get(f"/invitations/{token}", headers={"Accept-Language": "en"}).text


def _joined(db, world, invited, provider, subject):
    user = db.session.scalar(select(User).where(User.email == "nyt.medlem@ballerup.example"))
    assert user is not None and user.organisation_id == world.muni_a.id
    assert user.password_hash is None
    identity = db.session.scalar(select(Identity).where(Identity.user_id == user.id))
    assert (identity.provider, identity.subject) == (provider, subject)
    assert db.session.get(Invitation, invited.invitation.id).accepted_by_id == user.id
    assert any(m.project_id == world.project_a.id for m in user.memberships)


def test_an_invitation_is_accepted_with_openid_connect(client, db, world, invited, kommune):
    page = _accept_page(client, invited.token)
    assert f'href="/login/sso/kommune?invitation={invited.token}"' in page
    start = client.get(f"/login/sso/kommune?invitation={invited.token}")
    response = client.get(path_of(through_provider(start.headers["Location"], "anne")))
    assert response.status_code == 303
    assert response.headers["Location"] == "/p/ALPHA/"
    _joined(db, world, invited, "kommune", "anne")
    # The link is used up.
    assert client.get(f"/invitations/{invited.token}").status_code == 410


def test_an_invitation_is_accepted_with_saml(client, db, world, invited, kombit):
    assert "Log ind med KOMBIT" in _accept_page(client, invited.token)
    start = client.get(f"/login/sso/kombit?invitation={invited.token}")
    acs, fields = through_saml_idp(start.headers["Location"], "ny")
    response = client.post(path_of(acs), data=fields)
    assert response.status_code == 303, response.text
    _joined(db, world, invited, "kombit", "ny-persistent")


def test_an_identity_of_another_organisation_cannot_accept(client, db, world, invited, kombit):
    nordlys = world.vendor
    nordlys.cvr = "31000009"
    db.session.commit()
    start = client.get(f"/login/sso/kombit?invitation={invited.token}")
    acs, fields = through_saml_idp(start.headers["Location"], "bo")
    response = client.post(path_of(acs), data=fields, headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "The invitation is for Ballerup Kommune" in response.text
    assert db.session.get(Invitation, invited.invitation.id).accepted_at is None
    assert db.session.scalar(select(Identity)) is None


def test_a_used_invitation_is_refused_with_a_clear_page(client, db, world, invited, kombit):
    start = client.get(f"/login/sso/kombit?invitation={invited.token}")
    acs, fields = through_saml_idp(start.headers["Location"], "ny")
    assert client.post(path_of(acs), data=fields).status_code == 303
    client.post("/logout")
    again = client.get(f"/login/sso/kombit?invitation={invited.token}",
                       headers={"Accept-Language": "en"})
    assert again.status_code == 410
    assert "This invitation has already been used" in again.text


def test_an_identity_with_an_account_cannot_accept_another_invitation(
        client, db, world, invited, kombit, saml_sign_in):
    assert saml_sign_in("anne").status_code == 303
    client.post("/logout")
    start = client.get(f"/login/sso/kombit?invitation={invited.token}")
    acs, fields = through_saml_idp(start.headers["Location"], "anne")
    response = client.post(path_of(acs), data=fields, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "already have a Samspil account" in response.text
    assert db.session.get(Invitation, invited.invitation.id).accepted_at is None


def test_a_forged_invitation_is_refused_before_leaving(client, db, kombit):
    response = client.get("/login/sso/kombit?invitation=forged",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.text
