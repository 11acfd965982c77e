"""What search finds of requirement discovery: needs (every text of them) and the notes of
their discovery log, shown with the need's number and status."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.discovery.models import Need, NeedNote
from app.discovery.services import STATUS_LABELS
from app.search import IndexedTable, SearchKind, register_kind

NEED_INDEX = IndexedTable("need", "title", (
    "background", "desired_outcome", "expected_value", "assumptions", "risks", "out_of_scope",
    "status_rationale", "escalation_reason"))
NOTE_INDEX = IndexedTable("need_note", None, ("body",))


def _need_url(hit, **anchor) -> str:
    return url_for("discovery.show", key=hit.project.key, number=hit.number, **anchor)


def _reference(hit) -> str:
    return f"#{hit.number}"


def _statuses() -> dict:
    return dict(STATUS_LABELS)


def register() -> None:
    """Make needs and discovery notes searchable."""
    needs = Need.__table__
    register_kind(SearchKind(
        name="need", label=_l("Need"), index=NEED_INDEX, source=needs,
        project_id=needs.c.project_id, number=needs.c.number, title=needs.c.title,
        status=needs.c.status, statuses=_statuses, link=_need_url, reference=_reference,
        archived_at=needs.c.archived_at, order=30))
    register_kind(SearchKind(
        name="note", label=_l("Discovery note"), index=NOTE_INDEX, source=NeedNote.__table__,
        joins=((needs, needs.c.id == NeedNote.__table__.c.need_id),),
        project_id=needs.c.project_id, number=needs.c.number, title=needs.c.title,
        status=needs.c.status, statuses=_statuses, reference=_reference, order=40,
        archived_at=needs.c.archived_at,
        link=lambda hit: _need_url(hit, _anchor="discovery-log")))
