"""Every main page costs the same number of queries with one person in the circle as with four.

For each role a family is built around one user (the person in recovery, or the loved one): N
connections, each sharing every area both ways, each with a few records of every kind (a commitment
with check-ins and confirmations, an amends entry with their answer, boundaries both ways with answers
and events, conversation plans both ways, trust check-ins, visits in the access log). Each page is
opened with N=1 and with N=4 and its SQL counted: the count must be the same for both (a count that
grows with the circle is an N+1 loop) and equal to the number pinned here, so a new query shows up
here first.

Each pin is (SELECTs, data statements): the data statements are SELECT, INSERT, UPDATE and DELETE, not
SAVEPOINT or COMMIT, so they say whether a reload writes (none does: the two numbers are equal). A commit
in the middle of a request expires what it had loaded, to be read again, so a change in where requests
commit can move the SELECTs: re-pin then, and 1 person must still cost what 4 do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.amends import services as amends
from recovery.amends.services import EntryInput
from recovery.boundaries import services as boundaries
from recovery.boundaries.services import Words
from recovery.circle import services as circle
from recovery.circle.models import AccessLogEntry, Connection
from recovery.circle.permissions import areas_for_role
from recovery.conversations import services as talks
from recovery.db import db, utcnow
from recovery.plan import services as hard_days
from recovery.plan.sections import BY_KEY as PLAN_SECTIONS
from recovery.tracker import commitments, journey
from recovery.tracker.commitments import ScheduleInput, today_for
from recovery.tracker.models import DAILY, CheckIn, Confirmation
from recovery.trust.models import TrustCheckIn
from tests import factories
from tests.forms import form_data
from tests.queries import captured_statements, selects

DATA = ("SELECT", "INSERT", "UPDATE", "DELETE")


@dataclass
class Family:
    """One user (`me`) and the N people in their circle, with the ids the pages need."""

    me: User
    connections: list[Connection] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)


def _pair(person: User, loved: User) -> dict[str, int]:
    """Connect a person and a loved one, share every area both ways, and give them a few records of each kind."""
    connection = factories.make_connection(
        person, loved, share={a.key for a in areas_for_role(PERSON)},
        loved_one_shares={a.key for a in areas_for_role(LOVED_ONE)})
    today = today_for(person)

    # Tracker: a daily commitment about this loved one, two weeks of check-ins (two days left open for
    # the "still to check in" list), some confirmed by the loved one; a shared setback and a small win.
    start = today - timedelta(days=14)
    commitment = commitments.create_commitment(person, f"Home by 10 pm for {loved.display_name}", "So no one waits up.",
                                               ScheduleInput(DAILY), start, connection_id=connection.id, today=start)
    checkins = [CheckIn(commitment_id=commitment.id, local_date=start + timedelta(days=i),
                        status="kept" if i % 4 else "missed", note="Made it." if i % 3 == 0 else "")
                for i in range(15) if i not in (11, 12)]
    db.session.add_all(checkins)
    db.session.flush()
    for checkin in checkins[-6::2]:
        if checkin.status == "kept":
            db.session.add(Confirmation(checkin_id=checkin.id, confirmer_id=loved.id, verdict="saw", note=""))
    journey.log_setback(person, today - timedelta(days=20), "A hard night.", "Called my sponsor.", shared=True,
                        today=today)
    journey.add_small_win(person, f"Cooked dinner with {loved.display_name}.", today=today)
    # The person's plan for hard days (one per person, shared with everyone above): a line and the note.
    hard_days.save_lines(person, PLAN_SECTIONS["warning-signs"], f"I stop calling {loved.display_name}.")
    hard_days.save_note(person, f"Call me, {loved.display_name}.")

    # Self-care: the loved one's own daily commitment, two weeks of check-ins, shared with the person.
    loved_start = today_for(loved) - timedelta(days=14)
    walk = commitments.create_commitment(loved, f"Walk, then call {person.display_name}", "Fresh air.",
                                         ScheduleInput(DAILY), loved_start, today=loved_start)
    db.session.add_all([CheckIn(commitment_id=walk.id, local_date=loved_start + timedelta(days=i),
                                status="kept" if i % 3 else "partly", note="By the river." if i % 5 == 0 else "")
                        for i in range(14)])

    # Amends: an entry about this loved one, the safety questions answered, and their answer.
    entry = amends.create_entry(person, EntryInput(
        loved.display_name, connection.id, "my partner", "I broke promises.", "They stopped counting on me.",
        "I chose drinking.", "direct", "willing", "planned", "", today + timedelta(days=10)), today=today)
    amends.save_safety(entry, {"safety_harm_them": False, "safety_harm_others": False,
                               "safety_no_contact": False, "safety_for_me": False})
    amends.set_openness(loved, person.id, "maybe_later", "After the holidays.")

    # Boundaries both ways, each answered by the other and with an event from each side.
    mine = boundaries.create_boundary(person, "time", Words("If I'm invited where people drink",
                                                            "I will leave by 9 pm.", "I need to protect my recovery."))
    theirs = boundaries.create_boundary(loved, "money", Words("When you ask to borrow money", "I will say no for now.",
                                                              "I need to rebuild our savings."))
    boundaries.acknowledge(mine, loved, "acknowledged")
    boundaries.acknowledge(theirs, person, "talk")
    for boundary in (mine, theirs):
        boundaries.log_event(boundary, person, "respected", today - timedelta(days=3), "", today=today)
        boundaries.log_event(boundary, loved, "talked", today - timedelta(days=5), "We talked.", today=today)

    # Conversation plans both ways, shared with each other; the person's is an amends talk.
    plan = talks.start_plan(person, "making-an-amends", connection.id, entry.id)
    talks.save_plan(plan, person, f"Amends to {loved.display_name}", dict(plan.answers), connection.id, True)
    their_plan = talks.start_plan(loved, "stating-a-boundary", connection.id, boundary_id=theirs.id)
    talks.save_plan(their_plan, loved, f"Money boundary with {person.display_name}", dict(their_plan.answers),
                    connection.id, True)

    # Trust check-ins, a week apart, and visits each way in the access log (older than a reload).
    loved_today = today_for(loved)
    db.session.add_all([TrustCheckIn(owner_id=loved.id, person_id=person.id,
                                     local_date=loved_today - timedelta(days=7 * week + 1),
                                     predictability=3 + week % 3, dependability=4, faith=3 + week % 2, note="")
                        for week in range(4)])
    earlier = utcnow() - timedelta(hours=2)
    db.session.add_all([AccessLogEntry(owner_id=person.id, viewer_id=loved.id, area=area, viewed_at=earlier)
                        for area in ("tracker", "boundaries", "amends")]
                       + [AccessLogEntry(owner_id=loved.id, viewer_id=person.id, area=area, viewed_at=earlier)
                          for area in ("boundaries", "trust")])
    db.session.commit()
    return {"connection": connection.id, "commitment": commitment.id, "entry": entry.id,
            "person_boundary": mine.id, "loved_boundary": theirs.id, "person_plan": plan.id,
            "loved_plan": their_plan.id, "person": person.id, "loved": loved.id, "self_care": walk.id}


def family(role: str, n: int) -> Family:
    """A user in `role` connected to `n` people of the other role; the ids are those of the first connection."""
    me = factories.make_user(role)
    found = Family(me)
    for _ in range(n):
        other = factories.make_user(LOVED_ONE if role == PERSON else PERSON)
        ids = _pair(me, other) if role == PERSON else _pair(other, me)
        found.ids = found.ids or ids
        found.connections.append(db.session.get(Connection, ids["connection"]))
    return found


# role -> page -> its address, from the family's first connection.
PAGES = {
    PERSON: {
        "home": lambda i: "/home",
        "tracker overview": lambda i: "/tracker/",
        "today": lambda i: "/tracker/today",
        "commitment": lambda i: f"/tracker/commitments/{i['commitment']}",
        "journey": lambda i: "/tracker/journey",
        "boundaries": lambda i: "/boundaries/",
        "boundary": lambda i: f"/boundaries/{i['person_boundary']}",
        "shared boundary": lambda i: f"/boundaries/shared/{i['connection']}/{i['loved_boundary']}",
        "amends": lambda i: "/amends/",
        "amends entry": lambda i: f"/amends/{i['entry']}",
        "talks": lambda i: "/talk/",
        "plan": lambda i: f"/talk/plans/{i['person_plan']}",
        "shared plan": lambda i: f"/talk/shared/{i['connection']}/{i['loved_plan']}",
        "shared self-care commitment": lambda i: f"/tracker/shared/{i['connection']}/commitments/{i['self_care']}",
        "circle": lambda i: "/circle/",
        "access log": lambda i: "/circle/access-log",
        "settings": lambda i: "/settings",
        "plan for hard days": lambda i: "/plan/",
        **{f"shared {a.key}": (lambda key: lambda i: f"/circle/{i['connection']}/{key}")(a.key)
           for a in areas_for_role(LOVED_ONE)},
    },
    LOVED_ONE: {
        "home": lambda i: "/home",
        **{f"shared {a.key}": (lambda key: lambda i: f"/circle/{i['connection']}/{key}")(a.key)
           for a in areas_for_role(PERSON)},
        "shared commitment": lambda i: f"/tracker/shared/{i['connection']}/commitments/{i['commitment']}",
        "shared boundary": lambda i: f"/boundaries/shared/{i['connection']}/{i['person_boundary']}",
        "shared plan": lambda i: f"/talk/shared/{i['connection']}/{i['person_plan']}",
        # The "shared plan" above is a talk; the person's plan for hard days is read here.
        "shared plan for hard days": lambda i: f"/circle/{i['connection']}/plan",
        "boundaries": lambda i: "/boundaries/",
        "boundary": lambda i: f"/boundaries/{i['loved_boundary']}",
        "talks": lambda i: "/talk/",
        "plan": lambda i: f"/talk/plans/{i['loved_plan']}",
        "trust": lambda i: "/trust/",
        "trust history": lambda i: f"/trust/{i['person']}",
        "openness": lambda i: f"/amends/openness/{i['person']}",
        "self-care overview": lambda i: "/tracker/",
        "self-care today": lambda i: "/tracker/today",
        "self-care commitment": lambda i: f"/tracker/commitments/{i['self_care']}",
        "circle": lambda i: "/circle/",
        "access log": lambda i: "/circle/access-log",
        "settings": lambda i: "/settings",
    },
}

# (SELECTs, data statements) of the second visit to each page: the same with 1 person as with 4.
# A page opening someone's area through the door loads the connection with both members in one query.
PINNED: dict[tuple[str, str], tuple[int, int]] = {
    # + today's moments (tracker/celebrations.py): first weeks kept (the commitments come from the page's own
    # load), each loved one's first "I saw this", my boundaries heard (boundaries.heard_since)
    (PERSON, "home"): (16, 16),  # the path's counts (amends, boundaries, plans) in one statement
    (PERSON, "tracker overview"): (4, 4),
    (PERSON, "today"): (4, 4),
    (PERSON, "commitment"): (7, 7),
    (PERSON, "journey"): (4, 4),
    (PERSON, "boundaries"): (14, 14),
    (PERSON, "boundary"): (8, 8),
    (PERSON, "shared boundary"): (10, 10),
    (PERSON, "amends"): (5, 5),
    (PERSON, "amends entry"): (7, 7),
    (PERSON, "talks"): (5, 5),
    (PERSON, "plan"): (4, 4),
    (PERSON, "shared plan"): (5, 5),
    (PERSON, "circle"): (4, 4),
    (PERSON, "access log"): (2, 2),
    (PERSON, "settings"): (1, 1),
    # + who can read it: my connections and what I share with each
    (PERSON, "plan for hard days"): (4, 4),
    (PERSON, "shared boundaries"): (8, 8),
    (PERSON, "shared conversations"): (5, 5),
    (PERSON, "shared trust"): (6, 6),
    # A loved one's shared self-care, read-only like their other areas (no "I saw this" to load).
    (PERSON, "shared self_care"): (7, 7),
    (PERSON, "shared self-care commitment"): (10, 10),
    # + "Waiting for you": shared boundaries, their words, my answers to them; + my boundaries heard today
    # + my own wellbeing: the last two checks, for "How you're doing" ("Looking after me")
    (LOVED_ONE, "home"): (22, 22),  # + their self-care today (two queries)
    (LOVED_ONE, "shared tracker"): (9, 9),
    (LOVED_ONE, "shared amends"): (7, 7),
    (LOVED_ONE, "shared boundaries"): (8, 8),
    (LOVED_ONE, "shared conversations"): (5, 5),
    (LOVED_ONE, "shared milestones"): (7, 7),
    (LOVED_ONE, "shared commitment"): (10, 10),
    (LOVED_ONE, "shared boundary"): (10, 10),
    (LOVED_ONE, "shared plan"): (5, 5),
    (LOVED_ONE, "shared plan for hard days"): (5, 5),
    (LOVED_ONE, "boundaries"): (14, 14),
    (LOVED_ONE, "boundary"): (8, 8),
    (LOVED_ONE, "talks"): (3, 3),
    (LOVED_ONE, "plan"): (3, 3),
    (LOVED_ONE, "trust"): (4, 4),
    (LOVED_ONE, "trust history"): (5, 5),
    (LOVED_ONE, "openness"): (3, 3),
    # A loved one's own self-care: the person's tracker pages, on the loved one's commitments.
    (LOVED_ONE, "self-care overview"): (4, 4),
    (LOVED_ONE, "self-care today"): (4, 4),
    (LOVED_ONE, "self-care commitment"): (7, 7),
    (LOVED_ONE, "circle"): (4, 4),
    (LOVED_ONE, "access log"): (2, 2),
    (LOVED_ONE, "settings"): (1, 1),
}

# Pages that show something of everyone in the circle: with 4 people, each of them is named on the page,
# so the same count really covers four people's records (not one person's, or none).
SHOWS_EVERYONE = {
    PERSON: {"home", "tracker overview", "today", "journey", "boundaries", "amends", "talks", "circle",
             "access log", "plan for hard days"},
    LOVED_ONE: {"home", "boundaries", "talks", "trust", "circle", "access log"},
}


def _log_in(app, user: User):
    """A client logged in as the user through the login page's own form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data=form_data(page, action="/login", email=user.email,
                                                    password=factories.PASSWORD))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def _second_visit(client, url: str) -> tuple[tuple[int, int], str]:
    """(SELECTs, data statements) of a page's second visit, and the page.

    The first visit is a warm-up: it may write what a reload does not (the session's last-seen time,
    a new visit in the owner's access log, the tracker's saved progress) and compiles templates. The
    second, right after, is what a person reloading or coming back costs, and is the one counted.
    """
    assert client.get(url).status_code == 200, url
    with captured_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    data = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in DATA]
    return (len(selects(statements)), len(data)), response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "page"), [(role, page) for role, pages in PAGES.items() for page in pages])
def test_page_costs_the_same_with_one_or_four_people(app, role, page):
    """The page's queries are pinned, and the same with 1 person in the circle as with 4."""
    counts = {}
    for n in (1, 4):
        found = family(role, n)
        counts[n], html = _second_visit(_log_in(app, found.me), PAGES[role][page](found.ids))
        if page in SHOWS_EVERYONE[role]:
            missing = [c.other(found.me.id).display_name for c in found.connections
                       if c.other(found.me.id).display_name not in html]
            assert not missing, f"{role} {page} with {n}: nothing shown of {missing}"
    assert counts[4] == counts[1], f"{role} {page}: {counts[1]} with 1 person, {counts[4]} with 4"
    assert counts[1] == PINNED[(role, page)], f"{role} {page}: now {counts[1]}"


def test_every_page_is_pinned():
    """No pinned number is left over from a page that is no longer tested."""
    assert set(PINNED) == {(role, page) for role, pages in PAGES.items() for page in pages}


def test_the_talks_list_decides_contact_as_each_plan_does(app):
    """The Talks list decides every plan for contact in a few queries, and says what each plan's own page says:
    their "no", a court order, a pause, "not yet", an ended connection, or nothing in the way."""
    person = factories.make_user(PERSON)
    loved = [factories.make_user(LOVED_ONE) for _ in range(6)]
    connections = [factories.make_connection(person, someone) for someone in loved]
    safe = {"safety_harm_them": False, "safety_harm_others": False, "safety_no_contact": False,
            "safety_for_me": False}

    def entry(name: str, connection: Connection | None = None):
        made = amends.create_entry(person, EntryInput(
            name, connection.id if connection else None, "", "I let them down.", "", "", "direct", "willing",
            "listed", "", None), today=today_for(person))
        amends.save_safety(made, safe)
        return made

    entries = [entry("Ana", connections[0]), entry("Ben", connections[1]), entry("Cleo")]
    plans = [talks.start_plan(person, "making-an-amends", amends_id=e.id) for e in entries]
    plans += [talks.start_plan(person, "making-an-amends", connection_id=c.id) for c in connections[2:]]
    plans.append(talks.start_plan(person, "asking-for-a-chance", connection_id=connections[0].id))
    amends.set_openness(loved[0], person.id, "no", "")
    amends.save_safety(entries[1], {**safe, "safety_no_contact": True})
    amends.set_openness(loved[2], person.id, "yes", "")
    amends.set_openness(loved[3], person.id, "no", "")
    circle.pause_connection(loved[3], connections[3])
    amends.set_openness(loved[4], person.id, "not_yet", "")
    amends.set_openness(loved[5], person.id, "no", "")
    circle.end_connection(person, connections[5])
    db.session.commit()

    one_by_one = {p.id: talks.plan_contact(p) for p in plans}
    assert {advice.reason for advice in one_by_one.values()} == {"declined", "no_contact", "paused", "not_yet", ""}
    db.session.refresh(person)
    with captured_statements() as statements:
        together = talks.contact_by_plan(person, plans)
    assert together == one_by_one
    assert len(selects(statements)) == 3
