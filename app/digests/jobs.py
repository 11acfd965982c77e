"""The digest jobs the scheduler runs (see app/scheduler.py)."""
from apscheduler.triggers.combining import OrTrigger

from app.digests.delivery import send_due, send_retries
from app.digests.models import Frequency
from app.digests.schedule import SendSettings, poll_trigger, trigger_for


def digest_jobs(config) -> list[tuple[str, object, object]]:
    """(id, function, trigger): send at the send moment, catch up and retry every few minutes."""
    settings = SendSettings.from_config(config)
    minutes = config["DIGEST_POLL_MINUTES"]
    send_moment = OrTrigger([trigger_for(Frequency.DAILY, settings),
                             trigger_for(Frequency.WEEKLY, settings)])
    return [
        ("digests.send", send_due, send_moment),
        # Offset from the send moment so the jobs do not all start in the same second.
        ("digests.catch_up", send_due, poll_trigger(minutes, offset=1)),
        ("digests.retry", send_retries, poll_trigger(minutes, offset=3)),
    ]
