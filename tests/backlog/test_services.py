"""Backlog rules: numbering, ranking, editing with history, labels, bad input."""
import pytest
from sqlalchemy import func, select

from app.backlog import services
from app.backlog.changes import change_number
from app.backlog.models import Item, ItemHistory, Label
from app.backlog.services import RuleViolation, StaleItem
from app.extensions import db

pytestmark = pytest.mark.usefixtures("in_request")


def ordered(project) -> list[str]:
    return list(db.session.scalars(
        select(Item.title).where(Item.project_id == project.id).order_by(Item.rank)))


def test_numbers_count_up_per_project(world, make_item):
    a1, a2 = make_item("A1"), make_item("A2")
    b1 = make_item("B1", project=world.project_b, actor=world.users["outsider"])
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)


def test_creation_at_top_and_bottom(world, make_item):
    make_item("middle")
    make_item("top", position="top")
    make_item("bottom", position="bottom")
    assert ordered(world.project_a) == ["top", "middle", "bottom"]


def test_creation_records_status_and_estimate_in_history(world, make_item):
    item = make_item("Med estimat", estimate="2.5")
    rows = {(h.field, h.old_value, h.new_value) for h in item.history}
    assert ("status", None, "backlog") in rows
    assert ("estimate", None, "2.5") in rows
    assert item.estimate == 2.5


def test_rank_between_neighbours(world, make_item):
    a, b, c = make_item("a"), make_item("b"), make_item("c")
    services.rank_item(c, world.users["product_owner"], "after", a)
    assert ordered(world.project_a) == ["a", "c", "b"]
    services.rank_item(a, world.users["product_owner"], "before", b)
    assert ordered(world.project_a) == ["c", "a", "b"]


def test_rank_at_the_ends(world, make_item):
    a, _b, c = make_item("a"), make_item("b"), make_item("c")
    services.rank_item(c, world.users["product_owner"], "top")
    services.rank_item(a, world.users["product_owner"], "bottom")
    assert ordered(world.project_a) == ["c", "b", "a"]
    assert services.rank_item(a, world.users["product_owner"], "bottom") is False


def test_many_moves_into_the_same_gap(world, make_item):
    first, _last = make_item("first"), make_item("last")
    movers = [make_item(f"m{i}") for i in range(4)]
    for n in range(120):
        # Always just after `first`: the gap between first and its successor halves each time.
        services.rank_item(movers[n % 4], world.users["product_owner"], "after", first)
    db.session.commit()
    titles = ordered(world.project_a)
    assert titles[0] == "first" and titles[-1] == "last"
    assert titles[1:5] == ["m3", "m2", "m1", "m0"]
    ranks = db.session.scalars(select(Item.rank).where(Item.project_id == world.project_a.id)).all()
    assert len(set(ranks)) == len(ranks)
    assert max(len(r) for r in ranks) < 60


def test_rank_writes_one_item_row_and_its_history(world, make_item, count_statements):
    a, _b, c = make_item("a"), make_item("b"), make_item("c")
    with count_statements:
        services.rank_item(c, world.users["product_owner"], "after", a)
        db.session.flush()
    writes = count_statements.writes()
    assert len([w for w in writes if w.lstrip().upper().startswith("UPDATE BACKLOG_ITEM ")]) == 1
    assert len([w for w in writes if "INSERT INTO backlog_item_history" in w]) == 1
    # plus the project's change counter (one small row) that the board polls
    assert len(writes) == 3


def test_rank_neighbour_from_another_project_is_refused(world, make_item):
    a = make_item("a")
    other = make_item("fremmed", project=world.project_b, actor=world.users["outsider"])
    with pytest.raises(RuleViolation, match="not an item of this project") as exc:
        services.neighbour(world.project_a, other.id, "anchor")
    assert exc.value.field == "anchor"
    with pytest.raises(RuleViolation, match="not an item of this project") as exc:
        services.rank_item(a, world.users["product_owner"], "after", other)
    assert exc.value.field == "position"


def test_update_records_each_changed_field(world, make_item):
    item = make_item("Gammel titel", estimate=3)
    dev = world.users["developer"]
    changed = services.update_item(item, dev, {"title": "Ny titel", "estimate": "5",
                                               "assignee": dev.id, "description": "tekst"})
    assert sorted(changed) == ["assignee", "description", "estimate", "title"]
    rows = {h.field: (h.old_value, h.new_value, h.actor_id) for h in item.history
            if h.field not in ("created", "status")}
    assert rows["title"] == ("Gammel titel", "Ny titel", dev.id)
    assert rows["estimate"][:2] == ("3", "5")
    assert rows["assignee"][:2] == (None, str(dev.id))
    assert services.update_item(item, dev, {"title": "Ny titel"}) == []


def test_stale_version_is_refused(world, make_item):
    item = make_item("x")
    with pytest.raises(StaleItem):
        services.update_item(item, world.users["developer"], {"title": "y"},
                             expected_version=item.version_id - 1 if item.version_id > 1 else 99)
    assert item.title == "x"


@pytest.mark.parametrize("value", ["-1", "abc", "2.3", "1000", "nan", "inf"])
def test_bad_estimates(value):
    with pytest.raises(RuleViolation) as exc:
        services.parse_estimate(value)
    assert exc.value.field == "estimate"


def test_good_estimates():
    assert services.parse_estimate("2,5") == 2.5
    assert services.parse_estimate("") is None
    assert services.parse_estimate("0") == 0


def test_oversized_and_empty_titles(world):
    with pytest.raises(RuleViolation, match="at most 200 characters") as exc:
        services.create_item(world.project_a, world.users["product_owner"], "x" * 201)
    assert exc.value.field == "title"
    with pytest.raises(RuleViolation, match="needs a title") as exc:
        services.create_item(world.project_a, world.users["product_owner"], "   ")
    assert exc.value.field == "title"
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_assignee_must_be_a_member(world, make_item):
    item = make_item("x")
    with pytest.raises(RuleViolation, match="must be a member of the project") as exc:
        services.update_item(item, world.users["developer"],
                             {"assignee": world.users["outsider"].id})
    assert exc.value.field == "assignee" and item.assignee_id is None


def test_parent_must_be_an_epic_of_the_project(world, make_item):
    story = make_item("story")
    epic = make_item("epic", type="epic")
    foreign = make_item("epos", type="epic", project=world.project_b, actor=world.users["outsider"])
    dev = world.users["developer"]
    for bad, message in ((story.id, "must be an epic of this project"),
                         (foreign.id, "must be an epic of this project"),
                         (10**12, "Choose an epic"), ("x", "Choose an epic")):
        with pytest.raises(RuleViolation, match=message) as exc:
            services.update_item(story, dev, {"parent": bad})
        assert exc.value.field == "parent", bad
    services.update_item(story, dev, {"parent": epic.id})
    assert story.parent_id == epic.id
    with pytest.raises(RuleViolation, match="cannot belong to an epic") as exc:
        services.update_item(epic, dev, {"parent": epic.id})
    assert exc.value.field == "parent" and epic.parent_id is None


def test_labels_are_made_once_per_project(world, make_item):
    item = make_item("x", labels="Sikkerhed, gdpr")
    other = make_item("y", labels="sikkerhed")
    assert {label.name for label in item.labels} == {"gdpr", "Sikkerhed"}
    assert other.labels[0].id == next(lb.id for lb in item.labels if lb.name == "Sikkerhed")
    assert db.session.scalar(select(func.count(Label.id))) == 2


def test_blocking_needs_a_reason_and_unblocking_clears_it(world, make_item):
    item = make_item("x")
    dev = world.users["developer"]
    with pytest.raises(RuleViolation, match="Say what blocks the item") as exc:
        services.update_item(item, dev, {"is_blocked": True})
    assert exc.value.field == "blocked_reason" and not item.is_blocked
    services.update_item(item, dev, {"is_blocked": True, "blocked_reason": "Venter på KL"})
    assert item.is_blocked and item.blocked_reason == "Venter på KL"
    services.update_item(item, dev, {"is_blocked": False, "blocked_reason": "Venter på KL"})
    assert not item.is_blocked and item.blocked_reason == ""


def test_comments_need_text(world, make_item):
    item = make_item("x")
    with pytest.raises(RuleViolation, match="Write a comment first") as exc:
        services.add_comment(item, world.users["contributor"], "  ")
    assert exc.value.field == "body"
    comment = services.add_comment(item, world.users["contributor"], "Godt forslag")
    assert comment.body == "Godt forslag"


def test_every_change_bumps_the_change_number(world, make_item):
    before = change_number(world.project_a)
    item = make_item("x")
    services.update_item(item, world.users["developer"], {"title": "y"})
    assert change_number(world.project_a) == before + 2
    last = db.session.scalar(select(func.max(ItemHistory.change_number)))
    assert last == before + 2


def test_status_and_type_words_follow_the_language_within_one_app_context(app):
    """An e-mail job writes to each recipient in their language within one app context: the
    words of the second language are not the first one's kept."""
    from flask_babel import force_locale

    from app.backlog.display import status_label, type_label

    with app.app_context():
        with force_locale("da"):
            danish = (status_label("in_progress"), type_label("bug"))
        with force_locale("en"):
            english = (status_label("in_progress"), type_label("bug"))
    assert danish == ("I gang", "Fejl")
    assert english == ("In progress", "Bug")
