"""The funding panel on a need's page and the project's funding page, through the real stack:
estimating, pledging and moving pledges on, the budget, loans and repayments; and what each
refusal looks like (a clear 4xx, nothing saved)."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.funding import services
from app.funding.models import Loan, LoanRepayment, NeedEstimate, Pledge, ProjectBudget
from tests.pages import shown


def _need_url(fund, need=None):
    return f"/p/ALPHA/needs/{(need or fund.need).number}"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_need_page_shows_estimate_pledges_and_the_gap(fund, client, login):
    services.estimate_need(fund.lead, fund.need, hours_low=40, hours_high=80,
                           amount_low=Decimal("40000"), amount_high=Decimal("100000"),
                           assumptions="Uden integrationer.")
    services.pledge(fund.po, fund.need, Decimal("25000"))
    confirmed = services.pledge(fund.po_c, fund.need, Decimal("10000.50"))
    services.confirm_pledge(fund.po_c, confirmed)
    db.session.commit()
    login(fund.steering)
    page = shown(client.get(_need_url(fund)).get_data(as_text=True))
    assert "Crowdfunding needed" in page
    assert "DKK 40,000.00 – DKK 100,000.00 · 40–80 hours" in page.replace("\xa0", " ")
    assert "Pledged DKK 35,000.50" in page.replace("\xa0", " ")
    assert "Confirmed DKK 10,000.50" in page.replace("\xa0", " ")
    assert "Gap DKK 64,999.50" in page.replace("\xa0", " ")
    assert "Pledge on behalf of" not in page  # the steering group does not pledge


def test_danish_readers_see_danish_amounts(fund, client, login):
    services.estimate_need(fund.lead, fund.need, amount_high=Decimal("12500"))
    db.session.commit()
    login(fund.po)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "da"
    page = shown(client.get(_need_url(fund)).get_data(as_text=True))
    assert "12.500,00 kr." in page
    assert "Medfinansiering søges" in page


def test_no_badge_before_the_need_is_approved_or_when_it_is_covered(fund, client, login):
    services.estimate_need(fund.lead, fund.early, amount_high=Decimal("5000"))
    services.estimate_need(fund.lead, fund.need, amount_high=Decimal("5000"))
    services.pledge(fund.po, fund.need, Decimal("5000"))
    db.session.commit()
    login(fund.po)
    for need in (fund.early, fund.need):
        assert "Crowdfunding needed" not in client.get(_need_url(fund, need)).text


def test_the_delivery_lead_estimates_by_htmx_and_the_history_grows(fund, client, login):
    login(fund.lead)
    url = f"/p/ALPHA/needs/{fund.need.number}/estimates"
    first = client.post(url, data={"estimate-hours_low": "40", "estimate-hours_high": "60",
                                   "estimate-assumptions": "Første bud."})
    assert first.status_code == 303
    answer = client.post(url, data={"estimate-amount_low": "30,000", "estimate-amount_high":
                                    "45,000.50"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "Estimate history (2)" in answer.text
    assert "samspil:announce" in answer.headers["HX-Trigger"]
    current = services.current_estimates([fund.need.id])[fund.need.id]
    assert (current.amount_low, current.amount_high) == (Decimal("30000"), Decimal("45000.50"))


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Give the estimate in hours, in kroner or both."),
    ({"estimate-hours_low": "-3"}, "Give the hours as a whole number."),
    ({"estimate-hours_low": "9", "estimate-hours_high": "3"}, "cannot be below the low end"),
    ({"estimate-amount_low": "1.005"}, "at most two decimals"),
    ({"estimate-amount_high": "abc"}, "Give the amount as a number of kroner"),
    ({"estimate-amount_high": "2000000000"}, "at most"),
])
def test_bad_estimates_are_refused_with_a_reason(fund, client, login, data, message):
    login(fund.lead)
    answer = client.post(f"/p/ALPHA/needs/{fund.need.number}/estimates", data=data)
    assert answer.status_code == 422
    assert message in shown(answer.text)
    assert _count(NeedEstimate) == 0


def test_a_product_owner_pledges_confirms_and_withdraws(fund, client, login):
    login(fund.po)
    base = f"/p/ALPHA/needs/{fund.need.number}/pledges"
    answer = client.post(base, data={"pledge-amount": "25,000.00", "pledge-note": "IT-puljen"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 200
    pledge = db.session.scalar(select(Pledge))
    assert (pledge.amount, pledge.organisation_id, pledge.status) == (
        Decimal("25000.00"), fund.muni_a.id, "pledged")
    assert "Confirm the pledge of Ballerup Kommune" in shown(answer.text)
    again = client.post(base, data={"pledge-amount": "1"})
    assert again.status_code == 409 and "already pledged" in again.text
    changed = client.post(f"{base}/{pledge.id}/edit", data={"change-amount": "30000"})
    assert changed.status_code == 303
    assert client.post(f"{base}/{pledge.id}/confirm").status_code == 303
    db.session.refresh(pledge)
    assert (pledge.amount, pledge.status) == (Decimal("30000.00"), "confirmed")
    # Confirmed: the amount is fixed.
    refused = client.post(f"{base}/{pledge.id}/edit", data={"change-amount": "1"})
    assert refused.status_code == 409
    assert client.post(f"{base}/{pledge.id}/withdraw").status_code == 303
    db.session.refresh(pledge)
    assert pledge.status == "withdrawn"
    # Withdrawn: nothing more to do with it, but a new pledge may be made.
    for action in ("confirm", "withdraw"):
        assert client.post(f"{base}/{pledge.id}/{action}").status_code == 409
    assert client.post(f"{base}/{pledge.id}/edit",
                       data={"change-amount": "5"}).status_code == 409
    db.session.refresh(pledge)
    assert (pledge.amount, pledge.status) == (Decimal("30000.00"), "withdrawn")
    assert client.post(base, data={"pledge-amount": "5000"}).status_code == 303
    assert _count(Pledge) == 2


def test_the_secretariat_invoices_confirmed_pledges_only(fund, client, login):
    pledge = services.pledge(fund.po, fund.need, Decimal("1000"))
    db.session.commit()
    login(fund.secretariat)
    url = f"/p/ALPHA/needs/{fund.need.number}/pledges/{pledge.id}/invoice"
    assert client.post(url).status_code == 409
    services.confirm_pledge(fund.po, pledge)
    db.session.commit()
    assert client.post(url).status_code == 303
    db.session.refresh(pledge)
    assert pledge.status == "invoiced"
    login(fund.po)
    assert client.post(f"/p/ALPHA/needs/{fund.need.number}/pledges/{pledge.id}/withdraw"
                       ).status_code == 409


@pytest.mark.parametrize(("amount", "status", "message"), [
    ("-100", 422, "more than zero"), ("0", 422, "more than zero"),
    ("10.005", 422, "two decimals"), ("1000000001", 422, "at most"),
    ("", 422, "Fill in this field"), ("1e9", 422, "number of kroner"),
    ("NaN", 422, "number of kroner"),
])
def test_hostile_pledges_are_refused_and_nothing_is_saved(fund, client, login, amount, status,
                                                          message):
    login(fund.po)
    for headers in ({}, {"HX-Request": "true"}):
        answer = client.post(f"/p/ALPHA/needs/{fund.need.number}/pledges",
                             data={"pledge-amount": amount}, headers=headers)
        assert answer.status_code == status
        assert message in shown(answer.text)
    assert _count(Pledge) == 0


def test_pledges_are_for_ones_own_municipality_and_need(fund, client, login):
    theirs = services.pledge(fund.po_c, fund.need, Decimal("1000"))
    db.session.commit()
    login(fund.po)
    base = f"/p/ALPHA/needs/{fund.need.number}/pledges/{theirs.id}"
    for action in ("confirm", "withdraw"):
        assert client.post(f"{base}/{action}").status_code == 403
    assert client.post(f"{base}/edit", data={"change-amount": "1"}).status_code == 403
    # Another need's pledge is not found under this need; another project's need is not found.
    other = f"/p/ALPHA/needs/{fund.early.number}/pledges/{theirs.id}/confirm"
    assert client.post(other).status_code == 404
    assert client.post(f"/p/BETA/needs/{fund.other_need.number}/pledges",
                       data={"pledge-amount": "5"}).status_code == 404
    login(fund.lead)
    assert client.post(f"/p/ALPHA/needs/{fund.need.number}/pledges",
                       data={"pledge-amount": "5"}).status_code == 403
    db.session.refresh(theirs)
    assert (theirs.status, _count(Pledge)) == ("pledged", 1)


def test_the_funding_page_shows_budget_gaps_ledger_and_loans(fund, client, login):
    services.set_budget(fund.secretariat, fund.project, 2026, Decimal("200000"))
    services.estimate_need(fund.lead, fund.need, amount_high=Decimal("90000"))
    services.record_order(fund.secretariat, fund.need, Decimal("50000"), year=2026)
    services.pledge(fund.po_c, fund.need, Decimal("15000"))
    db.session.commit()
    login(fund.observer if hasattr(fund, "observer") else fund.world.users["observer"])
    page = shown(client.get("/p/ALPHA/funding").text).replace("\xa0", " ")
    assert "2026 DKK 200,000.00 DKK 50,000.00 DKK 150,000.00" in page
    assert f"#{fund.need.number} Kontraktpåmindelser DKK 90,000.00 DKK 50,000.00 " \
           "DKK 15,000.00 DKK 25,000.00" in page
    assert "Aarhus Kommune DKK 15,000.00" in page
    assert "Set the budget of a year" not in page and "Record a loan" not in page


def test_the_secretariat_keeps_the_books(fund, client, login):
    login(fund.secretariat)
    assert client.post("/p/ALPHA/funding/budget", data={
        "budget-year": "2027", "budget-amount": "500,000"}).status_code == 303
    assert services.remaining_budget(fund.project, 2027) == Decimal("500000")
    assert client.post("/p/ALPHA/funding/loans", data={
        "loan-organisation": str(fund.muni_c.id), "loan-amount": "80000",
        "loan-lent_on": "2026-03-01", "loan-note": "Forskud"}).status_code == 303
    loan = db.session.scalar(select(Loan))
    url = f"/p/ALPHA/funding/loans/{loan.id}/repayments"
    assert client.post(url, data={f"loan{loan.id}-amount": "30000"}).status_code == 303
    too_much = client.post(url, data={f"loan{loan.id}-amount": "50000.01"})
    assert too_much.status_code == 422 and "is still owed" in shown(too_much.text)
    page = shown(client.get("/p/ALPHA/funding").text).replace("\xa0", " ")
    assert "Aarhus Kommune lent DKK 80,000.00" in page
    assert "Repaid: DKK 30,000.00 · Still owed: DKK 50,000.00" in page
    assert _count(LoanRepayment) == 1


@pytest.mark.parametrize("data", [
    {"budget-year": "1999", "budget-amount": "1"},
    {"budget-year": "abc", "budget-amount": "1"},
    {"budget-year": "2027", "budget-amount": "-1"},
    {"budget-year": "2027", "budget-amount": "1.234"},
    {"budget-year": "2027"},
])
def test_bad_budgets_are_refused(fund, client, login, data):
    login(fund.secretariat)
    answer = client.post("/p/ALPHA/funding/budget", data=data)
    assert answer.status_code == 422
    assert 'class="errors"' in answer.text or 'role="alert"' in answer.text
    assert _count(ProjectBudget) == 0


def test_loans_come_from_participating_municipalities(fund, client, login):
    login(fund.secretariat)
    for org in ("", str(fund.world.vendor.id), str(fund.world.muni_b.id), "99999999999"):
        answer = client.post("/p/ALPHA/funding/loans", data={"loan-organisation": org,
                                                             "loan-amount": "100"})
        assert answer.status_code == 422, org
    assert _count(Loan) == 0
