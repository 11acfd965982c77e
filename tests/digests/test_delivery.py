"""Sending digests through a real SMTP server: recipients, content, language, failures."""
from datetime import timedelta

from sqlalchemy import func, select

from app.digests.delivery import send_due, send_retries
from app.digests.models import DeliveryState, DigestDelivery, Frequency
from app.digests.services import read_unsubscribe_token, set_subscription
from app.extensions import db
from app.projects.models import Role
from app.projects.services import membership_of, remove_member, set_roles


def deliveries(**where):
    query = select(DigestDelivery).order_by(DigestDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(DigestDelivery, name) == value)
    return db.session.scalars(query).all()


def _prepare(world):
    """Steering (English) and the product owner (Danish) have the weekly default; the developer
    chooses weekly; a role change gives the governance section something to say."""
    world.users["steering"].locale = "en"
    world.users["product_owner"].locale = "da"
    set_subscription(world.users["developer"], world.project_a, Frequency.WEEKLY)
    set_roles(membership_of(world.project_a, world.users["observer"].id),
              [Role.OBSERVER, Role.CONTRIBUTOR])
    db.session.commit()


def test_the_right_people_get_one_multipart_message_each(world, smtp, monday_morning):
    _prepare(world)
    report = send_due(now=monday_morning)

    assert smtp.recipients == sorted(["steering@a.example", "product_owner@a.example",
                                      "developer@a.example", "outsider@b.example"])
    assert report.sent == 4 and report.failed == 0
    for message in smtp.messages:
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"].startswith("<") and message["Date"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = message["List-Unsubscribe"].strip()
        assert url.startswith("<http://samspil.test/unsubscribe/") and url.endswith(">")
        html = message.get_body(("html",)).get_content()
        assert ("<svg" not in html.lower() and "<script" not in html.lower()
                and "<img" not in html.lower())
        assert 'href="http://samspil.test/p/' in html  # absolute links from BASE_URL

    token = smtp.to("steering@a.example")[0]["List-Unsubscribe"].strip()[1:-1].rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == (world.users["steering"].id, world.project_a.id, "")


def test_each_role_sees_its_sections_in_its_language(world, smtp, monday_morning):
    _prepare(world)
    send_due(now=monday_morning)

    steering = smtp.to("steering@a.example")[0]
    text = steering.get_body(("plain",)).get_content()
    assert steering["Subject"].startswith("Alfa: weekly digest")
    assert "New members" in text and "Changes to people and roles" in text
    assert "A observer has new roles" in text and "added: Contributor" in text

    po = smtp.to("product_owner@a.example")[0]
    po_text = po.get_body(("plain",)).get_content()
    assert po["Subject"].startswith("Alfa: ugentlig statusmail")
    assert "Nye medlemmer" in po_text and "Ændringer i personer og roller" in po_text
    assert 'lang="da"' in po.get_body(("html",)).get_content()

    developer_text = smtp.to("developer@a.example")[0].get_body(("plain",)).get_content()
    assert "Nye medlemmer" in developer_text  # no language chosen: Danish
    assert "Ændringer i personer og roller" not in developer_text  # governance only

    outsider_text = smtp.to("outsider@b.example")[0].get_body(("plain",)).get_content()
    assert "Alfa" not in outsider_text and "A observer" not in outsider_text


def test_a_digest_is_sent_once_per_period_and_stored(world, smtp, monday_morning):
    _prepare(world)
    send_due(now=monday_morning)
    send_due(now=monday_morning + timedelta(minutes=5))
    send_due(now=monday_morning + timedelta(days=2))

    assert len(smtp.to("steering@a.example")) == 1
    [row] = deliveries(user_id=world.users["steering"].id)
    assert row.state == DeliveryState.SENT and row.attempts == 1
    assert row.period_key == monday_morning.strftime("%G-W%V")
    assert row.subject.startswith("Alfa: weekly digest") and "New members" in row.body_text
    assert "<table" in row.body_html and row.content[0]["title"]


def test_the_next_period_starts_where_the_previous_digest_ended(world, smtp, monday_morning):
    send_due(now=monday_morning)
    [first] = deliveries(user_id=world.users["steering"].id)
    send_due(now=monday_morning + timedelta(days=7))
    rows = deliveries(user_id=world.users["steering"].id)
    assert len(rows) == 2 and rows[1].period_start == first.period_end
    # Nothing happened in the second week: nothing sent, but the period is recorded.
    assert rows[1].state == DeliveryState.SKIPPED
    assert len(smtp.to("steering@a.example")) == 1


def test_nothing_is_sent_when_there_is_nothing_to_say_unless_configured(
        world, smtp, monday_morning, app, monkeypatch):
    later = monday_morning + timedelta(days=14)  # the members joined more than a week before
    send_due(now=later)
    assert smtp.envelopes == []
    assert {d.state for d in deliveries()} == {DeliveryState.SKIPPED}

    db.session.execute(DigestDelivery.__table__.delete())
    db.session.commit()
    monkeypatch.setitem(app.config, "DIGEST_SEND_EMPTY", True)
    send_due(now=later)
    assert "steering@a.example" in smtp.recipients
    text = smtp.to("steering@a.example")[0].get_body(("plain",)).get_content()
    assert "Intet nyt at fortælle i perioden." in text  # no language chosen: Danish


def test_a_project_the_user_has_left_sends_nothing(world, smtp, monday_morning):
    remove_member(membership_of(world.project_a, world.users["steering"].id))
    db.session.commit()
    send_due(now=monday_morning)
    assert "steering@a.example" not in smtp.recipients
    assert deliveries(user_id=world.users["steering"].id) == []


def test_leaving_between_writing_and_sending_sends_nothing(world, smtp_server, monday_morning):
    send_due(now=monday_morning)  # the server is down: rows wait for a retry
    remove_member(membership_of(world.project_a, world.users["steering"].id))
    db.session.commit()
    smtp_server.start()
    send_retries(now=monday_morning + timedelta(hours=1))
    assert "steering@a.example" not in smtp_server.handler.recipients
    assert "product_owner@a.example" in smtp_server.handler.recipients
    [row] = deliveries(user_id=world.users["steering"].id)
    assert row.state == DeliveryState.SKIPPED


def test_connection_refused_then_delivered_later_exactly_once(world, smtp_server, monday_morning):
    report = send_due(now=monday_morning)  # nothing listens on the port yet
    assert report.retrying == 3 and report.sent == 0
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.RETRYING and row.attempts == 1
    assert "refused" in row.last_error.lower()
    assert row.next_attempt_at == monday_morning + timedelta(seconds=120)

    smtp_server.start()
    assert send_retries(now=monday_morning + timedelta(minutes=1)).sent == 0  # not due yet
    assert send_retries(now=monday_morning + timedelta(minutes=3)).sent == 3
    send_retries(now=monday_morning + timedelta(minutes=10))
    send_due(now=monday_morning + timedelta(minutes=15))

    assert smtp_server.handler.recipients == sorted(
        ["steering@a.example", "product_owner@a.example", "outsider@b.example"])
    db.session.expire_all()
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.SENT and row.attempts == 2


def test_a_4xx_reply_is_retried_with_backoff_then_succeeds(world, smtp, monday_morning):
    remove_member(membership_of(world.project_b, world.users["outsider"].id))
    remove_member(membership_of(world.project_a, world.users["product_owner"].id))
    db.session.commit()
    smtp.data_replies.extend(["451 4.3.0 Mailbox busy, try again later"] * 2)

    send_due(now=monday_morning)
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.RETRYING and "451" in row.last_error
    first_wait = row.next_attempt_at - monday_morning
    send_retries(now=row.next_attempt_at)
    db.session.expire_all()
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.RETRYING and row.attempts == 2
    assert row.next_attempt_at - (monday_morning + first_wait) == 2 * first_wait  # doubles
    send_retries(now=row.next_attempt_at)
    db.session.expire_all()
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.SENT and row.attempts == 3
    assert len(smtp.to("steering@a.example")) == 1


def test_a_5xx_reply_fails_for_good_and_administrators_see_it(world, smtp, monday_morning,
                                                              client, login):
    remove_member(membership_of(world.project_b, world.users["outsider"].id))
    remove_member(membership_of(world.project_a, world.users["product_owner"].id))
    db.session.commit()
    smtp.rcpt_replies.append("550 5.1.1 No such user here")

    report = send_due(now=monday_morning)
    assert report.failed == 1
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.FAILED and "550" in row.last_error
    assert send_retries(now=monday_morning + timedelta(days=1)).sent == 0
    assert smtp.envelopes == []

    login(world.users["site_admin"])
    page = client.get("/admin/digests").get_data(as_text=True)
    assert "steering@a.example" in page and "550 5.1.1 No such user here" in page
    assert "ALPHA" in page and row.period_key in page
    failed_only = client.get("/admin/digests?state=failed").get_data(as_text=True)
    assert "550 5.1.1" in failed_only


def test_too_many_temporary_failures_end_as_failed(world, smtp_server, monday_morning, app,
                                                   monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_MAX_ATTEMPTS", 2)
    send_due(now=monday_morning)
    send_retries(now=monday_morning + timedelta(hours=1))
    db.session.expire_all()
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.FAILED and row.attempts == 2


def test_dry_run_writes_and_sends_nothing(world, smtp, monday_morning):
    report = send_due(now=monday_morning, dry_run=True)
    assert sorted(email for email, _key, _subject in report.planned) == sorted(
        ["steering@a.example", "product_owner@a.example", "outsider@b.example"])
    assert smtp.envelopes == []
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 0


def test_project_option_limits_sending(world, smtp, monday_morning):
    send_due(now=monday_morning, project_key="BETA")
    assert smtp.recipients == ["outsider@b.example"]


def test_without_a_mail_server_messages_go_to_the_outbox(world, outbox, monday_morning):
    send_due(now=monday_morning)
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 3
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in files[0].read_bytes()
    assert {d.state for d in deliveries()} == {DeliveryState.SENT}


def test_cli_send_and_dry_run(world, outbox, app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["digests", "send", "--project", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output
    result = runner.invoke(args=["digests", "send", "--dry-run"])
    assert result.exit_code == 0 and "Nothing was written or sent" in result.output


def test_an_unexpected_error_is_recorded_not_left_claimed(world, outbox, monday_morning,
                                                          monkeypatch):
    from app.digests import delivery as delivery_module

    def broken(_message, before_data=None):
        raise ValueError("bug")

    monkeypatch.setattr(delivery_module, "send_message", broken)
    send_due(now=monday_morning)
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.FAILED and row.claimed_by is None
    assert "ValueError: bug" in row.last_error


def test_an_administrator_sends_a_failed_digest_again(world, smtp, monday_morning, client,
                                                      login):
    remove_member(membership_of(world.project_b, world.users["outsider"].id))
    remove_member(membership_of(world.project_a, world.users["product_owner"].id))
    db.session.commit()
    smtp.rcpt_replies.append("550 5.7.1 Relaying denied")
    send_due(now=monday_morning)
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.FAILED

    login(world.users["steering"])
    assert client.post(f"/admin/digests/{row.id}/retry").status_code == 403
    login(world.users["site_admin"])
    page = client.get("/admin/digests?state=failed").get_data(as_text=True)
    assert f'action="/admin/digests/{row.id}/retry"' in page
    response = client.post(f"/admin/digests/{row.id}/retry", data={"state": "failed"})
    assert response.status_code == 303 and response.headers["Location"].endswith("state=failed")
    assert client.post(f"/admin/digests/{row.id}/retry").status_code == 409  # not failed now

    send_retries()
    db.session.expire_all()
    row = deliveries(user_id=world.users["steering"].id)[0]
    assert row.state == DeliveryState.SENT and len(smtp.to("steering@a.example")) == 1
