"""The ledger's sums per municipality, its CSV for the finance departments (Danish decimals,
a BOM for Excel), and funding's section of the steering group's digest."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.database import utcnow
from app.digests.services import collect_sections
from app.extensions import db
from app.funding import services
from app.services import RuleViolation


@pytest.fixture
def books(fund):
    """Ballerup pledges twice (one invoiced, one withdrawn), Aarhus once and lends 80.000,
    repaid 30.000 from Ballerup's invoiced pledge."""
    paid = services.pledge(fund.po, fund.need, Decimal("20000.10"), note="=HYPERLINK()")
    services.confirm_pledge(fund.po, paid)
    services.invoice_pledge(fund.secretariat, paid)
    gone = services.pledge(fund.po, fund.early, Decimal("999"))
    services.withdraw_pledge(fund.po, gone)
    services.pledge(fund.po, fund.early, Decimal("1000"))
    aarhus = services.pledge(fund.po_c, fund.need, Decimal("5000.55"))
    services.confirm_pledge(fund.po_c, aarhus)
    loan = services.record_loan(fund.secretariat, fund.project, fund.muni_c, Decimal("80000"),
                                date(2026, 2, 1), "Forskud")
    services.record_repayment(fund.secretariat, loan, Decimal("30000"), date(2026, 6, 1),
                              pledge_=paid)
    db.session.commit()
    return loan


def test_the_ledger_adds_up_per_municipality(fund, books):
    lines = {line.organisation.name: line for line in services.ledger(fund.project)}
    ballerup, aarhus = lines["Ballerup Kommune"], lines["Aarhus Kommune"]
    assert (ballerup.pledged, ballerup.confirmed, ballerup.invoiced) == (
        Decimal("21000.10"), Decimal("0.00"), Decimal("20000.10"))
    assert (aarhus.pledged, aarhus.confirmed, aarhus.lent, aarhus.repaid, aarhus.outstanding) == (
        Decimal("5000.55"), Decimal("5000.55"), Decimal("80000.00"), Decimal("30000.00"),
        Decimal("50000.00"))
    assert "Odense Kommune" not in lines  # another project's municipality


def test_a_loan_is_never_repaid_beyond_what_is_owed(fund, books):
    with pytest.raises(RuleViolation):
        services.record_repayment(fund.secretariat, books, Decimal("50000.01"), date.today())
    services.record_repayment(fund.secretariat, books, Decimal("50000"), date.today())
    assert books.outstanding == Decimal("0.00")


def test_the_gap_is_the_cost_less_the_order_and_the_pledges(fund, books):
    services.estimate_need(fund.lead, fund.need, amount_low=Decimal("50000"),
                           amount_high=Decimal("100000"))
    services.record_order(fund.secretariat, fund.need, Decimal("40000"), year=2026)
    f = services.funding_of([fund.need])[fund.need.id]
    assert (f.cost, f.ordered, f.pledged, f.confirmed) == (
        Decimal("100000.00"), Decimal("40000.00"), Decimal("25000.65"), Decimal("25000.65"))
    assert f.gap == Decimal("34999.35") and f.needs_crowdfunding
    services.pledge(fund.po_c, fund.early, Decimal("1"))
    early = services.funding_of([fund.early])[fund.early.id]
    assert early.gap is None and not early.needs_crowdfunding  # no estimate in kroner yet


def test_the_need_page_sums_what_the_lists_sum(fund, books):
    """The need page works its funding out from the rows it shows; the lists and the digest
    ask the database for the sums. Both must agree, withdrawn pledges and all."""
    services.estimate_need(fund.lead, fund.need, amount_low=Decimal("10"),
                           amount_high=Decimal("20"))
    services.estimate_need(fund.lead, fund.need, amount_low=Decimal("50000"),
                           amount_high=Decimal("100000"))
    services.record_order(fund.secretariat, fund.need, Decimal("40000"), year=2026)
    services.pledge(fund.po_c, fund.early, Decimal("0.35"))
    db.session.commit()
    for need in (fund.need, fund.early):
        shown = services.need_funding(need, services.estimates_of(need),
                                      services.order_of(need), services.pledges_of(need))
        assert shown == services.funding_of([need])[need.id]
    assert services.need_funding(fund.early, [], None, services.pledges_of(fund.early)).pledged \
        == Decimal("1000.35")  # the withdrawn 999 is not counted


def test_the_ledger_csv_is_for_a_danish_excel(fund, books, client, login):
    login(fund.world.users["observer"])
    answer = client.get("/p/ALPHA/funding/ledger.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Municipality", "Municipality code", "Date", "Entry", "Need", "Status",
                       "Note", "Amount (kr.)"]
    body = [(r[0], r[3], r[5], r[7]) for r in rows[1:]]
    assert body == [  # by municipality, then by date
        ("Aarhus Kommune", "Loan", "", "80000,00"),
        ("Aarhus Kommune", "Repayment", "", "30000,00"),
        ("Aarhus Kommune", "Pledge", "Confirmed", "5000,55"),
        ("Ballerup Kommune", "Pledge", "Invoiced", "20000,10"),
        ("Ballerup Kommune", "Pledge", "Withdrawn", "999,00"),
        ("Ballerup Kommune", "Pledge", "Pledged", "1000,00")]
    assert "'=HYPERLINK()" in text  # a note is never a formula
    login(fund.world.users["outsider"])
    assert client.get("/p/ALPHA/funding/ledger.csv").status_code == 404


def _section(fund, role):
    now = utcnow() + timedelta(seconds=1)
    sections = collect_sections(fund.world.users[role], fund.project, {role}, "weekly",
                                now - timedelta(days=7), now)
    return next((s for s in sections if s.key == "funding"), None)


def test_the_digest_reports_new_pledges_gaps_and_budget_used(fund):
    assert _section(fund, "steering") is None  # nothing to say yet
    year = date.today().year
    services.set_budget(fund.secretariat, fund.project, year, Decimal("500000"))
    services.record_order(fund.secretariat, fund.early, Decimal("125000"), year=year)
    services.estimate_need(fund.lead, fund.need, amount_high=Decimal("60000"))
    services.pledge(fund.po_c, fund.need, Decimal("12500"))
    db.session.commit()
    section = _section(fund, "steering")
    assert section.title == "Finansiering"
    texts = [(i.text, i.status, i.meta) for i in section.items]
    assert texts == [
        (f"Aarhus Kommune gav tilsagn om 12.500,00\xa0kr. til #{fund.need.number} "
         "Kontraktpåmindelser", "Givet tilsagn", None),
        (f"#{fund.need.number} Kontraktpåmindelser", "Medfinansiering søges",
         "Mangler 47.500,00\xa0kr.")]
    assert [(f.label, f.value) for f in section.figures] == [
        ("Nye tilsagn", 1), ("Finansieringshuller", 1),
        (f"Budget brugt i {year}", "125.000,00\xa0kr. af 500.000,00\xa0kr.")]
    assert section.more_link == "/p/ALPHA/funding"
    assert _section(fund, "secretariat") is not None
    for role in ("product_owner", "developer", "observer"):
        assert _section(fund, role) is None
