"""Mentions (`@[Name](user:42)`) and references (`OVB-12`, `#19`) in Markdown texts: notifying
the people newly mentioned, the "Mentioned in …" backlinks, and rendering for the reader.

The areas register how to find their things by number (`register_reference_kind`), so this
framework never imports them."""
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import g, has_request_context, url_for
from sqlalchemy import bindparam, delete, select

from app.accounts.models import User
from app.extensions import db
from app.markdown import REFERENCE, set_reference_resolver
from app.notifications.kinds import TARGET_ENDPOINTS, Kind
from app.notifications.models import TextReference
from app.notifications.services import Target, notify
from app.projects.models import Membership

MENTION = re.compile(r"@\[[^\]\n]{1,120}\]\(user:(\d{1,10})\)")

# target kind -> function(project_id, numbers) -> {number: id}, registered by the areas.
NUMBER_LOOKUPS: dict[str, Callable] = {}


def register_reference_kind(kind: str, lookup: Callable) -> None:
    """`lookup(project_id, numbers)` answers {number: id} for the project's things of `kind`."""
    NUMBER_LOOKUPS[kind] = lookup


@dataclass(frozen=True)
class Source:
    """A text that may mention and reference: where it is shown and how it is named."""

    kind: str  # "item", "comment", "need", "note", "decision"
    id: int
    page_kind: str  # "item" or "need"
    page_number: int
    label: str


def mentioned_ids(*texts: str) -> set[int]:
    return {int(m) for text in texts for m in MENTION.findall(text or "")}


def referenced_numbers(project_key: str, *texts: str) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {"item": set(), "need": set()}
    for text in texts:
        for key, item, need in REFERENCE.findall(text or ""):
            if item and key == project_key:
                found["item"].add(int(item))
            elif need:
                found["need"].add(int(need))
    return found


def text_saved(project, actor, source: Source, target: Target, old_texts=(),
               new_texts=()) -> None:
    """After a text was saved: notify the people it newly mentions (about `target`), and
    rewrite the references it makes (the backlinks)."""
    new_mentions = mentioned_ids(*new_texts) - mentioned_ids(*old_texts)
    if new_mentions:
        notify(Kind.MENTIONED, target, new_mentions, actor=actor)
    # "fetch": the rows deleted leave the session by their ids, instead of a pass over
    # everything the transaction loaded (thousands of rows in an import).
    db.session.execute(delete(TextReference).where(TextReference.source_kind == source.kind,
                                                   TextReference.source_id == source.id)
                       .execution_options(synchronize_session="fetch"))
    for kind, numbers in referenced_numbers(project.key, *new_texts).items():
        lookup = NUMBER_LOOKUPS.get(kind)
        if not numbers or lookup is None:
            continue
        for target_id in set(lookup(project.id, numbers).values()):
            if kind == source.page_kind and target_id == target.id:
                continue  # a text about the thing itself is no backlink
            db.session.add(TextReference(
                project_id=project.id, source_kind=source.kind, source_id=source.id,
                source_page_kind=source.page_kind, source_page_number=source.page_number,
                source_label=source.label[:255], target_kind=kind, target_id=target_id))
    db.session.flush()


def backlinks(project, target_kind: str, target_id: int) -> list[tuple[str, str]]:
    """(label, address) of the texts that reference the thing, once per page, oldest first."""
    rows = db.session.execute(_backlinks_statement(),
                              {"target_kind": target_kind, "target_id": target_id}).all()
    seen, out = set(), []
    for page_kind, number, label in rows:
        endpoint = TARGET_ENDPOINTS.get(page_kind)
        if endpoint and (page_kind, number) not in seen:
            seen.add((page_kind, number))
            out.append((label, url_for(endpoint, key=project.key, number=number)))
    return out


@functools.lru_cache(maxsize=1)
def _backlinks_statement():
    # Built once: every item and need page runs it.
    return (select(TextReference.source_page_kind, TextReference.source_page_number,
                   TextReference.source_label)
            .where(TextReference.target_kind == bindparam("target_kind"),
                   TextReference.target_id == bindparam("target_id"))
            .order_by(TextReference.id))


class RequestResolver:
    """Names and addresses for one project, each looked up once per request."""

    def __init__(self, project):
        self.project = project
        self._members: dict[int, str] | None = None
        self._numbers: dict[str, dict[int, int]] = {}

    def user(self, user_id: int) -> str | None:
        if self._members is None:
            self._members = dict(db.session.execute(
                select(User.id, User.name).join(Membership, Membership.user_id == User.id)
                .where(Membership.project_id == self.project.id)).all())
        return self._members.get(user_id)

    def _url(self, kind: str, number: int) -> str | None:
        lookup, endpoint = NUMBER_LOOKUPS.get(kind), TARGET_ENDPOINTS.get(kind)
        if lookup is None or endpoint is None:
            return None
        if kind not in self._numbers:
            self._numbers[kind] = lookup(self.project.id, None)
        if number not in self._numbers[kind]:
            return None
        return url_for(endpoint, key=self.project.key, number=number)

    def item(self, key: str, number: int) -> str | None:
        return self._url("item", number) if key == self.project.key else None

    def need(self, number: int) -> str | None:
        return self._url("need", number)


def current_resolver() -> RequestResolver | None:
    """The resolver of the project the request shows (set by get_project_or_404, which has
    checked that the reader may see the project), or None elsewhere."""
    if not has_request_context():
        return None
    project = g.get("reference_project")
    if project is None:
        return None
    resolver = g.get("reference_resolver")
    if resolver is None or resolver.project is not project:
        resolver = g.reference_resolver = RequestResolver(project)
    return resolver


def init_app(app) -> None:
    set_reference_resolver(current_resolver)
