"""Demo funding in OVB: this year's budget, the vendor's estimates (one need estimated twice),
pledges from Ballerup and Aarhus in every state, and Ballerup's loan to the project, repaid
in part from Aarhus' invoiced pledge. "Økonomioverblik" is approved and still short of money,
so it shows "Medfinansiering søges". No orders: ordering is the prioritisation rounds' work."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.clock import local_date
from app.discovery.models import Need
from app.extensions import db
from app.funding import services

ECONOMY = "Økonomioverblik: licens- og driftsudgifter pr. system og forvaltning"
REPORT = "Kvartalsrapport til styregruppen"
KITOS = "Import af systemer og kontrakter fra Kitos"

# title: [(days ago, hours low, hours high, kr. low, kr. high, assumptions)], oldest first
ESTIMATES = {
    ECONOMY: [
        (40, 150, 250, "120000", "200000",
         "Første overslag: udgifter tastes ind i Overblik; ingen integration."),
        (12, 180, 240, "150000", "190000",
         "Efter workshoppen: import af udgifter fra Opus og Prisme som CSV, én gang om måneden."),
    ],
    REPORT: [(28, 40, 60, "35000", "50000", "Rapporten bygges på de eksisterende lister.")],
    KITOS: [(60, 140, 180, "120000", "160000", "Kitos' API i version 2; kun læseadgang.")],
}


def _need(project, title):
    return db.session.scalar(select(Need).where(Need.project_id == project.id,
                                                Need.title == title))


def seed_funding(ctx: dict) -> dict:
    """Budget, estimates, pledges and a loan in OVB, dated over the past two months."""
    project, users, now = ctx["projects"]["OVB"], ctx["users"], ctx["now"]
    secretariat, lead = users["sek_community"], users["lead_nordlys"]
    ballerup, aarhus = users["po_ballerup"], users["po_aarhus"]

    def ago(days: int):
        return now - timedelta(days=days)

    year = local_date(now).year
    services.set_budget(secretariat, project, year - 1, Decimal("450000"), at=ago(330))
    services.set_budget(secretariat, project, year, Decimal("600000"), at=ago(70))
    needs = {title: _need(project, title) for title in ESTIMATES}
    estimates = 0
    for title, rows in ESTIMATES.items():
        for days, h_low, h_high, low, high, assumptions in rows:
            services.estimate_need(lead, needs[title], hours_low=h_low, hours_high=h_high,
                                   amount_low=Decimal(low), amount_high=Decimal(high),
                                   assumptions=assumptions, at=ago(days))
            estimates += 1
    # Økonomioverblik: Aarhus has confirmed, Ballerup has only pledged; a gap remains.
    confirmed = services.pledge(aarhus, needs[ECONOMY], Decimal("60000"),
                                "Aarhus' andel fra digitaliseringspuljen.", at=ago(9))
    services.confirm_pledge(aarhus, confirmed, at=ago(6))
    services.pledge(ballerup, needs[ECONOMY], Decimal("40000"), at=ago(3))
    # The quarterly report: Ballerup pays it all, and has been invoiced.
    report = services.pledge(ballerup, needs[REPORT], Decimal("50000"), at=ago(25))
    services.confirm_pledge(ballerup, report, at=ago(22))
    services.invoice_pledge(secretariat, report, at=ago(15))
    # The Kitos import: Ballerup lent the money to start early; Aarhus' invoiced pledge
    # repays part of the loan.
    loan = services.record_loan(secretariat, project, ballerup.organisation,
                                Decimal("100000"), local_date(ago(58)),
                                "Forskud, så Kitos-importen kunne gå i gang før budgetåret.",
                                at=ago(58))
    kitos = services.pledge(aarhus, needs[KITOS], Decimal("30000"), at=ago(30))
    services.confirm_pledge(aarhus, kitos, at=ago(28))
    services.invoice_pledge(secretariat, kitos, at=ago(10))
    services.record_repayment(secretariat, loan, Decimal("30000"), local_date(ago(5)),
                              pledge_=kitos, note="Fra Aarhus' betaling.", at=ago(5))
    return {"estimates": estimates, "pledges": 4, "loans": 1}
