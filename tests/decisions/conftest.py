"""Decision-log fixtures: project A with two escalated needs and a backlog item, and project B
with a need and an item of its own (numbered beyond A's, so they cannot be named in A)."""
import pytest

from app.backlog.services import create_item
from app.discovery import services as discovery
from app.extensions import db


class Dec:
    """Handles for the decision tests."""


def _need(project, user, title):
    return discovery.create_need(project, user, title=title, background="Baggrund.",
                                 desired_outcome="Resultat.", expected_value="Værdi.")


@pytest.fixture
def dec(world):
    d = Dec()
    d.world = world
    d.project = world.project_a
    d.po = world.users["product_owner"]
    d.steering = world.users["steering"]
    d.secretariat = world.users["secretariat"]
    d.submitted = _need(d.project, d.po, "Kontraktpåmindelser")
    d.in_discovery = _need(d.project, d.po, "Økonomioverblik")
    d.plain = _need(d.project, d.po, "Rapport til styregruppen")
    discovery.set_status(d.in_discovery, "in_discovery", actor=d.po)
    discovery.escalate(d.submitted, d.po, "Skal vi bruge penge på det?")
    discovery.escalate(d.in_discovery, d.po, "To sprints – før eller efter rapporten?")
    d.item = create_item(d.project, d.po, "Eksport til regneark")
    outsider = world.users["outsider"]
    for n in range(4):
        d.other_need = _need(world.project_b, outsider, f"Beta-behov {n}")
    for n in range(3):
        d.other_item = create_item(world.project_b, outsider, f"Beta-punkt {n}")
    db.session.commit()
    return d


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
