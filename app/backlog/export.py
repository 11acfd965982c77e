"""The backlog as a CSV file: the rows the page shows under the same filters, in rank order."""
from collections.abc import Iterator

from flask_babel import gettext as _

from app.backlog import queries
from app.backlog.display import status_label, type_label
from app.backlog.models import item_key
from app.backlog.queries import BacklogFilters

BATCH = 500


def header() -> list[str]:
    return [_("Rank"), _("Key"), _("Title"), _("Type"), _("Status"), _("Points"),
            _("Assignee"), _("Epic"), _("Labels"), _("Blocked"), _("Created")]


def rows(project, filters: BacklogFilters, user) -> Iterator[list]:
    """Every item matching the filters, read a batch at a time through the page's own query
    (keyset by rank), so the filters are the page's and memory stays flat."""
    position, after = 0, None
    while True:
        items, after = queries.backlog_page(project, filters, user, after, limit=BATCH)
        for item in items:
            position += 1
            yield [position, item_key(project.key, item.number), item.title,
                   type_label(item.type), status_label(item.status), item.estimate,
                   item.assignee.name if item.assignee else "",
                   item_key(project.key, item.parent.number) if item.parent else "",
                   ", ".join(sorted(label.name for label in item.labels)),
                   item.is_blocked, item.created_at]
        if after is None:
            return
