"""Domain events: "this happened in a project", published by the areas' services and heard by
frameworks that tell the outside world (the outgoing webhooks).

It lives in the plumbing so that every area may publish without knowing who listens: the
listener (app.webhooks) sits above the areas and subscribes when the app is assembled.
Listeners run inside the service's transaction, so what they write (an outbox row) is
committed, or rolled back, together with the change itself."""
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class DomainEvent:
    """One event: its name ("item.updated"), the project, who did it (None: the system), the
    thing it is about (an item, a comment, a need, a decision, a sprint), for updates the
    changed fields ({field: (old, new)}), and any extra words the listener may show."""

    name: str
    project: Any
    actor: Any
    subject: Any
    changes: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))


_listeners: list[Callable[[DomainEvent], None]] = []
_muted = threading.local()


def subscribe(listener: Callable[[DomainEvent], None]) -> None:
    """Hear every published event (once per listener, however many apps the tests make)."""
    if listener not in _listeners:
        _listeners.append(listener)


def publish(name: str, project, actor, subject, changes: dict | None = None,
            at: datetime | None = None, **extra) -> None:
    """Tell the listeners that `name` happened; call after the change is flushed."""
    if not _listeners or getattr(_muted, "on", False):
        return
    event = DomainEvent(name, project, actor, subject, dict(changes or {}), extra,
                        at or datetime.now(UTC))
    for listener in list(_listeners):
        listener(event)


@contextmanager
def muted():
    """Publish nothing in this thread meanwhile: for code run against an older schema, whose
    listeners' tables do not exist yet (the migration tests)."""
    _muted.on = True
    try:
        yield
    finally:
        _muted.on = False
