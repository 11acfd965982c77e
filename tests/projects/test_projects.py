"""Projects, the organisations taking part and people's roles."""
import re

from sqlalchemy import func, select

from app.projects.models import Membership, Project, ProjectOrganisation
from app.projects.services import membership_of
from tests.pages import shown

EN = {"Accept-Language": "en"}


def test_site_admin_creates_a_project(world, client, login, db):
    login(world.users["site_admin"])
    response = client.post("/projects/new", data={"key": "KITOS", "name": "Kitos",
                                                  "description": "IT-systemoverblik"})
    assert response.status_code == 303 and response.headers["Location"] == "/p/KITOS/members"
    assert db.session.scalar(select(Project).where(Project.key == "KITOS")).name == "Kitos"


def test_duplicate_or_malformed_key_is_refused(world, client, login, db):
    login(world.users["site_admin"])
    before = db.session.scalar(select(func.count(Project.id)))
    duplicate = client.post("/projects/new", data={"key": "ALPHA", "name": "Igen"})
    assert duplicate.status_code == 422 and "Nøglen ALPHA er allerede i brug." in duplicate.text
    for key in ("a", "kitos", "K1TOS", "ABCDEFGHIJK", "Æ"):
        response = client.post("/projects/new", data={"key": key, "name": "X"})
        assert response.status_code == 422, key
    assert db.session.scalar(select(func.count(Project.id))) == before


def test_my_projects_lists_my_roles_only_for_my_projects(world, client, login):
    login(world.users["product_owner"])
    page = client.get("/").text
    assert "Alfa" in page and "Produktejer" in page and "Beta" not in page


def test_overview_is_404_for_non_members(world, client, login):
    login(world.users["outsider"])
    assert client.get("/p/ALPHA/").status_code == 404
    assert client.get("/p/ALPHA/members").status_code == 404
    assert client.get("/p/NOPE/").status_code == 404


def test_secretariat_adds_member_with_roles(world, client, login, factory, db):
    newcomer = factory.user(world.muni_a, email="ny@ballerup.example", name="Ny Kollega")
    db.session.commit()
    login(world.users["secretariat"])
    response = client.post("/p/ALPHA/members", data={"member-email": "NY@ballerup.example",
                                                     "member-roles": ["contributor", "observer"]})
    assert response.status_code == 303
    assert membership_of(world.project_a, newcomer.id).role_names == {"contributor", "observer"}
    assert "Ny Kollega" in client.get("/p/ALPHA/members").text


def test_member_of_a_non_participating_organisation_is_refused(world, client, login, db):
    login(world.users["secretariat"])
    response = client.post("/p/ALPHA/members", data={"member-email": "outsider@b.example",
                                                     "member-roles": ["observer"]})
    assert response.status_code == 422
    assert "deltager ikke i projektet" in response.text
    assert membership_of(world.project_a, world.users["outsider"].id) is None


def test_adding_without_roles_or_unknown_user_is_refused(world, client, login):
    login(world.users["secretariat"])
    no_roles = client.post("/p/ALPHA/members", data={"member-email": "observer@a.example"})
    assert no_roles.status_code == 422
    unknown = client.post("/p/ALPHA/members", data={"member-email": "ghost@a.example",
                                                    "member-roles": ["contributor"]})
    assert unknown.status_code == 422
    assert "Ingen konto har denne adresse endnu" in shown(unknown.text)


def test_an_unknown_address_is_answered_with_the_invitation_filled_in(world, client, login):
    """Issue 14, item 14: "add member" answers an unknown address with the invitation flow."""
    login(world.users["secretariat"])
    page = client.post("/p/ALPHA/members", data={"member-email": "ghost@a.example",
                                                 "member-roles": ["contributor"]})
    invite = page.text[page.text.index('id="invite"'):]
    invite = invite[:invite.index("</form>")]
    assert 'name="invite-email"' in invite and 'value="ghost@a.example"' in invite
    assert re.search(r'value="contributor"[^>]*checked|checked[^>]*value="contributor"', invite)
    # A refusal for another reason leaves the invitation form empty.
    member = client.post("/p/ALPHA/members", data={"member-email": "observer@a.example",
                                                   "member-roles": ["observer"]})
    assert member.status_code == 422 and 'value="observer@a.example"' not in \
        member.text[member.text.index('id="invite"'):]


def test_set_roles_and_remove_member(world, client, login, db):
    login(world.users["secretariat"])
    membership = membership_of(world.project_a, world.users["observer"].id)
    prefix = f"m{membership.id}"
    response = client.post(f"/p/ALPHA/members/{membership.id}/roles",
                           data={f"{prefix}-roles": ["observer", "steering"]})
    assert response.status_code == 303
    assert membership_of(world.project_a, world.users["observer"].id).role_names == {
        "observer", "steering"}
    empty = client.post(f"/p/ALPHA/members/{membership.id}/roles", data={})
    assert empty.status_code == 422
    assert client.post(f"/p/ALPHA/members/{membership.id}/remove").status_code == 303
    assert membership_of(world.project_a, world.users["observer"].id) is None


def test_membership_of_another_project_is_404(world, client, login, factory, db):
    other = membership_of(world.project_b, world.users["outsider"].id)
    login(world.users["secretariat"])
    assert client.post(f"/p/ALPHA/members/{other.id}/remove").status_code == 404
    assert db.session.get(Membership, other.id) is not None


def test_organisation_with_members_cannot_be_removed(world, client, login, db):
    login(world.users["secretariat"])
    response = client.post(f"/p/ALPHA/organisations/{world.vendor.id}/remove")
    assert response.status_code == 422 and "Fjern først de 2 medlemmer" in response.text
    assert db.session.scalar(select(func.count(ProjectOrganisation.id)).where(
        ProjectOrganisation.project_id == world.project_a.id)) == 2


def test_add_participation_rules(world, client, login, db):
    login(world.users["secretariat"])
    as_member = client.post("/p/ALPHA/organisations", data={"org-organisation_id": world.muni_b.id,
                                                            "org-kind": "vendor"})
    assert as_member.status_code == 422
    ok = client.post("/p/ALPHA/organisations", data={"org-organisation_id": world.muni_b.id,
                                                     "org-kind": "member"})
    assert ok.status_code == 303
    again = client.post("/p/ALPHA/organisations", data={"org-organisation_id": world.muni_b.id,
                                                        "org-kind": "member"})
    assert again.status_code == 422
    forged = client.post("/p/ALPHA/organisations", data={"org-organisation_id": "999999",
                                                         "org-kind": "member"})
    assert forged.status_code == 422


# Removing members and organisations: asked first, and never the last secretariat member ------

def test_remove_asks_first_on_a_page_of_its_own(world, client, login):
    observer = membership_of(world.project_a, world.users["observer"].id)
    login(world.users["secretariat"])
    page = client.get(f"/p/ALPHA/members/{observer.id}/remove", headers=EN)
    text = shown(page.text)
    assert page.status_code == 200 and "<h1" in page.text
    assert "Remove A observer from Alfa?" in text
    assert "A observer will lose their roles in the project (Observer) and no longer see it." \
        in text
    assert 'action="/p/ALPHA/members/' in page.text and "Cancel" in text
    assert membership_of(world.project_a, world.users["observer"].id) is not None  # asked only
    members = client.get("/p/ALPHA/members").text
    assert f'href="/p/ALPHA/members/{observer.id}/remove"' in members


def test_remove_question_as_the_dialog_content_with_htmx(world, client, login):
    login(world.users["secretariat"])
    page = client.get(f"/p/ALPHA/organisations/{world.vendor.id}/remove",
                      headers={**EN, "HX-Request": "true"})
    assert page.status_code == 200 and "<html" not in page.text and "<h2" in page.text
    assert "HX-Request" in page.headers["Vary"]
    # The vendor's people are still members: the question says why not, and offers no button.
    assert "Remove the 2 members from Nordlys Software ApS first." in shown(page.text)
    assert 'type="submit"' not in page.text


def test_the_last_secretariat_member_cannot_be_removed_nor_remove_themself(world, client,
                                                                          login, db):
    secretariat = world.users["secretariat"]
    own = membership_of(world.project_a, secretariat.id)
    login(secretariat)
    question = client.get(f"/p/ALPHA/members/{own.id}/remove", headers=EN)
    assert "is the last member of the secretariat of Alfa and cannot be removed" in \
        shown(question.text)
    refused = client.post(f"/p/ALPHA/members/{own.id}/remove", headers=EN)
    assert refused.status_code == 409
    assert "is the last member of the secretariat of Alfa" in shown(refused.text)
    assert membership_of(world.project_a, secretariat.id) is not None
    login(world.users["site_admin"])
    assert client.post(f"/p/ALPHA/members/{own.id}/remove").status_code == 409
    assert membership_of(world.project_a, secretariat.id) is not None


def test_the_last_secretariat_member_keeps_the_role(world, client, login):
    own = membership_of(world.project_a, world.users["secretariat"].id)
    login(world.users["secretariat"])
    response = client.post(f"/p/ALPHA/members/{own.id}/roles",
                           data={f"m{own.id}-roles": ["observer"]}, headers=EN)
    assert response.status_code == 409
    assert "keeps that role" in shown(response.text)
    assert membership_of(world.project_a, world.users["secretariat"].id).role_names == {
        "secretariat"}


def test_removing_oneself_says_where_one_lands_and_lands_there(world, client, login, factory,
                                                               db):
    from app.projects.models import Role

    colleague = factory.user(world.muni_a, name="Anden Sekretær", roles=[Role.SECRETARIAT],
                             project=world.project_a)
    db.session.commit()
    own = membership_of(world.project_a, colleague.id)
    login(colleague)
    question = shown(client.get(f"/p/ALPHA/members/{own.id}/remove", headers=EN).text)
    assert "You will lose your roles in the project: Secretariat." in question
    assert "You will no longer see the project; you will land on My projects." in question
    response = client.post(f"/p/ALPHA/members/{own.id}/remove", headers=EN)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert membership_of(world.project_a, colleague.id) is None
    landing = client.get("/", headers=EN)
    assert landing.status_code == 200 and "You are no longer a member of Alfa." in landing.text


def _project_bar(client, path, headers=None) -> str:
    html = client.get(path, headers=headers).get_data(as_text=True)
    return re.search(r'<nav class="project-nav".*?</nav>', html, re.S).group(0)


def test_the_project_bar_marks_the_area_and_shows_the_name_and_language_of_now(world, client,
                                                                               login, db):
    # The bar is kept per project, language and area (app/projects/navigation.py): each page
    # still marks its own area, and a new name or another language shows at once.
    login(world.users["product_owner"])
    for path in ("/p/ALPHA/backlog", "/p/ALPHA/board", "/p/ALPHA/needs"):
        bar = _project_bar(client, path)
        assert f'<a href="{path}" aria-current="page">' in bar and bar.count("aria-current") == 1
    assert "Tavle" in _project_bar(client, "/p/ALPHA/board")
    english = _project_bar(client, "/p/ALPHA/board", EN)
    assert ">Board</a>" in english and "Tavle" not in english
    world.project_a.name = "Alfa 2"
    db.session.commit()
    assert "Alfa 2" in _project_bar(client, "/p/ALPHA/board")
    login(world.users["outsider"])  # another project's bar: its own links
    other = _project_bar(client, "/p/BETA/board")
    assert '<a href="/p/BETA/board" aria-current="page">' in other and "ALPHA" not in other
