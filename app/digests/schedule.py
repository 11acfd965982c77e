"""When digests are due, in Europe/Copenhagen time, and the scheduler triggers that fire them.

A digest is due "at or after" its send moment within its period: daily digests on weekdays
from the send time until midnight, weekly digests from the send time of the configured day
until the end of that ISO week. With the unique delivery row per period, a scheduler that was
down catches up when it comes back, and never sends a period twice.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from app.digests.models import Frequency

TZ = ZoneInfo("Europe/Copenhagen")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The clocks change between 02:00 and 03:00: a time in that hour happens twice or never.
QUIET_HOUR = 2


@dataclass(frozen=True)
class SendSettings:
    send_time: time
    weekly_day: int  # 0 = Monday

    @classmethod
    def from_config(cls, config) -> "SendSettings":
        """Read and check DIGEST_SEND_TIME ("HH:MM") and DIGEST_WEEKLY_DAY (a weekday name)."""
        try:
            hour, minute = (int(part) for part in str(config["DIGEST_SEND_TIME"]).split(":"))
            send_time = time(hour, minute)
        except (ValueError, TypeError) as exc:
            raise ValueError("DIGEST_SEND_TIME must be HH:MM, e.g. 07:00") from exc
        if send_time.hour == QUIET_HOUR:
            raise ValueError("DIGEST_SEND_TIME must not be between 02:00 and 03:00 "
                             "(the clocks change then)")
        day = str(config["DIGEST_WEEKLY_DAY"]).strip().lower()
        if day not in WEEKDAYS:
            raise ValueError(f"DIGEST_WEEKLY_DAY must be one of {', '.join(WEEKDAYS)}")
        return cls(send_time, WEEKDAYS.index(day))


@dataclass(frozen=True)
class DuePeriod:
    key: str                # "2026-11-30" (daily) or "2026-W49" (weekly)
    scheduled_at: datetime  # the send moment of the period, timezone-aware (Copenhagen)


def period_key(frequency: str, local_day: date) -> str:
    """The idempotency key of the period a digest sent on `local_day` belongs to."""
    if frequency == Frequency.DAILY:
        return local_day.isoformat()
    year, week, _weekday = local_day.isocalendar()
    return f"{year}-W{week:02d}"


def local_moment(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TZ)


def due_period(frequency: str, now: datetime, settings: SendSettings) -> DuePeriod | None:
    """The period whose digest is due at `now` (aware), or None when none is."""
    local = now.astimezone(TZ)
    today = local.date()
    if frequency == Frequency.DAILY:
        if today.weekday() >= 5:
            return None
        scheduled = local_moment(today, settings.send_time)
    elif frequency == Frequency.WEEKLY:
        send_day = today - timedelta(days=today.weekday() - settings.weekly_day)
        scheduled = local_moment(send_day, settings.send_time)
    else:
        return None
    if local < scheduled:
        return None
    return DuePeriod(period_key(frequency, scheduled.date()), scheduled)


def next_send_at(frequency: str, now: datetime, settings: SendSettings) -> datetime | None:
    """The next send moment strictly after `now`, for telling users when their digest comes."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        return None
    return trigger_for(frequency, settings).get_next_fire_time(None, now.astimezone(TZ))


def default_period_length(frequency: str) -> timedelta:
    """How far back the first digest of a subscription looks."""
    return timedelta(days=1) if frequency == Frequency.DAILY else timedelta(days=7)


def trigger_for(frequency: str, settings: SendSettings) -> CronTrigger:
    """The cron trigger of the send moment itself: weekdays, or the weekly day."""
    days = "mon-fri" if frequency == Frequency.DAILY else CRON_DAYS[settings.weekly_day]
    return CronTrigger(day_of_week=days, hour=settings.send_time.hour,
                       minute=settings.send_time.minute, timezone=TZ)


def poll_trigger(minutes: int, offset: int = 0) -> CronTrigger:
    """Every few minutes except 02:00–03:00: catches up missed sends and retries failures."""
    step = max(1, min(minutes, 59))
    hours = ",".join(str(h) for h in range(24) if h != QUIET_HOUR)
    return CronTrigger(minute=f"{offset % step}-59/{step}", hour=hours, timezone=TZ)
