"""What releases tell the notifications framework: a release is a target, and its test
municipalities' product owners hear when it enters test (or when they join one in test)."""
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.notifications.kinds import Kind, no_organisations, register_target
from app.notifications.services import Target, notify
from app.projects.models import Membership, MembershipRole, Role
from app.releases.models import Release


def release_target(release: Release) -> Target:
    return Target("release", release.id, release.number, release.name, release.project_id)


def product_owners(project_id: int, organisation_ids) -> set[int]:
    """The product owners of these municipalities in the project."""
    organisation_ids = list(organisation_ids)
    if not organisation_ids:
        return set()
    return set(db.session.scalars(
        select(Membership.user_id).join(MembershipRole)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id, MembershipRole.role == Role.PRODUCT_OWNER,
               User.organisation_id.in_(organisation_ids))))


def entered_test(release: Release, actor, organisation_ids, at=None) -> None:
    """Ask the test municipalities' product owners to test and sign off."""
    window = ""
    if release.test_from and release.test_to:
        window = f"{release.test_from.isoformat()} – {release.test_to.isoformat()}"
    notify(Kind.RELEASE_IN_TEST, release_target(release),
           product_owners(release.project_id, organisation_ids), actor=actor, detail=window,
           at=at)


def _describe(release: Release):
    return release_target(release), no_organisations


def connect() -> None:
    register_target("release", "releases.show", Release, _describe)
