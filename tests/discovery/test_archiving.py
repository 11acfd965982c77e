"""Archiving and restoring needs: off the list and the roadmap, findable with the filter."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.discovery.models import NeedChange
from app.discovery.services import create_need
from app.extensions import db


def test_a_need_is_archived_hidden_and_restored(world, login):
    po = world.users["product_owner"]
    need = create_need(world.project_a, po, title="Gammelt behov", background="B",
                       desired_outcome="D", expected_value="V")
    db.session.commit()
    client = login(po)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/p/ALPHA/needs/{need.number}"
    assert client.post(url + "/archive").status_code == 303
    assert "Gammelt behov" not in client.get("/p/ALPHA/needs").get_data(as_text=True)
    assert "Gammelt behov" in client.get("/p/ALPHA/needs?archived=1").get_data(as_text=True)
    assert "This need is archived." in client.get(url).get_data(as_text=True)
    twice = client.post(url + "/archive")
    assert twice.status_code == 409 and "already archived" in twice.get_data(as_text=True)
    assert login(world.users["observer"]).post(url + "/restore").status_code == 403
    client = login(po)
    assert client.post(url + "/restore").status_code == 303
    assert "Gammelt behov" in client.get("/p/ALPHA/needs").get_data(as_text=True)
    assert list(db.session.execute(select(NeedChange.old_value, NeedChange.new_value).where(
        NeedChange.field == "archived").order_by(NeedChange.id))) == [("", "yes"), ("yes", "")]
    assert list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("need.%ed")).where(AuditEvent.action.in_(
            ["need.archived", "need.restored"])).order_by(AuditEvent.id))) == [
        "need.archived", "need.restored"]


def test_the_secretariat_deletes_an_archived_need_and_a_tombstone_remains(world, login):
    from app.backlog.models import Tombstone
    from app.discovery.models import Need

    po = world.users["product_owner"]
    need = create_need(world.project_a, po, title="Dublet", background="B",
                       desired_outcome="D", expected_value="V")
    db.session.commit()
    need_id, url = need.id, f"/p/ALPHA/needs/{need.number}"
    client = login(world.users["secretariat"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.post(url + "/delete", data={"confirmation": f"#{need.number}"}
                       ).status_code == 409
    client.post(url + "/archive")
    assert login(po).get(url + "/delete").status_code == 403
    client = login(world.users["secretariat"])
    wrong = client.post(url + "/delete", data={"confirmation": "99"})
    assert wrong.status_code == 422 and "to confirm the deletion" in wrong.get_data(as_text=True)
    assert client.post(url + "/delete", data={"confirmation": f"#{need.number}"}
                       ).status_code == 303
    assert db.session.get(Need, need_id) is None
    assert db.session.scalar(select(Tombstone.reference).where(Tombstone.kind == "need")) == (
        f"#{need.number}")
    gone = client.get(url)
    assert gone.status_code == 410 and "deleted by A secretariat" in gone.get_data(as_text=True)
    assert client.get("/p/ALPHA/needs/999").status_code == 404
