"""`flask digests send` says per project and frequency why digests went or did not."""
from datetime import datetime, timedelta

import pytest

from app.digests import cli as cli_module
from app.digests import delivery as delivery_module
from app.digests.models import Frequency
from app.digests.schedule import TZ
from app.digests.services import set_subscription
from app.extensions import db
from app.projects.models import Role


def _when(moment: datetime) -> str:
    local = moment.astimezone(TZ)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


@pytest.fixture
def send(app, monkeypatch):
    """Run `flask digests send` as if it were `moment`; its output."""

    def run(moment, *args):
        for module in (cli_module, delivery_module):
            monkeypatch.setattr(module, "utcnow", lambda: moment, raising=False)
        result = app.test_cli_runner().invoke(args=["digests", "send", *args])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_a_second_run_says_the_period_was_already_sent_and_when(world, outbox, send,
                                                                 monday_morning):
    first = send(monday_morning)
    assert "ALPHA (Alfa):" in first and "BETA (Beta):" in first
    week = monday_morning.strftime("%G-W%V")
    next_monday = monday_morning.replace(hour=7, minute=0) + timedelta(days=7)
    assert (f"  weekly digest, 2 subscribers, period {week}: this run: 2 sent. "
            f"Next: {_when(next_monday)}.") in first
    assert "  daily digest: nobody subscribed." in first

    second = send(monday_morning + timedelta(minutes=10), "--project", "ALPHA")
    assert "BETA" not in second
    assert (f"  weekly digest, 2 subscribers, period {week}: already done earlier for this "
            f"period: 2 sent (the last on {_when(monday_morning)}). "
            f"Next: {_when(next_monday)}.") in second
    assert "0 new digest(s) (0 with nothing to say); sent 0" in second


def test_nothing_to_say_nobody_subscribed_and_not_due_are_told_apart(
        world, factory, outbox, send, monday_morning):
    quiet = factory.project("GAMMA", "Gamma", [world.muni_a])
    factory.user(world.muni_a, roles=[Role.DEVELOPER], project=quiet)
    set_subscription(world.users["developer"], world.project_a, Frequency.DAILY)
    db.session.commit()

    two_weeks_on = monday_morning + timedelta(days=14)  # nothing has happened since
    output = send(two_weeks_on)
    assert ("this run: 2 had nothing to say (not sent: DIGEST_SEND_EMPTY is off)."
            in output)
    assert ("GAMMA (Gamma):\n  nothing to send: nobody receives its digest (its only member "
            "has it off).") in output

    saturday = two_weeks_on + timedelta(days=5)
    output = send(saturday)
    next_weekday = two_weeks_on.replace(hour=7, minute=0) + timedelta(days=7)
    assert f"  daily digest, 1 subscriber: not due now. Next: {_when(next_weekday)}." in output


def test_a_dry_run_says_what_is_due_and_writes_nothing(world, outbox, send, monday_morning):
    output = send(monday_morning, "--dry-run")
    assert "2 due now and not yet written." in output
    assert "Nothing was written or sent" in output
    assert "already done" not in send(monday_morning, "--dry-run")
