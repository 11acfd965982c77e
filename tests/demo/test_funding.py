"""The demo's funding in OVB: this year's budget, estimates with a history, pledges by two
municipalities, a loan repaid in part, and an approved need still short of money."""
from decimal import Decimal

from sqlalchemy import select

from app.demo.seed import seed_all
from app.extensions import db
from app.funding import services
from app.projects.models import Project


def test_the_demo_has_budget_estimates_pledges_a_loan_and_a_gap(app):
    seed_all()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    ledger = {line.organisation.name: line for line in services.ledger(ovb)}
    assert ledger["Aarhus Kommune"].pledged == Decimal("90000.00")
    assert ledger["Ballerup Kommune"].invoiced == Decimal("50000.00")
    assert (ledger["Ballerup Kommune"].lent, ledger["Ballerup Kommune"].repaid) == (
        Decimal("100000.00"), Decimal("30000.00"))
    gaps = {need.title.split(":")[0]: (need, f) for need, f in services.funding_gaps(ovb)}
    assert set(gaps) == {"Økonomioverblik", "Import af systemer og kontrakter fra Kitos"}
    need, funding = gaps["Økonomioverblik"]
    assert funding.gap == Decimal("90000.00") and funding.needs_crowdfunding
    assert len(services.estimates_of(need)) == 2
    assert services.remaining_budget(ovb, funding.estimate.created_at.year) is not None
