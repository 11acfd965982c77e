"""Funding fixtures: project A with a second participating municipality (its own product
owner), an approved need and a need in discovery, and project B with a need of its own."""
import pytest

from app.discovery import services as discovery
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation


class Fund:
    """Handles for the funding tests."""


def make_need(project, user, title, status=None):
    need = discovery.create_need(project, user, title=title, background="Baggrund.",
                                 desired_outcome="Resultat.", expected_value="Værdi.")
    for step in {"in_discovery": ["in_discovery"],
                 "ready": ["in_discovery", "ready"],
                 "planned": ["in_discovery", "ready", "planned"]}.get(status, []):
        discovery.set_status(need, step, actor=user)
    return need


@pytest.fixture
def fund(world, factory):
    f = Fund()
    f.world = world
    f.project = world.project_a
    f.po = world.users["product_owner"]
    f.lead = world.users["delivery_lead"]
    f.dev = world.users["developer"]
    f.secretariat = world.users["secretariat"]
    f.steering = world.users["steering"]
    f.muni_a = world.muni_a
    f.muni_c = factory.municipality("Aarhus Kommune", 751)
    add_participation(f.project, f.muni_c, ParticipationKind.MEMBER)
    f.po_c = factory.user(f.muni_c, email="po@c.example", name="C product owner",
                          roles=[Role.PRODUCT_OWNER], project=f.project)
    f.need = make_need(f.project, f.po, "Kontraktpåmindelser", "ready")
    f.early = make_need(f.project, f.po, "Økonomioverblik", "in_discovery")
    f.other_need = make_need(world.project_b, world.users["outsider"], "Beta-behov")
    db.session.commit()
    return f


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
