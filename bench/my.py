"""My work and the project dashboard: /my for people in all five projects of the data set
(every bench user is a member of each), and the overview of the largest project."""
from sqlalchemy import func, select

from app.accounts.models import User
from app.extensions import db
from app.projects.models import Membership, MembershipRole
from bench.scenarios import Scenario, _any_member


def _in_every_project(role: str) -> str:
    """A person with `role` in all five projects (the bench seeds everyone into each)."""
    return db.session.scalar(
        select(User.email).join(Membership, Membership.user_id == User.id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(MembershipRole.role == role).group_by(User.id, User.email)
        .having(func.count(func.distinct(Membership.project_id)) >= 5)
        .order_by(User.id).limit(1))


def my_work_product_owner(ctx):
    email = _in_every_project("product_owner")
    return lambda: (email, "GET", "/my", None)


def my_work_developer(ctx):
    email = _in_every_project("developer")
    return lambda: (email, "GET", "/my", None)


def project_dashboard(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/p/BIG/", None)


def activity_page(ctx):
    email = _any_member("contributor")
    return lambda: (email, "GET", "/p/BIG/activity?page=3", None)


SCENARIOS = [
    Scenario("My work: a municipal product owner in 5 projects", my_work_product_owner,
             target_ms=25, target_statements=8),
    Scenario("My work: a developer in 5 projects", my_work_developer, target_ms=25,
             target_statements=8),
    Scenario("Project overview (dashboard) of the largest project", project_dashboard,
             target_ms=20, target_statements=16),
    Scenario("Project overview: recent activity, page 3", activity_page, target_ms=20,
             target_statements=6, runs=20),
]
