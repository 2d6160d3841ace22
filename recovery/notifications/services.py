"""Reaching people outside the page: settings, the "What's new" list, and the rules for what is sent when.

Two steps, each safe to run twice or on two hosts at once (SECURITY.md 37):

1. **Due**: `make_due(now)` adds a `Notification` row for each thing now due (a check-in still open at
   the chosen time, something waiting, the weekly summary, a quiet-days alert). Rows are unique per
   person, kind and key, and added with "insert, or do nothing if it is there": two runs make one row.
2. **Out**: `deliver(now)` claims each undelivered row with one UPDATE that only one run can win, and
   hands it to email (recovery/mail.py) and web push (push.py); both leave after the commit.

Nothing is sent in the recipient's quiet hours: reminders wait until they end (and are dropped if the day
is over by then), alerts are held. Words come from the kind only (words.py): no content ever leaves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from recovery import audit, i18n, mail
from recovery.accounts.models import User
from recovery.amends import services as amends_services
from recovery.boundaries import services as boundary_services
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, Connection
from recovery.circle.permissions import SharedPage
from recovery.db import db, once, utcnow
from recovery.errors import NotFound, Refused
from recovery.notifications.models import (
    CONSENT_ENDING,
    DEFAULT_DAILY_TIME,
    KINDS,
    PLAN_REVIEW,
    QUIET,
    REACH_OUT,
    REMINDER,
    WAITING,
    WEEKLY,
    CircleAlert,
    Notification,
    NotificationSettings,
    PushSubscription,
)
from recovery.notifications.words import CHOICE_OF, N_, outside_words, words_for
from recovery.plan import services as plan_services
from recovery.plan.models import HardDaysPlan
from recovery.supporters import services as supporters
from recovery.supporters.models import ENDED as CONSENT_ENDED
from recovery.supporters.models import EXPIRED as CONSENT_EXPIRED
from recovery.timezones import to_local
from recovery.tracker import pages
from recovery.tracker.models import CheckIn, Commitment
from recovery.urls import external_url

QUIET_DAYS = range(2, 15)
# In English here (marked with N_); _(RULED_OUT) where it is shown.
RULED_OUT = N_("Mend won't send messages from you to them: an amends entry about them notes a court order or a "
               "request for no contact, or they said no.")
DELIVERY_WINDOW = timedelta(days=2)  # rows older than this and still undelivered stay in the list only
LIST_LENGTH = 50
PROMPT_FOR = timedelta(days=14)  # how long the home page offers reminders to a new account
CONSENT_NOTICE_DAYS = 7  # a consent's ending is told this many days before its last day
UNSUBSCRIBE_SALT = "mend.unsubscribe"
# What an unsubscribe link stops, by its code; the words (marked with N_) are read with _() where shown.
UNSUBSCRIBE_CHOICES = {"daily": N_("daily reminders"), "weekly": N_("the weekly summary"),
                       "circle": N_("messages from your circle"), "email": N_("every email from Mend")}


# --- Settings ---------------------------------------------------------------------------------------


def settings_for(user: User) -> NotificationSettings:
    """The user's settings row (unsaved defaults if they never chose anything: everything off)."""
    found = db.session.get(NotificationSettings, user.id)
    if found is not None:
        return found
    return NotificationSettings(user_id=user.id, by_email=False, by_push=False, daily_on=False,
                                daily_time=time(19, 0), weekly_on=False, weekly_day=6, circle_on=True,
                                full_wording=False, calendar_alarm=False, prompt_done=False)


def _stored_settings(user: User) -> NotificationSettings:
    found = db.session.get(NotificationSettings, user.id)
    if found is None:
        found = settings_for(user)
        db.session.add(found)
    return found


def save_settings(user: User, *, by_email: bool, daily_on: bool, daily_time: time, weekly_on: bool,
                  weekly_day: int, circle_on: bool, quiet_start: time | None, quiet_end: time | None,
                  full_wording: bool, calendar_alarm: bool) -> NotificationSettings:
    """Save what the user chose; quiet hours are both times or neither."""
    if (quiet_start is None) != (quiet_end is None):
        raise Refused(_("Choose both times for quiet hours, or leave both empty."), field="quiet_end")
    if quiet_start is not None and quiet_start == quiet_end:
        raise Refused(_("Quiet hours need a different start and end time."), field="quiet_end")
    if not 0 <= weekly_day <= 6:
        raise Refused(_("Choose a day of the week."), field="weekly_day")
    found = _stored_settings(user)
    found.by_email, found.daily_on, found.daily_time = by_email, daily_on, daily_time.replace(second=0,
                                                                                             microsecond=0)
    found.weekly_on, found.weekly_day, found.circle_on = weekly_on, weekly_day, circle_on
    found.quiet_start, found.quiet_end = quiet_start, quiet_end
    found.full_wording, found.calendar_alarm = full_wording, calendar_alarm
    found.prompt_done = True
    db.session.flush()
    audit.record(user.id, "notify.settings")
    return found


def put_prompt_away(user: User) -> None:
    """The first-week prompt on the home page is not shown again."""
    _stored_settings(user).prompt_done = True
    db.session.flush()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_quiet_hours(found: NotificationSettings | None, local: datetime) -> bool:
    """Tell whether a local time falls in the user's quiet hours (which may run past midnight)."""
    if found is None or found.quiet_start is None or found.quiet_end is None:
        return False
    now, start, end = local.time().replace(tzinfo=None), found.quiet_start, found.quiet_end
    if start < end:
        return start <= now < end
    return now >= start or now < end


# --- Circle alerts (chosen by the person in recovery) -----------------------------------------------------


def alerts_by_connection(person: User, connections: list[Connection]) -> dict[int, CircleAlert]:
    """The person's alert choices for their connections, in one query."""
    ids = [c.id for c in connections if c.person_id == person.id]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(CircleAlert).where(CircleAlert.connection_id.in_(ids)))
    return {a.connection_id: a for a in rows}


def alert_set_up_for(loved_one: User, connections: list[Connection]) -> dict[int, CircleAlert]:
    """For a loved one: the alerts each person set up to reach them (they should know), by connection."""
    ids = [c.id for c in connections if c.loved_one_id == loved_one.id and c.status == ACTIVE]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(CircleAlert).where(
        CircleAlert.connection_id.in_(ids),
        sa.or_(CircleAlert.quiet_days.is_not(None), CircleAlert.reach_out.is_(True))))
    return {a.connection_id: a for a in rows}


def set_alert(person: User, connection: Connection, quiet_days: int | None, reach_out: bool) -> CircleAlert:
    """Choose, for one connection, whether to tell them after N quiet days and whether "reach out" goes to them."""
    if connection.person_id != person.id:
        raise NotFound()
    if (quiet_days is not None or reach_out) and connection.id in amends_services.contact_ruled_out(person,
                                                                                                    [connection]):
        raise Refused(_(RULED_OUT))
    if quiet_days is not None and quiet_days not in QUIET_DAYS:
        raise Refused(_("Choose between 2 and 14 days."), field="quiet_days")
    found = db.session.get(CircleAlert, connection.id)
    if found is None:
        found = CircleAlert(connection_id=connection.id)
        db.session.add(found)
    if quiet_days is not None and (found.quiet_days is None or found.quiet_since is None):
        found.quiet_since = utcnow()  # days before this never count as quiet
    if quiet_days is None:
        found.quiet_since = None
    found.quiet_days, found.reach_out = quiet_days, reach_out
    db.session.flush()
    audit.record(person.id, "notify.alert")
    return found


def reach_out_to(person: User) -> list[Connection]:
    """The active connections the person chose for "reach out", leaving out any where contact is ruled out."""
    mine = [c for c in circle.connections_of(person) if c.status == ACTIVE and c.person_id == person.id]
    alerts = alerts_by_connection(person, mine)
    ruled_out = amends_services.contact_ruled_out(person, mine)
    return [c for c in mine if c.id in alerts and alerts[c.id].reach_out and c.id not in ruled_out]


def reach_out(person: User, now: datetime | None = None) -> int:
    """Send "Jordan would like to hear from you" to the chosen loved ones; return how many it went to.

    Once a minute at most: a second tap in the same minute sends nothing new.
    """
    if not person.is_person:
        raise NotFound()
    now = now or utcnow()
    chosen = reach_out_to(person)
    if not chosen:
        raise Refused(_("Choose first who this goes to."))
    key = f"{person.id}:{now:%Y%m%d%H%M}"
    for c in chosen:
        _add(c.loved_one_id, REACH_OUT, key, about_id=person.id, created_at=now)
    audit.record(person.id, "notify.reach_out")
    db.session.flush()
    deliver(now, user_ids=[c.loved_one_id for c in chosen])
    return len(chosen)


# --- The "What's new" list ----------------------------------------------------------------------------


def recent(user: User, limit: int = LIST_LENGTH) -> list[Notification]:
    return list(db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id)
        .options(selectinload(Notification.about))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def home_notes(user: User) -> tuple[int, bool]:
    """For the home page, in one query: how many notifications are unseen, and whether to offer reminders
    (during the first two weeks, until the user chose them or put the offer away)."""
    count, done = db.session.execute(_home_notes(), {"user_id": user.id}).one()
    young = utcnow() - _aware(user.created_at) < PROMPT_FOR
    return count or 0, young and not done


@once
def _home_notes():
    user_id = sa.bindparam("user_id")
    unread = sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()
    answered = sa.select(NotificationSettings.prompt_done).where(
        NotificationSettings.user_id == user_id).scalar_subquery()
    return sa.select(unread, answered)


def mark_all_read(user: User) -> None:
    db.session.execute(sa.update(Notification).where(Notification.user_id == user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))


# --- Step 1: what is due ----------------------------------------------------------------------------------


def _add(user_id: int, kind: str, key: str, about_id: int | None = None, count: int = 0,
         created_at: datetime | None = None) -> None:
    """Add a notification unless one with the same person, kind and key exists (never an error)."""
    values = {"user_id": user_id, "kind": kind, "key": key, "about_id": about_id, "count": count,
              "created_at": created_at or utcnow(), "channels": ""}
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(Notification).values(**values).on_conflict_do_nothing(
        index_elements=["user_id", "kind", "key"]))


def _sent_keys(kind: str, keys: set[str]) -> set[tuple[int, str]]:
    if not keys:
        return set()
    return set(db.session.execute(sa.select(Notification.user_id, Notification.key).where(
        Notification.kind == kind, Notification.key.in_(keys))).tuples())


def check_in_open_today(person: User, today: date) -> bool:
    """Tell whether a commitment due today has no check-in yet (paused ones are never due)."""
    due, __ = pages.today_page(person, today)
    return any(s.today_status is None for s in due)


def waiting_count(loved_one: User) -> int:
    """How many things wait for a loved one: days to confirm, boundaries new or changed, their invitations.

    Only through what is shared with them now. Never the amends question: that stays theirs to raise.
    """
    connections = circle.connections_of(loved_one)
    door = SharedPage(loved_one, connections)
    count = sum(len(card.waiting) for card in pages.loved_one_dashboard(loved_one, door.sharing("tracker")).values())
    sharing = door.sharing("boundaries")
    by_connection = boundary_services.shared_boundaries_by_connection(sharing, loved_one)
    boundaries = [b for items in by_connection.values() for b in items]
    acks = {a.boundary_id: a for items in boundary_services.acks_for(boundaries, loved_one.id).values()
            for a in items}
    count += sum(1 for b in boundaries if boundary_services.ack_state(b, acks.get(b.id)) in ("new", "updated"))
    return count + len(circle.pending_invitations(loved_one))


def _daily_and_weekly(now: datetime) -> None:
    rows = db.session.execute(
        sa.select(NotificationSettings, User).join(User, User.id == NotificationSettings.user_id)
        .where(sa.or_(NotificationSettings.daily_on.is_(True), NotificationSettings.weekly_on.is_(True)))).all()
    due: list[tuple[NotificationSettings, User, datetime]] = []
    for found, user in rows:
        local = to_local(now, user.timezone)
        if local.time().replace(tzinfo=None) >= found.daily_time and not in_quiet_hours(found, local):
            due.append((found, user, local))
    day_keys = {local.date().isoformat() for __, __, local in due}
    week_keys = {_week_key(local.date()) for __, __, local in due}
    # Each kind at most once a day: a check-in still open (the person's commitments, or a loved one's own
    # self-care) is a REMINDER; what waits for a loved one's word is WAITING. A loved one may get both, as
    # they are about different things; each is looked for until it is sent that day.
    sent_reminders = _sent_keys(REMINDER, day_keys)
    sent_waiting = _sent_keys(WAITING, day_keys)
    sent_weekly = _sent_keys(WEEKLY, week_keys)
    for found, user, local in due:
        today = local.date()
        key = (user.id, today.isoformat())
        if found.daily_on:
            if key not in sent_reminders and check_in_open_today(user, today):
                _add(user.id, REMINDER, today.isoformat(), created_at=now)
            if not user.is_person and key not in sent_waiting and (count := waiting_count(user)) > 0:
                _add(user.id, WAITING, today.isoformat(), count=count, created_at=now)
        if found.weekly_on and today.weekday() == found.weekly_day and (user.id, _week_key(today)) not in sent_weekly:
            _add(user.id, WEEKLY, _week_key(today), created_at=now)


def _week_key(day: date) -> str:
    year, week, __ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_check_in_days(person_ids: list[int]) -> dict[int, date]:
    """Each person's latest check-in day, in one query."""
    if not person_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Commitment.owner_id, sa.func.max(CheckIn.local_date)).select_from(CheckIn)
        .join(Commitment, Commitment.id == CheckIn.commitment_id)
        .where(Commitment.owner_id.in_(person_ids)).group_by(Commitment.owner_id)).tuples().all())


def _has_active_commitment(person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(db.session.scalars(sa.select(Commitment.owner_id).where(
        Commitment.owner_id.in_(person_ids), Commitment.status == "active").distinct()))


def _quiet_alerts(now: datetime) -> None:
    rows = db.session.execute(
        sa.select(CircleAlert, Connection).join(Connection, Connection.id == CircleAlert.connection_id)
        .where(CircleAlert.quiet_days.is_not(None), Connection.status == ACTIVE)
        .options(selectinload(Connection.person))).all()
    person_ids = sorted({c.person_id for __, c in rows})
    last = last_check_in_days(person_ids)
    active = _has_active_commitment(person_ids)
    ruled_out: set[int] = set()
    for person_id in person_ids:
        theirs = [c for __, c in rows if c.person_id == person_id]
        ruled_out |= set(amends_services.contact_ruled_out(theirs[0].person, theirs))
    for alert, c in rows:
        if c.person_id not in active or c.id in ruled_out:
            continue  # nothing to check in on, everything paused (a break the person chose), or contact ruled out
        today = to_local(now, c.person.timezone).date()
        since = to_local(_aware(alert.quiet_since or now), c.person.timezone).date()
        quiet_from = max(last.get(c.person_id, since), since)
        days = (today - quiet_from).days
        if days >= alert.quiet_days:
            _add(c.loved_one_id, QUIET, f"{c.id}:{quiet_from.isoformat()}", about_id=c.person_id, count=days,
                 created_at=now)


def _plan_reviews(now: datetime) -> None:
    """A person with daily reminders on hears once, at their reminder time, when their plan for hard days was
    last saved (or read through) three months ago or more. The key is the plan and that day, so reading it
    through or changing it starts the three months again."""
    rows = db.session.execute(
        sa.select(HardDaysPlan, NotificationSettings, User)
        .join(User, User.id == HardDaysPlan.owner_id)
        .join(NotificationSettings, NotificationSettings.user_id == HardDaysPlan.owner_id)
        .where(NotificationSettings.daily_on.is_(True),
               HardDaysPlan.updated_at <= now - plan_services.REVIEW_AFTER)).all()
    due = []
    for plan, found, user in rows:
        local = to_local(now, user.timezone)
        if (local.time().replace(tzinfo=None) >= found.daily_time and not in_quiet_hours(found, local)
                and not plan_services.is_empty(plan)):
            due.append((user, f"{plan.id}:{plan_services.last_saved_day(plan, user.timezone).isoformat()}"))
    sent = _sent_keys(PLAN_REVIEW, {key for __, key in due})
    for user, key in due:
        if (user.id, key) not in sent:
            _add(user.id, PLAN_REVIEW, key, created_at=now)


def _consents_ending(now: datetime) -> None:
    """Whoever chose a supporter hears once, a week before the consent's last day, that it will end: in What's
    new, and by email or push if they turned on daily reminders; at their reminder time (7 pm for someone who
    never set one), outside quiet hours. Renewing it gives a new last day, and a new notice a week before that
    one. A consent given or changed in its own last week was just chosen: it gets no notice."""
    ties = db.session.scalars(
        sa.select(Connection).where(Connection.supporter_id.is_not(None), Connection.status == ACTIVE,
                                    Connection.consent_ends_at > now,
                                    Connection.consent_ends_at <= now + timedelta(days=CONSENT_NOTICE_DAYS + 2))
        .options(selectinload(Connection.person), selectinload(Connection.loved_one))).all()
    if not ties:
        return
    consents = supporters.newest_consents(ties)
    settings = {s.user_id: s for s in db.session.scalars(sa.select(NotificationSettings).where(
        NotificationSettings.user_id.in_({tie.supported_id for tie in ties})))}
    due = []
    for tie in ties:
        consent, owner = consents.get(tie.id), tie.supported
        if consent is None or consent.event in (CONSENT_ENDED, CONSENT_EXPIRED):
            continue
        local, found = to_local(now, owner.timezone), settings.get(owner.id)
        notice_from = consent.ends_on - timedelta(days=CONSENT_NOTICE_DAYS)
        if not notice_from <= local.date() <= consent.ends_on \
                or to_local(_aware(consent.created_at), owner.timezone).date() >= notice_from:
            continue
        if local.time().replace(tzinfo=None) < (found.daily_time if found else DEFAULT_DAILY_TIME) \
                or in_quiet_hours(found, local):
            continue
        due.append((owner, tie, f"{tie.id}:{consent.ends_on.isoformat()}"))
    sent = _sent_keys(CONSENT_ENDING, {key for __, __, key in due})
    for owner, tie, key in due:
        if (owner.id, key) not in sent:
            _add(owner.id, CONSENT_ENDING, key, about_id=tie.supporter_id, created_at=now)


def make_due(now: datetime | None = None) -> None:
    """Add every notification that is due now (safe to run twice: each is unique)."""
    now = now or utcnow()
    _daily_and_weekly(now)
    _quiet_alerts(now)
    _plan_reviews(now)
    _consents_ending(now)
    db.session.flush()


# --- Step 2: out by email and push ------------------------------------------------------------------------


def deliver(now: datetime | None = None, user_ids: list[int] | None = None) -> int:
    """Hand each undelivered notification to email and push, once; return how many went out."""
    now = now or utcnow()
    stmt = (sa.select(Notification, User).join(User, User.id == Notification.user_id)
            .where(Notification.delivered_at.is_(None), Notification.created_at >= now - DELIVERY_WINDOW)
            .options(selectinload(Notification.about)).order_by(Notification.id))
    if user_ids is not None:
        stmt = stmt.where(Notification.user_id.in_(user_ids))
    rows = db.session.execute(stmt).all()
    settings = {s.user_id: s for s in db.session.scalars(sa.select(NotificationSettings).where(
        NotificationSettings.user_id.in_({u.id for __, u in rows})))} if rows else {}
    sent = 0
    for n, user in rows:
        found = settings.get(user.id)
        local = to_local(now, user.timezone)
        stale = n.kind in (REMINDER, WAITING) and n.key != local.date().isoformat()
        if not stale and in_quiet_hours(found, local):
            continue  # held until quiet hours end
        claimed = db.session.execute(
            sa.update(Notification).where(Notification.id == n.id, Notification.delivered_at.is_(None))
            .values(delivered_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue  # another run took it
        channels = [] if stale else _send_out(n, user, found, local.date())
        db.session.execute(sa.update(Notification).where(Notification.id == n.id)
                           .values(channels=",".join(channels)).execution_options(synchronize_session=False))
        if channels:
            audit.record(user.id, "notify.sent", n.kind)
            sent += 1
    return sent


def _wants(found: NotificationSettings | None, kind: str) -> bool:
    if found is None:
        return False
    choice = CHOICE_OF[kind]
    return {"daily": found.daily_on, "weekly": found.weekly_on, "circle": found.circle_on}[choice]


def _send_out(n: Notification, user: User, found: NotificationSettings | None, today: date) -> list[str]:
    if not _wants(found, n.kind):
        return []
    with i18n.speaking(user.language):  # in the recipient's language, whoever's request or job sends it
        return _send_in_their_words(n, user, found, today)


def _send_in_their_words(n: Notification, user: User, found: NotificationSettings, today: date) -> list[str]:
    words = words_for(n, user.is_person)
    subject, first_line = outside_words(n, user.is_person, found.full_wording)
    link = external_url(words.endpoint, **words.args)
    channels = []
    if found.by_email and mail.mail_enabled():
        unsubscribe = external_url("notifications.unsubscribe", token=unsubscribe_token(user.id, CHOICE_OF[n.kind]))
        settings_link = external_url("notifications.settings")
        summary = week_lines(user, today) if n.kind == WEEKLY else []
        extra = "".join(f"{line}\n" for line in summary) + ("\n" if summary else "")
        body = (_("Hello %(name)s,", name=user.display_name) + f"\n\n{first_line}\n\n"
                + _("Open Mend: %(link)s", link=link) + f"\n\n{extra}"
                + _("You get this because you chose it in Mend's reminder settings.") + "\n"
                + _("Stop these emails: %(link)s", link=unsubscribe) + "\n"
                + _("Change what Mend sends you: %(link)s", link=settings_link) + "\n")
        html = render_email_html(user.display_name, first_line, link, unsubscribe, settings_link, summary)
        if mail.queue_mail(user.email, subject, body, html=html, headers={"List-Unsubscribe": f"<{unsubscribe}>"}):
            channels.append("email")
    if found.by_push and _has_devices(user.id):
        from recovery.notifications import push

        push.queue_push(user.id, subject, first_line, _path(words.endpoint, words.args))
        channels.append("push")
    return channels


def devices(user: User) -> list[PushSubscription]:
    """The browsers this person turned web push on in."""
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.id)))


def week_lines(user: User, today: date) -> list[str]:
    """The weekly summary's few lines, in counts only (never titles or notes): the person's own past 7 days,
    and what waits for a loved one."""
    if not user.is_person:
        count = waiting_count(user)
        return [_("Waiting for your word: %(count)s.", count=count) if count
                else _("Nothing is waiting for you right now.")]
    since = today - timedelta(days=7)
    rows = db.session.execute(
        sa.select(CheckIn.status, sa.func.count()).join(Commitment, Commitment.id == CheckIn.commitment_id)
        .where(Commitment.owner_id == user.id, CheckIn.local_date > since, CheckIn.local_date <= today)
        .group_by(CheckIn.status)).tuples().all()
    counts = dict(rows)
    if not counts:
        return [_("No check-ins this week. A new week is a fresh start.")]
    return [_("This week: kept %(kept)s, partly kept %(partly)s, missed %(missed)s.", kept=counts.get("kept", 0),
              partly=counts.get("partly", 0), missed=counts.get("missed", 0))]


def _has_devices(user_id: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.exists().where(PushSubscription.user_id == user_id))))


def _path(endpoint: str, args: dict) -> str:
    """The page's path on this server (a job has no request to build it from)."""
    parts = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, args)


def render_email_html(name: str, line: str, link: str, unsubscribe: str, settings_link: str,
                      summary: list[str] = ()) -> str:
    """The simple HTML part of an email (autoescaped; rendered without a request, so no page context)."""
    return current_app.jinja_env.get_template("notifications/email.html").render(
        name=name, line=line, link=link, unsubscribe=unsubscribe, settings_link=settings_link, summary=summary)


# --- Unsubscribe --------------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, choice: str) -> str:
    """A signed link token that turns off one kind of email for one person, without logging in."""
    return _serializer().dumps({"u": user_id, "c": choice})


def read_unsubscribe(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") not in UNSUBSCRIBE_CHOICES or not isinstance(data.get("u"), int):
        return None
    return data["u"], data["c"]


def unsubscribe(user_id: int, choice: str) -> None:
    """Turn off what the link names; the same answer whether or not the account still exists."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    found = _stored_settings(user)
    if choice == "email":
        found.by_email = False
    else:
        setattr(found, {"daily": "daily_on", "weekly": "weekly_on", "circle": "circle_on"}[choice], False)
    db.session.flush()
    audit.record(user.id, "notify.unsubscribe", choice)


assert set(CHOICE_OF) == set(KINDS)
