"""Geometry for the server-drawn SVG charts (the templates draw; this only places things).
No JavaScript charting: the figures are in a table beside every chart anyway."""
import math
from dataclasses import dataclass, field

from app.sprints.reports import Burndown, VelocityRow

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44
MAX_VELOCITY_BARS = 12


def nice_max(value: float) -> float:
    """A round top for the y axis at or above `value`, in four round steps (e.g. 60 = 4 × 15)."""
    if value <= 0:
        return 10.0
    quarter = value / 4
    exponent = 10 ** math.floor(math.log10(quarter))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if quarter <= step * exponent + 1e-9:
            return round(4 * step * exponent, 6)
    return 40.0 * exponent


@dataclass
class Tick:
    pos: float
    label: str


@dataclass
class Frame:
    """The plot area and its axes."""

    y_max: float
    y_ticks: list[Tick]
    x_ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM

    def y(self, value: float) -> float:
        return round(self.bottom - (self.bottom - self.top) * value / self.y_max, 1)


def _frame(y_top: float) -> Frame:
    y_max = nice_max(y_top)
    frame = Frame(y_max=y_max, y_ticks=[])
    frame.y_ticks = [Tick(frame.y(y_max * k / 4), _points(y_max * k / 4)) for k in range(5)]
    return frame


def _points(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass
class BurndownChart:
    frame: Frame
    ideal: str  # polyline points
    actual: str
    markers: list[tuple[float, float]]  # days with a scope change, on the actual line
    shade: list[tuple[float, float]]  # x and width of weekend columns


def burndown_chart(data: Burndown, day_label) -> BurndownChart:
    """Place the burndown: x runs from the start (0) to the end of the last day."""
    days = data.days
    peak = max([data.committed] + [d.remaining or 0 for d in days] + [d.ideal for d in days])
    frame = _frame(peak)
    step = (frame.right - frame.left) / max(len(days), 1)

    def x(n):
        return round(frame.left + step * n, 1)

    ideal = [(x(0), frame.y(data.committed))] + [(x(n + 1), frame.y(d.ideal))
                                                 for n, d in enumerate(days)]
    actual = [(x(0), frame.y(data.committed))] + [(x(n + 1), frame.y(d.remaining))
                                                  for n, d in enumerate(days) if d.is_past]
    markers = [(x(n + 1), frame.y(d.remaining)) for n, d in enumerate(days)
               if d.is_past and d.scope]
    every = max(1, math.ceil(len(days) / 7))  # a label ("30. nov.") is ~45 of 590 units wide
    frame.x_ticks = [Tick(round(x(n) + step / 2, 1), day_label(d.day))
                     for n, d in enumerate(days) if n % every == 0]
    shade = [(x(n), round(step, 1)) for n, d in enumerate(days) if not d.is_working_day]
    return BurndownChart(frame=frame, ideal=_polyline(ideal), actual=_polyline(actual),
                         markers=markers, shade=shade)


def _polyline(points) -> str:
    return " ".join(f"{px},{py}" for px, py in points)


@dataclass
class Bar:
    x: float
    width: float
    y: float
    height: float
    value: float


@dataclass
class VelocityGroup:
    label: str
    committed: Bar
    completed: Bar
    centre: float


@dataclass
class VelocityChart:
    frame: Frame
    groups: list[VelocityGroup]
    average: float | None  # y of the average line
    average_value: float | None


def velocity_chart(rows: list[VelocityRow], average: float | None) -> VelocityChart:
    """Two bars per closed sprint (committed, completed), the latest twelve."""
    rows = rows[-MAX_VELOCITY_BARS:]
    peak = max([r.committed for r in rows] + [r.completed for r in rows] + [average or 0])
    frame = _frame(peak)
    slot = (frame.right - frame.left) / max(len(rows), 1)
    bar = min(slot * 0.35, 28)
    groups = []
    for n, row in enumerate(rows):
        centre = frame.left + slot * (n + 0.5)
        groups.append(VelocityGroup(
            label=row.sprint.name, centre=round(centre, 1),
            committed=_bar(frame, centre - bar - 1, bar, row.committed),
            completed=_bar(frame, centre + 1, bar, row.completed)))
    return VelocityChart(frame=frame, groups=groups, average_value=average,
                         average=frame.y(average) if average is not None else None)


def _bar(frame: Frame, x: float, width: float, value: float) -> Bar:
    y = frame.y(value)
    return Bar(x=round(x, 1), width=round(width, 1), y=y, height=round(frame.bottom - y, 1),
               value=value)
