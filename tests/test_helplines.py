"""The help-lines data: complete for every country Mend lists, links that work, numbers in one place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recovery import helplines
from recovery.config import check_help_country
from recovery.helplines import COUNTRIES, ELSEWHERE, Contact, Line, call, text

ROOT = Path(__file__).resolve().parent.parent
LISTED = ["US", "CA", "GB", "IE", "AU", "NZ"]


@pytest.mark.parametrize("code", LISTED)
def test_each_country_has_everything_the_pages_show(code):
    """Each listed country has a crisis line, emergency number, violence entry, naloxone words and treatment finder."""
    help_ = COUNTRIES[code]
    assert help_.code == code and help_.name and help_.label
    assert help_.crisis and all(line.contacts for line in help_.crisis), "a crisis line people can call or text"
    assert help_.emergency and all(n.isdigit() for n in help_.emergency)
    assert help_.violence and all(line.contacts or line.url for line in help_.violence)
    assert "naloxone" in help_.naloxone.lower() or "prescription" in help_.naloxone.lower()
    assert help_.treatment and all(line.contacts or line.url for line in help_.treatment)
    assert help_.young, "a line for children and teenagers"


@pytest.mark.parametrize(("code", "number"), [("US", "911"), ("CA", "911"), ("GB", "999"), ("IE", "112"),
                                              ("AU", "000"), ("NZ", "111")])
def test_emergency_numbers(code, number):
    """Each country's usual emergency number comes first."""
    assert COUNTRIES[code].emergency_number == number


def test_ireland_names_both_emergency_numbers():
    """Ireland answers on 112 and 999; the sentence names both."""
    assert COUNTRIES["IE"].emergency_words == "112 or 999"


def test_the_us_lines_are_the_ones_the_product_names():
    """988 (call or text, Spanish), SAMHSA with its TTY, Crisis Text Line, the DV hotline with START."""
    us = COUNTRIES["US"]
    hrefs = {c.href for line in us.crisis for c in line.contacts}
    assert {"tel:988", "sms:988", "tel:18006624357", "sms:741741?&body=HOME"} <= hrefs
    assert "Spanish" in us.crisis[0].note and "TTY 1-800-487-4889" in us.crisis[1].note
    dv = {c.href for line in us.violence for c in line.contacts}
    assert {"tel:18007997233", "sms:88788?&body=START"} <= dv
    assert any("findtreatment.gov" in line.url for line in us.treatment)


def test_canada_says_it_has_no_single_violence_line():
    """Canada's entry is honest: no national hotline, the official finder instead."""
    ca = COUNTRIES["CA"]
    assert "no single national line" in ca.violence_note
    assert ca.violence[0].url == "https://sheltersafe.ca" and not ca.violence[0].contacts


@pytest.mark.parametrize(("code", "number"), [("GB", "116 123"), ("IE", "116 123"), ("AU", "13 11 14"),
                                              ("NZ", "1737"), ("CA", "988")])
def test_each_country_leads_with_its_own_crisis_line(code, number):
    """The first line shown is the country's own main crisis line."""
    assert COUNTRIES[code].crisis[0].contacts[0].number == number


def test_somewhere_else_shows_the_finder_and_no_numbers():
    """"Somewhere else": no numbers Mend can't vouch for, the finder, plain words for the emergency number."""
    zz = COUNTRIES[ELSEWHERE]
    assert zz.crisis == () and zz.emergency == () and zz.emergency_number is None
    assert zz.emergency_words == "your local emergency number"
    assert all("findahelpline.com" in line.url for line in (*zz.violence, *zz.treatment))
    assert zz.naloxone


def test_sms_links_prefill_the_keyword_for_ios_and_android():
    """A keyword line opens the messages app with the word typed: sms:NUMBER?&body=WORD."""
    assert text("741741", "HOME").href == "sms:741741?&body=HOME"
    assert text("741741", "HOME").label == "Text HOME to 741741"
    assert text("988").href == "sms:988" and text("988").label == "Text 988"
    assert call("1-800-662-4357").href == "tel:18006624357"
    assert call("13 11 14").label == "Call 13 11 14"


def test_every_keyword_line_prefills_its_keyword():
    """No line that needs a keyword is missing it in its link."""
    for help_ in COUNTRIES.values():
        for line in (*help_.crisis, *help_.violence, *help_.treatment, *help_.young):
            for contact in line.contacts:
                if contact.keyword:
                    assert contact.href.endswith(f"?&body={contact.keyword}"), (help_.code, line.name)


def test_a_line_says_all_its_ways_in_one_phrase():
    """"Call 988 or text 988"; a line with only a website shows the site."""
    assert Line("x", (call("988"), text("988"))).how == "Call 988 or text 988"
    web = Line("Find a helpline", url="https://findahelpline.com")
    assert web.how == "findahelpline.com" and web.href == "https://findahelpline.com"
    assert Contact("call", "116 123").href == "tel:116123"


def test_normalize_and_for_country():
    """Codes are upper-cased, UK means GB, and unknown countries get "somewhere else"."""
    assert helplines.normalize("gb") == "GB"
    assert helplines.normalize("UK") == "GB"
    assert helplines.normalize("DE") == ELSEWHERE
    assert helplines.normalize("") == ELSEWHERE
    assert helplines.for_country("nz") is COUNTRIES["NZ"]
    assert helplines.for_country("FR") is COUNTRIES[ELSEWHERE]


def test_the_form_offers_eight_countries_and_somewhere_else(make_app):
    """The choices are the eight countries, alphabetically in the reader's language, then "Somewhere else"."""
    app = make_app(LANGUAGES=("en", "es"), PREVIEW_LANGUAGES=True)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        choices = helplines.country_choices()
        assert [code for code, _ in choices] == ["AU", "CA", "IE", "MX", "NZ", "ES", "GB", "US", "ZZ"]
        assert choices[-1] == ("ZZ", "Somewhere else")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        choices = helplines.country_choices()
        assert [label for _, label in choices] == ["Australia", "Canadá", "España", "Estados Unidos", "Irlanda",
                                                   "México", "Nueva Zelanda", "Reino Unido", "Otro lugar"]


@pytest.mark.parametrize(("zone", "country"), [
    ("America/New_York", "US"), ("US/Eastern", "US"), ("America/Indianapolis", "US"), ("Pacific/Honolulu", "US"),
    ("America/Toronto", "CA"), ("America/Vancouver", "CA"), ("Canada/Eastern", "CA"),
    ("Europe/London", "GB"), ("Europe/Belfast", "GB"), ("Europe/Dublin", "IE"),
    ("Australia/Sydney", "AU"), ("Australia/ACT", "AU"), ("Pacific/Auckland", "NZ"),
    ("Europe/Paris", "ZZ"), ("America/Nassau", "ZZ"), ("Asia/Tokyo", "ZZ"), ("US/Samoa", "ZZ"),
])
def test_a_time_zone_suggests_a_country(zone, country):
    """The browser's or chosen time zone suggests a country; places Mend has no lines for get "somewhere else"."""
    assert helplines.country_for_timezone(zone) == country


def test_utc_suggests_nothing():
    """UTC says nothing about where someone lives."""
    assert helplines.country_for_timezone("UTC") is None
    assert helplines.country_for_timezone("") is None


def test_the_zone_map_only_names_offered_codes():
    """Every value the browser script may pick is one of the form's choices."""
    assert set(helplines.zone_countries().values()) <= set(helplines.OFFERED)
    assert len(helplines.zone_countries()) > 100


@pytest.mark.parametrize(("value", "expected"), [("US", "US"), ("gb", "GB"), ("UK", "GB"), (" nz ", "NZ"),
                                                 ("DE", "DE"), ("ZZ", "ZZ")])
def test_help_country_setting_is_checked(value, expected):
    """HELP_COUNTRY is any two-letter code (unknown ones show the finder); UK is read as GB."""
    assert check_help_country(value) == expected


@pytest.mark.parametrize("value", ["", "USA", "United States", "1A", None])
def test_a_wrong_help_country_stops_start_up(value):
    """A typo in HELP_COUNTRY stops start-up with a message, instead of silently showing the wrong lines."""
    with pytest.raises(RuntimeError, match="two-letter country code"):
        check_help_country(value)


def test_create_app_checks_help_country(tmp_path, monkeypatch):
    """The check runs when the app starts."""
    from recovery import create_app

    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="HELP_COUNTRY"):
        create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "HELP_COUNTRY": "USA"})
    app = create_app({"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://", "HELP_COUNTRY": "uk"})
    assert app.config["HELP_COUNTRY"] == "GB"


def _all_numbers() -> set[str]:
    numbers = set()
    for help_ in COUNTRIES.values():
        for line in (*help_.crisis, *help_.violence, *help_.treatment, *help_.young):
            numbers |= {c.number for c in line.contacts}
            numbers |= set(re.findall(r"\d[\d\- ]{5,}\d", str(line.note)))
    return numbers


def _spelled_any_way(number: str) -> re.Pattern:
    """Match a number however it is written: 1-800-662-4357, 1 800 662 4357, 18006624357."""
    digits = re.sub(r"\D", "", number)
    return re.compile(r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)")


def test_the_number_check_can_fail():
    """The matcher finds a number written another way, and not a longer one that holds it."""
    assert _spelled_any_way("1-800-662-4357").search("call 1 800 662 4357 today")
    assert _spelled_any_way("0808 2000 247").search("tel:08082000247")
    assert not _spelled_any_way("1737").search("year 17370")


def test_no_template_types_a_help_line_number():
    """Numbers live only in recovery/helplines.py: no template spells one out."""
    numbers = {n for n in _all_numbers() if len(re.sub(r"\D", "", n)) >= 4}
    assert len(numbers) > 20
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {n}" for n in sorted(numbers) if _spelled_any_way(n).search(page)]
    assert not found, found
