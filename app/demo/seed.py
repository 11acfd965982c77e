"""The demo data set: the organisations, projects and people of PRODUCT.md, in Danish.

Each area adds a step to SEED_STEPS, in app/demo/<area>.py; each step receives the context
built so far (the moment the story ends, organisations, projects and users by handle, and
what earlier steps hand on) and returns counts for the summary. Steps go through the areas'
public services only, so the demo follows the same rules as the people using Samspil.
"""
from datetime import datetime

from sqlalchemy import delete

from app.accounts.services import create_user
from app.database import utcnow
from app.demo.backlog import seed_backlog
from app.demo.decisions import seed_decisions
from app.demo.discovery import seed_discovery, seed_tracing
from app.demo.funding import seed_funding
from app.demo.invitations import seed_invitations
from app.demo.releases import seed_releases
from app.demo.rounds import seed_rounds
from app.demo.sprints import seed_sprints
from app.demo.two_factor import seed_two_factor
from app.demo.value import seed_value
from app.extensions import db
from app.organisations.services import create_organisation
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_member, add_participation, create_project

DEMO_PASSWORD = "samspil-demo"

MUNICIPALITIES = {
    "ballerup": ("Ballerup Kommune", 151),
    "aarhus": ("Aarhus Kommune", 751),
    "kobenhavn": ("Københavns Kommune", 101),
    "roskilde": ("Roskilde Kommune", 265),
    "soro": ("Sorø Kommune", 340),
    "bronderslev": ("Brønderslev Kommune", 810),
    "odense": ("Odense Kommune", 461),
}

# handle, e-mail, name, organisation, {project: roles}
PEOPLE = [
    ("po_ballerup", "po@ballerup.example", "Mette Kjær", "ballerup",
     {"OVB": [Role.PRODUCT_OWNER, Role.SECRETARIAT]}),
    ("po_aarhus", "po@aarhus.example", "Jonas Bech", "aarhus",
     {"OVB": [Role.PRODUCT_OWNER], "BOOK": [Role.PRODUCT_OWNER]}),
    ("fag_roskilde", "fag@roskilde.example", "Lise Holm", "roskilde",
     {"OVB": [Role.CONTRIBUTOR]}),
    ("dev_nordlys", "dev@nordlys.example", "Ahmed Rasmussen", "nordlys",
     {"OVB": [Role.DEVELOPER], "BOOK": [Role.DEVELOPER]}),
    ("lead_nordlys", "lead@nordlys.example", "Camilla Friis", "nordlys",
     {"OVB": [Role.DELIVERY_LEAD]}),
    ("styregruppe_kbh", "styregruppe@kobenhavn.example", "Peter Lund", "kobenhavn",
     {"OVB": [Role.STEERING]}),
    ("po_odense", "po@odense.example", "Sara Nielsen", "odense",
     {"BOOK": [Role.PRODUCT_OWNER]}),
    ("fag_soro", "fag@soro.example", "Birgitte Madsen", "soro",
     {"OVB": [Role.CONTRIBUTOR]}),
    ("fag_bronderslev", "fag@bronderslev.example", "Niels Thomsen", "bronderslev",
     {"OVB": [Role.CONTRIBUTOR]}),
    # The coordination group's round: product owners who score and vote for Roskilde and Sorø.
    ("po_roskilde", "po@roskilde.example", "Anders Krogh", "roskilde",
     {"OVB": [Role.PRODUCT_OWNER]}),
    ("po_soro", "po@soro.example", "Maja Lindberg", "soro", {"OVB": [Role.PRODUCT_OWNER]}),
    ("sek_community", "sekretariat@kommunefaellesskab.example", "Hanne Vestergaard", "community",
     {"OVB": [Role.SECRETARIAT, Role.OBSERVER]}),
    ("dev2_nordlys", "udvikler@nordlys.example", "Mikkel Sørensen", "nordlys",
     {"OVB": [Role.DEVELOPER], "BOOK": [Role.DEVELOPER, Role.DELIVERY_LEAD]}),
]


def seed_foundation(ctx: dict) -> dict:
    """Organisations, the two projects, participations and accounts."""
    orgs = ctx["orgs"]
    for handle, (name, code) in MUNICIPALITIES.items():
        orgs[handle] = create_organisation(name, "municipality", municipality_code=code)
    orgs["nordlys"] = create_organisation("Nordlys Software ApS", "vendor", cvr="31000009")
    orgs["community"] = create_organisation("Kommunefællesskabet Overblik (sekretariat, Ballerup)",
                                            "community")
    projects = ctx["projects"]
    projects["OVB"] = create_project(
        "OVB", "Overblik",
        "Fælles IT-porteføljeoverblik for kommunerne: systemer, kontrakter, databehandlere og "
        "økonomi ét sted. Ejet af kommunerne i fællesskabet og udviklet sammen med Nordlys.",
        is_roadmap_public=True)
    projects["BOOK"] = create_project(
        "BOOK", "Borgerbooking",
        "Selvbetjening, hvor borgere booker tid hos kommunens borgerservice, jobcenter og "
        "genbrugsstationer. Udviklet af Aarhus og Odense sammen med Nordlys.")
    add_participation(projects["OVB"], orgs["community"], ParticipationKind.OWNER)
    add_participation(projects["OVB"], orgs["ballerup"], ParticipationKind.OWNER)
    for handle in ("aarhus", "kobenhavn", "roskilde", "soro", "bronderslev"):
        add_participation(projects["OVB"], orgs[handle], ParticipationKind.MEMBER)
    add_participation(projects["OVB"], orgs["nordlys"], ParticipationKind.VENDOR)
    add_participation(projects["BOOK"], orgs["aarhus"], ParticipationKind.OWNER)
    add_participation(projects["BOOK"], orgs["odense"], ParticipationKind.MEMBER)
    add_participation(projects["BOOK"], orgs["nordlys"], ParticipationKind.VENDOR)

    users = ctx["users"]
    for handle, email, name, org, roles_by_project in PEOPLE:
        users[handle] = create_user(email, name, DEMO_PASSWORD, orgs[org], check_password=False)
        for key, roles in roles_by_project.items():
            add_member(projects[key], users[handle], roles)
    users["admin"] = create_user("admin@samspil.example", "Samspil-administrator", DEMO_PASSWORD,
                                 orgs["community"], is_site_admin=True, check_password=False)
    return {"organisations": len(orgs), "projects": len(projects), "users": len(users)}


SEED_STEPS = [seed_foundation, seed_backlog, seed_sprints, seed_discovery, seed_tracing,
              seed_decisions, seed_releases, seed_funding, seed_rounds, seed_value,
              seed_two_factor, seed_invitations]


def seed_all(now: datetime | None = None) -> dict:
    """Run every seed step in order, the story ending `now`; returns the counts of what was
    made."""
    ctx: dict = {"now": now or utcnow(), "orgs": {}, "projects": {}, "users": {}}
    summary: dict = {}
    for step in SEED_STEPS:
        summary.update(step(ctx))
    db.session.flush()
    return summary


def reset_database() -> None:
    """Delete every row of every table, children first."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.flush()
