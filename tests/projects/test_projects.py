"""Projects, the organisations taking part and people's roles."""
from sqlalchemy import func, select

from app.projects.models import Membership, Project, ProjectOrganisation
from app.projects.services import membership_of


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
                                                    "member-roles": ["observer"]})
    assert unknown.status_code == 422 and "Ingen bruger har denne e-mailadresse." in unknown.text


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
