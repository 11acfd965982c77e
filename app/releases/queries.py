"""Read-side queries of releases: the list, one release, what the public roadmap publishes, and
the definition-of-done explanations a release shows."""
from flask import abort
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.database import MAX_ID
from app.discovery.roadmap import PublishedRelease
from app.extensions import db
from app.releases.models import DoneCheck, Release, ReleaseState, ReleaseTester


def releases_of(project) -> list[Release]:
    """The project's releases, newest first, with their items and testers."""
    return list(db.session.scalars(
        select(Release).where(Release.project_id == project.id)
        .options(selectinload(Release.items),
                 selectinload(Release.testers).selectinload(ReleaseTester.organisation))
        .order_by(Release.number.desc())))


def get_release_or_404(project, number: int) -> Release:
    """Release <number> of the project (already checked visible); 404 otherwise."""
    release = None
    if 0 < number <= MAX_ID:
        release = db.session.scalar(select(Release).where(Release.project_id == project.id,
                                                          Release.number == number))
    if release is None:
        abort(404)
    return release


def published(project) -> list[PublishedRelease]:
    """Released versions for the public roadmap, newest first, with the notes in the reader's
    language (one query, however many releases)."""
    english = str(get_locale() or "da").startswith("en")
    rows = db.session.execute(
        select(Release.number, Release.name, Release.released_at, Release.notes_da,
               Release.notes_en)
        .where(Release.project_id == project.id, Release.state == ReleaseState.RELEASED)
        .order_by(Release.released_at.desc(), Release.number.desc()))
    return [PublishedRelease(f"release-{number}", name, released_at,
                             (notes_en or notes_da) if english else (notes_da or notes_en))
            for number, name, released_at, notes_da, notes_en in rows]


def explanations(release: Release) -> dict[int, list[DoneCheck]]:
    """The points of the definition of done its items did not meet, with the vendor's
    explanation, by item id."""
    ids = [item.id for item in release.items]
    found: dict[int, list[DoneCheck]] = {}
    if not ids:
        return found
    for check in db.session.scalars(select(DoneCheck).where(
            DoneCheck.item_id.in_(ids), DoneCheck.is_met.is_(False))
            .order_by(DoneCheck.item_id, DoneCheck.position)):
        found.setdefault(check.item_id, []).append(check)
    return found


def checked_items(release: Release) -> set[int]:
    """Which of the release's items have their definition of done ticked."""
    ids = [item.id for item in release.items]
    if not ids:
        return set()
    return set(db.session.scalars(select(DoneCheck.item_id).where(DoneCheck.item_id.in_(ids))
                                  .distinct()))
