"""Reminders' part of "Your data" (recovery/yourdata): what the user chose, and what Mend sent them.

A sent notification holds no content (only its kind and when); the browsers subscribed to web push are
listed by name and date, never by their push address or keys. Deleting the account removes all of it,
and every notification about the user in other people's lists (the database cascades on `about_id`).
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery import yourdata
from recovery.circle.models import Connection
from recovery.db import db
from recovery.notifications.models import CircleAlert, Notification, NotificationSettings, PushSubscription


def _alerts(user) -> list[dict]:
    """For a person in recovery: whom they chose to tell if they go quiet, and who gets "Reach out"."""
    rows = db.session.execute(
        sa.select(CircleAlert, Connection).join(Connection, Connection.id == CircleAlert.connection_id)
        .where(Connection.person_id == user.id).order_by(CircleAlert.connection_id)).all()
    return [{"connection_id": a.connection_id, "loved_one": c.loved_one.display_name, "quiet_days": a.quiet_days,
             "reach_out": a.reach_out, "updated_at": yourdata.value(a.updated_at)} for a, c in rows]


yourdata.rows("reminders.settings", NotificationSettings, lambda uid: NotificationSettings.user_id == uid)
yourdata.rows("reminders.sent", Notification, lambda uid: Notification.user_id == uid)
yourdata.section("reminders.circle_alerts", _alerts, tables=[CircleAlert])
yourdata.rows("reminders.devices", PushSubscription, lambda uid: PushSubscription.user_id == uid,
              skip=("endpoint", "endpoint_hash", "p256dh", "auth"))
