"""Release fixtures: project A with a second municipality (Aarhus) co-sponsoring a need that
two accepted items of a closed sprint serve, one item still in acceptance, and project B with
an accepted item of its own."""
from datetime import date

import pytest

from app.backlog.services import create_item
from app.board.services import move_item
from app.discovery import services as discovery
from app.discovery.tracing import link_items
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation
from app.releases import services
from app.sprints import services as sprints
from tests.discovery.conftest import NEED_TEXTS


class Rel:
    """Handles for the release tests."""


def _closed_sprint_with(project, lead, dev, po, titles, start=date(2026, 11, 2)):
    sprint = sprints.create_sprint(project, lead, f"Sprint {start.isoformat()}", start,
                                   date(start.year, start.month, start.day + 11), 20)
    items = [create_item(project, po, title, estimate=3) for title in titles]
    for item in items:
        sprints.commit_item(sprint, lead, item)
    sprints.start_sprint(sprint, lead)
    for item in items:
        move_item(item, dev, "acceptance")
        move_item(item, po, "done")
    sprints.close_sprint(sprint, lead)
    return items


@pytest.fixture
def rel(world, factory):
    r = Rel()
    r.world, r.project = world, world.project_a
    r.ballerup = world.muni_a
    r.aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(r.project, r.aarhus, ParticipationKind.MEMBER)
    r.po = world.users["product_owner"]
    r.lead = world.users["delivery_lead"]
    r.dev = world.users["developer"]
    r.secretariat = world.users["secretariat"]
    r.observer = world.users["observer"]
    r.aarhus_po = factory.user(r.aarhus, email="po@aarhus.test", name="Jonas Aarhus",
                               roles=[Role.PRODUCT_OWNER], project=r.project)
    r.need = discovery.create_need(r.project, r.po, **NEED_TEXTS)
    discovery.cosponsor(r.need, r.aarhus_po, "Vi tester gerne", False, True)
    r.items = _closed_sprint_with(r.project, r.lead, r.dev, r.po,
                                  ["Eksport af aftaler", "Påmindelse om udløb"])
    link_items(r.need, r.items, r.po)
    r.open_item = create_item(r.project, r.po, "Stadig i accept", estimate=2)
    move_item(r.open_item, r.dev, "acceptance")
    r.foreign_item = create_item(world.project_b, world.users["outsider"], "Fremmed punkt")
    db.session.commit()
    return r


def make_release(r, name="2.4", items=True, testers=None):
    release = services.create_release(r.project, r.lead, name=name, planned_on=date(2026, 12, 15),
                                      test_from=date(2026, 12, 1), test_to=date(2026, 12, 10))
    if items:
        services.set_items(release, r.lead, [i.id for i in r.items], version=release.version_id)
    ids = testers if testers is not None else [r.ballerup.id, r.aarhus.id]
    services.set_testers(release, r.lead, ids, version=release.version_id)
    db.session.commit()
    return release


def in_test(r, **kwargs):
    release = make_release(r, **kwargs)
    services.change_state(release, r.lead, "in_test", version=release.version_id)
    db.session.commit()
    return release


def url(r, release, suffix=""):
    return f"/p/{r.project.key}/releases/{release.number}{suffix}"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
