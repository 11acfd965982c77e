"""The sprint pages as people use them: planning by button and by htmx, starting and closing,
the board following the active sprint, the review, the retrospective, and bad input that
answers a clear 4xx and changes nothing."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.backlog.models import Item, ItemHistory
from app.backlog.services import create_item
from app.clock import local_today
from app.extensions import db
from app.sprints import services
from app.sprints.models import Sprint
from tests.sprints.helpers import deliver, utc
from tests.pages import shown

HX = {"HX-Request": "true"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def people(world):
    return {r: world.users[r] for r in ("product_owner", "delivery_lead", "developer",
                                        "observer", "secretariat")}


@pytest.fixture
def make(world, people):
    """Items of project A (or another), created by its product owner."""

    def _make(title, points=3, project=None, actor=None):
        return create_item(project or world.project_a, actor or people["product_owner"], title,
                           estimate=points)

    return _make


@pytest.fixture
def sprint(world, people):
    s = services.create_sprint(world.project_a, people["delivery_lead"], "Sprint 7",
                               date(2026, 11, 30), date(2026, 12, 11), 20,
                               goal="Kontraktoverblik til styregruppen")
    db.session.commit()
    return s


def form_for(start, end, name="Sprint 8", capacity="20", goal=""):
    return {"name": name, "goal": goal, "start_date": start, "end_date": end,
            "capacity": capacity}


def sprint_count(project) -> int:
    return db.session.scalar(select(func.count(Sprint.id)).where(Sprint.project_id == project.id))


def test_sprints_page_lists_sprints_and_offers_the_form_to_planners(world, people, login,
                                                                    sprint, make):
    services.commit_item(sprint, people["delivery_lead"], make("Eksport", 5))
    db.session.commit()
    html = login(people["observer"]).get("/p/ALPHA/sprints", headers=EN).get_data(as_text=True)
    assert "Sprint 7" in html and "Kontraktoverblik til styregruppen" in html
    assert "Planned sprints" in html and "Create sprint" not in html
    html = login(people["product_owner"]).get("/p/ALPHA/sprints").get_data(as_text=True)
    assert 'action="/p/ALPHA/sprints"' in html
    # The form suggests the two weeks from the Monday after the last sprint (or after today,
    # once the sprints lie in the past).
    day = max(local_today(), sprint.end_date + timedelta(days=1))
    start = day + timedelta(days=(7 - day.weekday()) % 7)
    end = start + timedelta(days=11)
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html


def test_create_a_sprint(world, people, login):
    client = login(people["delivery_lead"])
    response = client.post("/p/ALPHA/sprints", data=form_for("2026-12-07", "2026-12-18",
                                                             goal="Tilsyn"))
    assert response.status_code == 303
    sprint = db.session.scalar(select(Sprint).where(Sprint.project_id == world.project_a.id))
    assert response.headers["Location"].endswith(f"/p/ALPHA/sprints/{sprint.id}")
    assert (sprint.name, sprint.goal, sprint.start_date, sprint.end_date, sprint.capacity,
            sprint.state) == ("Sprint 8", "Tilsyn", date(2026, 12, 7), date(2026, 12, 18), 20,
                              "planned")


@pytest.mark.parametrize(("start", "end", "capacity", "message"), [
    ("2026-12-07", "2026-12-07", "20", "The end date must be after the start date."),
    ("2026-12-07", "2026-12-01", "20", "The end date must be after the start date."),
    ("2026-12-10", "2026-12-20", "20", "The dates overlap with Sprint 7"),
    ("2026-11-23", "2026-11-30", "20", "The dates overlap with Sprint 7"),
    ("2026-12-14", "2027-03-15", "20", "A sprint can last at most 12 weeks."),
    ("2026-12-14", "2026-12-25", "", "Give the sprint&#39;s capacity in points."),
    ("2026-12-14", "2026-12-25", "-3", "The capacity must be between 0 and 9999 points."),
    ("2026-12-14", "2026-12-25", "mange", "The capacity must be a number of points"),
    ("", "2026-12-25", "20", "Give the start date."),
    ("14/12/2026", "2026-12-25", "20", "Give the date as YYYY-MM-DD"),
])
def test_bad_sprint_input_is_refused_beside_the_field(world, people, login, sprint, start, end,
                                                      capacity, message):
    client = login(people["product_owner"])
    response = client.post("/p/ALPHA/sprints", data=form_for(start, end, capacity=capacity),
                           headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert sprint_count(world.project_a) == 1


def test_planning_page_shows_the_ranked_backlog_beside_the_sprint(world, people, login, sprint,
                                                                  make):
    first, second = make("Først i backloggen"), make("Dernæst")
    in_sprint = make("Allerede i sprintet")
    done = make("Færdig")
    deliver(done, people["developer"], people["product_owner"], utc(2026, 11, 20))
    create_item(world.project_a, people["product_owner"], "Et epic", "epic")
    make("Andet projekts punkt", project=world.project_b)
    services.commit_item(sprint, people["delivery_lead"], in_sprint)
    db.session.commit()
    html = login(people["delivery_lead"]).get(f"/p/ALPHA/sprints/{sprint.id}",
                                             headers=EN).get_data(as_text=True)
    backlog = html[html.index('id="plan-backlog"'):html.index('id="plan-sprint"')]
    assert backlog.index(first.title) < backlog.index(second.title)
    for absent in ("Allerede i sprintet", "Færdig", "Et epic", "Andet projekts punkt"):
        assert absent not in backlog
    assert "Allerede i sprintet" in html[html.index('id="plan-sprint"'):]
    assert f'id="commit-{first.number}"' in html and f'id="remove-{in_sprint.number}"' in html
    # Readers see the sprint's items but no planning controls.
    html = login(people["observer"]).get(f"/p/ALPHA/sprints/{sprint.id}").get_data(as_text=True)
    assert "Allerede i sprintet" in html and 'id="plan-backlog"' not in html
    assert "commit-" not in html and "remove-" not in html


def test_commit_and_take_out_by_htmx_announces_and_records_history(world, people, login,
                                                                   sprint, make):
    a, b = make("Eksport", 5), make("Import", 8)
    db.session.commit()
    client = login(people["delivery_lead"])
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/items",
                           data={"item": a.id, "focus": f"commit-{b.number}"},
                           headers={**HX, **EN})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="planning"')
    assert "ALPHA-1 is committed to Sprint 7" in response.headers["HX-Trigger"]
    assert "5 of 20 points" in response.headers["HX-Trigger"]
    assert f"commit-{b.number}" in response.headers["HX-Trigger-After-Settle"]
    db.session.refresh(a)
    assert a.sprint_id == sprint.id
    row = db.session.scalar(select(ItemHistory).where(ItemHistory.item_id == a.id,
                                                      ItemHistory.field == "sprint"))
    assert (row.old_value, row.new_value, row.actor_id) == (None, str(sprint.id),
                                                            people["delivery_lead"].id)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/items/remove", data={"item": a.id},
                           headers={**HX, **EN})
    assert response.status_code == 200
    assert "taken out of Sprint 7" in response.headers["HX-Trigger"]
    db.session.refresh(a)
    assert a.sprint_id is None
    # The item page tells the story by the sprint's name.
    html = client.get("/p/ALPHA/items/1", headers=EN).get_data(as_text=True)
    assert "Sprint: — → Sprint 7" in shown(html) and "Sprint: Sprint 7 → —" in shown(html)


def test_commit_without_javascript_redirects_back(world, people, login, sprint, make):
    a = make("Eksport")
    db.session.commit()
    response = login(people["product_owner"]).post(f"/p/ALPHA/sprints/{sprint.id}/items",
                                                   data={"item": a.id})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/p/ALPHA/sprints/{sprint.id}#planning")
    db.session.refresh(a)
    assert a.sprint_id == sprint.id


def test_totals_warn_over_capacity_and_over_velocity(world, people, login, sprint, make):
    from tests.sprints.helpers import closed_sprint

    lead, dev, po = people["delivery_lead"], people["developer"], people["product_owner"]
    closed_sprint(world.project_a, lead, dev, po, "Sprint 6", date(2026, 11, 2),
                  date(2026, 11, 13), 10)
    for n in range(3):
        services.commit_item(sprint, lead, make(f"Punkt {n}", 8))
    db.session.commit()
    html = login(po).get(f"/p/ALPHA/sprints/{sprint.id}", headers=EN).get_data(as_text=True)
    assert "24 of 20 points" in html
    assert "Over capacity by 4 points." in html
    assert "14 points more than the average velocity." in html


@pytest.mark.parametrize("headers", [HX, {}])
def test_committing_an_item_of_another_project_is_refused(world, people, login, sprint, make,
                                                          headers):
    other = make("Beta-punkt", project=world.project_b)
    db.session.commit()
    response = login(people["delivery_lead"]).post(
        f"/p/ALPHA/sprints/{sprint.id}/items", data={"item": other.id}, headers={**headers, **EN})
    assert response.status_code == 422
    assert "The item is not an item of this project." in response.get_data(as_text=True)
    db.session.refresh(other)
    assert other.sprint_id is None
    assert not db.session.scalar(select(func.count(ItemHistory.id))
                                 .where(ItemHistory.field == "sprint"))


@pytest.mark.parametrize(("value", "status"), [("", 400), ("abc", 400), ("99999", 422)])
def test_committing_nothing_or_nonsense_is_refused(world, people, login, sprint, value, status):
    response = login(people["delivery_lead"]).post(f"/p/ALPHA/sprints/{sprint.id}/items",
                                                   data={"item": value}, headers=HX)
    assert response.status_code == status


def test_committing_epics_done_items_or_items_of_another_sprint_is_refused(world, people,
                                                                          login, sprint, make):
    lead = people["delivery_lead"]
    epic = create_item(world.project_a, people["product_owner"], "Et epic", "epic")
    done = make("Færdig")
    deliver(done, people["developer"], people["product_owner"], utc(2026, 11, 20))
    other = services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 12, 14),
                                   date(2026, 12, 25), 20)
    elsewhere = make("I et andet sprint")
    services.commit_item(other, lead, elsewhere)
    db.session.commit()
    client = login(lead)
    for item, status, text in [(epic, 422, "An epic is a container"),
                               (done, 422, "The item is done already."),
                               (elsewhere, 409, "The item is in Sprint 8 already")]:
        response = client.post(f"/p/ALPHA/sprints/{sprint.id}/items", data={"item": item.id},
                               headers={**HX, **EN})
        assert response.status_code == status
        assert text in response.get_data(as_text=True)
    db.session.refresh(elsewhere)
    assert elsewhere.sprint_id == other.id
    assert db.session.scalar(select(func.count(Item.id)).where(Item.sprint_id == sprint.id)) == 0


def test_start_shows_the_sprint_on_the_board(world, people, login, sprint, make):
    in_sprint, _outside = make("På tavlen", 5), make("Ikke på tavlen", 3)
    services.commit_item(sprint, people["delivery_lead"], in_sprint)
    db.session.commit()
    client = login(people["product_owner"])
    before = client.get("/p/ALPHA/board").get_data(as_text=True)
    assert "Ikke på tavlen" in before
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/start")
    assert response.status_code == 303
    db.session.refresh(sprint)
    assert sprint.state == "active" and sprint.committed_points == 5
    assert sprint.started_by_id == people["product_owner"].id
    html = client.get("/p/ALPHA/board").get_data(as_text=True)
    assert "På tavlen" in html and "Ikke på tavlen" not in html and "Sprint 7" in html


def test_a_second_active_sprint_is_refused(world, people, login, sprint):
    lead = people["delivery_lead"]
    services.start_sprint(sprint, lead)
    other = services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 12, 14),
                                   date(2026, 12, 25), 20)
    db.session.commit()
    response = login(lead).post(f"/p/ALPHA/sprints/{other.id}/start", headers=EN)
    assert response.status_code == 409
    assert "Sprint 7 is still active; close it before starting another." in response.get_data(
        as_text=True)
    db.session.refresh(other)
    assert other.state == "planned" and other.started_at is None
    response = login(lead).post(f"/p/ALPHA/sprints/{sprint.id}/start", headers=EN)
    assert response.status_code == 409 and "has been started already" in response.get_data(
        as_text=True)


def test_the_database_holds_one_active_sprint_per_project(world, people, sprint):
    lead = people["delivery_lead"]
    other = services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 12, 14),
                                   date(2026, 12, 25), 20)
    db.session.commit()
    sprint.state = other.state = "active"
    # SQLite names the index's column, PostgreSQL the index (and the column in its detail).
    with pytest.raises(IntegrityError, match="project_id"):
        db.session.commit()
    db.session.rollback()


def test_close_sends_unfinished_items_back_keeping_their_rank(world, people, login, sprint,
                                                              make):
    lead, po, dev = people["delivery_lead"], people["product_owner"], people["developer"]
    done, open_ = make("Færdig", 5), make("Ufærdig", 3)
    for it in (done, open_):
        services.commit_item(sprint, lead, it)
    services.start_sprint(sprint, lead)
    deliver(done, dev, po, utc(2026, 12, 2))
    db.session.commit()
    rank = open_.rank
    response = login(lead).post(f"/p/ALPHA/sprints/{sprint.id}/close",
                                data={"unfinished": "backlog", "version": sprint.version_id})
    assert response.status_code == 303
    db.session.refresh(sprint)
    db.session.refresh(open_)
    assert sprint.state == "closed" and sprint.closed_by_id == lead.id
    assert (sprint.committed_points, sprint.completed_points) == (8, 5)
    assert open_.sprint_id is None and open_.rank == rank
    assert done.sprint_id == sprint.id


def test_close_into_the_next_planned_sprint(world, people, login, sprint, make):
    lead = people["delivery_lead"]
    # Created first, so "next" by creation order would be this one; by date it is not.
    services.create_sprint(world.project_a, lead, "Sprint 9", date(2027, 1, 4),
                           date(2027, 1, 15), 20)
    following = services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 12, 14),
                                       date(2026, 12, 25), 20)
    open_ = make("Ufærdig", 3)
    services.commit_item(sprint, lead, open_)
    services.start_sprint(sprint, lead)
    db.session.commit()
    response = login(lead).post(f"/p/ALPHA/sprints/{sprint.id}/close",
                                data={"unfinished": "next"})
    assert response.status_code == 303
    db.session.refresh(open_)
    db.session.refresh(sprint)
    assert open_.sprint_id == following.id and sprint.carried_to_id == following.id


def test_closing_twice_is_refused_and_changes_nothing(world, people, login, sprint):
    lead = people["delivery_lead"]
    services.start_sprint(sprint, lead)
    db.session.commit()
    version = sprint.version_id
    client = login(lead)
    assert client.post(f"/p/ALPHA/sprints/{sprint.id}/close",
                       data={"unfinished": "backlog", "version": version}).status_code == 303
    db.session.refresh(sprint)
    closed_at, version = sprint.closed_at, sprint.version_id
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/close",
                           data={"unfinished": "backlog", "version": version - 1}, headers=EN)
    assert response.status_code == 409
    assert "Sprint 7 is closed already." in response.get_data(as_text=True)
    db.session.refresh(sprint)
    assert (sprint.closed_at, sprint.version_id) == (closed_at, version)


def test_closing_a_planned_sprint_or_into_no_next_sprint_is_refused(world, people, login,
                                                                    sprint):
    lead = people["delivery_lead"]
    client = login(lead)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/close", data={"unfinished": "backlog"},
                           headers=EN)
    assert response.status_code == 409 and "Only an active sprint can be closed." in \
        response.get_data(as_text=True)
    services.start_sprint(sprint, lead)
    db.session.commit()
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/close", data={"unfinished": "next"},
                           headers=EN)
    assert response.status_code == 422
    assert "There is no planned sprint" in response.get_data(as_text=True)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/close", data={"unfinished": "x"})
    assert response.status_code == 422
    db.session.refresh(sprint)
    assert sprint.state == "active"


def test_committing_to_a_closed_sprint_is_refused(world, people, login, sprint, make):
    lead = people["delivery_lead"]
    services.start_sprint(sprint, lead)
    services.close_sprint(sprint, lead)
    item = make("For sent")
    db.session.commit()
    client = login(lead)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/items", data={"item": item.id},
                           headers={**HX, **EN})
    assert response.status_code == 409
    assert "Sprint 7 is closed; nothing can be added to it." in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.sprint_id is None
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}", data=form_for(
        "2026-11-30", "2026-12-11", name="Nyt navn"), headers=EN)
    assert response.status_code == 409
    db.session.refresh(sprint)
    assert sprint.name == "Sprint 7"


def test_edit_a_sprint_and_refuse_overlap(world, people, login, sprint):
    lead = people["delivery_lead"]
    services.create_sprint(world.project_a, lead, "Sprint 8", date(2026, 12, 14),
                           date(2026, 12, 25), 20)
    db.session.commit()
    client = login(lead)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}", data=form_for(
        "2026-11-30", "2026-12-15", name="Sprint 7"), headers=EN)
    assert response.status_code == 422 and "The dates overlap with Sprint 8" in \
        response.get_data(as_text=True)
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}", data=form_for(
        "2026-11-30", "2026-12-10", name="Sprint 7a", capacity="25", goal="Nyt mål"))
    assert response.status_code == 303
    db.session.refresh(sprint)
    assert (sprint.name, sprint.end_date, sprint.capacity, sprint.goal) == (
        "Sprint 7a", date(2026, 12, 10), 25, "Nyt mål")


def test_an_active_sprint_keeps_its_start_date(world, people, login, sprint):
    lead = people["delivery_lead"]
    services.start_sprint(sprint, lead)
    db.session.commit()
    response = login(lead).post(f"/p/ALPHA/sprints/{sprint.id}", data=form_for(
        "2026-11-01", "2026-12-18", name="Sprint 7", capacity="30"))
    assert response.status_code == 303
    db.session.refresh(sprint)
    assert (sprint.start_date, sprint.end_date, sprint.capacity) == (
        date(2026, 11, 30), date(2026, 12, 18), 30)


def test_delete_a_planned_sprint_returns_its_items(world, people, login, sprint, make):
    item = make("Tilbage")
    services.commit_item(sprint, people["delivery_lead"], item)
    db.session.commit()
    response = login(people["product_owner"]).post(f"/p/ALPHA/sprints/{sprint.id}/delete")
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.sprint_id is None and sprint_count(world.project_a) == 0


def test_a_sprint_of_another_project_is_not_found(world, people, login, factory):
    b_lead = factory.user(world.vendor, roles=["delivery_lead"], project=world.project_b)
    other = services.create_sprint(world.project_b, b_lead, "Beta 1", date(2026, 12, 7),
                                   date(2026, 12, 18), 20)
    db.session.commit()
    client = login(people["delivery_lead"])
    for method, path in [("GET", ""), ("GET", "/review"), ("POST", "/start"), ("POST", "/close"),
                         ("POST", "/items"), ("POST", "/delete"), ("POST", "")]:
        response = client.open(f"/p/ALPHA/sprints/{other.id}{path}", method=method)
        assert response.status_code == 404, (method, path)
    assert client.get("/p/BETA/sprints").status_code == 404
    assert client.get("/p/ALPHA/sprints/99999999999").status_code == 404
    db.session.refresh(other)
    assert other.state == "planned"


def test_review_shows_acceptance_by_whom_and_from_where(world, people, login, sprint, make):
    lead, po, dev = people["delivery_lead"], people["product_owner"], people["developer"]
    accepted, waiting = make("Accepteret", 5), make("Venter", 2)
    for it in (accepted, waiting):
        services.commit_item(sprint, lead, it)
    services.start_sprint(sprint, lead)
    deliver(accepted, dev, po, utc(2026, 12, 1, 13))
    from app.board.services import move_item

    move_item(waiting, dev, "acceptance")
    db.session.commit()
    html = login(people["observer"]).get(f"/p/ALPHA/sprints/{sprint.id}/review",
                                         headers=EN).get_data(as_text=True)
    accepted_part = html[html.index("Delivered and accepted"):html.index("Awaiting acceptance")]
    assert "Accepteret" in accepted_part
    assert "A product_owner, Ballerup Kommune" in shown(accepted_part)
    awaiting_part = html[html.index("Awaiting acceptance"):html.index('id="rejected-heading"')]
    assert "Venter" in awaiting_part
    assert 'data-print data-needs-script hidden' in html  # a print button only with scripts


def test_retrospective_is_written_by_the_team_and_guards_against_overwrites(world, people,
                                                                            login, sprint):
    lead = people["delivery_lead"]
    services.start_sprint(sprint, lead)
    services.close_sprint(sprint, lead)
    db.session.commit()
    version = sprint.version_id
    client = login(people["developer"])
    data = {"went_well": "**Godt** samarbejde", "to_improve": "Estimater",
            "actions": "- Del historier op", "version": version}
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/retrospective", data=data)
    assert response.status_code == 303
    db.session.refresh(sprint)
    assert sprint.retro_went_well == "**Godt** samarbejde"
    assert sprint.retro_updated_by_id == people["developer"].id
    html = client.get(f"/p/ALPHA/sprints/{sprint.id}").get_data(as_text=True)
    assert "<strong>Godt</strong> samarbejde" in html
    # A second writer who saw the old version gets 409 and keeps their text.
    response = login(people["product_owner"]).post(
        f"/p/ALPHA/sprints/{sprint.id}/retrospective",
        data={**data, "went_well": "Min version"}, headers=EN)
    assert response.status_code == 409
    assert "Min version" in response.get_data(as_text=True)
    db.session.refresh(sprint)
    assert sprint.retro_went_well == "**Godt** samarbejde"


def test_retrospective_waits_for_the_close(world, people, login, sprint):
    response = login(people["developer"]).post(f"/p/ALPHA/sprints/{sprint.id}/retrospective",
                                               data={"went_well": "For tidligt"})
    assert response.status_code == 409
    db.session.refresh(sprint)
    assert sprint.retro_went_well == ""


def test_planning_backlog_pages_with_show_more(world, people, login, sprint, make):
    items = [make(f"Punkt {n:02d}", 1) for n in range(55)]
    db.session.commit()
    client = login(people["delivery_lead"])
    html = client.get(f"/p/ALPHA/sprints/{sprint.id}").get_data(as_text=True)
    assert "Punkt 49" in html and "Punkt 50" not in html and "plan-more" in html
    cursor = items[49].rank
    more = client.get(f"/p/ALPHA/sprints/{sprint.id}?after={cursor}", headers=HX)
    fragment = more.get_data(as_text=True)
    assert "Punkt 50" in fragment and "Punkt 54" in fragment and "<html" not in fragment
    assert "plan-more" not in fragment
    # Without JavaScript the link opens the page further down the backlog.
    page = client.get(f"/p/ALPHA/sprints/{sprint.id}?after={cursor}", headers=EN)
    html = page.get_data(as_text=True)
    assert "Punkt 50" in html and "Punkt 49" not in html and "Back to the top" in html
    # After a commit the region keeps as many rows as were loaded.
    response = client.post(f"/p/ALPHA/sprints/{sprint.id}/items",
                           data={"item": items[0].id, "shown": "55"}, headers=HX)
    assert "Punkt 54" in response.get_data(as_text=True)
