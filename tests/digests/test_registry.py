"""Areas plug their sections into the digest through the registry."""
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
    assert [s.key for s in _sections(world, "developer")][0] == "blocked_items"
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
