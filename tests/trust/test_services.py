"""Trust check-in rules without HTTP: weekly limit, 1-7 answers, who, the reading rule, chart and dashboard."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from types import SimpleNamespace

import pytest

from recovery.circle import services as circle
from recovery.db import db
from recovery.errors import Refused
from recovery.trust import services
from recovery.trust.chart import HEIGHT, build_chart, y_for
from tests.factories import door_pass
from tests.trust.helpers import add_checkin, count_checkins

MONDAY = date(2024, 6, 3)


@pytest.fixture
def pair(make_user, make_connection):
    """A person in recovery (Jordan) and a loved one (Sam) who supports them."""
    jordan = make_user("person", name="Jordan")
    sam = make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam)
    return jordan, sam, connection


def _series(*sums: int):
    """Fake check-ins whose three answers add up to each given sum (so the average is sum / 3)."""
    out = []
    for i, total in enumerate(sums):
        a = total // 3
        rest = total - 3 * a
        answers = [a + (1 if k < rest else 0) for k in range(3)]
        out.append(SimpleNamespace(local_date=MONDAY + timedelta(days=7 * i), predictability=answers[0],
                                   dependability=answers[1], faith=answers[2], average=total / 3))
    return out


# --- The weekly limit --------------------------------------------------------------------------


def test_one_checkin_per_seven_days_with_the_next_date_named(app, pair):
    """Day 6 after a check-in is refused with a kind message naming day 7; day 7 is accepted."""
    jordan, sam, _ = pair
    services.record_checkin(sam, jordan.id, 4, 5, 3, "first", today=MONDAY)
    db.session.commit()
    with pytest.raises(Refused) as refused:
        services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY + timedelta(days=6))
    assert "Monday 10 June" in refused.value.message and "Monday 3 June" in refused.value.message
    assert refused.value.field is None
    db.session.rollback()
    services.record_checkin(sam, jordan.id, 5, 5, 5, "", today=MONDAY + timedelta(days=7))
    db.session.commit()
    assert [c.local_date for c in services.history(sam, jordan.id)] == [MONDAY + timedelta(days=7), MONDAY]


def test_weekly_limit_counts_each_person_separately(app, pair, make_user, make_connection):
    """A check-in about one person doesn't use up the week for another person."""
    jordan, sam, _ = pair
    alex = make_user("person", name="Alex")
    make_connection(alex, sam)
    services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY)
    services.record_checkin(sam, alex.id, 2, 2, 2, "", today=MONDAY)
    db.session.commit()
    assert count_checkins() == 2


def test_weekly_limit_uses_the_loved_ones_local_date(app, make_user, make_connection, monkeypatch):
    """In Auckland (UTC+12) the 7 days are counted in local dates, not UTC dates."""
    jordan = make_user("person")
    sam = make_user("loved_one", timezone="Pacific/Auckland")
    make_connection(jordan, sam)

    def at(instant: datetime):
        monkeypatch.setattr("recovery.timezones.utcnow", lambda: instant)

    at(datetime(2024, 6, 2, 13, 0, tzinfo=UTC))  # Monday 3 June, 01:00 in Auckland
    checkin = services.record_checkin(sam, jordan.id, 4, 4, 4, "")
    assert checkin.local_date == date(2024, 6, 3)
    db.session.commit()
    # In UTC this is 9 June, 7 days after 2 June; in Auckland it is still Sunday 9 June: day 6.
    at(datetime(2024, 6, 9, 11, 0, tzinfo=UTC))
    with pytest.raises(Refused, match="Monday 10 June"):
        services.record_checkin(sam, jordan.id, 4, 4, 4, "")
    db.session.rollback()
    at(datetime(2024, 6, 9, 12, 0, tzinfo=UTC))  # Monday 10 June, 00:00 in Auckland: day 7
    assert services.record_checkin(sam, jordan.id, 4, 4, 4, "").local_date == date(2024, 6, 10)


def test_a_later_checkin_after_moving_west_is_still_refused(app, pair):
    """A 'today' earlier than the last check-in (after a time zone change) is refused, not double-counted."""
    jordan, sam, _ = pair
    services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY)
    with pytest.raises(Refused):
        services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY - timedelta(days=1))


# --- The answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 8, -1, "5", 5.0, True, None, 100])
@pytest.mark.parametrize("facet", ["predictability", "dependability", "faith"])
def test_each_answer_must_be_a_whole_number_from_1_to_7(app, pair, facet, bad):
    """0, 8, text, floats, booleans and None are refused beside the right question; nothing is saved."""
    jordan, sam, _ = pair
    answers = {"predictability": 4, "dependability": 4, "faith": 4, facet: bad}
    with pytest.raises(Refused) as refused:
        services.record_checkin(sam, jordan.id, note="", today=MONDAY, **answers)
    assert refused.value.field == facet and "1 to 7" in refused.value.message
    db.session.rollback()
    assert count_checkins() == 0


@pytest.mark.parametrize("value", [1, 7])
def test_both_ends_of_the_scale_are_accepted(app, pair, value):
    """1 and 7 are answers like any other."""
    jordan, sam, _ = pair
    checkin = services.record_checkin(sam, jordan.id, value, value, value, None, today=MONDAY)
    assert (checkin.predictability, checkin.dependability, checkin.faith, checkin.note) == (value, value, value, "")


def test_note_is_optional_trimmed_and_at_most_1000_characters(app, pair):
    """A 1,000-character note is kept; 1,001 characters or hidden control characters are refused."""
    jordan, sam, _ = pair
    for bad in ("x" * 1001, "a\x00b", "bell\x07"):
        with pytest.raises(Refused) as refused:
            services.record_checkin(sam, jordan.id, 4, 4, 4, bad, today=MONDAY)
        assert refused.value.field == "note"
        db.session.rollback()
    checkin = services.record_checkin(sam, jordan.id, 4, 4, 4, "  " + "y" * 1000 + "\n", today=MONDAY)
    assert checkin.note == "y" * 1000


# --- Who a loved one may check in about ---------------------------------------------------------


def test_only_a_connected_loved_one_may_check_in(app, pair, make_user):
    """Strangers, people in recovery and ids that aren't a connected person raise LookupError."""
    jordan, sam, _ = pair
    stranger_person = make_user("person")
    other_loved = make_user("loved_one")
    cases = [(sam, stranger_person.id), (sam, sam.id), (sam, other_loved.id), (sam, 999999),
             (other_loved, jordan.id), (jordan, jordan.id), (jordan, sam.id)]
    for user, person_id in cases:
        with pytest.raises(LookupError):
            services.record_checkin(user, person_id, 4, 4, 4, "", today=MONDAY)
        with pytest.raises(LookupError):
            services.history(user, person_id)
    assert count_checkins() == 0


def test_paused_connection_still_allows_checkins_but_ended_does_not(app, pair):
    """Pausing stops sharing, not the loved one's own notes; after an end, the person is no longer theirs to rate."""
    jordan, sam, connection = pair
    circle.pause_connection(jordan, connection)
    services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY)
    assert [c.person_id for c in services.people_i_support(sam)] == [jordan.id]
    circle.end_connection(sam, connection)
    db.session.commit()
    with pytest.raises(LookupError):
        services.record_checkin(sam, jordan.id, 4, 4, 4, "", today=MONDAY + timedelta(days=7))
    assert services.people_i_support(sam) == []


def test_people_i_support_lists_only_my_people(app, pair, make_user, make_connection):
    """A loved one's list has the people they support; a person in recovery has none."""
    jordan, sam, _ = pair
    alex = make_user("person", name="Alex")
    make_connection(alex, sam)
    make_connection(make_user("person"), make_user("loved_one"))  # someone else's circle
    assert {c.person.display_name for c in services.people_i_support(sam)} == {"Jordan", "Alex"}
    assert services.people_i_support(jordan) == []


def test_history_is_mine_about_that_person_newest_first(app, pair, make_user, make_connection):
    """History holds only the loved one's own check-ins about that one person, newest first, with a limit."""
    jordan, sam, _ = pair
    pat = make_user("loved_one")
    alex = make_user("person")
    make_connection(jordan, pat)
    make_connection(alex, sam)
    for week in range(4):
        add_checkin(sam, jordan, MONDAY + timedelta(weeks=week), note=f"sam-{week}")
    add_checkin(pat, jordan, MONDAY, note="pat")
    add_checkin(sam, alex, MONDAY, note="alex")
    assert [c.note for c in services.history(sam, jordan.id)] == ["sam-3", "sam-2", "sam-1", "sam-0"]
    assert [c.note for c in services.history(sam, jordan.id, limit=2)] == ["sam-3", "sam-2"]


# --- The reading rule -----------------------------------------------------------------------------


def _label(*sums: int) -> str:
    return services.reading(_series(*sums)).label


@pytest.mark.parametrize(("sums", "expected"), [
    ((), "too early to tell"),
    ((21,), "too early to tell"),
    ((3, 21), "too early to tell"),  # a big jump, but only two check-ins
    ((6, 9, 12), "rising"),  # averages 2, 3, 4
    ((12, 9, 6), "falling"),
    ((15, 15, 15), "persistently high"),  # exactly 5
    ((15, 15, 14), "holding steady"),  # slope -1/6, mean 4.89: just under high
    ((9, 9, 9), "persistently low"),  # exactly 3
    ((9, 9, 10), "holding steady"),  # slope +1/6, mean 3.11: just over low
    ((12, 12, 12), "holding steady"),
    ((12, 12, 12, 12, 14, 15), "rising"),  # slope exactly +0.2
    ((12, 12, 12, 12, 14, 14), "holding steady"),  # slope 0.152
    ((15, 14, 12, 12, 12, 12), "falling"),  # slope exactly -0.2
    ((14, 14, 12, 12, 12, 12), "holding steady"),  # slope -0.152
    ((3, 3, 18, 18, 18, 18, 18, 18, 18, 18), "persistently high"),  # the early lows are outside the last 8
    ((21, 21, 21, 21, 21, 21, 21, 21, 6, 6, 6), "falling"),
    ((6, 18, 6, 18, 6, 18, 6, 18), "holding steady"),  # up and down: slope 0.19, recent mean 4.67
    ((3, 3, 3, 3, 3, 3, 3, 6), "persistently low"),  # slope 0.083: one better week isn't a trend yet
])
def test_reading_rule_on_hand_made_series(sums, expected):
    """Each reading, and each threshold from both sides, on series whose slope and means are worked out by hand."""
    assert _label(*sums) == expected


def test_slope_is_exact_least_squares_per_checkin():
    """The slope is computed exactly, so 0.2 per check-in is 0.2 and not 0.19999."""
    values = [Fraction(k, 3) for k in (12, 12, 12, 12, 14, 15)]
    assert services.slope(values) == Fraction(1, 5)
    assert services.slope([Fraction(2), Fraction(3), Fraction(4)]) == 1
    assert services.slope([Fraction(5)]) == 0


def test_reading_ignores_the_days_between_checkins():
    """The rule counts check-ins, not days: the same answers a week or a month apart read the same."""
    weekly = _series(6, 9, 12)
    monthly = [SimpleNamespace(**{**vars(c), "local_date": MONDAY + timedelta(days=30 * i)})
               for i, c in enumerate(weekly)]
    assert services.reading(weekly).label == services.reading(monthly).label == "rising"


def test_every_reading_has_plain_explanations():
    """Each reading comes with a sentence for the loved one and one for the person, naming the loved one."""
    for label, (mine, theirs) in services.EXPLANATIONS.items():
        assert mine and "{name}" in theirs and label
    r = services.reading(_series(9, 9, 9))
    assert r.based_on == 3 and "stayed low" in r.explanation and r.key == "persistently-low"
    assert services.reading(_series(9)).based_on == 0
    assert services.reading(_series(*([12] * 12))).based_on == 8


# --- The chart ----------------------------------------------------------------------------------------


def test_chart_places_checkins_by_date_on_a_1_to_7_scale():
    """7 is at the top, 1 at the bottom; dots are spaced by date; a lone check-in sits in the middle."""
    assert y_for(7) < y_for(4) < y_for(1) < HEIGHT
    series = _series(3, 12, 21)
    series[2].local_date = series[1].local_date + timedelta(days=21)  # a long gap before the last one
    chart = build_chart(series, "c")
    xs = [p.x for p in chart.points]
    assert xs[0] < xs[1] < xs[2] and (xs[2] - xs[1]) == pytest.approx(3 * (xs[1] - xs[0]), abs=0.2)
    assert [p.y for p in chart.points] == [y_for(1), y_for(4), y_for(7)]
    assert [p.average for p in chart.points] == [1.0, 4.0, 7.0]
    assert len(chart.gridlines) == 7 and chart.line.count(",") == 3
    assert [label.anchor for label in chart.x_labels] == ["start", "end"]
    one = build_chart(_series(12), "one")
    assert len(one.points) == 1 and len(one.x_labels) == 1 and one.x_labels[0].anchor == "middle"
    assert build_chart([], "none").empty


def test_chart_labels_name_the_year_only_across_years():
    """Dates under the chart carry the year only when the check-ins span more than one year."""
    series = _series(12, 12)
    assert build_chart(series, "c").x_labels[0].text == "3 Jun"
    series[1].local_date = date(2025, 1, 6)
    assert build_chart(series, "c").x_labels[1].text == "6 Jan 2025"


# --- What the person sees, and the dashboard -----------------------------------------------------


def test_shared_trust_is_about_that_person_only(app, make_user, make_connection):
    """A loved one who supports two people shares with each only the check-ins about them."""
    jordan, alex = make_user("person", name="Jordan"), make_user("person", name="Alex")
    sam = make_user("loved_one", name="Sam")
    with_jordan = make_connection(jordan, sam, loved_one_shares={"trust"})
    with_alex = make_connection(alex, sam)
    add_checkin(sam, jordan, MONDAY, (6, 6, 6), note="about jordan")
    add_checkin(sam, alex, MONDAY, (2, 2, 2), note="about alex")
    shared = services.shared_trust_for(door_pass(jordan, with_jordan, "trust"))
    assert [c.note for c in shared.checkins] == ["about jordan"]
    assert shared.explanation.startswith("After three check-ins") and "Sam" in shared.explanation
    with pytest.raises(LookupError):
        services.shared_trust_for(door_pass(alex, with_alex, "trust"))  # not shared with Alex
    with pytest.raises(LookupError):
        services.shared_trust_for(door_pass(alex, with_jordan, "trust"))  # not Alex's connection
    with pytest.raises(LookupError):
        services.shared_trust_for(door_pass(sam, with_jordan, "trust"))  # the loved one isn't the one it is shared with


def test_dashboard_summary_says_who_is_due(app, pair, make_user, make_connection):
    """Per person: the last check-in date, and due after 7 days or when there is none yet."""
    jordan, sam, connection = pair
    alex = make_user("person", name="Alex")
    with_alex = make_connection(alex, sam)
    today = services.today_for(sam)
    add_checkin(sam, jordan, today - timedelta(days=6))
    add_checkin(sam, jordan, today - timedelta(days=20))
    summary = services.dashboard_summary(sam, [connection, with_alex])
    rows = {r.person.display_name: r for r in summary.rows}
    assert summary.total == 2
    assert (rows["Jordan"].last_date, rows["Jordan"].due) == (today - timedelta(days=6), False)
    assert rows["Jordan"].next_date == today + timedelta(days=1)
    assert (rows["Alex"].last_date, rows["Alex"].due) == (None, True)
    add_checkin(sam, alex, today - timedelta(days=7))
    assert {r.person.display_name: r.due for r in services.dashboard_summary(sam, [with_alex]).rows} == {"Alex": True}
    assert services.dashboard_summary(jordan, [connection]).total == 0
