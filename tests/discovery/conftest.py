"""Discovery fixtures: the world of tests/conftest.py plus a second municipality (Aarhus) in
project A, so that needs can be co-sponsored by another municipality than the submitter's."""
import pytest

from app.discovery import services
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation

NEED_TEXTS = {
    "title": "Overblik over databehandleraftaler",
    "background": "Aftalerne ligger spredt i **ESDH** og på fællesdrev.",
    "desired_outcome": "Hvert system viser sin databehandleraftale.",
    "expected_value": "Hurtigere svar til Datatilsynet.",
}


class Disc:
    """Handles for the discovery tests."""


@pytest.fixture
def disc(world, factory):
    d = Disc()
    d.world = world
    d.project = world.project_a
    d.ballerup = world.muni_a
    d.aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(d.project, d.aarhus, ParticipationKind.MEMBER)
    d.po = world.users["product_owner"]
    d.contributor = world.users["contributor"]
    d.secretariat = world.users["secretariat"]
    d.developer = world.users["developer"]
    d.observer = world.users["observer"]
    d.aarhus_po = factory.user(d.aarhus, email="po@aarhus.test", name="Jonas Aarhus",
                               roles=[Role.PRODUCT_OWNER], project=d.project)
    d.aarhus_contributor = factory.user(d.aarhus, email="fag@aarhus.test", name="Fag Aarhus",
                                        roles=[Role.CONTRIBUTOR], project=d.project)
    d.need = services.create_need(d.project, d.aarhus_po, **NEED_TEXTS)
    db.session.commit()
    return d


def need_url(d, suffix="") -> str:
    return f"/p/{d.project.key}/needs/{d.need.number}{suffix}"


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English texts; tests of the Danish pages send Accept-Language."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
