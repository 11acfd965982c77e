"""Turning stored values into what people read: item keys, labels of types and statuses,
history rows in words."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup

from app.backlog import providers
from app.backlog.forms import FIELD_LABELS, STATUS_LABELS, TYPE_LABELS
from app.backlog.queries import users_by_id
from app.backlog.services import format_points
from app.extensions import current_locale
from app.web import bdi, words_by_language


def status_label(status: str) -> str:
    return _status_words(str(current_locale())).get(status, status)


def type_label(item_type: str) -> str:
    return _type_words(str(current_locale())).get(item_type, item_type)


# The lazy labels made into strings once per process and language (an e-mail job writes in
# each recipient's language within one app context).
_status_words = words_by_language(lambda: {key: str(label) for key, label in STATUS_LABELS.items()})
_type_words = words_by_language(lambda: {key: str(label) for key, label in TYPE_LABELS.items()})


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    field: str
    summary: str  # e.g. "Status: Ready → In progress"; Markup when it holds typed values
    note: str = ""
    earlier: str = ""  # an edited or deleted comment's earlier text (Markdown)


def _value(field: str, value, users, sprints=None) -> str | Markup:
    if value in (None, ""):
        return "—"
    if field == "status":
        return status_label(value)
    if field == "type":
        return type_label(value)
    if field == "assignee":
        user = users.get(int(value)) if str(value).isdigit() else None
        return bdi(user.name) if user else _("a former member")
    if field == "is_blocked":
        return _("yes") if value == "yes" else _("no")
    if field == "estimate":
        return _("%(points)s points", points=format_points(float(value)))
    if field == "sprint":
        name = sprints.get(str(value))
        return bdi(name) if name else _("a deleted sprint")
    return bdi(value)  # a title, labels, an epic, a reason: as typed


def history_entries(rows) -> list[HistoryEntry]:
    """History rows in words, with the assignees named in them looked up in one query."""
    users = users_by_id(v for r in rows if r.field == "assignee"
                        for v in (r.old_value, r.new_value) if v)
    sprints = providers.sprints.names(v for r in rows if r.field == "sprint"
                           for v in (r.old_value, r.new_value) if v)
    labels = {field: str(label) for field, label in FIELD_LABELS.items()}
    moved, someone = _("Moved in the ranking"), _("someone")
    entries = []
    for row in rows:
        label = labels.get(row.field, row.field)
        if row.field == "created":
            summary = _("Created as %(type)s", type=type_label(row.new_value).lower())
        elif row.field == "rank":
            summary = moved
        elif row.field == "attachment":
            summary = (_("Attached “%(name)s”", name=row.new_value) if row.new_value
                       else _("Deleted the attached file “%(name)s”", name=row.old_value))
        elif row.field == "archived":
            summary = _("Archived") if row.new_value else _("Restored from the archive")
        elif row.field == "comment":
            summary = _("Edited a comment") if row.new_value else _("Deleted a comment")
        elif row.field in ("description", "acceptance_criteria"):
            summary = _("%(field)s changed", field=label)
        elif row.old_value is None and row.field in ("status", "estimate"):
            summary = Markup("{}: {}").format(label, _value(row.field, row.new_value, users))
        else:
            summary = Markup("{}: {} → {}").format(
                label, _value(row.field, row.old_value, users, sprints),
                _value(row.field, row.new_value, users, sprints))
        entries.append(HistoryEntry(at=row.created_at,
                                    actor=row.actor_name or someone,
                                    field=row.field, summary=summary,
                                    note="" if row.field == "comment" else row.note,
                                    earlier=(row.old_value or "") if row.field == "comment"
                                    else ""))
    return entries


