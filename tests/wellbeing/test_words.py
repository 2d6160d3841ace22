"""Every "Looking after me" page reads plainly: grade 8 or below, no stigma words, no developer words, safe advice."""

from __future__ import annotations

import re

import pytest
import textstat

from recovery.db import db
from recovery.wellbeing import services
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK
from tests.conversations.test_guide_safety import (
    STIGMA_ALLOWED,
    STIGMA_WORDS,
    stigma_found,
    unsafe_consequence_sections,
)
from tests.forms import form_data
from tests.test_words import problems, visible_text
from tests.wellbeing.helpers import SAFE_ANSWERS, add_check


@pytest.fixture
def pages(app, make_user, as_user):
    """Every page of this part as a loved one with a history (low and high parts, one of each worksheet) sees it."""
    sam = make_user("loved_one", name="Sam")
    today = services.today_for(sam)
    add_check(sam, today - timedelta_days(14), (5, 6, 4, 5, 4, 3, 5, 6), "Two weeks ago.")
    add_check(sam, today - timedelta_days(7), (2, 6, 8, 5, 6, 3, 3, 6), "A week ago.")
    sheets = [services.create_worksheet(sam, GOOD_DAYS, "", {"words": "Thanks for dinner."}),
              services.create_worksheet(sam, STEPPING_BACK, "", {"usual": "I pay the bill."}, SAFE_ANSWERS),
              services.create_worksheet(sam, PROBLEM_SOLVING, "", {"problem": "Money fights."})]
    db.session.commit()
    client = as_user(sam)
    paths = ["/looking-after-me/", "/looking-after-me/wellbeing", "/looking-after-me/wellbeing/new",
             "/looking-after-me/you-didnt-cause-it", "/looking-after-me/good-days/new",
             "/looking-after-me/problem-solving/new", "/looking-after-me/stepping-back/new", "/home"]
    for s in sheets:
        paths += [f"/looking-after-me/worksheets/{s.id}", f"/looking-after-me/worksheets/{s.id}/edit",
                  f"/looking-after-me/worksheets/{s.id}/delete"]
    found = {}
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, path
        found[path] = resp.get_data(as_text=True)
    safety = found["/looking-after-me/stepping-back/new"]
    found["worksheet page"] = client.post("/looking-after-me/stepping-back/new",
                                          data=form_data(safety, **SAFE_ANSWERS)).get_data(as_text=True)
    found["not safe page"] = client.post("/looking-after-me/stepping-back/new",
                                         data=form_data(safety, **{**SAFE_ANSWERS, "child": "unsure"})
                                         ).get_data(as_text=True)
    return found


def timedelta_days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


def _main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_each_section_reads_at_grade_8_or_below(pages):
    """Flesch-Kincaid grade 8 or below, section by section, as the help pages are checked."""
    for path, page in pages.items():
        sections = re.findall(r"<section.*?</section>", _main(page), re.S) or [_main(page)]
        for section in sections:
            # Tables and lists of numbers are data, not sentences: the grade is for the prose around them.
            section = re.sub(r"<(table|dl|svg)\b.*?</\1>", " ", section, flags=re.S)
            words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()
            if len(words.split()) < 12:
                continue
            grade = textstat.flesch_kincaid_grade(words)
            assert grade <= 8, f"{path}: grade {grade}: {words[:80]}"


def test_no_stigma_word_and_no_developer_word(pages):
    for path, page in pages.items():
        shown = visible_text(page)
        assert not stigma_found(shown, STIGMA_WORDS, STIGMA_ALLOWED), path
        assert not problems(shown), (path, problems(shown))


def test_stepping_back_never_advises_consequences_without_the_dangers(pages):
    """Wherever these pages speak of stepping back, the same paragraph names danger, overdose, violence,
    driving and children (PRODUCT.md "Safety"), as the guides' own check asks."""
    texts = []
    for page in pages.values():
        texts += [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", p)) for p in re.findall(r"<p.*?</p>", page, re.S)]
    stepping = [t for t in texts if re.search(r"step(ping)? back", t, re.I) and re.search(r"result|consequence", t)]
    assert stepping, "the pages explain stepping back"
    for intro in (next(t for t in texts if "Never step back" in t), next(t for t in texts if "is not safe" in t)):
        assert not unsafe_consequence_sections([f"natural consequences: {intro}"]), intro
