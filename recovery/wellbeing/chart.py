"""Geometry of the wellbeing chart: each check's average (1 to 10) over time, drawn as inline SVG.

Only numbers are worked out here; templates/wellbeing/_macros.html draws them. Like the trust
chart, it has a fixed viewBox and scales to its box, so its labels read the same on a 360px phone
and a wide screen (at least 12px: the viewBox is narrow enough that 13 units are 12px or more on a
phone). Checks are placed by date, so a long gap between two shows as a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

WIDTH = 280
HEIGHT = 226
LEFT = 30  # room for the 1-10 labels
RIGHT = 14
TOP = 12
BOTTOM = 34  # room for the date labels
LOW, HIGH = 1, 10


class _Check(Protocol):
    local_date: date

    @property
    def average(self) -> float: ...


@dataclass(frozen=True)
class Point:
    """One check on the chart."""

    x: float
    y: float
    day: date
    average: float


@dataclass(frozen=True)
class Gridline:
    """A horizontal line at one value of the 1-10 scale."""

    value: int
    y: float


@dataclass(frozen=True)
class XLabel:
    """A date written under the chart."""

    x: float
    text: str
    anchor: str


@dataclass(frozen=True)
class Chart:
    """Everything the template needs to draw one chart."""

    id: str
    points: list[Point]
    gridlines: list[Gridline]
    x_labels: list[XLabel]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    axis_y: float = HEIGHT - BOTTOM

    @property
    def line(self) -> str:
        """The points of the polyline joining the checks."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def empty(self) -> bool:
        return not self.points


def y_for(value: float) -> float:
    """Return the vertical position of a value on the 1-10 scale."""
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + (HIGH - value) / (HIGH - LOW) * plot, 1)


def short_date(day: date, with_year: bool) -> str:
    """Write a date briefly: "3 Jun", or "3 Jun 2024" when the chart spans more than one year."""
    return f"{day.day} {day:%b %Y}" if with_year else f"{day.day} {day:%b}"


def build_chart(checks: Sequence[_Check], chart_id: str) -> Chart:
    """Place checks (oldest first) by date on the chart; a single check sits in the middle."""
    left, right = LEFT + 10, WIDTH - RIGHT - 8  # keep the end dots off the axis and the edge
    points: list[Point] = []
    if checks:
        first, last = checks[0].local_date, checks[-1].local_date
        span = (last - first).days
        for i, c in enumerate(checks):
            if len(checks) == 1:
                x = (left + right) / 2
            elif span == 0:  # several on one day (only in odd data): spread them evenly
                x = left + i / (len(checks) - 1) * (right - left)
            else:
                x = left + (c.local_date - first).days / span * (right - left)
            points.append(Point(x=round(x, 1), y=y_for(c.average), day=c.local_date, average=round(c.average, 1)))
    gridlines = [Gridline(value=v, y=y_for(v)) for v in range(LOW, HIGH + 1)]
    labels: list[XLabel] = []
    if points:
        with_year = points[0].day.year != points[-1].day.year
        if len(points) == 1 or points[0].day == points[-1].day:
            labels = [XLabel(points[0].x, short_date(points[0].day, with_year), "middle")]
        else:
            labels = [XLabel(left - 6, short_date(points[0].day, with_year), "start"),
                      XLabel(right + 6, short_date(points[-1].day, with_year), "end")]
    return Chart(id=chart_id, points=points, gridlines=gridlines, x_labels=labels)
