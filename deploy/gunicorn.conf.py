"""gunicorn settings for Samspil (deploy/systemd/samspil-web@.service).

Sync workers behind nginx, which buffers requests and answers (slow clients wait on nginx).
prometheus_client's multiprocess mode: each worker writes its metrics to
PROMETHEUS_MULTIPROC_DIR, and /metrics adds them up; a worker that exits is marked dead.
"""
import multiprocessing
import os

workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# The app is built, and all its templates compiled (wsgi.py), once in the master before it forks
# the workers: a new worker, and every one max_requests replaces, answers its first pages at
# full speed instead of compiling each template it meets (over the first minute of a busy
# server, a twentieth of the workers' time). The price: a HUP (systemctl reload) starts new
# workers from the code already loaded; new code needs `systemctl restart samspil-web@<port>`,
# one server at a time behind nginx.
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"
accesslog = None  # one JSON line per request comes from the app itself (LOG_FORMAT=json)
errorlog = "-"
# gunicorn's control socket would be ~/.gunicorn/gunicorn.ctl, one path for every server of
# the machine (and the service's home is not writable): not used.
control_socket_disable = True


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        try:
            from prometheus_client import multiprocess
        except ImportError:
            return
        multiprocess.mark_process_dead(worker.pid)
