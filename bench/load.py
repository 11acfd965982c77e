"""HTTP load: gunicorn on the bench database, and a small bounded client of our own.

Virtual users sign in and loop over a weighted mix of actions for a fixed time; the same
client is then pointed at /healthz to measure the ceiling of this machine and stack.
Only 127.0.0.1 is ever targeted; every loop is bounded in time and count.
"""
import http.client
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')
MAX_REQUESTS_PER_USER = 100_000
CSRF_WITHIN = 8192
SIGN_IN_TIMEOUT = 120


class Session:
    """One virtual user: a keep-alive connection, a cookie jar of one cookie, a CSRF token."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        hdrs = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if self.csrf and method != "GET":
            hdrs["X-CSRFToken"] = self.csrf
        hdrs.update(headers or {})
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            response = self.conn.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        # The token sits on <body>, near the top: searching a 600 KB board page whole would
        # make the load generator, on the same two cores, a bottleneck of its own.
        match = CSRF_RE.search(data[:CSRF_WITHIN].decode("utf-8", "replace"))
        if match:
            self.csrf = match.group(1)
        return response.status, data

    def sign_in(self, email: str, password: str) -> None:
        self.request("GET", "/login")
        status, _ = self.request("POST", "/login", {"email": email, "password": password,
                                                   "csrf_token": self.csrf})
        if status != 303:
            raise RuntimeError(f"sign-in of {email} failed: {status}")
        self.request("GET", "/")


def _user_loop(port, user, actions, seconds, start, results, lock, seed):
    rnd = random.Random(seed)
    latencies, errors, statuses, by_action = [], 0, {}, {}
    session = Session(port)
    try:
        if user is not None:
            session.sign_in(*user)
    except BaseException:
        start.abort()  # the others stop waiting; the run fails with this error
        raise
    # Everyone signs in first (scrypt, by design slow): the clock starts when all are in.
    start.wait(SIGN_IN_TIMEOUT)
    deadline = time.monotonic() + seconds
    weights = [a[0] for a in actions]
    for _ in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() >= deadline:
            break
        _weight, name, make = rnd.choices(actions, weights)[0]
        method, path, form, ok = make(rnd, session)
        start = time.perf_counter()
        try:
            status, _text = session.request(method, path, form)
        except (http.client.HTTPException, OSError):
            errors += 1
            session = Session(port)
            if user is not None:
                session.sign_in(*user)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        by_action.setdefault(name, []).append(latencies[-1])
        statuses[status] = statuses.get(status, 0) + 1
        if status not in ok:
            errors += 1
    with lock:
        results.append((latencies, errors, statuses, by_action))


def _process_main(port, users, actions_factory, seconds, start, queue, seed):
    actions = actions_factory()
    results, lock, threads = [], threading.Lock(), []
    for i, user in enumerate(users):
        t = threading.Thread(target=_user_loop,
                             args=(port, user, actions, seconds, start, results, lock, seed + i))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(SIGN_IN_TIMEOUT + seconds + 60)
    queue.put(results)


def run_load(port, users, actions_factory, seconds, processes=2) -> dict:
    """Run the virtual users (spread over processes) for `seconds` once all have signed in;
    return the figures of that window."""
    queue = multiprocessing.Queue()
    start = multiprocessing.Barrier(len(users) + 1)
    chunks = [users[i::processes] for i in range(processes)]
    procs = [multiprocessing.Process(target=_process_main, args=(
                 port, chunk, actions_factory, seconds, start, queue, 1000 * i))
             for i, chunk in enumerate(chunks) if chunk]
    for p in procs:
        p.start()
    try:
        start.wait(SIGN_IN_TIMEOUT)
    except threading.BrokenBarrierError as exc:
        for p in procs:
            p.terminate()
        raise RuntimeError("the virtual users could not all sign in "
                           "(see the gunicorn log)") from exc
    started = time.perf_counter()
    collected = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    elapsed = time.perf_counter() - started
    latencies, errors, statuses, by_action = [], 0, {}, {}
    for result in collected:
        for lat, err, st, actions in result:
            latencies.extend(lat)
            errors += err
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v
            for name, values in actions.items():
                by_action.setdefault(name, []).extend(values)
    return {
        "requests": len(latencies), "seconds": round(elapsed, 1),
        "rps": round(len(latencies) / seconds, 1), "errors": errors,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "statuses": statuses,
        "actions": {name: {"requests": len(values), "p50_ms": round(percentile(values, 50), 1),
                           "p95_ms": round(percentile(values, 95), 1),
                           "p99_ms": round(percentile(values, 99), 1)}
                    for name, values in sorted(by_action.items())},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving the app on the bench database, as in production (deploy/'s settings,
    with the bench's number of workers and threads)."""

    def __init__(self, database_url: str, workers: int, threads: int, log_path: Path):
        self.port = free_port()
        self.workers, self.threads = workers, threads
        env = {**os.environ, "SAMSPIL_ENV": "production", "DATABASE_URL": database_url,
               "SECRET_KEY": "bench-" + "x" * 40, "RATELIMIT_ENABLED": "0"}
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "deploy/gunicorn.conf.py"),
             "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
