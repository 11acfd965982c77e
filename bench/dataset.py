"""The large, realistic data set, seeded through the project's own services.

80 municipalities, a vendor, 5 projects, 400 users; areas add their parts (items, sprints,
needs) in later steps of DATASET_STEPS. `scale` shrinks everything for a quick run.
"""
import random

from sqlalchemy import select, text

from app.accounts.services import create_user
from app.extensions import db
from app.organisations.municipalities import MUNICIPALITY_CODES
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Project, Role
from app.projects.services import add_member, add_participation, create_project

MARKER_KEY = "BIG"
PROJECTS = [("BIG", "Stort fællesprojekt", 0.30), ("KIT", "Kitos-lignende", 0.25),
            ("BOG", "Bogføring", 0.15), ("HJM", "Hjemmepleje", 0.15), ("SKO", "Skoleportal", 0.15)]
PASSWORD = "bench-password-123"


def is_seeded() -> bool:
    return db.session.scalar(select(Project.id).where(Project.key == MARKER_KEY)) is not None


def seed_people(ctx: dict) -> None:
    """Organisations, projects, participations and 400 users with roles."""
    rnd = ctx["random"]
    codes = sorted(MUNICIPALITY_CODES)[: max(4, int(80 * ctx["scale"]))]
    munis = [create_organisation(f"{MUNICIPALITY_CODES[c]} Kommune", "municipality",
                                 municipality_code=c) for c in codes]
    vendor = create_organisation("Bench Leverandør A/S", "vendor", cvr="31000009")
    projects = [create_project(key, name, f"Benchmarkprojekt {name}") for key, name, _ in PROJECTS]
    for project in projects:
        add_participation(project, vendor, ParticipationKind.VENDOR)
        for muni in munis:
            add_participation(project, muni, ParticipationKind.MEMBER)
    users, steering = [], []
    n_users = max(20, int(400 * ctx["scale"]))
    for i in range(n_users):
        is_vendor = i % 8 == 0
        org = vendor if is_vendor else munis[i % len(munis)]
        user = create_user(f"bench{i}@bench.example", f"Bruger {i}", PASSWORD, org,
                           check_password=False)
        users.append(user)
        for project in projects:
            if is_vendor:
                roles = [Role.DEVELOPER] if i % 16 else [Role.DEVELOPER, Role.DELIVERY_LEAD]
            elif i % 10 == 1:
                roles = [Role.PRODUCT_OWNER]
            elif i % 25 == 2:
                roles = [Role.STEERING]
            else:
                roles = [rnd.choice([Role.CONTRIBUTOR, Role.OBSERVER])]
            add_member(project, user, roles)
            if Role.STEERING in roles and project.key == MARKER_KEY:
                steering.append(user)
        if i % 50 == 0:
            db.session.flush()
    ctx.update(munis=munis, vendor=vendor, projects=projects, users=users, steering=steering)


def seed_backlog(ctx: dict) -> None:
    from bench.backlog import seed_items

    seed_items(ctx)


def seed_discovery(ctx: dict) -> None:
    """Needs, co-sponsorships and discovery notes (bench/discovery.py)."""
    from bench.discovery import seed_needs

    seed_needs(ctx)


def seed_sprints(ctx: dict) -> None:
    from bench.sprints import seed_sprints as seed

    seed(ctx)


def seed_huge(ctx: dict) -> None:
    """The project with 4,000 open cards (bench/backlog.py)."""
    from bench.backlog import seed_huge as seed

    seed(ctx)


DATASET_STEPS = [seed_people, seed_backlog, seed_sprints, seed_discovery, seed_huge]


def seed_missing(scale: float = 1.0, seed: int = 7) -> bool:
    """Steps added to the bench after a database was seeded (the 4,000-card project): run
    them on it; True when something was added."""
    from bench.backlog import huge_is_seeded

    if huge_is_seeded():
        return False
    seed_huge({"scale": scale, "random": random.Random(seed)})
    db.session.commit()
    refresh_statistics()
    return True


def seed_dataset(scale: float = 1.0, seed: int = 7) -> dict:
    """Run every dataset step; commits once at the end of each step."""
    ctx = {"scale": scale, "random": random.Random(seed)}
    for step in DATASET_STEPS:
        step(ctx)
        db.session.commit()
    refresh_statistics(vacuum=True)
    return ctx


def refresh_statistics(vacuum: bool = False) -> None:
    """What autovacuum would do soon after a bulk load (PostgreSQL): fresh planner statistics
    for every table. Without them the planner takes the tables seeded after the last ANALYZE
    (needs, co-sponsorships, need history) for empty and joins them row by row."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if vacuum else "ANALYZE"))
