"""The demo seed's needs: enough of them, in every status, and only where they belong; their
history dated in the past by the discovery services themselves."""
from sqlalchemy import func, select

from app.audit.models import AuditEvent
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
    # Two are escalated; the decision log's demo settles one of them.
    assert sum(n.is_escalated for n in ovb) >= 1
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
        # The last status change is logged, and audited, at the moment it happened.
        if need.status != NeedStatus.SUBMITTED:
            change = [c for c in need.changes if c.field == "status"][-1]
            assert change.created_at == need.status_changed_at
            assert need.status_changed_at in db.session.scalars(
                select(AuditEvent.created_at).where(AuditEvent.action == "need.status_changed",
                                                    AuditEvent.target_id == need.id)).all()


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


def test_the_demo_links_needs_to_items_consistent_with_their_status(app, db):
    from app.backlog.models import Item
    from app.discovery.models import NeedItemLink

    summary = seed_all()
    db.session.commit()
    assert summary["need–item links"] >= 8
    linked = {}
    for need, item in db.session.execute(
            select(Need, Item).join(NeedItemLink, NeedItemLink.need_id == Need.id)
            .join(Item, Item.id == NeedItemLink.item_id)).all():
        assert need.project_id == item.project_id
        linked.setdefault(need, []).append(item)
    delivered = [n for n in linked if n.status == NeedStatus.DELIVERED]
    planned = [n for n in linked if n.status == NeedStatus.PLANNED]
    assert len(delivered) >= 2 and len(planned) >= 3
    for need in delivered:
        assert all(i.status == "done" and i.accepted_at for i in linked[need]), need.title
    for need in planned:
        assert not all(i.status == "done" and i.accepted_at for i in linked[need]), need.title
    assert {n.status for n in linked} <= {NeedStatus.PLANNED, NeedStatus.DELIVERED}
