"""Timing for in-process measurements (SQL statements are counted by
app.database.StatementCounter, which the statement-count tests use too)."""
import statistics
import time
from contextlib import contextmanager


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
