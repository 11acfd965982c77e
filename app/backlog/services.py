"""The backlog's rules: numbering, creating and editing items, ranking, labels, comments and
the field-by-field history (written through `app.backlog.changes`). Every function flushes and
never commits."""
import math
from datetime import datetime

from blinker import Namespace
from flask_babel import gettext as _
from fractional_indexing import FIError, generate_key_between
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.backlog import notify
from app.backlog.changes import bump_counter, record_change
from app.backlog.models import (MAX_EXTERNAL_KEY, MAX_EXTERNAL_URL, MAX_LABEL, MAX_REASON,
                                MAX_TEXT, MAX_TITLE, RANK_LENGTH, Comment, Item, ItemType, Label,
                                Status)
from app.database import parse_id, utcnow
from app.events import publish
from app.idempotency import services as idempotency
from app.extensions import db
from app.projects.models import Membership, Project
from app.services import RuleViolation, StaleVersion, clean_text

MAX_ESTIMATE = 999
MAX_LABELS_PER_ITEM = 10

signals = Namespace()
# Sent after an item's status changed (sender: the item; old, new, actor as keyword
# arguments). The discovery area listens to deliver needs whose items are all done.
item_status_changed = signals.signal("item-status-changed")


class StaleItem(StaleVersion):
    """The item changed since the client saw it; nothing was written."""

    def __init__(self, item: Item):
        super().__init__(_("Someone else changed this item meanwhile."))
        self.item = item


# Sent after items changed in a way other areas follow (sprint, status, acceptance), with
# `items` (a list) as keyword argument. Whoever changes an item's sprint calls
# `items_changed_now(items)`; the discovery area listens to plan and deliver needs.
items_changed = signals.signal("items-changed")


def items_changed_now(items) -> None:
    """Tell the listeners (discovery) that these items' sprint, status or acceptance changed."""
    items = [item for item in items if item is not None]
    if items:
        items_changed.send(None, items=items)


def format_points(value: float | None) -> str:
    """3.0 → "3", 2.5 → "2.5", None → ""."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_estimate(value) -> float | None:
    """Story points from a form: empty for none, else a non-negative multiple of ½."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", ".")
    try:
        points = float(text)
    except ValueError:
        raise RuleViolation(_("The estimate must be a number of story points, e.g. 3 or 2.5."),
                            "estimate") from None
    if not math.isfinite(points) or points < 0 or points > MAX_ESTIMATE:
        raise RuleViolation(_("The estimate must be between 0 and %(max)d points.",
                              max=MAX_ESTIMATE), "estimate")
    if not (points * 2).is_integer():
        raise RuleViolation(_("Estimate in whole or half points."), "estimate")
    return points


def clean_title(title) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise RuleViolation(_("The item needs a title."), "title")
    if len(title) > MAX_TITLE:
        raise RuleViolation(_("The title can have at most %(n)d characters.", n=MAX_TITLE), "title")
    return title


def check_type(value) -> str:
    if value not in set(ItemType):
        raise RuleViolation(_("Unknown item type."), "type")
    return str(value)


def check_status(value) -> str:
    if value not in set(Status):
        raise RuleViolation(_("Unknown status."), "status")
    return str(value)


def check_version(item: Item, expected_version, required: bool = False) -> None:
    """Refuse with 409 when the client saw an older version of the item. A change a person
    asks for through a page is `required` to say which version they saw (400 without one):
    otherwise of twenty people moving the same card at once, several would "win". Jobs, the
    demo data and tests that act on the item as it is now leave it off."""
    if expected_version in (None, ""):
        if required:
            raise RuleViolation(_("The page did not say which version of the item you saw; "
                                  "reload it and try again."), "version", status=400)
        return
    expected = parse_id(expected_version)
    if expected is None:
        raise RuleViolation(_("Invalid version."), "version", status=400)
    if expected != item.version_id:
        raise StaleItem(item)


def project_member(project: Project, user_id, current_id: int | None = None) -> User | None:
    """The user with this id if they are a member of the project, else RuleViolation. A
    deactivated account is refused, unless it is `current_id` (the assignee kept as is)."""
    if user_id in (None, "", 0, "0"):
        return None
    user_id = parse_id(user_id)
    if user_id is None:
        raise RuleViolation(_("Choose a member of the project."), "assignee")
    user = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id, User.id == user_id))
    if user is None:
        raise RuleViolation(_("The assignee must be a member of the project."), "assignee")
    if not user.is_active and user.id != current_id:
        raise RuleViolation(_("%(name)s's account is deactivated; choose someone else.",
                              name=user.name), "assignee")
    return user


def project_epic(project: Project, epic_id, item: Item | None = None) -> Item | None:
    """The epic with this id in the project, else RuleViolation."""
    if epic_id in (None, "", 0, "0"):
        return None
    epic_id = parse_id(epic_id)
    if epic_id is None:
        raise RuleViolation(_("Choose an epic of this project."), "parent")
    epic = db.session.get(Item, epic_id)
    if epic is None or epic.project_id != project.id or not epic.is_epic:
        raise RuleViolation(_("The parent must be an epic of this project."), "parent")
    if item is not None and (epic.id == item.id or item.is_epic):
        raise RuleViolation(_("An epic cannot belong to an epic."), "parent")
    return epic


def labels_from_names(project: Project, names) -> list[Label]:
    """The project's labels with these names, creating the missing ones."""
    if isinstance(names, str):
        names = names.split(",")
    wanted: dict[str, str] = {}
    for name in names or ():
        name = " ".join(str(name).split())
        if not name:
            continue
        if len(name) > MAX_LABEL:
            raise RuleViolation(_("A label can have at most %(n)d characters.", n=MAX_LABEL),
                                "labels")
        wanted.setdefault(name.casefold(), name)
    if len(wanted) > MAX_LABELS_PER_ITEM:
        raise RuleViolation(_("An item can have at most %(n)d labels.", n=MAX_LABELS_PER_ITEM),
                            "labels")
    if not wanted:
        return []
    existing = {label.name.casefold(): label for label in db.session.scalars(
        select(Label).where(Label.project_id == project.id))}
    labels = []
    for folded, name in wanted.items():
        label = existing.get(folded)
        if label is None:
            label = Label(project_id=project.id, name=name)
            db.session.add(label)
        labels.append(label)
    return sorted(labels, key=lambda label: label.name.casefold())


def clean_external(key, url) -> tuple[str | None, str | None]:
    """An imported item's key and address in the tool it came from. The key is one per
    project; the address is shown as a link, so only http(s) addresses are kept."""
    key = " ".join((key or "").split())[:MAX_EXTERNAL_KEY] or None
    url = (url or "").strip()
    safe = (url.lower().startswith(("https://", "http://")) and len(url) <= MAX_EXTERNAL_URL
            and not any(c.isspace() or c in '<>"' for c in url))
    return key, (url if key and safe else None)


def external_keys(project: Project) -> set[str]:
    """The keys of the items imported into the project so far (see `clean_external`)."""
    return set(db.session.scalars(select(Item.external_key).where(
        Item.project_id == project.id, Item.external_key.is_not(None))))


def create_item_once(idempotency_key: str | None, project: Project, actor, *args,
                     **kwargs) -> Item:
    """`create_item`, made at most once per idempotency key of the form (a form sent again
    after a connection error answers with the item its first sending made)."""
    def load(item_id: int) -> Item | None:
        item = db.session.get(Item, item_id)
        return item if item is not None and item.project_id == project.id else None

    return idempotency.once(actor, idempotency_key, "backlog.item",
                            lambda: create_item(project, actor, *args, **kwargs), load)


def create_item(project: Project, actor, title: str, type: str = ItemType.STORY,
                position: str = "bottom", estimate=None, description: str = "",
                acceptance_criteria: str = "", assignee_id=None, parent_id=None,
                labels=(), status: str = Status.BACKLOG, at: datetime | None = None,
                external_key: str | None = None, external_url: str | None = None,
                quiet: bool = False) -> Item:
    """Create an item at the top or bottom of the backlog. Its creation is recorded in the
    history, status and estimate included, so burndowns can be computed from history alone.
    An imported item keeps its key and address in the tool it came from (`external_*`); an
    import creates items `quiet`ly: thousands at once tell nobody of each one (no
    notifications, mentions or watching)."""
    at = at or utcnow()
    title = clean_title(title)
    external_key, external_url = clean_external(external_key, external_url)
    type = check_type(type)
    status = check_status(status)
    points = parse_estimate(estimate)
    description = clean_text(description, "description", MAX_TEXT)
    acceptance_criteria = clean_text(acceptance_criteria, "acceptance_criteria", MAX_TEXT)
    assignee = project_member(project, assignee_id)
    parent = project_epic(project, parent_id)
    if parent is not None and type == ItemType.EPIC:
        raise RuleViolation(_("An epic cannot belong to an epic."), "parent")
    label_rows = labels_from_names(project, labels)
    if position not in ("top", "bottom"):
        raise RuleViolation(_("Create at the top or the bottom."), "position")
    number, change = bump_counter(project.id, new_item=True)
    lo, hi = (None, _edge_rank(project.id, first=True)) if position == "top" \
        else (_edge_rank(project.id, first=False), None)
    item = Item(project_id=project.id, number=number, type=type, title=title,
                description=description, acceptance_criteria=acceptance_criteria,
                estimate=points, status=status, rank=generate_key_between(lo, hi),
                assignee=assignee, parent=parent, labels=label_rows, created_by=actor,
                external_key=external_key, external_url=external_url,
                created_at=at, updated_at=at)
    db.session.add(item)
    record_change(item, "created", None, type, actor, change, at)
    record_change(item, "status", None, status, actor, change, at)
    if points is not None:
        record_change(item, "estimate", None, format_points(points), actor, change, at)
    db.session.flush()
    if not quiet:  # an import tells nobody, webhooks included
        notify.created(item, actor)
        publish("item.created", project, actor, item, at=at)
    return item


EDITABLE = ("title", "type", "description", "acceptance_criteria", "estimate", "assignee",
            "parent", "labels", "is_blocked", "blocked_reason")


def _clean_changes(item: Item, changes: dict) -> dict:
    """Validate the requested changes; returns {field: (history old, history new, apply)}."""
    project = item.project
    out = {}
    for field, value in changes.items():
        if field == "title":
            new = clean_title(value)
            out[field] = (item.title, new, lambda v=new: setattr(item, "title", v))
        elif field == "type":
            new = check_type(value)
            if new == ItemType.EPIC and item.parent_id:
                raise RuleViolation(_("An epic cannot belong to an epic."), "type")
            if item.is_epic and new != ItemType.EPIC and item.children:
                raise RuleViolation(_("This epic still has items; move them out first."), "type")
            out[field] = (item.type, new, lambda v=new: setattr(item, "type", v))
        elif field in ("description", "acceptance_criteria"):
            new = clean_text(value, field, MAX_TEXT)
            out[field] = (getattr(item, field), new, lambda f=field, v=new: setattr(item, f, v))
        elif field == "estimate":
            new = parse_estimate(value)
            out[field] = (format_points(item.estimate) or None, format_points(new) or None,
                          lambda v=new: setattr(item, "estimate", v))
        elif field == "assignee":
            user = project_member(project, value, item.assignee_id)
            out[field] = (item.assignee_id, user.id if user else None,
                          lambda u=user: setattr(item, "assignee", u))
        elif field == "parent":
            epic = project_epic(project, value, item)
            out[field] = (item.parent.key_in(project.key) if item.parent else None,
                          epic.key_in(project.key) if epic else None,
                          lambda e=epic: setattr(item, "parent", e))
        elif field == "labels":
            rows = labels_from_names(project, value)
            out[field] = (", ".join(label.name for label in item.labels) or None,
                          ", ".join(label.name for label in rows) or None,
                          lambda r=rows: setattr(item, "labels", r))
        elif field == "is_blocked":
            new = bool(value) and value not in ("0", "false", "n")
            out[field] = ("yes" if item.is_blocked else "no", "yes" if new else "no",
                          lambda v=new: setattr(item, "is_blocked", v))
        elif field == "blocked_reason":
            new = clean_text(value, field, MAX_REASON)
            out[field] = (item.blocked_reason or None, new or None,
                          lambda v=new: setattr(item, "blocked_reason", v))
        else:
            raise RuleViolation(_("This field cannot be changed here."), status=400)
    return out


def update_item(item: Item, actor, changes: dict, expected_version=None,
                at: datetime | None = None) -> list[str]:
    """Change some of the item's fields (see EDITABLE); returns the fields that changed.
    A field left as it was writes nothing; a stale version raises StaleItem (409)."""
    check_version(item, expected_version)
    cleaned = _clean_changes(item, changes)
    if "is_blocked" in cleaned and cleaned["is_blocked"][1] == "no":
        # Unblocking forgets the reason.
        cleaned["blocked_reason"] = (item.blocked_reason or None, None,
                                     lambda: setattr(item, "blocked_reason", ""))
    changed = {f: c for f, c in cleaned.items() if c[0] != c[1]}
    if not changed:
        return []
    if "is_blocked" in changed and changed["is_blocked"][1] == "yes":
        reason = cleaned.get("blocked_reason", (None, item.blocked_reason or None))[1]
        if not reason:
            raise RuleViolation(_("Say what blocks the item."), "blocked_reason")
    at = at or utcnow()
    change = bump_counter(item.project_id)[1]
    old_texts = (item.description, item.acceptance_criteria)
    for field, (old, new, apply) in changed.items():
        apply()
        if field in ("description", "acceptance_criteria"):
            old, new = None, None  # long texts: the row says that it changed, not how
        record_change(item, field, old, new, actor, change, at)
    item.updated_at = at
    db.session.flush()
    _notify_changes(item, actor, changed, old_texts)
    publish("item.updated", item.project, actor, item, at=at,
            changes={field: (old, new) for field, (old, new, _apply) in changed.items()})
    return list(changed)


def _notify_changes(item: Item, actor, changed: dict, old_texts) -> None:
    if "assignee" in changed and item.assignee_id:
        notify.assigned(item, actor)
    if "is_blocked" in changed and item.is_blocked:
        notify.blocked(item, actor)
    if "description" in changed or "acceptance_criteria" in changed:
        notify.texts_saved(item, actor, old_texts, (item.description, item.acceptance_criteria))


def _edge_rank(project_id: int, first: bool, exclude_id: int | None = None) -> str | None:
    stmt = select(func.min(Item.rank) if first else func.max(Item.rank)).where(
        Item.project_id == project_id)
    if exclude_id is not None:
        stmt = stmt.where(Item.id != exclude_id)
    return db.session.scalar(stmt)


def _rank_after(project_id: int, rank: str, exclude_id: int) -> str | None:
    """The next rank after `rank` in the project (the moved item left out)."""
    return db.session.scalar(select(func.min(Item.rank)).where(
        Item.project_id == project_id, Item.rank > rank, Item.id != exclude_id))


def _rank_before(project_id: int, rank: str, exclude_id: int) -> str | None:
    return db.session.scalar(select(func.max(Item.rank)).where(
        Item.project_id == project_id, Item.rank < rank, Item.id != exclude_id))


def neighbour(project: Project, item_id, field: str) -> Item | None:
    """An item named as a rank neighbour: it must belong to the same project."""
    if item_id in (None, ""):
        return None
    item_id = parse_id(item_id)
    if item_id is None:
        raise RuleViolation(_("Invalid neighbour."), field, status=400)
    other = db.session.get(Item, item_id)
    if other is None or other.project_id != project.id:
        raise RuleViolation(_("The neighbour is not an item of this project."), field)
    return other


def _gap(item: Item, where: str, anchor: Item | None) -> tuple[str | None, str | None]:
    """The ranks the item must go between: ("top"|"bottom", None) or ("after"|"before", anchor)."""
    pid = item.project_id
    if where == "top":
        return None, _edge_rank(pid, first=True, exclude_id=item.id)
    if where == "bottom":
        return _edge_rank(pid, first=False, exclude_id=item.id), None
    if anchor is None or anchor.id == item.id:
        raise RuleViolation(_("Choose where to move the item."), "position")
    if where == "after":
        return anchor.rank, _rank_after(pid, anchor.rank, item.id)
    if where == "before":
        return _rank_before(pid, anchor.rank, item.id), anchor.rank
    raise RuleViolation(_("Choose where to move the item."), "position")


def place_item(item: Item, actor, where: str, anchor: Item | None = None, change: int | None = None,
               at: datetime | None = None) -> bool:
    """Give the item a rank key between its new neighbours (one row written, plus history).
    Returns False when it already stands there. The caller checks the version and rights."""
    at = at or utcnow()
    if anchor is not None and anchor.project_id != item.project_id:
        raise RuleViolation(_("The neighbour is not an item of this project."), "position")
    for _attempt in range(3):
        lo, hi = _gap(item, where, anchor)
        if (lo is None or item.rank > lo) and (hi is None or item.rank < hi):
            return False
        try:
            key = generate_key_between(lo, hi)
        except FIError:
            raise RuleViolation(_("The order changed meanwhile; reload and try again."),
                                status=409) from None
        if len(key) > RANK_LENGTH:
            raise RuleViolation(_("The backlog needs re-ranking before this move."), status=409)
        if change is None:
            change = bump_counter(item.project_id)[1]
        old, version = item.rank, item.version_id
        try:
            with db.session.begin_nested():
                item.rank = key
                item.updated_at = at
                db.session.flush()
        except IntegrityError:
            # Another writer took this key; read the neighbours again (the savepoint expired
            # the item, so a concurrent change to the item itself shows as a new version).
            if item.version_id != version:
                raise StaleItem(item) from None
            continue
        record_change(item, "rank", old, key, actor, change, at)
        db.session.flush()
        return True
    raise RuleViolation(_("The order changed meanwhile; reload and try again."), status=409)


def rank_item(item: Item, actor, where: str, anchor: Item | None = None, expected_version=None,
              version_required: bool = False, at: datetime | None = None) -> bool:
    """Move the item to the top or bottom of the backlog, or just after or before another
    (see `check_version` for the version)."""
    check_version(item, expected_version, version_required)
    return place_item(item, actor, where, anchor, at=at)


def position_of(item: Item) -> int:
    """The item's 1-based place in its project's backlog (among the items not archived).
    count(*), not count(id): the indexes on the rank answer it alone."""
    return 1 + db.session.scalar(select(func.count()).select_from(Item).where(
        Item.project_id == item.project_id, Item.rank < item.rank, Item.archived_at.is_(None)))


def add_comment_once(idempotency_key: str | None, item: Item, author, body: str) -> Comment:
    """`add_comment`, made at most once per idempotency key of the form (a comment sent again
    after a connection error, or by a double click, is added once)."""
    def load(comment_id: int) -> Comment | None:
        comment = db.session.get(Comment, comment_id)
        return comment if comment is not None and comment.item_id == item.id else None

    return idempotency.once(author, idempotency_key, "backlog.comment",
                            lambda: add_comment(item, author, body), load)


def add_comment(item: Item, author, body: str, at: datetime | None = None) -> Comment:
    """Comment on an item (Markdown)."""
    body = clean_text(body, "body", MAX_TEXT)
    if not body:
        raise RuleViolation(_("Write a comment first."), "body")
    comment = Comment(item=item, author=author, body=body, created_at=at or utcnow())
    db.session.add(comment)
    db.session.flush()
    notify.commented(comment, author)
    publish("comment.created", item.project, author, comment, at=comment.created_at)
    return comment


def record_attachment(item: Item, actor, action: str, name: str) -> None:
    """A file was attached to the item or one of its comments ("attached"), or deleted
    ("deleted"): a line in the item's history."""
    _last, change = bump_counter(item.project_id)
    old, new = (None, name) if action == "attached" else (name, None)
    record_change(item, "attachment", old, new, actor, change, utcnow())
