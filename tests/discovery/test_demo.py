"""The demo seed's needs: enough of them, in every status, and only where they belong."""
from sqlalchemy import func, select

from app.demo.seed import seed_all
from app.discovery.models import Need, NeedCoSponsor, NeedNote, NeedStatus
from app.extensions import db
from app.projects.models import Project


def _needs(key):
    return db.session.scalars(select(Need).join(Project).where(Project.key == key)).all()


def test_the_demo_has_lived_in_needs(app, db, client, login):
    summary = seed_all()
    db.session.commit()
    ovb = _needs("OVB")
    assert len(ovb) >= 15 and summary["needs"] == len(ovb) + len(_needs("BOOK"))
    assert {n.status for n in ovb} == set(NeedStatus)
    assert sorted(n.number for n in ovb) == list(range(1, len(ovb) + 1))
    assert sum(n.is_escalated for n in ovb) >= 2
    assert len(_needs("BOOK")) >= 3
    sponsors = db.session.scalars(select(NeedCoSponsor.organisation_id).distinct()).all()
    assert len(sponsors) >= 4
    assert db.session.scalar(select(func.count()).select_from(NeedNote)) >= 10
    for need in ovb:  # the story holds together in time
        assert need.created_at <= need.status_changed_at <= need.updated_at
        assert all(c.organisation_id != need.organisation_id for c in need.cosponsors)
        if need.status == NeedStatus.DELIVERED:
            assert need.delivered_at == need.status_changed_at
        if need.status in (NeedStatus.DECLINED, NeedStatus.PARKED):
            assert need.status_rationale


def test_odense_sees_none_of_overbliks_needs(app, db, client, login):
    seed_all()
    db.session.commit()
    from app.accounts.models import User

    odense = db.session.scalar(select(User).where(User.email == "po@odense.example"))
    login(odense)
    assert client.get("/p/OVB/needs").status_code == 404
    assert client.get("/p/OVB/needs/1").status_code == 404
    assert client.get("/p/BOOK/needs").status_code == 200
    assert client.get("/roadmap/OVB").status_code == 200  # public by design
    assert client.get("/roadmap/BOOK").status_code == 404
