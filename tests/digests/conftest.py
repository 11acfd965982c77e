"""The moments digests fall due. (The real SMTP server, aiosmtpd, is tests/smtp.py's: the
`smtp`, `smtp_server` and `outbox` fixtures.)"""
from datetime import datetime, time, timedelta

import pytest

from app.database import utcnow
from app.digests.schedule import TZ


def next_local(weekdays, at=time(7, 5), after=None) -> datetime:
    """The first moment at local time `at` on one of `weekdays` (0 = Monday) after `after`."""
    after = (after or utcnow()).astimezone(TZ)
    day = after.date()
    while True:
        moment = datetime.combine(day, at, tzinfo=TZ)
        if moment.weekday() in weekdays and moment > after:
            return moment
        day += timedelta(days=1)


@pytest.fixture
def monday_morning():
    """The next Monday 07:05 in Copenhagen: weekly digests are due, and everything the test
    creates now lies within the week before it."""
    return next_local({0})
