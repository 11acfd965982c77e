"""The rules of requirement discovery: submitting and editing needs, the status workflow,
co-sponsorship by municipalities, the discovery log and escalation to the steering group.

Every function flushes and never commits. `set_status` is also the entry point for automatic
changes (a linked backlog item entering a sprint, all linked items accepted): call it with
`by_system=True`; it then follows SYSTEM_TRANSITIONS and records the change as the system's.
"""
import hashlib
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from app.attachments.services import release_containers
from app.audit.labels import register_actions
from app.audit.services import record
from app.backlog.models import Tombstone
from app.database import utcnow
from app.discovery import notify
from app.discovery.models import (Need, NeedChange, NeedCoSponsor, NeedCounter, NeedNote,
                                  NeedStatus, NoteKind)
from app.events import publish
from app.idempotency import services as idempotency
from app.extensions import db
from app.projects.services import participation_of
from app.services import RuleViolation, StaleVersion, clean_text

S = NeedStatus

# What people (product owners, the secretariat) may do. Delivered can be reopened to planned
# when a delivery turns out incomplete; declined can be reconsidered; parked can be picked up.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.IN_DISCOVERY, S.DECLINED, S.PARKED}),
    S.IN_DISCOVERY: frozenset({S.READY, S.DECLINED, S.PARKED}),
    S.READY: frozenset({S.PLANNED, S.IN_DISCOVERY, S.DECLINED, S.PARKED}),
    S.PLANNED: frozenset({S.DELIVERED, S.READY}),
    S.DELIVERED: frozenset({S.PLANNED}),
    S.DECLINED: frozenset({S.SUBMITTED}),
    S.PARKED: frozenset({S.SUBMITTED, S.IN_DISCOVERY}),
}

# What the system may do when linked backlog items change: plan and deliver any open need, and
# undo that when items leave their sprint or are reopened. Declined and parked needs stay as
# people left them.
SYSTEM_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.PLANNED, S.DELIVERED}),
    S.IN_DISCOVERY: frozenset({S.PLANNED, S.DELIVERED}),
    S.READY: frozenset({S.PLANNED, S.DELIVERED}),
    S.PLANNED: frozenset({S.DELIVERED, S.READY}),
    S.DELIVERED: frozenset({S.PLANNED}),
    S.DECLINED: frozenset(),
    S.PARKED: frozenset(),
}

RATIONALE_REQUIRED = frozenset({S.DECLINED, S.PARKED})
# Co-sponsoring a need that is closed (declined or delivered) backs nothing.
CLOSED = frozenset({S.DECLINED, S.DELIVERED})

STATUS_LABELS = {
    S.SUBMITTED: _l("Submitted"),
    S.IN_DISCOVERY: _l("In discovery"),
    S.READY: _l("Ready"),
    S.PLANNED: _l("Planned"),
    S.DELIVERED: _l("Delivered"),
    S.DECLINED: _l("Declined"),
    S.PARKED: _l("Parked"),
}

NOTE_KIND_LABELS = {
    NoteKind.NOTE: _l("Note"),
    NoteKind.WORKSHOP: _l("Workshop"),
    NoteKind.QUESTION: _l("Question"),
    NoteKind.ANSWER: _l("Answer"),
}

FIELD_LABELS = {
    "title": _l("Title"),
    "background": _l("Background"),
    "desired_outcome": _l("Desired outcome"),
    "expected_value": _l("Expected value"),
    "assumptions": _l("Assumptions"),
    "risks": _l("Risks"),
    "out_of_scope": _l("Out of scope"),
}
REQUIRED_FIELDS = ("title", "background", "desired_outcome", "expected_value")
MAX_LENGTH = {"title": 200, "background": 20000, "desired_outcome": 20000,
              "expected_value": 20000, "assumptions": 20000, "risks": 20000,
              "out_of_scope": 20000}
MAX_RATIONALE = 4000
MAX_COSPONSOR_NOTE = 2000
MAX_NOTE = 20000

def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise RuleViolation(
            _("At most %(n)d characters (this is %(len)d).", n=limit, len=len(value)), field)


def _clean_need_fields(fields: dict) -> dict:
    cleaned = {}
    for name, value in fields.items():
        if name not in MAX_LENGTH:
            raise ValueError(f"not a field of a need: {name}")
        value = clean_text(value)
        if name == "title":
            value = " ".join(value.split())
        if name in REQUIRED_FIELDS and not value:
            raise RuleViolation(_("%(field)s is required.", field=FIELD_LABELS[name]), name)
        _check_length(name, value, MAX_LENGTH[name])
        cleaned[name] = value
    return cleaned


def _actor_label(actor) -> str:
    return actor.name if actor is not None else ""


def _log(need: Need, field: str, old="", new="", *, actor=None, comment="", by_system=False,
         at: datetime | None = None, **params):
    """A line of the need's history. `comment` is what a person wrote; what the system adds
    goes in `params` as values (a decision's title), never as a sentence in one language."""
    need.changes.append(NeedChange(
        field=field, old_value=str(old or ""), new_value=str(new or ""), comment=comment or "",
        actor=actor, actor_label=_actor_label(actor), is_by_system=by_system,
        params={k: v for k, v in params.items() if v}, created_at=at or utcnow()))


def _touch(need: Need, at: datetime | None = None) -> None:
    """Mark the need as worked on now, or at `at` (the list's "oldest untouched" sort reads
    this). A change dated no later than the last one leaves the time as it is."""
    if at is not None and need.updated_at is not None and at <= need.updated_at:
        # Written unchanged: left out of the UPDATE, the column's onupdate would say "now".
        flag_modified(need, "updated_at")
        return
    need.updated_at = at or utcnow()


def submitting_municipality_problem(project, user) -> str | None:
    """Why the user's organisation cannot act as a municipality in the project, if it cannot."""
    return municipality_problem(project, user.organisation)


def municipality_problem(project, org) -> str | None:
    """Why the organisation cannot submit or co-sponsor needs in the project, if it cannot."""
    if not org.is_municipality:
        return _("Only municipalities submit and co-sponsor needs.")
    if participation_of(project, org.id) is None:
        return _("%(org)s does not take part in the project.", org=org.name)
    return None


def _next_number(project_id: int) -> int:
    """Take the project's next need number. The UPDATE locks the counter row until commit, so
    concurrent submissions queue up instead of reading the same maximum."""
    bump = (update(NeedCounter).where(NeedCounter.project_id == project_id)
            .values(last_number=NeedCounter.last_number + 1)
            .returning(NeedCounter.last_number)
            .execution_options(synchronize_session=False))
    number = db.session.execute(bump).scalar()
    if number is None:
        start = db.session.scalar(
            select(func.coalesce(func.max(Need.number), 0)).where(Need.project_id == project_id))
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(NeedCounter).values(project_id=project_id, last_number=start)
                           .on_conflict_do_nothing(index_elements=["project_id"]))
        number = db.session.execute(bump).scalar_one()
    return number


def create_need_once(idempotency_key: str | None, project, submitter, **fields) -> Need:
    """`create_need`, made at most once per idempotency key of the form (a form sent again
    after a connection error answers with the need its first sending made)."""
    def load(need_id: int) -> Need | None:
        need = db.session.get(Need, need_id)
        return need if need is not None and need.project_id == project.id else None

    return idempotency.once(submitter, idempotency_key, "discovery.need",
                            lambda: create_need(project, submitter, **fields), load)


def create_need(project, submitter, at: datetime | None = None, **fields) -> Need:
    """Submit a need on behalf of the submitter's municipality; it starts as submitted (`at`
    dates the submission, else now)."""
    problem = submitting_municipality_problem(project, submitter)
    if problem:
        raise RuleViolation(problem, status=403)
    return _new_need(project, submitter.organisation, submitter, submitter, at, fields)


def import_need(project, actor, organisation, submitter=None, at: datetime | None = None,
                **fields) -> Need:
    """A need brought in from a spreadsheet by `actor` (the secretariat) on behalf of the
    municipality that submitted it, which must take part in the project. `submitter` is the
    person named in the sheet if they are one of that municipality's people, else nobody.
    Nobody starts watching an imported need (a sheet brings hundreds); its texts' references
    are recorded as for any need."""
    problem = municipality_problem(project, organisation)
    if problem:
        raise RuleViolation(problem, "organisation")
    if submitter is not None and submitter.organisation_id != organisation.id:
        submitter = None
    return _new_need(project, organisation, submitter, actor, at, fields, imported=True)


def _new_need(project, organisation, submitter, actor, at, fields, imported=False) -> Need:
    for optional in ("assumptions", "risks", "out_of_scope"):
        fields.setdefault(optional, "")
    for required in REQUIRED_FIELDS:
        fields.setdefault(required, "")
    cleaned = _clean_need_fields(fields)
    at = at or utcnow()
    need = Need(project=project, number=_next_number(project.id),
                organisation=organisation, submitter=submitter,
                status=S.SUBMITTED, created_at=at, status_changed_at=at, updated_at=at,
                **cleaned)
    db.session.add(need)
    _log(need, "created", new=cleaned["title"], actor=actor, at=at)
    db.session.flush()
    if imported:  # an import tells nobody, webhooks included
        notify.texts_saved(need, actor)
    else:
        notify.created(need, submitter)
        publish("need.created", project, submitter, need, at=at)
    return need


TEXT_FIELDS = ("title", "background", "desired_outcome", "expected_value", "assumptions",
               "risks", "out_of_scope")


def edit_token(need: Need) -> str:
    """A fingerprint of the need's texts, to notice that someone else saved in the meantime."""
    texts = "\x1f".join(getattr(need, name) or "" for name in TEXT_FIELDS)
    return hashlib.sha256(texts.encode()).hexdigest()[:32]


def update_need(need: Need, actor, expected_token: str | None = None, **fields) -> list[str]:
    """Change a need's texts; each changed field goes into the history. Returns those fields.
    With `expected_token` (see `edit_token`) the texts must still be those the editor saw."""
    if expected_token is not None:
        # Hold off a simultaneous save: the need's row only (it is read with its municipality,
        # and PostgreSQL locks no row of an outer join's nullable side).
        db.session.refresh(need, with_for_update={"of": Need})
        if expected_token != edit_token(need):
            raise StaleVersion(_("Someone else saved changes to this need while you were "
                                 "editing. Open the need in a new tab, compare, and save "
                                 "again."))
    cleaned = _clean_need_fields(fields)
    old_texts = tuple(getattr(need, name) or "" for name in notify.TEXTS)
    changed = []
    for name, value in cleaned.items():
        old = getattr(need, name)
        if value != old:
            setattr(need, name, value)
            _log(need, name, old, value, actor=actor)
            changed.append(name)
    if changed:
        _touch(need)
        db.session.flush()
        notify.texts_saved(need, actor, old_texts)
    db.session.flush()
    return changed


def _lock(need: Need) -> None:
    """Lock the need's row until commit, and refuse when someone changed its status or
    escalation since it was loaded: two people deciding at once must not both win."""
    row = db.session.execute(select(Need.status, Need.is_escalated)
                             .where(Need.id == need.id).with_for_update()).one()
    if (row.status, row.is_escalated) != (need.status, need.is_escalated):
        raise RuleViolation(_("Someone else changed the need just now. Reload the page and "
                              "try again."), status=409)


def allowed_statuses(need: Need, by_system: bool = False) -> list[str]:
    """The statuses the need may move to next, in lifecycle order."""
    graph = SYSTEM_TRANSITIONS if by_system else TRANSITIONS
    return [s for s in S if s in graph[need.status]]


def set_status(need: Need, status: str, actor=None, rationale: str | None = None,
               by_system: bool = False, rationale_public: bool = False,
               at: datetime | None = None, decision: str = "") -> NeedChange | None:
    """Move a need along its lifecycle. Declining and parking need a rationale, which everyone
    sees; `rationale_public` puts a declined need and its rationale on the public roadmap;
    `decision` is the title of the steering group's decision that made the change.
    A system change to the status the need already has does nothing (returns None), so item
    events may call this freely."""
    if not status:
        raise RuleViolation(_("Choose the new status."), "status")
    if status not in set(S):
        raise RuleViolation(_("Unknown status."), "status")
    if status == need.status:
        if by_system:
            return None
        raise RuleViolation(_("The need is already %(status)s.",
                              status=str(STATUS_LABELS[status]).lower()), "status", status=409)
    graph = SYSTEM_TRANSITIONS if by_system else TRANSITIONS
    if status not in graph[need.status]:
        raise RuleViolation(
            _("A need cannot go from %(old)s to %(new)s.",
              old=str(STATUS_LABELS[need.status]).lower(), new=str(STATUS_LABELS[status]).lower()),
            "status")
    rationale = clean_text(rationale)
    _lock(need)
    if status in RATIONALE_REQUIRED and not rationale:
        raise RuleViolation(
            _("Give the reason for this decision; everyone in the project sees it."), "rationale")
    _check_length("rationale", rationale, MAX_RATIONALE)
    old = need.status
    now = at or utcnow()
    need.status = status
    need.status_rationale = rationale
    # Only a declined need can appear on the public roadmap because of its rationale.
    need.is_rationale_public = bool(rationale_public and rationale and status == S.DECLINED)
    need.status_changed_at = now
    need.delivered_at = now if status == S.DELIVERED else None
    _touch(need, now)
    actor = None if by_system else actor
    _log(need, "status", old, status, actor=actor, comment=rationale, by_system=by_system,
         at=now, decision=decision)
    record("need.status_changed", project=need.project, target=need, target_label=need.label,
           actor=actor, actor_label="system" if by_system else None, at=now,
           old=old, new=status, rationale=rationale or None, by_system=by_system or None)
    db.session.flush()
    notify.status_changed(need, actor, str(STATUS_LABELS[status]))
    publish("need.status_changed", need.project, actor, need, at=now,
            changes={"status": (old, status)})
    return need.changes[-1]


def cosponsorship_of(need: Need, organisation_id: int) -> NeedCoSponsor | None:
    return db.session.scalar(select(NeedCoSponsor).where(
        NeedCoSponsor.need_id == need.id, NeedCoSponsor.organisation_id == organisation_id))


def _already_cosponsoring(org) -> RuleViolation:
    return RuleViolation(_("%(org)s already co-sponsors this need.", org=org.name), status=409)


def cosponsor(need: Need, user, note: str = "", is_willing_to_cofund: bool = False,
              is_willing_to_test: bool = False, at: datetime | None = None) -> NeedCoSponsor:
    """Co-sponsor the need on behalf of the user's municipality (one co-sponsorship each)."""
    problem = submitting_municipality_problem(need.project, user)
    if problem:
        raise RuleViolation(problem, status=403)
    org = user.organisation
    if org.id == need.organisation_id:
        raise RuleViolation(_("%(org)s submitted this need, so it cannot also co-sponsor it.",
                              org=org.name))
    if need.status in CLOSED:
        raise RuleViolation(_("The need is %(status)s and takes no more co-sponsors.",
                              status=str(STATUS_LABELS[need.status]).lower()), status=409)
    note = clean_text(note)
    _check_length("note", note, MAX_COSPONSOR_NOTE)
    if cosponsorship_of(need, org.id) is not None:
        raise _already_cosponsoring(org)
    at = at or utcnow()
    sponsorship = NeedCoSponsor(need_id=need.id, organisation=org, created_by=user, note=note,
                                is_willing_to_cofund=bool(is_willing_to_cofund),
                                is_willing_to_test=bool(is_willing_to_test), created_at=at)
    try:
        # A colleague's simultaneous click passes the check above too; the unique constraint
        # decides, and the savepoint keeps the rest of the transaction usable.
        with db.session.begin_nested():
            db.session.add(sponsorship)
            db.session.flush()
    except IntegrityError:
        raise _already_cosponsoring(org) from None
    _log(need, "cosponsor", new=org.name, actor=user, comment=note, at=at)
    _touch(need, at)
    record("need.cosponsored", project=need.project, target=need, target_label=need.label,
           actor=user, at=at, organisation=org.name,
           cofund=sponsorship.is_willing_to_cofund or None,
           test_municipality=sponsorship.is_willing_to_test or None)
    db.session.flush()
    db.session.expire(need, ["cosponsors"])
    notify.cosponsored(need, user)
    publish("need.cosponsored", need.project, user, need, at=at)
    return sponsorship


def withdraw_cosponsorship(need: Need, user) -> None:
    """Withdraw the co-sponsorship of the user's municipality."""
    sponsorship = cosponsorship_of(need, user.organisation_id)
    if sponsorship is None:
        raise RuleViolation(_("%(org)s does not co-sponsor this need.",
                              org=user.organisation.name), status=409)
    org_name = sponsorship.organisation.name
    db.session.delete(sponsorship)
    _log(need, "cosponsor", old=org_name, actor=user)
    _touch(need)
    record("need.cosponsorship_withdrawn", project=need.project, target=need,
           target_label=need.label, actor=user, organisation=org_name)
    db.session.flush()
    db.session.expire(need, ["cosponsors"])
    publish("need.withdrawn", need.project, user, need,
            changes={"cosponsor": (org_name, None)})


def update_cosponsorship(need: Need, user, note: str = "", is_willing_to_cofund: bool = False,
                         is_willing_to_test: bool = False) -> bool:
    """Change the note and the willingness of the user's municipality's co-sponsorship without
    withdrawing it (it keeps its date). Returns whether anything changed."""
    sponsorship = cosponsorship_of(need, user.organisation_id)
    if sponsorship is None:
        raise RuleViolation(_("%(org)s does not co-sponsor this need.",
                              org=user.organisation.name), status=409)
    note = clean_text(note)
    _check_length("note", note, MAX_COSPONSOR_NOTE)
    wanted = (note, bool(is_willing_to_cofund), bool(is_willing_to_test))
    if wanted == (sponsorship.note, sponsorship.is_willing_to_cofund,
                  sponsorship.is_willing_to_test):
        return False
    sponsorship.note, sponsorship.is_willing_to_cofund, sponsorship.is_willing_to_test = wanted
    org_name = sponsorship.organisation.name
    _log(need, "cosponsor", old=org_name, new=org_name, actor=user, comment=note)
    _touch(need)
    record("need.cosponsorship_changed", project=need.project, target=need,
           target_label=need.label, actor=user, organisation=org_name,
           cofund=wanted[1], test_municipality=wanted[2])
    db.session.flush()
    return True


def add_note(need: Need, author, kind: str, body: str, occurred_on: date | None = None,
             at: datetime | None = None) -> NeedNote:
    """Add a dated entry to the discovery log (`at` is when it was written, else now)."""
    if kind not in set(NoteKind):
        raise RuleViolation(_("Choose what kind of entry this is."), "kind")
    body = clean_text(body)
    if not body:
        raise RuleViolation(_("Write the note."), "body")
    _check_length("body", body, MAX_NOTE)
    today = utcnow().date()
    occurred_on = occurred_on or today
    # A day's slack: "today" in Copenhagen can be tomorrow in UTC.
    if (occurred_on - today).days > 1:
        raise RuleViolation(_("The date cannot be in the future."), "occurred_on")
    if occurred_on.year < 2000:
        raise RuleViolation(_("Give a date after the year 2000."), "occurred_on")
    at = at or utcnow()
    note = NeedNote(need=need, author=author, kind=kind, body=body, occurred_on=occurred_on,
                    created_at=at)
    db.session.add(note)
    _touch(need, at)
    db.session.flush()
    notify.note_added(note, author)
    return note


def escalate(need: Need, actor, reason: str, at: datetime | None = None) -> None:
    """Put the need in the steering group's "for decision" queue, with the reason why."""
    _lock(need)
    if need.is_escalated:
        raise RuleViolation(_("The need is already escalated to the steering group."), status=409)
    reason = clean_text(reason)
    if not reason:
        raise RuleViolation(_("Say what the steering group should decide."), "reason")
    _check_length("reason", reason, MAX_RATIONALE)
    at = at or utcnow()
    need.is_escalated = True
    need.escalated_at = at
    need.escalated_by = actor
    need.escalation_reason = reason
    _touch(need, at)
    _log(need, "escalation", "", "escalated", actor=actor, comment=reason, at=at)
    record("need.escalated", project=need.project, target=need, target_label=need.label,
           actor=actor, reason=reason, at=at)
    db.session.flush()
    notify.escalated(need, actor)


def withdraw_escalation(need: Need, actor, comment: str = "", at: datetime | None = None,
                        decision: str = "") -> None:
    """Take the need out of the steering group's queue: no longer needed (with the person's
    `comment`), or decided by the steering group's decision titled `decision`."""
    _lock(need)
    if not need.is_escalated:
        raise RuleViolation(_("The need is not escalated."), status=409)
    comment = clean_text(comment)
    _check_length("comment", comment, MAX_RATIONALE)
    need.is_escalated = False
    need.escalated_at = None
    need.escalated_by = None
    need.escalation_reason = ""
    _touch(need, at)
    _log(need, "escalation", "escalated", "decided" if decision else "", actor=actor,
         comment=comment, at=at, decision=decision)
    record("need.escalation_decided" if decision else "need.escalation_withdrawn",
           project=need.project, target=need, target_label=need.label, actor=actor,
           comment=comment or None, decision=decision or None, at=at)
    db.session.flush()


def record_attachment(need: Need, actor, action: str, name: str, on_note: bool = False) -> None:
    """A file was attached to the need or one of its discovery notes ("attached"), or deleted
    ("deleted"): a line in the need's history."""
    old, new = ("", name) if action == "attached" else (name, "")
    _log(need, "attachment", old, new, actor=actor, note="yes" if on_note else "")


register_actions({"need.archived": _l("Need archived"), "need.restored": _l("Need restored"),
                  "need.deleted": _l("Need deleted")})


def archive_need(need: Need, actor, at: datetime | None = None) -> None:
    """Archive the need: it leaves the needs list, the roadmap, the decision queue and the
    digests; its page, links and history stay, and it can be restored."""
    if need.archived_at is not None:
        raise RuleViolation(_("Need #%(number)d is already archived.", number=need.number),
                            status=409)
    at = at or utcnow()
    need.archived_at, need.archived_by = at, actor
    _log(need, "archived", "", "yes", actor=actor, at=at)
    record("need.archived", project=need.project, target=need, target_label=need.label,
           actor=actor)
    db.session.flush()


def restore_need(need: Need, actor, at: datetime | None = None) -> None:
    """Bring an archived need back to the needs list."""
    if need.archived_at is None:
        raise RuleViolation(_("Need #%(number)d is not archived.", number=need.number),
                            status=409)
    at = at or utcnow()
    need.archived_at, need.archived_by_id = None, None
    _log(need, "archived", "yes", "", actor=actor, at=at)
    record("need.restored", project=need.project, target=need, target_label=need.label,
           actor=actor)
    db.session.flush()


def delete_need(need: Need, actor, confirmation: str, at: datetime | None = None) -> Tombstone:
    """Delete an archived need for good, with its co-sponsorships, discovery log, history and
    links to items and decisions; its files go to the attachments' retention. A tombstone and
    the audit log keep who deleted what; the number is never handed out again."""
    reference = f"#{need.number}"
    if need.archived_at is None:
        raise RuleViolation(_("Archive need %(ref)s before deleting it.", ref=reference),
                            status=409)
    typed = (confirmation or "").strip().lstrip("#")
    if typed != str(need.number):
        raise RuleViolation(_("Type %(ref)s to confirm the deletion.", ref=reference),
                            "confirmation")
    project = need.project
    tombstone = Tombstone(project_id=project.id, kind="need", number=need.number,
                          reference=reference, title=need.title,
                          deleted_by_id=getattr(actor, "id", None),
                          deleted_by_label=_actor_label(actor), deleted_at=at or utcnow())
    db.session.add(tombstone)
    note_ids = [note.id for note in need.notes]
    files = (release_containers(project, "need", [need.id], actor)
             + release_containers(project, "note", note_ids, actor))
    record("need.deleted", project=project, target=need, target_label=need.label, actor=actor,
           key=reference, files=files or None)
    db.session.delete(need)
    db.session.flush()
    return tombstone
