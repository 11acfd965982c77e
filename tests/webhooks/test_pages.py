"""The webhook pages: registering (the secret shown once), refusing bad input with the reason
and nothing stored, changing, pinging, redelivering and deleting with a confirmation."""
import json

from sqlalchemy import func, select

from app.extensions import db
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.sending import send_due


def endpoints():
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


# A public address written as such: registration resolves names, and the tests run offline.
PUBLIC = "https://93.184.215.14"


def register(client, url, events=("item.created",), **extra):
    return client.post("/p/ALPHA/webhooks/new", data={"url": url, "events": list(events),
                                                      "is_active": "y", **extra})


def test_the_secretariat_registers_an_endpoint_and_sees_its_secret_once(world, login):
    client = login(world.users["secretariat"])
    page = client.get("/p/ALPHA/members").get_data(as_text=True)
    assert "/p/ALPHA/webhooks" in page  # linked from the project's members page

    response = register(client, f"{PUBLIC}/samspil",
                        ["item.created", "need.created"], description="Teamchat")
    assert response.status_code == 201
    [endpoint] = endpoints()
    assert endpoint.events == ["item.created", "need.created"]
    shown = response.get_data(as_text=True)
    secret = shown.split("data-token>")[1].split("<")[0]
    assert secret.startswith("whsec_") and secret not in endpoint.secret_encrypted
    assert secret not in client.get(f"/p/ALPHA/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "93.184.215.14/samspil" in client.get("/p/ALPHA/webhooks").get_data(as_text=True)


def test_the_delivery_lead_may_a_developer_may_not(world, login):
    assert login(world.users["developer"]).get("/p/ALPHA/webhooks").status_code == 403
    client = login(world.users["delivery_lead"])
    assert register(client, f"{PUBLIC}/x").status_code == 201


def test_bad_registrations_are_refused_with_the_reason_and_nothing_stored(app, world, login,
                                                                         monkeypatch):
    world.users["secretariat"].locale = "en"  # the reasons are asserted in English
    db.session.commit()
    client = login(world.users["secretariat"])
    cases = [
        ("not a url", ("item.created",), "spaces or control characters"),
        ("hooks.example.com/x", ("item.created",), "not a web address"),
        ("ftp://hooks.example.com/x", ("item.created",), "not a web address"),
        ("https://10.1.2.3/hook", ("item.created",), "internal address"),
        ("https://192.168.1.10/hook", ("item.created",), "internal address"),
        ("https://[::1]:8443/hook", ("item.created",), "internal address"),
        ("https://169.254.169.254/latest/meta-data", ("item.created",), "internal address"),
        ("https://user:pw@93.184.215.14/x", ("item.created",), "user name and password"),
        (f"{PUBLIC}/x", ("item.deleted",), "Unknown event: item.deleted"),
        (f"{PUBLIC}/x", (), "Choose at least one event"),
        ("https://nowhere.invalid/x", ("item.created",), "cannot be found"),
    ]
    for url, events, reason in cases:
        response = register(client, url, events)
        assert response.status_code == 422, url
        assert reason in response.get_data(as_text=True), url
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_TARGETS", [])
    response = register(client, "http://127.0.0.1:9/hook")
    assert response.status_code == 422 and "internal address" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "TESTING", False)
    response = register(client, "http://93.184.215.14/x")
    assert response.status_code == 422 and "Use https" in response.get_data(as_text=True)
    assert endpoints() == []


def test_change_ping_redeliver_and_delete(world, login, receiver):
    world.users["secretariat"].locale = "en"
    db.session.commit()
    r = receiver()
    client = login(world.users["secretariat"])
    shown = register(client, r.url, ["item.created"]).get_data(as_text=True)
    r.secret = shown.split("data-token>")[1].split("<")[0]
    [endpoint] = endpoints()
    base = f"/p/ALPHA/webhooks/{endpoint.id}"

    response = client.post(f"{base}/edit", data={"url": r.url, "events": ["sprint.started"],
                                                 "description": "CI"})
    assert response.status_code == 303
    db.session.refresh(endpoint)
    assert endpoint.events == ["sprint.started"] and not endpoint.is_active
    client.post(f"{base}/edit", data={"url": r.url, "events": ["sprint.started"],
                                      "is_active": "y"})

    assert client.post(f"{base}/ping").status_code == 303
    send_due()
    [got] = r.received
    assert json.loads(got["body"])["event"] == "ping" and got["signed"]
    [delivery] = db.session.scalars(select(WebhookDelivery)).all()
    page = client.get(base).get_data(as_text=True)
    assert delivery.uuid in page and "Delivered" in page

    assert client.post(f"{base}/deliveries/{delivery.id}/redeliver").status_code == 303
    send_due()
    assert [g["headers"]["Samspil-Delivery"] for g in r.received] == [delivery.uuid] * 2

    assert "Delete the webhook" in client.get(f"{base}/delete").get_data(as_text=True)
    assert client.post(f"{base}/delete").status_code == 303
    assert endpoints() == []
    assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0


def test_another_projects_webhook_is_not_found(world, login, factory):
    client = login(world.users["secretariat"])
    register(client, f"{PUBLIC}/x")
    [endpoint] = endpoints()
    other = factory.user(world.muni_b, roles=["secretariat"], project=world.project_b)
    db.session.commit()
    client = login(other)
    assert client.get(f"/p/BETA/webhooks/{endpoint.id}").status_code == 404
    assert client.get(f"/p/ALPHA/webhooks/{endpoint.id}").status_code == 404


def test_hostile_registrations_and_changes_never_fail_and_store_nothing(world, login):
    """Every special value in every field of the form: a 4xx with a reason (or, for a
    harmless description, success), never a 500; a refused change leaves the row as it was."""
    from tests.security.hostile import SPECIAL_VALUES

    client = login(world.users["secretariat"])
    assert register(client, f"{PUBLIC}/ok").status_code == 201
    [endpoint] = endpoints()
    good = {"url": f"{PUBLIC}/ok", "events": ["item.created"], "description": "", "is_active": "y"}
    for value in SPECIAL_VALUES:
        for field in ("url", "events", "description", "is_active"):
            data = good | {field: value}
            for path in ("/p/ALPHA/webhooks/new", f"/p/ALPHA/webhooks/{endpoint.id}/edit"):
                status = client.post(path, data=data).status_code
                assert status in (201, 303, 400, 422), (path, field, value[:20], status)
    db.session.expire_all()
    assert all(e.url == f"{PUBLIC}/ok" for e in endpoints())
    assert all(e.events == ["item.created"] for e in endpoints())
