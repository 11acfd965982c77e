"""What the backlog tells each role in the digest: acceptance, blocked items, my items."""
from datetime import timedelta

from app.backlog.services import add_comment, create_item, update_item
from app.board.services import move_item
from app.database import utcnow
from app.digests.services import collect_sections
from app.extensions import db


def sections(world, role):
    now = utcnow()
    found = collect_sections(world.users[role], world.project_a, {role}, "weekly",
                             now - timedelta(days=7), now + timedelta(seconds=1))
    return {s.title: s for s in found}


def texts(section):
    return [(row.text, row.status, row.meta) for row in section.items]


def test_steering_and_product_owner_see_acceptance(world):
    po = world.users["product_owner"]
    accepted = create_item(world.project_a, po, "Eksport til regneark", status="acceptance")
    rejected = create_item(world.project_a, po, "Filtrér systemlisten", status="acceptance")
    create_item(world.project_a, po, "Ejer på hvert system", status="acceptance")
    move_item(accepted, po, "done")
    move_item(rejected, po, "in_progress", reason="Mangler kolonnen for ejer")
    db.session.commit()
    for role in ("steering", "product_owner"):
        section = sections(world, role)["Levering og godkendelse"]
        rows = texts(section)
        assert ("ALPHA-1 Eksport til regneark", "Godkendt", f"af {po.name}") in rows
        assert ("ALPHA-2 Filtrér systemlisten", "Afvist", "Mangler kolonnen for ejer") in rows
        assert ("ALPHA-3 Ejer på hvert system", "Afventer godkendelse", None) in rows
    assert "Levering og godkendelse" not in sections(world, "developer")


def test_blocked_items_and_my_items_with_new_comments(world):
    dev, po = world.users["developer"], world.users["product_owner"]
    item = create_item(world.project_a, po, "Import fra Kitos", assignee_id=dev.id,
                       status="in_progress")
    update_item(item, po, {"is_blocked": True, "blocked_reason": "Venter på API-nøgle"})
    add_comment(item, po, "Nøglen kommer fredag.")
    add_comment(item, dev, "Min egen note tæller ikke.")
    db.session.commit()
    mine = sections(world, "developer")
    assert ("ALPHA-1 Import fra Kitos", "Blokeret", "Venter på API-nøgle") in texts(
        mine["Blokerede punkter"])
    my_rows = texts(mine["Mine punkter"])
    assert ("ALPHA-1 Import fra Kitos", "Blokeret", None) in my_rows
    assert (f"{po.name} kommenterede ALPHA-1", None, "Nøglen kommer fredag.") in my_rows
    assert not any("Min egen note" in (meta or "") for _t, _s, meta in my_rows)
    assert "Blokerede punkter" in sections(world, "steering")
    assert "Mine punkter" not in sections(world, "steering")
    assert "Blokerede punkter" not in sections(world, "observer")
