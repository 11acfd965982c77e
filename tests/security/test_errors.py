"""A 500 leaks nothing, shows the request id, and the exception is logged under that id."""
import logging

import pytest
from flask import abort
from sqlalchemy.exc import IntegrityError


@pytest.fixture
def failing_app(make_app):
    """A separate app (the shared one must not grow test routes) that lets errors reach the
    error handlers, as production does."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret-detail-42 password=hunter2 /srv/samspil/app.py")

    @app.get("/abort")
    def explicit_500():
        abort(500)

    @app.post("/race")
    def lost_race():
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: x.name"))

    return app


def test_500_page_leaks_nothing_and_shows_the_request_id(failing_app, caplog):
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR, logger="app"):
        response = client.get("/boom", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 500
    # The layout carries "Something went wrong; …" for htmx errors: the page's heading says it.
    assert "<h1>Something went wrong</h1>" in body and f"<code>{request_id}</code>" in body
    for leak in ("secret-detail-42", "hunter2", "Traceback", "RuntimeError", "/srv/samspil",
                 "app.py"):
        assert leak not in body, leak

    [logged] = [r for r in caplog.records if r.exc_info]
    assert request_id in logged.getMessage() and logged.request_id == request_id
    assert "GET /boom" in logged.getMessage()
    assert isinstance(logged.exc_info[1], RuntimeError)
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1, "logged once"


def test_htmx_500_answers_a_fragment_without_details(failing_app):
    response = failing_app.test_client().get("/boom", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "<html" not in body
    assert "secret-detail-42" not in body and response.headers["X-Request-ID"]


def test_explicit_500_is_logged_with_its_request_id(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="app"):
        response = failing_app.test_client().get("/abort")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert any(request_id in r.getMessage() for r in caplog.records)
    assert request_id in response.get_data(as_text=True)


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/login").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_4xx_pages_say_why_without_a_request_id(world, client, login):
    login(world.users["observer"])
    response = client.get("/p/BETA/", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in body
    assert response.headers["X-Request-ID"] not in body


def test_a_nul_byte_is_refused_with_a_reason_not_a_500(world, client, login):
    login(world.users["site_admin"])
    for response in (client.post("/organisations", data={"name": "A\x00B", "kind": "community"}),
                     client.get("/audit?actor=%00"), client.get("/p/AL%00PHA/")):
        assert response.status_code == 400
        assert "NUL" in response.get_data(as_text=True)


def test_a_lost_uniqueness_race_answers_409_not_500(failing_app, caplog):
    with caplog.at_level(logging.ERROR, logger="app"):
        response = failing_app.test_client().post("/race", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Nothing was saved" in body
    assert "UNIQUE constraint" not in body
    assert any(response.headers["X-Request-ID"] in r.getMessage() for r in caplog.records)


def test_organisation_names_differing_only_in_non_ascii_case_do_not_break(world, client, login,
                                                                          factory, db):
    factory.community("Ærø Fællesskab")
    db.session.commit()
    login(world.users["site_admin"])
    response = client.post("/organisations", data={"name": "Ærø Fællesskab", "kind": "community"})
    assert response.status_code == 422
