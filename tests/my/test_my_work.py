"""/my: each section shows what waits for this person, in their projects only, and says so
kindly when nothing does."""
import re
from datetime import timedelta

from sqlalchemy import select

from app.backlog.models import Item
from app.backlog.services import create_item
from app.database import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.projects.models import Membership, MembershipRole, ParticipationKind, Role
from app.projects.services import (add_member, add_participation, membership_of,
                                   remove_member)
from tests.pages import shown


def section(page: str, title: str) -> str:
    """The text of the section headed `title` on a page (up to the next section)."""
    text = shown(page)
    start = text.index(title)
    following = [text.find(t, start + 1) for t in SECTION_TITLES if t != title]
    ends = [n for n in following if n > start]
    return text[start:min(ends)] if ends else text[start:]


SECTION_TITLES = ("Awaiting my acceptance", "Assigned to me", "My municipality's needs",
                  "Escalations waiting for my decision", "Unread mentions", "Sign out",
                  "Accessibility statement")


def test_awaiting_my_acceptance_across_my_projects_only(work, login):
    page = login(work.po).get("/my").text
    waiting = section(page, "Awaiting my acceptance")
    assert waiting.startswith("Awaiting my acceptance 3 ")
    assert "ALPHA-1 Eksport af systemlisten" in waiting and "Delivered by A developer" in waiting
    assert "ALPHA-2 Filtrér på fagområde" in waiting
    assert "GAMMA-1 Gammas accepttest" in waiting and "Gamma" in waiting
    assert "Betas accepttest" not in page
    assert 'href="/p/GAMMA/items/1"' in page


def test_a_long_wait_for_acceptance_shows_the_longest_waiting_first_and_counts_all(work, login):
    now = utcnow()
    for n in range(22):
        item = create_item(work.world.project_a, work.po, f"Venter {n:02d}", status="acceptance")
        item.updated_at = now - timedelta(days=30 - n)  # "Venter 00" has waited longest
    db.session.commit()
    assert db.session.query(Item).filter_by(status="acceptance").count() == 26
    waiting = section(login(work.po).get("/my").text, "Awaiting my acceptance")
    assert waiting.startswith("Awaiting my acceptance 25 ")  # A's and Gamma's, not Beta's
    shown = re.findall(r"Venter \d\d", waiting)
    assert shown == [f"Venter {n:02d}" for n in range(20)]


def test_only_a_municipality_s_product_owner_is_asked_to_accept(work, login, factory):
    # A vendor's product owner can no longer be made (check_roles refuses it); one from
    # before that rule is written directly.
    vendor_po = factory.user(work.world.vendor, email="po@nordlys.example")
    db.session.add(Membership(project=work.world.project_a, user=vendor_po,
                              roles=[MembershipRole(role=Role.PRODUCT_OWNER)]))
    db.session.commit()
    for user in (work.dev, work.steering, vendor_po):
        page = login(user).get("/my").text
        assert "Awaiting my acceptance" not in page, user.email
        assert "Eksport af systemlisten" not in section(page, "My work"), user.email
    outsider = login(work.outsider).get("/my").text
    assert "Betas accepttest" in section(outsider, "Awaiting my acceptance")
    assert "Eksport af systemlisten" not in outsider


def test_assigned_to_me_by_status_in_board_order(work, login):
    page = login(work.dev).get("/my").text
    mine = section(page, "Assigned to me")
    assert mine.startswith("Assigned to me 3 ")
    ready, doing, accept = (mine.index(s) for s in ("Ready (1)", "In progress (1)",
                                                    "Acceptance (1)"))
    assert ready < doing < accept
    assert "Vis afhængigheder" in mine[ready:doing] and "Importér fra KITOS" in mine[doing:accept]
    assert "Eksport af systemlisten" in mine[accept:]
    assert "Gammelt arbejde" not in page and "Leadets opgave" not in page


def test_my_municipality_s_needs_with_the_progress_of_their_items(work, login):
    page = login(work.contributor).get("/my").text
    needs = section(page, "My municipality's needs")
    assert needs.startswith("My municipality's needs 3 ")
    assert re.search(r"#1 Kontraktpåmindelser Planned Submitted by us "
                     r"1 of 6 points done · 1 of 2 linked items done", needs), needs
    assert "#2 Fælles økonomioverblik Submitted Co-sponsored No backlog items serve it yet." \
        in needs
    assert "Skal vi betale for integrationen?" in needs
    assert "Kun Odenses ønske" not in page and "Betas eskalering" not in page
    odense = section(login(work.odense_member).get("/my").text, "My municipality's needs")
    assert "Kun Odenses ønske" in odense and "Fælles økonomioverblik" in odense
    assert "Kontraktpåmindelser" not in odense


def test_escalations_wait_for_the_steering_group_only(work, login):
    page = login(work.steering).get("/my").text
    waiting = section(page, "Escalations waiting for my decision")
    assert waiting.startswith("Escalations waiting for my decision 1 ")
    assert "#4 Skal vi betale for integrationen?" in waiting and "Ballerup Kommune" in waiting
    assert "Betas eskalering" not in page
    for user in (work.po, work.dev, work.contributor):
        assert "Escalations waiting for my decision" not in login(user).get("/my").text


def test_unread_mentions_until_i_look(work, login):
    client = login(work.po)
    body = f"@[Dev](user:{work.dev.id}) kan du se på eksporten?"
    assert client.post(f"/p/ALPHA/items/{work.accept_a.number}/comments",
                       data={"body": body}).status_code == 303
    page = login(work.dev).get("/my").text
    mentions = section(page, "Unread mentions")
    assert mentions.startswith("Unread mentions 1")
    assert f"ALPHA-{work.accept_a.number} Eksport af systemlisten" in mentions
    assert f"by {work.po.name}" in mentions
    assert f'href="/p/ALPHA/items/{work.accept_a.number}"' in page
    assert 'href="/notifications">All my notifications' in page

    notification = db.session.scalars(select(Notification).where(
        Notification.recipient_id == work.dev.id, Notification.kind == "mentioned")).one()
    client = login(work.dev)
    client.post(f"/notifications/{notification.id}/read")
    mentions = section(client.get("/my").text, "Unread mentions")
    assert "Unread mentions 0 Nobody has mentioned you since you last looked." in mentions


def test_mentions_in_a_project_i_left_are_not_waiting(work, login):
    login(work.po).post(f"/p/ALPHA/items/{work.doing.number}/comments",
                        data={"body": f"Spørg @[Dev](user:{work.dev.id})"})
    add_participation(work.gamma, work.dev.organisation, ParticipationKind.VENDOR)
    add_member(work.gamma, work.dev, [Role.DEVELOPER])
    remove_member(membership_of(work.world.project_a, work.dev.id))
    db.session.commit()
    mentions = section(login(work.dev).get("/my").text, "Unread mentions")
    assert "Unread mentions 0 Nobody has mentioned you" in mentions


def test_empty_sections_say_so(world, login, factory):
    quiet = factory.user(world.muni_a, email="ny@a.example",
                         roles=[Role.PRODUCT_OWNER, Role.STEERING], project=world.project_a)
    db.session.commit()
    page = shown(login(quiet).get("/my").text)
    for text in ("Awaiting my acceptance 0 Nothing waits for your acceptance. Well done!",
                 "Assigned to me 0 Nothing is assigned to you right now.",
                 "My municipality's needs 0 Ballerup Kommune has not submitted or co-sponsored",
                 "Escalations waiting for my decision 0 No escalated needs wait"):
        assert text in page, text
    nobody = factory.user(world.muni_a, email="ingen@a.example")
    db.session.commit()
    page = shown(login(nobody).get("/my").text)
    assert "You are not a member of any project yet, so nothing waits for you here." in page


def test_the_header_and_my_projects_lead_to_my_work(work, login):
    page = login(work.po).get("/").text
    assert page.count('href="/my"') == 2
    assert 'aria-current="page">My work' in login(work.po).get("/my").text


def test_anonymous_visitors_sign_in_first(client):
    response = client.get("/my")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
