"""What operations watch: Prometheus metrics (`/metrics`, app/main) and, with LOG_FORMAT=json,
one JSON line per request (time, request id, user id, endpoint, status, duration, SQL
statements). The request id is the one the error pages show (app.security.request_id).

Metrics are prometheus_client's; under gunicorn set PROMETHEUS_MULTIPROC_DIR (the systemd
unit does) and every worker writes its own file, which /metrics adds up. Areas count their
events with the helpers below (`delivery_finished`, `job_ran`); this module knows no area."""
import json
import logging
import os
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import REGISTRY, generate_latest, multiprocess
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.security import request_id

REQUESTS = Counter("samspil_http_requests_total", "Requests answered, by endpoint and status.",
                   ["endpoint", "method", "status"])
DURATION = Histogram("samspil_http_request_duration_seconds",
                     "Time from the request's arrival to its answer, by endpoint.", ["endpoint"],
                     buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
STATEMENTS = Histogram("samspil_sql_statements_per_request",
                       "SQL statements one request sent, by endpoint.", ["endpoint"],
                       buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500))
DELIVERIES = Counter("samspil_email_deliveries_total",
                     "Digest and notification e-mails by the state they reached.",
                     ["kind", "state"])
JOBS = Counter("samspil_scheduler_job_runs_total", "Scheduler job runs by job and outcome.",
               ["job", "outcome"])
REFUSALS = Counter("samspil_rate_limit_refusals_total",
                   "Requests refused by a rate limit (429), by endpoint.", ["endpoint"])

request_log = logging.getLogger("samspil.requests")


def delivery_finished(kind: str, state: str) -> None:
    """A digest or notification e-mail reached `state` (sent, retrying, failed, …)."""
    DELIVERIES.labels(kind=kind, state=str(state)).inc()


def job_ran(job_id: str, ok: bool) -> None:
    JOBS.labels(job=job_id, outcome="ok" if ok else "failed").inc()


def registry() -> CollectorRegistry:
    """The metrics of this process, or of every worker of this server (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


def exposition() -> tuple[bytes, str]:
    return generate_latest(registry()), CONTENT_TYPE_LATEST


class JsonFormatter(logging.Formatter):
    """One JSON object per line: the record's message and fields, with the request id."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        line = {"time": moment.isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name,
                "request_id": getattr(record, "request_id", None) or (
                    g.get("request_id") if has_request_context() else None)}
        line.update(getattr(record, "fields", {}) or {"message": record.getMessage()})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _user_id():
    user = g.get("_login_user")
    if user is not None and not getattr(user, "is_anonymous", True):
        return getattr(user, "id", None)
    return None


@event.listens_for(Engine, "before_cursor_execute")
def _count_statement(conn, cursor, statement, parameters, context, executemany):
    # Only the statement's first word is looked at: a board's statement runs to kilobytes.
    if has_request_context() and not statement[:40].lstrip().upper().startswith(
            ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "PRAGMA")):
        g.sql_statements = g.get("sql_statements", 0) + 1


def init_app(app: Flask) -> None:
    json_logs = os.environ.get("LOG_FORMAT", app.config.get("LOG_FORMAT", "")) == "json"
    if json_logs and not app.testing:  # the tests keep pytest's own log handlers
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        app.logger.handlers[:] = []
        app.logger.propagate = True
    app.config["LOG_FORMAT"] = "json" if json_logs else app.config.get("LOG_FORMAT", "")

    @app.before_request
    def _start_clock():
        g.request_started = time.perf_counter()
        g.sql_statements = 0

    @app.after_request
    def _observe(response):
        started = g.get("request_started")
        if started is None:
            return response
        seconds = time.perf_counter() - started
        endpoint = request.endpoint or "none"
        statements = g.get("sql_statements", 0)
        REQUESTS.labels(endpoint=endpoint, method=request.method,
                        status=str(response.status_code)).inc()
        DURATION.labels(endpoint=endpoint).observe(seconds)
        STATEMENTS.labels(endpoint=endpoint).observe(statements)
        if response.status_code == 429:
            REFUSALS.labels(endpoint=endpoint).inc()
        if json_logs:
            request_log.info("request", extra={"request_id": request_id(), "fields": {
                "message": "request", "user_id": _user_id(), "method": request.method,
                "path": request.path, "endpoint": endpoint, "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1), "statements": statements,
                "remote_addr": request.remote_addr}})
        return response
