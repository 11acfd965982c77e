"""GitHub and GitLab report to a project: messages signed as they sign them (payloads from
their documentation's examples) link commits, pull/merge requests and releases to the items
they name; a merged "fixes" moves the item to review when the project says so; anything not
from the forge, not JSON or too large is refused and nothing is stored."""
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.backlog.models import Item
from app.backlog.services import create_item
from app.extensions import db
from app.forges import services
from app.forges.models import DevelopmentLink

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> bytes:
    return (PAYLOADS / f"{name}.json").read_bytes()


@pytest.fixture
def connected(world):
    """Project A with items 1 and 2, connected: (receiver, secret)."""
    po = world.users["product_owner"]
    create_item(world.project_a, po, "Eksport til regneark")
    create_item(world.project_a, po, "Kolonner i eksporten")
    secret = services.connect(world.project_a, world.users["secretariat"])
    db.session.commit()
    return services.receiver_of(world.project_a), secret


def github(client, receiver, secret, event, body: bytes, signature=None):
    sign = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(f"/hooks/github/{receiver.token}", data=body, headers={
        "X-GitHub-Event": event, "Content-Type": "application/json",
        "X-Hub-Signature-256": signature if signature is not None else sign})


def gitlab(client, receiver, secret, event, body: bytes):
    return client.post(f"/hooks/gitlab/{receiver.token}", data=body, headers={
        "X-Gitlab-Event": event, "X-Gitlab-Token": secret, "Content-Type": "application/json"})


def links():
    """(item number, kind, short reference, state) of every link, in the order made."""
    return [tuple(row) for row in db.session.execute(
        select(Item.number, DevelopmentLink.kind, func.substr(DevelopmentLink.reference, 1, 7),
               DevelopmentLink.state)
        .join(Item, Item.id == DevelopmentLink.item_id).order_by(DevelopmentLink.id))]


def test_a_push_links_each_commit_to_the_items_it_names_once(connected, client):
    receiver, secret = connected
    answer = github(client, receiver, secret, "push", payload("github_push"))
    assert answer.status_code == 200 and answer.json["linked"] == 3
    # The branch ALPHA-1-eksport names item 1 for both commits; the message names item 2;
    # BETA-7 (another project's key) and ALPHA-999 (no such item) are ignored.
    assert sorted(links()) == [(1, "commit", "0d1a26e", ""), (1, "commit", "9a8b7c6", ""),
                               (2, "commit", "0d1a26e", "")]
    again = github(client, receiver, secret, "push", payload("github_push"))
    assert again.json["linked"] == 0 and len(links()) == 3


def test_the_item_page_shows_its_development(connected, client, login, world):
    receiver, secret = connected
    github(client, receiver, secret, "push", payload("github_push"))
    github(client, receiver, secret, "pull_request", payload("github_pull_request"))
    page = login(world.users["observer"]).get("/p/ALPHA/items/1").get_data(as_text=True)
    assert '<h2 id="development-heading">Udvikling</h2>' in page
    assert "0d1a26e" in page and "Eksport til regneark med danske bogstaver" in page
    assert "https://github.com/os2kommuner/os2-kontrakter/pull/42" in page
    assert "/p/ALPHA/development" not in page  # the observer does not manage it
    lead = login(world.users["delivery_lead"]).get("/p/ALPHA/items/2").get_data(as_text=True)
    assert "Indstillinger for GitHub og GitLab" in lead and "0d1a26e" in lead


def test_a_merged_fix_moves_the_item_to_review_only_when_the_project_says_so(connected,
                                                                              client, world):
    receiver, secret = connected
    item = db.session.scalar(select(Item).where(Item.number == 1))
    answer = github(client, receiver, secret, "pull_request", payload("github_pull_request"))
    assert answer.json["moved"] == []
    db.session.refresh(item)
    assert item.status == "backlog"
    services.set_moves_to_review(receiver, True, world.users["secretariat"])
    db.session.commit()
    answer = github(client, receiver, secret, "pull_request", payload("github_pull_request"))
    assert answer.json["moved"] == ["ALPHA-1"]
    db.session.refresh(item)
    assert item.status == "review"
    # ALPHA-2 is only mentioned, not fixed: it stays.
    assert db.session.scalar(select(Item.status).where(Item.number == 2)) == "backlog"
    # Never past acceptance: an item in acceptance stays there.
    from app.board.services import move_item
    move_item(item, world.users["developer"], "acceptance")
    db.session.commit()
    github(client, receiver, secret, "pull_request", payload("github_pull_request"))
    db.session.refresh(item)
    assert item.status == "acceptance"


def test_releases_and_gitlab_events_are_linked_too(connected, client):
    receiver, secret = connected
    assert github(client, receiver, secret, "release",
                  payload("github_release")).json["linked"] == 1
    assert gitlab(client, receiver, secret, "Push Hook",
                  payload("gitlab_push")).json["linked"] == 1  # "alpha-1", any case
    assert gitlab(client, receiver, secret, "Merge Request Hook",
                  payload("gitlab_merge_request")).json["linked"] == 1
    assert gitlab(client, receiver, secret, "Release Hook",
                  payload("gitlab_release")).json["linked"] == 1
    assert sorted(links()) == [(1, "commit", "b6568db", ""), (1, "pull_request", "1", "open"),
                               (1, "release", "v1.1", "create"),
                               (1, "release", "v2.4.0", "published")]


def test_a_message_not_from_the_forge_is_refused_and_logged(connected, client):
    receiver, secret = connected
    body = payload("github_push")
    forged = github(client, receiver, "another secret", "push", body)
    assert forged.status_code == 401 and forged.mimetype == "application/json"
    unsigned = github(client, receiver, secret, "push", body, signature="")
    assert unsigned.status_code == 401
    assert gitlab(client, receiver, "wrong", "Push Hook", payload("gitlab_push")).status_code == 401
    refusals = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "forge.refused"))
    assert refusals == 3 and links() == []


def test_bad_messages_are_refused_with_a_reason(connected, client, app):
    receiver, secret = connected
    not_json = github(client, receiver, secret, "push", b"<xml/>")
    assert not_json.status_code == 400 and "JSON" in not_json.json["detail"]
    wrong_shape = github(client, receiver, secret, "push", json.dumps({"ref": 3}).encode())
    assert wrong_shape.status_code == 400
    listed = github(client, receiver, secret, "push", b"[1, 2]")
    assert listed.status_code == 400
    deep = b"[" * 100_000 + b"]" * 100_000
    assert gitlab(client, receiver, secret, "Push Hook", deep).status_code == 400
    ignored = github(client, receiver, secret, "issues", b"{}")
    assert ignored.status_code == 202
    ping = github(client, receiver, secret, "ping", json.dumps({"zen": "Keep it simple."}).encode())
    assert ping.status_code == 202
    huge = github(client, receiver, secret, "push", b"{" + b" " * (10 * 1024 * 1024) + b"}")
    assert huge.status_code == 413 and huge.mimetype == "application/json"
    assert client.post("/hooks/github/no-such-token", data=b"{}").status_code == 404
    assert client.post(f"/hooks/bitbucket/{receiver.token}", data=b"{}").status_code == 404
    assert links() == []


def test_the_development_page_connects_shows_the_secret_once_and_disconnects(world, login):
    client = login(world.users["delivery_lead"])
    page = client.get("/p/ALPHA/development")
    assert page.status_code == 200 and "Forbind GitHub eller GitLab" in page.text
    made = client.post("/p/ALPHA/development/secret")
    receiver = services.receiver_of(world.project_a)
    assert made.status_code == 200 and receiver.secret in made.text
    assert f"/hooks/github/{receiver.token}" in made.text
    assert receiver.secret not in client.get("/p/ALPHA/development").text
    client.post("/p/ALPHA/development/settings", data={"moves_to_review": "y"})
    db.session.refresh(receiver)
    assert receiver.moves_to_review
    refused = client.post("/p/ALPHA/development/disconnect", data={})
    assert refused.status_code == 422 and services.receiver_of(world.project_a) is not None
    assert client.post("/p/ALPHA/development/disconnect",
                       data={"confirm": "y"}).status_code == 303
    db.session.expire_all()
    assert services.receiver_of(world.project_a) is None
