"""My work fixtures: project A with work for each person, a third project GAMMA where A's
product owner also sits, and project B's work that nobody of A may see."""
from datetime import timedelta

import pytest

from app.backlog.services import create_item
from app.clock import local_today
from app.discovery import services as discovery
from app.discovery.tracing import link_item
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation
from app.sprints import services as sprints


def need(project, user, title):
    return discovery.create_need(project, user, title=title, background="Baggrund.",
                                 desired_outcome="Resultat.", expected_value="Værdi.")


class Work:
    """Handles for the My work tests."""


@pytest.fixture
def work(world, factory):
    w = Work()
    w.world = world
    a, b = world.project_a, world.project_b
    po, dev, lead = (world.users[r] for r in ("product_owner", "developer", "delivery_lead"))
    w.po, w.dev, w.lead = po, dev, lead
    w.steering, w.contributor = world.users["steering"], world.users["contributor"]
    w.outsider = world.users["outsider"]
    # A: two items waiting for acceptance, the developer's work in two columns, done work and
    # another person's item that are nobody's business on the developer's list.
    w.accept_a = create_item(a, po, "Eksport af systemlisten", estimate=3, assignee_id=dev.id,
                             status="acceptance")
    w.accept_a2 = create_item(a, po, "Filtrér på fagområde", estimate=2, status="acceptance")
    w.doing = create_item(a, po, "Importér fra KITOS", estimate=5, assignee_id=dev.id,
                          status="in_progress")
    w.ready = create_item(a, po, "Vis afhængigheder", assignee_id=dev.id, status="ready")
    w.done = create_item(a, po, "Gammelt arbejde", estimate=1, assignee_id=dev.id, status="done")
    w.leads = create_item(a, po, "Leadets opgave", assignee_id=lead.id, status="in_progress")
    # B: the outsider's acceptance item and a developer item A's people never see.
    w.accept_b = create_item(b, w.outsider, "Betas accepttest", status="acceptance")
    # GAMMA: A's product owner is product owner here too.
    w.gamma = factory.project("GAMMA", "Gamma", [world.muni_a])
    add_member(w.gamma, po, [Role.PRODUCT_OWNER])
    w.accept_g = create_item(w.gamma, po, "Gammas accepttest", status="acceptance")
    # Needs: Ballerup's own need with two linked items (one done), Odense's need in A that
    # Ballerup co-sponsors, Odense's need in A nobody of Ballerup backs, and an escalation.
    add_participation(a, world.muni_b, ParticipationKind.MEMBER)
    w.odense_member = factory.user(world.muni_b, email="fag@odense.example", name="Odense fag",
                                   roles=[Role.CONTRIBUTOR], project=a)
    w.ours = need(a, po, "Kontraktpåmindelser")
    link_item(w.ours, w.done, po)
    link_item(w.ours, w.doing, po)
    w.backed = need(a, w.odense_member, "Fælles økonomioverblik")
    discovery.cosponsor(w.backed, w.contributor, note="Samme behov")
    w.theirs = need(a, w.odense_member, "Kun Odenses ønske")
    w.escalated = need(a, po, "Skal vi betale for integrationen?")
    discovery.escalate(w.escalated, po, "Over koordinationsgruppens mandat")
    w.other_escalated = need(b, w.outsider, "Betas eskalering")
    discovery.escalate(w.other_escalated, w.outsider, "Betas spørgsmål")
    db.session.commit()
    return w


def active_sprint(w, goal="Eksporten er klar til test", days_left=4):
    """An active sprint in A ending `days_left` days after today (Copenhagen)."""
    today = local_today()
    sprint = sprints.create_sprint(w.world.project_a, w.lead, "Sprint 7",
                                   today - timedelta(days=5), today + timedelta(days=days_left),
                                   20, goal=goal)
    for it in (w.accept_a, w.doing):
        sprints.commit_item(sprint, w.lead, it)
    sprints.start_sprint(sprint, w.lead)
    db.session.commit()
    return sprint


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
