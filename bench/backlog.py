"""The backlog's and the board's part of the benchmark: 10,000 items (3,000 in BIG, of which
1,000 are open and on its board), one item with 50 comments and 200 history entries, and the
scenarios and load actions of issue 8 (board, backlog, item page, card move, rank change)."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import User
from app.backlog.models import Item
from app.backlog.services import add_comment, create_item, update_item
from app.database import utcnow
from app.extensions import db
from app.projects.models import Project
from bench.scenarios import Scenario, _any_member

ITEMS = {"BIG": 3000, "KIT": 2500, "BOG": 1500, "HJM": 1500, "SKO": 1500}
OPEN_IN_BIG = 1000
# Open items by column, in proportion.
OPEN_MIX = [("backlog", 40), ("ready", 20), ("in_progress", 15), ("review", 10), ("acceptance", 15)]
TYPES = ["story"] * 6 + ["bug"] * 2 + ["task"] * 2


def seed_items(ctx: dict) -> None:
    """Items per project through the backlog's own services; old done items fill the rest."""
    rnd, scale = ctx["random"], ctx["scale"]
    users = ctx["users"]
    long_ago = utcnow() - timedelta(days=120)
    for project in ctx["projects"]:
        total = max(30, int(ITEMS[project.key] * scale))
        open_count = max(20, int(OPEN_IN_BIG * scale)) if project.key == "BIG" else total // 3
        po = next(u for u in users if u.email == _any_member_email(project))
        epics = [create_item(project, po, f"Epos {n} i {project.name}", "epic", at=long_ago)
                 for n in range(20)]
        statuses = [s for s, weight in OPEN_MIX for _ in range(weight)]
        for n in range(total - len(epics)):
            is_open = n >= total - len(epics) - open_count
            at = long_ago + timedelta(minutes=n) if not is_open else utcnow() - timedelta(days=3)
            create_item(project, po, f"Punkt {n}: {rnd.choice(WORDS)} {rnd.choice(WORDS)}",
                        rnd.choice(TYPES), estimate=rnd.choice([1, 2, 3, 5, 8, None]),
                        status=rnd.choice(statuses) if is_open else "done",
                        assignee_id=rnd.choice(users[::8]).id if rnd.random() < .6 else None,
                        parent_id=rnd.choice(epics).id, labels=rnd.sample(LABELS, 2),
                        description="Beskrivelse af punktet med **Markdown**.", at=at)
            if n % 200 == 0:
                db.session.flush()
        db.session.commit()
    _busy_item(ctx)


def open_numbers(key: str) -> list[int]:
    """The open cards of project `key` that the load's users open and move, read from the
    database the load runs on (a file written when seeding named the cards of whichever data
    set was seeded last: the test suite's small one made every move a refusal). Not those in
    acceptance: moving one of them is an acceptance or a rejection."""
    return list(db.session.scalars(select(Item.number).join(Project).where(
        Project.key == key, Item.status.in_(["backlog", "ready", "in_progress", "review"]),
        Item.type != "epic").order_by(Item.number)))


# The board of a project ten times the size of most: 4,000 open cards (issue 25). Its
# members are BIG's first forty, with the same roles.
HUGE_KEY = "STOR"
HUGE_OPEN = 4000


def huge_is_seeded() -> bool:
    return db.session.scalar(select(Project.id).where(Project.key == HUGE_KEY)) is not None


def seed_huge(ctx: dict) -> None:
    """A project with 4,000 open items across the board's columns, through the services."""
    from app.projects.models import Membership, MembershipRole, ProjectOrganisation
    from app.projects.services import add_member, add_participation, create_project

    rnd, scale = ctx["random"], ctx["scale"]
    big = db.session.scalar(select(Project).where(Project.key == "BIG"))
    project = create_project(HUGE_KEY, "Meget stort projekt", "Benchmarkprojekt med 4.000 kort")
    for part in db.session.scalars(select(ProjectOrganisation)
                                   .where(ProjectOrganisation.project_id == big.id)):
        add_participation(project, part.organisation, part.kind)
    members = db.session.scalars(select(Membership).where(Membership.project_id == big.id)
                                 .order_by(Membership.id).limit(40)).all()
    for membership in members:
        roles = db.session.scalars(select(MembershipRole.role).where(
            MembershipRole.membership_id == membership.id)).all()
        add_member(project, membership.user, roles)
    db.session.flush()
    po = next(m.user for m in members if "product_owner" in {r.role for r in m.roles})
    people = [m.user for m in members]
    epics = [create_item(project, po, f"Epos {n} i det store projekt", "epic") for n in range(20)]
    statuses = [s for s, weight in OPEN_MIX for _ in range(weight)]
    for n in range(max(40, int(HUGE_OPEN * scale))):
        create_item(project, po, f"Kort {n}: {rnd.choice(WORDS)} {rnd.choice(WORDS)}",
                    rnd.choice(TYPES), estimate=rnd.choice([1, 2, 3, 5, 8, None]),
                    status=rnd.choice(statuses),
                    assignee_id=rnd.choice(people).id if rnd.random() < .6 else None,
                    parent_id=rnd.choice(epics).id, labels=rnd.sample(LABELS, 2),
                    at=utcnow() - timedelta(days=3))
        if n % 200 == 0:
            db.session.flush()
    db.session.commit()


def _any_member_email(project) -> str:
    return _any_member("product_owner", project.key)


def _busy_item(ctx) -> None:
    """One item in BIG with 50 comments and 200 history entries, for the item page."""
    big = db.session.scalar(select(Project).where(Project.key == "BIG"))
    po = db.session.scalar(select(User).where(User.email == _any_member("product_owner")))
    dev = db.session.scalar(select(User).where(User.email == _any_member("developer")))
    item = create_item(big, po, "Travlt punkt med lang historik", estimate=3, position="top")
    for n in range(198):
        update_item(item, dev if n % 2 else po, {"title": f"Travlt punkt, version {n}"})
    for n in range(50):
        add_comment(item, dev if n % 2 else po, f"Kommentar {n}: vi har **testet** det igen.")
    db.session.commit()


def _item_number(title_prefix: str) -> int:
    return db.session.scalar(select(Item.number).join(Project, Project.id == Item.project_id)
                             .where(Project.key == "BIG", Item.title.like(title_prefix + "%")))


def board_page(ctx):
    email = _any_member("developer")
    return lambda: (email, "GET", "/p/BIG/board", None)


def huge_board_page(ctx):
    email = _any_member("developer", HUGE_KEY)
    return lambda: (email, "GET", f"/p/{HUGE_KEY}/board", None)


def htmx_card_move(ctx):
    """The board's own move at 4,000 cards: an htmx POST saying how many cards the two
    columns show (50 each), answered with the card and the two heads only."""
    email = _any_member("developer", HUGE_KEY)
    # The first card of its column by rank: the answer places it (and renders it).
    number = db.session.scalar(select(Item.number).join(Project).where(
        Project.key == HUGE_KEY, Item.status.in_(["ready", "in_progress"]))
        .order_by(Item.rank).limit(1))
    state = {"to": "in_progress"}

    def make():
        version, status = db.session.execute(select(Item.version_id, Item.status).join(Project)
                                             .where(Project.key == HUGE_KEY,
                                                    Item.number == number)).one()
        state["to"] = "ready" if status == "in_progress" else "in_progress"
        return (email, "POST", f"/p/{HUGE_KEY}/items/{number}/move",
                {"status": state["to"], "from_status": status, "version": version,
                 "context": "board", "focus": "1", "n_ready": "50", "n_in_progress": "50"},
                {"HX-Request": "true"})
    return make


def backlog_page(ctx):
    email = _any_member("product_owner")
    return lambda: (email, "GET", "/p/BIG/backlog", None)


def item_page(ctx):
    email = _any_member("developer")
    number = _item_number("Travlt punkt")
    return lambda: (email, "GET", f"/p/BIG/items/{number}", None)


def card_move(ctx):
    """Move one open card back and forth between ready and in progress (with its version)."""
    email = _any_member("developer")
    number = db.session.scalar(select(func.max(Item.number)).join(Project).where(
        Project.key == "BIG", Item.status.in_(["ready", "in_progress"])))
    state = {"to": "in_progress"}

    def make():
        version = db.session.scalar(select(Item.version_id).join(Project).where(
            Project.key == "BIG", Item.number == number))
        state["to"] = "ready" if state["to"] == "in_progress" else "in_progress"
        return email, "POST", f"/p/BIG/items/{number}/move", {"status": state["to"],
                                                              "version": version}
    return make


def rank_change(ctx):
    """A product owner moves one item to the top and back to the bottom of 3,000 (with its
    version, as the backlog's buttons send it)."""
    email = _any_member("product_owner")
    number = _item_number("Punkt 1500:")
    state = {"where": "top"}

    def make():
        version = db.session.scalar(select(Item.version_id).join(Project).where(
            Project.key == "BIG", Item.number == number))
        state["where"] = "bottom" if state["where"] == "top" else "top"
        return email, "POST", f"/p/BIG/items/{number}/rank", {"where": state["where"],
                                                              "version": version}
    return make


SCENARIOS = [
    Scenario("Board of a project, 1,000 open cards", board_page, target_ms=15,
             target_statements=12, runs=20),
    Scenario("Board of a project, 4,000 open cards", huge_board_page, target_ms=20,
             target_statements=12, runs=20),
    Scenario("Backlog, first page of 3,000 items", backlog_page, target_ms=12),
    Scenario("Item page, 50 comments and 200 history entries", item_page, target_ms=25),
    Scenario("Card move (one item row and its history written)", card_move, target_ms=10),
    Scenario("Card move with htmx at 4,000 cards (the card and two heads answered, < 5 KB)",
             htmx_card_move, target_ms=10),
    Scenario("Backlog rank change (one item row and its history)", rank_change, target_ms=10),
]


def actions(key: str, numbers: list[int]):
    """Load actions on the board, backlog and items of project `key` (the load users are
    product owners, who may move cards and comment); `numbers`: its open cards
    (`open_numbers`), among which moves succeed."""

    def item(rnd):
        return rnd.choice(numbers)

    return [
        (4, "board", lambda rnd, s: ("GET", f"/p/{key}/board", None, {200})),
        (4, "backlog", lambda rnd, s: ("GET", f"/p/{key}/backlog", None, {200})),
        (4, "item", lambda rnd, s: ("GET", f"/p/{key}/items/{item(rnd)}", None, {200})),
        (1, "backlog search", lambda rnd, s: ("GET",
                                              f"/p/{key}/backlog?q=punkt+{rnd.randint(1, 99)}",
                                              None, {200})),
        (2, "card move", lambda rnd, s: _card_move(key, item(rnd), rnd, s)),
        (1, "comment", lambda rnd, s: (
            "POST", f"/p/{key}/items/{item(rnd)}/comments",
            {"body": "Kommentar fra belastningstesten"}, {303})),
    ]


VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def _card_move(key: str, number: int, rnd, session):
    """A move as the board's "Move to…" menu makes it: the menu first (not timed), for the
    version the mover sees; another load user may move the card in between (409)."""
    _status, menu = session.request("GET", f"/p/{key}/items/{number}/move",
                                    headers={"HX-Request": "true"})
    version = VERSION_RE.search(menu.decode("utf-8", "replace"))
    return ("POST", f"/p/{key}/items/{number}/move",
            {"status": rnd.choice(["backlog", "ready"]),
             "version": version.group(1) if version else ""}, {303, 409})


WORDS = ["kontrakt", "system", "leverandør", "databehandler", "integration", "eksport", "rapport",
         "budget", "tilsyn", "varsel", "søgning", "adgang", "brugerflade", "import", "arkiv"]
LABELS = ["gdpr", "sikkerhed", "økonomi", "integration", "tilgængelighed", "drift", "rapport",
          "kontrakt", "import", "fejlrettelse"]
