"""Requirement discovery's part of the benchmark: needs in the big project, with co-sponsors
and discovery notes, the pages that read them, and the load-test actions."""
from collections import defaultdict
from urllib.parse import quote

from sqlalchemy import select

from app.accounts.models import User
from app.discovery import services
from app.discovery.models import NeedStatus as S
from app.extensions import db
from app.projects.models import Membership, MembershipRole, Role
from bench.dataset import MARKER_KEY

PATHS = [[], [S.IN_DISCOVERY], [S.IN_DISCOVERY, S.READY], [S.IN_DISCOVERY, S.READY, S.PLANNED],
         [S.IN_DISCOVERY, S.READY, S.PLANNED, S.DELIVERED], [S.DECLINED], [S.PARKED]]
WORDS = ["kontrakt", "databehandleraftale", "systemejer", "Kitos", "rapport", "økonomi",
         "integration", "arkivering", "tilsyn", "risikovurdering", "licens", "styregruppe"]


def _sponsors_by_municipality(project) -> dict[int, list[User]]:
    """The people who may commit each municipality: its product owners and contributors."""
    rows = db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(Membership.project_id == project.id,
               MembershipRole.role.in_([Role.PRODUCT_OWNER, Role.CONTRIBUTOR]))).scalars()
    found = defaultdict(list)
    for user in rows:
        if user.organisation.is_municipality:
            found[user.organisation_id].append(user)
    return found


def seed_needs(ctx: dict) -> None:
    """1,500 needs in the big project (scaled), across all statuses, with up to 12
    co-sponsoring municipalities each and a few discovery notes; its roadmap is public."""
    rnd = ctx["random"]
    project = next(p for p in ctx["projects"] if p.key == MARKER_KEY)
    project.is_roadmap_public = True
    sponsors = _sponsors_by_municipality(project)
    municipalities = sorted(sponsors)
    decider = sponsors[municipalities[0]][0]
    for i in range(max(30, int(1500 * ctx["scale"]))):
        words = rnd.sample(WORDS, 3)
        submitter = rnd.choice(sponsors[rnd.choice(municipalities)])
        need = services.create_need(
            project, submitter, title=f"Behov {i}: {words[0]} og {words[1]}",
            background=f"I dag håndteres {words[0]} manuelt. " * 5,
            desired_outcome=f"Overblik over {words[1]} og {words[2]}.",
            expected_value="Sparet tid i alle kommuner.")
        for status in rnd.choice(PATHS):
            services.set_status(need, status, actor=decider, rationale="Besluttet i styregruppen")
        for org_id in rnd.sample(municipalities, rnd.randint(0, min(12, len(municipalities)))):
            if org_id != need.organisation_id and need.status not in services.CLOSED:
                services.cosponsor(need, sponsors[org_id][0], rnd.choice(["", "Vigtigt for os."]))
        for _ in range(rnd.randint(0, 3)):
            services.add_note(need, submitter, rnd.choice(["note", "workshop", "question"]),
                              f"Notat om {rnd.choice(WORDS)}.")
        if i % 50 == 0:
            db.session.flush()


def _member():
    from bench.scenarios import _any_member

    return _any_member("contributor")


def needs_list(ctx):
    email = _member()
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/needs", None)


def needs_list_filtered(ctx):
    email = _member()
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/needs?sort=cosponsors&q=kitos&page=2", None)


def need_page(ctx):
    email = _member()
    return lambda: (email, "GET", f"/p/{MARKER_KEY}/needs/7", None)


def roadmap(ctx):
    email = _member()
    return lambda: (email, "GET", f"/roadmap/{MARKER_KEY}", None)


def roadmap_feed(ctx):
    email = _member()
    return lambda: (email, "GET", f"/roadmap/{MARKER_KEY}/feed.atom", None)


def scenarios() -> list:
    """The pages to measure in-process (bench.scenarios adds them to its list)."""
    from bench.scenarios import Scenario

    return [
        Scenario("Needs list (25 of all, co-sponsor counts)", needs_list, target_ms=150,
                 target_statements=10),
        Scenario("Needs list, most co-sponsored, searched, page 2", needs_list_filtered,
                 target_ms=200, target_statements=10),
        Scenario("Need page (co-sponsors, log, history)", need_page, target_ms=150,
                 target_statements=20),
        # Issue 27: the newest 15 of each section (each section is paged), the feed's newest
        # 50 entries; constant statements.
        Scenario("Public roadmap", roadmap, target_ms=25, target_statements=6, runs=30),
        Scenario("Public roadmap Atom feed (newest 50)", roadmap_feed, target_ms=25,
                 target_statements=6, runs=30),
    ]


OK = {200}


def actions():
    key = MARKER_KEY
    return [
        (2, "needs list", lambda rnd, s: ("GET", f"/p/{key}/needs", None, OK)),
        (1, "needs search", lambda rnd, s: (
            "GET", f"/p/{key}/needs?q={quote(rnd.choice(WORDS))}&sort=cosponsors", None, OK)),
        (2, "need page", lambda rnd, s: ("GET", f"/p/{key}/needs/{rnd.randint(1, 30)}", None, OK)),
    ]
