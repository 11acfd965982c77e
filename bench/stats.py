"""Timing and SQL statement counting for in-process measurements."""
import re
import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event


WRITE = re.compile(r"^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


class StatementCounter:
    """Counts SQL statements sent by an engine while active, and the rows each write touched
    (`writes`: "UPDATE backlog_item" -> rows), so a benchmark can show what a move wrote."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.writes: dict[str, int] = {}

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        match = WRITE.match(statement)
        if match:
            name = f"{match.group(1).split()[0].upper()} {match.group(2)}"
            self.writes[name] = self.writes.get(name, 0) + max(cursor.rowcount, 0)

    def __enter__(self):
        self.count = 0
        self.writes = {}
        event.listen(self.engine, "after_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "after_cursor_execute", self._on_execute)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(samples_ms: list[float]) -> dict:
    return {
        "runs": len(samples_ms),
        "median_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
    }


@contextmanager
def stopwatch():
    box = {}
    start = time.perf_counter()
    yield box
    box["ms"] = (time.perf_counter() - start) * 1000


def machine_speed_ms(rounds: int = 5) -> float:
    """The median time of a fixed pure-Python loop: printed beside the figures, so runs on
    a shared machine whose speed drifts (the same loop has taken up to half as long again on
    the same 2-core machine within an hour) can be compared with each other."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i * i
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times))
