"""The rules of the decision log: recording a decision, linking the needs and items it
concerns, and settling escalated needs through discovery's own workflow (so the needs'
history and the audit log tell the same story). Functions flush and never commit."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.services import record
from app.backlog.models import Item
from app.database import utcnow
from app.audit.labels import register_actions, register_details
from app.decisions.models import (MAX_TEXT, MAX_TITLE, Decision, DecisionOutcome, DecisionState,
                                  DecisionType, Outcome)
from app.discovery import notify as need_notify
from app.discovery import services as discovery
from app.discovery.models import Need, NeedStatus
from app.events import publish
from app.extensions import db
from app.services import RuleViolation, clean_text

OUTCOME_LABELS = {
    Outcome.APPROVED: _l("Approved"),
    Outcome.DECLINED: _l("Declined"),
    Outcome.PARKED: _l("Parked"),
}
TYPE_LABELS = {
    DecisionType.STRATEGIC: _l("Strategic"),
    DecisionType.ARCHITECTURE: _l("Architecture"),
    DecisionType.OPERATIONAL: _l("Operational"),
}
STATE_LABELS = {
    DecisionState.PROPOSED: _l("Proposed"),
    DecisionState.ACCEPTED: _l("Accepted"),
    DecisionState.SUPERSEDED: _l("Superseded"),
    DecisionState.REJECTED: _l("Rejected"),
}
# The states a person chooses; a decision becomes superseded when an accepted one supersedes it.
CHOSEN_STATES = (DecisionState.PROPOSED, DecisionState.ACCEPTED, DecisionState.REJECTED)
MAX_SUPERSEDES = 20

register_actions({"decision.record_changed": _l("Decision record changed"),
                  "decision.superseded": _l("Decision superseded"),
                  "decision.reinstated": _l("Decision in force again")})
register_details({"decision_type": _l("Type"), "state": _l("State"),
                  "supersedes": _l("Supersedes"), "superseded_by": _l("Superseded by"),
                  "consequences": _l("Consequences")})

# Declining and parking are need statuses of the same name; approving moves the need forward.
CLOSING = {Outcome.DECLINED: NeedStatus.DECLINED, Outcome.PARKED: NeedStatus.PARKED}
MAX_REFERENCES = 50
_NEED_REF = re.compile(r"^#?(\d{1,9})$")
_ITEM_REF = re.compile(r"^(?:([A-Za-z][A-Za-z0-9]*)-)?(\d{1,9})$")


@dataclass
class OutcomeChoice:
    """The recorder's choice for one escalated need; `status` is where an approval moves it
    ("" keeps its status)."""

    need: Need
    outcome: str
    status: str = ""
    rationale: str = ""


def approval_statuses(need: Need) -> list[str]:
    """Where an approval may move the need: the allowed next statuses short of closing it."""
    return [s for s in discovery.allowed_statuses(need) if s not in CLOSING.values()]


def default_approval_status(need: Need) -> str:
    """The natural next step after an approval: the first forward status, if any."""
    order = list(NeedStatus)
    forward = [s for s in approval_statuses(need) if order.index(s) > order.index(need.status)]
    return forward[0] if forward else ""


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text or "") if t]


def resolve_needs(project, text: str, field: str = "need_numbers") -> list[Need]:
    """The project's needs named in `text` ("#12, 13"); anything else is refused with the reason."""
    tokens = _tokens(text)
    if len(tokens) > MAX_REFERENCES:
        raise RuleViolation(_("Link at most %(n)d needs.", n=MAX_REFERENCES), field)
    needs = []
    for token in tokens:
        match = _NEED_REF.match(token)
        if not match:
            raise RuleViolation(_("“%(ref)s” is not a need number (write e.g. #12).", ref=token),
                                field)
        need = db.session.scalar(select(Need).where(Need.project_id == project.id,
                                                    Need.number == int(match[1])))
        if need is None:
            raise RuleViolation(_("There is no need #%(n)s in %(key)s.", n=match[1],
                                  key=project.key), field)
        if need not in needs:
            needs.append(need)
    return needs


def resolve_items(project, text: str, field: str = "item_numbers") -> list[Item]:
    """The project's backlog items named in `text` ("OVB-12, 13"); items of other projects and
    unknown numbers are refused with the reason."""
    tokens = _tokens(text)
    if len(tokens) > MAX_REFERENCES:
        raise RuleViolation(_("Link at most %(n)d items.", n=MAX_REFERENCES), field)
    items = []
    for token in tokens:
        match = _ITEM_REF.match(token)
        if not match:
            raise RuleViolation(_("“%(ref)s” is not an item key (write e.g. %(key)s-12).",
                                  ref=token, key=project.key), field)
        if match[1] and match[1].upper() != project.key.upper():
            raise RuleViolation(_("%(ref)s is not an item of %(key)s.", ref=token,
                                  key=project.key), field)
        item = db.session.scalar(select(Item).where(Item.project_id == project.id,
                                                    Item.number == int(match[2])))
        if item is None:
            raise RuleViolation(_("There is no item %(key)s-%(n)s.", key=project.key, n=match[2]),
                                field)
        if item not in items:
            items.append(item)
    return items


def _clean_fields(decided_on: date | None, title: str, text: str) -> tuple[str, str]:
    title = " ".join(clean_text(title).split())
    text = clean_text(text)
    if not title:
        raise RuleViolation(_("Give the decision a title."), "title")
    if len(title) > MAX_TITLE:
        raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_TITLE,
                              len=len(title)), "title")
    if len(text) > MAX_TEXT:
        raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_TEXT,
                              len=len(text)), "text")
    if decided_on is None:
        raise RuleViolation(_("Give the date of the decision."), "decided_on")
    # A day's slack: "today" in Copenhagen can be tomorrow in UTC.
    if (decided_on - utcnow().date()).days > 1:
        raise RuleViolation(_("The date cannot be in the future."), "decided_on")
    if decided_on.year < 2000:
        raise RuleViolation(_("Give a date after the year 2000."), "decided_on")
    return title, text


def _check_project(project, needs, items) -> None:
    """Defence in depth: a need or item of another project is never linked."""
    for thing in (*needs, *items):
        if thing.project_id != project.id:
            raise RuleViolation(_("Only needs and items of %(key)s can be linked.",
                                  key=project.key))


def _settle(title: str, choice: OutcomeChoice, actor, at: datetime | None) -> DecisionOutcome:
    """Apply one outcome to its escalated need through discovery's workflow, then take the need
    out of the queue. Refusals name the need's own form fields."""
    need = choice.need
    if not need.is_escalated:
        raise RuleViolation(_("Need #%(n)d is no longer waiting for a decision. Reload the page.",
                              n=need.number), f"outcome-{need.number}", status=409)
    if choice.outcome not in set(Outcome):
        raise RuleViolation(_("Choose an outcome."), f"outcome-{need.number}")
    rationale = clean_text(choice.rationale)
    old = need.status
    target = CLOSING.get(choice.outcome) or choice.status
    if choice.outcome == Outcome.APPROVED and target and target not in approval_statuses(need):
        raise RuleViolation(_("Choose where the approved need goes next."),
                            f"status-{need.number}")
    if target and target != old:
        # Declining and parking need the steering group's own reason (discovery refuses an
        # empty one); the history names the decision itself, in each reader's language.
        try:
            discovery.set_status(need, target, actor=actor, rationale=rationale, at=at,
                                 decision=title)
        except RuleViolation as exc:
            field = "rationale" if exc.field == "rationale" else "outcome"
            raise RuleViolation(exc.message, f"{field}-{need.number}", exc.status) from None
    elif choice.outcome != Outcome.APPROVED:
        raise RuleViolation(_("The need is already %(status)s.", status=str(
            discovery.STATUS_LABELS[old]).lower()), f"outcome-{need.number}", status=409)
    discovery.withdraw_escalation(need, actor, at=at, decision=title)
    return DecisionOutcome(need=need, outcome=choice.outcome, old_status=old,
                           new_status=need.status, rationale=rationale)


@dataclass
class RecordFields:
    """A decision's record: its type ("" or None: unspecified), state, consequences
    (Markdown) and the decisions it supersedes."""

    decision_type: str | None = None
    state: str = DecisionState.ACCEPTED
    consequences: str = ""
    supersedes: tuple = ()


def resolve_decisions(project, ids, field: str = "supersedes") -> list[Decision]:
    """The decisions `ids` names; one of another project, or none at all, is refused."""
    ids = list(dict.fromkeys(ids or ()))
    if len(ids) > MAX_SUPERSEDES:
        raise RuleViolation(_("A decision supersedes at most %(n)d others.", n=MAX_SUPERSEDES),
                            field)
    found = []
    for ident in ids:
        decision = db.session.get(Decision, ident) if isinstance(ident, int) else None
        if decision is None or decision.project_id != project.id:
            raise RuleViolation(_("Only decisions of %(key)s can be superseded.",
                                  key=project.key), field)
        found.append(decision)
    return found


def _reachable(start: Decision) -> set[int]:
    """The ids of the decisions `start` supersedes, directly or through others."""
    seen: set[int] = set()
    todo = list(start.supersedes)
    while todo:
        decision = todo.pop()
        if decision.id not in seen:
            seen.add(decision.id)
            todo.extend(decision.supersedes)
    return seen


def _clean_record(project, decision: Decision | None, fields: RecordFields):
    kind = fields.decision_type or None
    if kind is not None and kind not in set(DecisionType):
        raise RuleViolation(_("Choose the type of decision."), "decision_type")
    state = fields.state
    if state not in set(CHOSEN_STATES):
        raise RuleViolation(_("Choose whether the decision is proposed, accepted or rejected."),
                            "state")
    consequences = clean_text(fields.consequences, "consequences", MAX_TEXT)
    targets = list(dict.fromkeys(fields.supersedes))
    for target in targets:
        if target.project_id != project.id:
            raise RuleViolation(_("Only decisions of %(key)s can be superseded.",
                                  key=project.key), "supersedes")
        if decision is not None and (target.id == decision.id
                                     or decision.id in _reachable(target)):
            raise RuleViolation(_("“%(title)s” already supersedes this decision, directly or "
                                  "through others; a decision cannot supersede itself.",
                                  title=target.title), "supersedes")
        if target.state == DecisionState.REJECTED:
            raise RuleViolation(_("“%(title)s” was rejected, so there is nothing to supersede.",
                                  title=target.title), "supersedes")
    if targets and state == DecisionState.REJECTED:
        raise RuleViolation(_("A rejected decision supersedes nothing."), "supersedes")
    return kind, state, consequences, targets


def _settle_supersession(decision: Decision, others, actor, at) -> None:
    """A decision superseded by an accepted one is superseded; one that no accepted decision
    supersedes any longer (its superseder rejected, or the link removed) is in force again."""
    for target in dict.fromkeys(others):
        db.session.refresh(target, ["superseded_by"])
        by = [d for d in target.superseded_by if d.state == DecisionState.ACCEPTED]
        if by and target.state != DecisionState.SUPERSEDED:
            target.state = DecisionState.SUPERSEDED
            record("decision.superseded", project=decision.project, target=target,
                   target_label=target.title[:254], actor=actor, at=at,
                   superseded_by=[d.title for d in by])
        elif not by and target.state == DecisionState.SUPERSEDED:
            target.state = DecisionState.ACCEPTED
            record("decision.reinstated", project=decision.project, target=target,
                   target_label=target.title[:254], actor=actor, at=at)
    db.session.flush()


def update_record(decision: Decision, actor, fields: RecordFields,
                  at: datetime | None = None) -> Decision:
    """Change a decision's record: its type, state, consequences and what it supersedes. A
    superseded decision keeps its state until what supersedes it changes."""
    project = decision.project
    kind, state, consequences, targets = _clean_record(project, decision, fields)
    if decision.state == DecisionState.SUPERSEDED:
        if state != DecisionState.ACCEPTED:
            raise RuleViolation(_("A later decision supersedes this one; change that decision "
                                  "instead."), "state", status=409)
        state = DecisionState.SUPERSEDED
    before = (decision.decision_type, decision.state, decision.consequences,
              [d.title for d in decision.supersedes])
    old_targets = list(decision.supersedes)
    decision.decision_type, decision.state, decision.consequences = kind, state, consequences
    decision.supersedes = targets
    after = (kind, state, consequences, [d.title for d in targets])
    if after == before:
        return decision
    db.session.flush()
    changed = {name: value for name, value, old in zip(
        ("decision_type", "state", "consequences", "supersedes"), after, before,
        strict=True) if value != old}
    if "consequences" in changed:
        changed["consequences"] = consequences[:200]
    if "decision_type" in changed:
        changed["decision_type"] = kind or ""  # "unspecified" is a change worth recording
    record("decision.record_changed", project=project, target=decision,
           target_label=decision.title[:254], actor=actor, at=at, **changed)
    _settle_supersession(decision, [*old_targets, *targets], actor, at)
    return decision


def record_decision(project, actor, *, decided_on: date | None, title: str, text: str = "",
                    needs=(), items=(), outcomes=(), at: datetime | None = None,
                    fields: RecordFields | None = None) -> Decision:
    """Record a decision of the steering group, link its needs and items, and settle the
    escalated needs it decides (each such need is linked too). `at` is when it was recorded,
    else now; `fields` its record (by default an accepted decision of unspecified type)."""
    title, text = _clean_fields(decided_on, title, text)
    kind, state, consequences, supersedes = _clean_record(project, None, fields or RecordFields())
    # Settle the needs before the decision's link rows exist: those rows' foreign keys take a
    # share lock on the needs, and two recorders each holding one while waiting for the other's
    # row lock would deadlock. Needs are locked in id order for the same reason.
    outcomes = sorted(outcomes, key=lambda c: c.need.id)
    needs = list(dict.fromkeys([*needs, *(c.need for c in outcomes)]))
    items = list(dict.fromkeys(items))
    _check_project(project, needs, items)
    settled = [_settle(title, choice, actor, at) for choice in outcomes]
    decision = Decision(project=project, decided_on=decided_on, title=title, text=text,
                        recorded_by=actor, recorded_by_label=actor.name if actor else "",
                        needs=needs, items=items, outcomes=settled, created_at=at or utcnow(),
                        decision_type=kind, state=state, consequences=consequences,
                        supersedes=supersedes)
    db.session.add(decision)
    db.session.flush()
    record("decision.recorded", project=project, target=decision, target_label=title[:254],
           actor=actor, at=at, decided_on=decided_on.isoformat(),
           needs=[n.number for n in needs] or None,
           items=[i.key_in(project.key) for i in items] or None,
           outcomes={str(o.need.number): o.outcome for o in decision.outcomes} or None,
           decision_type=kind, state=state,
           supersedes=[d.title for d in supersedes] or None)
    db.session.flush()
    _settle_supersession(decision, supersedes, actor, at)
    for need in needs:
        need_notify.decided(need, actor, title)
    publish("decision.recorded", project, actor, decision, at=decision.created_at)
    return decision
