"""Rounds fixtures: project A with a second participating municipality (Aarhus, with its own
product owner), ready and in-discovery needs, and a need of project B."""
from datetime import timedelta

import pytest

from app.clock import local_today
from app.discovery import services as discovery
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation
from app.rounds import services


class R:
    """Handles for the rounds tests."""


def make_need(project, user, title, status="ready"):
    need = discovery.create_need(project, user, title=title, background="Baggrund.",
                                 desired_outcome="Resultat.", expected_value="Værdi.")
    path = {"submitted": [], "in_discovery": ["in_discovery"],
            "ready": ["in_discovery", "ready"]}[status]
    for step in path:
        discovery.set_status(need, step, actor=user)
    return need


@pytest.fixture
def r(world, factory):
    d = R()
    d.world = world
    d.project = world.project_a
    d.po = world.users["product_owner"]
    d.secretariat = world.users["secretariat"]
    d.aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(d.project, d.aarhus, ParticipationKind.MEMBER)
    d.aarhus_po = factory.user(d.aarhus, email="po@aarhus.test", name="Aarhus PO",
                               roles=[Role.PRODUCT_OWNER], project=d.project)
    d.finance = make_need(d.project, d.po, "Økonomioverblik")
    d.report = make_need(d.project, d.po, "Kvartalsrapport")
    d.archive = make_need(d.project, d.aarhus_po, "Arkivering", status="in_discovery")
    d.submitted = make_need(d.project, d.po, "Ny idé", status="submitted")
    d.other = make_need(world.project_b, world.users["outsider"], "Beta-behov")
    db.session.commit()
    return d


def open_round(r, **kwargs):
    values = {"name": "Forårsrunden", "deadline": local_today() + timedelta(days=10),
              "needs": [r.finance, r.report, r.archive], "points_per_municipality": 100}
    values.update(kwargs)
    rnd = services.open_round(r.project, r.secretariat, **values)
    db.session.commit()
    return rnd


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
