"""Hostile input over every form and endpoint of the foundation: always a success or a 4xx with
a reason, never a 500, and nothing changed on refusal. The harness is tests/security/hostile.py."""
from urllib.parse import quote

from hypothesis import strategies as st

from app.projects.models import Role
from app.projects.services import membership_of
from tests.conftest import PASSWORD
from tests.security.hostile import hostile_form, hostile_value, ids, path_segments, probe

ROLES = st.lists(st.sampled_from([r.value for r in Role]), max_size=3)
EMAILS = st.sampled_from(["observer@a.example", "outsider@b.example", "admin@example.test",
                          "OBSERVER@A.EXAMPLE ", "nobody@nowhere.example"])


def test_login(world, client):
    form = hostile_form({"email": EMAILS, "password": st.sampled_from([PASSWORD, "wrong"]),
                         "remember": st.sampled_from(["y", ""])})
    # A refused sign-in is itself audited; that row is the one change allowed.
    probe(client, st.tuples(st.just("/login"), form), label="accounts.login",
          ignore_tables={"audit_event"}, reset=lambda: signed_out(client))


def signed_out(client):
    """Start each attempt signed out, so every attempt reaches the sign-in check."""
    client.delete_cookie("session")
    client.delete_cookie("remember_token")


def test_settings(world, client, login):
    login(world.users["observer"])
    form = hostile_form({"locale": st.sampled_from(["", "da", "en", "de"])})
    probe(client, st.tuples(st.just("/settings"), form), label="accounts.settings")


def test_password(world, client, login):
    login(world.users["observer"])
    form = hostile_form({"pw-current_password": st.sampled_from([PASSWORD, "nope"]),
                         "pw-password": st.sampled_from(["a-fine-long-password-1", "short"])})
    probe(client, st.tuples(st.just("/settings/password"), form), label="accounts.password")


def test_organisations_create(world, client, login):
    login(world.users["site_admin"])
    form = hostile_form({"name": st.text(min_size=1, max_size=130),
                         "kind": st.sampled_from(["municipality", "vendor", "community", "x"]),
                         "municipality_code": st.sampled_from(["101", "151", "461", "999", "-1"]),
                         "cvr": st.sampled_from(["31000009", "12345678", "1234", ""])})
    probe(client, st.tuples(st.just("/organisations"), form), label="organisations.create")


def test_projects_new(world, client, login):
    login(world.users["site_admin"])
    form = hostile_form({"key": st.from_regex(r"[A-Z]{1,12}", fullmatch=True),
                         "name": st.text(max_size=130), "description": st.text(max_size=300),
                         "is_roadmap_public": st.sampled_from(["y", ""])})
    probe(client, st.tuples(st.just("/projects/new"), form), label="projects.new")


def test_members_add(world, client, login, factory, db):
    factory.user(world.muni_a, email="free@a.example")  # in Ballerup, not yet a member
    db.session.commit()
    login(world.users["secretariat"])
    urls = st.sampled_from(["/p/ALPHA/members", "/p/ALPHA/members", "/p/BETA/members"])
    form = hostile_form({"member-email": st.one_of(EMAILS, st.just("free@a.example")),
                         "member-roles": ROLES})
    probe(client, st.tuples(urls, form), label="projects.add_member")


def test_members_roles(world, client, login):
    login(world.users["secretariat"])
    own = membership_of(world.project_a, world.users["observer"].id).id
    other = membership_of(world.project_b, world.users["outsider"].id).id

    @st.composite
    def requests(draw):
        key = draw(st.sampled_from(["ALPHA", "BETA"]))
        membership_id = draw(ids(own, other))
        prefix = draw(st.sampled_from([f"m{membership_id}-", f"m{own}-", "", "mx-"]))
        form = draw(hostile_form({f"{prefix}roles": st.one_of(ROLES, hostile_value())}))
        return f"/p/{key}/members/{membership_id}/roles", form

    probe(client, requests(), label="projects.set_roles")


def test_members_remove(world, client, login):
    login(world.users["secretariat"])
    own = membership_of(world.project_a, world.users["contributor"].id).id
    other = membership_of(world.project_b, world.users["outsider"].id).id
    urls = st.builds("/p/{}/members/{}/remove".format, st.sampled_from(["ALPHA", "BETA", "x"]),
                     path_segments(own, other))
    probe(client, st.tuples(urls, hostile_form([])), label="projects.remove_member")


def test_organisations_add(world, client, login, factory, db):
    login(world.users["secretariat"])
    spare = factory.municipality("Sorø Kommune", 340)
    db.session.commit()
    form = hostile_form({
        "org-organisation_id": ids(world.muni_b.id, spare.id, world.vendor.id).map(str),
        "org-kind": st.sampled_from(["member", "vendor", "owner", "boss"])})
    urls = st.sampled_from(["/p/ALPHA/organisations", "/p/BETA/organisations"])
    probe(client, st.tuples(urls, form), label="projects.add_organisation")


def test_organisations_remove(world, client, login):
    login(world.users["secretariat"])
    urls = st.builds("/p/{}/organisations/{}/remove".format, st.sampled_from(["ALPHA", "BETA"]),
                     path_segments(world.muni_a.id, world.muni_b.id, world.vendor.id))
    probe(client, st.tuples(urls, hostile_form([])), label="projects.remove_organisation")


def test_audit_filters(world, client, login):
    login(world.users["site_admin"])
    query = hostile_form({"action": st.sampled_from(["", "account.signed_in", "x"]),
                          "actor": st.text(max_size=300),
                          "project": st.sampled_from(["ALPHA", "Q"]),
                          "page": st.integers().map(str)})
    urls = st.sampled_from(["/audit", "/p/ALPHA/audit", "/p/BETA/audit"])
    probe(client, st.tuples(urls, query), label="audit.index/project", method="GET")


def test_oversized_body_is_refused_with_a_reason(world, client, login):
    login(world.users["site_admin"])
    response = client.post("/organisations", data={"name": "x" * (3 * 1024 * 1024),
                                                   "kind": "community"})
    assert response.status_code == 413
    assert 'class="error-page"' in response.get_data(as_text=True)


_TEXT_SAFE = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))


# The digests area's endpoints, through the same harness (it is meant for every area).

def test_digest_subscriptions(world, client, login):
    user = world.users["steering"]
    login(user)
    form = hostile_form({
        f"digests-project_{world.project_a.id}": st.sampled_from(["off", "daily", "weekly", "x"]),
        f"digests-project_{world.project_b.id}": st.sampled_from(["daily"])})  # not my project
    probe(client, st.tuples(st.just("/settings/digests"), form),
          label="digests.update_subscriptions")


def test_digest_retry(world, client, login):
    from app.digests.models import DeliveryState
    from tests.digests.helpers import make_delivery

    failed = make_delivery(world.users["steering"], world.project_a, state=DeliveryState.FAILED)
    sent = make_delivery(world.users["outsider"], world.project_b, period_key="2026-W02")
    login(world.users["site_admin"])
    urls = st.builds("/admin/digests/{}/retry".format, path_segments(failed.id, sent.id))
    form = hostile_form({"state": st.sampled_from(["failed", "sent", "bogus"])})
    probe(client, st.tuples(urls, form), label="digests.retry_delivery")


def test_digest_one_click_unsubscribe(world, client):
    from app.digests.services import make_unsubscribe_token

    good = make_unsubscribe_token(world.users["steering"].id, world.project_a.id)
    tokens = st.one_of(st.just(good), st.just(good[:-3] + "abc"), st.just(good + "x"),
                       st.text(_TEXT_SAFE, min_size=1, max_size=120))
    urls = tokens.map(lambda t: "/unsubscribe/" + quote(t, safe=""))
    form = hostile_form({"List-Unsubscribe": st.just("One-Click")})
    probe(client, st.tuples(urls, form), label="digests.unsubscribe_one_click")
