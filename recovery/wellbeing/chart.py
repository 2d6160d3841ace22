"""The wellbeing chart: each check's average (1 to 10) over time, on the shared chart geometry
(recovery/chart.py); templates/wellbeing/_macros.html draws it."""

from __future__ import annotations

from recovery.chart import Chart, Scale

__all__ = ["HEIGHT", "Chart", "build_chart", "y_for"]

HEIGHT = 226
SCALE = Scale(low=1, high=10, height=HEIGHT, left=30)  # 30: room for the 1-10 labels
y_for = SCALE.y_for
build_chart = SCALE.build
