"""What discovery tells the notifications framework: needs as targets and references, their
watchers (with the municipalities' members who follow their needs), the events of needs, and
acceptance requests for items that serve needs."""
from sqlalchemy import select

from app.accounts.models import User
from app.backlog.models import Item, Status
from app.backlog.notify import item_target
from app.discovery.models import Need, NeedCoSponsor, NeedItemLink
from app.extensions import db
from app.notifications.kinds import Kind, register_target
from app.notifications.references import Source, register_reference_kind, text_saved
from app.notifications.services import Target, notify, watch, watcher_ids
from app.projects.models import Membership, MembershipRole, Role

TEXTS = ("background", "desired_outcome", "expected_value", "assumptions", "risks",
         "out_of_scope")


def need_target(need: Need) -> Target:
    return Target("need", need.id, need.number, need.label, need.project_id)


def _organisations(need: Need) -> set[int]:
    cosponsors = db.session.scalars(select(NeedCoSponsor.organisation_id).where(
        NeedCoSponsor.need_id == need.id))
    return {need.organisation_id, *cosponsors}


def need_watchers(need: Need) -> set[int]:
    """Who follows the need: its watchers and the opted-in members of its municipalities."""
    return watcher_ids(need_target(need), _organisations(need))


def _numbers(project_id: int, numbers) -> dict[int, int]:
    query = select(Need.number, Need.id).where(Need.project_id == project_id)
    if numbers is not None:
        query = query.where(Need.number.in_(list(numbers)))
    return dict(db.session.execute(query).all())


def _describe(need: Need):
    return need_target(need), lambda: _organisations(need)


def texts_saved(need: Need, actor, old_texts=()) -> None:
    """Mentions and references in the need's texts."""
    target = need_target(need)
    text_saved(need.project, actor, Source("need", need.id, "need", need.number, need.label),
               target, old_texts, tuple(getattr(need, name) or "" for name in TEXTS))


def created(need: Need, actor) -> None:
    watch(getattr(actor, "id", None), need_target(need))
    texts_saved(need, actor)


def note_added(note, actor) -> None:
    need = note.need
    text_saved(need.project, actor, Source("note", note.id, "need", need.number, need.label),
               need_target(need), (), (note.body,))


def cosponsored(need: Need, actor) -> None:
    notify(Kind.NEED_COSPONSORED, need_target(need), need_watchers(need), actor=actor,
           detail=actor.organisation.name if actor else "")


def status_changed(need: Need, actor, detail: str = "") -> None:
    notify(Kind.NEED_STATUS, need_target(need), need_watchers(need), actor=actor, detail=detail)


def decided(need: Need, actor, title: str) -> None:
    notify(Kind.NEED_DECIDED, need_target(need), need_watchers(need), actor=actor, detail=title)


def _role_holders(project_id: int, role: str, organisation_ids=None) -> set[int]:
    query = (select(Membership.user_id).join(MembershipRole)
             .where(Membership.project_id == project_id, MembershipRole.role == role))
    if organisation_ids is not None:
        query = query.join(User, User.id == Membership.user_id).where(
            User.organisation_id.in_(list(organisation_ids)))
    return set(db.session.scalars(query))


def escalated(need: Need, actor) -> None:
    """An escalation waits for the steering group."""
    notify(Kind.ESCALATION, need_target(need), _role_holders(need.project_id, Role.STEERING),
           actor=actor, detail=need.escalation_reason[:200])


def _item_status_changed(item: Item, old=None, new=None, actor=None, **_):
    """An item enters acceptance: the product owners of the municipalities whose needs it
    serves are asked, else every product owner of the project."""
    if new != Status.ACCEPTANCE:
        return
    need_ids = list(db.session.scalars(select(NeedItemLink.need_id).where(
        NeedItemLink.item_id == item.id)))
    organisations: set[int] = set()
    for need in db.session.scalars(select(Need).where(Need.id.in_(need_ids))):
        organisations |= _organisations(need)
    owners = _role_holders(item.project_id, Role.PRODUCT_OWNER, organisations or None)
    if organisations and not owners:
        owners = _role_holders(item.project_id, Role.PRODUCT_OWNER)
    notify(Kind.ACCEPTANCE, item_target(item), owners, actor=actor)


def connect() -> None:
    from app.backlog.services import item_status_changed

    register_target("need", "discovery.show", Need, _describe)
    register_reference_kind("need", _numbers)
    item_status_changed.connect(_item_status_changed, weak=False)
