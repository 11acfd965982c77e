"""The public services the rounds area builds on: estimates and their history, the budget per
year and what orders leave of it, and amounts written the Danish and the English way."""
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.funding import services
from app.i18n import format_money, parse_amount
from app.services import RuleViolation


def test_the_newest_estimate_is_current_and_the_history_is_kept(fund):
    first = services.estimate_need(fund.lead, fund.need, hours_low=40, hours_high=80,
                                   amount_low=Decimal("40000"), amount_high=Decimal("80000"),
                                   assumptions="Uden integrationer.")
    second = services.estimate_need(fund.lead, fund.need, amount_low=Decimal("50000.50"),
                                    amount_high=Decimal("90000"), assumptions="Med SSO.")
    services.estimate_need(fund.lead, fund.early, hours_low=10, hours_high=None,
                           amount_low=None, amount_high=None, assumptions="")
    db.session.commit()
    current = services.current_estimates([fund.need.id, fund.early.id, fund.other_need.id])
    assert current[fund.need.id].id == second.id
    assert current[fund.need.id].amount_low == Decimal("50000.50")
    assert current[fund.early.id].hours_low == 10
    assert fund.other_need.id not in current
    assert [e.id for e in services.estimates_of(fund.need)] == [second.id, first.id]
    assert services.current_estimates([]) == {}


@pytest.mark.parametrize("who", ["po", "dev", "secretariat"])
def test_only_the_vendors_delivery_lead_estimates(fund, who):
    with pytest.raises(RuleViolation) as refused:
        services.estimate_need(getattr(fund, who), fund.need, hours_low=1, hours_high=2,
                               amount_low=None, amount_high=None, assumptions="")
    assert refused.value.status == 403


def test_remaining_budget_is_the_budget_less_the_years_orders(fund):
    assert services.remaining_budget(fund.project, 2027) is None
    services.set_budget(fund.secretariat, fund.project, 2027, Decimal("500000"))
    services.record_order(fund.secretariat, fund.need, Decimal("120000.25"), year=2027,
                          round_id=7, position=1)
    services.record_order(fund.secretariat, fund.early, Decimal("30000"), year=2028)
    db.session.commit()
    assert services.remaining_budget(fund.project, 2027) == Decimal("379999.75")
    assert services.remaining_budget(fund.project, 2028) is None
    services.set_budget(fund.secretariat, fund.project, 2027, Decimal("100000"))
    assert services.remaining_budget(fund.project, 2027) == Decimal("-20000.25")
    with pytest.raises(RuleViolation) as twice:
        services.record_order(fund.secretariat, fund.need, Decimal("1"), year=2027)
    assert twice.value.status == 409


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("0"), Decimal("1.001"),
                                    Decimal("1000000000.01"), Decimal("NaN"), "abc"])
def test_bad_amounts_are_refused(fund, amount):
    with pytest.raises(RuleViolation):
        services.record_order(fund.secretariat, fund.need, amount, year=2027)
    assert services.order_of(fund.need) is None


def test_money_is_written_in_the_readers_language(app):
    with app.test_request_context(), force_locale("da"):
        assert format_money(Decimal("12500")) == "12.500,00\xa0kr."
        assert parse_amount("12.500,50") == Decimal("12500.50")
        assert parse_amount("12500.5") == Decimal("12500.5")
        assert parse_amount("1 000 kr.") == Decimal("1000")
    with app.test_request_context(), force_locale("en"):
        assert format_money(Decimal("12500")) == "DKK\xa012,500.00"
        assert parse_amount("12,500.50") == Decimal("12500.50")
    with app.test_request_context(), force_locale("da"):
        for text in ("-5", "1e5", "١٢", "12,5,5", "", "kr."):
            with pytest.raises(ValueError):
                parse_amount(text)
