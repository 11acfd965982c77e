"""Board rules: the workflow, accepting and rejecting, who may move what, WIP limits, and
which columns changed since a change number."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.backlog.models import STATUSES, ItemHistory
from app.backlog.changes import change_number
from app.backlog.services import RuleViolation, StaleItem, item_status_changed
from app.board import services
from app.board.permissions import can_accept, can_move_between, can_set_wip_limits
from app.extensions import db
from app.projects.models import ParticipationKind, Role
from app.projects.services import add_participation

pytestmark = pytest.mark.usefixtures("in_request")


def walk(item, actor, *statuses):
    for status in statuses:
        services.move_item(item, actor, status)


def test_developers_move_up_to_acceptance(world, make_item):
    project, dev = world.project_a, world.users["developer"]
    assert can_move_between(dev, project, "backlog", "in_progress")
    assert can_move_between(dev, project, "review", "acceptance")
    assert not can_move_between(dev, project, "acceptance", "done")
    assert not can_move_between(dev, project, "acceptance", "in_progress")
    for role in ("observer", "steering", "contributor", "secretariat"):
        assert not can_move_between(world.users[role], project, "backlog", "ready"), role


def test_only_a_municipal_product_owner_accepts(world, factory):
    project = world.project_a
    assert can_accept(world.users["product_owner"], project)
    assert not can_accept(world.users["delivery_lead"], project)
    community = factory.community("Sekretariatet")
    add_participation(project, community, ParticipationKind.OWNER)
    po_of_community = factory.user(community, roles=[Role.PRODUCT_OWNER], project=project)
    assert not can_accept(po_of_community, project)


def test_accept_records_who_and_when(world, make_item):
    item = make_item("x")
    dev, po = world.users["developer"], world.users["product_owner"]
    walk(item, dev, "ready", "in_progress", "review", "acceptance")
    assert services.move_item(item, po, "done") == "accept"
    assert item.status == "done" and item.accepted_by_id == po.id and item.accepted_at
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "item.accepted"))
    assert event.actor_id == po.id and event.target_id == item.id


def test_reject_needs_a_reason_which_history_keeps(world, make_item):
    item = make_item("x")
    walk(item, world.users["developer"], "ready", "in_progress", "review", "acceptance")
    po = world.users["product_owner"]
    with pytest.raises(RuleViolation) as exc:
        services.move_item(item, po, "in_progress")
    assert exc.value.field == "reason" and item.status == "acceptance"
    assert services.move_item(item, po, "in_progress", reason="Mangler eksport") == "reject"
    row = db.session.scalar(select(ItemHistory).where(ItemHistory.field == "status")
                            .order_by(ItemHistory.id.desc()))
    assert (row.old_value, row.new_value, row.note) == ("acceptance", "in_progress",
                                                        "Mangler eksport")
    assert item.rejected_reason == "Mangler eksport" and item.accepted_at is None
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "item.rejected"))


ONLY_ACCEPTANCE = "Only an item in acceptance can be accepted"
ACCEPT_OR_REJECT = "either accepted"
ONLY_REOPEN = "can only be reopened"


@pytest.mark.parametrize(("start", "target", "message"), [
    ("backlog", "done", ONLY_ACCEPTANCE), ("review", "done", ONLY_ACCEPTANCE),
    ("acceptance", "review", ACCEPT_OR_REJECT), ("acceptance", "backlog", ACCEPT_OR_REJECT),
    ("done", "acceptance", ONLY_REOPEN), ("done", "backlog", ONLY_REOPEN),
])
def test_the_workflow_refuses_shortcuts(world, make_item, start, target, message):
    item = make_item("x")
    path = ["ready", "in_progress", "review", "acceptance", "done"]
    dev, po = world.users["developer"], world.users["product_owner"]
    for status in path[:path.index(start) + 1] if start != "backlog" else []:
        services.move_item(item, po if status == "done" else dev, status)
    with pytest.raises(RuleViolation, match=message) as exc:
        services.move_item(item, po, target, reason="fordi")
    assert exc.value.field == "status" and item.status == start


def test_unknown_status(world, make_item):
    item = make_item("x")
    with pytest.raises(RuleViolation, match="Unknown status") as exc:
        services.move_item(item, world.users["developer"], "finished")
    assert exc.value.field == "status" and item.status == "backlog"


def test_stale_version(world, make_item):
    item = make_item("x")
    seen = item.version_id
    services.move_item(item, world.users["developer"], "ready")
    with pytest.raises(StaleItem):
        services.move_item(item, world.users["developer"], "in_progress", expected_version=seen)
    assert item.status == "ready"


def test_a_move_writes_one_item_row_and_its_history(world, make_item, count_statements):
    item = make_item("x")
    with count_statements:
        services.move_item(item, world.users["developer"], "ready")
    writes = count_statements.writes()
    assert len([w for w in writes if w.lstrip().upper().startswith("UPDATE BACKLOG_ITEM ")]) == 1
    assert len([w for w in writes if "INSERT INTO backlog_item_history" in w]) == 1
    # The item's creator watches it and is told of the move.
    assert len([w for w in writes if "INSERT INTO notification " in w]) == 1
    assert len(writes) == 4  # and the project's change counter


def test_status_changes_are_signalled(world, make_item):
    item = make_item("x")
    seen = []

    def listener(sender, **kwargs):
        seen.append((sender.id, kwargs["old"], kwargs["new"]))

    item_status_changed.connect(listener)
    try:
        services.move_item(item, world.users["developer"], "ready")
    finally:
        item_status_changed.disconnect(listener)
    assert seen == [(item.id, "backlog", "ready")]


def test_changed_columns_since_a_change_number(world, make_item):
    a, b = make_item("a"), make_item("b")
    since = change_number(world.project_a)
    services.move_item(a, world.users["developer"], "ready")
    now = change_number(world.project_a)
    assert services.changed_statuses(world.project_a, since, now) == {"backlog", "ready"}
    assert services.changed_statuses(world.project_a, now, now) == set()
    from app.backlog.services import update_item
    update_item(b, world.users["developer"], {"title": "b2"})
    assert services.changed_statuses(world.project_a, now, change_number(world.project_a)) == {
        "backlog"}


def test_wip_limits(world):
    project = world.project_a
    assert can_set_wip_limits(world.users["secretariat"], project)
    assert not can_set_wip_limits(world.users["developer"], project)
    assert services.set_wip_limits(project, {"in_progress": "3", "review": ""}) == {
        "in_progress": 3}
    assert services.set_wip_limits(project, {"in_progress": "0", "review": "2"}) == {"review": 2}
    for bad in ("-1", "x", "1000", "2.5"):
        with pytest.raises(RuleViolation, match="whole number from 1 to") as exc:
            services.set_wip_limits(project, {"review": bad})
        assert exc.value.field == "wip_review", bad
    with pytest.raises(RuleViolation, match="Unknown status"):
        services.set_wip_limits(project, {"nowhere": "2"})
    assert services.wip_limits(project) == {"review": 2}


def test_board_shows_open_items_and_recently_done(world, make_item):
    from datetime import timedelta

    from app.database import utcnow
    old, fresh = make_item("gammel"), make_item("ny")
    make_item("epos", type="epic")
    for item in (old, fresh):
        walk(item, world.users["developer"], "ready", "in_progress", "review", "acceptance")
        services.move_item(item, world.users["product_owner"], "done")
    old.updated_at = utcnow() - timedelta(days=20)
    make_item("åben")
    db.session.commit()
    cards = services.board_cards(world.project_a, services.BoardFilters(),
                                 world.users["developer"])
    # Not the item done 20 days ago, nor the open epic: epics are lanes, never cards.
    assert {c.title for c in cards} == {"ny", "åben"}
    # A card's row holds what the card shows (its kept markup is keyed by it), not the last
    # change that chose the recent done ones.
    assert list(cards[0]._fields) == [column.key for column in services.card_columns()]
    # The column heads count the same cards, on the board and in swimlanes, and the done
    # column's "Show more" brings none of the old ones.
    for by_lane in (False, True):
        counts = {}
        for row in services.column_totals(world.project_a, services.BoardFilters(),
                                          world.users["developer"], STATUSES, None, by_lane):
            counts[row.status] = counts.get(row.status, 0) + row.count
        assert {s: n for s, n in counts.items() if n} == {"done": 1, "backlog": 1}, by_lane
    more = services.board_cards(world.project_a, services.BoardFilters(),
                                world.users["developer"], {"done": 5}, sprint_id=None, offset=1)
    assert more == []
    first = services.board_cards(world.project_a, services.BoardFilters(),
                                 world.users["developer"], {"done": 5}, sprint_id=None)
    assert [c.title for c in first] == ["ny"]
