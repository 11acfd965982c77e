"""Fixtures: the app on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
factories for organisations, users, projects and memberships, a login helper, a counter of
SQL statements, and the Hypothesis profiles."""
import itertools
import os

import pytest
from flask import g
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import select, text

from app import create_app
from app.accounts.models import User
from app.accounts.services import create_user
from app.database import StatementCounter
from app.extensions import db as _db
from app.organisations.municipalities import MUNICIPALITY_CODES, is_valid_cvr
from app.organisations.models import Organisation
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Project, Role
from app.projects.services import add_member, add_participation, create_project
from config import TestConfig

# The concurrency tests' postgres_only fixture lives beside their thread runner; the SMTP
# server fixtures (smtp, smtp_server, outbox) in tests/smtp.py; the OpenID provider's beside
# its script (tests/sso).
pytest_plugins = ["tests.concurrency", "tests.smtp", "tests.sso.fixtures"]

PASSWORD = "correct-horse-battery"

# Hypothesis draws the same examples on every run by default, so a red run means the code
# changed, not the dice; HYPOTHESIS_PROFILE=random draws new ones (and keeps failures found in
# .hypothesis/ to replay them first), to look for what the fixed draw does not reach.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.register_profile("random")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class ServerLikeClient(FlaskClient):
    """Reads and closes every response as a WSGI server does, so work deferred to the
    response's close (an e-mail sent after the answer) has happened when the test looks."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    app.test_client_class = ServerLikeClient

    # Requests in tests run inside the test's app context; give each one the fresh
    # per-request state (no memoised user, roles or stale rows) it would have in production.
    def _fresh_request_state():
        for name in list(g):
            if name != "request_id":
                g.pop(name)
        _db.session.expire_all()

    # First of all hooks: the app's own (the two-factor enrolment guard reads the signed-in
    # user) must not see the previous request's user, memoised in the shared app context.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)

    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
    yield app


# On PostgreSQL a TRUNCATE of every table costs ~90 ms, most of a small test's time: between
# tests only the tables that hold rows are emptied (DELETE, children first) and the sequences
# that moved are reset, and every FULL_WIPE_EVERY tests all are truncated, which also drops the
# dead rows that DELETE leaves (the test server runs without autovacuum).
FULL_WIPE_EVERY = 200
_wipes = itertools.count()
RESET_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL")


def _wipe(session) -> None:
    tables = _db.metadata.sorted_tables
    if session.get_bind().dialect.name != "postgresql":
        for table in reversed(tables):
            session.execute(table.delete())
    elif next(_wipes) % FULL_WIPE_EVERY == 0:
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        held = {name for (name,) in session.execute(text(" UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT FROM \"{t.name}\")" for t in tables)))}
        for table in reversed(tables):
            if table.name in held:
                session.execute(table.delete())
        session.execute(RESET_SEQUENCES)
    session.commit()


@pytest.fixture(autouse=True)
def db(app):
    """The database, emptied after every test."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _wipe(_db.session)
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_statements(app):
    """Counts the SQL statements sent while active (`with count_statements:`), as `make bench`
    counts them."""
    return StatementCounter(_db.engine)


class Factory:
    """Builds organisations, projects and people through the real services."""

    def __init__(self):
        self._codes = iter(sorted(MUNICIPALITY_CODES))
        self._n = itertools.count(1)

    def municipality(self, name=None, code=None):
        code = code or next(self._codes)
        return create_organisation(name or f"{MUNICIPALITY_CODES[code]} Kommune", "municipality",
                                   municipality_code=code)

    def vendor(self, name=None):
        n = next(self._n)
        cvr = next(c for c in (str(31000000 + n * 100 + i) for i in range(100))
                   if is_valid_cvr(c))
        return create_organisation(name or f"Leverandør {n} ApS", "vendor", cvr=cvr)

    def community(self, name=None):
        return create_organisation(name or f"Fællesskab {next(self._n)}", "community")

    def project(self, key, name=None, organisations=(), **kwargs):
        project = create_project(key, name or f"Projekt {key}", **kwargs)
        for org in organisations:
            kind = ParticipationKind.VENDOR if org.is_vendor else ParticipationKind.MEMBER
            add_participation(project, org, kind)
        return project

    def user(self, org, email=None, name=None, roles=None, project=None, **kwargs):
        n = next(self._n)
        user = create_user(email or f"user{n}@example.test", name or f"Bruger {n}", PASSWORD,
                           org, **kwargs)
        if project is not None and roles:
            add_member(project, user, roles)
        return user


@pytest.fixture
def factory(db):
    return Factory()


class World:
    """Two organisations' worth of people in two projects: every role of project A, and
    an outsider who is only in project B. Tests of access use this."""

    def __init__(self, factory):
        self.muni_a = factory.municipality("Ballerup Kommune", 151)
        self.muni_b = factory.municipality("Odense Kommune", 461)
        self.vendor = factory.vendor("Nordlys Software ApS")
        self.project_a = factory.project("ALPHA", "Alfa", [self.muni_a, self.vendor])
        self.project_b = factory.project("BETA", "Beta", [self.muni_b, self.vendor])
        self.users = {}
        vendor_roles = {Role.DEVELOPER, Role.DELIVERY_LEAD}
        for role in Role:
            org = self.vendor if role in vendor_roles else self.muni_a
            self.users[role.value] = factory.user(org, email=f"{role.value}@a.example",
                                                  name=f"A {role.value}", roles=[role],
                                                  project=self.project_a)
        self.users["outsider"] = factory.user(self.muni_b, email="outsider@b.example",
                                              name="B outsider", roles=[Role.PRODUCT_OWNER],
                                              project=self.project_b)
        self.users["site_admin"] = factory.user(self.muni_b, email="admin@example.test",
                                                name="Site admin", is_site_admin=True)
        _db.session.commit()


@pytest.fixture
def world(factory):
    return World(factory)


class _WorldSnapshot:
    """The rows a fresh World consists of, taken once and inserted again for each test that
    asks for `restored_world`: the route-by-persona tests (~3,000 of them) each need the same
    world, and building it through the services was most of their time."""

    def __init__(self):
        self.rows = None
        self.ids = None

    def take(self, world: World) -> None:
        session = _db.session
        self.rows = []
        for table in _db.metadata.sorted_tables:
            columns = [c for c in table.columns if c.computed is None]
            found = [dict(r._mapping) for r in session.execute(select(*columns))]
            if found:
                self.rows.append((table, found))
        self.ids = {"muni_a": world.muni_a.id, "muni_b": world.muni_b.id,
                    "vendor": world.vendor.id, "project_a": world.project_a.id,
                    "project_b": world.project_b.id,
                    "users": {name: user.id for name, user in world.users.items()}}

    def restore(self) -> World:
        session = _db.session
        postgres = session.get_bind().dialect.name == "postgresql"
        for table, rows in self.rows:
            session.execute(table.insert(), rows)
            if postgres and "id" in table.c and table.c.id.autoincrement is not False:
                session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f"(SELECT max(id) FROM \"{table.name}\"))"))
        session.commit()
        world = World.__new__(World)
        for name in ("muni_a", "muni_b", "vendor"):
            setattr(world, name, session.get(Organisation, self.ids[name]))
        for name in ("project_a", "project_b"):
            setattr(world, name, session.get(Project, self.ids[name]))
        world.users = {name: session.get(User, user_id)
                       for name, user_id in self.ids["users"].items()}
        return world


_world_snapshots: dict[str, _WorldSnapshot] = {}


@pytest.fixture
def restored_world(factory):
    """The same World as `world`, made once per run and restored from its rows for each test
    (for tests that only read it and act through requests)."""
    snapshot = _world_snapshots.setdefault(_db.engine.url.render_as_string(), _WorldSnapshot())
    if snapshot.rows is None:
        world = World(factory)
        snapshot.take(world)
        return world
    return snapshot.restore()


@pytest.fixture
def login(client):
    """Sign a user in on the test client without going through the form."""

    def _login(user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return _login
