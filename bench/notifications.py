"""The bell's poll: nothing new answers 304 from one indexed query (target ≤ 3 ms on
PostgreSQL, a constant number of statements)."""
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db


def bell_poll(ctx):
    from app.notifications.queries import bell_state
    from bench.scenarios import _any_member

    email = _any_member("developer")
    user = db.session.scalar(select(User).where(User.email == email))
    count, newest = bell_state(user)
    tag = f'"n{count}-{newest}"'
    return lambda: (email, "GET", "/notifications/bell", None, {"If-None-Match": tag})


def scenarios() -> list:
    from bench.scenarios import Scenario

    return [Scenario("Notification bell poll, nothing new (304)", bell_poll, target_ms=3,
                     target_statements=4, runs=100)]
