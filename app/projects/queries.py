"""Read-side queries of the members and organisations pages: a page at a time, searched.

A community project has hundreds of members from some 80 organisations (issue 27: the
members page listed all 400 people in 52–77 ms); a page shows PER_PAGE of them, grouped by
organisation, and a search narrows by name, e-mail, organisation or role.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from app.accounts.models import User
from app.extensions import db
from app.organisations.models import Organisation
from app.projects.forms import PARTICIPATION_LABELS, ROLE_LABELS
from app.projects.models import Membership, MembershipRole, ProjectOrganisation

PER_PAGE = 25
MAX_PAGE = 10_000  # keeps OFFSET within every database's integer range


@dataclass
class ListPage:
    """One page of a list: its rows, how many match in all, and where it is."""

    rows: list
    total: int
    page: int
    per_page: int = PER_PAGE
    groups: list = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return self.first_number + len(self.rows) - 1 if self.rows else 0


def _needle(search: str | None) -> str:
    return (search or "").strip().lower()


def _matching(labels: dict, needle: str) -> list[str]:
    """The keys whose label (in the page's language) or name contains the needle."""
    return [key for key, label in labels.items()
            if needle in str(label).lower() or needle in str(key).lower()]


def _page_of(stmt, page: int, per_page: int) -> tuple[list, int, int]:
    """The rows of page `page` (clamped to the last page) and the count, in one statement
    (a window count) — two when the page asked for lies beyond the last."""
    page = max(1, min(page, MAX_PAGE))
    counted = stmt.add_columns(func.count().over())
    rows = db.session.execute(counted.offset((page - 1) * per_page).limit(per_page)).all()
    if not rows and page > 1:
        total = db.session.scalar(select(func.count()).select_from(
            stmt.order_by(None).subquery()))
        page = max(1, -(-total // per_page))
        rows = db.session.execute(counted.offset((page - 1) * per_page).limit(per_page)).all()
    total = rows[0][-1] if rows else 0
    return [tuple(row)[:-1] for row in rows], total, page


def member_page(project, search: str | None = None, page: int = 1,
                per_page: int = PER_PAGE) -> ListPage:
    """A page of the project's memberships, by organisation and then name, with the person,
    their organisation and roles loaded; `search` matches part of a name, e-mail address,
    organisation or role (its name in the page's language)."""
    stmt = (select(Membership).where(Membership.project_id == project.id)
            .join(User, User.id == Membership.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .options(contains_eager(Membership.user).contains_eager(User.organisation))
            .order_by(Organisation.name, Organisation.id, User.name, User.id))
    needle = _needle(search)
    if needle:
        conditions = [func.lower(User.name).contains(needle, autoescape=True),
                      func.lower(User.email).contains(needle, autoescape=True),
                      func.lower(Organisation.name).contains(needle, autoescape=True)]
        roles = _matching(ROLE_LABELS, needle)
        if roles:
            conditions.append(Membership.id.in_(
                select(MembershipRole.membership_id).where(MembershipRole.role.in_(roles))))
        stmt = stmt.where(or_(*conditions))
    rows, total, page = _page_of(stmt, page, per_page)
    memberships = [row[0] for row in rows]
    return ListPage(memberships, total, page, per_page,
                    groups=_grouped(memberships, lambda m: m.user.organisation))


def _grouped(rows: list, organisation_of) -> list[tuple]:
    """(organisation, rows) in page order: consecutive rows of one organisation together."""
    groups: list[tuple] = []
    for row in rows:
        organisation = organisation_of(row)
        if groups and groups[-1][0].id == organisation.id:
            groups[-1][1].append(row)
        else:
            groups.append((organisation, [row]))
    return groups


def organisation_page(project, search: str | None = None, page: int = 1,
                      per_page: int = PER_PAGE) -> ListPage:
    """A page of the organisations taking part, by name, each with its number of members in
    the project; `search` matches part of the name, the municipality code, the CVR number or
    how it takes part. Rows are (participation, members)."""
    members = (select(func.count(Membership.id)).join(User, User.id == Membership.user_id)
               .where(Membership.project_id == project.id,
                      User.organisation_id == ProjectOrganisation.organisation_id)
               .correlate(ProjectOrganisation).scalar_subquery())
    stmt = (select(ProjectOrganisation)
            .where(ProjectOrganisation.project_id == project.id)
            .join(Organisation, Organisation.id == ProjectOrganisation.organisation_id)
            .options(contains_eager(ProjectOrganisation.organisation))
            .add_columns(members)
            .order_by(Organisation.name, Organisation.id))
    needle = _needle(search)
    if needle:
        conditions = [func.lower(Organisation.name).contains(needle, autoescape=True),
                      Organisation.cvr.contains(needle, autoescape=True)]
        if needle.isdigit() and len(needle) <= 4:
            conditions.append(Organisation.municipality_code == int(needle))
        kinds = _matching(PARTICIPATION_LABELS, needle)
        if kinds:
            conditions.append(ProjectOrganisation.kind.in_(kinds))
        stmt = stmt.where(or_(*conditions))
    rows, total, page = _page_of(stmt, page, per_page)
    return ListPage(rows, total, page, per_page)


def organisation_count(project) -> int:
    return db.session.scalar(select(func.count(ProjectOrganisation.id))
                             .where(ProjectOrganisation.project_id == project.id))
