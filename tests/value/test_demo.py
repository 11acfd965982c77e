"""The demo's benefit realisation: OVB's delivered needs have their follow-ups; Aarhus has
answered its due ones, others wait (and were reminded); the coverage shows something."""
from sqlalchemy import select

from app.clock import local_today
from app.demo.seed import seed_all
from app.extensions import db
from app.notifications.models import Notification
from app.projects.models import Project
from app.value.coverage import project_coverage
from app.value.models import FollowUp


def test_the_demo_has_follow_ups_answered_and_due(app):
    seed_all()
    today = local_today()
    follow_ups = db.session.scalars(select(FollowUp)).all()
    assert {f.months for f in follow_ups} == {3, 12}
    answered = [f for f in follow_ups if f.is_answered]
    waiting = [f for f in follow_ups if not f.is_answered and f.due_on <= today]
    assert {f.organisation.name for f in answered} == {"Aarhus Kommune"}
    assert {f.rating for f in answered} == {"as", "below"}
    assert "Ballerup Kommune" in {f.organisation.name for f in waiting}
    assert all(f.reminded_at is not None for f in waiting)
    assert any(f.due_on > today for f in follow_ups)
    reminders = db.session.scalars(select(Notification).where(
        Notification.kind == "follow_up_due")).all()
    assert reminders and {n.recipient.email for n in reminders} >= {"po@ballerup.example"}
    ovb = db.session.scalar(select(Project).where(Project.key == "OVB"))
    coverage = project_coverage(ovb, today)
    assert coverage.delivered == 3 and coverage.decided > coverage.delivered


def test_the_demo_value_pages(app, client):
    seed_all()
    db.session.commit()
    client.post("/login", data={"email": "po@ballerup.example", "password": "samspil-demo"})
    page = client.get("/p/OVB/value")
    assert page.status_code == 200 and "Waiting since" in page.text
    assert client.get("/my/coverage").status_code == 200
    assert client.get("/p/OVB/value.csv").status_code == 200
    assert "Superseded" in client.get("/p/OVB/decisions").text
