"""Needs and their discovery notes as containers of attachments: who may see, attach and
delete, by discovery's own rules, and the need's history recording uploads and deletions."""
from flask_babel import lazy_gettext as _l

from app.attachments import Container, register_container
from app.discovery import services
from app.discovery.models import Need, NeedNote
from app.discovery.pages import need_url
from app.discovery.permissions import can_add_discovery_note, can_edit_need
from app.projects.loaders import get_by_id


def _need(project, ident):
    need = get_by_id(Need, ident)
    return need if need is not None and need.project_id == project.id else None


def _note(project, ident):
    note = get_by_id(NeedNote, ident)
    return note if note is not None and note.need.project_id == project.id else None


def _may_attach_to_note(user, note) -> bool:
    """The note's author (while a member), and those who may edit the need."""
    return ((note.author_id == user.id and can_add_discovery_note(user, note.need.project))
            or can_edit_need(user, note.need))


def register() -> None:
    register_container(Container(
        kind="need", label=_l("need"), load=_need,
        # Process diagrams and screenshots: every member takes part in discovery.
        may_attach=lambda user, need: can_add_discovery_note(user, need.project),
        page_url=need_url,
        record=lambda need, actor, action, file: services.record_attachment(
            need, actor, action, file.name)))
    register_container(Container(
        kind="note", label=_l("note"), load=_note,
        may_attach=_may_attach_to_note,
        page_url=lambda note: need_url(note.need, f"note-{note.id}"),
        record=lambda note, actor, action, file: services.record_attachment(
            note.need, actor, action, file.name, on_note=True)))
