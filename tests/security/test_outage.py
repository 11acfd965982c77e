"""A database outage answers 503 with Retry-After and a page (or, for htmx, a message) that says
the service is temporarily unavailable, in the reader's language; not a 500 that says
"something went wrong". The apps here point at a database that refuses connections."""
import socket

import pytest

from tests.conftest import PASSWORD

HX = {"HX-Request": "true"}


def closed_port() -> int:
    """A local port nobody listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["postgresql", "sqlite"])
def down(request, make_app, tmp_path):
    """A client of an app whose database cannot be reached, signed in as some user."""
    if request.param == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/samspil?connect_timeout=2"
    else:
        gone = tmp_path / "removed"
        url = f"sqlite:///{gone}/samspil.db"  # the directory does not exist
    app = make_app(SQLALCHEMY_DATABASE_URI=url, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0123456789abcdef0123456789abcdef"
        session["_fresh"] = True
    return client


@pytest.mark.parametrize("language,text", [
    ("da", "Samspil er midlertidigt utilgængelig"),
    ("en", "Samspil is temporarily unavailable"),
])
def test_a_page_during_an_outage_is_a_503_that_says_so(down, language, text):
    response = down.get("/", headers={"Accept-Language": language})
    body = response.get_data(as_text=True)
    assert response.status_code == 503, body[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert text in body and "<html" in body
    assert response.headers["X-Request-ID"] in body


def test_an_htmx_request_during_an_outage_gets_the_message_alone(down):
    response = down.get("/p/ALPHA/board", headers={**HX, "Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Samspil is temporarily unavailable" in body and "<html" not in body


def test_a_form_sent_during_an_outage_says_to_check_afterwards(make_app, down):
    with down.session_transaction() as session:
        session.clear()
    response = down.post("/login", data={"email": "observer@a.example", "password": PASSWORD},
                         headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Nothing was saved" not in body and "reload the page" in body


def test_healthz_says_503_too(down):
    assert down.get("/healthz").status_code == 503


def test_a_bad_statement_is_still_a_500(make_app):
    from sqlalchemy.exc import ProgrammingError

    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/bad-sql")
    def bad_sql():
        raise ProgrammingError("SELECT nonsense", {}, Exception("syntax error"))

    response = app.test_client().get("/bad-sql", headers={"Accept-Language": "en"})
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert "Something went wrong" in response.get_data(as_text=True)
