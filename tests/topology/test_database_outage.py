"""PostgreSQL stopped for 10 s under load (issue 26): every request answers at once with the 503
page ("Samspil er midlertidigt utilgængelig", Retry-After), never hangs and never says 500;
/healthz says the database is down; and service resumes by itself when PostgreSQL is back.

The database here is the test's own PostgreSQL cluster (initdb, pg_ctl) on a free port in a
temporary folder, never the shared server; a gunicorn server of the production configuration
and a Redis stand before it."""
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import PASSWORD
from tests.topology.stack import Browser, Stack, free_port

PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]) if glob.glob(
    "/usr/lib/postgresql/*/bin") else None


class Cluster:
    """A PostgreSQL cluster of the test's own (run as the postgres user when we are root)."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="samspil-pg-"))
        self.port = free_port()
        self.data = self.folder / "data"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *args):
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def init(self):
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale", "C.UTF-8")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "samspil")

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c full_page_writes=off", "start")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/samspil"


@pytest.fixture(scope="module")
def outage_stack(app, tmp_path_factory):
    if PG_BIN is None:
        pytest.fail("PostgreSQL's initdb and pg_ctl not found under /usr/lib/postgresql")
    cluster = Cluster()
    stack = None
    try:
        cluster.init()
        _make_schema_and_people(cluster.url)
        folder = tmp_path_factory.mktemp("outage")
        os.chmod(folder, 0o755)
        stack = Stack(folder, cluster.url, free_port())
        stack.start_redis()
        stack.start_server("a")
        yield stack, cluster
    finally:
        if stack is not None:
            stack.stop()
        cluster.remove()


def _make_schema_and_people(url):
    from app import create_app
    from app.extensions import db
    from config import TestConfig, database_url
    from tests.conftest import Factory

    config = type("OutageConfig", (TestConfig,),
                  {"SQLALCHEMY_DATABASE_URI": database_url(url, url)})
    other = create_app(config)
    with other.app_context():
        db.create_all()
        factory = Factory()
        muni = factory.municipality("Ballerup Kommune", 151)
        project = factory.project("ALPHA", "Alfa", [muni])
        from app.projects.models import Role

        factory.user(muni, email="po@a.example", name="A po", roles=[Role.PRODUCT_OWNER],
                     project=project)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_a_database_outage_answers_503_at_once_and_service_resumes_by_itself(outage_stack):
    stack, cluster = outage_stack
    browser = Browser()
    assert browser.sign_in(stack.a, "po@a.example", PASSWORD).status_code == 303
    assert browser.get(f"{stack.a}/p/ALPHA/board", timeout=10).status_code == 200

    answers = []  # (phase, path, status, seconds, body, retry_after)
    phase = {"now": "before"}
    stop = threading.Event()

    def load(path):
        while not stop.is_set():
            started, at = time.monotonic(), phase["now"]  # the phase the request began in
            try:
                answer = browser.get(f"{stack.a}{path}", timeout=15, allow_redirects=False)
                answers.append((at, path, answer.status_code,
                                time.monotonic() - started, answer.text,
                                answer.headers.get("Retry-After")))
            except requests.RequestException as exc:
                answers.append((at, path, type(exc).__name__,
                                time.monotonic() - started, "", None))
            time.sleep(0.05)

    threads = [threading.Thread(target=load, args=(path,), daemon=True)
               for path in ("/p/ALPHA/board", "/", "/healthz")]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    phase["now"] = "stopping"
    cluster.stop()
    phase["now"] = "down"
    time.sleep(10.0)
    phase["now"] = "starting"
    cluster.start()
    phase["now"] = "back"
    back_at = time.monotonic()
    resumed = None
    while time.monotonic() - back_at < 15:
        if any(a[0] == "back" and a[1] == "/p/ALPHA/board" and a[2] == 200 for a in answers):
            resumed = time.monotonic() - back_at
            break
        time.sleep(0.1)
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)

    down = [a for a in answers if a[0] == "down"]
    print(f"\noutage: {len(down)} requests while PostgreSQL was down, statuses "
          f"{sorted({a[2] for a in down}, key=str)}, slowest {max(a[3] for a in down):.2f} s; "
          f"resumed {resumed} s after restart")
    assert len(down) > 20
    assert {a[2] for a in down} == {503}, {a[2] for a in down}
    assert max(a[3] for a in down) < 5.0
    pages = [a for a in down if a[1] != "/healthz"]
    assert all("Samspil er midlertidigt utilgængelig" in a[4] and int(a[5]) > 0 for a in pages)
    health = [a for a in down if a[1] == "/healthz"]
    assert health and all('"database":"unavailable"' in a[4].replace(" ", "") for a in health)
    assert not [a for a in answers if a[2] == 500 or isinstance(a[2], str)]
    assert resumed is not None, "service did not resume within 15 s of PostgreSQL's return"
    assert browser.get(f"{stack.a}/healthz", timeout=10).json()["database"] == "ok"
