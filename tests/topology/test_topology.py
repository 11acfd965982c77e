"""Two application servers behind nginx behave as one (issue 26): sessions, the board, the
sign-in limit and the schedulers are shared through PostgreSQL and Redis; bad input stops at
nginx; and when one server dies under load, no acknowledged request is lost and reads go on.

One stack for the whole module (tests/topology/conftest.py); each test makes its own rows,
which the suite's `db` fixture removes afterwards. The failover test runs last: it kills A."""
import concurrent.futures
import re
import socket
import ssl
import subprocess
import time
import uuid

import requests
from sqlalchemy import func, select

from app.backlog.models import Item, Status
from app.backlog.services import create_item
from app.extensions import db
from tests.conftest import PASSWORD
from tests.topology.stack import BIN, ROOT, Browser


def test_a_person_signed_in_through_a_stays_signed_in_on_b(stack, world):
    browser = Browser()
    signed_in = browser.sign_in(stack.a, "developer@a.example", PASSWORD)
    assert signed_in.status_code == 303, signed_in.text[:500]

    on_b = browser.get(f"{stack.b}/", timeout=10, allow_redirects=False)
    assert on_b.status_code == 200 and "A developer" in on_b.text
    assert on_b.headers["Cache-Control"] == "private, no-store"
    through_nginx = browser.get(f"{stack.url}/p/ALPHA/board", timeout=10, allow_redirects=False)
    assert through_nginx.status_code == 200 and "Alfa" in through_nginx.text

    stranger = Browser().get(f"{stack.b}/", timeout=10, allow_redirects=False)
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]


def test_a_card_moved_through_a_appears_on_the_board_polled_through_b(stack, world):
    item = create_item(world.project_a, world.users["developer"], "Kort der flytter sig",
                       status=Status.READY)
    db.session.commit()
    browser = Browser()
    browser.sign_in(stack.a, "developer@a.example", PASSWORD)
    first_poll = browser.get(f"{stack.b}/p/ALPHA/board/changes", timeout=10)
    assert first_poll.status_code == 200
    etag = first_poll.headers["ETag"]
    assert browser.get(f"{stack.b}/p/ALPHA/board/changes", headers={"If-None-Match": etag},
                       timeout=10).status_code == 304

    token = browser.csrf(f"{stack.a}/p/ALPHA/board")
    moved = browser.post(f"{stack.a}/p/ALPHA/items/{item.number}/move", timeout=10,
                         data={"csrf_token": token, "status": "in_progress",
                               "from_status": "ready", "version": item.version_id},
                         headers={"HX-Request": "true"})
    assert moved.status_code == 200, moved.text[:500]

    poll = browser.get(f"{stack.b}/p/ALPHA/board/changes", headers={"If-None-Match": etag},
                       timeout=10)
    assert poll.status_code == 200 and poll.headers["ETag"] != etag
    cell = re.search(r'<ol class="board-cell" id="cell-[^"]*-in_progress".*?</ol>', poll.text,
                     re.S)
    assert cell and "Kort der flytter sig" in cell.group(0)


def test_the_sign_in_limit_counts_attempts_on_both_servers(stack, world):
    # LOGIN_LIMIT_PER_ACCOUNT is 3 per 5 minutes in this stack; the attempts alternate.
    answers = []
    for base in (stack.a, stack.b, stack.a, stack.b, stack.a):
        answers.append(Browser().sign_in(base, "observer@a.example", "wrong-password")
                       .status_code)
    assert answers == [422, 422, 422, 429, 429]
    right_password = Browser().sign_in(stack.b, "observer@a.example", PASSWORD)
    assert right_password.status_code == 429  # the account's limit holds on both


def test_two_schedulers_send_each_digest_once(stack, world, app, monkeypatch):
    from app.database import utcnow
    from app.digests.delivery import plan_due
    from app.digests.models import DigestDelivery

    monkeypatch.setitem(app.config, "DIGEST_SEND_TIME", "00:05")
    expected = {d.user.email for d in plan_due(utcnow())}
    db.session.rollback()
    assert expected, "some digest must be due for the test to mean anything"
    stack.mail.envelopes.clear()
    env = stack.environment(DIGEST_SEND_TIME="00:05", DIGEST_SEND_EMPTY="1", FLASK_APP="wsgi")
    schedulers = [subprocess.Popen([str(BIN / "flask"), "scheduler", "run",
                                    "--now", "digests.catch_up"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                  for _ in range(2)]
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            db.session.rollback()
            done = db.session.scalar(select(func.count()).select_from(DigestDelivery)
                                     .where(DigestDelivery.state.in_(("sent", "skipped"))))
            if done >= len(expected) and len(stack.mail.envelopes) >= len(expected):
                break
            time.sleep(0.3)
        time.sleep(1.0)  # time for a duplicate, were there to be one
    finally:
        for scheduler in schedulers:
            scheduler.terminate()
        outputs = [scheduler.communicate(timeout=30)[0].decode(errors="replace")
                   for scheduler in schedulers]
    recipients = [rcpt for rcpts, _content in stack.mail.envelopes for rcpt in rcpts]
    assert sorted(recipients) == sorted(expected), outputs
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DigestDelivery)) == len(expected)


def test_a_forged_forwarded_for_sent_to_nginx_is_not_believed(stack, world):
    from app.audit.models import AuditEvent

    browser = Browser()
    token = browser.csrf(f"{stack.url}/login")
    refused = browser.post(f"{stack.url}/login", timeout=10,
                           headers={"X-Forwarded-For": "203.0.113.9"},
                           data={"csrf_token": token, "email": "steering@a.example",
                                 "password": "nope"})
    assert refused.status_code == 422
    db.session.rollback()
    addresses = set(db.session.scalars(select(AuditEvent.ip_address)
                                       .where(AuditEvent.ip_address.is_not(None))))
    assert addresses == {"127.0.0.1"}  # nginx's own $remote_addr, not the forged one


def test_nginx_refuses_a_2_gb_body_before_the_app_sees_it(stack):
    marker = uuid.uuid4().hex
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with (socket.create_connection(("127.0.0.1", stack.ports["https"]), timeout=10) as raw,
          context.wrap_socket(raw, server_hostname="127.0.0.1") as sock):
        sock.sendall((f"POST /login?probe={marker} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\n"
                      f"Content-Length: {2 * 1024 ** 3}\r\n\r\n").encode())
        answer = sock.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    time.sleep(0.2)
    assert marker not in stack.log("a") + stack.log("b")
    assert marker in (stack.folder / "nginx" / "access.log").read_text()


def test_a_slow_client_does_not_hold_up_others(stack, world):
    # Slowloris: connections that send their headers a byte at a time. nginx holds them (up
    # to client_header_timeout); the gunicorn workers behind it never see them.
    slow = []
    for _ in range(8):
        sock = socket.create_connection(("127.0.0.1", stack.ports["http"]), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(sock)
    timings = []
    try:
        for _ in range(6):
            for sock in slow:
                sock.sendall(b"X-a: b\r\n")
            started = time.monotonic()
            assert requests.get(f"{stack.url}/healthz", verify=False, timeout=5).ok
            timings.append(time.monotonic() - started)
            time.sleep(0.3)
    finally:
        for sock in slow:
            sock.close()
    assert max(timings) < 1.0, timings


def test_static_files_come_from_nginx_fingerprinted_and_kept_long(stack, world):
    page = Browser().get(f"{stack.url}/login", timeout=10)
    link = re.search(r'href="(/static/css/[^"]+\?v=[0-9a-f]{12})"', page.text)
    assert link, page.text[:800]
    asset = requests.get(f"{stack.url}{link.group(1)}", verify=False, timeout=10,
                         headers={"Accept-Encoding": "gzip"})
    assert asset.ok and "immutable" in asset.headers["Cache-Control"]
    assert asset.headers.get("Content-Encoding") == "gzip"
    assert "X-Request-ID" not in asset.headers  # not the app's answer
    plain = requests.get(f"http://127.0.0.1:{stack.ports['http']}/login", allow_redirects=False,
                         timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_each_request_is_one_json_line_and_metrics_add_up_the_workers(stack, world):
    import json

    answers = [requests.get(f"{stack.a}/healthz", timeout=10) for _ in range(6)]
    missing = requests.get(f"{stack.a}/no-such-page", timeout=10)
    assert missing.status_code == 404
    time.sleep(0.3)
    lines = [json.loads(line) for line in stack.log("a").splitlines()
             if line.startswith("{") and '"message": "request"' in line]
    by_id = {line["request_id"]: line for line in lines}
    for answer in [*answers, missing]:
        line = by_id[answer.headers["X-Request-ID"]]
        assert {"time", "user_id", "endpoint", "status", "duration_ms", "statements"} <= set(line)
    assert by_id[missing.headers["X-Request-ID"]]["status"] == 404

    token = stack.environment()["METRICS_TOKEN"]
    assert requests.get(f"{stack.a}/metrics", timeout=10).status_code == 401
    assert requests.get(f"{stack.url}/metrics", verify=False, timeout=10).status_code == 401
    metrics = requests.get(f"{stack.a}/metrics", headers={"Authorization": f"Bearer {token}"},
                           timeout=10).text
    counted = re.search(r'samspil_http_requests_total\{endpoint="main.healthz",method="GET",'
                        r'status="200"\} ([0-9.]+)', metrics)
    assert counted and float(counted.group(1)) >= 6  # both workers' requests, added up
    assert "samspil_sql_statements_per_request_bucket" in metrics


def _signed_in_browser(stack, email) -> tuple[Browser, str]:
    browser = Browser()
    assert browser.sign_in(stack.url, email, PASSWORD).status_code == 303
    return browser, browser.csrf(f"{stack.url}/p/ALPHA/backlog")


def test_when_server_a_dies_under_load_nothing_acknowledged_is_lost(stack, world):
    """Kill A (SIGKILL, mid-request) while readers and writers go through nginx: every read
    still succeeds (nginx tries B), and every acknowledged write is saved exactly once."""
    reader, _ = _signed_in_browser(stack, "developer@a.example")
    writer, token = _signed_in_browser(stack, "product_owner@a.example")
    stop = time.monotonic() + 6.0
    kill_at = time.monotonic() + 2.0
    reads = {"ok": 0, "failed": 0}
    writes = {"acknowledged": [], "failed": 0, "retried": 0}

    def read_loop():
        while time.monotonic() < stop:
            answer = reader.get(f"{stack.url}/p/ALPHA/board", timeout=10)
            reads["ok" if answer.status_code == 200 else "failed"] += 1

    def write_loop():
        n = 0
        while time.monotonic() < stop:
            n += 1
            title = f"Last {n} {uuid.uuid4().hex[:8]}"
            # The form as the page shows it: its own idempotency key, sent again on a retry.
            data = {"csrf_token": token, "bottom-title": title, "bottom-type": "story",
                    "bottom-estimate": "", "bottom-idempotency_key": uuid.uuid4().hex}
            for _attempt in range(3):
                try:
                    answer = writer.post(f"{stack.url}/p/ALPHA/backlog/items", data=data,
                                         timeout=10, allow_redirects=False)
                except requests.ConnectionError:
                    answer = None
                if answer is not None and answer.status_code in (200, 302, 303):
                    writes["acknowledged"].append(title)
                    break
                writes["retried"] += 1
            else:
                writes["failed"] += 1

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(read_loop), pool.submit(read_loop), pool.submit(write_loop)]
        time.sleep(max(0.0, kill_at - time.monotonic()))
        stack.kill("a")
        for future in futures:
            future.result()

    print(f"\nfailover: reads ok {reads['ok']}, failed {reads['failed']}; writes acknowledged "
          f"{len(writes['acknowledged'])}, retried {writes['retried']}, failed {writes['failed']}")
    assert reads["failed"] == 0 and reads["ok"] > 10
    db.session.rollback()
    saved = db.session.scalars(select(Item.title).where(Item.project_id == world.project_a.id))
    saved = list(saved)
    for title in writes["acknowledged"]:
        assert saved.count(title) == 1, title  # acknowledged: saved, and saved once
    assert len(saved) == len(set(saved))  # no retry made a duplicate, acknowledged or not
