"""Looking after me, the rules: weekly checks, their reading and chart, the worksheets and their safety gate."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from recovery.db import db
from recovery.errors import NotFound, Refused
from recovery.wellbeing import services
from recovery.wellbeing.chart import HEIGHT, build_chart, y_for
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK, WellbeingCheck, Worksheet
from tests.queries import captured_statements, selects
from tests.wellbeing.helpers import SAFE_ANSWERS, add_check, count_checks, count_worksheets, scores

DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def sam(make_user):
    return make_user("loved_one", name="Sam")


def _check(day: date, *answers: int) -> WellbeingCheck:
    """A check as the reading sees it (not saved)."""
    return WellbeingCheck(owner_id=0, local_date=day, note="", **scores(*answers))


# --- Recording ------------------------------------------------------------------------------------------


def test_a_check_saves_eight_answers_and_a_note(app, sam):
    check = services.record_check(sam, scores(3, 4, 5, 6, 7, 8, 9, 10), "  A long week.  ", today=DAY)
    db.session.commit()
    assert (check.owner_id, check.local_date, check.note) == (sam.id, DAY, "A long week.")
    assert check.scores == {"sleep": 3, "daily": 4, "friends": 5, "health": 6, "me_time": 7, "money": 8,
                            "feelings": 9, "relationship": 10}
    assert check.average == 6.5 and services.average(check) == Fraction(13, 2)


def test_a_second_check_in_the_same_week_is_refused_kindly_and_names_the_next_day(app, sam):
    services.record_check(sam, scores(5), today=DAY)
    for later in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=6)):
        with pytest.raises(Refused) as refused:
            services.record_check(sam, scores(7), today=later)
        assert "You already checked in on Monday 2 March" in refused.value.message
        assert "Your next one can be on Monday 9 March" in refused.value.message
    assert count_checks() == 1
    services.record_check(sam, scores(7), today=DAY + timedelta(days=7))
    assert count_checks() == 2


def test_the_week_is_counted_in_the_loved_ones_own_dates(app, make_user):
    """The rule uses the user's local date: the default `today` is today where they live."""
    sam = make_user("loved_one", timezone="Pacific/Kiritimati")
    check = services.record_check(sam, scores(5))
    assert check.local_date == services.today_for(sam)


@pytest.mark.parametrize("bad", [0, 11, -1, "5", "abc", None, True, 5.0])
def test_each_answer_must_be_a_whole_number_from_1_to_10(app, sam, bad):
    answers = {**scores(5), "money": bad}
    with pytest.raises(Refused) as refused:
        services.record_check(sam, answers, today=DAY)
    assert refused.value.field == "money" and "1 to 10" in refused.value.message
    assert count_checks() == 0


def test_a_missing_answer_or_no_answers_at_all_is_refused(app, sam):
    answers = scores(5)
    del answers["relationship"]
    with pytest.raises(Refused) as refused:
        services.record_check(sam, answers, today=DAY)
    assert refused.value.field == "relationship"
    with pytest.raises(Refused):
        services.record_check(sam, None, today=DAY)


@pytest.mark.parametrize(("note", "message"), [("x" * 1001, "1,000 characters"), ("a\x00b", "invisible"),
                                               (42, "plain text")])
def test_a_note_too_long_or_with_hidden_characters_is_refused(app, sam, note, message):
    with pytest.raises(Refused) as refused:
        services.record_check(sam, scores(5), note, today=DAY)
    assert refused.value.field == "note" and message in refused.value.message


def test_a_note_of_exactly_the_limit_with_line_breaks_is_kept(app, sam):
    note = ("line\n" * 200)[:1000]
    assert services.record_check(sam, scores(5), note, today=DAY).note == note.strip()


def test_a_person_in_recovery_has_no_wellbeing_checks(app, make_user):
    jordan = make_user("person")
    with pytest.raises(NotFound):
        services.record_check(jordan, scores(5), today=DAY)
    with pytest.raises(NotFound):
        services.wellbeing(jordan)
    assert not services.dashboard_summary(jordan).has_checks


# --- The reading ---------------------------------------------------------------------------------------------


def test_no_checks_read_nothing_and_one_check_is_the_first():
    assert services.reading([]).empty
    first = services.reading([_check(DAY, 6)])
    assert first.kind == "first" and first.headline == "Your first check: 6 out of 10 on average."
    assert "Next time, Mend will show you what changed." in first.sentences
    assert not first.rose and not first.fell and not first.needs_support


@pytest.mark.parametrize(("before", "after", "kind"), [
    ((5,), (5, 5, 5, 5, 5, 5, 5, 9), "up"),  # +4 over 8 parts: exactly half a point
    ((5,), (5, 5, 5, 5, 5, 5, 5, 8), "same"),  # +3/8: less than half a point
    ((5,), (5, 5, 5, 5, 5, 5, 5, 1), "down"),  # -4/8: exactly half a point down
    ((5,), (5, 5, 5, 5, 5, 5, 5, 2), "same"),
])
def test_the_overall_reading_moves_at_half_a_point_exactly(before, after, kind):
    reading = services.reading([_check(DAY, *before), _check(DAY + timedelta(days=7), *after)])
    assert reading.kind == kind


def test_parts_that_moved_by_two_points_are_named_kindly():
    before = _check(DAY, 5, 5, 5, 5, 5, 5, 5, 5)
    after = _check(DAY + timedelta(days=7), 7, 6, 5, 5, 3, 4, 5, 8)
    reading = services.reading([before, after])
    assert reading.rose == ("sleep", "relationship") and reading.fell == ("me_time",)
    assert "Since last time, sleep and the relationship went up." in reading.sentences
    assert any(s.startswith("Time for yourself went down. Be gentle with yourself") for s in reading.sentences)
    assert "Going well right now: the relationship." in reading.sentences
    assert any(s.startswith("Low right now: time for yourself.") for s in reading.sentences)
    assert reading.needs_support  # a part at 3 or less


def test_nothing_moved_is_said_plainly():
    reading = services.reading([_check(DAY, 5), _check(DAY + timedelta(days=7), 6)])
    assert reading.kind == "up" and reading.headline.startswith("A bit better than last time: 6 out of 10")
    assert "No part moved by more than a point since last time." in reading.sentences


@pytest.mark.parametrize(("answers", "support"), [((4,), True), ((5, 5, 5, 5, 4, 4, 4, 4), False),
                                                  ((3, 8, 8, 8, 8, 8, 8, 8), True), ((4, 4, 4, 4, 4, 4, 4, 5), False)])
def test_support_is_offered_when_a_part_is_low_or_the_average_is_4_or_less(answers, support):
    assert services.reading([_check(DAY, *answers)]).needs_support is support


def test_a_harder_week_is_named_without_blame():
    reading = services.reading([_check(DAY, 7), _check(DAY + timedelta(days=7), 5)])
    assert reading.kind == "down" and reading.headline == "A harder week than last time: 5 out of 10 on average."
    assert "That's worth noticing, and it isn't a failure." in reading.sentences
    words = " ".join(reading.sentences).lower()
    assert "fail " not in words and "should" not in words


def test_three_checks_or_more_say_where_the_average_went_over_the_last_eight():
    checks = [_check(DAY + timedelta(days=7 * i), 1 + i % 10) for i in range(10)]
    reading = services.reading(checks)
    assert "Over your last 8 checks, your average went from 3 to 10 out of 10." in reading.sentences
    assert not any("Over your last" in s for s in services.reading(checks[:2]).sentences)


def test_averages_are_written_plainly():
    assert services.number(Fraction(51, 8)) == "6.4" and services.number(Fraction(6)) == "6"


# --- The chart --------------------------------------------------------------------------------------------------


def test_the_chart_places_checks_by_date_on_a_1_to_10_scale():
    checks = [_check(DAY, 1), _check(DAY + timedelta(days=7), 10), _check(DAY + timedelta(days=28), 5)]
    chart = build_chart(checks, "c")
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs) and (xs[1] - xs[0]) * 3 == pytest.approx(xs[2] - xs[1], abs=0.2)  # by date, not by index
    assert [p.average for p in chart.points] == [1, 10, 5]
    assert chart.points[0].y == y_for(1) and chart.points[1].y == y_for(10) < chart.points[0].y
    assert [g.value for g in chart.gridlines] == list(range(1, 11))
    assert [label.text for label in chart.x_labels] == ["2 Mar", "30 Mar"]
    assert 0 < y_for(10) < y_for(1) < HEIGHT


def test_one_check_sits_in_the_middle_and_no_check_draws_nothing():
    assert build_chart([], "c").empty
    chart = build_chart([_check(DAY, 5)], "c")
    assert len(chart.points) == 1 and len(chart.x_labels) == 1 and chart.x_labels[0].anchor == "middle"


# --- Views and the home ----------------------------------------------------------------------------------------


def test_the_view_reads_newest_first_and_knows_when_the_next_check_is(app, sam):
    today = services.today_for(sam)
    for weeks in (3, 2, 1):
        add_check(sam, today - timedelta(days=7 * weeks), (2 + weeks,))
    view = services.wellbeing(sam)
    assert [c.local_date for c in view.checks] == [today - timedelta(days=7 * w) for w in (1, 2, 3)]
    assert view.can_check_in and view.next_date == today
    assert [r.scores for r in view.table][:1] == [(3, 4, 5)] and view.table[0].change == -1
    add_check(sam, today, (6,))
    view = services.wellbeing(sam)
    assert not view.can_check_in and view.next_date == today + timedelta(days=7)


def test_the_home_summary_reads_the_last_two_checks_in_one_query(app, sam):
    assert not services.dashboard_summary(sam).has_checks
    today = services.today_for(sam)
    for weeks in range(30, 0, -1):
        add_check(sam, today - timedelta(days=7 * weeks), (4,))
    add_check(sam, today - timedelta(days=3), (6,))
    db.session.expire_all()
    assert sam.timezone  # the user row, as the home has it already
    with captured_statements() as statements:
        summary = services.dashboard_summary(sam)
    assert len(selects(statements)) == 1
    assert summary.last_date == today - timedelta(days=3) and not summary.due
    assert summary.headline == "A bit better than last time: 6 out of 10 on average."


# --- Worksheets -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [GOOD_DAYS, PROBLEM_SOLVING])
def test_a_worksheet_keeps_only_its_own_boxes_and_gets_a_dated_name(app, sam, kind):
    first = services.WORKSHEETS[kind].parts[0].key
    sheet = services.create_worksheet(sam, kind, "", {first: "  My words  ", "not_a_box": "dropped"}, today=DAY)
    assert sheet.answers == {first: "My words"} and sheet.safe_on is None
    assert sheet.title == f"{services.WORKSHEETS[kind].name}, 2 March"


def test_an_empty_worksheet_is_not_saved(app, sam):
    with pytest.raises(Refused, match="at least one box"):
        services.create_worksheet(sam, GOOD_DAYS, "A name only", {"signs": "   "})
    assert count_worksheets() == 0


@pytest.mark.parametrize(("title", "answers", "field"), [
    ("x" * 121, {"problem": "ok"}, "title"),
    ("ok", {"problem": "x" * 2001}, "problem"),
    ("ok", {"ideas": "a\x07b"}, "ideas"),
    ("tab\there", {"problem": "ok"}, "title"),
])
def test_worksheet_words_too_long_or_with_hidden_characters_are_refused(app, sam, title, answers, field):
    with pytest.raises(Refused) as refused:
        services.create_worksheet(sam, PROBLEM_SOLVING, title, answers)
    assert refused.value.field == field
    assert count_worksheets() == 0


def test_an_unknown_kind_is_refused(app, sam):
    with pytest.raises(Refused):
        services.create_worksheet(sam, "anything", "", {"problem": "x"})


@pytest.mark.parametrize("question", list(services.SAFETY_QUESTIONS))
@pytest.mark.parametrize("answer", ["yes", "unsure", "", None, "No"])
def test_stepping_back_is_never_saved_unless_every_safety_answer_is_no(app, sam, question, answer):
    safety = {**SAFE_ANSWERS, question: answer}
    with pytest.raises(services.NotSafe):
        services.create_worksheet(sam, STEPPING_BACK, "", {"usual": "I pay their phone bill."}, safety)
    assert count_worksheets() == 0


def test_stepping_back_without_any_safety_answers_is_not_saved(app, sam):
    for safety in (None, {}, "no"):
        with pytest.raises(services.NotSafe):
            services.create_worksheet(sam, STEPPING_BACK, "", {"usual": "x"}, safety)


def test_stepping_back_with_every_answer_no_is_saved_with_the_day(app, sam):
    sheet = services.create_worksheet(sam, STEPPING_BACK, "Bills", {"step_back": "I won't pay it."}, SAFE_ANSWERS,
                                      today=DAY)
    assert sheet.safe_on == DAY and sheet.answers == {"step_back": "I won't pay it."}


def test_changing_stepping_back_asks_the_safety_questions_again(app, sam):
    sheet = services.create_worksheet(sam, STEPPING_BACK, "Bills", {"step_back": "I won't pay it."}, SAFE_ANSWERS,
                                      today=DAY)
    db.session.commit()
    with pytest.raises(services.NotSafe):
        services.update_worksheet(sheet, "Bills", {"step_back": "Changed"}, {**SAFE_ANSWERS, "child": "yes"})
    db.session.rollback()
    assert db.session.get(Worksheet, sheet.id).answers == {"step_back": "I won't pay it."}
    later = DAY + timedelta(days=3)
    services.update_worksheet(sheet, "", {"step_back": "Changed", "happened": "It went fine."}, SAFE_ANSWERS,
                              today=later)
    assert sheet.safe_on == later and sheet.answers["happened"] == "It went fine."
    assert sheet.title.startswith("Stepping back, ")


def test_worksheets_are_loaded_only_by_their_owner(app, sam, make_user):
    sheet = services.create_worksheet(sam, GOOD_DAYS, "", {"words": "Thanks for dinner."})
    pat = make_user("loved_one")
    with pytest.raises(NotFound):
        services.worksheet_of(pat, sheet.id)
    with pytest.raises(NotFound):
        services.worksheet_of(make_user("person"), sheet.id)
    assert services.worksheet_of(sam, sheet.id) is sheet
    assert services.worksheets_of(pat) == {GOOD_DAYS: [], STEPPING_BACK: [], PROBLEM_SOLVING: []}
    assert services.worksheets_of(sam)[GOOD_DAYS] == [sheet]


def test_a_deleted_worksheet_is_gone(app, sam):
    sheet = services.create_worksheet(sam, GOOD_DAYS, "", {"words": "Thanks for dinner."})
    services.delete_worksheet(sheet)
    assert count_worksheets() == 0
