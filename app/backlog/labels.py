"""The project's labels as a whole: renaming, merging one into another, deleting. Each item
whose labels change gets a history row (labels as a comma-separated list, as everywhere), and
the audit log records the change."""
from collections.abc import Callable

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit.labels import register_actions
from app.audit.services import record
from app.backlog.changes import bump_counter, record_change
from app.backlog.models import MAX_LABEL, Item, Label, item_label
from app.database import parse_id, utcnow
from app.extensions import db
from app.services import RuleViolation

register_actions({
    "label.renamed": _l("Label renamed"),
    "label.merged": _l("Labels merged"),
    "label.deleted": _l("Label deleted"),
})


def label_counts(project) -> list[tuple[Label, int]]:
    """The project's labels by name, each with how many items carry it (one statement)."""
    count = (select(func.count(item_label.c.item_id)).where(item_label.c.label_id == Label.id)
             .scalar_subquery())
    return [(label, n) for label, n in db.session.execute(
        select(Label, count).where(Label.project_id == project.id)
        .order_by(Label.name, Label.id))]


def label_or_404(project, label_id: int) -> Label:
    """The project's label with this id; 404 for none (or another project's)."""
    label = get_label(project, label_id)
    if label is None:
        abort(404)
    return label


def get_label(project, label_id) -> Label | None:
    """The project's label with this id, else None (a label of another project is none)."""
    label_id = parse_id(label_id)
    label = db.session.get(Label, label_id) if label_id else None
    return label if label is not None and label.project_id == project.id else None


def clean_name(project, raw, label: Label | None = None) -> str:
    """A label name: spaces collapsed, 1–MAX_LABEL characters, unique in the project (case
    ignored); `label` is the one being renamed."""
    name = " ".join(str(raw or "").split())
    if not name:
        raise RuleViolation(_("The label needs a name."), "name")
    if len(name) > MAX_LABEL:
        raise RuleViolation(_("A label can have at most %(n)d characters.", n=MAX_LABEL), "name")
    if "," in name:
        raise RuleViolation(_("A label name cannot contain a comma."), "name")
    clash = db.session.scalar(select(Label).where(
        Label.project_id == project.id, func.lower(Label.name) == name.lower()))
    if clash is not None and clash is not label:
        raise RuleViolation(_("The project already has a label “%(name)s”; merge into it "
                              "instead.", name=clash.name), "name")
    return name


def _items_with(label: Label) -> list[Item]:
    return list(db.session.scalars(
        select(Item).join(item_label, item_label.c.item_id == Item.id)
        .where(item_label.c.label_id == label.id).order_by(Item.number)))


def _names(item: Item) -> str | None:
    return ", ".join(sorted((x.name for x in item.labels), key=str.casefold)) or None


def _relabel(items, actor, change: Callable) -> None:
    """Apply `change(item)` to each item (or, with no argument, once to the label itself) and
    write a history row for each item whose labels read differently afterwards."""
    before = {item.id: _names(item) for item in items}
    for item in items:
        change(item)
    at, number = utcnow(), None
    for item in items:
        after = _names(item)
        if before[item.id] != after:
            number = number or bump_counter(item.project_id)[1]
            record_change(item, "labels", before[item.id], after, actor, number, at)
            item.updated_at = at


def rename_label(project, label: Label, actor, raw_name) -> bool:
    """Rename the label everywhere it is used; False when the name is unchanged."""
    name = clean_name(project, raw_name, label)
    if name == label.name:
        return False
    old = label.name
    items = _items_with(label)
    _relabel(items, actor, lambda item: setattr(label, "name", name))
    label.name = name
    record("label.renamed", project=project, target=label, target_label=name, actor=actor,
           old=old, new=name, items=len(items) or None)
    db.session.flush()
    return True


def merge_label(project, label: Label, actor, into_id) -> int:
    """Merge `label` into another: its items carry the other one, and it is removed.
    Returns how many items carried it."""
    into = get_label(project, into_id)
    if into is None:
        raise RuleViolation(_("Choose a label of this project to merge into."), "into")
    if into.id == label.id:
        raise RuleViolation(_("A label cannot be merged into itself."), "into")
    items = _items_with(label)

    def swap(item):
        kept = [x for x in item.labels if x.id != label.id]
        item.labels = kept if into in kept else [*kept, into]
    _relabel(items, actor, swap)
    record("label.merged", project=project, target=into, target_label=into.name, actor=actor,
           old=label.name, new=into.name, items=len(items) or None)
    db.session.delete(label)
    db.session.flush()
    return len(items)


def delete_label(project, label: Label, actor) -> int:
    """Remove the label from every item and delete it; returns how many items carried it."""
    items = _items_with(label)
    _relabel(items, actor, lambda item: setattr(
        item, "labels", [x for x in item.labels if x.id != label.id]))
    record("label.deleted", project=project, target=label, target_label=label.name, actor=actor,
           items=len(items) or None)
    db.session.delete(label)
    db.session.flush()
    return len(items)
