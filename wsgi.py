"""WSGI entry point: `gunicorn wsgi:app`."""
import gc
import os

from app import create_app

app = create_app()
# What serving needs (modules, mappers, compiled templates) lives as long as the process: kept
# out of the garbage collector's sight, full collections no longer walk it on every page that
# builds objects. Profiled on the backlog's first page, such collections were a fifth of it.
gc.freeze()

if os.environ.get("SAMSPIL_DEV_SCHEDULER") == "1":
    # `make run` only: the scheduler inside the development server (see app/scheduler.py).
    from app.scheduler import start_dev_scheduler

    start_dev_scheduler(app)
