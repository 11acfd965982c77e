"""WSGI entry point: `gunicorn wsgi:app`."""
import os

from app import create_app
from app.web import ready_to_serve

app = create_app()
ready_to_serve(app)  # templates compiled, the garbage collector settled (see there)

if os.environ.get("SAMSPIL_DEV_SCHEDULER") == "1":
    # `make run` only: the scheduler inside the development server (see app/scheduler.py).
    from app.scheduler import start_dev_scheduler

    start_dev_scheduler(app)
