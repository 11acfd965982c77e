"""Who is notified of what (and who not), the bell's 304, the list, mentions and references,
and the e-mails: urgent ones at once, the rest batched, each sent exactly once."""
from datetime import timedelta

from sqlalchemy import select

from app.backlog import services as backlog
from app.board.services import move_item
from app.database import utcnow
from app.extensions import db
from app.notifications import email, queries
from app.notifications.models import Notification, NotificationEmail
from app.notifications.services import set_email_preferences
from app.projects.models import Role
from app.projects.services import membership_of, remove_member


def _kinds(user):
    return sorted(db.session.scalars(select(Notification.kind).where(
        Notification.recipient_id == user.id)))


def _item(world, **fields):
    po = world.users["product_owner"]
    item = backlog.create_item(world.project_a, po, "Login", **fields)
    db.session.commit()
    return item


def test_assignee_is_told_but_never_the_actor(world):
    dev, po = world.users["developer"], world.users["product_owner"]
    _item(world, assignee_id=dev.id)
    assert _kinds(dev) == ["assigned"]
    assert _kinds(po) == []


def test_watchers_get_comments_and_status_changes_not_outsiders(world):
    dev, po = world.users["developer"], world.users["product_owner"]
    contributor = world.users["contributor"]
    item = _item(world, assignee_id=dev.id)
    backlog.add_comment(item, contributor, "Looks good")
    db.session.commit()
    assert _kinds(po) == ["item_comment"]  # the creator watches
    assert "item_comment" in _kinds(dev)  # the assignee watches
    assert _kinds(contributor) == []  # the commenter is the actor
    move_item(item, dev, "in_progress")
    db.session.commit()
    assert "item_status" in _kinds(contributor)  # commenters watch
    assert _kinds(world.users["outsider"]) == []


def test_a_removed_member_is_no_longer_notified(world):
    dev = world.users["developer"]
    item = _item(world, assignee_id=dev.id)
    remove_member(membership_of(world.project_a, dev.id))
    db.session.commit()
    backlog.add_comment(item, world.users["contributor"], "Hello")
    db.session.commit()
    assert _kinds(dev) == ["assigned"]


def test_acceptance_asks_every_product_owner_when_the_item_serves_no_need(world):
    dev, po = world.users["developer"], world.users["product_owner"]
    item = backlog.create_item(world.project_a, dev, "Report")
    db.session.commit()
    move_item(item, dev, "in_progress")
    move_item(item, dev, "acceptance")
    db.session.commit()
    assert "acceptance" in _kinds(po)
    assert "acceptance" not in _kinds(world.users["steering"])


def test_mentions_notify_members_only_and_non_members_render_as_text(world, login):
    po, dev = world.users["product_owner"], world.users["developer"]
    outsider = world.users["outsider"]
    text = (f"Ask @[Dev]({'user'}:{dev.id}) and @[Who](user:{outsider.id}) "
            f"<script>alert(1)</script>")
    item = _item(world, description=text)
    assert _kinds(dev) == ["mentioned"]
    assert _kinds(outsider) == []
    page = login(po).get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert f"<strong>{dev.name}</strong>" in page
    assert "@Who" in page and outsider.name not in page
    assert "<script>alert(1)" not in page


def test_references_link_only_what_exists_in_the_project_and_show_backlinks(world, login):
    po = world.users["product_owner"]
    target = _item(world)
    other = backlog.create_item(world.project_a, po, "Other",
                                description=f"See ALPHA-{target.number} and ALPHA-999 and BETA-1")
    db.session.commit()
    client = login(po)
    page = client.get(f"/p/ALPHA/items/{other.number}").get_data(as_text=True)
    assert f'href="/p/ALPHA/items/{target.number}"' in page
    assert 'href="/p/ALPHA/items/999"' not in page and "/p/BETA/" not in page
    backlinked = client.get(f"/p/ALPHA/items/{target.number}").get_data(as_text=True)
    assert f"/p/ALPHA/items/{other.number}" in backlinked


def test_the_bell_answers_304_until_something_changes(world, login):
    dev = world.users["developer"]
    client = login(dev)
    first = client.get("/notifications/bell")
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert client.get("/notifications/bell", headers={"If-None-Match": tag}).status_code == 304
    _item(world, assignee_id=dev.id)
    changed = client.get("/notifications/bell", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and ">1<" in changed.get_data(as_text=True).replace(" ", "")


def test_the_bell_poll_makes_the_same_statements_however_many_notifications(
        world, login, count_statements):
    dev = world.users["developer"]
    client = login(dev)
    client.get("/notifications/bell")
    with count_statements:
        client.get("/notifications/bell")
    few = count_statements.count
    for _ in range(5):
        _item(world, assignee_id=dev.id)
    with count_statements:
        client.get("/notifications/bell")
    assert count_statements.count == few


def test_the_list_groups_by_day_and_marks_read(world, login):
    dev = world.users["developer"]
    item = _item(world, assignee_id=dev.id)
    client = login(dev)
    page = client.get("/notifications").get_data(as_text=True)
    assert item.title in page
    row = db.session.scalar(select(Notification).where(Notification.recipient_id == dev.id))
    answer = client.post(f"/notifications/{row.id}/read", data={"go": "target"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        f"/p/ALPHA/items/{item.number}")
    assert queries.unread_count(dev) == 0
    other = login(world.users["outsider"])
    assert other.post(f"/notifications/{row.id}/read").status_code == 404


def test_mentions_are_emailed_at_once_and_exactly_once(world, smtp):
    dev = world.users["developer"]
    _item(world, description=f"Hi @[D](user:{dev.id})")
    db.session.commit()
    email.send_due(utcnow())
    email.send_due(utcnow() + timedelta(minutes=1))
    mails = smtp.to(dev.email)
    assert len(mails) == 1
    assert "mentioned you" in str(mails[0]["Subject"]) or "nævnt dig" in str(mails[0]["Subject"])
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_other_kinds_are_batched_at_most_once_per_period(world, smtp, app):
    dev = world.users["developer"]
    now = utcnow()
    _item(world, assignee_id=dev.id)
    email.send_due(now)
    _item(world, assignee_id=dev.id)
    _item(world, assignee_id=dev.id)
    email.send_due(now + timedelta(minutes=3))
    assert len(smtp.to(dev.email)) == 1
    email.send_due(now + timedelta(minutes=app.config["NOTIFICATION_BATCH_MINUTES"] + 1))
    mails = smtp.to(dev.email)
    assert len(mails) == 2
    assert "2" in str(mails[1]["Subject"])
    rows = db.session.scalars(select(NotificationEmail.state)).all()
    assert rows == ["sent", "sent"]


def test_a_kind_switched_off_is_not_emailed_but_still_listed(world, smtp):
    dev = world.users["developer"]
    set_email_preferences(dev, ["mentioned"])
    db.session.commit()
    _item(world, assignee_id=dev.id)
    email.send_due(utcnow())
    assert smtp.to(dev.email) == []
    assert _kinds(dev) == ["assigned"]


def test_one_click_unsubscribe_switches_the_kind_off(world, smtp, client):
    dev = world.users["developer"]
    _item(world, description=f"Hi @[D](user:{dev.id})")
    email.send_due(utcnow())
    link = smtp.to(dev.email)[0]["List-Unsubscribe"].strip("<>")
    path = link[link.index("/notifications/unsubscribe/"):]
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200  # idempotent
    _item(world, description=f"Again @[D](user:{dev.id})")
    email.send_due(utcnow() + timedelta(minutes=1))
    assert len(smtp.to(dev.email)) == 1
    assert client.get("/notifications/unsubscribe/nonsense").status_code == 400


def test_settings_show_and_save_the_email_choices(world, login):
    dev = world.users["developer"]
    client = login(dev)
    assert "notification-settings" in client.get("/settings").get_data(as_text=True)
    assert client.post("/settings/notifications", data={"email": ["mentioned"]}).status_code == 303
    assert client.post("/settings/notifications", data={"email": ["bogus"]}).status_code == 422


def test_escalation_waits_for_the_steering_group(world):
    from app.discovery import services as discovery

    po = world.users["product_owner"]
    need = discovery.create_need(world.project_a, po, title="Bedre login", background="b",
                                 desired_outcome="d", expected_value="v")
    discovery.escalate(need, po, "Please decide")
    db.session.commit()
    assert _kinds(world.users["steering"]) == ["escalation"]
    assert Role.STEERING.value == "steering"


def test_watch_and_unwatch_with_and_without_htmx(world, login):
    po, observer = world.users["product_owner"], world.users["observer"]
    item = _item(world)
    client = login(observer)
    page = client.get(f"/p/ALPHA/items/{item.number}").get_data(as_text=True)
    assert 'name="watching" value="1"' in page
    answer = client.post(f"/p/ALPHA/watch/item/{item.number}", data={"watching": "1"})
    assert answer.status_code == 303
    backlog.add_comment(item, po, "News")
    db.session.commit()
    assert _kinds(observer) == ["item_comment"]
    fragment = client.post(f"/p/ALPHA/watch/item/{item.number}", data={"watching": "0"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'name="watching" value="1"' in fragment
    backlog.add_comment(item, po, "More news")
    db.session.commit()
    assert _kinds(observer) == ["item_comment"]
    assert client.post("/p/ALPHA/watch/item/999", data={"watching": "1"}).status_code == 404
    assert client.post(f"/p/ALPHA/watch/bogus/{item.number}").status_code == 404
    assert login(world.users["outsider"]).post(
        f"/p/ALPHA/watch/item/{item.number}", data={"watching": "1"}).status_code == 404


def test_an_explicit_unwatch_survives_the_next_comment(world):
    po, dev = world.users["product_owner"], world.users["developer"]
    from app.backlog.notify import item_target
    from app.notifications.services import unwatch

    item = _item(world)
    backlog.add_comment(item, dev, "First")
    unwatch(dev.id, item_target(item))
    backlog.add_comment(item, dev, "Second")
    db.session.commit()
    backlog.add_comment(item, po, "Third")
    db.session.commit()
    assert "item_comment" not in _kinds(dev)


def test_members_who_opt_in_follow_their_municipality_s_needs(world, login):
    from app.discovery import services as discovery

    po, contributor = world.users["product_owner"], world.users["contributor"]
    steering = world.users["steering"]
    need = discovery.create_need(world.project_a, po, title="Bedre login", background="b",
                                 desired_outcome="d", expected_value="v")
    db.session.commit()
    client = login(contributor)
    assert "watch-settings" in client.get("/settings").get_data(as_text=True)
    assert client.post("/settings/watching", data={"project": ["ALPHA"]}).status_code == 303
    discovery.set_status(need, "in_discovery", actor=steering)
    db.session.commit()
    assert _kinds(contributor) == ["need_status"]
    assert _kinds(po) == ["need_status"]  # the submitter watches
    assert _kinds(world.users["developer"]) == []  # the vendor's people did not opt in


def test_the_watch_button_says_what_the_notifications_do(world, login):
    """The button asks one question for one person; the notifications ask who all follow.
    They must agree: a choice made on the need wins, else following one's municipality's
    needs counts only for needs of that municipality."""
    from app.discovery import services as discovery
    from app.discovery.notify import need_watchers
    from app.notifications.kinds import TARGET_DESCRIBERS
    from app.notifications.services import is_watching, set_organisation_needs_default, unwatch

    po, contributor = world.users["product_owner"], world.users["contributor"]
    developer, steering = world.users["developer"], world.users["steering"]
    need = discovery.create_need(world.project_a, po, title="Bedre login", background="b",
                                 desired_outcome="d", expected_value="v")
    for person in (contributor, developer):  # the developer's vendor submitted nothing
        set_organisation_needs_default(person, world.project_a, True)
    db.session.commit()
    target, organisations = TARGET_DESCRIBERS["need"](need)

    def agree():
        followers = need_watchers(need)
        shown = {u.id for u in (po, contributor, developer, steering)
                 if is_watching(u, target, organisations)}
        assert shown == followers & {po.id, contributor.id, developer.id, steering.id}
        return shown

    assert agree() == {po.id, contributor.id}
    unwatch(contributor.id, target)
    db.session.commit()
    assert agree() == {po.id}
    page = login(contributor).get(f"/p/ALPHA/needs/{need.number}").get_data(as_text=True)
    assert 'aria-pressed="false"' in page
    page = login(po).get(f"/p/ALPHA/needs/{need.number}").get_data(as_text=True)
    assert 'aria-pressed="true"' in page
