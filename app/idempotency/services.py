"""`once`: create something at most once per (person, idempotency key)."""
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.database import utcnow
from app.extensions import db
from app.idempotency.models import KEY_LENGTH, IdempotencyKey
from app.services import RuleViolation

T = TypeVar("T")
_VALID = re.compile(rf"^[A-Za-z0-9_-]{{16,{KEY_LENGTH}}}$")


def new_key() -> str:
    """A fresh key for a form about to be shown."""
    return secrets.token_urlsafe(18)


def valid_key(value) -> str | None:
    """The key if it looks like one new_key makes; else None (the form is then sent without:
    an old page, or a client that does not send one, still works)."""
    return value if isinstance(value, str) and _VALID.match(value) else None


def _claimed(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalars(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)).first()


def _earlier_result(row: IdempotencyKey, kind: str, load: Callable[[int], T | None]) -> T:
    made = load(row.result_id) if row.kind == kind and row.result_id is not None else None
    if made is None:
        raise RuleViolation(_("This form was already sent, and what it made is gone. Reload "
                              "the page to send it again."), status=409)
    return made


def once(actor, key, kind: str, create: Callable[[], T], load: Callable[[int], T | None]) -> T:
    """`create()`, unless `actor` already sent a form with `key`: then what that made
    (`load(id)`). The key is claimed before creating, in a savepoint: a second sending at the
    same moment waits for the first one's transaction and then finds its result."""
    key = valid_key(key)
    if key is None or actor is None or getattr(actor, "id", None) is None:
        return create()
    row = _claimed(actor.id, key)
    if row is not None:
        return _earlier_result(row, kind, load)
    row = IdempotencyKey(user_id=actor.id, key=key, kind=kind)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        earlier = _claimed(actor.id, key)
        if earlier is None:
            raise
        return _earlier_result(earlier, kind, load)
    made = create()
    row.result_id = made.id
    db.session.flush()
    return made


def purge(before: datetime | None = None) -> int:
    """Forget keys older than a day (a form is sent again within minutes, not days)."""
    before = before or utcnow() - timedelta(days=1)
    return db.session.execute(delete(IdempotencyKey).where(
        IdempotencyKey.created_at < before)).rowcount or 0
