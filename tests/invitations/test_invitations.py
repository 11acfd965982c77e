"""Inviting people into a project by e-mail, through the real stack: the members page's form,
a real SMTP server (aiosmtpd) that receives the message, and the link followed from it."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.invitations.models import Invitation
from app.projects.models import Role
from app.projects.services import membership_of
from tests.pages import shown

NEW_ADDRESS = "ny.kollega@ballerup.dk"
STRONG = "en-lang-og-god-adgangskode"


def invite(client, world, email=NEW_ADDRESS, org=None, roles=("contributor",), locale="da",
           message="Velkommen i projektet!", **headers):
    return client.post("/p/ALPHA/invitations", data={
        "invite-email": email, "invite-organisation_id": (org or world.muni_a).id,
        "invite-roles": list(roles), "invite-message": message, "invite-locale": locale},
        headers=headers)


def link_in(message) -> str:
    """The invitation link of the message's plain-text part, as the person would click it."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://samspil\.test(/invitations/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def open_list(response) -> str:
    """The words of the list of open invitations (after the flash messages and the form)."""
    words = shown(response.text)
    return words[words.rindex("Åbne invitationer"):]


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def secretariat(world, login):
    return login(world.users["secretariat"])


def test_an_invitation_is_accepted_from_the_e_mail_link(world, secretariat, smtp):
    response = invite(secretariat, world)
    assert response.status_code == 303
    page = secretariat.get("/p/ALPHA/members")
    assert "Invitationen er sendt til ny.kollega@ballerup.dk." in shown(page.text)
    assert NEW_ADDRESS in shown(page.text) and "A secretariat" in shown(page.text)

    [message] = smtp.to(NEW_ADDRESS)
    assert message.is_multipart() and message["Content-Language"] == "da"
    assert message["Subject"] == "A secretariat inviterer dig til Alfa i Samspil"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "for Ballerup Kommune, som Fagperson" in text and "Velkommen i projektet!" in text
    link = link_in(message)
    assert f'href="http://samspil.test{link}"' in html_of(message)
    # Only the token's digest is stored.
    token = link.rsplit("/", 1)[1]
    assert db.session.scalar(select(func.count()).select_from(Invitation)
                             .where(Invitation.token_digest == token)) == 0

    secretariat.post("/logout")
    opened = secretariat.get(link)
    assert opened.status_code == 200
    words = shown(opened.text)
    assert "Alfa" in words and "Ballerup Kommune" in words and "Fagperson" in words
    assert "A secretariat" in words

    joined = secretariat.post(link, data={"name": "Nina Kollega", "password": STRONG,
                                          "locale": "en"})
    assert joined.status_code == 303 and joined.headers["Location"].endswith("/p/ALPHA/")
    overview = secretariat.get("/p/ALPHA/")
    assert overview.status_code == 200 and "Nina Kollega" in overview.text
    user = db.session.scalar(select(User).where(User.email == NEW_ADDRESS))
    assert user.organisation_id == world.muni_a.id and user.locale == "en"
    assert user.check_password(STRONG)
    assert membership_of(world.project_a, user.id).role_names == {"contributor"}
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"invitation.sent", "invitation.accepted"} <= actions
    # The link worked once.
    secretariat.post("/logout")
    again = secretariat.get(link)
    assert again.status_code == 410 and "allerede brugt" in shown(again.text)
    assert secretariat.post(link, data={"name": "X", "password": STRONG,
                                        "locale": "da"}).status_code == 410


def test_the_inviter_may_write_the_e_mail_in_english(world, secretariat, smtp):
    invite(secretariat, world, locale="en", roles=("product_owner", "observer"))
    [message] = smtp.to(NEW_ADDRESS)
    assert message["Subject"] == "A secretariat invites you to Alfa in Samspil"
    assert "as Observer, Product owner" in message.get_body(
        preferencelist=("plain",)).get_content()


def test_an_address_with_an_account_becomes_a_member_at_once(world, secretariat, factory, smtp):
    person = factory.user(world.muni_a, email="eksisterende@a.example", name="Eva Eksisterende")
    person.locale = "en"
    db.session.commit()
    response = invite(secretariat, world, email="Eksisterende@A.example", roles=("steering",))
    assert response.status_code == 303
    assert membership_of(world.project_a, person.id).role_names == {"steering"}
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    page = secretariat.get("/p/ALPHA/members")
    assert "Eva Eksisterende havde allerede en konto og er nu medlem" in shown(page.text)
    [message] = smtp.to("eksisterende@a.example")
    assert message["Subject"] == "You are now a member of Alfa in Samspil"
    assert message.is_multipart()
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "as Steering group" in text and "http://samspil.test/p/ALPHA/" in text


def test_an_existing_account_of_another_organisation_is_refused(world, secretariat, smtp):
    response = invite(secretariat, world, email="outsider@b.example")
    assert response.status_code == 422
    assert "har allerede en konto hos Odense Kommune" in shown(response.text)
    assert membership_of(world.project_a, world.users["outsider"].id) is None
    assert smtp.messages == []


def test_a_product_owner_from_a_vendor_is_refused_as_adding_a_member_is(world, secretariat,
                                                                         smtp):
    response = invite(secretariat, world, email="po@nordlys.example", org=world.vendor,
                      roles=("product_owner",))
    assert response.status_code == 422
    reason = ("En produktejer taler på kommunernes vegne: personer fra en leverandør som "
              "Nordlys Software ApS kan ikke have den rolle.")
    assert reason in shown(response.text)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert smtp.messages == []
    # Adding a member refuses it with the same words.
    added = secretariat.post("/p/ALPHA/members", data={
        "member-email": "developer@a.example", "member-roles": ["product_owner"]})
    assert added.status_code == 422 and reason in shown(added.text)


def test_an_organisation_outside_the_project_is_refused(world, secretariat, smtp):
    response = invite(secretariat, world, org=world.muni_b)
    assert response.status_code == 422
    assert "Odense Kommune deltager ikke i projektet" in shown(response.text)
    assert smtp.messages == []


def test_an_address_of_another_domain_is_allowed_with_a_note(world, secretariat, smtp):
    response = invite(secretariat, world, email="konsulent@privat.example")
    assert response.status_code == 303
    page = shown(secretariat.get("/p/ALPHA/members").text)
    note = ("Bemærk: privat.example er ikke det e-maildomæne, som personer fra Ballerup "
            "Kommune plejer at have.")
    assert "Invitationen er sendt til konsulent@privat.example. " + note in page
    assert "Andet domæne " + note in open_list(secretariat.get("/p/ALPHA/members"))
    assert len(smtp.to("konsulent@privat.example")) == 1


def test_the_same_address_twice_is_refused_while_the_first_is_open(world, secretariat, smtp):
    assert invite(secretariat, world).status_code == 303
    again = invite(secretariat, world, roles=("observer",))
    assert again.status_code == 409
    assert "er allerede inviteret" in shown(again.text)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert len(smtp.to(NEW_ADDRESS)) == 1


def test_resend_makes_a_new_link_and_the_old_one_dies(world, secretariat, smtp):
    invite(secretariat, world)
    old_link = link_in(smtp.to(NEW_ADDRESS)[0])
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at -= timedelta(days=20)  # expired meanwhile
    db.session.commit()
    assert secretariat.get(old_link).status_code == 410
    response = secretariat.post(f"/p/ALPHA/invitations/{invitation.id}/resend")
    assert response.status_code == 303
    new_link = link_in(smtp.to(NEW_ADDRESS)[1])
    assert new_link != old_link
    assert secretariat.get(old_link).status_code == 404
    assert secretariat.get(new_link).status_code == 200
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).expires_at > invitation.created_at
    assert "invitation.resent" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_revoked_invitation_says_so(world, secretariat, login, smtp):
    invite(secretariat, world)
    link = link_in(smtp.to(NEW_ADDRESS)[0])
    invitation = db.session.scalar(select(Invitation))
    response = secretariat.post(f"/p/ALPHA/invitations/{invitation.id}/revoke")
    assert response.status_code == 303
    assert NEW_ADDRESS not in open_list(secretariat.get("/p/ALPHA/members"))
    secretariat.post("/logout")
    opened = secretariat.get(link)
    assert opened.status_code == 410 and "trukket tilbage" in shown(opened.text)
    joined = secretariat.post(link, data={"name": "N", "password": STRONG, "locale": "da"})
    assert joined.status_code == 410
    assert db.session.scalar(select(User).where(User.email == NEW_ADDRESS)) is None
    assert "invitation.revoked" in set(db.session.scalars(select(AuditEvent.action)))
    # Revoking twice is refused with the reason.
    login(world.users["secretariat"])
    twice = secretariat.post(f"/p/ALPHA/invitations/{invitation.id}/revoke")
    assert twice.status_code == 409
    assert "Invitationen til ny.kollega@ballerup.dk blev trukket tilbage." in shown(twice.text)


@pytest.mark.parametrize("forge", ["truncated", "forged", "empty-ish", "too long"])
def test_forged_and_truncated_links_say_so_plainly(world, secretariat, smtp, forge):
    invite(secretariat, world)
    token = link_in(smtp.to(NEW_ADDRESS)[0]).rsplit("/", 1)[1]
    bad = {"truncated": token[:-3], "forged": "A" * len(token), "empty-ish": "-",
           "too long": token * 50}[forge]
    secretariat.post("/logout")
    opened = secretariat.get(f"/invitations/{bad}")
    assert opened.status_code == 404 and "Invitationen findes ikke" in shown(opened.text)
    joined = secretariat.post(f"/invitations/{bad}", data={"name": "N", "password": STRONG,
                                                          "locale": "da"})
    assert joined.status_code == 404
    assert db.session.scalar(select(User).where(User.email == NEW_ADDRESS)) is None


def test_a_weak_password_is_refused_and_the_link_still_works(world, secretariat, smtp):
    invite(secretariat, world)
    link = link_in(smtp.to(NEW_ADDRESS)[0])
    secretariat.post("/logout")
    weak = secretariat.post(link, data={"name": "Nina", "password": "kort", "locale": "da"})
    assert weak.status_code == 422 and "mindst 12 tegn" in shown(weak.text)
    assert db.session.scalar(select(User).where(User.email == NEW_ADDRESS)) is None
    assert secretariat.post(link, data={"name": "Nina", "password": STRONG,
                                        "locale": "da"}).status_code == 303


def test_only_the_secretariat_and_site_admins_invite(world, client, login, smtp):
    login(world.users["product_owner"])
    assert invite(client, world).status_code == 403
    page = client.get("/p/ALPHA/members")
    assert "Invitér via e-mail" not in shown(page.text)
    login(world.users["site_admin"])
    assert invite(client, world).status_code == 303
    admin_page = client.get("/admin/invitations")
    assert admin_page.status_code == 200 and NEW_ADDRESS in shown(admin_page.text)
    assert "Alfa" in shown(admin_page.text)


def test_the_site_admin_list_resends_and_returns_to_it(world, client, login, smtp):
    login(world.users["site_admin"])
    invite(client, world)
    invitation = db.session.scalar(select(Invitation))
    response = client.post(f"/p/ALPHA/invitations/{invitation.id}/resend",
                           data={"next": "/admin/invitations"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/invitations"
    assert len(smtp.to(NEW_ADDRESS)) == 2
    response = client.post(f"/p/ALPHA/invitations/{invitation.id}/revoke",
                           data={"next": "/admin/invitations"})
    assert NEW_ADDRESS not in open_list(client.get("/admin/invitations"))


def test_an_invitation_of_another_project_answers_404(world, client, login, factory, smtp):
    login(world.users["secretariat"])
    invite(client, world)
    invitation = db.session.scalar(select(Invitation))
    other = factory.user(world.muni_b, email="sek@b.example", roles=[Role.SECRETARIAT],
                         project=world.project_b)
    db.session.commit()
    login(other)
    assert client.post(f"/p/BETA/invitations/{invitation.id}/revoke").status_code == 404
    assert client.post(f"/p/BETA/invitations/{invitation.id}/resend").status_code == 404
    assert db.session.get(Invitation, invitation.id).revoked_at is None
