"""The trust chart: the average of each check-in (1 to 7) over time, on the shared chart geometry
(recovery/chart.py); templates/trust/_chart.html draws it."""

from __future__ import annotations

from recovery.chart import Chart, Scale

__all__ = ["HEIGHT", "Chart", "build_chart", "y_for"]

HEIGHT = 196
SCALE = Scale(low=1, high=7, height=HEIGHT, left=26)  # 26: room for the 1-7 labels
y_for = SCALE.y_for
build_chart = SCALE.build
