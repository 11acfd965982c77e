"""Archive fixtures: project A (ALPHA) with something in every part of the format, and
helpers to read and build archives."""
import io
import json
import zipfile
from datetime import date

import pytest

from app.accounts.services import create_user
from app.backlog.services import add_comment, create_item, update_item
from app.decisions.services import OutcomeChoice, record_decision
from app.discovery import services as discovery
from app.discovery.tracing import link_item
from app.extensions import db
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation
from app.sprints.services import close_sprint, commit_item, create_sprint, start_sprint
from tests.attachments.files import attach, pdf, png
from tests.digests.helpers import make_delivery


class Filled:
    """Handles for the archive tests."""


@pytest.fixture
def filled(world, factory):
    f = Filled()
    f.world = world
    project = world.project_a
    po, lead = world.users["product_owner"], world.users["delivery_lead"]
    dev = world.users["developer"]
    aarhus = create_organisation("Aarhus Kommune", "municipality", municipality_code=751)
    add_participation(project, aarhus, ParticipationKind.MEMBER)
    f.aarhus_po = create_user("po@aarhus.test", "Aarhus PO", "correct-horse-battery", aarhus)
    add_member(project, f.aarhus_po, [Role.PRODUCT_OWNER])
    epic = create_item(project, po, "Kontrakter", type="epic", labels=["økonomi"])
    story = create_item(project, po, "Eksport til regneark", estimate="3", parent_id=epic.id,
                        assignee_id=dev.id, labels=["økonomi", "eksport"],
                        description="Som **bruger** vil jeg …", acceptance_criteria="- CSV")
    bug = create_item(project, po, "Fejl i datoer", type="bug")
    update_item(story, po, {"title": "Eksport til Excel", "assignee": str(lead.id)})
    comment = add_comment(story, dev, "Vi bruger UTF-8 med BOM.")
    add_comment(story, po, "Godt.")
    closed = create_sprint(project, lead, "Sprint 1", date(2026, 11, 2), date(2026, 11, 13), 20)
    commit_item(closed, lead, bug)
    start_sprint(closed, lead)
    planned = create_sprint(project, lead, "Sprint 2", date(2026, 11, 16), date(2026, 11, 27),
                            18, goal="Eksporten")
    close_sprint(closed, lead, unfinished="next")
    commit_item(planned, lead, story)
    need = discovery.create_need(project, f.aarhus_po, title="Overblik over kontrakter",
                                 background="Regneark.", desired_outcome="Ét overblik.",
                                 expected_value="Færre fejl.")
    discovery.cosponsor(need, po, note="Også hos os", is_willing_to_test=True)
    note = discovery.add_note(need, po, "workshop", "Workshop i Aarhus.")
    link_item(need, story, po)
    discovery.escalate(need, po, "Kræver prioritering")
    record_decision(project, world.users["steering"], decided_on=date(2026, 11, 20),
                    title="Vi prioriterer kontrakter", text="Enstemmigt.", items=[story],
                    outcomes=[OutcomeChoice(need, "approved", "ready", "Vigtigt")])
    db.session.commit()
    f.image = attach(project, "item", story, po, png(), "skitse.png")
    attach(project, "comment", comment, dev, pdf(), "notat.pdf")
    attach(project, "note", note, po, png((20, 20)), "tavle.png")
    make_delivery(world.users["steering"], project)
    db.session.commit()
    f.story, f.need = story, need
    return f


def read_archive(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """project.json and the attached files of an archive."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("project.json"))
        files = {n: archive.read(n) for n in archive.namelist() if n != "project.json"}
    return document, files


def make_zip(entries: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def export_bytes(project) -> bytes:
    from app.archive.export import ProjectArchive

    out = io.BytesIO()
    ProjectArchive(project).write(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
