"""Digests stay readable at community scale (issue 27): on a data set of the bench's shape
(80 municipalities, a vendor, 400 people in five projects, and each area's data scaled down)
every role's weekly digest of the largest project stays under 60 KB of HTML, long sections
show their first entries and "… and N more — see them in Samspil" with a link, and people
and organisations are summarised. Size, not timing."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.database import utcnow
from app.digests.models import Frequency
from app.digests.registry import SECTION_LIMIT
from app.digests.services import render_digest
from app.extensions import db
from app.projects.models import Membership, MembershipRole, Project
from app.projects.services import membership_of
from bench import dataset

HTML_LIMIT = 60_000
ROWS_SCALE = 0.02  # rows per section: items, sprints and needs at 2 % of the bench's


@pytest.fixture
def community(db, monkeypatch):
    """The bench's data set: its people at full size, each area's rows scaled down, and only
    the largest of its projects (the others are the same people again)."""
    import bench.scenarios  # noqa: F401 - the bench's modules import each other from here

    monkeypatch.setattr(dataset, "PROJECTS", dataset.PROJECTS[:1])
    ctx = {"scale": 1.0, "random": random.Random(7)}
    dataset.seed_people(ctx)
    db.session.commit()
    ctx["scale"] = ROWS_SCALE
    for step in dataset.DATASET_STEPS[1:]:
        step(ctx)
        db.session.commit()
    return ctx


def _member_with(project, role):
    return db.session.scalar(
        select(Membership).join(MembershipRole)
        .where(Membership.project_id == project.id, MembershipRole.role == role)
        .order_by(Membership.id).limit(1))


def _digest(project, role):
    membership = _member_with(project, role)
    now = utcnow() + timedelta(minutes=1)
    return render_digest(membership.user, project, membership.role_names, Frequency.WEEKLY,
                         now - timedelta(days=7), now)


def test_every_roles_digest_of_the_largest_project_stays_small(community):
    project = db.session.scalar(select(Project).where(Project.key == dataset.MARKER_KEY))
    assert len(community["munis"]) == 80 and len(community["users"]) == 400
    for role in ("steering", "product_owner", "developer", "contributor"):
        digest = _digest(project, role)
        html, text = digest.html.encode(), digest.text.encode()
        assert len(html) < HTML_LIMIT, (role, len(html))
        assert len(text) < HTML_LIMIT / 2, (role, len(text))
        assert "unsubscribe" in digest.html.lower() or "afmeld" in digest.html.lower()
        for section in digest.sections:
            assert len(section.items) <= SECTION_LIMIT, (role, section.key)
    _people_and_organisations_are_summarised(community, project)


def _people_and_organisations_are_summarised(community, project):
    """With the lists in the browser."""
    steering = _member_with(project, "steering").user
    steering.locale = "en"
    digest = _digest(project, "steering")
    members = next(s for s in digest.sections if s.key == "members_joined")
    # 400 people joined within the week: from the vendor and 70 of the 80 municipalities
    # (the bench deals people out so that every eighth municipality has nobody).
    assert members.summary == "400 new members from 71 organisations"
    assert len(members.items) == SECTION_LIMIT and members.more == 400 - SECTION_LIMIT
    organisations = next(s for s in digest.sections if s.key == "organisations_joined")
    assert organisations.more == 81 - SECTION_LIMIT
    for part in (digest.html, digest.text):
        assert "… and 390 more — see them in Samspil" in part
        assert "… and 71 more — see them in Samspil" in part
        assert "400 new members from 71 organisations" in part
    assert f"/p/{project.key}/members" in digest.html
    assert f"/p/{project.key}/organisations" in digest.text
    # The newest first, and only they: the first person seeded is not named.
    first = community["users"][0]
    assert f"{first.name} (" not in digest.text
    assert membership_of(project, first.id) is not None
