"""The digest in the browser: settings, preview, archive, administration and the outbox."""
from sqlalchemy import select

from app.digests.delivery import send_due
from app.digests.models import DeliveryState, DigestSubscription
from app.extensions import db
from app.projects.models import Role
from tests.digests.helpers import make_delivery, make_test_message


def test_settings_show_one_row_per_project_with_role_defaults(world, factory, client, login):
    dev = world.users["developer"]
    factory.user(world.vendor)  # someone else, irrelevant
    from app.projects.services import add_member
    add_member(world.project_b, dev, [Role.DEVELOPER])
    db.session.commit()
    login(dev)
    html = client.get("/settings").get_data(as_text=True)
    assert 'id="digest-settings"' in html
    assert f'name="digests-project_{world.project_a.id}"' in html
    assert f'name="digests-project_{world.project_b.id}"' in html
    assert '<option selected value="off">' in html  # developers: off by default

    login(world.users["steering"])
    html = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="weekly">' in html


def test_saving_subscriptions_with_a_plain_form(world, client, login):
    steering = world.users["steering"]
    login(steering)
    response = client.post("/settings/digests",
                           data={f"digests-project_{world.project_a.id}": "daily"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/settings")
    row = db.session.scalar(select(DigestSubscription)
                            .where(DigestSubscription.user_id == steering.id))
    assert row.frequency == "daily"


def test_keeping_the_default_writes_no_row(world, client, login):
    login(world.users["steering"])
    client.post("/settings/digests", data={f"digests-project_{world.project_a.id}": "weekly"})
    assert db.session.scalar(select(DigestSubscription)) is None


def test_saving_subscriptions_with_htmx_returns_the_panel(world, client, login):
    login(world.users["developer"])
    response = client.post("/settings/digests", headers={"HX-Request": "true"},
                           data={f"digests-project_{world.project_a.id}": "weekly"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith("<section")
    assert '<option selected value="weekly">' in html
    assert "samspil:announce" in response.headers["HX-Trigger"]


def test_an_unknown_frequency_is_refused_with_422(world, client, login):
    login(world.users["developer"])
    response = client.post("/settings/digests", headers={"HX-Request": "true"},
                           data={f"digests-project_{world.project_a.id}": "hourly"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(DigestSubscription)) is None
    page = client.post("/settings/digests", data={f"digests-project_{world.project_a.id}": "x"})
    assert page.status_code == 422 and "<h1>" in page.get_data(as_text=True)


def test_preview_shows_my_next_digest_with_page_templates(world, client, login):
    login(world.users["steering"])
    response = client.get("/p/ALPHA/digest")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A observer" in html and "digest-section" in html
    assert "style=" not in html  # the page CSP: no inline styles (those are e-mail only)
    assert '<a href="/p/ALPHA/digest" aria-current="page">' in html


def test_archive_lists_and_shows_only_my_past_digests(world, client, login, outbox, monday_morning):
    send_due(now=monday_morning)
    steering, po = world.users["steering"], world.users["product_owner"]
    mine = make_delivery(steering, world.project_a, period_key="2020-W01")
    theirs = make_delivery(po, world.project_a, period_key="2020-W01")
    login(steering)
    html = client.get("/p/ALPHA/digest").get_data(as_text=True)
    assert f"/p/ALPHA/digest/{mine.id}" in html and f"/p/ALPHA/digest/{theirs.id}" not in html
    page = client.get(f"/p/ALPHA/digest/{mine.id}")
    assert page.status_code == 200 and "Bo Hansen (Ballerup Kommune)" in page.get_data(as_text=True)
    assert client.get(f"/p/ALPHA/digest/{theirs.id}").status_code == 404
    assert client.get(f"/p/BETA/digest/{mine.id}").status_code == 404  # not a member of BETA


def test_skipped_digests_are_not_in_the_archive(world, client, login):
    sent = make_delivery(world.users["steering"], world.project_a, period_key="2020-W01")
    skipped = make_delivery(world.users["steering"], world.project_a, state=DeliveryState.SKIPPED)
    login(world.users["steering"])
    html = client.get("/p/ALPHA/digest").get_data(as_text=True)
    assert f"/p/ALPHA/digest/{sent.id}" in html
    assert f"/p/ALPHA/digest/{skipped.id}" not in html


def test_outbox_page_lists_messages_for_site_admins_in_development(world, client, login, outbox,
                                                                   app, monkeypatch):
    from app.mail.transport import write_to_outbox

    path = write_to_outbox(make_test_message("Hej fra udbakken"))
    login(world.users["site_admin"])
    html = client.get("/dev/outbox").get_data(as_text=True)
    assert "Hej fra udbakken" in html and path.name in html
    download = client.get(f"/dev/outbox/{path.name}")
    assert download.status_code == 200 and download.mimetype == "message/rfc822"
    assert client.get("/dev/outbox/..%2Fsecret.eml").status_code == 404

    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    assert client.get("/dev/outbox").status_code == 404
    assert client.get(f"/dev/outbox/{path.name}").status_code == 404
