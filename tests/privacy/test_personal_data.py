"""A person's data as JSON (GDPR Art. 15): from their settings, and for site administrators,
whose looks at other people's data are recorded (who looked at whom)."""
import json

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="samspil-personal-data-')
    return json.loads(response.get_data(as_text=True))


def test_my_data_holds_everything_about_me_and_nothing_about_others(trace, login):
    data = download(login(trace.person), "/settings/personal-data")
    assert data["format"] == "samspil-personal-data" and data["version"] == 1
    assert data["account"]["email"] == trace.person.email
    assert data["account"]["organisation"] == "Ballerup Kommune"
    assert data["memberships"] == [{"project": "ALPHA", "project_name": "Alfa",
                                    "roles": ["contributor"],
                                    "since": data["memberships"][0]["since"]}]
    assert data["identities"][0]["provider"] == "kommune"
    assert data["identities"][0]["subject"] == "nemlog-in-4711"
    assert [(a["name"], a["project"]) for a in data["attachments"]] == [
        ("Procesdiagram Lise.pdf", "ALPHA")]
    assert [(t["name"], t["projects"], t["can_write"]) for t in data["access_tokens"]] == [
        ("Tidsregistrering", ["ALPHA"], False)]
    assert [c["body"] for c in data["comments"]] == [trace.comment.body]
    assert data["comments"][0]["item"] == "ALPHA-1"
    assert data["needs"]["submitted"][0]["background"] == "Aftaler i skuffen hos Lise Jensen."
    assert data["needs"]["notes"][0]["body"] == "Workshop med Lise Jensen."
    assert "mentioned" in [n["kind"] for n in data["notifications"]["received"]]
    assert data["digests"]["subscriptions"] == [{"project": "ALPHA", "frequency": "weekly"}]
    assert any(e["action"] == "project.member_added" for e in data["audit_events"]["about_me"])
    # Others' comments are theirs (it reaches me only as what I was notified of).
    assert "Den her kommentar er min egen." not in json.dumps(data["comments"])
    text = json.dumps(data)
    # Secrets are never copied out, only described.
    assert trace.token_secret not in text and trace.token.digest not in text
    assert trace.person.password_hash not in text and data["account"]["has_password"] is True


def test_the_settings_page_offers_the_download(trace, login):
    html = login(trace.person).get("/settings").get_data(as_text=True)
    assert 'href="/settings/personal-data"' in html and "Download my data" in html


def test_an_administrators_download_and_look_are_recorded(trace, login):
    admin = trace.world.users["site_admin"]
    client = login(admin)
    page = client.get(f"/admin/users/{trace.person.id}").get_data(as_text=True)
    assert f'href="/admin/users/{trace.person.id}/personal-data"' in page
    data = download(client, f"/admin/users/{trace.person.id}/personal-data")
    assert data["account"]["id"] == trace.person.id
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == admin.id)
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.target_id, e.target_label) for e in events] == [
        ("user.viewed", trace.person.id, trace.person.name),
        ("user.personal_data_exported", trace.person.id, trace.person.name)]
    # Who looked at whom is part of the person's own data.
    mine = download(login(trace.person), "/settings/personal-data")
    assert {"user.viewed", "user.personal_data_exported"} <= {
        e["action"] for e in mine["audit_events"]["about_me"]}


def test_an_administrator_looking_at_their_own_page_records_no_look(trace, login):
    admin = trace.world.users["site_admin"]
    login(admin).get(f"/admin/users/{admin.id}")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.viewed")) is None


def test_an_unknown_account_is_404(trace, login):
    client = login(trace.world.users["site_admin"])
    assert client.get("/admin/users/99999999/personal-data").status_code == 404
