"""Time as Samspil counts it: instants in UTC (`app.database.utcnow`), calendar days in
Copenhagen, where the municipalities work (sprint days, workshop dates, digest periods)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.database import utcnow

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local_today(now: datetime | None = None) -> date:
    """Today in Copenhagen (at `now`, by default the current time)."""
    return local_date(now or utcnow())


def local_date(moment: datetime) -> date:
    """The Copenhagen calendar day of an aware instant."""
    return moment.astimezone(COPENHAGEN).date()
