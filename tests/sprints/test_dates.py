"""Sprint dates stay in a sane window (issue 14, item 1): the form and the service refuse a
sprint far in the past or the future or longer than the configured weeks, and every page that
shows a sprint copes with whatever dates are already stored (rows written before the bounds,
or by hand)."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from app.backlog.services import create_item
from app.clock import local_today
from app.extensions import db
from app.services import RuleViolation
from app.sprints import reports, services
from app.sprints.models import Sprint

EN = {"Accept-Language": "en"}


@pytest.fixture
def lead(world):
    return world.users["delivery_lead"]


@pytest.fixture
def english(app):
    """A request context for the service's messages, in English."""
    with app.test_request_context("/", headers=EN):
        yield


def form_for(start, end, name="Sprint 1"):
    return {"name": name, "goal": "", "start_date": start, "end_date": end, "capacity": "20"}


def errors_of(html: str, field: str) -> str:
    """The error list shown beside one field of the sprint form."""
    match = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert match, f"no errors beside {field}"
    return match.group(1)


def sprint_count() -> int:
    return db.session.scalar(select(func.count(Sprint.id)))


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    ("0001-01-01", "0001-01-12", "start_date", "The start date can be at most 5 years back"),
    ("9999-12-20", "9999-12-31", "end_date", "The end date can be at most 5 years ahead"),
    ("2026-12-14", "2027-03-15", "end_date", "A sprint can last at most 12 weeks."),
])
def test_the_form_refuses_dates_outside_the_window_beside_the_field(world, login, lead, start,
                                                                    end, field, message):
    response = login(lead).post("/p/ALPHA/sprints", data=form_for(start, end), headers=EN)
    assert response.status_code == 422
    assert message in errors_of(response.get_data(as_text=True), field)
    assert sprint_count() == 0


def test_twelve_weeks_at_the_edges_of_the_window_are_accepted(world, login, lead):
    today = local_today()
    leap_day = (today.month, today.day) == (2, 29)
    latest = today.replace(year=today.year + 5, day=28 if leap_day else today.day)
    client = login(lead)
    first = client.post("/p/ALPHA/sprints", data=form_for(
        (latest - timedelta(days=83)).isoformat(), latest.isoformat()))
    assert first.status_code == 303
    later = client.post("/p/ALPHA/sprints", data=form_for(
        (latest - timedelta(days=10)).isoformat(), (latest + timedelta(days=1)).isoformat(),
        name="Sprint 2"), headers=EN)
    assert later.status_code == 422 and sprint_count() == 1


def test_the_form_offers_the_window_to_the_date_picker(world, login, lead):
    today = local_today()
    html = login(lead).get("/p/ALPHA/sprints").get_data(as_text=True)
    start_input = re.search(r'<input[^>]*id="start_date"[^>]*>', html).group(0)
    assert f'min="{today.year - 5}-' in start_input and f'max="{today.year + 5}-' in start_input


def test_the_service_refuses_whoever_calls_it(world, lead, english):
    with pytest.raises(RuleViolation) as refused:
        services.create_sprint(world.project_a, lead, "Sprint 1", date(1, 1, 1),
                               date(1, 1, 12), 20)
    assert refused.value.field == "start_date" and "years back" in refused.value.message
    sprint = services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 12, 7),
                                    date(2026, 12, 18), 20)
    with pytest.raises(RuleViolation) as refused:
        services.update_sprint(sprint, lead, {"end_date": date(9999, 12, 31)})
    assert refused.value.field == "end_date" and "years ahead" in refused.value.message


def test_the_bounds_come_from_the_configuration(app, world, lead, english):
    app.config["SPRINT_MAX_WEEKS"] = 2
    try:
        with pytest.raises(RuleViolation) as refused:
            services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 12, 7),
                                   date(2026, 12, 21), 20)
        assert refused.value.message == "A sprint can last at most 2 weeks."
        assert services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 12, 7),
                                      date(2026, 12, 20), 20)
    finally:
        app.config["SPRINT_MAX_WEEKS"] = 12


def test_a_sprint_keeps_a_stored_date_the_window_has_passed(world, lead):
    """Renaming a sprint recorded long ago does not trip over its old start date."""
    sprint = services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 11, 2),
                                    date(2026, 11, 13), 20)
    db.session.execute(update(Sprint).where(Sprint.id == sprint.id).values(
        start_date=date(2019, 11, 4), end_date=date(2019, 11, 15)))
    db.session.expire_all()
    sprint = db.session.get(Sprint, sprint.id)
    assert services.update_sprint(sprint, lead, {"name": "Sprint 0"}) == ["name"]


def stored(project, lead, start: date, end: date, state="planned") -> Sprint:
    """A sprint whose dates are written straight into the table, past every rule."""
    sprint = services.create_sprint(project, lead, f"Sprint {start.year}", date(2026, 11, 30),
                                    date(2026, 12, 11), 20)
    item = create_item(project, lead, f"Arbejde {start.year}", estimate=3)
    services.commit_item(sprint, lead, item)
    if state == "active":
        services.start_sprint(sprint, lead)
    db.session.execute(update(Sprint).where(Sprint.id == sprint.id)
                       .values(start_date=start, end_date=end))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Sprint, sprint.id)


def test_a_sprint_stored_in_the_year_9999_breaks_no_page(world, login, lead):
    """It made the sprints page answer 500 for every planner (OverflowError in the suggested
    dates of the next sprint)."""
    sprint = stored(world.project_a, lead, date(9999, 12, 20), date(9999, 12, 31))
    client = login(world.users["product_owner"])
    response = client.get("/p/ALPHA/sprints")
    assert response.status_code == 200
    # The next sprint is still suggested from today, not from after the year 9999.
    today = local_today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    assert f'value="{monday.isoformat()}"' in response.get_data(as_text=True)
    for url in (f"/p/ALPHA/sprints/{sprint.id}", f"/p/ALPHA/sprints/{sprint.id}/review"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(("start", "end"), [(date(1, 1, 1), date(1, 1, 12)),
                                            (date(2026, 11, 30), date(9999, 12, 31)),
                                            (date(1, 1, 1), date(9999, 12, 31))])
def test_an_active_sprint_with_absurd_stored_dates_has_a_bounded_burndown(world, login, lead,
                                                                         start, end):
    """A sprint from 0001-01-01 made every view of it build a 740,000-day burndown (30 s and
    ~1 GB per request)."""
    sprint = stored(world.project_a, lead, start, end, state="active")
    client = login(world.users["product_owner"])
    page = client.get(f"/p/ALPHA/sprints/{sprint.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    table = html[html.index('class="table chart-table burndown-table"'):]
    # A row per day (a year's worth), the head and the start.
    assert table[:table.index("</table>")].count("<tr") == 366 + 2
    for url in ("/p/ALPHA/sprints", f"/p/ALPHA/sprints/{sprint.id}/review", "/p/ALPHA/board"):
        assert client.get(url).status_code == 200, url
    assert login(world.users["steering"]).get("/p/ALPHA/digest").status_code == 200
    data = reports.burndown(sprint)
    assert len(data.days) == reports.MAX_BURNDOWN_DAYS and data.days[0].day == start
    assert data.committed == 3 and data.remaining == 3


def test_an_active_sprints_overlapping_end_date_is_refused_beside_it(world, login, lead):
    """An active sprint's form has no start date field: a refusal put beside it went unseen."""
    active = services.create_sprint(world.project_a, lead, "Sprint 1", date(2026, 11, 23),
                                    date(2026, 12, 4), 20)
    services.create_sprint(world.project_a, lead, "Sprint 2", date(2026, 12, 7),
                           date(2026, 12, 18), 20)
    services.start_sprint(active, lead)
    db.session.commit()
    response = login(lead).post(f"/p/ALPHA/sprints/{active.id}", headers=EN, data={
        "name": "Sprint 1", "goal": "", "end_date": "2026-12-10", "capacity": "20",
        "version": active.version_id})
    assert response.status_code == 422
    assert "The dates overlap with Sprint 2" in errors_of(response.get_data(as_text=True),
                                                          "end_date")
