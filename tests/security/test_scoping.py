"""Every project resource is fetched through a loader scoped to the current user's projects:
another project's rows answer 404, exactly like rows that do not exist."""
import pytest

from app.projects.loaders import get_by_id, get_in_project_or_404
from app.projects.models import Membership
from app.projects.services import membership_of
from tests.security.hostile import snapshot


@pytest.fixture
def b_member(world):
    return membership_of(world.project_b, world.users["outsider"].id)


def test_secretariat_of_a_cannot_reach_project_b(world, client, login, b_member):
    login(world.users["secretariat"])
    for url in ("/p/BETA/", "/p/BETA/members", "/p/BETA/audit"):
        assert client.get(url).status_code == 404, url
    before = snapshot()
    for url, data in [("/p/BETA/members", {"member-email": "observer@a.example",
                                           "member-roles": "observer"}),
                      (f"/p/BETA/members/{b_member.id}/roles",
                       {f"m{b_member.id}-roles": "observer"}),
                      (f"/p/BETA/members/{b_member.id}/remove", {}),
                      ("/p/BETA/organisations", {"org-organisation_id": world.muni_a.id,
                                                 "org-kind": "member"}),
                      (f"/p/BETA/organisations/{world.muni_b.id}/remove", {})]:
        assert client.post(url, data=data).status_code == 404, url
    assert snapshot() == before


def test_forged_ids_of_project_b_in_project_a_urls_answer_404(world, client, login, b_member):
    login(world.users["secretariat"])
    before = snapshot()
    for url, data in [(f"/p/ALPHA/members/{b_member.id}/roles",
                       {f"m{b_member.id}-roles": "steering"}),
                      (f"/p/ALPHA/members/{b_member.id}/remove", {}),
                      (f"/p/ALPHA/organisations/{world.muni_b.id}/remove", {})]:
        assert client.post(url, data=data).status_code == 404, url
    assert snapshot() == before
    assert b_member.role_names == {"product_owner"}


@pytest.mark.parametrize("ident", ["0", "2147483648", "99999999999999999999999", "-1", "abc"])
def test_ids_no_database_can_hold_answer_404(world, client, login, ident):
    login(world.users["secretariat"])
    assert client.post(f"/p/ALPHA/members/{ident}/remove").status_code == 404
    assert client.post(f"/p/ALPHA/organisations/{ident}/remove").status_code == 404


def test_forged_organisation_id_in_a_form_is_refused(world, client, login):
    login(world.users["secretariat"])
    before = snapshot()
    for value in ("2147483648", "99999999999999999999999", "-5", "0"):
        response = client.post("/p/ALPHA/organisations", data={"org-organisation_id": value,
                                                                "org-kind": "member"})
        assert response.status_code == 422, value
    assert snapshot() == before


def test_project_keys_are_case_exact_and_unknown_ones_404(world, client, login):
    login(world.users["site_admin"])
    assert client.get("/p/alpha/").status_code == 404
    assert client.get("/p/NOPE/").status_code == 404


def test_scoped_helpers(world, b_member, app):
    a_member = membership_of(world.project_a, world.users["observer"].id)
    assert get_in_project_or_404(Membership, world.project_a, a_member.id) is a_member
    from werkzeug.exceptions import NotFound

    for ident in (b_member.id, 0, -1, 2**31, 2**70, "1", None, True):
        with pytest.raises(NotFound):
            get_in_project_or_404(Membership, world.project_a, ident)
    assert get_by_id(Membership, 2**63) is None
