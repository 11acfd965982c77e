"""The rules of benefit realisation: scheduling follow-ups when a need is delivered, recording
what a municipality realised, and reminding once when a follow-up is due. Functions flush and
never commit, except the scheduler's job, which is its own transaction."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.models import User
from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.clock import local_today
from app.database import utcnow
from app.discovery.models import Need, NeedCoSponsor, NeedStatus
from app.events import DomainEvent
from app.extensions import db
from app.i18n import format_day
from app.notifications.kinds import Kind
from app.notifications.services import Target, notify
from app.projects.models import Membership, MembershipRole, Role
from app.projects.permissions import has_any_role
from app.services import RuleViolation, clean_text
from app.value import schedule
from app.value.models import MAX_TEXT, MAX_UNIT, FollowUp, Rating

MAX_FIGURE = Decimal("9999999999.99")

register_actions({
    "value.follow_ups_scheduled": _l("Follow-ups on realised value scheduled"),
    "value.follow_up_recorded": _l("Realised value recorded"),
    "value.follow_up_updated": _l("Realised value corrected"),
    "value.follow_up_reminded": _l("Reminded of a follow-up on realised value"),
})
register_details({"months": _l("Months after delivery"), "follow_ups": _l("Follow-ups"),
                  "rating": _l("Compared with the expected value"),
                  "figure": _l("Measured figure")})


def municipalities_of(need: Need) -> list[int]:
    """The submitting municipality first, then the co-sponsors in the order they joined."""
    cosponsors = db.session.scalars(
        select(NeedCoSponsor.organisation_id).where(NeedCoSponsor.need_id == need.id)
        .order_by(NeedCoSponsor.created_at, NeedCoSponsor.id))
    return list(dict.fromkeys([need.organisation_id, *cosponsors]))


def schedule_follow_ups(need: Need, actor=None) -> list[FollowUp]:
    """Schedule the configured follow-ups of a delivered need for each of its municipalities.
    Those already scheduled (a need delivered, reopened and delivered again) stay as they are,
    answers included; only the missing ones are added."""
    if need.status != NeedStatus.DELIVERED or need.delivered_at is None:
        return []
    months = schedule.follow_up_months(current_app.config)
    existing = set(db.session.execute(
        select(FollowUp.organisation_id, FollowUp.months).where(FollowUp.need_id == need.id)))
    added = []
    for organisation_id in municipalities_of(need):
        for count in months:
            if (organisation_id, count) in existing:
                continue
            added.append(FollowUp(project_id=need.project_id, need_id=need.id,
                                  organisation_id=organisation_id, months=count,
                                  due_on=schedule.due_on(need.delivered_at, count),
                                  created_at=need.delivered_at))
    if not added:
        return []
    db.session.add_all(added)
    db.session.flush()
    record("value.follow_ups_scheduled", project=need.project, target=need,
           target_label=need.label, actor=actor, actor_label=None if actor else "system",
           at=need.delivered_at, months=list(months), follow_ups=len(added))
    return added


def on_event(event: DomainEvent) -> None:
    """Heard from discovery's domain events: a need that became delivered gets its follow-ups
    (discovery does not know this area exists)."""
    if event.name != "need.status_changed":
        return
    _old, new = event.changes.get("status", (None, None))
    if new == NeedStatus.DELIVERED:
        schedule_follow_ups(event.subject, event.actor)


def parse_figure(text: str | None) -> Decimal | None:
    """A measured figure as a person writes it: "2,5", "2.5", "1.234,5" or "-3"; empty is none."""
    text = "".join((text or "").split())
    if not text:
        return None
    if "," in text and "." in text:
        # The last of the two separates the decimals; the other groups thousands.
        grouping = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(grouping, "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        figure = Decimal(text)
    except InvalidOperation:
        figure = None
    if figure is None or not figure.is_finite():
        raise RuleViolation(_("Write the figure as a number, e.g. 2,5."), "measured_value")
    # Compared before rounding: quantize() of 1e400 overflows the context.
    if abs(figure) > MAX_FIGURE:
        raise RuleViolation(_("The figure is too large."), "measured_value")
    return figure.quantize(Decimal("0.01"))


@dataclass
class Answer:
    """What a municipality's product owner records: the realised value in words, optionally a
    measured figure with its unit, and how it compares with what was expected."""

    realised_value: str
    rating: str
    measured_value: str = ""
    measured_unit: str = ""


def _check_may_answer(follow_up: FollowUp, actor, today) -> None:
    need = follow_up.need
    if (actor is None or actor.organisation_id != follow_up.organisation_id
            or not has_any_role(actor, follow_up.project, Role.PRODUCT_OWNER)):
        raise RuleViolation(_("Only the product owners of %(org)s answer this follow-up.",
                              org=follow_up.organisation.name), status=403)
    if need.status != NeedStatus.DELIVERED or need.is_archived:
        raise RuleViolation(_("Need #%(n)d is not delivered, so there is no realised value to "
                              "record yet.", n=need.number), status=409)
    if follow_up.due_on > today:
        raise RuleViolation(_("This follow-up is due on %(date)s; record the realised value "
                              "from then.", date=format_day(follow_up.due_on)), status=409)


def _clean_answer(answer: Answer) -> tuple[str, str, Decimal | None, str]:
    text = clean_text(answer.realised_value, "realised_value", MAX_TEXT)
    if not text:
        raise RuleViolation(_("Describe the value your municipality has realised."),
                            "realised_value")
    if answer.rating not in set(Rating):
        raise RuleViolation(_("Choose how the realised value compares with the expected."),
                            "rating")
    figure = parse_figure(answer.measured_value)
    unit = " ".join(clean_text(answer.measured_unit).split())
    if len(unit) > MAX_UNIT:
        raise RuleViolation(_("At most %(n)d characters (this is %(len)d).", n=MAX_UNIT,
                              len=len(unit)), "measured_unit")
    if figure is not None and not unit:
        raise RuleViolation(_("Give the figure's unit, e.g. hours per week."), "measured_unit")
    if unit and figure is None:
        raise RuleViolation(_("Give the figure the unit belongs to."), "measured_value")
    return text, answer.rating, figure, unit


def record_answer(follow_up: FollowUp, actor, answer: Answer,
                  at: datetime | None = None) -> FollowUp:
    """Record (or correct) the realised value of the actor's municipality for a follow-up."""
    at = at or utcnow()
    _check_may_answer(follow_up, actor, local_today(at))
    text, rating, figure, unit = _clean_answer(answer)
    was_answered = follow_up.is_answered
    follow_up.realised_value, follow_up.rating = text, rating
    follow_up.measured_value, follow_up.measured_unit = figure, unit
    follow_up.answered_at, follow_up.answered_by = at, actor
    follow_up.answered_by_label = actor.name
    db.session.flush()
    record("value.follow_up_updated" if was_answered else "value.follow_up_recorded",
           project=follow_up.project, target=follow_up, target_label=follow_up.label,
           actor=actor, at=at, organisation=follow_up.organisation.name,
           months=follow_up.months, rating=rating,
           figure=f"{figure} {unit}" if figure is not None else None)
    return follow_up


def follow_up_target(follow_up: FollowUp) -> Target:
    return Target("follow_up", follow_up.id, follow_up.id, follow_up.label, follow_up.project_id)


def product_owners_of(project_id: int, organisation_id: int) -> set[int]:
    """The municipality's product owners in the project: those who answer its follow-ups."""
    return set(db.session.scalars(
        select(Membership.user_id).join(MembershipRole)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id, MembershipRole.role == Role.PRODUCT_OWNER,
               User.organisation_id == organisation_id)))


def due_unreminded(today) -> list[int]:
    """The follow-ups due by `today` that nobody was reminded of, of needs still delivered."""
    return list(db.session.scalars(
        select(FollowUp.id).join(Need, Need.id == FollowUp.need_id)
        .where(FollowUp.due_on <= today, FollowUp.reminded_at.is_(None),
               FollowUp.answered_at.is_(None), Need.status == NeedStatus.DELIVERED,
               Need.archived_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)))


def remind(follow_up_id: int, now: datetime) -> bool:
    """Remind the municipality's product owners of one due follow-up, once: the row is claimed
    by a conditional update, so a second run (or a second scheduler) finds nothing to do."""
    claimed = db.session.execute(
        update(FollowUp).where(FollowUp.id == follow_up_id, FollowUp.reminded_at.is_(None))
        .values(reminded_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    follow_up = db.session.get(FollowUp, follow_up_id)
    db.session.refresh(follow_up)
    notify(Kind.FOLLOW_UP_DUE, follow_up_target(follow_up),
           product_owners_of(follow_up.project_id, follow_up.organisation_id), at=now,
           detail=_("%(n)d months after delivery", n=follow_up.months))
    record("value.follow_up_reminded", project=follow_up.project, target=follow_up,
           target_label=follow_up.label, actor_label="system", at=now,
           organisation=follow_up.organisation.name, months=follow_up.months)
    return True


def remind_due(now: datetime | None = None) -> int:
    """The scheduler's job: remind of every follow-up that has fallen due; how many."""
    from app.digests.delivery import job_lock

    now = now or utcnow()
    with job_lock("value.remind") as acquired:
        if not acquired:
            return 0
        reminded = 0
        for follow_up_id in due_unreminded(local_today(now)):
            reminded += remind(follow_up_id, now)
        db.session.commit()
    return reminded


def value_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger) for the scheduler: remind of due follow-ups each morning."""
    from apscheduler.triggers.cron import CronTrigger

    from app.clock import COPENHAGEN

    hour, _sep, minute = str(config.get("VALUE_REMIND_TIME", "07:15")).partition(":")
    return [("value.remind", remind_due,
             CronTrigger(hour=int(hour or 7), minute=int(minute or 0), timezone=COPENHAGEN))]
