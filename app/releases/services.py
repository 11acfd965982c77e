"""The rules of releases and the definition of done. Functions take the actor, check the rule,
record the audit event, flush and never commit.

A release moves planned → in_test → accepted → released, or is cancelled on the way. Its items
are accepted (done) items of closed sprints, each in at most one release that is not cancelled;
the test municipalities sign off in test, and the release is accepted only when every one of
them approved (with remarks counts), or the secretariat overrides with a reason."""
import functools
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from app.audit.services import record
from app.backlog.models import Item, Status
from app.database import parse_id, utcnow
from app.discovery.models import Need, NeedCoSponsor, NeedItemLink
from app.discovery.queries import participating_municipalities
from app.extensions import db
from app.i18n import format_day
from app.releases.models import (MAX_CRITERIA, MAX_CRITERION, MAX_NAME, MAX_NOTES, MAX_TEXT,
                                 DoneCheck, DoneCriterion, Release, ReleaseState, ReleaseTester,
                                 SignOff, release_item)
from app.releases import notify
from app.releases.permissions import can_override_acceptance
from app.services import RuleViolation, StaleVersion, clean_text
from app.sprints.models import Sprint, SprintState

R = ReleaseState
STATE_LABELS = {
    R.PLANNED: _l("Planned"),
    R.IN_TEST: _l("In test"),
    R.ACCEPTED: _l("Accepted"),
    R.RELEASED: _l("Released"),
    R.CANCELLED: _l("Cancelled"),
}
SIGN_OFF_LABELS = {
    SignOff.APPROVED: _l("Approved"),
    SignOff.APPROVED_WITH_REMARKS: _l("Approved with remarks"),
    SignOff.NOT_APPROVED: _l("Not approved"),
}
# The moves the workflow allows, whoever asks.
TRANSITIONS = {
    R.PLANNED: (R.IN_TEST, R.CANCELLED),
    R.IN_TEST: (R.ACCEPTED, R.PLANNED, R.CANCELLED),
    R.ACCEPTED: (R.RELEASED, R.CANCELLED),
    R.RELEASED: (),
    R.CANCELLED: (),
}
# What the state change is called in the audit log.
ACTIONS = {R.IN_TEST: "release.test_started", R.PLANNED: "release.test_stopped",
           R.ACCEPTED: "release.accepted", R.RELEASED: "release.released",
           R.CANCELLED: "release.cancelled"}
DEFAULT_CRITERIA = (
    _l("WCAG 2.1 AA checked"),
    _l("Personal data and retention considered"),
    _l("Logging of personal-data access where relevant"),
    _l("Documentation and accessibility statement updated"),
    _l("Tests added"),
)
LANGUAGES = ("da", "en")


def check_version(release: Release, expected) -> None:
    """Refuse with 409 when the form was made from an older version of the release."""
    if expected in (None, ""):
        raise RuleViolation(_("The page did not say which version of the release you saw; "
                              "reload it and try again."), "version", status=400)
    if parse_id(expected) != release.version_id:
        raise StaleVersion(_("Someone else changed this release meanwhile; review it and try "
                             "again."))


def _touch(release: Release, at: datetime | None = None) -> None:
    release.updated_at = at or utcnow()
    db.session.flush()


def _audit(action: str, release: Release, actor, at=None, **details) -> None:
    record(action, project=release.project, target=release, target_label=release.name,
           actor=actor, at=at, **details)


def _clean_name(name: str) -> str:
    name = " ".join(clean_text(name).split())
    if not name:
        raise RuleViolation(_("Give the release a version or name."), "name")
    if len(name) > MAX_NAME:
        raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_NAME,
                              len=len(name)), "name")
    return name


def _check_dates(planned_on, test_from, test_to) -> None:
    for field, day in (("planned_on", planned_on), ("test_from", test_from),
                       ("test_to", test_to)):
        if day is not None and not 2000 <= day.year <= 2100:
            raise RuleViolation(_("Give a date between the years 2000 and 2100."), field)
    if (test_from is None) != (test_to is None):
        raise RuleViolation(_("Give both the first and the last day of the test window."),
                            "test_to" if test_to is None else "test_from")
    if test_from and test_to and test_to < test_from:
        raise RuleViolation(_("The test window ends before it begins."), "test_to")


def _check_open(release: Release, *states) -> None:
    if release.state not in states:
        raise RuleViolation(_("A release that is %(state)s cannot be changed this way.",
                              state=str(STATE_LABELS[release.state]).lower()), status=409)


def create_release(project, actor, *, name: str, planned_on: date | None = None,
                   test_from: date | None = None, test_to: date | None = None,
                   at: datetime | None = None) -> Release:
    """Plan a release; its test municipalities start as those willing to test its needs."""
    name = _clean_name(name)
    _check_dates(planned_on, test_from, test_to)
    number = (db.session.scalar(select(func.max(Release.number))
                                .where(Release.project_id == project.id)) or 0) + 1
    at = at or utcnow()
    release = Release(project=project, number=number, name=name, planned_on=planned_on,
                      test_from=test_from, test_to=test_to, created_by=actor, created_at=at,
                      updated_at=at)
    db.session.add(release)
    db.session.flush()
    _audit("release.created", release, actor, at, planned_on=_iso(planned_on))
    return release


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def update_release(release: Release, actor, *, version, name: str, planned_on: date | None,
                   test_from: date | None, test_to: date | None) -> bool:
    """Change the name, the planned date and the test window (until released); whether
    anything changed."""
    check_version(release, version)
    _check_open(release, R.PLANNED, R.IN_TEST, R.ACCEPTED)
    name = _clean_name(name)
    _check_dates(planned_on, test_from, test_to)
    new = {"name": name, "planned_on": planned_on, "test_from": test_from, "test_to": test_to}
    changed = {k: v for k, v in new.items() if getattr(release, k) != v}
    if not changed:
        return False
    for k, v in changed.items():
        setattr(release, k, v)
    _touch(release)
    _audit("release.updated", release, actor, fields=sorted(changed))
    return True


def candidate_items_query(project, release: Release | None = None):
    """Items that may go into a release: accepted (done) items of closed sprints, live, and in
    no other release that is not cancelled."""
    taken = (select(release_item.c.item_id).join(Release, Release.id == release_item.c.release_id)
             .where(Release.project_id == project.id, Release.state != R.CANCELLED))
    if release is not None:
        taken = taken.where(Release.id != release.id)
    return (select(Item).join(Sprint, Sprint.id == Item.sprint_id)
            .where(Item.project_id == project.id, Item.status == Status.DONE,
                   Item.archived_at.is_(None), Sprint.state == SprintState.CLOSED,
                   Item.id.not_in(taken))
            .order_by(Item.number))


def candidate_items(project, release: Release | None = None) -> list[Item]:
    return list(db.session.scalars(candidate_items_query(project, release)))


def set_items(release: Release, actor, item_ids, *, version) -> bool:
    """Choose the release's items (while planned). Every one must be a candidate: an item of
    another project, one not accepted, or one in another release is refused by number."""
    check_version(release, version)
    _check_open(release, R.PLANNED)
    ids = []
    for raw in item_ids:
        ident = parse_id(raw)
        if ident is None:
            raise RuleViolation(_("Choose items from the list."), "items")
        ids.append(ident)
    wanted = set(ids)
    allowed = {item.id: item for item in candidate_items(release.project, release)}
    if not wanted <= allowed.keys():
        raise RuleViolation(_("Only accepted items of closed sprints of %(key)s that are in no "
                              "other release can be released.", key=release.project.key),
                            "items")
    if wanted == {item.id for item in release.items}:
        return False
    release.items = sorted((allowed[i] for i in wanted), key=lambda item: item.number)
    if not release.is_notes_edited:
        generate_notes(release)
    _touch(release)
    _audit("release.items_changed", release, actor,
           items=[item.key_in(release.project.key) for item in release.items])
    return True


def delivered_needs(release: Release) -> list[Need]:
    """The needs the release's items serve, by number (the traceability links)."""
    ids = [item.id for item in release.items]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Need).join(NeedItemLink, NeedItemLink.need_id == Need.id)
        .where(Need.project_id == release.project_id, NeedItemLink.item_id.in_(ids),
               Need.archived_at.is_(None))
        .distinct().order_by(Need.number)))


def willing_testers(release: Release) -> list[int]:
    """The municipalities that co-sponsor the release's needs and said they would test."""
    needs = [need.id for need in delivered_needs(release)]
    if not needs:
        return []
    members = {org.id for org in participating_municipalities(release.project)}
    return sorted(set(db.session.scalars(
        select(NeedCoSponsor.organisation_id).where(NeedCoSponsor.need_id.in_(needs),
                                                    NeedCoSponsor.is_willing_to_test.is_(True))))
                  & members)


def suggested_testers(release: Release) -> set[int]:
    """The form's pre-filled choice: the testers chosen, else those willing to test."""
    chosen = {t.organisation_id for t in release.testers}
    return chosen or set(willing_testers(release))


def set_testers(release: Release, actor, organisation_ids, *, version) -> bool:
    """Choose the test municipalities (while planned or in test). A municipality that has
    signed off stays unless the release goes back to planned."""
    check_version(release, version)
    _check_open(release, R.PLANNED, R.IN_TEST)
    allowed = {org.id for org in participating_municipalities(release.project)}
    wanted = set()
    for raw in organisation_ids:
        ident = parse_id(raw)
        if ident is None or ident not in allowed:
            raise RuleViolation(_("Choose test municipalities among the project's "
                                  "municipalities."), "testers")
        wanted.add(ident)
    current = {t.organisation_id: t for t in release.testers}
    if wanted == current.keys():
        return False
    for org_id, tester in current.items():
        if org_id not in wanted:
            if tester.decision is not None:
                raise RuleViolation(_("%(org)s has signed off already and stays a test "
                                      "municipality.", org=tester.organisation.name), "testers")
            release.testers.remove(tester)
    for org_id in sorted(wanted - current.keys()):
        release.testers.append(ReleaseTester(organisation_id=org_id))
    _touch(release)
    _audit("release.testers_changed", release, actor,
           testers=[t.organisation.name for t in release.testers if t.organisation] or
           sorted(str(i) for i in wanted))
    if release.state == R.IN_TEST:
        notify.entered_test(release, actor, sorted(wanted - current.keys()))
    return True


def _notes_in(release: Release, language: str, needs: list[Need]) -> str:
    """The notes in one language. Bold lines rather than headings: the notes sit under the
    headings of whichever page shows them (the release, the public roadmap)."""
    key = release.project.key
    with force_locale(language):
        lines = [_("%(project)s %(name)s", project=release.project.name, name=release.name)]
        if release.planned_on:
            lines[0] += " · " + _("planned for %(day)s", day=format_day(release.planned_on))
        new, delivers = _("What is new"), _("Needs this release delivers")
        no_items, no_needs = _("No items yet."), _("No needs are linked to these items.")
        lines += ["", f"**{new}**", ""]
        lines += [f"- {item.key_in(key)} {item.title}" for item in release.items] or [
            f"- {no_items}"]
        lines += ["", f"**{delivers}**", ""]
        lines += [f"- #{need.number} {need.title} ({need.organisation.name})"
                  for need in needs] or [f"- {no_needs}"]
    return "\n".join(lines) + "\n"


def generated_notes(release: Release) -> dict[str, str]:
    """Release notes in Danish and English, written from the items and the needs they serve."""
    needs = delivered_needs(release)
    return {language: _notes_in(release, language, needs) for language in LANGUAGES}


def generate_notes(release: Release) -> None:
    notes = generated_notes(release)
    release.notes_da, release.notes_en = notes["da"], notes["en"]
    release.is_notes_edited = False


def regenerate_notes(release: Release, actor, *, version) -> None:
    """Write the notes afresh from the items and needs (until released)."""
    check_version(release, version)
    _check_open(release, R.PLANNED, R.IN_TEST, R.ACCEPTED)
    generate_notes(release)
    _touch(release)
    _audit("release.notes_generated", release, actor)


def edit_notes(release: Release, actor, *, version, notes_da: str, notes_en: str) -> bool:
    """Save the edited notes (Markdown, per language) until the release is out."""
    check_version(release, version)
    _check_open(release, R.PLANNED, R.IN_TEST, R.ACCEPTED)
    notes_da = clean_text(notes_da, "notes_da", MAX_NOTES)
    notes_en = clean_text(notes_en, "notes_en", MAX_NOTES)
    if (notes_da, notes_en) == (release.notes_da, release.notes_en):
        return False
    release.notes_da, release.notes_en, release.is_notes_edited = notes_da, notes_en, True
    _touch(release)
    _audit("release.notes_edited", release, actor)
    return True


def pending_testers(release: Release) -> list[ReleaseTester]:
    """Test municipalities that have not approved (no sign-off yet, or not approved)."""
    return [t for t in release.testers if not t.is_approved]


def change_state(release: Release, actor, to_state: str, *, version, reason: str = "",
                 at: datetime | None = None) -> None:
    """Move the release along its workflow. Entering test needs items, test municipalities and
    a test window; accepting needs every test municipality's approval, unless the secretariat
    overrides with a reason."""
    check_version(release, version)
    if to_state not in set(R):
        raise RuleViolation(_("Unknown state."), "state", status=400)
    if to_state not in TRANSITIONS[release.state]:
        raise RuleViolation(_("A release that is %(old)s cannot become %(new)s.",
                              old=str(STATE_LABELS[release.state]).lower(),
                              new=str(STATE_LABELS[to_state]).lower()), "state", status=409)
    reason = clean_text(reason, "reason", MAX_TEXT)
    at = at or utcnow()
    details = {}
    if to_state == R.IN_TEST:
        _check_ready_for_test(release)
    if to_state == R.ACCEPTED:
        details = _check_acceptance(release, actor, reason)
    if to_state == R.PLANNED:
        for tester in release.testers:
            tester.decision, tester.text, tester.signed_by, tester.signed_at = None, "", None, None
    if to_state == R.CANCELLED and not reason:
        raise RuleViolation(_("Say why the release is cancelled."), "reason")
    old = release.state
    release.state = to_state
    if to_state == R.ACCEPTED:
        release.accepted_at = at
    if to_state == R.RELEASED:
        release.released_at = at
    _touch(release, at)
    _audit(ACTIONS[to_state], release, actor, at, old_state=old, new_state=to_state,
           reason=reason or None, **details)
    if to_state == R.IN_TEST:
        notify.entered_test(release, actor, [t.organisation_id for t in release.testers], at)


def _check_ready_for_test(release: Release) -> None:
    if not release.items:
        raise RuleViolation(_("Choose the items of the release before it goes to test."),
                            "state")
    if not release.testers:
        raise RuleViolation(_("Choose at least one test municipality before the release goes "
                              "to test."), "state")
    if release.test_from is None:
        raise RuleViolation(_("Give the test window before the release goes to test."),
                            "state")


def _check_acceptance(release: Release, actor, reason: str) -> dict:
    pending = pending_testers(release)
    if not pending:
        return {}
    names = ", ".join(t.organisation.name for t in pending)
    if not can_override_acceptance(actor, release.project):
        raise RuleViolation(_("Every test municipality must approve first; waiting for "
                              "%(names)s.", names=names), "state")
    if not reason:
        raise RuleViolation(_("Waiting for %(names)s: to accept anyway, give the reason.",
                              names=names), "reason")
    release.override_reason = reason
    return {"override": True, "testers": [t.organisation.name for t in pending]}


def tester_of(release: Release, organisation_id) -> ReleaseTester | None:
    return next((t for t in release.testers if t.organisation_id == organisation_id), None)


def sign_off(release: Release, actor, organisation_id: int, *, version, decision: str,
             text: str = "", at: datetime | None = None) -> ReleaseTester:
    """A test municipality's product owner signs off the release in test (again, if they change
    their mind). A remark or a refusal needs its text."""
    check_version(release, version)
    tester = tester_of(release, organisation_id)
    if tester is None:
        raise RuleViolation(_("That municipality is not testing this release."), status=404)
    if actor.organisation_id != organisation_id:
        raise RuleViolation(_("You can only sign off for your own municipality."), status=403)
    if release.state != R.IN_TEST:
        raise RuleViolation(_("Only a release in test can be signed off."), status=409)
    if decision not in set(SignOff):
        raise RuleViolation(_("Choose approved, approved with remarks or not approved."),
                            "decision")
    text = clean_text(text, "text", MAX_TEXT)
    if decision != SignOff.APPROVED and not text:
        raise RuleViolation(_("Write the remarks or why it is not approved."), "text")
    at = at or utcnow()
    tester.decision, tester.text, tester.signed_by, tester.signed_at = decision, text, actor, at
    _touch(release, at)
    _audit("release.signed_off", release, actor, at, organisation=tester.organisation.name,
           sign_off=decision)
    return tester


def definition_of_done(project) -> list[str]:
    """The project's checklist, in order (the default one until it is edited)."""
    rows = db.session.scalars(_criteria_statement(), {"project_id": project.id})
    return list(rows) or [str(text) for text in DEFAULT_CRITERIA]


# The statements of the done panel, which every item page shows, are built once.
@functools.lru_cache(maxsize=1)
def _criteria_statement():
    return (select(DoneCriterion.text).where(DoneCriterion.project_id == bindparam("project_id"))
            .order_by(DoneCriterion.position))


@functools.lru_cache(maxsize=1)
def _checks_statement():
    return (select(DoneCheck).where(DoneCheck.item_id == bindparam("item_id"))
            .order_by(DoneCheck.position))


def set_definition_of_done(project, actor, text: str) -> bool:
    """Save the checklist, one point a line; whether it changed."""
    criteria = [" ".join(line.split()) for line in clean_text(text).splitlines()]
    criteria = [c for c in criteria if c]
    if not criteria:
        raise RuleViolation(_("Write at least one point, one a line."), "criteria")
    if len(criteria) > MAX_CRITERIA:
        raise RuleViolation(_("At most %(n)d points.", n=MAX_CRITERIA), "criteria")
    if any(len(c) > MAX_CRITERION for c in criteria):
        raise RuleViolation(_("A point can have at most %(n)d characters.", n=MAX_CRITERION),
                            "criteria")
    if criteria == definition_of_done(project):
        return False
    rows = db.session.scalars(select(DoneCriterion).where(DoneCriterion.project_id == project.id))
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    db.session.add_all(DoneCriterion(project_id=project.id, position=n, text=c)
                       for n, c in enumerate(criteria, 1))
    db.session.flush()
    record("done.criteria_changed", project=project, target=project, actor=actor,
           criteria=criteria)
    return True


def _is_current(project, criteria: list[str]) -> bool:
    """Whether the posted points are the project's checklist now. The default checklist is
    shown in each reader's language, so it matches in either."""
    if criteria == definition_of_done(project):
        return True
    if db.session.scalar(select(DoneCriterion.id).where(DoneCriterion.project_id == project.id)
                         .limit(1)) is not None:
        return False
    for language in LANGUAGES:
        with force_locale(language):
            if criteria == [str(text) for text in DEFAULT_CRITERIA]:
                return True
    return False


@dataclass
class Answer:
    criterion: str
    is_met: bool
    explanation: str = ""


def checks_of(item) -> list[DoneCheck]:
    return list(db.session.scalars(_checks_statement(), {"item_id": item.id}))


def check_done(item, actor, answers: list[Answer], at: datetime | None = None) -> list[DoneCheck]:
    """The vendor ticks the definition of done on an item before or while it is in acceptance;
    each point not met needs an explanation ("følg-eller-forklar")."""
    if item.status not in (Status.IN_PROGRESS, Status.REVIEW, Status.ACCEPTANCE):
        raise RuleViolation(_("The definition of done is ticked while the item is in progress, "
                              "in review or in acceptance."), status=409)
    if not _is_current(item.project, [a.criterion for a in answers]):
        raise StaleVersion(_("The definition of done changed meanwhile; reload the page."))
    for n, answer in enumerate(answers, 1):
        explanation = clean_text(answer.explanation, f"explanation-{n}", MAX_TEXT)
        if not answer.is_met and not explanation:
            raise RuleViolation(_("Explain why “%(point)s” is not met.", point=answer.criterion),
                                f"explanation-{n}")
        answer.explanation = explanation if not answer.is_met else ""
    for row in checks_of(item):
        db.session.delete(row)
    db.session.flush()
    at = at or utcnow()
    rows = [DoneCheck(item_id=item.id, position=n, criterion=a.criterion, is_met=a.is_met,
                      explanation=a.explanation, checked_by=actor, checked_at=at)
            for n, a in enumerate(answers, 1)]
    db.session.add_all(rows)
    db.session.flush()
    record("done.checked", project=item.project, target=item,
           target_label=f"{item.key_in(item.project.key)} {item.title}", actor=actor, at=at,
           unmet=[a.criterion for a in answers if not a.is_met] or None)
    return rows
