"""When follow-ups fall due: calendar months after the Copenhagen day of the delivery.

Counted on the local calendar day, never by adding seconds to the UTC instant, so a delivery
just after midnight in Copenhagen (the evening before in UTC) and the summer-time changes keep
their day; a month end is clamped (31 January + 1 month = the last day of February)."""
import calendar
from datetime import date, datetime

from app.clock import local_date

DEFAULT_MONTHS = (3, 12)
MAX_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day if it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(delivered_at: datetime, months: int) -> date:
    """The day a follow-up `months` after a delivery at the instant `delivered_at` falls due."""
    return add_months(local_date(delivered_at), months)


def follow_up_months(config) -> tuple[int, ...]:
    """The month counts configured in VALUE_FOLLOW_UP_MONTHS ("3,12"); nonsense falls back to
    the default rather than stopping deliveries."""
    raw = str(config.get("VALUE_FOLLOW_UP_MONTHS", "") or "")
    try:
        months = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        return DEFAULT_MONTHS
    if not months or months[0] < 1 or months[-1] > MAX_MONTHS:
        return DEFAULT_MONTHS
    return tuple(months)
