"""The job scheduler (APScheduler 3): `flask scheduler run` in production, in its own process.

It is never started by create_app(): under gunicorn that would run it once per worker, and
twice under the debug reloader. For development, `start_dev_scheduler(app)` starts one in the
serving process when SAMSPIL_DEV_SCHEDULER=1 (see wsgi.py).
"""
import logging
import os
import signal
import threading
from datetime import datetime

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.cli import AppGroup

from app.digests.schedule import TZ

log = logging.getLogger(__name__)

# coalesce: one run for a backlog of missed fire times; max_instances: never overlapping;
# misfire_grace_time: a job late by minutes (busy machine, restart) still runs.
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def scheduled_jobs(app: Flask) -> list:
    from app.archive import archive_jobs
    from app.attachments import attachment_jobs
    from app.digests.jobs import digest_jobs
    from app.idempotency import idempotency_jobs
    from app.notifications import notification_jobs
    from app.privacy.retention import retention_jobs
    from app.rounds import round_jobs
    from app.value.services import value_jobs
    from app.webhooks import webhook_jobs

    return (digest_jobs(app.config) + notification_jobs(app.config)
            + attachment_jobs(app.config) + retention_jobs(app.config)
            + archive_jobs(app.config) + idempotency_jobs(app.config)
            + webhook_jobs(app.config) + round_jobs(app.config) + value_jobs(app.config))


def run_job(app: Flask, job_id: str, func) -> None:
    """Run one job in a fresh app context (its own session), logging what it did."""
    with app.app_context():
        from app.extensions import db

        from app.observability import job_ran

        try:
            result = func()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id)
            job_ran(job_id, ok=False)
            raise
        job_ran(job_id, ok=True)
        log.info("job %s: %s", job_id, result)


def build_scheduler(app: Flask, scheduler_class=BlockingScheduler, run_now=()):
    """A scheduler in Europe/Copenhagen with every job of the application added; the jobs
    named in `run_now` also run at once (then on their schedule)."""
    scheduler = scheduler_class(timezone=TZ, job_defaults=JOB_DEFAULTS)
    jobs = scheduled_jobs(app)
    unknown = set(run_now) - {job_id for job_id, _func, _trigger in jobs}
    if unknown:
        raise click.BadParameter(f"no such job: {', '.join(sorted(unknown))}", param_hint="--now")
    for job_id, func, trigger in jobs:
        extra = {"next_run_time": datetime.now(TZ)} if job_id in run_now else {}
        scheduler.add_job(run_job, trigger, args=(app, job_id, func), id=job_id, name=job_id,
                          replace_existing=True, **extra)
    return scheduler


def _exit_on_signal(signum, _frame):
    raise SystemExit(0)


scheduler_cli = AppGroup("scheduler", help="The job scheduler.")


@scheduler_cli.command("run")
@click.option("--now", "run_now", multiple=True, metavar="JOB",
              help="Also run this job at once (e.g. digests.catch_up after an outage); "
                   "may be given several times.")
def run_command(run_now):
    """Run the scheduler in this process until stopped (production: one such process)."""
    from flask import current_app

    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO)
    scheduler = build_scheduler(app, run_now=run_now)
    if app.config.get("SCHEDULER_METRICS_PORT"):
        from prometheus_client import start_http_server

        start_http_server(app.config["SCHEDULER_METRICS_PORT"], addr="127.0.0.1")
    for job in scheduler.get_jobs():
        click.echo(f"{job.id}: {job.trigger}")
    click.echo("Scheduler running (Europe/Copenhagen); stop with Ctrl+C.")
    # On SIGTERM (systemd, docker stop) let a running job finish writing its outcome.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)


_dev = {"scheduler": None}  # this process's development scheduler, once started
_dev_lock = threading.Lock()


def _start_once(app: Flask):
    with _dev_lock:
        if _dev["scheduler"] is None:
            _dev["scheduler"] = build_scheduler(app, BackgroundScheduler)
            _dev["scheduler"].start()
            app.logger.info("development scheduler started in process %s", os.getpid())
    return _dev["scheduler"]


def start_dev_scheduler(app: Flask):
    """Development only: run the scheduler inside the serving process, once.

    `flask run --debug` loads the app in the reloader's parent process too, which never serves
    a request; the child it spawns has WERKZEUG_RUN_MAIN=true. So: start at once in that
    child; otherwise (no reloader) start on the first request, which only the serving
    process ever sees.
    """
    if app.config.get("ENV_NAME") == "production":
        app.logger.warning("SAMSPIL_DEV_SCHEDULER ignored in production; "
                           "run `flask scheduler run`.")
        return None
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return _start_once(app)

    @app.before_request
    def _start_dev_scheduler_on_first_request():
        _start_once(app)

    return None
