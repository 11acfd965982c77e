"""Erasure (GDPR Art. 17) by a site administrator: the account becomes "Former user N" and
can no longer sign in, what identifies the person goes, their texts stay unless erased too,
and the audit log keeps the facts without the person."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import PasswordReset, User
from app.accounts.services import request_password_reset
from app.audit.models import AuditEvent
from app.backlog.models import Comment
from app.database import utcnow
from app.digests.models import DigestSubscription
from app.discovery.models import Need, NeedNote
from app.extensions import db
from app.invitations.models import Invitation
from app.notifications.models import Notification
from app.privacy import erasure
from app.projects.models import Membership
from app.services import RuleViolation
from app.api.models import AccessToken
from app.attachments.models import Attachment
from app.sso.models import Identity
from tests.conftest import PASSWORD


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def erase(client, user, **data):
    return client.post(f"/admin/users/{user.id}/erase", data={"confirm": "y", **data})


def test_erasure_anonymises_the_account_and_keeps_the_texts(trace, client, login):
    person, admin = trace.person, trace.world.users["site_admin"]
    old_email, person_id = person.email, person.id
    db.session.add(Invitation(project_id=trace.world.project_b.id,
                              organisation_id=trace.world.muni_a.id, email=old_email,
                              roles=["observer"], token_digest="0" * 64,
                              expires_at=utcnow() + timedelta(days=7)))
    request_password_reset(old_email)
    db.session.commit()
    # The person is signed in somewhere.
    other = client.application.test_client()
    with other.session_transaction() as session:
        session["_user_id"], session["_fresh"] = person.get_id(), True
    assert other.get("/settings").status_code == 200
    form = login(admin).get(f"/admin/users/{person_id}/erase")
    assert form.status_code == 200
    assert f"Tidligere bruger {person_id}" in form.get_data(as_text=True)
    response = erase(client, person)
    assert response.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, person_id)
    assert user.name == f"Tidligere bruger {person_id}"  # the installation's language
    assert user.email.endswith("@erased.invalid") and old_email not in user.email
    attachment = db.session.get(Attachment, trace.attachment.id)  # kept, under the new name
    assert attachment.uploaded_by_label == f"Tidligere bruger {person_id}"
    assert user.password_hash is None and user.totp_secret is None and not user.is_active
    for model in (Identity, AccessToken, PasswordReset, DigestSubscription):
        assert count(model, model.user_id == person_id) == 0
    assert count(Membership, Membership.user_id == person_id) == 0
    assert count(Invitation, Invitation.email == old_email) == 0
    assert count(Notification, Notification.recipient_id == person_id) == 0
    # Their texts stay, under the new name.
    assert db.session.get(Comment, trace.comment.id).body.startswith("Vi bruger Excel")
    # Their session is over, and the old address no longer signs in.
    assert other.get("/settings").status_code == 302
    assert client.post("/logout").status_code in (302, 303)
    refused = client.post("/login", data={"email": old_email, "password": PASSWORD})
    assert refused.status_code == 422


def test_the_audit_log_keeps_the_fact_but_not_the_person(trace, client, login):
    person, admin = trace.person, trace.world.users["site_admin"]
    old_email, old_name = person.email, person.name
    client.post("/login", data={"email": old_email, "password": "not-the-password"},
                environ_base={"REMOTE_ADDR": "192.0.2.9"})
    client.post("/login", data={"email": old_email, "password": PASSWORD},
                environ_base={"REMOTE_ADDR": "192.0.2.9"})
    client.post("/logout")
    assert erase(login(admin), person).status_code == 303
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent)).all()
    text = " ".join(f"{e.actor_label} {e.target_label} {e.details} {e.ip_address}"
                    for e in events)
    assert old_email not in text and old_name not in text and "192.0.2.9" not in text
    [erased] = [e for e in events if e.action == "user.erased"]
    assert erased.actor_id == admin.id and erased.target_id == person.id
    assert erased.target_label == f"Tidligere bruger {person.id}"
    assert erased.details == {"texts_erased": False}
    signed_in = [e for e in events if e.action == "account.signed_in"]
    assert signed_in and all(e.actor_label == f"Tidligere bruger {person.id}"
                             for e in signed_in)


def test_their_texts_go_too_when_the_administrator_says_so(trace, login):
    from app.discovery.models import NeedChange
    from app.discovery.services import set_status, update_need

    update_need(trace.need, trace.person, background="Aftaler hos Lise Jensen i Ballerup.")
    set_status(trace.need, "in_discovery", trace.po)
    db.session.commit()
    assert erase(login(trace.world.users["site_admin"]), trace.person,
                 erase_texts="y").status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, trace.comment.id).body == "[slettet]"
    assert db.session.get(NeedNote, trace.note.id).body == "[slettet]"
    need = db.session.get(Need, trace.need.id)
    assert need.background == "[slettet]" and need.title == "Overblik over aftaler"
    # Nor do the need's history lines keep the earlier versions; the facts stay.
    lines = db.session.scalars(select(NeedChange).where(NeedChange.need_id == trace.need.id)
                               .order_by(NeedChange.id)).all()
    assert not [line for line in lines if "Lise" in line.old_value + line.new_value]
    assert [(line.field, line.new_value) for line in lines if line.field == "status"][-1] == (
        "status", "in_discovery")
    # Other people's comments are theirs.
    assert db.session.get(Comment, trace.other_comment.id).body.startswith("Den her")
    html = login(trace.po).get("/p/ALPHA/items/1").get_data(as_text=True)
    assert "Lise Jensen" not in html and "4444" not in html
    assert f"Tidligere bruger {trace.person.id}" in html


def test_erasure_needs_confirmation_and_refuses_oneself_and_the_last_admin(trace, login):
    admin = trace.world.users["site_admin"]
    client = login(admin)
    unconfirmed = client.post(f"/admin/users/{trace.person.id}/erase", data={})
    assert unconfirmed.status_code == 422
    assert "Tick the box" in unconfirmed.get_data(as_text=True)
    assert db.session.get(User, trace.person.id).name == trace.person.name
    itself = erase(client, admin)
    assert itself.status_code == 409 and "your own account" in itself.get_data(as_text=True)
    # The rule holds in the service too (jobs, the CLI): never the last active administrator.
    with pytest.raises(RuleViolation, match="last active site administrator"):
        erasure.erase(admin, trace.world.users["secretariat"])
    db.session.rollback()
    # With a second administrator, one may erase the other.
    other = trace.world.users["observer"]
    other.is_site_admin = True
    db.session.commit()
    assert erase(login(other), admin).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_site_admin is False


def test_the_last_secretariat_member_is_refused_with_the_reason(trace, login):
    secretariat = trace.world.users["secretariat"]
    response = erase(login(trace.world.users["site_admin"]), secretariat)
    assert response.status_code == 409
    assert "last member of the secretariat" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, secretariat.id).email == secretariat.email


def test_an_erased_account_cannot_be_erased_again(trace, login):
    client = login(trace.world.users["site_admin"])
    assert erase(client, trace.person).status_code == 303
    again = erase(client, trace.person)
    assert again.status_code == 409 and "already erased" in again.get_data(as_text=True)
