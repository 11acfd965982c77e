"""Closing a round and ordering its needs: each order creates the need's backlog item, ranked
after the round's previous order, and funding records it; an order beyond the remaining
budget (the year's, or the round's own, whichever is stricter) is escalated to the steering
group with the amount and waits."""
from decimal import Decimal

from sqlalchemy import func, select

from app.backlog.models import Item
from app.backlog.services import create_item, position_of
from app.clock import local_today
from app.discovery.models import NeedItemLink
from app.extensions import db
from app.funding import services as funding
from app.funding.models import NeedOrder
from app.rounds import services
from app.rounds.models import RoundOrder
from tests.pages import shown
from tests.rounds.conftest import open_round


def _closed_round(r, **kwargs):
    rnd = open_round(r, **kwargs)
    services.cast_ballot(rnd, r.po, {r.finance.id: 60, r.report.id: 40})
    services.cast_ballot(rnd, r.aarhus_po, {r.archive.id: 50, r.report.id: 50})
    services.close_round(rnd, r.secretariat)
    db.session.commit()
    return rnd


def _order(client, rnd, need, amount=""):
    return client.post(f"/p/ALPHA/rounds/{rnd.number}/orders",
                       data={"need": str(need.number), "amount": amount})


def test_ordering_creates_ranked_items_that_serve_the_needs(r, client, login):
    create_item(r.project, r.po, "Noget andet i backloggen")
    rnd = _closed_round(r)
    lead = r.world.users["delivery_lead"]
    funding.estimate_need(lead, r.report, amount_low="80000", amount_high="100000")
    db.session.commit()
    login(r.secretariat)
    assert _order(client, rnd, r.report).status_code == 303
    assert _order(client, rnd, r.finance, "50000").status_code == 303
    orders = db.session.scalars(select(RoundOrder).order_by(RoundOrder.position)).all()
    assert [(o.need.title, o.state, o.amount) for o in orders] == [
        ("Kvartalsrapport", "ordered", Decimal("100000.00")),
        ("Økonomioverblik", "ordered", Decimal("50000.00"))]
    first, second = orders[0].item, orders[1].item
    assert position_of(second) == position_of(first) + 1
    links = {(link.need_id, link.item_id) for link in db.session.scalars(select(NeedItemLink))}
    assert {(r.report.id, first.id), (r.finance.id, second.id)} <= links
    recorded = {o.need_id: (o.amount, o.round_id, o.position)
                for o in db.session.scalars(select(NeedOrder))}
    assert recorded[r.report.id] == (Decimal("100000.00"), rnd.id, 1)
    page = shown(client.get(f"/p/ALPHA/rounds/{rnd.number}/results").get_data(as_text=True))
    assert "Ordered (1.)" in page and "Ordered (2.)" in page


def test_an_open_round_is_not_ordered_from_and_a_need_is_ordered_once(r, client, login):
    rnd = open_round(r)
    login(r.secretariat)
    response = _order(client, rnd, r.finance, "1000")
    assert response.status_code == 409 and "Close the round" in response.get_data(as_text=True)
    services.close_round(rnd, r.secretariat)
    db.session.commit()
    assert _order(client, rnd, r.finance, "1000").status_code == 303
    assert _order(client, rnd, r.finance, "1000").status_code == 409
    assert _order(client, rnd, r.submitted, "1000").status_code == 422
    assert _order(client, rnd, r.other, "1000").status_code in (409, 422)
    assert _order(client, rnd, r.report, "-3").status_code == 422
    assert _order(client, rnd, r.report, "mange penge").status_code == 422
    response = _order(client, rnd, r.report)
    assert response.status_code == 422 and "no estimate" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(RoundOrder)) == 1


def test_beyond_the_years_budget_the_order_is_escalated_and_waits(r, client, login):
    funding.set_budget(r.secretariat, r.project, local_today().year, "120000")
    db.session.commit()
    rnd = _closed_round(r)
    login(r.secretariat)
    assert _order(client, rnd, r.finance, "100000").status_code == 303
    items = db.session.scalar(select(func.count()).select_from(Item))
    assert _order(client, rnd, r.report, "30000").status_code == 303
    waiting = db.session.scalar(select(RoundOrder).where(RoundOrder.need_id == r.report.id))
    assert waiting.state == "waiting" and waiting.item is None
    db.session.refresh(r.report)
    assert r.report.is_escalated
    assert "30,000.00" in r.report.escalation_reason or "30.000,00" in \
        r.report.escalation_reason
    assert "20,000.00" in r.report.escalation_reason or "20.000,00" in \
        r.report.escalation_reason
    assert db.session.scalar(select(func.count()).select_from(Item)) == items
    assert funding.order_of(r.report) is None
    decisions = client.get("/p/ALPHA/decisions").get_data(as_text=True)
    assert "Kvartalsrapport" in decisions
    # Not before the steering group has decided; then the order is carried out.
    url = f"/p/ALPHA/rounds/{rnd.number}/orders/{waiting.id}/confirm"
    assert client.post(url).status_code == 409
    from app.discovery.services import withdraw_escalation
    withdraw_escalation(r.report, r.world.users["steering"], decision="Godkendt ud over budget")
    db.session.commit()
    assert client.post(url).status_code == 303
    db.session.refresh(waiting)
    assert waiting.state == "ordered" and waiting.item is not None


def test_the_rounds_own_budget_is_used_when_stricter(r, client, login):
    funding.set_budget(r.secretariat, r.project, local_today().year, "1000000")
    db.session.commit()
    rnd = _closed_round(r, budget_amount="150000")
    login(r.secretariat)
    assert _order(client, rnd, r.finance, "100000").status_code == 303
    assert _order(client, rnd, r.report, "60000").status_code == 303
    states = dict(db.session.execute(select(RoundOrder.need_id, RoundOrder.state)).all())
    assert states == {r.finance.id: "ordered", r.report.id: "waiting"}


def test_only_the_secretariat_closes_and_orders(r, client, login):
    rnd = open_round(r)
    for role in ("product_owner", "steering", "delivery_lead", "developer"):
        login(r.world.users[role])
        assert client.post(f"/p/ALPHA/rounds/{rnd.number}/close").status_code == 403
        assert _order(client, rnd, r.finance, "1").status_code == 403
    db.session.refresh(rnd)
    assert rnd.is_open
