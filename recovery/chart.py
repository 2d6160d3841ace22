"""Geometry of a score-over-time chart (trust check-ins, wellbeing checks), drawn as inline SVG.

Only numbers are worked out here; each feature's template draws them. A chart has a fixed viewBox
and scales to its box, so its labels read the same on a 360 px phone and a wide screen (the viewBox
is narrow enough that 13 units are at least 12 px on a phone). Entries are placed by date, so a long
gap between two shows as a gap. Each feature gives its `Scale` (the lowest and highest score and the
room they need); `Scale.build` places the entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from babel.dates import format_date
from flask_babel import get_locale

WIDTH = 280
RIGHT = 14
TOP = 12
BOTTOM = 34  # room for the date labels


class Entry(Protocol):
    local_date: date

    @property
    def average(self) -> float: ...


@dataclass(frozen=True)
class Point:
    """One entry on the chart."""

    x: float
    y: float
    day: date
    average: float


@dataclass(frozen=True)
class Gridline:
    """A horizontal line at one value of the scale."""

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
    """Everything a template needs to draw one chart."""

    id: str
    points: list[Point]
    gridlines: list[Gridline]
    x_labels: list[XLabel]
    width: int
    height: int
    left: int
    right_edge: int
    axis_y: float

    @property
    def line(self) -> str:
        """The points of the polyline joining the entries."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def empty(self) -> bool:
        return not self.points


def short_date(day: date, with_year: bool) -> str:
    """Write a date briefly in the page's language: "3 Jun", or "3 Jun 2024" when the chart spans more than
    one year (Babel's month names: "3 jun" in Spanish)."""
    return format_date(day, "d MMM y" if with_year else "d MMM", locale=get_locale() or "en")


@dataclass(frozen=True)
class Scale:
    """A chart's scores (low to high) and its size: the left margin holds the score labels."""

    low: int
    high: int
    height: int
    left: int

    def y_for(self, value: float) -> float:
        """Return the vertical position of a value on this scale."""
        plot = self.height - TOP - BOTTOM
        return round(TOP + (self.high - value) / (self.high - self.low) * plot, 1)

    def build(self, entries: Sequence[Entry], chart_id: str) -> Chart:
        """Place entries (oldest first) by date on the chart; a single entry sits in the middle."""
        left, right = self.left + 10, WIDTH - RIGHT - 8  # keep the end dots off the axis and the edge
        points: list[Point] = []
        if entries:
            first, last = entries[0].local_date, entries[-1].local_date
            span = (last - first).days
            for i, e in enumerate(entries):
                if len(entries) == 1:
                    x = (left + right) / 2
                elif span == 0:  # several on one day: spread them evenly
                    x = left + i / (len(entries) - 1) * (right - left)
                else:
                    x = left + (e.local_date - first).days / span * (right - left)
                points.append(Point(x=round(x, 1), y=self.y_for(e.average), day=e.local_date,
                                    average=round(e.average, 1)))
        gridlines = [Gridline(value=v, y=self.y_for(v)) for v in range(self.low, self.high + 1)]
        labels: list[XLabel] = []
        if points:
            with_year = points[0].day.year != points[-1].day.year
            if len(points) == 1 or points[0].day == points[-1].day:
                labels = [XLabel(points[0].x, short_date(points[0].day, with_year), "middle")]
            else:
                labels = [XLabel(left - 6, short_date(points[0].day, with_year), "start"),
                          XLabel(right + 6, short_date(points[-1].day, with_year), "end")]
        return Chart(id=chart_id, points=points, gridlines=gridlines, x_labels=labels, width=WIDTH,
                     height=self.height, left=self.left, right_edge=WIDTH - RIGHT, axis_y=self.height - BOTTOM)
