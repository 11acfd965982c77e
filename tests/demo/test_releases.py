"""The demo's releases and definition of done: 1.4 released with its notes, 1.5 in test with
one sign-off in and one pending; the vendor's checklist ticked on accepted items, with one
explanation per project."""
from sqlalchemy import select

from app.backlog.models import Item
from app.demo.seed import seed_all
from app.extensions import db
from app.projects.models import Project
from app.releases.models import DoneCheck, Release


def test_the_demo_has_a_released_version_and_one_in_test(app, client, login):
    seed_all()
    db.session.commit()
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    releases = db.session.scalars(select(Release).where(Release.project_id == ovb.id)
                                  .order_by(Release.number)).all()
    assert [(r.name, r.state) for r in releases] == [("1.4", "released"), ("1.5", "in_test")]
    assert "Nyheder" in releases[0].notes_da and "What is new" in releases[0].notes_en
    assert [t.decision for t in releases[1].testers] == ["approved", None]
    assert all(item.status == "done" for r in releases for item in r.items)
    unmet = db.session.scalars(select(DoneCheck).join(Item, Item.id == DoneCheck.item_id).where(
        Item.project_id == ovb.id, DoneCheck.is_met.is_(False))).all()
    assert len(unmet) == 1 and unmet[0].explanation
    ticked_done = db.session.scalar(select(Item).join(DoneCheck, DoneCheck.item_id == Item.id)
                                    .where(Item.project_id == ovb.id, Item.status == "done")
                                    .limit(1))
    assert ticked_done is not None
    from app.accounts.models import User

    aarhus = db.session.scalar(select(User).where(User.email == "po@aarhus.example"))
    page = login(aarhus).get(f"/p/OVB/releases/{releases[1].number}").text
    assert "Aarhus Kommune" in page and 'name="decision"' in page
