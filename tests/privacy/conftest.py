"""Privacy fixtures: a person (project A's contributor) with a trace in every area."""
from datetime import timedelta

import pytest

from app.backlog.services import add_comment, create_item
from app.digests.services import set_subscription
from app.discovery import services as discovery
from app.extensions import db
from app.api.tokens import create_token
from app.attachments.models import Attachment
from app.clock import local_today
from app.sso.models import Identity


class Trace:
    """Handles for the privacy tests."""


@pytest.fixture
def trace(world):
    t = Trace()
    t.world = world
    t.person = world.users["contributor"]
    t.po = world.users["product_owner"]
    project = world.project_a
    t.item = create_item(project, t.po, "Eksport til regneark", assignee_id=None)
    t.comment = add_comment(t.item, t.person, "Vi bruger Excel hos Ballerup. Ring på 4444 4444.")
    t.mention = add_comment(t.item, t.po, f"Tak @[{t.person.name}](user:{t.person.id})!")
    t.other_comment = add_comment(t.item, t.po, "Den her kommentar er min egen.")
    t.need = discovery.create_need(project, t.person, title="Overblik over aftaler",
                                   background="Aftaler i skuffen hos Lise Jensen.",
                                   desired_outcome="Ét sted.", expected_value="Tid.")
    t.note = discovery.add_note(t.need, t.person, "note", "Workshop med Lise Jensen.")
    set_subscription(t.person, project, "weekly")
    db.session.add(Identity(provider="kommune", subject="nemlog-in-4711", user_id=t.person.id))
    t.attachment = Attachment(project_id=project.id, container_kind="item",
                              container_id=t.item.id, name="Procesdiagram Lise.pdf", size=2048,
                              content_type="application/pdf", sha256="0" * 64,
                              uploaded_by_id=t.person.id, uploaded_by_label=t.person.name)
    db.session.add(t.attachment)
    t.token, t.token_secret = create_token(t.person, "Tidsregistrering", [project.id], False,
                                           local_today() + timedelta(days=30))
    db.session.commit()
    return t


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
