"""The notification jobs the consumer runs on its clock (recovery/jobs.py)."""

from __future__ import annotations

from recovery import jobs
from recovery.notifications import push, services  # noqa: F401  (push declares the job that sends to browsers)

EVERY_MINUTES = 5


@jobs.every(minutes=EVERY_MINUTES, name="notifications.tick")
def tick() -> int:
    """Add what is due and send what waits; safe to run twice, or on two hosts at once."""
    services.make_due()
    return services.deliver()
