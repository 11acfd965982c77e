"""The project overview as a dashboard: the active sprint, what waits for me in this project,
needs by status, the latest decisions and the recent activity, paged."""
from datetime import date, timedelta

from app.backlog.services import create_item
from app.board.services import move_item
from app.clock import local_today
from app.decisions.services import record_decision
from app.extensions import db
from app.my.pages import days_left
from app.sprints.models import Sprint
from tests.my.conftest import active_sprint
from tests.pages import shown


def test_the_active_sprint_with_goal_days_left_points_and_burndown(work, login):
    active_sprint(work, days_left=4)
    page = login(work.contributor).get("/p/ALPHA/").text
    text = shown(page)
    assert "Active sprint Sprint 7" in text
    assert "Sprint goal: Eksporten er klar til test" in text
    assert "4 days left" in text
    assert "0 of 8 points done" in text  # 3 + 5 committed, nothing done yet
    assert 'class="chart__actual"' in page and "8 points remaining" in text


def test_without_an_active_sprint_the_overview_says_so(work, login):
    assert "No sprint is under way." in shown(login(work.dev).get("/p/ALPHA/").text)


def test_days_left_count_copenhagen_days_to_the_last_one():
    sprint = Sprint(start_date=date(2026, 3, 2), end_date=date(2026, 3, 13))
    assert days_left(sprint, date(2026, 3, 9)) == 4
    assert days_left(sprint, date(2026, 3, 13)) == 0
    assert days_left(sprint, date(2026, 3, 16)) == -3


def test_what_waits_for_me_is_this_project_s_only(work, login):
    text = shown(login(work.po).get("/p/ALPHA/").text)
    waiting = text[text.index("What waits for me here"):text.index("My work in all my projects")]
    assert "Awaiting my acceptance 2" in waiting and "ALPHA-1 Eksport af systemlisten" in waiting
    assert "Gammas accepttest" not in waiting and "Betas accepttest" not in text
    assert "Open the board" in waiting
    gamma = shown(login(work.po).get("/p/GAMMA/").text)
    assert "Awaiting my acceptance 1 GAMMA-1 Gammas accepttest" in gamma
    assert "Eksport af systemlisten" not in gamma


def test_an_observer_has_nothing_to_act_on(world, login):
    text = shown(login(world.users["observer"]).get("/p/ALPHA/").text)
    assert "Assigned to me 0 Nothing is assigned to you right now." in text
    admin = shown(login(world.users["site_admin"]).get("/p/ALPHA/").text)
    assert "Nothing here is yours to act on" in admin


def test_needs_by_status_with_the_newest(work, login):
    text = shown(login(work.dev).get("/p/ALPHA/").text)
    needs = text[text.index("Needs 4"):text.index("All needs")]
    assert "Submitted 3" in needs and "Planned 1" in needs and "Declined" not in needs
    newest = needs[needs.index("Newest needs"):]
    assert newest.index("#4 Skal vi betale") < newest.index("#1 Kontraktpåmindelser")
    assert "Betas eskalering" not in text


def test_latest_decisions(work, login):
    for n in range(7):
        record_decision(work.world.project_a, work.steering, decided_on=local_today()
                        - timedelta(days=n), title=f"Beslutning {n}")
    record_decision(work.world.project_b, work.outsider, decided_on=local_today(),
                    title="Betas beslutning")
    db.session.commit()
    text = shown(login(work.contributor).get("/p/ALPHA/").text)
    latest = text[text.index("Latest decisions"):text.index("The decision log")]
    assert [f"Beslutning {n}" in latest for n in range(7)] == [True] * 5 + [False] * 2
    assert "Betas beslutning" not in text


def test_recent_activity_says_who_did_what(work, login):
    move_item(work.accept_a, work.po, "done")
    db.session.commit()
    text = shown(login(work.contributor).get("/p/ALPHA/").text)
    activity = text[text.index("Recent activity"):]
    assert "A product_owner · moved · ALPHA-1 Eksport af systemlisten · Acceptance → Done" \
        in activity
    assert ("A product_owner · Need escalated to the steering group · "
            "#4 Skal vi betale for integrationen?") in activity
    assert "Betas" not in activity and "Signed in" not in activity


def test_activity_pages_with_htmx_and_without(work, login):
    client = login(work.contributor)
    for n in range(40):
        create_item(work.world.project_a, work.po, f"Punkt {n:02d}")
    db.session.commit()
    first = shown(client.get("/p/ALPHA/").text)
    assert "ALPHA-46 Punkt 39" in first and "Punkt 24" not in first
    assert 'href="/p/ALPHA/activity?page=2"' in client.get("/p/ALPHA/").text
    fragment = client.get("/p/ALPHA/activity?page=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Vary" in fragment.headers and "HX-Request" in fragment.headers["Vary"]
    assert "Punkt 24" in shown(fragment.text) and "Punkt 39" not in shown(fragment.text)
    assert 'hx-get="/p/ALPHA/activity?page=1"' in fragment.text
    page = client.get("/p/ALPHA/activity?page=2")
    assert "<html" in page.text and "Punkt 24" in shown(page.text)
    far = client.get("/p/ALPHA/activity?page=500")
    assert far.status_code == 200 and "Nothing has happened here yet." in shown(far.text)
    assert client.get("/p/ALPHA/activity?page=x").status_code == 200


def test_participants_are_on_the_members_page(work, login):
    overview = shown(login(work.contributor).get("/p/ALPHA/").text)
    assert "Taking part" not in overview and "Members and roles" in overview
    members = shown(login(work.contributor).get("/p/ALPHA/members").text)
    assert "Odense Kommune" in members and "Nordlys Software ApS" in members


def test_other_projects_overviews_are_not_found(work, login):
    client = login(work.outsider)
    assert client.get("/p/ALPHA/").status_code == 404
    assert client.get("/p/ALPHA/activity").status_code == 404
    assert client.get("/p/GAMMA/activity?page=2").status_code == 404
