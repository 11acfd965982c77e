"""Recording the realised value: only the follow-up's own municipality's product owners, only
once it is due and while the need is delivered; bad input answers 4xx and saves nothing."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.database import utcnow
from app.discovery import services as discovery
from app.extensions import db
from app.value.models import FollowUp


def _follow_ups(need) -> dict[tuple[str, int], FollowUp]:
    return {(f.organisation.name, f.months): f for f in db.session.scalars(
        select(FollowUp).where(FollowUp.need_id == need.id))}


@pytest.fixture
def due(val):
    """A Ballerup need co-sponsored by Aarhus, delivered 100 days ago: the 3-month follow-ups
    are due, the 12-month ones are not."""
    need = val.need()
    discovery.cosponsor(need, val.aarhus_po)
    val.deliver(need, utcnow() - timedelta(days=100))
    val.due_need = need
    val.f = _follow_ups(need)
    return val


def _url(f) -> str:
    return f"/p/ALPHA/value/follow-ups/{f.id}"


ANSWER = {"realised_value": "Vi sparer **to timer** om ugen.", "rating": "above",
          "measured_value": "2,5", "measured_unit": "timer pr. uge"}


def test_the_product_owner_records_the_realised_value(due, client, login):
    f = due.f[("Ballerup Kommune", 3)]
    login(due.po)
    page = client.get(_url(f))
    assert "To timer om ugen." in page.text  # the need's expected value beside the form
    assert "Record the realised value" in page.text
    answer = client.post(_url(f), data=ANSWER)
    assert answer.status_code == 303
    db.session.refresh(f)
    assert (f.realised_value, f.rating, f.measured_value, f.measured_unit) == (
        "Vi sparer **to timer** om ugen.", "above", Decimal("2.50"), "timer pr. uge")
    assert f.answered_by_id == due.po.id and f.answered_at is not None
    shown = client.get(_url(f)).text
    assert "Above expected" in shown and "2.5 timer pr. uge" in shown
    assert "<strong>to timer</strong>" in shown
    client.post(_url(f), data={**ANSWER, "rating": "as", "measured_value": "",
                               "measured_unit": ""})
    db.session.refresh(f)
    assert (f.rating, f.measured_value, f.measured_unit) == ("as", None, "")
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action != "value.follow_ups_scheduled", AuditEvent.action.like("value.%"))
        .order_by(AuditEvent.id)).all()
    assert actions == ["value.follow_up_recorded", "value.follow_up_updated"]


def test_a_danish_figure_reads_as_danish(due, client, login):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    f = due.f[("Ballerup Kommune", 3)]
    login(due.po)
    client.post(_url(f), data={**ANSWER, "measured_value": "1.234,5"})
    db.session.refresh(f)
    assert f.measured_value == Decimal("1234.50")
    assert "1234,5 timer pr. uge" in client.get(_url(f)).text


@pytest.mark.parametrize("who", ["aarhus_po", "aarhus_fag"])
def test_another_municipality_cannot_answer(due, client, login, who):
    f = due.f[("Ballerup Kommune", 3)]
    login(getattr(due, who))
    assert "Record the realised value" not in client.get(_url(f)).text
    assert client.post(_url(f), data=ANSWER).status_code == 403
    db.session.refresh(f)
    assert f.answered_at is None


def test_a_contributor_of_the_same_municipality_cannot_answer(due, client, login):
    f = due.f[("Ballerup Kommune", 3)]
    login(due.world.users["contributor"])
    assert client.post(_url(f), data=ANSWER).status_code == 403


def test_aarhus_answers_its_own(due, client, login):
    f = due.f[("Aarhus Kommune", 3)]
    login(due.aarhus_po)
    assert client.post(_url(f), data=ANSWER).status_code == 303
    db.session.refresh(f)
    assert f.rating == "above"


def test_not_before_it_is_due(due, client, login):
    f = due.f[("Ballerup Kommune", 12)]
    login(due.po)
    page = client.get(_url(f)).text
    assert "This follow-up is due on" in page and "Record the realised value" not in page
    answer = client.post(_url(f), data=ANSWER)
    assert answer.status_code == 409 and "record the realised value from then" in answer.text
    db.session.refresh(f)
    assert f.answered_at is None


def test_not_when_the_need_is_no_longer_delivered(due, client, login):
    """A delivery found incomplete goes back to planned: there is no delivery to follow up."""
    discovery.set_status(due.due_need, "planned", by_system=True)
    db.session.commit()
    f = due.f[("Ballerup Kommune", 3)]
    login(due.po)
    answer = client.post(_url(f), data=ANSWER)
    assert answer.status_code == 409 and "is not delivered" in answer.text
    db.session.refresh(f)
    assert f.answered_at is None


def test_a_follow_up_of_another_project_is_not_found(due, client, login):
    other = due.world.users["outsider"]
    need = discovery.create_need(due.world.project_b, other, title="Beta", background="B.",
                                 desired_outcome="D.", expected_value="E.")
    due.deliver(need, utcnow() - timedelta(days=100))
    theirs = next(iter(_follow_ups(need).values()))
    login(due.aarhus_po)  # a member of both projects
    assert client.get(f"/p/ALPHA/value/follow-ups/{theirs.id}").status_code == 404
    assert client.post(f"/p/ALPHA/value/follow-ups/{theirs.id}", data=ANSWER).status_code == 404
    assert client.get("/p/ALPHA/value/follow-ups/999999").status_code == 404


@pytest.mark.parametrize(("change", "message"), [
    ({"realised_value": ""}, "Fill in this field."),
    ({"realised_value": "   "}, "Fill in this field."),
    ({"realised_value": "x" * 10_001}, "At most 10000 characters."),
    ({"rating": ""}, "Fill in this field."),
    ({"rating": "amazing"}, "Not a valid choice"),
    ({"measured_value": "mange"}, "Write the figure as a number"),
    ({"measured_value": "NaN"}, "Write the figure as a number"),
    ({"measured_value": "Infinity"}, "Write the figure as a number"),
    ({"measured_value": "1e400"}, "The figure is too large."),
    ({"measured_value": "99999999999"}, "The figure is too large."),
    ({"measured_value": "2,5", "measured_unit": ""}, "unit, e.g. hours per week."),
    ({"measured_value": "", "measured_unit": "timer"}, "Give the figure the unit belongs to."),
    ({"measured_unit": "u" * 41}, "At most 40 characters."),
    ({"realised_value": "Tid\x07sparet"}, None),
    ({"realised_value": "Tid\x00sparet"}, "400"),
])
def test_bad_input_is_refused_and_nothing_saved(due, client, login, change, message):
    f = due.f[("Ballerup Kommune", 3)]
    login(due.po)
    answer = client.post(_url(f), data={**ANSWER, **change})
    db.session.refresh(f)
    if message is None:  # control characters are removed, the rest is kept
        assert answer.status_code == 303 and f.realised_value == "Tidsparet"
        return
    if message == "400":  # refused before any view runs
        assert answer.status_code == 400
    else:
        assert answer.status_code == 422, answer.status_code
        assert message in answer.text
    assert f.answered_at is None and f.rating is None
