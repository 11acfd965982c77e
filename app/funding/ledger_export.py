"""The ledger as CSV for the municipalities' finance departments: one line per pledge, loan and
repayment, by municipality. Amounts are written the Danish way ("12500,00", no thousands
separator) and the file is `;`-separated, so a Danish Excel opens it in columns; the BOM and
the formula guard come from app.web.csv_export."""
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.funding.models import Loan, LoanRepayment, Pledge
from app.funding.services import PLEDGE_STATUS_LABELS


def danish(amount: Decimal) -> str:
    """12500.5 → "12500,50"."""
    return f"{amount:.2f}".replace(".", ",")


def header() -> list[str]:
    return [_("Municipality"), _("Municipality code"), _("Date"), _("Entry"), _("Need"),
            _("Status"), _("Note"), _("Amount (kr.)")]


def rows(project):
    """Each municipality's entries, by municipality and date."""
    lines = []
    for p in db.session.scalars(select(Pledge).where(Pledge.project_id == project.id)
                               .order_by(Pledge.created_at, Pledge.id)):
        lines.append((p.organisation, p.created_at.date(), _("Pledge"),
                      f"#{p.need.number} {p.need.title}",
                      str(PLEDGE_STATUS_LABELS[p.status]), p.note, p.amount))
    for loan in db.session.scalars(select(Loan).where(Loan.project_id == project.id)
                                   .order_by(Loan.id)):
        lines.append((loan.organisation, loan.lent_on, _("Loan"), "", "", loan.note,
                      loan.amount))
    for r in db.session.scalars(select(LoanRepayment).join(Loan).where(
            Loan.project_id == project.id).order_by(LoanRepayment.id)):
        need = f"#{r.pledge.need.number} {r.pledge.need.title}" if r.pledge else ""
        lines.append((r.loan.organisation, r.repaid_on, _("Repayment"), need, "", r.note,
                      r.amount))
    lines.sort(key=lambda line: (line[0].name, line[1]))
    for org, day, entry, need, status, note, amount in lines:
        yield [org.name, org.municipality_code, day, entry, need, status, note, danish(amount)]
