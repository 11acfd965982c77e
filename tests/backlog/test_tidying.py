"""Archiving, restoring and deleting items, editing and deleting comments, and the labels page,
through the real stack: what people see and what the database holds."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.backlog.models import Comment, Item, ItemHistory, Label, Tombstone
from app.backlog.services import add_comment, create_item
from app.extensions import db

HX = {"HX-Request": "true"}


def version(item) -> int:
    return db.session.scalar(select(Item.version_id).where(Item.id == item.id))


def history(item_id, field) -> list[tuple]:
    return list(db.session.execute(
        select(ItemHistory.old_value, ItemHistory.new_value).where(
            ItemHistory.item_id == item_id, ItemHistory.field == field)
        .order_by(ItemHistory.id)))


def audit(action) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.target_label).where(
        AuditEvent.action == action).order_by(AuditEvent.id)))


def test_archive_hides_the_item_and_restore_brings_it_back(world, login, make_item):
    item = make_item("Gammel idé")
    make_item("Aktuel idé")
    client = login(world.users["developer"])
    response = client.post("/p/ALPHA/items/1/archive", data={"version": version(item)})
    assert response.status_code == 303
    backlog = client.get("/p/ALPHA/backlog").get_data(as_text=True)
    assert "Gammel idé" not in backlog and "Aktuel idé" in backlog
    archived = client.get("/p/ALPHA/backlog?archived=1").get_data(as_text=True)
    assert "Gammel idé" in archived and "Aktuel idé" not in archived
    page = client.get("/p/ALPHA/items/1").get_data(as_text=True)
    assert "This item is archived." in page and "Restore" in page
    assert "Gammel idé" not in client.get("/p/ALPHA/board").get_data(as_text=True)
    # twice: a clear message, nothing written
    again = client.post("/p/ALPHA/items/1/archive", data={"version": version(item)})
    assert again.status_code == 409 and "ALPHA-1 is already archived." in again.get_data(
        as_text=True)
    restored = client.post("/p/ALPHA/items/1/restore", data={"version": version(item)},
                           headers=HX)
    assert restored.status_code == 200
    assert "ALPHA-1 is back in the backlog." in restored.get_data(as_text=True)
    assert "Gammel idé" in client.get("/p/ALPHA/backlog").get_data(as_text=True)
    assert history(item.id, "archived") == [(None, "yes"), ("yes", None)]
    assert audit("item.archived") == ["ALPHA-1 Gammel idé"]
    assert audit("item.restored") == ["ALPHA-1 Gammel idé"]


def test_archiving_refuses_stale_versions_epics_with_items_and_strangers(world, login, make_item):
    epic = make_item("Epos", type="epic")
    make_item("Barn", parent_id=epic.id)
    client = login(world.users["developer"])
    stale = client.post("/p/ALPHA/items/1/archive", data={"version": version(epic) + 5})
    assert stale.status_code == 409
    refused = client.post("/p/ALPHA/items/1/archive", data={"version": version(epic)})
    assert refused.status_code == 422
    assert "still has 1 items in the backlog" in refused.get_data(as_text=True)
    assert db.session.get(Item, epic.id).archived_at is None
    assert login(world.users["observer"]).post(
        "/p/ALPHA/items/1/archive", data={"version": version(epic)}).status_code == 403
    assert login(world.users["outsider"]).post(
        "/p/ALPHA/items/1/archive", data={"version": version(epic)}).status_code == 404
    assert login(world.users["developer"]).post(
        "/p/ALPHA/items/999/archive", data={"version": 1}).status_code == 404


def test_search_finds_archived_items_only_when_asked(world, login, make_item):
    item = make_item("Arkivskab med nøgle")
    client = login(world.users["developer"])
    client.post("/p/ALPHA/items/1/archive", data={"version": version(item)})
    assert "Arkivskab" not in client.get("/search?q=arkivskab", headers=HX).get_data(
        as_text=True)
    found = client.get("/search?q=arkivskab&archived=1", headers=HX).get_data(as_text=True)
    assert "Arkivskab med nøgle" in found and "Archived" in found


def test_the_secretariat_deletes_an_archived_item_and_a_tombstone_remains(world, login,
                                                                          make_item):
    item = make_item("Fejloprettet")
    add_comment(item, world.users["developer"], "Dublet af ALPHA-2?")
    db.session.commit()
    item_id = item.id
    client = login(world.users["secretariat"])
    not_archived = client.post("/p/ALPHA/items/1/delete", data={"confirmation": "ALPHA-1"})
    assert not_archived.status_code == 409
    client.post("/p/ALPHA/items/1/archive", data={"version": version(item)})
    assert login(world.users["product_owner"]).get("/p/ALPHA/items/1/delete").status_code == 403
    client = login(world.users["secretariat"])
    assert "Type the item" in client.get("/p/ALPHA/items/1/delete").get_data(as_text=True)
    wrong = client.post("/p/ALPHA/items/1/delete", data={"confirmation": "ALPHA-2"})
    assert wrong.status_code == 422 and "Type ALPHA-1 to confirm" in wrong.get_data(
        as_text=True)
    done = client.post("/p/ALPHA/items/1/delete", data={"confirmation": "alpha-1"})
    assert done.status_code == 303
    assert db.session.get(Item, item_id) is None
    assert db.session.scalar(select(Comment).where(Comment.item_id == item_id)) is None
    tombstone = db.session.scalar(select(Tombstone))
    assert (tombstone.reference, tombstone.title, tombstone.deleted_by_label) == (
        "ALPHA-1", "Fejloprettet", "A secretariat")
    assert audit("item.deleted") == ["ALPHA-1 Fejloprettet"]
    activity = client.get("/p/ALPHA/activity").get_data(as_text=True)
    assert "Item deleted" in activity and "ALPHA-1 Fejloprettet" in activity
    gone = client.get("/p/ALPHA/items/1")
    assert gone.status_code == 410
    assert "deleted by A secretariat" in gone.get_data(as_text=True)
    # the number is never handed out again
    assert create_item(world.project_a, world.users["product_owner"], "Ny").number == 2


def test_the_author_edits_and_deletes_a_comment_and_history_keeps_the_text(world, login,
                                                                           make_item):
    item = make_item("Punkt")
    comment = add_comment(item, world.users["developer"], "Førsteudkast **fed**")
    db.session.commit()
    cid = comment.id
    assert login(world.users["product_owner"]).get(
        f"/p/ALPHA/comments/{cid}/edit").status_code == 403
    assert login(world.users["outsider"]).get(f"/p/ALPHA/comments/{cid}/edit").status_code == 404
    client = login(world.users["developer"])
    editor = client.get(f"/p/ALPHA/comments/{cid}/edit", headers=HX).get_data(as_text=True)
    assert "Førsteudkast" in editor and "Save comment" in editor
    saved = client.post(f"/p/ALPHA/comments/{cid}", headers=HX,
                        data={f"comment-{cid}-body": "Rettet <script>x</script>",
                              f"comment-{cid}-seen": ""})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "Rettet" in html and "edited" in html
    assert "<script>x" not in html
    stale = client.post(f"/p/ALPHA/comments/{cid}",
                        data={f"comment-{cid}-body": "Igen", f"comment-{cid}-seen": ""})
    assert stale.status_code == 409
    assert history(item.id, "comment") == [("Førsteudkast **fed**", "Rettet <script>x</script>")]
    page = client.get("/p/ALPHA/items/1").get_data(as_text=True)
    assert "Edited a comment" in page and "Earlier text" in page
    seen = db.session.get(Comment, cid).edited_at.isoformat()
    deleted = client.post(f"/p/ALPHA/comments/{cid}/delete", data={"seen": seen}, headers=HX)
    assert deleted.status_code == 200 and "Comment deleted." in deleted.get_data(as_text=True)
    assert db.session.get(Comment, cid) is None
    assert history(item.id, "comment")[-1] == ("Rettet <script>x</script>", None)
    assert client.get(f"/p/ALPHA/comments/{cid}/edit").status_code == 404


def test_comment_edit_and_delete_work_without_javascript(world, login, make_item):
    item = make_item("Punkt")
    cid = add_comment(item, world.users["developer"], "Tekst").id
    db.session.commit()
    client = login(world.users["developer"])
    page = client.get(f"/p/ALPHA/comments/{cid}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    empty = client.post(f"/p/ALPHA/comments/{cid}", data={f"comment-{cid}-body": " "})
    assert empty.status_code == 422 and "Write a comment first" in empty.get_data(as_text=True)
    assert client.post(f"/p/ALPHA/comments/{cid}",
                       data={f"comment-{cid}-body": "Ny tekst"}).status_code == 303
    assert "Delete the comment" in client.get(
        f"/p/ALPHA/comments/{cid}/delete").get_data(as_text=True)


def test_labels_are_renamed_merged_and_deleted_with_history(world, login, make_item):
    a = make_item("En", labels="kontrakt, jura")
    b = make_item("To", labels="Kontrakter")
    client = login(world.users["developer"])
    page = client.get("/p/ALPHA/labels").get_data(as_text=True)
    assert "kontrakt" in page and "Kontrakter" in page
    ids = {label.name: label.id for label in db.session.scalars(select(Label))}
    clash = client.post(f"/p/ALPHA/labels/{ids['kontrakt']}/rename", data={"name": "JURA"})
    assert clash.status_code == 422 and "already has a label" in clash.get_data(as_text=True)
    too_long = client.post(f"/p/ALPHA/labels/{ids['kontrakt']}/rename", data={"name": "x" * 41})
    assert too_long.status_code == 422
    assert client.post(f"/p/ALPHA/labels/{ids['jura']}/rename",
                       data={"name": "Jura"}).status_code == 303
    assert history(a.id, "labels") == [("jura, kontrakt", "Jura, kontrakt")]
    merged = client.post(f"/p/ALPHA/labels/{ids['Kontrakter']}/merge",
                         data={"into": ids["kontrakt"]})
    assert merged.status_code == 303
    assert history(b.id, "labels") == [("Kontrakter", "kontrakt")]
    assert db.session.get(Label, ids["Kontrakter"]) is None
    assert client.post(f"/p/ALPHA/labels/{ids['kontrakt']}/merge",
                       data={"into": ids["kontrakt"]}).status_code == 422
    assert client.post(f"/p/ALPHA/labels/{ids['kontrakt']}/delete").status_code == 303
    assert history(b.id, "labels")[-1] == ("kontrakt", None)
    assert audit("label.deleted") == ["kontrakt"]
    assert client.post("/p/ALPHA/labels/99999/delete").status_code == 404
    assert login(world.users["observer"]).get("/p/ALPHA/labels").status_code == 403


def test_an_item_in_an_open_sprint_is_not_archived(world, login, make_item):
    from datetime import date

    from app.sprints.services import commit_item, create_sprint

    item = make_item("Sprintpunkt")
    sprint = create_sprint(world.project_a, world.users["product_owner"], "Sprint 7",
                           date(2026, 12, 7), date(2026, 12, 18), 20)
    commit_item(sprint, world.users["product_owner"], item)
    db.session.commit()
    refused = login(world.users["developer"]).post("/p/ALPHA/items/1/archive",
                                                   data={"version": version(item)})
    assert refused.status_code == 422
    assert "is in the sprint “Sprint 7”; take it out of the sprint first" in (
        refused.get_data(as_text=True))
    assert db.session.get(Item, item.id).archived_at is None
