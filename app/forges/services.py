"""Connecting a project to its forges, checking what they send, and recording the commits,
pull/merge requests and releases that name the project's items.

An item is named by its key ("OVB-12", any case) in a commit message, a branch name, a pull
request's title or description, or a release's name or notes; other projects' keys and
numbers the project does not have are ignored. Each thing is recorded once per item, however
often it arrives. When the project has said so, a merged pull request that says "fixes
OVB-12" (or closes, resolves) moves the item to review — never further: acceptance stays the
municipality's."""
import functools
import hashlib
import hmac
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from app.audit.labels import register_actions, register_details
from app.audit.services import record
from app.backlog.models import Item, Status
from app.board.services import move_item
from app.database import utcnow
from app.extensions import db
from app.forges.events import Thing
from app.forges.models import DevelopmentLink, ForgeReceiver

PROVIDERS = ("github", "gitlab")
# Statuses a "fixes" may move on from: review and beyond are the people's to decide.
MOVABLE = (Status.BACKLOG, Status.READY, Status.IN_PROGRESS)

register_actions({"forge.connected": _l("Code forge connected"),
                  "forge.secret_renewed": _l("Code forge secret renewed"),
                  "forge.settings_changed": _l("Code forge settings changed"),
                  "forge.disconnected": _l("Code forge disconnected"),
                  "forge.refused": _l("Code forge message refused")})
register_details({"provider": _l("Forge"), "moves_to_review": _l("Merged fixes move to review")})


def receiver_of(project) -> ForgeReceiver | None:
    return db.session.scalar(select(ForgeReceiver).where(ForgeReceiver.project_id == project.id))


def receiver_by_token(token: str) -> ForgeReceiver | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(ForgeReceiver).where(ForgeReceiver.token == token))


def connect(project, actor) -> str:
    """Give the project its receiving addresses and a secret; returns the secret (shown once)."""
    receiver = receiver_of(project)
    if receiver is not None:
        return renew_secret(receiver, actor)
    secret = secrets.token_urlsafe(32)
    db.session.add(ForgeReceiver(project_id=project.id, token=secrets.token_urlsafe(24),
                                 secret=secret))
    record("forge.connected", project=project, actor=actor, target_label=project.name)
    db.session.flush()
    return secret


def renew_secret(receiver: ForgeReceiver, actor) -> str:
    """A new secret (the old one stops working at once); returns it, to be shown once."""
    receiver.secret = secrets.token_urlsafe(32)
    receiver.secret_made_at = utcnow()
    record("forge.secret_renewed", project=receiver.project, actor=actor)
    db.session.flush()
    return receiver.secret


def set_moves_to_review(receiver: ForgeReceiver, value: bool, actor) -> None:
    if receiver.moves_to_review != value:
        receiver.moves_to_review = value
        record("forge.settings_changed", project=receiver.project, actor=actor,
               moves_to_review=value)
        db.session.flush()


def disconnect(receiver: ForgeReceiver, actor) -> None:
    """Stop receiving (the addresses answer 404); what was recorded on the items stays."""
    record("forge.disconnected", project=receiver.project, actor=actor)
    db.session.delete(receiver)
    db.session.flush()


def is_genuine(receiver: ForgeReceiver, provider: str, body: bytes, headers) -> bool:
    """Did the forge that knows the project's secret send this? GitHub signs the body
    (`X-Hub-Signature-256: sha256=<HMAC-SHA256>`); GitLab sends the secret (`X-Gitlab-Token`)."""
    if provider == "github":
        expected = "sha256=" + hmac.new(receiver.secret.encode(), body,
                                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("X-Hub-Signature-256", ""))
    return hmac.compare_digest(receiver.secret.encode(),
                               headers.get("X-Gitlab-Token", "").encode())


def refuse(receiver: ForgeReceiver, provider: str) -> None:
    """Log a message whose signature or token did not match (the audit log keeps the
    address it came from)."""
    record("forge.refused", project=receiver.project, actor_label="", provider=provider)


def _key_pattern(key: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(key)}-(\d{{1,9}})(?!\d)", re.IGNORECASE)


def _fix_pattern(key: str) -> re.Pattern:
    return re.compile(rf"\b(?:fix(?:e[sd])?|close[sd]?|resolve[sd]?)\b:?\s+{re.escape(key)}"
                      rf"-(\d{{1,9}})(?!\d)", re.IGNORECASE)


def receive(receiver: ForgeReceiver, provider: str, things: list[Thing]) -> dict:
    """Record each thing on the items it names; returns how many links were new, how many
    known ones changed, and which items moved to review."""
    project = receiver.project
    names, fixes = _key_pattern(project.key), _fix_pattern(project.key)
    named = [(thing, {int(n) for text in thing.texts for n in names.findall(text)})
             for thing in things]
    numbers = sorted(set().union(*(found for _thing, found in named)))
    items = {i.number: i for i in db.session.scalars(select(Item).where(
        Item.project_id == project.id, Item.number.in_(numbers)))} if numbers else {}
    outcome = {"linked": 0, "updated": 0, "same": 0, "moved": []}
    for thing, found in named:
        for number in sorted(found & items.keys()):
            outcome[_link(project, items[number], provider, thing)] += 1
        if thing.is_merged and receiver.moves_to_review:
            fixed = {int(n) for text in thing.texts for n in fixes.findall(text)}
            for number in sorted(fixed & items.keys()):
                item = items[number]
                if item.status in MOVABLE:
                    move_item(item, None, Status.REVIEW)
                    outcome["moved"].append(item.key_in(project.key))
    return outcome


def _link(project, item: Item, provider: str, thing: Thing) -> str:
    """Insert the link, or bring a known one up to date: "linked", "updated" or "same"."""
    known = db.session.scalar(select(DevelopmentLink).where(
        DevelopmentLink.item_id == item.id, DevelopmentLink.provider == provider,
        DevelopmentLink.kind == thing.kind, DevelopmentLink.repository == thing.repository,
        DevelopmentLink.reference == thing.reference))
    if known is None:
        try:
            with db.session.begin_nested():  # the same commit may arrive twice at once
                db.session.add(DevelopmentLink(
                    project_id=project.id, item_id=item.id, provider=provider, kind=thing.kind,
                    repository=thing.repository, reference=thing.reference, title=thing.title,
                    author=thing.author, url=thing.url, state=thing.state))
            return "linked"
        except IntegrityError:
            return "same"
    if (known.title, known.state, known.url) == (thing.title, thing.state, thing.url):
        return "same"
    known.title, known.state, known.url, known.updated_at = (thing.title, thing.state,
                                                             thing.url, utcnow())
    return "updated"


def links_of(item: Item) -> list[DevelopmentLink]:
    """The item's development, newest first."""
    return list(db.session.scalars(_links_statement(), {"item_id": item.id}))


@functools.lru_cache(maxsize=1)
def _links_statement():
    # Built once: every item page runs it.
    return (select(DevelopmentLink).where(DevelopmentLink.item_id == bindparam("item_id"))
            .order_by(DevelopmentLink.created_at.desc(), DevelopmentLink.id.desc()))
