"""What search finds of the decision log: decisions (title and text); they have no status."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.decisions.models import Decision
from app.search import IndexedTable, SearchKind, register_kind

DECISION_INDEX = IndexedTable("decision", "title", ("text",))


def register() -> None:
    """Make decisions searchable."""
    decisions = Decision.__table__
    register_kind(SearchKind(
        name="decision", label=_l("Decision"), index=DECISION_INDEX, source=decisions,
        project_id=decisions.c.project_id, number=decisions.c.id, title=decisions.c.title,
        status=None, reference=lambda hit: "", order=50,
        link=lambda hit: url_for("decisions.show", key=hit.project.key, decision_id=hit.ref_id)))
