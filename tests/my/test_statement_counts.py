"""No N+1: /my and the project overview cost the same number of SQL statements with a little
work as with a lot, in one project or several."""
from datetime import timedelta

import pytest

from app.backlog.services import add_comment, create_item
from app.board.services import move_item
from app.clock import local_today
from app.decisions.services import record_decision
from app.discovery import services as discovery
from app.discovery.tracing import link_item
from app.extensions import db
from tests.my.conftest import active_sprint, need

STATUSES = ("ready", "in_progress", "review", "acceptance", "done")


def fill(work, count):
    """`count` more of everything the pages show: items in every column for the developer,
    needs of both municipalities with linked items, escalations, decisions and history."""
    a = work.world.project_a
    for n in range(count):
        item = create_item(a, work.po, f"Punkt {n}", estimate=n % 5 + 1,
                           assignee_id=work.dev.id)
        for status in STATUSES[:n % 5 + 1]:
            move_item(item, work.dev if status != "done" else work.po, status)
        add_comment(item, work.contributor, f"Kommentar {n}")
        ours = need(a, work.po if n % 2 else work.odense_member, f"Behov {n}")
        if n % 2 == 0:
            discovery.cosponsor(ours, work.contributor)
        link_item(ours, item, work.po)
        if n % 3 == 0:
            discovery.escalate(need(a, work.po, f"Eskalering {n}"), work.po, "Hvorfor?")
        record_decision(a, work.steering, decided_on=local_today() - timedelta(days=n % 9),
                        title=f"Beslutning {n}")
        create_item(work.gamma, work.po, f"Gamma {n}", status="acceptance")
    db.session.commit()


def statements(client, count_statements, url):
    # The first request after the fixtures wrote rows reloads the expired signed-in user.
    client.get(url)
    with count_statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return count_statements.count


@pytest.mark.parametrize("who", ["po", "dev", "contributor", "steering"])
@pytest.mark.parametrize("url", ["/my", "/p/ALPHA/", "/p/ALPHA/activity?page=2"])
def test_my_work_and_the_overview_do_not_grow_with_the_data(work, login, count_statements,
                                                            url, who):
    active_sprint(work)
    client = login(getattr(work, who))
    fill(work, 4)
    small = statements(client, count_statements, url)
    fill(work, 40)
    large = statements(client, count_statements, url)
    assert small == large, count_statements.statements
    # /my: the user, their projects and roles, their organisation, one or two per section;
    # the overview adds the project, the sprint and its burndown, needs, decisions, activity.
    assert large <= (8 if url == "/my" else 16), count_statements.statements
