"""Sending through a real receiver on 127.0.0.1: signatures as the docs verify them, the body,
retries driven by the clock (no sleeping), timeouts, final answers, SSRF at send time, the
switching off of an endpoint that keeps failing, and the log's purge."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from app.backlog.services import add_comment, create_item, update_item
from app.board.services import move_item
from app.database import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.webhooks.models import DeliveryState, WebhookDelivery
from app.webhooks.sending import purge, send_due


def deliveries():
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_created_item_is_delivered_signed_with_the_api_representation(world, receiver,
                                                                          endpoint_for):
    r = receiver()
    endpoint_for(r, ["item.created"])
    owner = world.users["product_owner"]
    item = create_item(world.project_a, owner, "Login med MitID", estimate=3)
    db.session.commit()
    assert [d.state for d in deliveries()] == [DeliveryState.PENDING]  # nothing sent yet

    assert send_due() == "1 delivered, 0 failed"

    [got] = r.received
    assert got["signed"], "the signature must hold as docs/webhooks.md verifies it"
    body = json.loads(got["body"])
    assert got["headers"]["Samspil-Event"] == "item.created"
    assert got["headers"]["Samspil-Delivery"] == body["id"]
    assert body["event"] == "item.created"
    assert body["project"] == {"key": "ALPHA", "name": "Alfa"}
    assert body["actor"] == {"id": owner.id, "name": owner.name}
    assert body["data"]["key"] == f"ALPHA-{item.number}"
    assert body["data"]["title"] == "Login med MitID"
    assert body["data"]["links"]["web"].startswith("http://samspil.test/p/ALPHA/")
    assert "changes" not in body
    [delivery] = deliveries()
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert len(delivery.response_body) == 2048  # the first 2 KB of the answer
    assert delivery.duration_ms is not None


def test_a_signature_with_another_secret_does_not_verify(world, receiver, endpoint_for):
    r = receiver()
    endpoint_for(r, ["item.created"])
    r.secret = "whsec_not-the-one"
    create_item(world.project_a, world.users["product_owner"], "Noget")
    db.session.commit()
    send_due()
    assert [got["signed"] for got in r.received] == [False]


def test_an_update_carries_its_changes_and_other_events_are_not_sent(world, receiver,
                                                                     endpoint_for):
    owner = world.users["product_owner"]
    item = create_item(world.project_a, owner, "Login")
    db.session.commit()
    r = receiver()
    endpoint_for(r, ["item.updated", "comment.created"])
    update_item(item, owner, {"title": "Login med MitID", "estimate": "5"})
    add_comment(item, owner, "Husk NemLog-in.")
    create_item(world.project_a, owner, "Ikke valgt")  # item.created: not chosen
    db.session.commit()
    send_due()
    bodies = [json.loads(got["body"]) for got in r.received]
    assert [b["event"] for b in bodies] == ["item.updated", "comment.created"]
    assert bodies[0]["changes"] == {"title": {"old": "Login", "new": "Login med MitID"},
                                    "estimate": {"old": None, "new": "5"}}
    assert bodies[1]["data"]["body"] == "Husk NemLog-in."
    assert bodies[1]["data"]["item"]["key"] == f"ALPHA-{item.number}"
    assert all(got["signed"] for got in r.received)


def test_moves_acceptance_and_rejection_have_their_events(world, receiver, endpoint_for):
    owner, developer = world.users["product_owner"], world.users["developer"]
    item = create_item(world.project_a, owner, "Kort")
    db.session.commit()
    r = receiver()
    endpoint_for(r, ["item.moved", "item.accepted", "item.rejected"])
    for status in ("ready", "in_progress", "review", "acceptance"):
        move_item(item, developer, status)
    move_item(item, owner, "in_progress", reason="Mangler test")
    db.session.commit()
    send_due()
    bodies = [json.loads(got["body"]) for got in r.received]
    assert [b["event"] for b in bodies] == ["item.moved"] * 4 + ["item.rejected"]
    assert bodies[-1]["changes"] == {"status": {"old": "acceptance", "new": "in_progress"}}
    assert bodies[-1]["data"]["rejected_reason"] == "Mangler test"


def test_a_change_rolled_back_leaves_no_delivery(world, receiver, endpoint_for):
    endpoint_for(receiver(), ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Fortrudt")
    db.session.rollback()
    assert deliveries() == []


def test_another_projects_and_inactive_endpoints_get_nothing(world, receiver, endpoint_for):
    r_b, r_off = receiver(), receiver()
    endpoint_for(r_b, ["item.created"], project=world.project_b)
    endpoint_for(r_off, ["item.created"]).is_active = False
    db.session.commit()
    create_item(world.project_a, world.users["product_owner"], "Kun Alfa")
    db.session.commit()
    send_due()
    assert deliveries() == [] and r_b.received == [] and r_off.received == []


def test_a_receiver_failing_twice_gets_one_delivery_in_three_attempts(world, receiver,
                                                                     endpoint_for):
    r = receiver(script=[500, 503, 200])
    endpoint_for(r, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Tredje gang")
    db.session.commit()
    t0 = utcnow()
    assert send_due(now=t0) == "0 delivered, 1 failed"
    [delivery] = deliveries()
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)
    assert send_due(now=t0 + timedelta(seconds=10)) == "0 delivered, 0 failed"  # not yet due
    send_due(now=t0 + timedelta(seconds=31))
    db.session.refresh(delivery)
    assert delivery.next_attempt_at == t0 + timedelta(seconds=91)  # the backoff doubled
    send_due(now=t0 + timedelta(seconds=91))
    db.session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert len({got["headers"]["Samspil-Delivery"] for got in r.received}) == 1
    assert len(r.received) == 3 and all(got["signed"] for got in r.received)
    assert delivery.endpoint.failing_since is None


def test_a_hanging_receiver_times_out_and_is_tried_again(app, world, receiver, endpoint_for,
                                                         monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 1.0)
    r = receiver(script=["hang"], hang_seconds=3)
    endpoint_for(r, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Langsom")
    db.session.commit()
    t0 = utcnow()
    send_due(now=t0)
    [delivery] = deliveries()
    assert delivery.state == "pending" and delivery.error == "timeout"
    assert delivery.response_status is None and delivery.duration_ms < 2500
    assert delivery.next_attempt_at == t0 + timedelta(seconds=30)


def test_a_4xx_is_final_a_429_is_retried(world, receiver, endpoint_for):
    gone, busy = receiver(script=[404]), receiver(script=[429])
    endpoint_for(gone, ["item.created"])
    endpoint_for(busy, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Svar")
    db.session.commit()
    send_due()
    first, second = deliveries()
    assert (first.state, first.attempts, first.next_attempt_at) == ("failed", 1, None)
    assert (second.state, second.response_status) == ("pending", 429)


def test_a_redirect_is_not_followed(world, receiver, endpoint_for):
    r = receiver(script=[302])
    endpoint_for(r, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Videre")
    db.session.commit()
    send_due()
    [delivery] = deliveries()
    assert (delivery.state, delivery.response_status) == ("failed", 302)
    assert len(r.received) == 1


def test_the_address_is_checked_again_when_sending(app, world, receiver, endpoint_for,
                                                   monkeypatch):
    r = receiver()
    endpoint_for(r, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Indenfor")
    db.session.commit()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_TARGETS", [])
    send_due()
    [delivery] = deliveries()
    assert delivery.state == "failed" and "127.0.0.1" in delivery.error
    assert r.received == []


def test_an_endpoint_failing_for_24_hours_is_switched_off_and_the_secretariat_told(
        world, receiver, endpoint_for, login, smtp):
    r = receiver(script=[500])
    endpoint = endpoint_for(r, ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Nede")
    db.session.commit()
    t0 = utcnow()
    send_due(now=t0)
    assert endpoint.is_active and endpoint.failing_since == t0
    create_item(world.project_a, world.users["product_owner"], "Stadig nede")
    db.session.commit()
    send_due(now=t0 + timedelta(hours=24, minutes=1))
    db.session.refresh(endpoint)
    assert not endpoint.is_active and endpoint.disabled_reason == "failing"
    assert all(d.state == "failed" for d in deliveries())
    told = db.session.scalars(select(Notification.recipient_id).where(
        Notification.kind == "webhook_disabled")).all()
    assert told == [world.users["secretariat"].id]
    # The secretariat sees it in Samspil, linked to the endpoint's page, and gets an e-mail.
    client = login(world.users["secretariat"])
    page = client.get("/notifications").get_data(as_text=True)
    assert endpoint.url in page
    notification_id = db.session.scalar(select(Notification.id))
    opened = client.post(f"/notifications/{notification_id}/read", data={"go": "target"})
    assert opened.headers["Location"].endswith(f"/p/ALPHA/webhooks/{endpoint.id}")
    from app.notifications.email import send_due as send_notification_emails

    send_notification_emails(t0 + timedelta(hours=24, minutes=2))
    [mail] = smtp.to(world.users["secretariat"].email)
    assert endpoint.url in mail.get_body(("plain",)).get_content()


def test_the_log_is_kept_30_days(world, receiver, endpoint_for):
    endpoint_for(receiver(), ["item.created"])
    create_item(world.project_a, world.users["product_owner"], "Gammel")
    db.session.commit()
    send_due()
    assert purge(now=utcnow() + timedelta(days=29)) == "0 old deliveries removed"
    assert purge(now=utcnow() + timedelta(days=31)) == "1 old deliveries removed"
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0


def test_needs_decisions_and_sprints_are_delivered_with_their_representations(
        world, receiver, endpoint_for):
    from datetime import date

    from app.decisions.services import record_decision
    from app.discovery.services import create_need, set_status
    from app.sprints.services import close_sprint, create_sprint, start_sprint

    r = receiver()
    endpoint_for(r, ["need.created", "need.status_changed", "decision.recorded",
                     "sprint.started", "sprint.closed"])
    owner, secretariat = world.users["product_owner"], world.users["secretariat"]
    need = create_need(world.project_a, owner, title="Overblik over sager", background="B.",
                       desired_outcome="D.", expected_value="E.")
    set_status(need, "in_discovery", secretariat)
    record_decision(world.project_a, world.users["steering"], decided_on=date(2026, 12, 1),
                    title="Vi prioriterer overblik", needs=[need])
    sprint = create_sprint(world.project_a, world.users["delivery_lead"], "Sprint 1",
                           date(2026, 11, 30), date(2026, 12, 11), 20)
    start_sprint(sprint, world.users["delivery_lead"])
    close_sprint(sprint, world.users["delivery_lead"])
    db.session.commit()
    send_due()
    bodies = [json.loads(got["body"]) for got in r.received]
    assert [b["event"] for b in bodies] == ["need.created", "need.status_changed",
                                            "decision.recorded", "sprint.started",
                                            "sprint.closed"]
    assert bodies[0]["data"]["title"] == "Overblik over sager"
    assert bodies[1]["changes"] == {"status": {"old": "submitted", "new": "in_discovery"}}
    assert bodies[2]["data"]["needs"] == [need.number]
    assert bodies[3]["data"]["name"] == "Sprint 1" and bodies[4]["data"]["state"] == "closed"
    assert all(got["signed"] for got in r.received)
