"""Idempotency keys: a creation form carries a random key (a hidden field made when the form
is shown), and sending it again, as a browser or a person does after a connection error,
returns what the first sending made instead of making it twice.

Areas wrap their creation service in `services.once(actor, key, kind, create, load)`; this
package knows no area."""


def idempotency_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger): forget day-old keys every night at 03:40 Copenhagen time."""
    from zoneinfo import ZoneInfo

    from apscheduler.triggers.cron import CronTrigger

    from app.extensions import db
    from app.idempotency.services import purge

    def forget_old_keys() -> str:
        removed = purge()
        db.session.commit()
        return f"{removed} idempotency key(s) forgotten"

    return [("idempotency.purge", forget_old_keys,
             CronTrigger(hour=3, minute=40, timezone=ZoneInfo("Europe/Copenhagen")))]
