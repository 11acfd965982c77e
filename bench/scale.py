"""Community scale (issue 27): the members and organisations pages a page at a time, the
size of the digests of the largest project's steering member, product owner and developer,
and the scheduler's planning of due digests.

Targets: pages ≤ 20 ms median; every digest's HTML under 60 KB (Gmail clips a message above
~102 KB, hiding its unsubscribe link); planning ≤ 20 ms per run, both at the weekly send
moment (every weekly digest due, none written) and on a later run of the same morning (all
written: nothing due). The later run's delivery rows are written in a transaction that is
rolled back, so the data set is left as it was.
"""
import statistics
import time
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.database import StatementCounter
from app.digests import services as digest_services
from app.digests.delivery import plan_due
from app.digests.models import DigestDelivery, Frequency
from app.extensions import db
from app.projects.models import Project
from app.projects.services import membership_of
from bench.dataset import MARKER_KEY
from bench.digests import next_monday_morning
from bench.scenarios import Scenario, _any_member

PAGE_TARGET_MS = 20
DIGEST_HTML_LIMIT = 60_000
PLAN_TARGET_MS = 20
PLAN_RUNS = 15


def members_page(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/members", None)


def members_page_3(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/members?page=3", None)


def members_searched(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/members?q=kommune", None)


def organisations_page(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/organisations", None)


def organisations_searched(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/organisations?q=municipality", None)


SCENARIOS = [
    Scenario("Members page 1 (25 of 400, by organisation)", members_page,
             target_ms=PAGE_TARGET_MS, target_statements=12, runs=30),
    Scenario("Members page 3", members_page_3, target_ms=PAGE_TARGET_MS, target_statements=12,
             runs=20),
    Scenario("Members searched (\"kommune\": most of them)", members_searched,
             target_ms=PAGE_TARGET_MS, target_statements=12, runs=20),
    Scenario("Organisations taking part, page 1 (25 of 81)", organisations_page,
             target_ms=PAGE_TARGET_MS, target_statements=10, runs=20),
    Scenario("Organisations searched by kind", organisations_searched,
             target_ms=PAGE_TARGET_MS, target_statements=10, runs=20),
]


def _member_with(role: str) -> User:
    email = _any_member(role)
    return db.session.scalar(select(User).where(User.email == email))


def digest_sizes(app) -> dict:
    """The weekly digest next Monday of BIG's steering member, product owner and developer,
    rendered as it would be sent: the size of its HTML and text parts."""
    now = next_monday_morning()
    project = db.session.scalar(select(Project).where(Project.key == MARKER_KEY))
    sizes, worst = {}, 0
    started = time.perf_counter()
    for role in ("steering", "product_owner", "developer"):
        user = _member_with(role)
        roles = membership_of(project, user.id).role_names
        start = now - timedelta(days=7)
        rendered = digest_services.render_digest(user, project, roles, Frequency.WEEKLY,
                                                 start, now)
        html, text = len(rendered.html.encode()), len(rendered.text.encode())
        worst = max(worst, html)
        sizes[role] = f"{html / 1000:.1f} KB HTML, {text / 1000:.1f} KB text"
    db.session.rollback()
    return {"ms": round((time.perf_counter() - started) * 1000 / 3, 1),
            **{f"{role.replace('_', ' ')}": size for role, size in sizes.items()},
            "target": f"< {DIGEST_HTML_LIMIT / 1000:g} KB HTML each",
            "met": "yes" if worst < DIGEST_HTML_LIMIT else "**no**"}


def _timed_plans(now) -> tuple[float, int, int]:
    """The median ms of PLAN_RUNS runs of plan_due at `now`, its statements and what it found."""
    times, found = [], 0
    with StatementCounter(db.engine) as counter:
        for _ in range(PLAN_RUNS):
            db.session.expunge_all()
            started = time.perf_counter()
            found = len(plan_due(now))
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), round(counter.count / PLAN_RUNS), found


def digest_planning(app) -> dict:
    """The scheduler's planning of due digests at the weekly send moment, with nothing
    written yet, and again once every due digest has its delivery row (a later run of the
    same morning; those rows are rolled back)."""
    now = next_monday_morning()
    for _ in range(3):  # warm
        plan_due(now)
    first_ms, first_statements, due = _timed_plans(now)
    for item in plan_due(now):
        db.session.add(DigestDelivery(
            user_id=item.user.id, project_id=item.project.id, frequency=item.frequency,
            period_key=item.period.key, period_start=now - timedelta(days=7), period_end=now,
            recipient=item.user.email, locale="da", message_id=f"<bench-{item.user.id}>",
            subject="", body_text="", body_html="", content=[], state="sent"))
    db.session.flush()
    later_ms, later_statements, left = _timed_plans(now + timedelta(minutes=5))
    db.session.rollback()
    worst = max(first_ms, later_ms)
    return {"ms": round(first_ms, 2), "statements": first_statements, "due": due,
            "later run ms": round(later_ms, 2), "later run statements": later_statements,
            "later run due": left,
            "target": f"≤ {PLAN_TARGET_MS} ms per run",
            "met": "yes" if worst <= PLAN_TARGET_MS and left == 0 else "**no**"}


BATCH = {
    "Digest size: BIG's steering member, product owner, developer (render ms each)":
        digest_sizes,
    "Scheduler: plan due digests (at the weekly send moment; median of 15)": digest_planning,
}
