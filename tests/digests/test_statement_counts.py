"""No N+1 in the digest: the preview page and a send run issue as many SQL statements for a
project with a little of everything as for one with much more of it (items awaiting
acceptance, accepted and rejected, blocked items with comments, needs co-sponsored, decided
and escalated, decisions, new members and organisations, a sprint's history); and once there
is more than the sections show, more still loads no more rows."""
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event

from app.backlog.services import add_comment, create_item, update_item
from app.board.services import move_item
from app.decisions.services import record_decision
from app.digests.delivery import send_due
from app.digests.models import DigestDelivery, Frequency
from app.digests.services import set_subscription
from app.discovery import services as discovery
from app.extensions import db
from app.organisations.municipalities import MUNICIPALITY_CODES
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation, membership_of, set_roles
from app.sprints import services as sprints
from app.clock import local_today


class Growth:
    """Project A's digest material, added `n` of each at a time, all within the week."""

    def __init__(self, world, factory):
        self.world, self.factory, self.project = world, factory, world.project_a
        self.po, self.dev, self.lead, self.steering = (
            world.users[r] for r in ("product_owner", "developer", "delivery_lead", "steering"))
        taken = {151, 461}  # the world's municipalities
        self.codes = iter(c for c in sorted(MUNICIPALITY_CODES) if c not in taken)
        aarhus = self._municipality()
        self.sponsor = factory.user(aarhus, roles=[Role.CONTRIBUTOR], project=self.project)
        today = local_today()
        self.sprint = sprints.create_sprint(self.project, self.lead, "Sprint 1",
                                            today - timedelta(days=2), today + timedelta(days=9),
                                            40, goal="Eksport")
        sprints.start_sprint(self.sprint, self.lead)
        self.count = 0
        db.session.commit()

    def _municipality(self):
        organisation = self.factory.municipality(code=next(self.codes))
        add_participation(self.project, organisation, ParticipationKind.MEMBER)
        return organisation

    def _need(self, title):
        return discovery.create_need(self.project, self.po, title=title, background="B.",
                                     desired_outcome="R.", expected_value="V.")

    def add(self, n):
        project, po = self.project, self.po
        for _ in range(n):
            self.count += 1
            k = self.count
            create_item(project, po, f"Afventer {k}", status="acceptance")
            accepted = create_item(project, po, f"Godkendt {k}", status="acceptance")
            move_item(accepted, po, "done")
            rejected = create_item(project, po, f"Afvist {k}", status="acceptance")
            move_item(rejected, po, "in_progress", reason="Mangler kolonnen")
            mine = create_item(project, po, f"Mit punkt {k}", assignee_id=self.dev.id,
                               status="in_progress", estimate=3)
            update_item(mine, po, {"is_blocked": True, "blocked_reason": "Venter på nøgle"})
            add_comment(mine, po, f"Kommentar {k}")
            sprints.commit_item(self.sprint, self.lead, mine)
            discovery.cosponsor(self._need(f"Behov {k}"), self.sponsor, "Vigtigt")
            discovery.set_status(self._need(f"Afvist behov {k}"), "declined", actor=po,
                                 rationale="Dækkes af Kitos")
            discovery.escalate(self._need(f"Eskaleret behov {k}"), po, "Hvad siger I?")
            record_decision(project, self.steering, decided_on=date.today(),
                            title=f"Beslutning {k}")
            newcomer = self.factory.user(self._municipality(), roles=[Role.OBSERVER],
                                         project=project)
            if k <= 2:  # role changes are listed in full: a few are enough
                set_roles(membership_of(project, newcomer.id), [Role.OBSERVER, Role.CONTRIBUTOR])
        db.session.commit()


@pytest.fixture
def growth(world, factory):
    return Growth(world, factory)


class Loads:
    """Counts the ORM objects made from database rows while active (`with loads:`)."""

    def __init__(self):
        self.count = 0

    def _loaded(self, target, context):
        self.count += 1

    def __enter__(self):
        self.count = 0
        event.listen(db.Model, "load", self._loaded, propagate=True)
        return self

    def __exit__(self, *exc):
        event.remove(db.Model, "load", self._loaded)


def preview(client, counter, loads):
    with counter, loads:
        response = client.get("/p/ALPHA/digest")
    assert response.status_code == 200
    return counter.count, loads.count, response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["steering", "developer"])
def test_the_preview_does_not_grow_with_the_project(growth, world, login, count_statements,
                                                     role):
    world.users[role].locale = "en"  # the sections speak the recipient's language
    growth.add(2)
    client = login(world.users[role])
    small, _loaded, _html = preview(client, count_statements, Loads())
    growth.add(30)  # more than any section shows
    large, loaded, html = preview(client, count_statements, Loads())
    assert large == small, count_statements.statements
    growth.add(30)
    larger, loaded_then, _html = preview(client, count_statements, Loads())
    assert larger == small, count_statements.statements
    # Past what the sections show, more of everything loads no more rows as objects (new
    # members, listed in full, are read as plain columns).
    assert loaded_then == loaded
    if role == "steering":  # the lists were cut at what the digest shows
        assert html.count("more — see them in Samspil") >= 4
    else:  # the newest comments first, up to half of the section's lines
        assert "My items" in html and "Kommentar 32" in html and "Kommentar 28" in html
        assert "Kommentar 27" not in html and "more — see them in Samspil" in html


def test_sending_does_not_grow_with_the_project(growth, world, count_statements, outbox,
                                                 monday_morning):
    set_subscription(world.users["developer"], world.project_a, Frequency.WEEKLY)
    counts = []
    for more in (2, 30):
        growth.add(more)
        with count_statements:
            report = send_due(now=monday_morning)
        # steering, product owner and developer of A, and B's product owner
        assert report.sent == 4
        counts.append(count_statements.count)
        db.session.execute(delete(DigestDelivery))  # the same period again, with more to say
        db.session.commit()
    assert counts[1] == counts[0], count_statements.statements
