"""No N+1 on /admin/users: a page of 50 people, with their organisations and projects, costs
the same number of statements with 60 accounts as with 400, searched or not, on any page."""
import pytest

from app.extensions import db
from app.projects.models import Role


def fill(world, factory, count):
    """`count` more people, spread over the two municipalities and the two projects."""
    for n in range(count):
        project = world.project_a if n % 2 else world.project_b
        org = world.muni_a if n % 2 else world.muni_b
        factory.user(org, name=f"Person {n:04d}", roles=[Role.CONTRIBUTOR], project=project)
    db.session.commit()


def statements(client, count_statements, url):
    # A first request after the fixtures wrote rows finds the signed-in user's row expired in
    # the test's session and loads it in two statements instead of one; count the second.
    client.get(url)
    with count_statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return count_statements.count


@pytest.mark.parametrize("url", ["/admin/users", "/admin/users?page=2",
                                 "/admin/users?q=person&page=2",
                                 "/admin/users?q=Ballerup"])
def test_user_pages_do_not_grow_with_the_users(world, factory, login, count_statements, url):
    client = login(world.users["site_admin"])
    fill(world, factory, 60)
    small = statements(client, count_statements, url)
    fill(world, factory, 340)
    large = statements(client, count_statements, url)
    assert small == large, count_statements.statements
    # the signed-in user, the count, the page, its memberships and their projects
    assert large <= 6, count_statements.statements
