"""The needs list as a CSV file: every need the list shows under the same filters and sort."""
from collections.abc import Iterator

from flask_babel import gettext as _

from app.discovery import queries, services
from app.extensions import db

BATCH = 500


def header() -> list[str]:
    return [_("No."), _("Need"), _("Status"), _("Submitted by"), _("Co-sponsors"),
            _("Linked items"), _("Done items"), _("Escalated"), _("Submitted"), _("Updated")]


def rows(project, filters: queries.NeedFilters, my_organisation_id) -> Iterator[list]:
    """The rows of the list's own query (without its paging), fetched in batches."""
    stmt = queries.needs_query(project, filters, my_organisation_id)
    result = db.session.execute(stmt.execution_options(yield_per=BATCH))
    for need, organisation, cosponsors, items, done, *_evaluation in result:
        yield [need.number, need.title, str(services.STATUS_LABELS.get(need.status, need.status)),
               organisation, cosponsors, items, done, need.is_escalated, need.created_at,
               need.updated_at]
