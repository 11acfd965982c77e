"""The "what waits for me" section registry: /my and each project's overview show the same
sections, across every project of the user or filtered to one.

Each section is built by a function registered here, like the digests' sections. This package
(layer 5) may read every area, so the builders of the sections it shows itself live in
`app/my/sections.py`. Another area adds a section the same way, from a module the assembly
imports (e.g. unread mentions, once notifications exist)::

    from app.my.registry import WorkSection, work_section

    @work_section("mentions", order=50)
    def unread_mentions(scope):
        if not scope.project_ids:
            return None                               # not for this person: left out
        rows, count = ...  # a fixed number of statements, at most MAX_ROWS rows,
                           # limited to scope.project_ids (one project on an overview)
        return WorkSection(title=_("Unread mentions"), count=count, rows=rows,
                           template="my/_mentions.html",
                           empty=_("Nobody has mentioned you since you last looked."))

Rules for builders:
- `scope` is a `WorkScope`: the user, the projects they are a member of with their roles
  there, and `scope.project` when an overview asks for one project only. Show only what the
  user may see in those projects.
- Return None when the section does not concern the user at all (no steering role anywhere,
  say); return a section with `count == 0` when it concerns them but nothing waits: the page
  then says `empty`, in a friendly way.
- Cost a fixed number of statements whatever the data holds (the statement-count tests of
  /my and the overview check it): a window count and at most a screenful of rows.
- `template` renders `section.rows`; `link` and `link_text` lead to the fuller list.
"""
from collections.abc import Callable
from dataclasses import dataclass

from app.projects.models import Project

MAX_ROWS = 20
OVERVIEW_ROWS = 8  # a project's dashboard shows fewer of each, and links to the fuller list


@dataclass(frozen=True)
class WorkScope:
    user: object
    projects: dict[int, Project]
    roles: dict[int, frozenset[str]]
    project: Project | None = None  # the overview's project; None on /my

    @property
    def project_ids(self) -> list[int]:
        return sorted(self.projects)

    def ids_with(self, *roles: str) -> list[int]:
        """The projects where the user holds any of `roles`."""
        wanted = {str(r) for r in roles}
        return sorted(pid for pid, held in self.roles.items() if held & wanted)

    @property
    def row_limit(self) -> int:
        """How many rows a section shows: a screenful on /my, fewer on a dashboard."""
        return MAX_ROWS if self.project is None else OVERVIEW_ROWS

    def key_of(self, project_id: int) -> str:
        return self.projects[project_id].key


@dataclass
class WorkSection:
    title: str
    count: int
    rows: list
    template: str
    empty: str
    link: str | None = None
    link_text: str | None = None
    key: str = ""
    shown: int | None = None  # how many of `count` the rows show, when not len(rows)

    @property
    def shown_count(self) -> int:
        return len(self.rows) if self.shown is None else self.shown

    @property
    def heading_id(self) -> str:
        return f"work-{self.key.replace('_', '-')}"


Builder = Callable[[WorkScope], WorkSection | None]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    builder: Builder
    order: int


SECTIONS: dict[str, SectionSpec] = {}


def work_section(key: str, order: int = 100):
    """Register a section builder under a unique key (registering the key again replaces it)."""

    def register(builder: Builder) -> Builder:
        SECTIONS[key] = SectionSpec(key, builder, order)
        return builder

    return register


def build_sections(scope: WorkScope) -> list[WorkSection]:
    """The sections that concern the user, in order (empty ones too: the page says so)."""
    sections = []
    for spec in sorted(SECTIONS.values(), key=lambda s: (s.order, s.key)):
        section = spec.builder(scope)
        if section is not None:
            section.key = section.key or spec.key
            sections.append(section)
    return sections
