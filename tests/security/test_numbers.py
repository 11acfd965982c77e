"""Numbers from a request are parsed strictly: ASCII digits of a bounded length. `isdigit`
accepts "²" and "١" that `int` refuses or reads, and `int` refuses more than 4,300 digits;
either used to be a 500. A number that is not one is a 422 with a reason in a form, and "no
filter" or the default in a URL."""
import re
from datetime import date

import pytest

from app.board.services import wip_limits
from app.database import MAX_ID, parse_int
from app.extensions import db
from app.security import digits_up_to
from app.sprints import services as sprint_services

HX = {"HX-Request": "true"}
EN = {"Accept-Language": "en"}
NOT_NUMBERS = ["²", "1²", "١٢", "１２", "+5", "-1", " 5_0 ", "5.0", "9" * 5000, "0x10", "٣"]


@pytest.mark.parametrize("value", ["²", "1²", "9" * 5000, "١٢", "+3"])
def test_a_wip_limit_that_is_not_a_number_is_a_422_with_a_message(world, client, login, value):
    login(world.users["secretariat"])
    response = client.post("/p/ALPHA/board/wip", data={"wip_review": value}, headers=EN)
    assert response.status_code == 422
    assert "A WIP limit is a whole number" in response.get_data(as_text=True)
    assert wip_limits(world.project_a) == {}


def test_a_huge_if_none_match_on_board_changes_is_just_a_fresh_answer(world, client, login):
    login(world.users["observer"])
    for tag in ('"c' + "9" * 5000 + '"', "c" + "9" * 5000, '"c²"', "W/" + "1" * 5000):
        response = client.get("/p/ALPHA/board/changes",
                              headers={**HX, "If-None-Match": tag})
        assert response.status_code == 200 and response.headers["ETag"].startswith('"c')


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_list_pages_read_a_number_that_is_not_one_as_no_filter(world, client, login, value):
    login(world.users["site_admin"])
    for url in (f"/p/ALPHA/needs?org={value}", f"/p/ALPHA/needs?page={value}",
                f"/p/ALPHA/decisions?page={value}", f"/p/ALPHA/backlog?q={value}",
                f"/p/ALPHA/backlog?q=ALPHA-{value}", f"/audit?page={value}"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("value", ["9" * 30, "9" * 5000, "²", "-3"])
def test_how_many_rows_to_show_is_bounded(world, client, login, value):
    planner = world.users["product_owner"]
    sprint = sprint_services.create_sprint(world.project_a, planner, "Sprint 1",
                                           date(2026, 11, 30), date(2026, 12, 11), 20)
    db.session.commit()
    login(planner)
    response = client.get(f"/p/ALPHA/sprints/{sprint.id}?shown={value}", headers=HX)
    assert response.status_code == 200


@pytest.mark.parametrize("cvr", ["1234567²", "²²²²²²²²", "١٢٣٤٥٦٧٨"])
def test_a_cvr_number_in_other_digits_is_refused_with_a_reason(world, client, login, cvr):
    login(world.users["site_admin"])
    response = client.post("/organisations", data={"name": "Skæv ApS", "kind": "vendor",
                                                   "cvr": cvr}, headers=EN)
    assert response.status_code == 422
    assert "CVR" in response.get_data(as_text=True)


def test_parse_int_takes_ascii_digits_within_bounds_only():
    assert parse_int("42", 1, 100) == 42 and parse_int(" 7 ", 1, 100) == 7
    assert parse_int(42, 1, 100) == 42
    for value in [*NOT_NUMBERS, None, "", "101", "0"]:
        assert parse_int(value, 1, 100) is None, value


@pytest.mark.parametrize("limit", [0, 5, 9, 10, 21, 100, 909, 12345])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit):
    pattern = re.compile(digits_up_to(limit) + r"\Z")
    assert [n for n in range(limit * 3 + 30) if pattern.match(str(n))] == list(range(limit + 1))


def test_the_route_id_pattern_stops_at_the_largest_database_id():
    pattern = re.compile(digits_up_to(MAX_ID) + r"\Z")
    assert pattern.match(str(MAX_ID)) and pattern.match("1999999999")
    for forged in (MAX_ID + 1, 2200000000, 10**10, 10**25):
        assert not pattern.match(str(forged))
    assert not pattern.match("007")
