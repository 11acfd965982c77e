"""The digest section registry: every area contributes the sections it knows about.

A digest is a list of sections. Each area (backlog, board, sprints, discovery, decisions…)
registers builders for its own sections; this package only collects, orders, renders and
delivers them, so it never imports those areas.

How an area adds a section (e.g. in `app/backlog/digest.py`, imported from
`app/backlog/__init__.py` so that it registers when the blueprint is loaded)::

    from flask import url_for
    from flask_babel import gettext as _
    from app.digests.registry import Item, Section, digest_section
    from app.projects.models import Role

    @digest_section("blocked_items", roles={Role.STEERING, Role.DEVELOPER,
                                            Role.DELIVERY_LEAD}, order=50)
    def blocked_items(ctx):
        items = ...  # query scoped to ctx.project,
                     # e.g. blocked in [ctx.period_start, ctx.period_end)
        if not items:
            return None                      # nothing to say: the section is left out
        return Section(
            title=_("Blocked items"),
            items=[Item(text=f"{i.key} {i.title}",
                        link=url_for("backlog.item", key=ctx.project.key, number=i.number),
                        status=_("Blocked"), tone="danger", meta=i.blocked_reason)
                   for i in items],
            figures=[Figure(_("Blocked"), len(items))],
        )

Rules for builders:
- `ctx` is a `DigestContext`: the recipient (`ctx.user`), `ctx.project`, the recipient's
  `ctx.roles` there, the period `ctx.period_start`–`ctx.period_end` (UTC, start inclusive, end
  exclusive), `ctx.locale` and `ctx.frequency`. Use `ctx.user`, never `current_user`: digests
  are built by the scheduler, outside any request of that user.
- Only show what the recipient may see in the project (they are a member with `ctx.roles`).
- Builders run under the recipient's locale (`force_locale`): call `gettext` (`_`), not the
  lazy `_l`, so titles and texts are plain strings that can be stored with the delivery.
- `link` is a path from `url_for(...)` (not `_external`): the e-mail makes it absolute from
  `BASE_URL`, the page uses it as is.
- `roles` limits who gets the section (any of them; None means every member); `order` places
  it (lower first). Return None, or a Section without items and figures, when there is nothing
  to say: when every section is empty no digest is sent (unless `DIGEST_SEND_EMPTY`).
- Load only what the section shows: a count for each figure and at most `ctx.limit` rows, the
  most relevant first (e.g. the newest; `first_rows` gives the rows and the count in one
  statement), so a digest costs the same however much history the project has. Set
  `Section.total` to how many entries there are in all: the framework keeps the first
  `limit` items (10 unless the section registers another) and ends the section with "… and N
  more — see them in Samspil", linking to `more_link`. Returning more items than the limit is
  no error (they are cut), only wasted work. Long texts are cut too (`TEXT_CHARS`,
  `META_CHARS`), so that no section can make the e-mail too long to read (Gmail clips a
  message above ~102 KB, hiding the rest and its unsubscribe link); the rendered e-mail has a
  budget as well (`render_digest` shows fewer entries per section until it fits).
- People and organisations are summarised ("12 new members from 5 organisations", in
  `summary`) with the newest few as items; the whole list is a page in the browser.
- `shared=True` when the section says the same to every recipient of the project for the
  period, language and frequency (it never reads `ctx.user` or `ctx.roles`): a run of
  `send_due` then builds it once per project and period and reuses it for each recipient
  (see `SectionCache`). Leave it False for anything personal, such as "my items".
- `Figure(label, value, total=None)`: a key figure; with `total` it is drawn as a progress bar
  (a table in the e-mail, no images), e.g. points done of points committed.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import current_app
from sqlalchemy import Select, func, select

from app.extensions import db


# How many entries a section shows unless it registers another limit; and how long an
# entry's text and detail may be. With these a digest of every section stays far below the
# ~102 KB at which Gmail clips a message (issue 27: a steering member's digest on the bench's
# data was ~190 KB when "New members" listed all 400 people).
SECTION_LIMIT = 10
TEXT_CHARS = 160
META_CHARS = 240
SUMMARY_CHARS = 400
FIGURES_LIMIT = 16


@dataclass(frozen=True)
class DigestContext:
    user: object
    project: object
    roles: frozenset[str]
    period_start: datetime
    period_end: datetime
    locale: str
    frequency: str
    limit: int = SECTION_LIMIT  # how many items the section will show: load no more


@dataclass
class Item:
    text: str
    link: str | None = None
    status: str | None = None
    meta: str | None = None
    tone: str | None = None  # "ok", "warn" or "danger": colours the status


@dataclass
class Figure:
    label: str
    value: int | float | str
    total: int | float | None = None

    @property
    def percent(self) -> int | None:
        """The value as a share of the total, 0–100, for progress bars."""
        if not self.total or not isinstance(self.value, (int, float)):
            return None
        return max(0, min(100, round(100 * self.value / self.total)))


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    summary: str | None = None
    more_link: str | None = None
    key: str = ""
    # How many entries there are in all, when the builder loaded only the first ones (None:
    # the items are all there are). The framework turns it into `more`.
    total: int | None = None
    more: int = 0  # entries not shown: "… and N more — see them in Samspil"

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.figures

    def to_dict(self) -> dict:
        # What asdict() gives, without its deep copy of every value: this runs for each
        # section of each digest stored.
        return {"title": self.title, "items": [dict(vars(i)) for i in self.items],
                "figures": [dict(vars(f)) for f in self.figures], "summary": self.summary,
                "more_link": self.more_link, "key": self.key, "total": self.total,
                "more": self.more}

    @classmethod
    def from_dict(cls, data: dict) -> "Section":
        return cls(title=data.get("title", ""), key=data.get("key", ""),
                   summary=data.get("summary"), more_link=data.get("more_link"),
                   items=[Item(**i) for i in data.get("items", [])],
                   figures=[Figure(**f) for f in data.get("figures", [])],
                   total=data.get("total"), more=data.get("more", 0) or 0)

    def shortened(self, limit: int) -> "Section":
        """A copy showing at most `limit` items, the rest counted in `more` (the section
        itself may be shared by many recipients: it is never changed)."""
        if len(self.items) <= limit:
            return self
        return replace(self, items=self.items[:limit],
                       more=self.more + len(self.items) - limit)


def _cut(text: str | None, chars: int) -> str | None:
    if text is None or len(text) <= chars:
        return text
    return text[:chars - 1].rstrip() + "…"


def capped(section: Section, limit: int) -> Section:
    """The section as the digest shows it: its first `limit` items, texts cut to length, and
    how many entries are left out (from `total` when the builder counted them)."""
    shown = section.items[:limit]
    for item in shown:
        item.text = _cut(item.text, TEXT_CHARS) or ""
        item.meta = _cut(item.meta, META_CHARS)
    total = section.total if section.total is not None else len(section.items)
    section.more = max(0, total - len(shown))
    section.items = shown
    section.figures = section.figures[:FIGURES_LIMIT]
    section.summary = _cut(section.summary, SUMMARY_CHARS)
    return section


Builder = Callable[[DigestContext], Section | None]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    builder: Builder
    roles: frozenset[str] | None
    order: int
    shared: bool = False
    limit: int = SECTION_LIMIT

    def applies_to(self, roles: Iterable[str]) -> bool:
        return self.roles is None or bool(self.roles & set(roles))


SECTIONS: dict[str, SectionSpec] = {}


def digest_section(key: str, roles: Iterable[str] | None = None, order: int = 100,
                   shared: bool = False, limit: int = SECTION_LIMIT):
    """Register a section builder under a unique key (registering the key again replaces it);
    `limit`: how many items the section shows at most."""

    def register(builder: Builder) -> Builder:
        SECTIONS[key] = SectionSpec(key, builder, frozenset(str(r) for r in roles)
                                    if roles is not None else None, order, shared,
                                    max(1, limit))
        return builder

    return register


def first_rows(stmt: Select, limit: int) -> tuple[list, int]:
    """The first `limit` entities of an ORM select and how many it matches in all, in one
    statement (a window count), so a section loads no more rows than it shows."""
    if limit <= 0:
        return [], db.session.scalar(select(func.count()).select_from(
            stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.add_columns(func.count().over()).limit(limit)).all()
    return [row[0] for row in rows], (rows[0][-1] if rows else 0)


class SectionCache:
    """Shared sections built once per run: every recipient of a project gets the same
    "Needs" or "New members" for the same period and language, so `send_due` builds each
    of those once. The recipients share the very same Section objects (copying hundreds of
    items per recipient cost more than building them): nothing changes a section once it is
    built. Personal sections are never cached."""

    def __init__(self):
        self._built: dict[tuple, Section | None] = {}

    @staticmethod
    def key(spec: SectionSpec, ctx: DigestContext) -> tuple:
        return (spec.key, ctx.project.id, ctx.period_start, ctx.period_end, ctx.locale,
                ctx.frequency)

    def get(self, spec: SectionSpec, ctx: DigestContext) -> tuple[bool, Section | None]:
        key = self.key(spec, ctx)
        return (True, self._built[key]) if key in self._built else (False, None)

    def put(self, spec: SectionSpec, ctx: DigestContext, section: Section | None) -> None:
        self._built[self.key(spec, ctx)] = section


def _build(spec: SectionSpec, ctx: DigestContext) -> tuple[bool, Section | None]:
    """Run one builder; (False, None) when it failed (logged: one area's bug does not stop
    everybody's digest)."""
    ctx = replace(ctx, limit=spec.limit)
    try:
        # A savepoint, so a failed query does not abort the whole transaction on PostgreSQL.
        with db.session.begin_nested():
            section = spec.builder(ctx)
    except Exception:  # see the docstring: one broken section must not stop a digest
        current_app.logger.exception("digest section %s failed for user %s in %s",
                                     spec.key, ctx.user.id, ctx.project.key)
        return False, None
    if section is not None and not section.is_empty:
        section.key = section.key or spec.key
        return True, capped(section, spec.limit)
    return True, None


def build_sections(ctx: DigestContext, cache: SectionCache | None = None) -> list[Section]:
    """The non-empty sections for this recipient, in order; shared ones come from `cache`
    when another recipient of the same project and period already had them built. A
    failing builder is left out (and not cached, so the next recipient tries again)."""
    sections = []
    for spec in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if not spec.applies_to(ctx.roles):
            continue
        use_cache = cache is not None and spec.shared
        found, section = cache.get(spec, ctx) if use_cache else (False, None)
        if not found:
            ok, section = _build(spec, ctx)
            if ok and use_cache:
                cache.put(spec, ctx, section)
        if section is not None:
            sections.append(section)
    return sections
