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
