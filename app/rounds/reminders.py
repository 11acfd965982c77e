"""Reminding municipalities that have not voted, three days before a round's deadline.

A `RoundReminder` row per (round, municipality) is written in the same transaction as the
notifications, under the unique constraint, so a municipality is reminded once however often
(and on however many schedulers) the job runs."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.clock import local_today
from app.discovery.queries import participating_municipalities
from app.extensions import db
from app.notifications.kinds import Kind
from app.notifications.services import Target, notify
from app.projects.models import Membership, MembershipRole, Role
from app.rounds.models import Ballot, Round, RoundReminder, RoundState

REMIND_DAYS_BEFORE = 3


def _product_owners(project_id: int, organisation_id: int) -> set[int]:
    return set(db.session.scalars(
        select(Membership.user_id).join(MembershipRole)
        .join(User, User.id == Membership.user_id)
        .where(Membership.project_id == project_id, MembershipRole.role == Role.PRODUCT_OWNER,
               User.organisation_id == organisation_id)))


def due_rounds(today) -> list[Round]:
    return list(db.session.scalars(select(Round).where(
        Round.state == RoundState.OPEN, Round.deadline >= today,
        Round.deadline <= today + timedelta(days=REMIND_DAYS_BEFORE))))


def remind_voters(today=None) -> int:
    """Remind the product owners of each municipality that has not voted in a round whose
    deadline is at most three days away (once per round and municipality); commits. Returns
    how many municipalities were reminded."""
    today = today or local_today()
    reminded = 0
    for rnd in due_rounds(today):
        voted = set(db.session.scalars(select(Ballot.organisation_id)
                                       .where(Ballot.round_id == rnd.id)))
        done = set(db.session.scalars(select(RoundReminder.organisation_id)
                                      .where(RoundReminder.round_id == rnd.id)))
        for org in participating_municipalities(rnd.project):
            if org.id in voted or org.id in done:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(RoundReminder(round_id=rnd.id, organisation_id=org.id))
                    db.session.flush()
            except IntegrityError:
                continue  # another scheduler reminded them just now
            target = Target("round", rnd.id, rnd.number, rnd.label, rnd.project_id)
            notify(Kind.ROUND_REMINDER, target, _product_owners(rnd.project_id, org.id))
            reminded += 1
    db.session.commit()
    return reminded
