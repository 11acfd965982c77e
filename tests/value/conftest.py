"""Benefit-realisation fixtures: project A shared by Ballerup (the world's) and Aarhus, each
with a product owner; helpers to submit, co-sponsor and deliver needs at a given moment."""
from datetime import UTC, datetime

import pytest

from app.discovery import services as discovery
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation


class Val:
    """Handles for the value tests."""

    def need(self, title="Færre manuelle opgørelser", by=None, expected="To timer om ugen.",
             at=None):
        return discovery.create_need(self.project, by or self.po, title=title,
                                     background="Opgørelserne laves i hånden.",
                                     desired_outcome="Automatiske opgørelser.",
                                     expected_value=expected, at=at)

    def deliver(self, need, at: datetime):
        discovery.set_status(need, "delivered", by_system=True, at=at)
        db.session.commit()
        return need


@pytest.fixture
def val(world, factory):
    v = Val()
    v.world = world
    v.project = world.project_a
    v.ballerup = world.muni_a
    v.po = world.users["product_owner"]
    v.aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(v.project, v.aarhus, ParticipationKind.MEMBER)
    v.aarhus_po = factory.user(v.aarhus, email="po@aarhus.test", name="Aarhus PO",
                               roles=[Role.PRODUCT_OWNER], project=v.project)
    v.aarhus_fag = factory.user(v.aarhus, email="fag@aarhus.test", name="Aarhus fag",
                                roles=[Role.CONTRIBUTOR], project=v.project)
    add_participation(world.project_b, v.aarhus, ParticipationKind.MEMBER)
    add_member(world.project_b, v.aarhus_po, [Role.PRODUCT_OWNER])
    db.session.commit()
    return v


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
