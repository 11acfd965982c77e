"""How a request's transaction ends: one that only read ends with COMMIT, so that psycopg keeps
the statements it prepared (a ROLLBACK makes it drop them all); anything a request changed and
did not commit itself is still rolled back, however it was changed."""
import pytest
from sqlalchemy import event, select, text, update

from app.accounts.models import User
from app.extensions import db


@pytest.fixture(params=[True])
def probe(request, make_app, factory):
    """An app with routes that read, or change a user's name and leave it uncommitted."""
    user = factory.user(factory.municipality(), name="Original Name")
    user_id = user.id
    db.session.commit()
    app = make_app(DATABASE_PREPARED_STATEMENTS=request.param)
    endings = []

    @app.get("/t/read")
    def read():
        return db.session.scalar(select(User.name).where(User.id == user_id))

    @app.get("/t/unsaved")
    def unsaved():
        db.session.get(User, user_id).name = "Changed in memory"
        return "ok"

    @app.get("/t/flushed")
    def flushed():
        db.session.get(User, user_id).name = "Changed and flushed"
        db.session.flush()
        return "ok"

    @app.get("/t/statement")
    def statement():
        db.session.execute(update(User).where(User.id == user_id).values(name="By statement"))
        return "ok"

    @app.get("/t/read-with")
    def read_with():
        return db.session.scalar(text(
            "WITH chosen AS (SELECT id, name FROM user_account WHERE id = :id) "
            "SELECT name FROM chosen"), {"id": user_id})

    @app.get("/t/update-with")
    def update_with():
        db.session.execute(text(
            "WITH chosen AS (SELECT :name AS name) "
            "UPDATE user_account SET name = (SELECT name FROM chosen) WHERE id = :id"),
            {"name": "By a statement with a CTE", "id": user_id})
        return "ok"

    @app.get("/t/committed-then-read")
    def committed_then_read():
        db.session.get(User, user_id).name = "Committed"
        db.session.commit()
        return db.session.scalar(select(User.name).where(User.id == user_id))

    @app.get("/t/prepared")
    def prepared():
        return str(db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements")))

    with app.app_context():
        for kind in ("commit", "rollback"):
            event.listen(db.engine, kind, lambda _conn, kind=kind: endings.append(kind))
    return app, user_id, endings


def _name(user_id):
    db.session.expire_all()
    return db.session.scalar(select(User.name).where(User.id == user_id))


@pytest.mark.parametrize("path", ["/t/read", "/t/read-with"])
def test_a_request_that_only_read_ends_with_commit(probe, path):
    app, _user_id, endings = probe
    assert app.test_client().get(path).get_data(as_text=True) == "Original Name"
    assert endings == ["commit"]


@pytest.mark.parametrize("path", ["/t/unsaved", "/t/flushed", "/t/statement", "/t/update-with"])
def test_a_change_the_request_did_not_commit_is_rolled_back(probe, path):
    app, user_id, endings = probe
    assert app.test_client().get(path).status_code == 200
    assert _name(user_id) == "Original Name"
    assert "commit" not in endings


def test_a_committed_change_stays_and_the_reads_after_it_end_quietly(probe):
    app, user_id, endings = probe
    assert app.test_client().get("/t/committed-then-read").get_data(as_text=True) == "Committed"
    assert _name(user_id) == "Committed"
    assert endings[0] == "commit"


@pytest.mark.parametrize("probe", [True, False], indirect=True,
                         ids=["prepared", "DATABASE_PREPARED_STATEMENTS=0"])
def test_statements_stay_prepared_from_one_request_to_the_next(probe):
    app, _user_id, _endings = probe
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are psycopg's, on PostgreSQL")
    client = app.test_client()
    for _ in range(4):
        client.get("/t/read")
    prepared = int(client.get("/t/prepared").get_data(as_text=True))
    assert prepared >= 1 if app.config["DATABASE_PREPARED_STATEMENTS"] else prepared == 0
