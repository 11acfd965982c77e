"""Areas plug their sections into the digest through the registry."""
from dataclasses import asdict
from datetime import timedelta

import pytest

from app.database import utcnow
from app.digests import registry
from app.digests.registry import Figure, Item, Section, digest_section
from app.digests.services import collect_sections, render_digest
from app.projects.models import Role


@pytest.fixture
def temporary_sections(monkeypatch):
    monkeypatch.setattr(registry, "SECTIONS", dict(registry.SECTIONS))


def _sections(world, role):
    now = utcnow()
    return collect_sections(world.users[role], world.project_a, {role}, "weekly",
                            now - timedelta(days=7), now)


def test_sections_are_filtered_by_role_and_ordered(world, temporary_sections):
    @digest_section("blocked_items", roles={Role.STEERING, Role.DEVELOPER}, order=50)
    def blocked(ctx):
        return Section(title="Blocked", items=[Item(text="ALPHA-1 Login", status="Blocked",
                                                    tone="danger", link="/p/ALPHA/items/1")])

    @digest_section("sprint", roles={Role.STEERING}, order=10)
    def sprint(ctx):
        return Section(title="Sprint", figures=[Figure("Points done", 13, total=20)])

    @digest_section("empty", order=20)
    def empty(ctx):
        return None

    steering = [s.key for s in _sections(world, "steering")]
    assert steering[:2] == ["sprint", "blocked_items"] and "empty" not in steering
    assert next(s.key for s in _sections(world, "developer")) == "blocked_items"
    assert "blocked_items" not in [s.key for s in _sections(world, "contributor")]


def test_a_failing_section_is_left_out_and_the_rest_still_renders(world, temporary_sections):
    @digest_section("broken", order=1)
    def broken(ctx):
        raise RuntimeError("bug in another area")

    keys = [s.key for s in _sections(world, "steering")]
    assert "broken" not in keys and "members_joined" in keys


def test_figures_with_a_total_render_as_table_bars_in_the_email(world, temporary_sections):
    @digest_section("sprint", roles={Role.STEERING}, order=10)
    def sprint(ctx):
        return Section(title="Sprint", figures=[Figure("Points done", 13, total=20)])

    now = utcnow()
    rendered = render_digest(world.users["steering"], world.project_a, {Role.STEERING}, "weekly",
                             now - timedelta(days=7), now)
    assert 'width="65%"' in rendered.html and 'width="35%"' in rendered.html
    assert "13 / 20 (65 %)" in rendered.text
    assert "http://samspil.test/p/ALPHA/members" in rendered.text


def test_sections_survive_the_round_trip_through_json():
    section = Section(title="T", items=[Item("a", link="/x", status="s", meta="m", tone="ok")],
                      figures=[Figure("f", 1, total=2)], summary="sum", more_link="/more", key="k")
    assert Section.from_dict(section.to_dict()) == section
    assert section.to_dict() == asdict(section)  # its fast path says what asdict() says


def test_a_send_run_builds_shared_sections_once_per_project_and_language(
        world, factory, temporary_sections, outbox, monday_morning):
    from collections import Counter

    from app.digests.delivery import send_due
    from app.extensions import db
    from app.mail.transport import read_outbox

    calls = Counter()

    @digest_section("everyone", shared=True, order=1)
    def everyone(ctx):
        calls[(ctx.project.key, ctx.locale)] += 1
        return Section(title="Everyone", items=[Item(text=f"News of {ctx.project.key}")])

    @digest_section("personal", order=2)
    def personal(ctx):
        calls["personal"] += 1
        return Section(title="Personal", items=[Item(text=f"For {ctx.user.name}")])

    factory.user(world.muni_a, name="Second steering", roles=[Role.STEERING],
                 project=world.project_a)
    world.users["product_owner"].locale = "en"
    db.session.commit()
    report = send_due(now=monday_morning)

    # ALPHA: two steering members in Danish and an English product owner; BETA: one.
    assert report.sent == 4
    assert calls == {("ALPHA", "da"): 1, ("ALPHA", "en"): 1, ("BETA", "da"): 1, "personal": 4}
    texts = {m.to: m.text for m in read_outbox()}
    for user in (world.users["steering"], world.users["product_owner"]):
        assert "News of ALPHA" in texts[f"{user.name} <{user.email}>"]
        assert f"For {user.name}" in texts[f"{user.name} <{user.email}>"]
    assert "News of BETA" in texts[f"B outsider <{world.users['outsider'].email}>"]


def test_a_failing_shared_section_is_not_remembered(world, temporary_sections, monday_morning):
    from app.digests.registry import SectionCache

    attempts = []

    @digest_section("flaky", shared=True, order=1)
    def flaky(ctx):
        attempts.append(ctx.user.id)
        if len(attempts) == 1:
            raise RuntimeError("a passing failure")
        return Section(title="Flaky", items=[Item(text="Recovered")])

    cache = SectionCache()
    start = monday_morning - timedelta(days=7)
    first = collect_sections(world.users["steering"], world.project_a, {Role.STEERING},
                             "weekly", start, monday_morning, cache)
    second = collect_sections(world.users["product_owner"], world.project_a,
                              {Role.PRODUCT_OWNER}, "weekly", start, monday_morning, cache)
    assert "flaky" not in [s.key for s in first] and "flaky" in [s.key for s in second]
    assert len(attempts) == 2
