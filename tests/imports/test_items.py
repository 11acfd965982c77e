"""Items from Jira and GitHub: upload, preview with editable mappings, import through the
backlog's services at the bottom of the backlog, and no duplicates on a second import."""
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.backlog.models import Item, ItemHistory
from app.backlog.services import create_item
from app.extensions import db
from app.projects.models import Role
from tests.imports.conftest import fixture_bytes, preview_url, upload

JIRA_SITE = "https://kommune.atlassian.net"


def _items(project):
    return list(db.session.scalars(select(Item).where(Item.project_id == project.id)
                                   .order_by(Item.rank)))


def _jira_preview(client, key="ALPHA", **form):
    response = upload(client, key, "items", fixture_bytes("jira.csv"), "jira.csv",
                      source="jira", site=JIRA_SITE, **form)
    return preview_url(response)


def test_jira_preview_shows_mappings_counts_and_rows(world, login, factory, imports_dir):
    factory.user(world.muni_a, name="Anne Jensen", roles=[Role.CONTRIBUTOR],
                 project=world.project_a)
    db.session.commit()
    client = login(world.users["secretariat"])
    page = client.get(_jira_preview(client))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "6 rows in the file." in html
    assert "6 items will be created at the bottom of the backlog" in html
    # The custom status has no default: it must be chosen before importing.
    assert "Choose what these statuses become before importing: Til godkendelse." in html
    assert 'name="status-0"' in html and 'value="in_progress" selected' in html
    # Jonas Berg is nobody here; Anne Jensen is a member.
    assert "Jonas Berg" in html.split('id="import-unmatched"')[1].split("</p>")[0]
    assert "Anne Jensen" not in html.split('id="import-unmatched"')[1].split("</p>")[0]
    assert "Som jurist vil jeg se alle kontrakter ét sted" in html
    assert "The estimate 2,5" not in html  # a half point is kept as it is
    assert _items(world.project_a) == []


def test_jira_import_refused_until_every_status_is_mapped(world, login, imports_dir):
    client = login(world.users["delivery_lead"])
    url = _jira_preview(client)
    response = client.post(url, data={"action": "import"})
    assert response.status_code == 422
    assert "Choose what the statuses “Til godkendelse” become" in response.get_data(as_text=True)
    assert _items(world.project_a) == []


def test_jira_import_creates_items_at_the_bottom_in_file_order(world, login, factory,
                                                               imports_dir):
    anne = factory.user(world.muni_a, name="Anne Jensen", roles=[Role.CONTRIBUTOR],
                        project=world.project_a)
    lead = world.users["delivery_lead"]
    create_item(world.project_a, lead, "Var her i forvejen")
    db.session.commit()
    client = login(lead)
    url = _jira_preview(client)
    page = client.get(url).get_data(as_text=True)
    status_field = next(f"status-{i}" for i in range(6)
                        if f'<label for="status-{i}"><bdi>Til godkendelse' in page)
    response = client.post(url, data={"action": "import", status_field: "acceptance"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/p/ALPHA/backlog")
    items = _items(world.project_a)
    assert [i.title for i in items] == [
        "Var her i forvejen", "Kontraktoverblik", "Som jurist vil jeg se alle kontrakter ét sted",
        "Datoer vises i amerikansk format", "Opsæt eksport til regneark",
        "Skriv test af eksporten", "Påmindelse før en kontrakt udløber"]
    epic, story, bug, task, subtask, reminder = items[1:]
    assert [i.external_key for i in items[1:]] == [f"KONT-{n}" for n in range(1, 7)]
    assert story.external_url == f"{JIRA_SITE}/browse/KONT-2"
    assert [i.type for i in items[1:]] == ["epic", "story", "bug", "task", "task", "story"]
    assert [i.status for i in items[1:]] == ["in_progress", "backlog", "done", "acceptance",
                                            "review", "ready"]
    assert story.assignee_id == anne.id and bug.assignee_id is None
    assert story.estimate == 5 and task.estimate == 2.5
    assert [label.name for label in reminder.labels] == ["e-mail", "overblik", "påmindelser"]
    assert story.parent_id == epic.id and reminder.parent_id == epic.id
    assert subtask.parent_id is None  # its parent is a task, and only epics hold items
    assert "Filtrer på \"udløber snart\", leverandør" in story.description
    assert {h.field for h in story.history} >= {"created", "status", "estimate"}
    assert all(i.created_by_id == lead.id for i in items)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "items.imported"))
    assert event.details == {"source": "Jira", "count": 6} and event.target_label == "jira.csv"
    # The item page says where the item came from.
    html = client.get(f"/p/ALPHA/items/{story.number}").get_data(as_text=True)
    assert "Imported from" in html
    assert f'<a href="{JIRA_SITE}/browse/KONT-2" rel="noopener noreferrer">KONT-2</a>' in html
    # The upload is gone once imported.
    assert client.get(url).status_code == 404


def test_importing_the_same_file_again_skips_what_is_there(world, login, imports_dir):
    client = login(world.users["secretariat"])
    url = _jira_preview(client)
    assert client.post(url, data={"action": "import", "status-3": "review"}).status_code == 303
    count = db.session.scalar(select(func.count(Item.id)))
    history = db.session.scalar(select(func.count(ItemHistory.id)))
    url = _jira_preview(client)
    html = client.get(url).get_data(as_text=True)
    assert "6 rows are already in the project (same key) and are skipped." in html
    assert "0 items will be created" in html
    response = client.post(url, data={"action": "import", "status-3": "review"})
    assert response.status_code == 409
    assert "nothing new to import" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Item.id))) == count
    assert db.session.scalar(select(func.count(ItemHistory.id))) == history


def test_changing_a_type_mapping_changes_the_preview_and_the_import(world, login, imports_dir):
    client = login(world.users["secretariat"])
    url = _jira_preview(client)
    page = client.get(url).get_data(as_text=True)
    bug_field = next(f"type-{i}" for i in range(6) if f'<label for="type-{i}"><bdi>Bug<' in page)
    form = {"status-3": "review", bug_field: "task"}
    html = client.post(url, data={**form, "action": "preview"}).get_data(as_text=True)
    row = html.split("Datoer vises i amerikansk format")[1].split("</tr>")[0]
    assert "<td>Task</td>" in row
    assert client.post(url, data={**form, "action": "import"}).status_code == 303
    bug = db.session.scalar(select(Item).where(Item.external_key == "KONT-3"))
    assert bug.type == "task"


def test_github_cli_json_becomes_items(world, login, factory, imports_dir):
    anne = factory.user(world.muni_a, name="Anne Jensen", roles=[Role.DEVELOPER],
                        project=world.project_a)
    db.session.commit()
    client = login(world.users["secretariat"])
    url = preview_url(upload(client, "ALPHA", "items", fixture_bytes("gh-issues.json"),
                             "issues.json", source="github"))
    html = client.get(url).get_data(as_text=True)
    assert "3 items will be created" in html
    assert "octocat" in html  # not a member: left unassigned, and the preview says so
    assert client.post(url, data={"action": "import"}).status_code == 303
    items = _items(world.project_a)
    assert [(i.external_key, i.type, i.status) for i in items] == [
        ("kommune/kontrakt#12", "bug", "backlog"), ("kommune/kontrakt#11", "story", "done"),
        ("kommune/kontrakt#10", "story", "backlog")]
    assert items[0].assignee_id == anne.id
    assert items[0].external_url == "https://github.com/kommune/kontrakt/issues/12"
    assert [label.name for label in items[0].labels] == ["bug", "login"]


def test_github_rest_json_leaves_pull_requests_out(world, login, imports_dir):
    client = login(world.users["secretariat"])
    url = preview_url(upload(client, "ALPHA", "items", fixture_bytes("rest-issues.json"),
                             "issues.json", source="github"))
    html = client.get(url).get_data(as_text=True)
    assert "1 pull request is left out." in html
    assert client.post(url, data={"action": "import"}).status_code == 303
    assert [i.external_key for i in _items(world.project_a)] == [
        "kommune/kontrakt#12", "kommune/kontrakt#11"]


def test_an_upload_is_its_uploader_s_and_its_project_s_alone(world, login, factory,
                                                              imports_dir):
    client = login(world.users["secretariat"])
    url = _jira_preview(client)
    login(world.users["delivery_lead"])
    assert client.get(url).status_code == 404
    assert client.post(url, data={"action": "import"}).status_code == 404
    other = factory.user(world.vendor, roles=[Role.SECRETARIAT], project=world.project_b)
    db.session.commit()
    login(other)
    assert client.get(url.replace("/ALPHA/", "/BETA/")).status_code == 404
    login(world.users["product_owner"])
    assert client.get(url).status_code == 403


def test_an_expired_upload_is_gone(world, login, app, imports_dir, monkeypatch):
    client = login(world.users["secretariat"])
    url = _jira_preview(client)
    monkeypatch.setitem(app.config, "IMPORTS_UPLOAD_HOURS", 0)
    assert client.get(url).status_code == 404


def test_the_backlog_links_to_the_import_for_those_who_may(world, login):
    html = login(world.users["delivery_lead"]).get("/p/ALPHA/backlog").get_data(as_text=True)
    assert "/p/ALPHA/import/items" in html
    html = login(world.users["product_owner"]).get("/p/ALPHA/backlog").get_data(as_text=True)
    assert "/p/ALPHA/import/items" not in html


def test_an_import_that_lost_the_race_is_refused_whole(world, app, imports_dir):
    """Two people import the same file at once: the one who commits second finds the keys
    taken (the unique key per project) and gets a refusal, with nothing of theirs written."""
    import pytest

    from app.imports.items import import_items, plan_items
    from app.imports.sources import read_jira
    from app.services import RuleViolation
    from tests.imports.conftest import fixture_bytes

    lead = world.users["delivery_lead"]
    source = read_jira(fixture_bytes("jira.csv"), 100)
    form = {"status-3": "review"}
    with app.test_request_context():
        first, second = (plan_items(world.project_a, "jira", source, form) for _ in range(2))
        import_items(world.project_a, lead, first)
        db.session.commit()
        count = db.session.scalar(select(func.count(Item.id)))
        with pytest.raises(RuleViolation) as refused:
            import_items(world.project_a, lead, second)
        db.session.rollback()
    assert refused.value.status == 409
    assert db.session.scalar(select(func.count(Item.id))) == count == 6
