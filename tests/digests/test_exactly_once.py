"""A digest whose delivery is in doubt is never sent twice by itself: a mail server that takes
the message but answers too late (or not at all), or a database that fails after the server
took it, leaves the delivery "uncertain" for an administrator to judge."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.audit.models import AuditEvent
from app.digests import delivery as delivery_module
from app.digests.delivery import claim, deliver, send_due, send_retries
from app.digests.models import DeliveryState, DigestDelivery
from app.extensions import db
from app.projects.services import membership_of, remove_member


def _only_steering_receives(world):
    """One recipient (A's steering member): each late answer costs the test one timeout."""
    remove_member(membership_of(world.project_b, world.users["outsider"].id))
    remove_member(membership_of(world.project_a, world.users["product_owner"].id))
    db.session.commit()


def _row(world) -> DigestDelivery:
    db.session.expire_all()
    return db.session.scalars(select(DigestDelivery).where(
        DigestDelivery.user_id == world.users["steering"].id)).one()


def _later_runs(start):
    """What the scheduler does over the following days: catch-up runs and retry runs."""
    for minutes in (5, 11, 30, 60, 24 * 60, 3 * 24 * 60):
        send_retries(now=start + timedelta(minutes=minutes))
        send_due(now=start + timedelta(minutes=minutes + 1))


@pytest.fixture
def impatient(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.5)


@pytest.mark.parametrize("server_does", ["answers after the timeout", "hangs up"])
def test_no_verdict_after_the_data_makes_the_digest_uncertain_and_it_is_never_resent(
        world, smtp, impatient, monday_morning, server_does):
    _only_steering_receives(world)
    if server_does == "hangs up":
        smtp.drop_after_data = True
    else:
        smtp.data_delay = 1.5  # the server keeps the message and says so too late

    report = send_due(now=monday_morning)
    state_after_first_run = _row(world).state
    _later_runs(monday_morning)

    assert len(smtp.to("steering@a.example")) == 1
    assert state_after_first_run == DeliveryState.UNCERTAIN
    assert report.uncertain == 1 and report.retrying == 0 and report.sent == 0
    row = _row(world)
    assert row.state == DeliveryState.UNCERTAIN and row.claimed_by is None
    assert "may have been delivered" in row.last_error


def test_a_timeout_before_the_data_is_retried_and_delivered_once(world, smtp, impatient,
                                                                 monday_morning):
    _only_steering_receives(world)
    smtp.rcpt_delay = 1.5  # nothing of the message has gone out yet: safe to try again

    send_due(now=monday_morning)
    row = _row(world)
    assert row.state == DeliveryState.RETRYING and smtp.envelopes == []

    smtp.rcpt_delay = 0
    _later_runs(monday_morning)
    assert len(smtp.to("steering@a.example")) == 1
    assert _row(world).state == DeliveryState.SENT


def test_a_database_failure_after_the_server_took_it_is_uncertain_not_resent(
        world, smtp, monday_morning, monkeypatch):
    _only_steering_receives(world)
    finish = delivery_module._finish
    failures = []

    def database_fails_once_on_sent(delivery_id, claimant, **values):
        if values.get("state") == DeliveryState.SENT and not failures:
            failures.append(delivery_id)
            raise OperationalError("UPDATE digest_delivery", {},
                                   Exception("server closed the connection unexpectedly"))
        finish(delivery_id, claimant, **values)

    monkeypatch.setattr(delivery_module, "_finish", database_fails_once_on_sent)
    with pytest.raises(OperationalError):
        send_due(now=monday_morning)
    assert failures and len(smtp.to("steering@a.example")) == 1

    # Its claim still holds for a few minutes; then the next run knows it may have gone out.
    send_retries(now=monday_morning + timedelta(minutes=5))
    state_while_claimed = _row(world).state
    _later_runs(monday_morning)

    assert len(smtp.to("steering@a.example")) == 1
    assert state_while_claimed == DeliveryState.SENDING
    row = _row(world)
    assert row.state == DeliveryState.UNCERTAIN and "may have been delivered" in row.last_error


def test_a_sender_whose_claim_was_taken_over_sends_nothing(world, smtp_server, monday_morning):
    _only_steering_receives(world)
    send_due(now=monday_morning)  # no server yet: the row waits for a retry
    smtp_server.start()
    row = _row(world)
    first_try = row.next_attempt_at
    assert claim(row.id, "slow-sender", first_try)
    # The slow sender's claim expires and another sender takes the row over.
    later = first_try + timedelta(minutes=11)
    assert claim(row.id, "second-sender", later)

    slow = deliver(row.id, "slow-sender", first_try)
    second = deliver(row.id, "second-sender", later)
    assert len(smtp_server.handler.to("steering@a.example")) == 1
    assert slow is None and second == DeliveryState.SENT


def test_an_administrator_sends_an_uncertain_digest_again_with_the_same_message_id(
        world, smtp, impatient, monday_morning, client, login):
    _only_steering_receives(world)
    smtp.data_delay = 1.5
    send_due(now=monday_morning)
    row = _row(world)
    assert row.state == DeliveryState.UNCERTAIN

    login(world.users["site_admin"])
    page = client.get("/admin/digests").get_data(as_text=True)
    assert "1 statusmail er måske nået frem, måske ikke" in page
    assert "Usikker: kan være nået frem (1)" in page  # the filter, with its count
    only = client.get("/admin/digests?state=uncertain").get_data(as_text=True)
    assert "steering@a.example" in only and "Den kan være leveret" in only
    assert "may have been delivered" in only  # the technical detail
    assert f'action="/admin/digests/{row.id}/retry"' in only

    smtp.data_delay = 0
    response = client.post(f"/admin/digests/{row.id}/retry", data={"state": "uncertain"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("state=uncertain")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "digest.retry")).one()
    assert event.details == {"old": "uncertain"} and event.actor_id == world.users["site_admin"].id

    send_retries()
    first, second = smtp.to("steering@a.example")
    assert first["Message-ID"] == second["Message-ID"] == row.message_id
    assert _row(world).state == DeliveryState.SENT
    send_retries(now=monday_morning + timedelta(days=1))
    assert len(smtp.to("steering@a.example")) == 2
