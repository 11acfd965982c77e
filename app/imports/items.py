"""Items from Jira or GitHub: how each row becomes a backlog item (the plan the preview shows),
and the import itself through the backlog's services, in one transaction.

Statuses and types are mapped by their names in the file; known names have a default, and a
status nobody has mapped stops the import until someone does. Assignees are matched to the
project's members by e-mail or name; nobody else is assigned. A row whose key is already on
an item of the project (an earlier import of the same file) is skipped.
"""
import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.audit.services import record
from app.backlog import services as backlog
from app.backlog.models import (MAX_LABEL, MAX_TEXT, MAX_TITLE, STATUSES, Item, ItemType,
                                Status)
from app.extensions import db
from app.imports.sources import GITHUB, JIRA, Source, SourceRow
from app.projects.models import Membership, Project
from app.services import RuleViolation, clean_text

PREVIEW_ROWS = 10
MAX_LABELS = backlog.MAX_LABELS_PER_ITEM

# Defaults for the names tools use (case-folded); anything else must be mapped by a person.
STATUS_GUESSES = {
    "backlog": Status.BACKLOG, "open": Status.BACKLOG, "new": Status.BACKLOG,
    "to do": Status.BACKLOG, "todo": Status.BACKLOG, "reopened": Status.BACKLOG,
    "selected for development": Status.READY, "ready": Status.READY,
    "ready for development": Status.READY,
    "in progress": Status.IN_PROGRESS, "in development": Status.IN_PROGRESS,
    "doing": Status.IN_PROGRESS,
    "in review": Status.REVIEW, "review": Status.REVIEW, "code review": Status.REVIEW,
    "acceptance": Status.ACCEPTANCE, "in test": Status.ACCEPTANCE, "testing": Status.ACCEPTANCE,
    "uat": Status.ACCEPTANCE,
    "done": Status.DONE, "closed": Status.DONE, "resolved": Status.DONE,
}
TYPE_GUESSES = {
    "story": ItemType.STORY, "user story": ItemType.STORY, "new feature": ItemType.STORY,
    "improvement": ItemType.STORY, "issue": ItemType.STORY,
    "bug": ItemType.BUG, "defect": ItemType.BUG,
    "task": ItemType.TASK, "sub-task": ItemType.TASK, "subtask": ItemType.TASK,
    "epic": ItemType.EPIC,
}


@dataclass
class PlannedItem:
    """A row as it will become an item, or why it will not."""

    row: SourceRow
    title: str = ""
    type: str = ItemType.STORY
    status: str = ""
    description: str = ""
    estimate: float | None = None
    assignee: User | None = None
    labels: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the row cannot be imported
    notes: list[str] = field(default_factory=list)  # imported, but not quite as it was
    skipped: bool = False  # already in the project (or twice in the file)


@dataclass
class ItemPlan:
    source: str
    rows: list[PlannedItem]
    statuses: list[str]  # the file's status names, in the order they first appear
    types: list[str]
    status_map: dict[str, str]
    type_map: dict[str, str]
    pull_requests: int = 0

    @property
    def unmapped_statuses(self) -> list[str]:
        return [name for name in self.statuses if not self.status_map.get(name)]

    @property
    def importable(self) -> list[PlannedItem]:
        return [p for p in self.rows if not p.skipped and not p.problems]

    @property
    def refused(self) -> list[PlannedItem]:
        return [p for p in self.rows if not p.skipped and p.problems]

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.rows if p.skipped)

    @property
    def unmatched_assignees(self) -> list[str]:
        names = {p.row.assignee[0] for p in self.rows
                 if p.row.assignee and p.assignee is None and not p.skipped}
        return sorted(names, key=str.casefold)

    @property
    def preview(self) -> list[PlannedItem]:
        return [p for p in self.rows if not p.skipped][:PREVIEW_ROWS]


def _distinct(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def mapping_from(names: list[str], guesses: dict, allowed, form, prefix: str) -> dict[str, str]:
    """name → Samspil value: the form's choice (`<prefix>-<position>`) where it names an
    allowed value, else the guess for the name, else "" (unmapped)."""
    mapping = {}
    for position, name in enumerate(names):
        chosen = (form or {}).get(f"{prefix}-{position}", None)
        if chosen is not None and (chosen in allowed or chosen == ""):
            mapping[name] = chosen
        else:
            mapping[name] = str(guesses.get(name.casefold(), ""))
    return mapping


def _members(project: Project) -> dict[str, User]:
    """The project's active members by case-folded e-mail and name."""
    people = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.project_id == project.id,
                                       User.is_active.is_(True)).order_by(User.id))
    index: dict[str, User] = {}
    for user in people:
        index.setdefault(user.email.casefold(), user)
        index.setdefault(user.name.casefold(), user)
    return index


def _estimate(value: str, planned: PlannedItem) -> float | None:
    if not value:
        return None
    try:
        points = float(value.replace(",", "."))
    except ValueError:
        points = math.nan
    if not math.isfinite(points) or points < 0 or points > backlog.MAX_ESTIMATE:
        planned.notes.append(_("The estimate \u201c%(value)s\u201d is left out.", value=value))
        return None
    rounded = round(points * 2) / 2
    if rounded != points:
        planned.notes.append(_("The estimate %(value)s is rounded to %(points)s.",
                               value=value, points=backlog.format_points(rounded)))
    return rounded


def _labels(names: list[str], planned: PlannedItem) -> list[str]:
    labels: dict[str, str] = {}
    for name in names:
        name = " ".join(name.replace(",", " ").split())[:MAX_LABEL]
        if name:
            labels.setdefault(name.casefold(), name)
    if len(labels) > MAX_LABELS:
        planned.notes.append(_("Only the first %(n)d labels are kept.", n=MAX_LABELS))
    return list(labels.values())[:MAX_LABELS]


def _plan_row(row: SourceRow, plan: ItemPlan, members: dict[str, User]) -> PlannedItem:
    planned = PlannedItem(row=row, type=plan.type_map.get(row.type) or ItemType.STORY,
                          status=plan.status_map.get(row.status, ""))
    planned.title = " ".join(clean_text(row.title).split())
    if not planned.title:
        planned.problems.append(_("The row has no title."))
    elif len(planned.title) > MAX_TITLE:
        planned.title = planned.title[:MAX_TITLE - 1] + "…"
        planned.notes.append(_("The title is shortened to %(n)d characters.", n=MAX_TITLE))
    if not row.key:
        planned.problems.append(_("The row has no key."))
    if not row.status:
        planned.problems.append(_("The row has no status."))
    planned.description = clean_text(row.description)
    if len(planned.description) > MAX_TEXT:
        planned.description = planned.description[:MAX_TEXT - 1] + "…"
        planned.notes.append(_("The description is shortened to %(n)d characters.", n=MAX_TEXT))
    planned.estimate = _estimate(row.estimate, planned)
    planned.labels = _labels(row.labels, planned)
    planned.assignee = next((members[n.casefold()] for n in row.assignee
                             if n.casefold() in members), None)
    return planned


def plan_items(project: Project, source_name: str, source: Source, form=None) -> ItemPlan:
    """How every row of the file becomes an item, with the status and type mappings chosen in
    `form` (the preview's selects) or guessed."""
    statuses = _distinct(row.status for row in source.rows if row.status)
    types = _distinct(row.type for row in source.rows if row.type)
    plan = ItemPlan(
        source=source_name, rows=[], statuses=statuses, types=types,
        status_map=mapping_from(statuses, STATUS_GUESSES, STATUSES, form, "status"),
        type_map=mapping_from(types, TYPE_GUESSES, {t.value for t in ItemType}, form, "type"),
        pull_requests=source.pull_requests)
    members = _members(project)
    known = backlog.external_keys(project)
    for row in source.rows:
        planned = _plan_row(row, plan, members)
        if row.key and row.key in known:
            planned.skipped = True
        known.add(row.key)
        plan.rows.append(planned)
    return plan


def import_items(project: Project, actor, plan: ItemPlan, skip_refused: bool = False,
                 filename: str = "") -> list[Item]:
    """Create the plan's items at the bottom of the backlog, in the file's order, through the
    backlog's services; epics named as parents in the file are linked. Refused (nothing is
    written) while a status is unmapped, or rows cannot be imported and are not to be skipped."""
    if plan.unmapped_statuses:
        raise RuleViolation(_("Choose what the statuses %(names)s become before importing.",
                              names=", ".join(f"\u201c{n}\u201d" for n in
                                              plan.unmapped_statuses)), "status")
    if plan.refused and not skip_refused:
        raise RuleViolation(_("%(n)d rows cannot be imported. Correct the file, or choose to "
                              "skip them.", n=len(plan.refused)), "skip_refused")
    if not plan.importable:
        raise RuleViolation(_("There is nothing new to import: every row is already in the "
                              "project."), "file", status=409)
    try:
        created = _create(project, actor, plan)
    except IntegrityError:
        # Another import of the same rows committed first (the key is one per project).
        raise RuleViolation(_("Someone imported these rows meanwhile; look at the preview "
                              "again."), "file", status=409) from None
    record("items.imported", project=project, actor=actor, target_label=filename,
           source=SOURCE_NAMES.get(plan.source, plan.source), count=len(created),
           skipped=plan.skipped or None,
           left_out=len(plan.refused) or None)
    return created


def _create(project: Project, actor, plan: ItemPlan) -> list[Item]:
    epics = _existing_epics(project, plan)
    created, later = [], []
    for planned in plan.importable:
        parent = epics.get(planned.row.parent)
        item = backlog.create_item(
            project, actor, planned.title, planned.type, "bottom", planned.estimate,
            planned.description, assignee_id=planned.assignee.id if planned.assignee else None,
            parent_id=parent.id if parent and planned.type != ItemType.EPIC else None,
            labels=planned.labels, status=planned.status, external_key=planned.row.key,
            external_url=planned.row.url, quiet=True)
        if item.is_epic:
            epics[planned.row.key] = item
        elif planned.row.parent and parent is None:
            later.append((item, planned.row.parent))
        created.append(item)
    for item, parent_key in later:  # an epic further down the file than its items
        epic = epics.get(parent_key)
        if epic is not None:
            backlog.update_item(item, actor, {"parent": epic.id})
    return created


def _existing_epics(project: Project, plan: ItemPlan) -> dict[str, Item]:
    parents = {p.row.parent for p in plan.importable if p.row.parent}
    if not parents:
        return {}
    return {item.external_key: item for item in db.session.scalars(select(Item).where(
        Item.project_id == project.id, Item.type == ItemType.EPIC,
        Item.external_key.in_(sorted(parents))))}


SOURCE_NAMES = {JIRA: "Jira", GITHUB: "GitHub"}
