"""`make bench`: seed a large data set, measure pages in-process, then load gunicorn over HTTP.

PostgreSQL when BENCH_DATABASE_URL is set, SQLite (bench/work/bench.db) otherwise.
Results: bench/results/<timestamp>.md and .json, and the table printed.
"""
import argparse
import functools
import json
import os
import statistics
import time
from datetime import datetime
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.accounts.models import User
from app.database import StatementCounter
from app.extensions import db
from app.projects.models import Membership, MembershipRole, Project, Role
from app.web import ready_to_serve
from bench import dataset, load, scenarios, workload
from bench.stats import machine_speed_ms, summarise
from config import Config, database_url

HERE = Path(__file__).resolve().parent
ROUNDS = 5  # the in-process runs of each scenario are spread over this many rounds


def bench_config(url: str):
    return type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
        "SHOW_DEMO_ACCOUNTS": False, "DEBUG": False, "TESTING": False,
    })


def prepare_database(app, scale: float) -> None:
    with app.app_context():
        upgrade()
        if dataset.is_seeded():
            print("Bench data set already present; reusing it.")
            if dataset.seed_missing(scale):
                print("Added the parts of the data set seeded since (the 4,000-card project).")
            # A reused database may have been seeded by a version of the bench that analysed
            # only part of it, and this machine runs PostgreSQL without autovacuum: the last
            # run's HTTP load (moves, comments) left pages that index-only scans must visit.
            dataset.refresh_statistics(vacuum=True)
            return
        started = time.perf_counter()
        dataset.seed_dataset(scale)
        print(f"Seeded the bench data set in {time.perf_counter() - started:.0f} s.")


def _chosen(name: str, only: list[str] | None) -> bool:
    return not only or any(part.lower() in name.lower() for part in only)


def measure_in_process(app, runs_factor: float, only: list[str] | None = None) -> list[dict]:
    """Each scenario's runs, warm, taken in ROUNDS rounds over all scenarios: on a shared
    virtual machine the host slows everything for a minute now and then, and rounds spread such
    a spell over all scenarios instead of spoiling the one measured just then."""
    clients = {}
    ready_to_serve(app)  # as wsgi.py does once the app is made
    with app.app_context():
        engine = db.engine
        plans = []
        for scenario in scenarios.SCENARIOS:
            if not _chosen(scenario.name, only):
                continue
            make = scenario.prepare({})
            db.session.remove()
            plans.append({"scenario": scenario, "make": make, "samples": [], "counts": [],
                          "sizes": [],
                          "statuses": set(), "writes": {},
                          # Even counts: the writing scenarios alternate (commit and take
                          # out, ready and in progress), so the data set ends as it began.
                          "runs": 2 * max(3, round(scenario.runs * runs_factor / 2))})

        def run(plan, counted: bool) -> None:
            email, method, path, data, *headers = plan["make"]()
            client = clients.get(email)
            if client is None:
                client = clients[email] = _signed_in_client(app, email)
            _fresh_request_state()
            with StatementCounter(engine) as counter:
                started = time.perf_counter()
                response = client.open(path, method=method, data=data,
                                       headers=headers[0] if headers else None)
                elapsed = (time.perf_counter() - started) * 1000
            plan["statuses"].add(response.status_code)
            if 300 <= response.status_code < 400:
                _shown_messages(client)
            if counted:
                plan["samples"].append(elapsed)
                plan["counts"].append(counter.count)
                plan["sizes"].append(len(response.get_data()))
                plan["writes"] = counter.rows_written

        for plan in plans:
            for _ in range(4):  # warm-up runs are not counted
                run(plan, False)
        for r in range(ROUNDS):
            for plan in plans:
                share = plan["runs"] // 2
                for _ in range(2 * (share * (r + 1) // ROUNDS - share * r // ROUNDS)):
                    run(plan, True)

    rows = []
    for plan in plans:
        scenario = plan["scenario"]
        row = {"scenario": scenario.name, **summarise(plan["samples"]),
               "statements": int(statistics.median(plan["counts"])),
               "statuses": sorted(plan["statuses"]), "target_ms": scenario.target_ms,
               "answer_bytes": int(statistics.median(plan["sizes"])),
               "target_statements": scenario.target_statements, "rows_written": plan["writes"],
               **scenario.extra}
        row["meets_target"] = _meets(row)
        rows.append(row)
        print(f"  {scenario.name}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, "
              f"{row['statements']} statements, {row['answer_bytes']} bytes")
    return rows


def _fresh_request_state() -> None:
    """Each measured request starts as in production: no session, no memoised user or roles
    (the runs share one app context, so `g` and the session would otherwise carry over, and a
    user object detached by an earlier commit breaks the next request)."""
    from flask import g

    from app.database_events import release_session

    release_session()  # as the teardown of a request ends it
    for name in list(g):
        g.pop(name)


def _shown_messages(client) -> None:
    """A browser follows a redirect to the page that shows its flashed message; the bench
    does not follow, so it drops the message instead (outside the timing). Otherwise every
    writing run adds one to the session cookie, and a run's requests carried a cookie of a
    hundred messages to decode and encode again."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def _meets(row) -> bool | None:
    checks = []
    if row["target_ms"] is not None:
        checks.append(row["median_ms"] <= row["target_ms"])
    if row["target_statements"] is not None:
        checks.append(row["statements"] <= row["target_statements"])
    return all(checks) if checks else None


def _signed_in_client(app, email):
    user = db.session.scalar(select(User).where(User.email == email))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def load_people(app, users: int) -> list[tuple[str, str]]:
    """Sign-ins for the virtual users: product owners of the largest project, each person
    used by more than one virtual user when a smaller data set has fewer of them."""
    with app.app_context():
        emails = db.session.scalars(
            select(User.email).join(Membership, Membership.user_id == User.id)
            .join(Project, Project.id == Membership.project_id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .where(Project.key == "BIG", MembershipRole.role == Role.PRODUCT_OWNER)
            .order_by(User.id).limit(users)).all()
    if not emails:
        raise RuntimeError("the bench data set has no product owner of BIG")
    return [(emails[i % len(emails)], dataset.PASSWORD) for i in range(users)]


def load_mix(app):
    """The mixed workload's actions, given the open cards of the bench database."""
    with app.app_context():
        numbers = workload.open_numbers(dataset.MARKER_KEY)
    if not numbers:
        raise RuntimeError("the bench data set has no open item in BIG to move")
    return functools.partial(workload.actions, numbers)


def measure_http(url: str, people: list, mix, seconds: int, workers: int,
                 threads: int) -> dict:
    work = HERE / "work"
    users = len(people)
    with load.Gunicorn(url, workers, threads, work / "gunicorn.log") as server:
        mixed = load.run_load(server.port, people, mix, seconds)
        ceiling = load.run_load(server.port, [None] * users, _healthz_actions, seconds)
    mixed["ratio_to_healthz"] = round(mixed["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None
    return {"workers": workers, "threads": threads, "virtual_users": users, "mixed": mixed,
            "healthz": ceiling}


def _healthz_actions():
    return [(1, "healthz", lambda rnd, s: ("GET", "/healthz", None, {200}))]


def write_report(results: dict) -> str:
    speed = results["machine_speed_ms"]
    lines = [f"# Samspil benchmark, {results['when']} ({results['database']})", "",
             f"Machine speed (a fixed pure-Python loop, lower is faster): {speed['before']} ms "
             f"before the in-process runs, {speed['after']} ms after.", "",
             "| scenario | median ms | p95 ms | SQL statements | answer bytes | target | met |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in results["in_process"]:
        target = " / ".join(filter(None, [
            f"≤ {row['target_ms']:g} ms" if row["target_ms"] is not None else "",
            f"≤ {row['target_statements']} stmts" if row["target_statements"] is not None else ""]))
        met = {True: "yes", False: "**no**", None: "—"}[row["meets_target"]]
        lines.append(f"| {row['scenario']} | {row['median_ms']} | {row['p95_ms']} | "
                     f"{row['statements']} | {row.get('answer_bytes', '')} | {target or '—'} "
                     f"| {met} |")
    notes = []
    for name, value in results.get("batch", {}).items():
        lines.append(f"| {name} | {value.get('ms', '')} | | {value.get('statements', '')} | | "
                     f"{value.get('target', '—')} | {value.get('met', '—')} |")
        details = {k: v for k, v in value.items() if k not in ("ms", "statements", "target", "met")}
        notes.append(f"- {name}: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                                for k, v in details.items()))
    if notes:
        lines += ["", *notes]
    written = [row for row in results["in_process"] if row.get("rows_written")]
    if written:
        lines += ["", "Rows written by one request of each writing scenario "
                  "(the last measured run):", ""] + [f"- {row['scenario']}: " + ", ".join(
                      f"{name} × {n}" for name, n in sorted(row["rows_written"].items()))
                         for row in written] + [""]
    http = results.get("http")
    if http:
        m, h = http["mixed"], http["healthz"]
        lines += ["", f"HTTP: gunicorn {http['workers']} workers × {http['threads']} threads, "
                  f"{http['virtual_users']} virtual users, {m['seconds']} s each run", "",
                  "| workload | req/s | p50 ms | p95 ms | p99 ms | errors | statuses |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
                  f"| mixed (signed in) | {m['rps']} | {m['p50_ms']} | {m['p95_ms']} "
                  f"| {m['p99_ms']} | {m['errors']} | {m['statuses']} |",
                  f"| /healthz ceiling | {h['rps']} | {h['p50_ms']} | {h['p95_ms']} "
                  f"| {h['p99_ms']} | {h['errors']} | {h['statuses']} |", "",
                  f"Mixed workload = {m['ratio_to_healthz']:.0%} of the /healthz ceiling "
                  "(target ≥ 35%, p99 ≤ 300 ms, no errors).", "",
                  "| action in the mix | requests | p50 ms | p95 ms | p99 ms |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| {name} | {a['requests']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} |"
                  for name, a in m.get("actions", {}).items()]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="shrink the data set (0.1 = quick)")
    parser.add_argument("--runs", type=float, default=1.0, help="factor on the number of runs")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--seconds", type=int, default=30, help="length of each load run")
    parser.add_argument("--users", type=int, default=16, help="virtual users in the load test")
    # Sync workers, 2 × cores + 1: gthread workers keep each keep-alive connection, and with
    # 16 connections one worker was seen idle (7% CPU) while two shared the rest, the
    # throughput of a run swinging between ~45 and ~85 requests/s by how they happened to
    # be dealt out. Sync workers take one request at a time, so an idle one takes the next.
    parser.add_argument("--only", action="append", metavar="TEXT",
                        help="measure only the scenarios and batch measurements whose name "
                             "contains TEXT (case-insensitive; repeatable)")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    (HERE / "work").mkdir(exist_ok=True)
    url = database_url(os.environ.get("BENCH_DATABASE_URL"),
                       f"sqlite:///{HERE / 'work' / 'bench.db'}")
    app = create_app(bench_config(url))
    prepare_database(app, args.scale)
    results = {"when": datetime.now().isoformat(timespec="seconds"),
               "database": url.split(":")[0].split("+")[0],
               "machine_speed_ms": {"before": machine_speed_ms()},
               "in_process": measure_in_process(app, args.runs, args.only)}
    results["machine_speed_ms"]["after"] = machine_speed_ms()
    with app.app_context():
        results["batch"] = {name: fn(app) for name, fn in scenarios.BATCH.items()
                            if _chosen(name, args.only)}
    if not args.no_http:
        print("HTTP load test …")
        results["http"] = measure_http(url, load_people(app, args.users), load_mix(app),
                                       args.seconds, args.workers, args.threads)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    report = write_report(results)
    (out / f"{stamp}.md").write_text(report, encoding="utf-8")
    (out / f"{stamp}.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print()
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
