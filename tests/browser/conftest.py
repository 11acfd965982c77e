"""Browser tests: a real server process on a fresh, seeded SQLite database, driven through
Playwright in the system Chromium, with axe-core checking each page visited. Tests that change
something make the rows they act on first (the `make` fixture, tests/browser/data.py), so they
pass in any order and never depend on the demo data's order."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
DEMO_PASSWORD = "samspil-demo"


def _missing_requirement() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core not installed (npm install)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_requirement()
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if reason and os.environ.get("REQUIRE_BROWSER") != "1":
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def _browser_requirements():
    reason = _missing_requirement()
    if reason:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('live-db') / 'live.db'}"


@pytest.fixture(scope="session")
def live_mail():
    """The live server's mail server: a real SMTP server (aiosmtpd) in this process, whose
    handler records every message the server sends."""
    from tests.smtp import SMTPServer, free_port

    server = SMTPServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_workdir(tmp_path_factory):
    """The live server's folders (outbox, attachments, imports) and its log, `server.log`."""
    return tmp_path_factory.mktemp("live")


def live_log_tail(workdir, lines: int = 40) -> str:
    """The last lines the live server wrote: for the message of a test that waited in vain
    for something the server does after its answer (an e-mail sent once the page has gone)."""
    log = workdir / "server.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() \
        else "(no server log)"


@pytest.fixture(scope="session")
def live_server(live_workdir, live_database_url, live_mail, _browser_requirements):
    """Base URL of a real Samspil server on a fresh SQLite file with the demo data, sending
    its e-mail to `live_mail`."""
    workdir = live_workdir
    env = {
        **os.environ,
        "SAMSPIL_ENV": "development",
        "DATABASE_URL": live_database_url,
        "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
        "ATTACHMENTS_DIR": str(workdir / "attachments"),
        "IMPORTS_DIR": str(workdir / "imports"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(live_mail.port),
        "RATELIMIT_ENABLED": "0",
        "FLASK_APP": "wsgi",
    }
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    # Its own address: links in e-mails, and the redirect URI it gives identity providers.
    env["BASE_URL"] = f"http://127.0.0.1:{port}"
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen([*flask, "run", "--port", str(port), "--no-reload", "--no-debugger",
                               "--with-threads"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("the live server did not start:\n" + (workdir / "server.log").read_text())
        time.sleep(0.2)
    yield base_url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def _live_app(live_server, live_database_url):
    """The application in this process, on the live server's database (for `make`)."""
    from app import create_app
    from config import Config

    return create_app(type("LiveConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": live_database_url, "RATELIMIT_ENABLED": False}))


@pytest.fixture
def make(_live_app):
    """Makes the rows a test acts on, through the services, in the live server's database."""
    from tests.browser.data import LiveData

    return LiveData(_live_app)


@pytest.fixture(scope="session")
def browser(_browser_requirements):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context and page; fails the test on CSP violations or page errors."""
    context = browser.new_context(base_url=live_server, locale="da-DK",
                                  timezone_id="Europe/Copenhagen",
                                  viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    artifacts = ROOT / "test-artifacts"
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, f"browser reported: {problems}"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def sign_in(page, email: str, password: str = DEMO_PASSWORD, timeout: float | None = None) -> None:
    """Sign in through the login form as a person would (`timeout` in ms, for a sign-in that
    follows slow work such as hashing a new password on a loaded machine)."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind", exact=True).click()
    page.wait_for_url(lambda url: "/login" not in url, timeout=timeout)


def eventually(page, read, expected, timeout: float = 5.0):
    """Assert that `read()` comes to equal `expected` within `timeout` seconds: for what an
    htmx swap or a script changes after the answer that a test waited for has arrived."""
    deadline = time.monotonic() + timeout
    while (value := read()) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert value == expected


def axe_check(page, context: str = "") -> None:
    """Run axe-core on the current page; fail on any WCAG 2.0/2.1 A or AA violation."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']})"""
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"axe violations on {context or page.url}:\n" + json.dumps(
        violations, indent=2, ensure_ascii=False)


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    return axe_check


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(ROOT / "test-artifacts", ignore_errors=True) if exitstatus == 0 else None
