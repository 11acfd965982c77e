"""The rows a browser test acts on, made through the services in the live server's database.

Each test makes its own project (a fresh key, the demo accounts it needs as members with the
roles it names), and the items, sprints, needs and decisions in it. So a test never depends on
the demo data's order, nor on what another test changed before it, and the tests pass in any
order. Methods take and return plain values (keys, numbers, ids): the rows themselves belong
to a session that closes when the method returns."""
import itertools
import string
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.services import create_user, get_user_by_email
from app.backlog.models import Item
from app.backlog.services import add_comment, create_item
from app.board.services import move_item
from app.decisions.services import record_decision
from app.discovery.models import Need
from app.discovery.services import create_need, escalate, set_status
from app.digests.services import make_unsubscribe_token
from app.extensions import db
from app.projects.models import ParticipationKind, Project
from app.projects.services import add_member, add_participation, create_project, participation_of
from app.sprints.services import create_sprint

_serial = itertools.count()
DEMO_PASSWORD = "samspil-demo"


def _new_key() -> str:
    """TAAA, TAAB, … : unique in the test session (the live database is fresh per session)."""
    n, letters = next(_serial), ""
    for _ in range(3):
        n, r = divmod(n, 26)
        letters = string.ascii_uppercase[r] + letters
    return "T" + letters


def project_name(key: str) -> str:
    return f"Prøveprojekt {key}"


class LiveData:
    """`make` in the browser tests: `key = make.project({...})`, `make.item(key, ...)`."""

    def __init__(self, app):
        self.app = app

    @contextmanager
    def _session(self):
        with self.app.app_context():
            try:
                yield
                db.session.commit()
            finally:
                db.session.remove()

    @staticmethod
    def _user(email: str):
        user = get_user_by_email(email)
        assert user is not None, f"no demo account {email}"
        return user

    @staticmethod
    def _project(key: str) -> Project:
        return db.session.scalar(select(Project).where(Project.key == key))

    @staticmethod
    def _item(key: str, number: int) -> Item:
        return db.session.scalar(select(Item).join(Project).where(Project.key == key,
                                                                  Item.number == number))

    @staticmethod
    def _need(key: str, number: int) -> Need:
        return db.session.scalar(select(Need).join(Project).where(Project.key == key,
                                                                  Need.number == number))

    def project(self, members: dict[str, list[str]], public_roadmap: bool = False) -> str:
        """A new project (named `project_name(key)`) whose members are the given demo accounts
        with the given roles; their organisations take part. Returns its key."""
        key = _new_key()
        with self._session():
            project = create_project(key, project_name(key), is_roadmap_public=public_roadmap)
            for email, roles in members.items():
                user = self._user(email)
                org = user.organisation
                if participation_of(project, org.id) is None:
                    add_participation(project, org, ParticipationKind.VENDOR if org.is_vendor
                                      else ParticipationKind.MEMBER)
                add_member(project, user, roles)
        return key

    def person(self, key: str, name: str, like: str, roles: list[str]) -> str:
        """A new member of the project named `name`, in the organisation of the demo account
        `like`, with the demo password; their e-mail."""
        email = f"person{next(_serial)}@{like.split('@')[1]}"
        with self._session():
            user = create_user(email, name, DEMO_PASSWORD, self._user(like).organisation,
                               check_password=False)
            add_member(self._project(key), user, roles)
        return email

    def item(self, key: str, title: str, by: str, assignee: str | None = None,
             **fields) -> int:
        """A backlog item (at the bottom of the ranking unless `position="top"`), assigned to
        the member with the e-mail `assignee` if given; its number."""
        with self._session():
            if assignee:
                fields["assignee_id"] = self._user(assignee).id
            return create_item(self._project(key), self._user(by), title, **fields).number

    def items(self, key: str, titles: list[str], by: str, **fields) -> list[int]:
        """Many backlog items at once (a long column), in this order; their numbers."""
        with self._session():
            project, user = self._project(key), self._user(by)
            return [create_item(project, user, title, **fields).number for title in titles]

    def comment(self, key: str, number: int, by: str, body: str) -> None:
        """A comment on an item."""
        with self._session():
            add_comment(self._item(key, number), self._user(by), body)

    def move(self, key: str, number: int, status: str, by: str) -> None:
        """Move an item to another column, as someone else on another screen would."""
        with self._session():
            move_item(self._item(key, number), self._user(by), status)

    def sprint(self, key: str, name: str, by: str, capacity: int = 20) -> int:
        """A planned sprint of two weeks from today; its id."""
        today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
        with self._session():
            return create_sprint(self._project(key), self._user(by), name, today,
                                 today + timedelta(days=13), capacity).id

    def need(self, key: str, title: str, by: str, statuses=(), escalation: str = "",
             **fields) -> int:
        """A need submitted by `by`'s municipality (its texts in `fields`, or plain defaults),
        then moved through `statuses` and escalated to the steering group with the reason
        `escalation`, if given; its number."""
        with self._session():
            actor = self._user(by)
            texts = {"background": f"Baggrund for {title.lower()}.",
                     "desired_outcome": "Et bedre overblik.",
                     "expected_value": "Mindre dobbeltarbejde.", **fields}
            need = create_need(self._project(key), actor, title=title, **texts)
            for status in statuses:
                set_status(need, status, actor)
            if escalation:
                escalate(need, actor, escalation)
            return need.number

    def estimate(self, key: str, number: int, by: str, low: str, high: str) -> None:
        """The vendor's estimate of need `number` in kroner, low–high."""
        from decimal import Decimal

        from app.funding.services import estimate_need

        with self._session():
            estimate_need(self._user(by), self._need(key, number), amount_low=Decimal(low),
                          amount_high=Decimal(high), assumptions="Overslag fra leverandøren.")

    def decision(self, key: str, title: str, by: str, text: str = "") -> None:
        """A decision of the steering group, recorded today."""
        today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
        with self._session():
            record_decision(self._project(key), self._user(by), decided_on=today, title=title,
                            text=text)

    def release_in_test(self, key: str, name: str, lead: str, po: str, testers) -> int:
        """A release in test of one item accepted in a closed sprint of last month, tested by
        the municipalities of the demo accounts `testers`; its number."""
        from app.releases import services as releases
        from app.sprints.services import close_sprint, commit_item, start_sprint

        today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
        with self._session():
            project, lead_user, po_user = self._project(key), self._user(lead), self._user(po)
            sprint = create_sprint(project, lead_user, "Sprint 1", today - timedelta(days=30),
                                   today - timedelta(days=17), 20)
            item = create_item(project, po_user, "Eksport af aftaler til regneark")
            commit_item(sprint, lead_user, item)
            start_sprint(sprint, lead_user)
            move_item(item, lead_user, "acceptance")
            move_item(item, po_user, "done")
            close_sprint(sprint, lead_user)
            release = releases.create_release(project, lead_user, name=name,
                                              test_from=today, test_to=today + timedelta(days=7))
            releases.set_items(release, lead_user, [item.id], version=release.version_id)
            releases.set_testers(release, lead_user,
                                 [self._user(t).organisation_id for t in testers],
                                 version=release.version_id)
            releases.change_state(release, lead_user, "in_test", version=release.version_id)
            return release.number

    def round(self, key: str, name: str, by: str, numbers, points: int = 100,
              days: int = 7) -> int:
        """A prioritisation round opened by `by` (the secretariat) on these needs, with its
        deadline `days` from today; its number."""
        from datetime import timedelta

        from app.rounds.services import open_round

        today = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
        with self._session():
            rnd = open_round(self._project(key), self._user(by), name=name,
                             deadline=today + timedelta(days=days),
                             needs=[self._need(key, n) for n in numbers],
                             points_per_municipality=points)
            return rnd.number

    def delivered_need(self, key: str, title: str, by: str, days_ago: int, **fields) -> int:
        """A need of `by`'s municipality delivered `days_ago` days ago (so its follow-ups are
        scheduled); the id of that municipality's first follow-up."""
        from app.database import utcnow
        from app.value.models import FollowUp

        number = self.need(key, title, by, **fields)
        with self._session():
            need = self._need(key, number)
            set_status(need, "delivered", by_system=True,
                       at=utcnow() - timedelta(days=days_ago))
            return db.session.scalars(select(FollowUp.id).where(FollowUp.need_id == need.id)
                                      .order_by(FollowUp.months)).first()

    def unsubscribe_token(self, key: str, email: str) -> str:
        """The token of the digest e-mail's unsubscribe link for this member of the project."""
        with self._session():
            return make_unsubscribe_token(self._user(email).id, self._project(key).id)
