"""Every page of the plan for hard days reads plainly: grade 8 or below, no stigma words, no developer words.

The pages are read as the person sees them (empty and filled, every part's own page) and as a loved
one who was shown the plan sees it.
"""

from __future__ import annotations

import re

import pytest
import textstat

from recovery.db import db
from recovery.plan import services
from recovery.plan.sections import BY_KEY, SECTIONS
from tests import factories
from tests.conversations.test_guide_safety import STIGMA_ALLOWED, STIGMA_WORDS, stigma_found
from tests.test_words import problems, visible_text


def _read(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture
def pages(app, as_user):
    jordan, sam, with_sam = factories.jordans_circle(("Sam", {"share": {"plan"}}))
    person = as_user(jordan)
    found = {"empty plan": _read(person, "/plan/")}
    services.save_lines(jordan, BY_KEY["warning-signs"], "I stop answering texts.\nI skip meals.")
    services.save_triggers(jordan, [("Payday", "Go straight home and call Sam.")])
    services.save_helpers(jordan, [services.Person(None, "Alex, my sponsor", "555 0199")])
    services.save_lines(jordan, BY_KEY["reasons"], "Waking up with a clear head.")
    services.save_note(jordan, "If I text you, please call me back.")
    db.session.commit()
    found["plan"] = _read(person, "/plan/")
    for section in SECTIONS:
        found[section.key] = _read(person, f"/plan/{section.key}")
    found["how to help"] = _read(person, "/plan/how-to-help")
    found["shared plan"] = _read(as_user(sam), f"/circle/{with_sam.id}/plan")
    return found


def _main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_each_part_reads_at_grade_8_or_below(pages):
    """Flesch-Kincaid grade 8 or below, section by section, as the help pages are checked."""
    checked = 0
    for path, page in pages.items():
        for section in re.findall(r"<section.*?</section>", _main(page), re.S) or [_main(page)]:
            # The help lines are data (names, numbers, addresses), not sentences: the grade is for the prose.
            section = re.sub(r"<(table|dl|svg)\b.*?</\1>", " ", section, flags=re.S)
            # A label, a choice, a button or a heading is read as a short line of its own, not run into the next.
            section = re.sub(r"</(label|legend|option|button|h[1-4]|li|p|summary)>", ". ", section)
            words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()
            if len(words.split()) < 12:
                continue
            checked += 1
            grade = textstat.flesch_kincaid_grade(words)
            assert grade <= 8, f"{path}: grade {grade}: {words[:100]}"
    assert checked >= len(SECTIONS), "every part's page was read"


def test_no_stigma_word_and_no_developer_word(pages):
    for path, page in pages.items():
        shown = visible_text(page)
        assert not stigma_found(shown, STIGMA_WORDS, STIGMA_ALLOWED), path
        assert not problems(shown), (path, problems(shown))


def test_the_checks_would_catch_a_bad_page():
    """The same checks fail on words they are meant to stop, so a pass above means something."""
    assert stigma_found("Call me if the addict relapses.", STIGMA_WORDS, STIGMA_ALLOWED)
    hard = ("Notwithstanding considerable psychophysiological vulnerability, individuals experiencing "
            "exacerbated craving ought to operationalise contingency-oriented interpersonal strategies.")
    assert textstat.flesch_kincaid_grade(hard) > 8
