"""When digests fall due, in Copenhagen time, across the October 2026 change to winter time."""
from datetime import datetime, time, timedelta, UTC

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from app.digests.delivery import send_due
from app.digests.jobs import digest_jobs
from app.digests.models import DeliveryState, DigestDelivery, Frequency
from app.digests.schedule import (TZ, SendSettings, due_period, next_send_at, period_key,
                                  poll_trigger, trigger_for)
from app.extensions import db

MONDAY_7 = SendSettings(time(7, 0), 0)
# Sunday 25 October 2026 at 03:00 summer time the clocks go back to 02:00 winter time.


def local(*args, fold=0):
    return datetime(*args, tzinfo=TZ, fold=fold)


def test_period_keys():
    assert period_key(Frequency.DAILY, local(2026, 11, 30).date()) == "2026-11-30"
    assert period_key(Frequency.WEEKLY, local(2026, 11, 30).date()) == "2026-W49"
    assert period_key(Frequency.WEEKLY, local(2027, 1, 1).date()) == "2026-W53"


def test_due_at_or_after_the_send_time():
    assert due_period(Frequency.WEEKLY, local(2026, 10, 26, 6, 59), MONDAY_7) is None
    due = due_period(Frequency.WEEKLY, local(2026, 10, 26, 7, 0), MONDAY_7)
    assert due.key == "2026-W44" and due.scheduled_at == local(2026, 10, 26, 7, 0)
    # A scheduler that was down on Monday catches up later in the same week.
    assert due_period(Frequency.WEEKLY, local(2026, 10, 28, 12, 0), MONDAY_7).key == "2026-W44"
    assert due_period(Frequency.DAILY, local(2026, 10, 24, 9, 0), MONDAY_7) is None  # Saturday
    assert due_period(Frequency.DAILY, local(2026, 10, 23, 9, 0), MONDAY_7).key == "2026-10-23"
    assert due_period(Frequency.OFF, local(2026, 10, 26, 9, 0), MONDAY_7) is None


def test_weekly_send_moment_is_07_00_local_on_both_sides_of_the_change():
    assert due_period(Frequency.WEEKLY, datetime(2026, 10, 19, 5, 0, tzinfo=UTC),
                      MONDAY_7).key == "2026-W43"  # 07:00 CEST = 05:00 UTC
    assert due_period(Frequency.WEEKLY, datetime(2026, 10, 26, 5, 30, tzinfo=UTC),
                      MONDAY_7) is None            # 06:30 CET
    assert due_period(Frequency.WEEKLY, datetime(2026, 10, 26, 6, 0, tzinfo=UTC),
                      MONDAY_7).key == "2026-W44"  # 07:00 CET = 06:00 UTC


def test_cron_trigger_fires_at_07_00_local_each_monday_across_the_change():
    trigger = trigger_for(Frequency.WEEKLY, MONDAY_7)
    fires, previous, now = [], None, local(2026, 10, 12, 8, 0)
    for _ in range(3):
        previous = trigger.get_next_fire_time(previous, now)
        fires.append(previous)
        now = previous + timedelta(seconds=1)
    assert [f.astimezone(UTC) for f in fires] == [
        datetime(2026, 10, 19, 5, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 6, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 6, 0, tzinfo=UTC),
    ]
    assert all(f.astimezone(TZ).time() == time(7, 0) for f in fires)
    assert next_send_at(Frequency.WEEKLY, local(2026, 10, 25, 12, 0), MONDAY_7) == fires[1]


def _fire_times(trigger, start, end):
    times, previous, now = [], None, start
    while True:
        previous = trigger.get_next_fire_time(previous, now)
        if previous is None or previous >= end:
            return times
        times.append(previous)
        now = previous + timedelta(seconds=1)


def test_all_send_jobs_together_send_the_dst_week_exactly_once_at_07_00(app):
    """Every fire time of every job that sends, over three weeks around the change: each week's
    digest is due exactly once, first at 07:00 local time, and nothing fires 02:00–03:00."""
    start, end = local(2026, 10, 19, 0, 0), local(2026, 11, 3, 0, 0)
    fire_times = sorted(t for _id, func, trigger in digest_jobs(app.config) if func is send_due
                        for t in _fire_times(trigger, start, end))
    assert len(fire_times) == len(set(fire_times))
    assert not [t for t in fire_times if t.astimezone(TZ).hour == 2]
    sent = {}
    for moment in fire_times:
        due = due_period(Frequency.WEEKLY, moment, MONDAY_7)
        if due is not None and due.key not in sent:  # the unique delivery row does this
            sent[due.key] = moment
    assert {k: v.astimezone(TZ) for k, v in sent.items()} == {
        "2026-W43": local(2026, 10, 19, 7, 0),
        "2026-W44": local(2026, 10, 26, 7, 0),
        "2026-W45": local(2026, 11, 2, 7, 0),
    }
    assert sent["2026-W44"].utcoffset() == timedelta(hours=1)


def test_the_sender_sends_the_dst_week_once(world, outbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "DIGEST_SEND_EMPTY", True)
    steering = world.users["steering"]
    moments = [local(2026, 10, 25, 2, 30, fold=0), local(2026, 10, 25, 2, 30, fold=1),
               local(2026, 10, 26, 6, 59), local(2026, 10, 26, 7, 0), local(2026, 10, 26, 7, 1),
               local(2026, 10, 27, 7, 0), local(2026, 11, 1, 23, 55)]
    for moment in moments:
        send_due(now=moment)
    rows = db.session.scalars(db.select(DigestDelivery).where(
        DigestDelivery.user_id == steering.id).order_by(DigestDelivery.id)).all()
    assert [(r.period_key, r.state) for r in rows] == [
        ("2026-W43", DeliveryState.SENT), ("2026-W44", DeliveryState.SENT)]
    assert rows[1].period_end == local(2026, 10, 26, 7, 0)


def test_poll_trigger_skips_the_hour_the_clocks_change():
    trigger = poll_trigger(5)
    times = _fire_times(trigger, local(2026, 10, 25, 0, 0), local(2026, 10, 25, 5, 0))
    assert times and not [t for t in times if t.astimezone(TZ).hour == 2]
    assert len(times) == len(set(times))


def test_send_settings_refuse_the_quiet_hour_and_bad_values():
    assert SendSettings.from_config({"DIGEST_SEND_TIME": "07:00", "DIGEST_WEEKLY_DAY": "Monday"}) \
        == MONDAY_7
    for bad, reason in (({"DIGEST_SEND_TIME": "02:30", "DIGEST_WEEKLY_DAY": "monday"},
                         "not be between 02:00 and 03:00"),
                        ({"DIGEST_SEND_TIME": "7", "DIGEST_WEEKLY_DAY": "monday"}, "HH:MM"),
                        ({"DIGEST_SEND_TIME": "07:00", "DIGEST_WEEKLY_DAY": "someday"},
                         "DIGEST_WEEKLY_DAY must be one of")):
        with pytest.raises(ValueError, match=reason):
            SendSettings.from_config(bad)


def test_scheduler_jobs_have_safe_options(app):
    from app.scheduler import build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)  # applies the job defaults; runs nothing
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"digests.send", "digests.catch_up", "digests.retry",
                             "notifications.send", "attachments.purge", "privacy.retention",
                             "archive.produce", "archive.prune",
                             "webhooks.send", "webhooks.purge", "idempotency.purge",
                             "rounds.remind", "value.remind"}
        for job in jobs.values():
            assert job.coalesce is True and job.max_instances == 1
            assert job.misfire_grace_time == 300
            assert str(job.trigger.timezone if hasattr(job.trigger, "timezone")
                       else job.trigger.triggers[0].timezone) == "Europe/Copenhagen"
        assert str(scheduler.timezone) == "Europe/Copenhagen"
    finally:
        scheduler.shutdown(wait=False)


def test_dev_scheduler_starts_only_in_the_serving_process(monkeypatch):
    """Not in the reloader's parent: there it waits for a first request, which never comes."""
    from app import create_app
    from app import scheduler as scheduler_module
    from config import TestConfig

    started = []
    monkeypatch.setattr(scheduler_module, "_start_once", lambda app: started.append(app) or "s")
    fresh = create_app(TestConfig)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert scheduler_module.start_dev_scheduler(fresh) is None and started == []
    fresh.test_client().get("/healthz")
    assert started == [fresh]

    other = create_app(TestConfig)
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert scheduler_module.start_dev_scheduler(other) == "s"


def test_create_app_never_starts_a_scheduler(monkeypatch):
    from app import create_app
    from app import scheduler as scheduler_module
    from config import TestConfig

    monkeypatch.setattr(scheduler_module, "_start_once", lambda app: pytest.fail("started"))
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    create_app(TestConfig).test_client().get("/healthz")


def test_the_scheduler_can_run_a_job_at_once_as_well(app):
    import click

    from app.scheduler import build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler, run_now=("digests.catch_up",))
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        now = datetime.now(TZ)
        assert abs((jobs["digests.catch_up"].next_run_time - now).total_seconds()) < 60
    finally:
        scheduler.shutdown(wait=False)
    with pytest.raises(click.BadParameter):
        build_scheduler(app, BackgroundScheduler, run_now=("no.such.job",))
