"""The Alembic migrations build exactly the schema the models describe."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.database import include_in_migrations
from app.extensions import db
from config import TestConfig


@pytest.fixture
def scratch_database_url(app, tmp_path):
    """An empty database of the same kind as the test database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"samspil_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_models_and_migrations_agree(scratch_database_url):
    config = type("MigrationConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": scratch_database_url})
    app = create_app(config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_object": include_in_migrations})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_stored_decision_sentences_become_values(scratch_database_url):
    """The history rows and audit events that stored "Besluttet: …" sentences (before
    e3b96a9a4219) are rewritten as a decided escalation with the decision's title."""
    from sqlalchemy import select, update

    from app.audit.models import AuditEvent
    from app.audit.services import record
    from app.discovery.models import Need, NeedChange
    from tests.conftest import Factory

    config = type("MigrationConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": scratch_database_url})
    app = create_app(config)
    with app.app_context():
        upgrade()
        from app.discovery.services import create_need

        factory = Factory()
        org = factory.municipality("Ballerup Kommune", 151)
        project = factory.project("OVB", "Overblik", [org])
        po = factory.user(org, name="Per Produktejer", roles=["product_owner"], project=project)
        need = create_need(project, po, title="Overblik", background="B.",
                           desired_outcome="D.", expected_value="E.")
        need.status_rationale = "Besluttet af styregruppen: Vi prioriterer"
        need.changes.append(NeedChange(field="status", old_value="submitted",
                                       new_value="ready", actor=po,
                                       comment="Besluttet af styregruppen: Vi prioriterer"))
        need.changes.append(NeedChange(field="escalation", old_value="escalated",
                                       new_value="", actor=po, comment="Decided: We prioritise"))
        need.changes.append(NeedChange(field="escalation", old_value="escalated",
                                       new_value="", actor=po, comment="Vi venter et år."))
        record("need.escalation_withdrawn", project=project, target=need, actor=po,
               comment="Besluttet: Vi prioriterer")
        record("need.status_changed", project=project, target=need, actor=po, old="submitted",
               new="ready", rationale="Besluttet af styregruppen: Vi prioriterer")
        db.session.commit()
        db.session.execute(update(NeedChange).values(params={}))
        db.session.commit()
        db.session.remove()
        downgrade(revision="8a79c8583405")  # the schema of that time: no params
        upgrade()

        changes = db.session.scalars(select(NeedChange).order_by(NeedChange.id)).all()
        created, approved, decided, withdrawn = [(c.field, c.new_value, c.comment, c.params)
                                                 for c in changes]
        assert created[0] == "created" and created[3] == {}
        assert approved == ("status", "ready", "", {"decision": "Vi prioriterer"})
        assert decided == ("escalation", "decided", "", {"decision": "We prioritise"})
        assert withdrawn == ("escalation", "", "Vi venter et år.", {})  # a person's own words
        assert db.session.scalar(select(Need.status_rationale)) == ""
        events = {e.action: e.details for e in db.session.scalars(select(AuditEvent))}
        assert events["need.escalation_decided"] == {"decision": "Vi prioriterer"}
        assert events["need.status_changed"] == {"old": "submitted", "new": "ready",
                                                 "decision": "Vi prioriterer"}
        db.session.remove()
        db.engine.dispose()


def test_the_search_index_is_built_filled_and_kept_by_its_migration(scratch_database_url):
    """c4d18e5f7a20 indexes the rows already there, and the database keeps the index in step
    afterwards (generated columns or triggers: nothing in the application does it)."""
    from app import events
    from app.backlog.services import add_comment, create_item
    from app.search import parse
    from app.search.queries import SearchFilters, search
    from tests.conftest import Factory

    config = type("MigrationConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": scratch_database_url})
    app = create_app(config)
    with app.app_context():
        upgrade(revision="18f8b2e67ea8")  # the one before the search index
        factory = Factory()
        org = factory.municipality("Ballerup Kommune", 151)
        project = factory.project("OVB", "Overblik", [org])
        po = factory.user(org, name="Per Produktejer", roles=["product_owner"], project=project)
        with events.muted():  # the webhooks' outbox table comes in a later revision
            item = create_item(project, po, "Beredskabsplan fra før søgningen")
        db.session.commit()
        db.session.remove()
        upgrade()

        def found(query):
            page = search(parse(query), [project], SearchFilters())
            return [(hit.kind.name, hit.title) for hit in page.hits]

        project = db.session.merge(project)
        assert found("beredskabsplaner") == [("item", "Beredskabsplan fra før søgningen")]
        add_comment(db.session.merge(item), po, "Kaffemaskinen er i stykker.")
        db.session.commit()
        assert found("kaffemaskine") == [("comment", "Beredskabsplan fra før søgningen")]
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()
