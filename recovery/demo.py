"""A realistic demo circle, so a new host can see Mend working in a minute."""

from __future__ import annotations

import random

import sqlalchemy as sa
from flask_babel import gettext as _

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.accounts.passwords import hash_password
from recovery.circle import services as circle
from recovery.db import db

DEMO_DOMAIN = "demo.mend.example"
DEFAULT_PASSWORD = "demo circle of trust"


def create_demo(password: str | None = None, language: str = "") -> tuple[list[User], str]:
    """(Re)create the demo circle and return its people and their password.

    `language`: the language the demo's people use, and write what they wrote in (the catalogue's words for
    the demo's content); empty means the host's first."""
    from recovery.i18n import speaking

    with speaking(language):
        return _create_demo(password or DEFAULT_PASSWORD, language)


def _create_demo(password: str, language: str) -> tuple[list[User], str]:
    db.session.execute(sa.delete(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))
    # The database removed everything of the old demo (cascades); forget any of it this session still holds.
    db.session.expunge_all()
    pw_hash = hash_password(password)

    def person(name: str, email: str, role: str, tz: str) -> User:
        user = User(display_name=name, email=f"{email}@{DEMO_DOMAIN}", role=role, timezone=tz,
                    password_hash=pw_hash, language=language)
        db.session.add(user)
        return user

    jordan = person("Jordan", "jordan", PERSON, "America/New_York")
    sam = person("Sam", "sam", LOVED_ONE, "America/New_York")
    pat = person("Pat", "pat", LOVED_ONE, "America/Chicago")
    casey = person("Casey", "casey", LOVED_ONE, "America/New_York")
    db.session.flush()

    # Sam (Jordan's partner) was invited by Jordan; Pat (Jordan's mother) invited Jordan.
    __, token = circle.create_invitation(jordan, "partner", "Sam")
    with_sam = circle.accept_invitation(token, sam)
    __, token = circle.create_invitation(pat, "child", "Jordan")
    with_pat = circle.accept_invitation(token, jordan)
    # Casey (Jordan's 15-year-old) joined by Jordan's invitation. As Jordan's child, Casey is not asked
    # to confirm check-ins unless Casey chooses to be.
    __, token = circle.create_invitation(jordan, "child", "Casey")
    with_casey = circle.accept_invitation(token, casey)

    # Different sharing: Sam sees more than Pat does.
    circle.set_sharing(jordan, with_sam, {"tracker", "milestones", "boundaries", "amends", "conversations"})
    circle.set_sharing(jordan, with_pat, {"milestones"})
    circle.set_sharing(sam, with_sam, {"boundaries", "trust"})
    circle.set_sharing(pat, with_pat, set())
    circle.set_sharing(jordan, with_casey, {"tracker", "milestones"})
    # One open invitation, to show how pending links look.
    circle.create_invitation(jordan, "sibling", "Riley")
    _tracker_history(jordan, sam, pat, with_sam, with_pat)
    _amends(jordan, sam, pat, with_sam, with_pat)
    _amends_with_limits(jordan, casey, with_casey)
    _boundaries(jordan, sam, pat)
    _plans(jordan, sam, with_sam, with_pat)
    _reminders(jordan, sam, with_sam)
    _features(jordan, sam, pat, casey, with_sam, with_pat, with_casey)
    from recovery.supporters.demo import add_demo as supporters

    added = supporters({"jordan": jordan, "sam": sam, "pat": pat, "casey": casey},
                       {"sam": with_sam, "pat": with_pat, "casey": with_casey}, person)
    return [jordan, sam, pat, casey, added["rivera"], added["morgan"]], password


def _features(jordan: User, sam: User, pat: User, casey: User, with_sam, with_pat, with_casey) -> None:
    """Each newer feature adds its own part of the demo (its package's demo module)."""
    from recovery.plan.demo import add_demo as plan_for_hard_days
    from recovery.tracker.demo_self_care import add_demo as self_care
    from recovery.wellbeing.demo import add_demo as looking_after_me

    people = {"jordan": jordan, "sam": sam, "pat": pat, "casey": casey}
    connections = {"sam": with_sam, "pat": with_pat, "casey": with_casey}
    for add in (plan_for_hard_days, looking_after_me, self_care):
        add(people, connections)


def _reminders(jordan: User, sam: User, with_sam) -> None:
    """Jordan and Sam chose reminders; Jordan asked Mend to tell Sam if he goes quiet for 3 days.

    A few things already sent sit in their "What's new" lists (email goes only where a mail server is set).
    """
    from datetime import time, timedelta

    from recovery.db import utcnow
    from recovery.notifications import services as reminders
    from recovery.notifications.models import QUIET, REACH_OUT, REMINDER, WAITING, WEEKLY, Notification
    from recovery.timezones import local_today

    for who, hour in ((jordan, 20), (sam, 18)):
        reminders.save_settings(who, by_email=True, daily_on=True, daily_time=time(hour, 0), weekly_on=True,
                                weekly_day=6, circle_on=True, quiet_start=time(22, 30), quiet_end=time(7, 0),
                                full_wording=False, calendar_alarm=False)
    reminders.set_alert(jordan, with_sam, 3, reach_out=True)
    now = utcnow()
    today = local_today(jordan.timezone)
    last_sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)

    def sent(user: User, kind: str, key: str, days_ago: float, read: bool, **extra) -> None:
        at = now - timedelta(days=days_ago)
        db.session.add(Notification(user_id=user.id, kind=kind, key=key, created_at=at, delivered_at=at,
                                    channels="", read_at=at + timedelta(hours=1) if read else None, **extra))

    sent(jordan, WEEKLY, f"{last_sunday.isocalendar()[0]}-W{last_sunday.isocalendar()[1]:02d}",
         (today - last_sunday).days + 0.2, read=True)
    sent(jordan, REMINDER, (today - timedelta(days=2)).isoformat(), 2, read=True)
    sent(jordan, REMINDER, (today - timedelta(days=1)).isoformat(), 1, read=False)
    sent(sam, QUIET, f"{with_sam.id}:{(today - timedelta(days=50)).isoformat()}", 47, read=True,
         about_id=jordan.id, count=3)
    sent(sam, REACH_OUT, f"{jordan.id}:demo", 6, read=True, about_id=jordan.id)
    sent(sam, WAITING, (today - timedelta(days=1)).isoformat(), 1, read=False, count=2)
    db.session.flush()


def _amends_with_limits(jordan: User, casey: User, with_casey) -> None:
    """Two amends where contact is ruled out: Casey said no, and a court order protects Jamie."""
    from recovery.amends import services as amends
    from recovery.amends.services import EntryInput
    from recovery.tracker.commitments import today_for

    today = today_for(jordan)
    to_casey = amends.create_entry(jordan, EntryInput(
        "Casey", with_casey.id, _("my kid"), _("I promised to come to Casey's games and often didn't show up."),
        _("Casey stopped telling me about games at all."), _("I chose drinking over being there."),
        "living", "willing", "willing", "", None), today=today)
    amends.add_step(to_casey, _("Be on time for every school pickup that's mine"))
    amends.set_openness(casey, jordan.id, "no", "")
    to_jamie = amends.create_entry(jordan, EntryInput(
        "Jamie", None, _("my ex-partner"), _("I frightened Jamie during fights when I was drinking."),
        _("Jamie had to move out and start again somewhere new."),
        _("I chose to drink, and I let my anger out on Jamie."),
        "indirect", "willing", "listed", "", None), today=today)
    amends.save_safety(to_jamie, {"safety_harm_them": True, "safety_harm_others": False, "safety_no_contact": True,
                                  "safety_for_me": False})
    amends.add_step(to_jamie, _("Give to a shelter that helps people leave unsafe homes"))


def _plans(jordan: User, sam: User, with_sam, with_pat) -> None:
    """Conversation plans in every state, for both roles."""
    from datetime import timedelta

    import sqlalchemy as sa

    from recovery.amends.models import AmendsEntry
    from recovery.conversations import services as talks

    today = talks.today_for(jordan)
    mum = db.session.scalar(sa.select(AmendsEntry).where(AmendsEntry.owner_id == jordan.id,
                                                         AmendsEntry.person_name == _("Mum")))
    draft = talks.start_plan(jordan, "making-an-amends", with_pat.id, mum.id)
    talks.save_plan(draft, jordan, _("Amends to Mum"), {**draft.answers, "opening": _("Mum, is now an okay time?")},
                    with_pat.id, False)
    ready = talks.start_plan(jordan, "telling-about-a-setback", with_sam.id)
    talks.save_plan(ready, jordan, _("A letter for Sam about the party"),
                    {"opening": _("Sam, I want to tell you something before you hear it from anyone else.")},
                    with_sam.id, True)
    talks.set_status(ready, "ready", today=today)
    held = talks.start_plan(jordan, "asking-for-a-chance", with_sam.id)
    talks.save_plan(held, jordan, _("Asking Sam for a chance"), dict(held.answers), with_sam.id, False)
    talks.set_status(held, "held", today - timedelta(days=9), today=today)
    reflected = talks.start_plan(sam, "stating-a-boundary", with_sam.id)
    talks.save_plan(reflected, sam, _("Money boundary with Jordan"), dict(reflected.answers), with_sam.id, False)
    talks.set_status(reflected, "held", today - timedelta(days=20), today=today)
    talks.save_reflection(reflected, _("Calmer than I feared. I kept it short."),
                          _("Jordan listened and didn't argue."), _("Start earlier in the day, not after dinner."),
                          _("Look at the statements together on the 1st."))


def _boundaries(jordan: User, sam: User, pat: User) -> None:
    """Boundaries from both roles, answered and not, with a few events."""
    from datetime import timedelta

    from recovery.boundaries import services as b
    from recovery.boundaries.services import Words
    from recovery.timezones import local_today

    today = local_today(sam.timezone)
    home = b.create_boundary(sam, "substances", Words(
        _("If there is alcohol or drugs in our home"), _("I will ask you to take it out, and if it stays, "
                                                         "I will spend the night at my sister's."),
        _("I need our home to feel safe for me and the kids.")))
    money = b.create_boundary(sam, "money", Words(
        _("When you ask to borrow money"), _("I will say no for now, and I will help with a specific bill instead."),
        _("I need to rebuild our savings."), _("I'm asking you to show me the statements each month.")))
    b.acknowledge(home, jordan, "acknowledged")
    b.acknowledge(money, jordan, "acknowledged")
    # Sam revises the money boundary after Jordan read it, so Jordan is asked to read it again.
    b.revise(money, "money", Words(
        _("When you ask to borrow money"), _("I will say no for now. I'm glad to pay a specific bill with you."),
        _("I need to rebuild our savings."), _("I'm asking you to look at the statements with me each month.")))
    for days, kind, note in ((40, "crossed", _("A bottle was in the garage.")),
                             (38, "talked", _("We talked it through.")), (20, "respected", ""),
                             (6, "respected", _("Jordan brought soda to the party."))):
        b.log_event(home, sam if kind != "respected" or days > 10 else jordan, kind, today - timedelta(days=days),
                    note, today=today)
    parties = b.create_boundary(jordan, "time", Words(
        _("If I'm invited to an event where people will be drinking"), _("I will leave by 9 pm, or not go at all."),
        _("I need to protect my recovery, especially this first year.")))
    b.acknowledge(parties, sam, "acknowledged")
    b.log_event(parties, jordan, "respected", today - timedelta(days=6), _("Left the barbecue early."), today=today)
    b.create_boundary(jordan, "communication", Words(
        _("When someone asks about my cravings at the dinner table"),
        _("I will say I'd rather talk about it later, and I will bring it up with Sam that evening."),
        _("I need some privacy while I'm learning this.")))
    b.create_boundary(pat, "communication", Words(
        _("If you call me late at night after drinking"),
        _("I will not pick up, and I will call you back the next day."),
        _("I need my sleep, and I want to talk with you when you're sober.")))


def _amends(jordan: User, sam: User, pat: User, with_sam, with_pat) -> None:
    """Give Jordan an amends list across every stage, and Pat's "not yet"."""
    from datetime import timedelta

    from recovery.amends import services as amends
    from recovery.amends.services import EntryInput
    from recovery.tracker.commitments import today_for
    from recovery.tracker.models import Commitment

    today = today_for(jordan)

    def entry(name, connection, rel, what, impact, part, kind, willing, status, reason="", planned=None):
        return amends.create_entry(jordan, EntryInput(name, connection.id if connection else None, rel, what, impact,
                                                      part, kind, willing, status, reason, planned), today=today)

    to_sam = entry("Sam", with_sam, _("my partner"), _("I lied about where the money went for most of last year."),
                   _("Sam stopped trusting what I said, and we argued about bills all the time."),
                   _("I hid the bank statements and blamed Sam's spending."), "direct", "ready", "made")
    amends.save_safety(to_sam, {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False,
                                "safety_for_me": False})
    for step in to_sam.steps:
        step.done = True
    amends.add_step(to_sam, _("Show Sam every statement since January")).done = True
    amends.save_reflection(to_sam, _("Hard. Sam cried, then thanked me for not making excuses."),
                           _("Sam said they need time, and to see it in how I act."),
                           _("Saying it without 'but' mattered more than I expected."),
                           _("Keep the bills open on the table every month."), share=True)
    to_mum = entry(_("Mum"), with_pat, _("my mother"), _("I missed Dad's 60th and didn't call for weeks."),
                   _("She felt I'd stopped caring about the family."), _("I chose drinking over showing up."),
                   "direct", "willing", "planned", planned=today + timedelta(days=12))
    amends.save_safety(to_mum, {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False,
                                "safety_for_me": None})
    entry("Alex", None, _("my old flatmate"), _("I took money from the rent jar twice."), _("Alex had to cover it."),
          _("I took it and said nothing."), "indirect", "willing", "willing")
    riley = entry("Riley", None, _("my sister"), _("I wasn't there for her when she needed me."),
                  _("She learned not to count on me."), _("I kept promising and not showing up."), "living", "ready",
                  "ongoing")
    db.session.query(Commitment).filter(Commitment.owner_id == jordan.id,
                                        Commitment.title == _("Call Mum on Sundays")).update({"amends_id": riley.id})
    entry(_("My old boss"), None, "", _("I came to work hungover and lied about it."), "", "", "undecided",
          "not_yet", "listed")
    entry("Chris", None, _("an old friend"), _("I said cruel things at a party."), "", _("My words, my choices."),
          "indirect", "willing", "not_possible", reason=_("Chris has asked me not to contact them."))
    amends.set_openness(pat, jordan.id, "not_yet", _("Maybe after the holidays. In writing first, please."))


def _tracker_history(jordan: User, sam: User, pat: User, with_sam, with_pat) -> None:
    """Give Jordan about 100 days of honest history: misses early on, a setback, then steadier weeks."""
    from datetime import timedelta

    from recovery.tracker import commitments, journey
    from recovery.tracker.commitments import ScheduleInput
    from recovery.tracker.models import DAILY, WEEKDAYS, WEEKLY, CheckIn, Confirmation, SmallWin
    from recovery.trust.models import TrustCheckIn

    rng = random.Random(2024)
    today = commitments.today_for(jordan)
    setback_day = today - timedelta(days=47)
    jordan.recovery_start = today - timedelta(days=120)
    journey.log_setback(jordan, setback_day, _("I had drinks at a work party and hid it for a day."),
                        _("I told Sam the next morning, went to a meeting that night, and called my sponsor."),
                        shared=True, today=today)

    def make(title, why, schedule, days_ago, **kwargs):
        start = today - timedelta(days=days_ago)
        return commitments.create_commitment(jordan, title, why, schedule, start, today=start, **kwargs)

    home = make(_("Home by 10 pm"), _("So Sam doesn't lie awake wondering."), ScheduleInput(DAILY), 100)
    mum = make(_("Call Mum on Sundays"), _("She worries when she doesn't hear from me."),
               ScheduleInput(WEEKDAYS, weekdays=frozenset({6})), 98, connection_id=with_pat.id)
    meetings = make(_("Go to a meeting"), "", ScheduleInput(WEEKLY, times_per_week=3), 95)
    journal = make(_("Journal before bed"), "", ScheduleInput(DAILY), 60, private=True)

    notes = {"missed": [_("Stayed out late. I'm not proud of it."), _("Forgot, then felt too ashamed to check in."),
                        _("Hard day. Tomorrow I'll text Sam if I'm running late.")],
             "partly": [_("Home at 10:40, but I texted first."), _("Called, but only for a few minutes.")],
             "kept": ["", "", "", _("Felt good to walk in on time."), _("Sam smiled when I got home.")]}

    def chance_kept(days_ago: int) -> float:
        # Rough early on, a dip around the setback, steadier lately.
        if abs(days_ago - 47) <= 4:
            return 0.45
        return 0.6 + 0.35 * (100 - days_ago) / 100

    rows = []
    for c in (home, mum, meetings, journal):
        week_count = {}
        for days_ago in range((today - c.start_date).days, 0, -1):
            day = today - timedelta(days=days_ago)
            if not commitments.is_due(c, day):
                continue
            if c is meetings:
                week = day.isocalendar()[:2]
                if week_count.get(week, 0) >= 3 or rng.random() > 0.5:
                    continue
                week_count[week] = week_count.get(week, 0) + 1
                status = "kept"
            else:
                roll = rng.random()
                p = chance_kept(days_ago)
                status = "kept" if roll < p else ("partly" if roll < p + 0.12 else "missed")
                if rng.random() < 0.05 and days_ago > 10:
                    continue  # a day never checked in: it counts as missed
            rows.append(CheckIn(commitment_id=c.id, local_date=day, status=status, note=rng.choice(notes[status])))
    db.session.add_all(rows)
    db.session.flush()

    # Sam confirms many recent "home by 10" days, and says so when they didn't see one.
    for checkin in rows:
        if checkin.commitment_id == home.id and checkin.status == "kept" and (today - checkin.local_date).days <= 30:
            if rng.random() < 0.6:
                verdict = "saw" if rng.random() < 0.9 else "not_seen"
                db.session.add(Confirmation(checkin_id=checkin.id, confirmer_id=sam.id, verdict=verdict,
                                            note=rng.choice(["", "", _("Thank you."), _("I noticed.")])))
    for days_ago, text in ((2, _("Cooked dinner for all of us.")), (6, _("Asked for help instead of hiding.")),
                           (13, _("Went to the early meeting in the rain.")), (30, _("Paid back the first $50."))):
        db.session.add(SmallWin(owner_id=jordan.id, local_date=today - timedelta(days=days_ago), text=text))

    # Sam's trust, week by week: low at first, a dip after the setback, rising since.
    sam_today = commitments.today_for(sam)
    for week in range(13, -1, -1):
        base = 2.6 + (13 - week) * 0.22 - (0.8 if week in (6, 7) else 0)
        values = [max(1, min(7, round(base + rng.uniform(-0.5, 0.5)))) for __ in range(3)]
        db.session.add(TrustCheckIn(owner_id=sam.id, person_id=jordan.id,
                                    local_date=sam_today - timedelta(days=7 * week + 1),
                                    predictability=values[0], dependability=values[1], faith=values[2],
                                    note=_("After the party I felt thrown back to the start.") if week == 7 else ""))
    pat_today = commitments.today_for(pat)
    for week, values in ((3, (2, 3, 3)), (2, (3, 3, 3)), (1, (3, 3, 4))):
        db.session.add(TrustCheckIn(owner_id=pat.id, person_id=jordan.id,
                                    local_date=pat_today - timedelta(days=7 * week), predictability=values[0],
                                    dependability=values[1], faith=values[2], note=""))
    db.session.flush()
