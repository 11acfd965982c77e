"""The benefit report as a CSV file: one line per follow-up of each delivered need."""
from collections.abc import Iterator

from flask_babel import gettext as _

from app.clock import local_date
from app.value.forms import RATING_LABELS
from app.value.queries import Report


def header() -> list[str]:
    return [_("Need"), _("Title"), _("Expected value"), _("Delivered"), _("Municipality"),
            _("Role"), _("Months after delivery"), _("Due"), _("Answered"), _("Rating"),
            _("Realised value"), _("Measured figure"), _("Unit")]


def rows(report: Report) -> Iterator[list]:
    """Each municipality's follow-ups of each delivered need; a municipality with none
    scheduled (a need delivered before follow-ups existed) gets one line without them."""
    for entry in report.needs:
        need = entry.need
        head = [f"#{need.number}", need.title, need.expected_value or need.desired_outcome,
                local_date(need.delivered_at) if need.delivered_at else ""]
        for row in entry.rows:
            role = _("Submitter") if row.is_submitter else _("Co-sponsor")
            if not row.follow_ups:
                yield [*head, row.organisation.name, role, "", "", "", "", "", "", ""]
            for months, f in sorted(row.follow_ups.items()):
                yield [*head, row.organisation.name, role, months, f.due_on,
                       local_date(f.answered_at) if f.answered_at else "",
                       str(RATING_LABELS[f.rating]) if f.rating else "", f.realised_value,
                       float(f.measured_value) if f.measured_value is not None else "",
                       f.measured_unit]

