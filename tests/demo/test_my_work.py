"""The demo makes My work worth opening for the personas of the product brief."""
from sqlalchemy import select

from app.accounts.models import User
from app.demo.seed import seed_all
from app.extensions import db
from tests.pages import shown


def my_work(client, email):
    """/my as the demo account `email` reads it, in English."""
    with client.session_transaction() as session:
        session["_user_id"] = db.session.scalar(select(User).where(User.email == email)).get_id()
    return shown(client.get("/my", headers={"Accept-Language": "en"}).text)


def count_of(text: str, title: str) -> int:
    return int(text[text.index(title) + len(title):].split()[0])


def test_every_persona_finds_something_waiting(app, client):
    seed_all()
    aarhus = my_work(client, "po@aarhus.example")
    assert count_of(aarhus, "Awaiting my acceptance") >= 2
    assert "OVB-" in aarhus and "BOOK-" in aarhus
    assert count_of(aarhus, "My municipality's needs") >= 3
    assert "Submitted by us" in aarhus and "Co-sponsored" in aarhus
    assert "linked items done" in aarhus
    assert count_of(my_work(client, "dev@nordlys.example"), "Assigned to me") >= 3
    steering = my_work(client, "styregruppe@kobenhavn.example")
    assert count_of(steering, "Escalations waiting for my decision") >= 1
    roskilde = my_work(client, "fag@roskilde.example")
    assert count_of(roskilde, "My municipality's needs") >= 1
