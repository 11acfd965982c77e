"""The sprint review lists the needs the sprint's accepted items deliver: each need's number,
title and municipality, the accepted items that serve it, and whether it is delivered now."""
import re
from datetime import date

from app.discovery import services as discovery
from app.discovery.tracing import link_item
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation
from app.sprints import services
from tests.sprints.helpers import deliver, item, utc

EN = {"Accept-Language": "en"}


def need(project, submitter, title):
    return discovery.create_need(project, submitter, title=title, background="Baggrund",
                                 desired_outcome="Et bedre overblik", expected_value="Tid")


def test_the_review_lists_the_needs_the_accepted_items_deliver(world, factory, login):
    project = world.project_a
    po, lead, dev = (world.users[r] for r in ("product_owner", "delivery_lead", "developer"))
    aarhus = factory.municipality("Aarhus Kommune", 751)
    add_participation(project, aarhus, ParticipationKind.MEMBER)
    aarhus_po = factory.user(aarhus, email="po@aarhus.test", roles=[Role.PRODUCT_OWNER],
                             project=project)
    sprint = services.create_sprint(project, lead, "Sprint 5", date(2026, 11, 16),
                                    date(2026, 11, 27), 20)
    export, columns, later, waiting = (item(project, po, title, 3, utc(2026, 11, 10)) for title
                                       in ("Eksport", "Kolonner", "Senere", "Afventer"))
    whole = need(project, po, "Eksport til regneark")  # all its items accepted: delivered
    part = need(project, aarhus_po, "Kolonne for ejer")  # one item still to come
    not_yet = need(project, po, "Afventer accept")  # its item awaits acceptance
    need(project, po, "Uden punkter")
    for n, items in ((whole, (export, columns)), (part, (columns, later)),
                     (not_yet, (waiting,))):
        for it in items:
            link_item(n, it, po)
    for it in (export, columns, waiting):
        services.commit_item(sprint, lead, it, at=utc(2026, 11, 13))
    services.start_sprint(sprint, lead, at=utc(2026, 11, 16, 8))
    deliver(export, dev, po, utc(2026, 11, 18))
    deliver(columns, dev, po, utc(2026, 11, 19))
    from app.board.services import move_item

    move_item(waiting, dev, "acceptance", at=utc(2026, 11, 20))
    db.session.commit()

    html = login(world.users["observer"]).get(f"/p/ALPHA/sprints/{sprint.id}/review",
                                               headers=EN).get_data(as_text=True)
    assert 'id="needs-heading"' in html
    section = html[html.index('id="needs-heading"'):html.index('id="awaiting-heading"')]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)[1:]]
    assert rows == [
        f"#{whole.number} Eksport til regneark Ballerup Kommune ALPHA-1, ALPHA-2 Delivered",
        f"#{part.number} Kolonne for ejer Aarhus Kommune ALPHA-2 Planned",
    ]
    assert f'href="/p/ALPHA/needs/{whole.number}"' in section
