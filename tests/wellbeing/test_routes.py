"""Looking after me over HTTP: the check form filled from its page, the reading, the worksheets, the safety gate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery.circle.permissions import AREAS
from recovery.db import db
from recovery.helplines import COUNTRIES
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK, WellbeingCheck, Worksheet
from tests.conftest import row_counts
from tests.forms import choices_of, form_data
from tests.wellbeing.helpers import SAFE_ANSWERS, add_check, checked, count_checks, count_worksheets, text

PAGES = ["/looking-after-me/", "/looking-after-me/wellbeing", "/looking-after-me/wellbeing/new",
         "/looking-after-me/you-didnt-cause-it", "/looking-after-me/good-days/new",
         "/looking-after-me/stepping-back/new", "/looking-after-me/problem-solving/new"]


@pytest.fixture
def sam(make_user):
    return make_user("loved_one", name="Sam")


@pytest.fixture
def client(sam, as_user):
    return as_user(sam)


def _fill_check(page: str, answers: dict[str, str], note: str = "") -> dict:
    return form_data(page, **answers, note=note)


ALL_FIVES = {key: "5" for key in services.AREAS}


# --- Who may open these pages --------------------------------------------------------------------------------


def test_visitors_log_in_and_people_in_recovery_get_404(app, make_user, as_user, sam):
    anonymous = app.test_client()
    sheet = services.create_worksheet(sam, GOOD_DAYS, "", {"words": "Thanks."})
    db.session.commit()
    jordan = as_user(make_user("person"))
    for path in [*PAGES, f"/looking-after-me/worksheets/{sheet.id}", f"/looking-after-me/worksheets/{sheet.id}/edit",
                 f"/looking-after-me/worksheets/{sheet.id}/delete"]:
        resp = anonymous.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path
        assert jordan.get(path).status_code == 404, path
        assert jordan.post(path, data={}).status_code in (404, 405), path


def test_every_page_opens_for_a_loved_one_and_says_it_is_private(app, client):
    for path in PAGES:
        resp = client.get(path)
        assert resp.status_code == 200, path
    assert "Private to you." in text(client.get("/looking-after-me/"))
    assert "There's no way to share them" in text(client.get("/looking-after-me/wellbeing"))


def test_nothing_here_is_a_sharing_area(app):
    """The checks and worksheets are never shared: no area of the circle names them."""
    assert not [key for key in AREAS if "well" in key or "worksheet" in key or "after" in key]


def test_the_menu_offers_looking_after_me_to_loved_ones_only(app, client, make_user, as_user):
    assert 'href="/looking-after-me/"' in client.get("/home").get_data(as_text=True)
    assert "Looking after me" not in as_user(make_user("person")).get("/home").get_data(as_text=True)
    page = client.get("/looking-after-me/").get_data(as_text=True)
    assert re.search(r'href="/looking-after-me/" aria-current="page">Looking after me', page)


# --- The wellbeing check ------------------------------------------------------------------------------------


def test_the_form_asks_eight_parts_from_1_to_10_with_named_ends(app, client):
    page = text(client.get("/looking-after-me/wellbeing/new"))
    for key in services.AREAS:
        assert choices_of(page, key) == {str(n) for n in range(1, 11)}, key
        assert checked(page, key) == []
    assert page.count("1 = Very unhappy") == 8 and page.count("10 = Very happy") == 8
    for area in services.AREAS.values():
        assert area.name in page
    assert 'name="note"' in page and "Only you will see" in page


def test_a_check_filled_from_the_page_is_saved_and_read_back(app, client, sam):
    page = client.get("/looking-after-me/wellbeing/new").get_data(as_text=True)
    answers = {**ALL_FIVES, "sleep": "2", "friends": "9"}
    resp = client.post("/looking-after-me/wellbeing/new", data=_fill_check(page, answers, "A quiet week."))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/looking-after-me/wellbeing")
    check = db.session.scalar(sa.select(WellbeingCheck))
    assert (check.owner_id, check.sleep, check.friends, check.money, check.note) == (sam.id, 2, 9, 5, "A quiet week.")
    shown = text(client.get(resp.headers["Location"]))
    assert "Saved. Thank you for taking a moment for yourself." in shown
    assert "Your first check: 5.1 out of 10 on average." in shown
    assert "Low right now: sleep." in shown and "Going well right now: friends and fun." in shown
    assert "<svg" in shown and "Your wellbeing, check by check, as numbers" in shown  # chart and its table
    assert "A quiet week." in shown and "Part by part" in shown
    assert "You don't have to carry this alone" in shown  # a part at 3 or less: support is offered


def test_a_second_check_in_the_same_week_shows_the_next_day_and_is_refused(app, client, sam):
    today = services.today_for(sam)
    add_check(sam, today - timedelta(days=2), (5,))
    page = text(client.get("/looking-after-me/wellbeing/new"))
    assert f"Your next check is on {services.long_date(today + timedelta(days=5))}" in page
    assert 'name="sleep"' not in page
    resp = client.post("/looking-after-me/wellbeing/new", data={**ALL_FIVES, "note": "Another go"})
    body = text(resp)
    assert resp.status_code == 422 and count_checks() == 1
    assert f"Your next one can be on {services.long_date(today + timedelta(days=5))}" in body
    assert "Another go" in body and checked(body, "sleep") == ["5"]  # what was typed is kept


def test_after_a_week_the_next_check_is_open_again(app, client, sam):
    add_check(sam, services.today_for(sam) - timedelta(days=7), (4,))
    page = client.get("/looking-after-me/wellbeing/new").get_data(as_text=True)
    resp = client.post("/looking-after-me/wellbeing/new", data=_fill_check(page, {**ALL_FIVES, "money": "8"}))
    assert resp.status_code == 302 and count_checks() == 2
    shown = text(client.get("/looking-after-me/wellbeing"))
    assert "A bit better than last time" in shown and "Since last time, money went up." in shown


@pytest.mark.parametrize(("field", "value"), [("money", "0"), ("money", "11"), ("money", "abc"), ("money", " 5"),
                                              ("money", "")])
def test_an_answer_out_of_range_shows_the_form_again_with_a_clear_message(app, client, field, value):
    page = client.get("/looking-after-me/wellbeing/new").get_data(as_text=True)
    data = _fill_check(page, {k: v for k, v in ALL_FIVES.items() if k != field}, "Keep my words")
    data[field] = value  # what a hand-made request or an old page could send
    before = row_counts()
    resp = client.post("/looking-after-me/wellbeing/new", data=data)
    body = text(resp)
    assert resp.status_code == 422 and row_counts() == before
    assert "Please choose a number from 1 to 10." in body
    assert "Keep my words" in body and checked(body, "sleep") == ["5"]


def test_a_missing_answer_is_named_beside_its_question(app, client):
    page = client.get("/looking-after-me/wellbeing/new").get_data(as_text=True)
    answers = {k: v for k, v in ALL_FIVES.items() if k != "relationship"}
    resp = client.post("/looking-after-me/wellbeing/new", data=_fill_check(page, answers))
    body = text(resp)
    assert resp.status_code == 422 and count_checks() == 0
    assert re.search(r'id="relationship-error">Please choose a number from 1 to 10', body)
    assert body.count("Please choose a number from 1 to 10.") == 1


def test_a_note_too_long_is_refused_and_kept(app, client):
    page = client.get("/looking-after-me/wellbeing/new").get_data(as_text=True)
    long_note = "word " * 300
    resp = client.post("/looking-after-me/wellbeing/new", data=_fill_check(page, ALL_FIVES, long_note))
    body = text(resp)
    assert resp.status_code == 422 and count_checks() == 0
    assert "Please keep your note to 1,000 characters or fewer." in body and long_note.strip() in body


def test_low_checks_point_to_groups_and_the_crisis_line_of_the_users_country(app, make_user, as_user):
    sam = make_user("loved_one")
    sam.country = "GB"
    db.session.commit()
    add_check(sam, services.today_for(sam), (2,))
    body = text(as_user(sam).get("/looking-after-me/wellbeing"))
    assert "You don't have to carry this alone" in body
    assert "al-anonuk.org.uk" in body and "Nar-Anon" in body and "SMART" in body
    samaritans = COUNTRIES["GB"].crisis[0]
    assert str(samaritans.name) in body and samaritans.contacts[0].href in body
    assert "999" in body  # the emergency number, from helplines.py
    add_check(sam, services.today_for(sam) + timedelta(days=7), (7,))
    assert "You don't have to carry this alone" not in text(as_user(sam).get("/looking-after-me/wellbeing"))


# --- The loved one's home ------------------------------------------------------------------------------------


def test_home_invites_a_first_check_then_shows_the_last_one(app, client, sam):
    page = text(client.get("/home"))
    assert "How you're doing" in page and "Do your first check" in page
    assert 'href="/looking-after-me/wellbeing/new"' in page
    today = services.today_for(sam)
    add_check(sam, today - timedelta(days=9), (4,))
    add_check(sam, today - timedelta(days=2), (5,))
    page = text(client.get("/home"))
    assert "A bit better than last time: 5 out of 10 on average." in page
    assert f"Last check {(today - timedelta(days=2)).strftime('%a %-d %b')}" in page
    assert f"next on {(today + timedelta(days=5)).strftime('%a %-d %b')}" in page
    assert "Do your first check" not in page


def test_the_persons_home_shows_no_wellbeing(app, make_user, as_user):
    page = as_user(make_user("person")).get("/home").get_data(as_text=True)
    assert "How you're doing" not in page and "/looking-after-me/" not in page


# --- Worksheets ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "kind", "box"), [
    ("/looking-after-me/good-days/new", GOOD_DAYS, "words"),
    ("/looking-after-me/problem-solving/new", PROBLEM_SOLVING, "problem"),
])
def test_a_worksheet_filled_from_its_page_is_saved_listed_printed_and_changed(app, client, path, kind, box):
    page = client.get(path).get_data(as_text=True)
    for part in services.WORKSHEETS[kind].parts:
        assert f'name="{part.key}"' in page and part.label in text(client.get(path))
    resp = client.post(path, data=form_data(page, **{box: "My own words"}, title="Mine"))
    assert resp.status_code == 302
    sheet = db.session.scalar(sa.select(Worksheet))
    assert (sheet.kind, sheet.title, sheet.answers) == (kind, "Mine", {box: "My own words"})
    assert resp.headers["Location"].endswith(f"/looking-after-me/worksheets/{sheet.id}")
    shown = text(client.get(resp.headers["Location"]))
    assert "My own words" in shown and "Not filled in yet." in shown and "plan-page" in shown  # printable
    assert "Mine" in text(client.get("/looking-after-me/"))
    edit = client.get(f"/looking-after-me/worksheets/{sheet.id}/edit").get_data(as_text=True)
    assert "My own words" in edit
    resp = client.post(f"/looking-after-me/worksheets/{sheet.id}/edit",
                       data=form_data(edit, **{box: "Changed words"}))
    assert resp.status_code == 302 and db.session.get(Worksheet, sheet.id).answers == {box: "Changed words"}


def test_an_empty_worksheet_shows_the_form_again(app, client):
    page = client.get("/looking-after-me/good-days/new").get_data(as_text=True)
    resp = client.post("/looking-after-me/good-days/new", data=form_data(page, title="Only a name"))
    body = text(resp)
    assert resp.status_code == 422 and count_worksheets() == 0
    assert "at least one box" in body and 'value="Only a name"' in body


def test_a_box_too_long_is_refused_and_what_was_typed_is_kept(app, client):
    page = client.get("/looking-after-me/problem-solving/new").get_data(as_text=True)
    resp = client.post("/looking-after-me/problem-solving/new",
                       data=form_data(page, problem="x" * 2001, ideas="Keep these ideas"))
    body = text(resp)
    assert resp.status_code == 422 and count_worksheets() == 0
    assert "Please keep each box to 2,000 characters or fewer." in body and "Keep these ideas" in body


def test_a_worksheet_is_deleted_after_asking(app, client, sam):
    sheet = services.create_worksheet(sam, GOOD_DAYS, "", {"words": "Thanks."})
    db.session.commit()
    page = client.get(f"/looking-after-me/worksheets/{sheet.id}/delete").get_data(as_text=True)
    assert "can't be undone" in text(client.get(f"/looking-after-me/worksheets/{sheet.id}/delete"))
    resp = client.post(f"/looking-after-me/worksheets/{sheet.id}/delete",
                       data=form_data(page, action=f"/looking-after-me/worksheets/{sheet.id}/delete"))
    assert resp.status_code == 302 and count_worksheets() == 0


# --- Stepping back: safety first -----------------------------------------------------------------------------


def _safety_page(client, path="/looking-after-me/stepping-back/new") -> str:
    return client.get(path).get_data(as_text=True)


def test_stepping_back_asks_the_safety_questions_first_and_nothing_else(app, client):
    page = _safety_page(client)
    for key, question in services.SAFETY_QUESTIONS.items():
        assert choices_of(page, key) == {"no", "yes", "unsure"}, key
        assert question in text(client.get("/looking-after-me/stepping-back/new"))
    for part in services.WORKSHEETS[STEPPING_BACK].parts:
        assert f'name="{part.key}"' not in page
    words = text(client.get("/looking-after-me/stepping-back/new"))
    for risk in ("danger", "overdose", "violence", "driving", "child"):
        assert risk in words


@pytest.mark.parametrize("question", list(services.SAFETY_QUESTIONS))
@pytest.mark.parametrize("answer", ["yes", "unsure"])
def test_any_danger_answer_stops_the_worksheet_and_shows_help(app, client, question, answer):
    page = _safety_page(client)
    before = row_counts()
    resp = client.post("/looking-after-me/stepping-back/new",
                       data=form_data(page, **{**SAFE_ANSWERS, question: answer}))
    body = text(resp)
    assert resp.status_code == 200 and row_counts() == before
    assert "Please don't step back this time" in body and "Nothing was saved." in body
    assert 'href="tel:911"' in body  # the emergency number of the user's country (helplines.py; US by default)
    assert "/help/overdose" in body and "Al-Anon" in body
    for part in services.WORKSHEETS[STEPPING_BACK].parts:
        assert f'name="{part.key}"' not in body  # the rest of the worksheet is not offered


def test_the_danger_page_follows_the_users_country(app, make_user, as_user):
    sam = make_user("loved_one")
    sam.country = "AU"
    db.session.commit()
    client = as_user(sam)
    resp = client.post("/looking-after-me/stepping-back/new",
                       data=form_data(_safety_page(client), **{**SAFE_ANSWERS, "driving": "yes"}))
    body = text(resp)
    assert 'href="tel:000"' in body and "Lifeline" in body and "al-anon.org.au" in body


def test_an_unanswered_safety_question_is_asked_again(app, client):
    page = _safety_page(client)
    answers = {k: v for k, v in SAFE_ANSWERS.items() if k != "child"}
    resp = client.post("/looking-after-me/stepping-back/new", data=form_data(page, **answers))
    body = text(resp)
    assert resp.status_code == 422 and "Please answer this question: yes, no or not sure." in body
    assert checked(body, "danger") == ["no"] and 'name="usual"' not in body


def test_all_no_opens_the_worksheet_and_it_saves_with_the_answers(app, client, sam):
    page = _safety_page(client)
    resp = client.post("/looking-after-me/stepping-back/new", data=form_data(page, **SAFE_ANSWERS))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and count_worksheets() == 0
    assert 'name="usual"' in body and "You said no one is in danger." in text(resp)
    assert re.search(r'<input type="hidden" name="stage" value="worksheet">', body)
    for key in services.SAFETY_QUESTIONS:
        assert f'<input type="hidden" name="{key}" value="no">' in body
    resp = client.post("/looking-after-me/stepping-back/new",
                       data=form_data(body, step_back="I won't call their work.", title="Work calls"))
    assert resp.status_code == 302
    sheet = db.session.scalar(sa.select(Worksheet))
    assert (sheet.kind, sheet.title, sheet.answers) == (STEPPING_BACK, "Work calls",
                                                         {"step_back": "I won't call their work."})
    assert sheet.safe_on == services.today_for(sam)
    shown = text(client.get(resp.headers["Location"]))
    assert "you said no one was in danger" in shown and "If that changes, don't step back" in shown


def test_a_danger_answer_slipped_into_the_worksheet_page_saves_nothing(app, client):
    page = client.post("/looking-after-me/stepping-back/new",
                       data=form_data(_safety_page(client), **SAFE_ANSWERS)).get_data(as_text=True)
    data = form_data(page, usual="I pay the fines.")
    data["overdose"] = ["unsure"]
    resp = client.post("/looking-after-me/stepping-back/new", data=data)
    assert "Please don't step back this time" in text(resp) and count_worksheets() == 0


def test_the_worksheet_page_with_bad_words_keeps_them_and_the_safety_answers(app, client):
    page = client.post("/looking-after-me/stepping-back/new",
                       data=form_data(_safety_page(client), **SAFE_ANSWERS)).get_data(as_text=True)
    resp = client.post("/looking-after-me/stepping-back/new", data=form_data(page, usual="x" * 2001, say="Kept"))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count_worksheets() == 0
    assert "Kept" in body and '<input type="hidden" name="danger" value="no">' in body


def test_changing_stepping_back_asks_the_safety_questions_again(app, client, sam):
    sheet = services.create_worksheet(sam, STEPPING_BACK, "Bills", {"usual": "I pay the phone bill."}, SAFE_ANSWERS)
    db.session.commit()
    path = f"/looking-after-me/worksheets/{sheet.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'name="usual"' not in page and choices_of(page, "danger") == {"no", "yes", "unsure"}
    resp = client.post(path, data=form_data(page, **{**SAFE_ANSWERS, "violence": "yes"}))
    assert "Please don't step back this time" in text(resp)
    page = client.post(path, data=form_data(page, **SAFE_ANSWERS)).get_data(as_text=True)
    assert "I pay the phone bill." in page  # the saved words come back on the worksheet page
    resp = client.post(path, data=form_data(page, happened="They paid it themselves."))
    assert resp.status_code == 302
    assert db.session.get(Worksheet, sheet.id).answers == {"usual": "I pay the phone bill.",
                                                          "happened": "They paid it themselves."}


# --- You didn't cause it ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "finder"), [("US", "al-anon.org/al-anon-meetings"), ("GB", "al-anonuk.org.uk"),
                                                 ("NZ", "al-anon.org.nz"), ("ZZ", "al-anon.org/al-anon-meetings")])
def test_you_didnt_cause_it_shows_the_groups_of_the_users_country(app, make_user, as_user, country, finder):
    sam = make_user("loved_one")
    sam.country = country
    db.session.commit()
    body = text(as_user(sam).get("/looking-after-me/you-didnt-cause-it"))
    assert "You didn't cause it" in body and "Guilt" in body and "Anger" in body
    assert finder in body
    for group in ("Al-Anon", "Nar-Anon", "Alateen", "SMART Recovery", "Family & Friends", "Family therapy"):
        assert group in body, group
