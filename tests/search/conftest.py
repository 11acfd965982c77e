"""Search fixtures: one thing of every kind in project ALPHA and look-alikes in project BETA
(another organisation's project), all made through the real services."""
from datetime import date

import pytest

from app.backlog.services import add_comment, create_item
from app.decisions.services import record_decision
from app.discovery.services import add_note, create_need
from app.extensions import db


class Corpus:
    """Handles for the search tests."""


def need_texts(title, background):
    return {"title": title, "background": background, "desired_outcome": "Et bedre overblik.",
            "expected_value": "Mindre tidsspild."}


@pytest.fixture
def corpus(world):
    c = Corpus()
    c.world = world
    po, other = world.users["product_owner"], world.users["outsider"]
    c.item = create_item(world.project_a, po, "Beredskabsplan for it-drift",
                         description="Planen beskriver nødprocedurer ved nedbrud.",
                         acceptance_criteria="Godkendt af kommunaldirektøren.")
    c.plain = create_item(world.project_a, po, "Kontrakt med leverandør",
                          description="Intet om planer her.")
    add_comment(c.plain, po, "Husk beredskabsplanen for vagtordningen.")
    c.need = create_need(world.project_a, po, **need_texts(
        "Fælles beredskabsplaner", "Hver kommune har sin egen krisestyring."))
    add_note(c.need, po, "note", "Interview med krisestyringen i Ballerup.")
    c.decision = record_decision(world.project_a, po, decided_on=date(2026, 11, 3),
                                 title="Krisestyring prioriteres", text="Styregruppen vil have "
                                 "en fælles beredskabsplan i 2027.")
    c.secret = create_item(world.project_b, other, "Hemmelig beredskabsplan i Odense",
                           description="Kun for Odense: krisestyring og beredskabsplaner.")
    create_need(world.project_b, other, **need_texts("Odenses krisestyring", "Fortroligt."))
    db.session.commit()
    return c


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
