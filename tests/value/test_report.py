"""The steering group's report: every delivered need with its expected value beside each
municipality's realised value; printable, and as CSV."""
import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.discovery import services as discovery
from app.extensions import db
from app.value.models import FollowUp
from app.value.services import Answer, record_answer


@pytest.fixture
def reported(val):
    need = val.need("Kontraktpåmindelser", expected="=Færre utilsigtede forlængelser.")
    discovery.cosponsor(need, val.aarhus_po)
    val.deliver(need, utcnow() - timedelta(days=100))
    follow_ups = {(f.organisation_id, f.months): f for f in db.session.scalars(
        select(FollowUp).where(FollowUp.need_id == need.id))}
    record_answer(follow_ups[(val.aarhus.id, 3)], val.aarhus_po,
                  Answer("Vi nåede at genudbyde to kontrakter.", "above", "2", "kontrakter"))
    val.need("Ikke leveret endnu")
    db.session.commit()
    return val


def _csv(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ALPHA-value-')
    text = response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_report_shows_expected_and_realised_value(reported, client, login):
    login(reported.world.users["steering"])
    page = client.get("/p/ALPHA/value")
    assert page.status_code == 200
    text = page.text
    assert "Kontraktpåmindelser" in text and "Ikke leveret endnu" not in text
    assert "=Færre utilsigtede forlængelser." in text
    assert "Vi nåede at genudbyde to kontrakter." in text and "Above expected" in text
    assert "Waiting since" in text  # Ballerup's 3-month follow-up
    assert "Due on" in text  # the 12-month ones
    assert 'media="print"' in text and "data-print" in text


def test_the_report_as_csv(reported, client, login):
    login(reported.world.users["observer"])
    rows = _csv(client.get("/p/ALPHA/value.csv?sep=semicolon"))
    assert rows[0][:7] == ["Need", "Title", "Expected value", "Delivered", "Municipality",
                           "Role", "Months after delivery"]
    body = [(r[4], r[5], r[6], r[9], r[10], r[11], r[12]) for r in rows[1:]]
    assert body == [
        ("Ballerup Kommune", "Submitter", "3", "", "", "", ""),
        ("Ballerup Kommune", "Submitter", "12", "", "", "", ""),
        ("Aarhus Kommune", "Co-sponsor", "3", "Above expected",
         "Vi nåede at genudbyde to kontrakter.", "2.0", "kontrakter"),
        ("Aarhus Kommune", "Co-sponsor", "12", "", "", "", "")]
    assert {r[2] for r in rows[1:]} == {"'=Færre utilsigtede forlængelser."}  # no formula
    assert client.get("/p/ALPHA/value.csv?sep=tab").status_code == 400


def test_another_project_s_member_sees_nothing(reported, client, login):
    login(reported.world.users["outsider"])
    assert client.get("/p/ALPHA/value").status_code == 404
    assert client.get("/p/ALPHA/value.csv").status_code == 404
