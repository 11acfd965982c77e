"""Read-side queries of My work and the project dashboard. Each issues a fixed number of
statements whatever the project holds."""
from collections import defaultdict
from functools import cache
from dataclasses import dataclass

from sqlalchemy import (Integer, String, and_, bindparam, func, literal, null, or_, select,
                        union_all)

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.backlog.models import Item, ItemHistory
from app.decisions.models import Decision
from app.discovery.models import Need, NeedStatus
from app.extensions import db
from app.my.registry import WorkScope
from app.projects.models import Membership, MembershipRole, Project
from app.projects.permissions import roles_in
from app.sprints.models import Sprint, SprintState

ACTIVITY_PAGE = 15
MAX_ACTIVITY_PAGE = 1000  # keeps OFFSET small enough for every database
NEWEST_NEEDS = 5
LATEST_DECISIONS = 5
# What a member reads as the project's activity. Item acceptance is in the items' history
# already; sign-ins, digests and site administration are no project news.
ACTIVITY_ACTIONS = ("need.%", "decision.%", "sprint.%", "project.member_%", "participation.%",
                    "item.archived", "item.restored", "item.deleted")


def work_scope(user, project: Project | None = None) -> WorkScope:
    """The projects the user is a member of (or only `project`), with their roles (one
    statement; none for `project`, whose loader has read the roles along with it)."""
    if project is not None:
        held = roles_in(user, project)
        return WorkScope(user=user, projects={project.id: project} if held else {},
                         roles={project.id: held} if held else {}, project=project)
    projects: dict[int, Project] = {}
    roles: dict[int, set[str]] = defaultdict(set)
    for found, role in db.session.execute(_scope_statement(), {"user_id": user.id}):
        projects[found.id] = found
        roles[found.id].add(role)
    return WorkScope(user=user, projects=projects,
                     roles={pid: frozenset(held) for pid, held in roles.items()},
                     project=project)


# The statements of My work and of a project's overview, built once with their values bound
# at each run: building a statement and its cache key cost about as much as running it.
@cache
def _scope_statement():
    return (select(Project, MembershipRole.role)
            .join(Membership, Membership.project_id == Project.id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(Membership.user_id == bindparam("user_id")).order_by(Project.name))


@cache
def _active_sprint_statement():
    return select(Sprint).where(Sprint.project_id == bindparam("project_id"),
                                Sprint.state == SprintState.ACTIVE)


@cache
def _needs_by_status_statement():
    # count(*), not count(id): the (project, status) index answers alone.
    return (select(Need.status, func.count()).where(Need.project_id == bindparam("project_id"),
                                                    Need.archived_at.is_(None))
            .group_by(Need.status))


@cache
def _newest_needs_statement():
    # By number, the order of submission: the (project, number) index gives the newest few
    # without sorting every need of a large project.
    return (select(Need).where(Need.project_id == bindparam("project_id"),
                               Need.archived_at.is_(None))
            .order_by(Need.number.desc()).limit(NEWEST_NEEDS))


@cache
def _latest_decisions_statement():
    return (select(Decision).where(Decision.project_id == bindparam("project_id"))
            .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(LATEST_DECISIONS))


def active_sprint(project: Project) -> Sprint | None:
    return db.session.scalar(_active_sprint_statement(), {"project_id": project.id})


@dataclass
class NeedsSummary:
    by_status: list[tuple[str, int]]  # every status, in lifecycle order, with its count
    newest: list[Need]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_status)


def needs_summary(project: Project) -> NeedsSummary:
    """How many needs there are in each status, and the newest few (two statements)."""
    params = {"project_id": project.id}
    counts = dict(db.session.execute(_needs_by_status_statement(), params).all())
    newest = db.session.scalars(_newest_needs_statement(), params).all()
    return NeedsSummary([(str(s), counts.get(s, 0)) for s in NeedStatus], list(newest))


def latest_decisions(project: Project) -> list[Decision]:
    return list(db.session.scalars(_latest_decisions_statement(), {"project_id": project.id}))


@dataclass
class ActivityPage:
    rows: list
    page: int
    has_more: bool


def activity(project: Project, page: int = 1) -> ActivityPage:
    """Who did what in the project, newest first: the items' status changes (creation
    included) and the project's governance events from the audit log, merged (one statement).
    """
    page = max(1, min(page, MAX_ACTIVITY_PAGE))
    rows = db.session.execute(_activity_statement(), {
        "activity_project": project.id, "activity_reach": page * ACTIVITY_PAGE + 1,
        "activity_limit": ACTIVITY_PAGE + 1,
        "activity_offset": (page - 1) * ACTIVITY_PAGE}).all()
    return ActivityPage(rows[:ACTIVITY_PAGE], page, len(rows) > ACTIVITY_PAGE)


@cache
def _activity_statement():
    """The activity's statement, built once with its values as parameters: building it took
    a few milliseconds of every overview, and the same object keeps its cache key."""
    project_id = bindparam("activity_project", type_=Integer)
    actor = User.__table__.alias("actor")
    history = (
        select(ItemHistory.created_at.label("at"), literal("item").label("source"),
               ItemHistory.id.label("row_id"), actor.c.name.label("actor_name"),
               literal("").label("actor_label"), ItemHistory.field.label("action"),
               ItemHistory.old_value.label("old"), ItemHistory.new_value.label("new"),
               Item.number.label("number"), Item.title.label("title"),
               null().cast(String).label("target_type"),
               null().cast(Integer).label("target_id"))
        .join(Item, Item.id == ItemHistory.item_id)
        .outerjoin(actor, actor.c.id == ItemHistory.actor_id)
        .where(ItemHistory.project_id == project_id, ItemHistory.field == "status"))
    need = Need.__table__.alias("target_need")
    audit = (
        select(AuditEvent.created_at, literal("audit"), AuditEvent.id, actor.c.name,
               AuditEvent.actor_label, AuditEvent.action, null().cast(String),
               null().cast(String), need.c.number, AuditEvent.target_label,
               AuditEvent.target_type, AuditEvent.target_id)
        .outerjoin(actor, actor.c.id == AuditEvent.actor_id)
        .outerjoin(need, and_(AuditEvent.target_type == "Need",
                              need.c.id == AuditEvent.target_id))
        .where(AuditEvent.project_id == project_id,
               or_(*(AuditEvent.action.like(a) for a in ACTIVITY_ACTIONS))))
    # Each side takes only as many of its newest rows as the page can reach, through its
    # index on time, before the two are merged: sorting a large project's whole history for
    # one page cost the overview most of its time.
    reach = bindparam("activity_reach", type_=Integer)
    merged = union_all(
        *(select(side.order_by(at.desc(), row_id.desc()).limit(reach).subquery())
          for side, at, row_id in ((history, ItemHistory.created_at, ItemHistory.id),
                                   (audit, AuditEvent.created_at, AuditEvent.id)))).subquery()
    return (select(merged).order_by(merged.c.at.desc(), merged.c.source, merged.c.row_id.desc())
            .limit(bindparam("activity_limit", type_=Integer))
            .offset(bindparam("activity_offset", type_=Integer)))
