"""The help pages and the help lines on every page follow the user's own country (issue 13: 9, 10, 12, 13)."""

from __future__ import annotations

import html
import re

import pytest
import sqlalchemy as sa

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.db import db

PAGES = ["/help", "/help/overdose", "/help/safe-at-home", "/help/relapse", "/help/treatment", "/help/young-people"]

from tests.forms import without_tokens  # noqa: E402


def page(response) -> str:
    """The page's HTML with entities turned back into characters and runs of spaces made one."""
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def footer(body: str) -> str:
    return body[body.index('<footer class="site-footer">'):]


def main(body: str) -> str:
    return body[body.index("<main"):body.index("</main>")]


def set_country(user: User, code: str) -> None:
    user.country = code
    db.session.commit()


@pytest.mark.parametrize("path", PAGES)
def test_each_help_page_opens_logged_out_and_in_both_roles(client, as_user, make_user, path):
    """Every help page answers 200 to visitors, people in recovery and loved ones."""
    assert client.get(path).status_code == 200
    assert as_user(make_user(role=PERSON)).get(path).status_code == 200
    assert as_user(make_user(role=LOVED_ONE)).get(path).status_code == 200


def test_help_links_to_every_safety_page(client):
    """/help is the way in to each of the new pages."""
    body = page(client.get("/help"))
    for path in PAGES[1:]:
        assert f'href="{path}"' in body, path


def test_a_us_user_sees_988_in_the_footer_and_on_help(as_user, make_user):
    """A person in the US sees 988, SAMHSA and 911, in the footer and on /help."""
    user = make_user()
    set_country(user, "US")
    body = page(as_user(user).get("/help"))
    for part in (footer(body), main(body)):
        assert 'href="tel:988"' in part and "Call 988" in part
        assert 'href="tel:911"' in part
    assert "1-800-662-4357" in footer(body)


def test_a_gb_user_sees_samaritans_and_not_988(as_user, make_user):
    """A person in the UK sees 116 123 and 999, and no US line, in the footer and on /help."""
    user = make_user()
    set_country(user, "GB")
    body = page(as_user(user).get("/help"))
    for part in (footer(body), main(body)):
        assert "Call 116 123" in part and 'href="tel:116123"' in part
        assert 'href="tel:999"' in part
        assert "988" not in part and "911" not in part and "741741" not in part


def test_the_footer_text_line_prefills_its_keyword(as_user, make_user):
    """The Crisis Text Line link opens the messages app with HOME already typed."""
    user = make_user()
    set_country(user, "US")
    body = page(as_user(user).get("/help"))
    assert 'href="sms:741741?&body=HOME"' in footer(body)


def test_logged_out_pages_follow_the_server_country(make_app):
    """Visitors see the lines of HELP_COUNTRY."""
    app = make_app(HELP_COUNTRY="AU")
    with app.app_context():
        body = page(app.test_client().get("/help/overdose"))
    assert "Call 13 11 14" in footer(body) and 'href="tel:000"' in footer(body)
    assert "988" not in without_tokens(body)
    assert "Take Home Naloxone" in main(body)


def test_a_user_without_a_country_follows_the_server(make_app):
    """An account from before countries existed ("") sees the server's lines."""
    from tests.conftest import PASSWORD
    from tests.factories import make_user

    app = make_app(HELP_COUNTRY="NZ")
    with app.app_context():
        user = make_user()
        assert user.country == ""
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        body = page(client.get("/help"))
    assert "Call 1737" in footer(body) and 'href="tel:111"' in footer(body)


def test_the_users_country_beats_the_servers(make_app):
    """A person who chose Ireland sees Irish lines on a US server."""
    from tests.conftest import PASSWORD
    from tests.factories import make_user

    app = make_app(HELP_COUNTRY="US")
    with app.app_context():
        user = make_user()
        set_country(user, "IE")
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        body = page(client.get("/help/safe-at-home"))
    assert "Women's Aid" in main(body) and "Call 1800 341 900" in main(body)
    assert "Call 112 or 999" in main(body) or ('href="tel:112"' in main(body) and 'href="tel:999"' in main(body))
    assert "988" not in without_tokens(body) and "1-800-799-7233" not in body


def test_somewhere_else_shows_the_finder_and_plain_emergency_words(as_user, make_user):
    """"Somewhere else": no numbers, the world-wide finder, "your local emergency number"."""
    user = make_user()
    set_country(user, "ZZ")
    body = page(as_user(user).get("/help"))
    assert "your local emergency number" in footer(body)
    assert 'href="https://findahelpline.com"' in footer(body)
    assert 'href="tel:' not in body and 'href="sms:' not in body
    assert "Mend doesn't list lines for your country" in main(body)


@pytest.mark.parametrize(("code", "expected"), [
    ("US", "National Domestic Violence Hotline"), ("AU", "1800RESPECT"), ("GB", "0808 2000 247"),
    ("NZ", "Women's Refuge"), ("CA", "ShelterSafe"), ("IE", "Women's Aid"),
])
def test_safe_at_home_shows_the_countrys_violence_lines(as_user, make_user, code, expected):
    """"If you are not safe at home" lists the violence lines of the user's country."""
    user = make_user()
    set_country(user, code)
    body = main(page(as_user(user).get("/help/safe-at-home")))
    assert expected in body
    assert "Quick exit does not log you out" in body
    assert "never tells anyone what you write" in body


def test_canada_is_honest_about_violence_lines(as_user, make_user):
    """Canada has no national violence line, and the page says so."""
    user = make_user()
    set_country(user, "CA")
    body = main(page(as_user(user).get("/help/safe-at-home")))
    assert "no single national line" in body and "sheltersafe.ca" in body


def test_overdose_card_names_signs_naloxone_and_tolerance(as_user, make_user):
    """The overdose card: signs (opioids and alcohol), the emergency number, naloxone where they live, tolerance."""
    user = make_user(role=LOVED_ONE)
    set_country(user, "CA")
    body = main(page(as_user(user).get("/help/overdose")))
    for must in ("Signs of an overdose", "Opioids", "Alcohol", "recovery position", "Stay with them",
                 "Naloxone in Canada", "free kits", "tolerance", 'href="tel:911"'):
        assert must in body, must
    assert 'href="/help/relapse"' in body


def test_relapse_page_speaks_to_both_roles(client):
    """The relapse page has a part for the person and one for the loved one, and points to overdose risk."""
    body = main(page(client.get("/help/relapse")))
    assert "If you are in recovery" in body and "If you love someone in recovery" in body
    assert "does not wipe out the progress" in body
    assert 'href="/help/overdose"' in body


def test_treatment_page_names_levels_and_medicines(as_user, make_user):
    """Treatment: the country's finder, the levels of care and the medicines, with "ask a doctor"."""
    user = make_user()
    set_country(user, "US")
    body = main(page(as_user(user).get("/help/treatment")))
    assert "FindTreatment.gov" in body and "1-800-662-4357" in body
    for must in ("Outpatient", "Intensive outpatient", "Residential", "Detox", "Mutual-help",
                 "Buprenorphine", "methadone", "Naltrexone", "Acamprosate", "Disulfiram", "Ask a doctor"):
        assert must in body, must


def test_young_people_page_is_written_for_them(as_user, make_user):
    """Not your fault, not your job to check, Alateen, a trusted adult, a line for young people, what if unsafe."""
    user = make_user(role=LOVED_ONE)
    set_country(user, "GB")
    body = main(page(as_user(user).get("/help/young-people")))
    for must in ("It's not your fault", "You don't have to check on them", "Alateen", "trusted adult",
                 "Childline", "If you are not safe", 'href="tel:999"'):
        assert must in body, must


def test_printed_pages_keep_the_help_lines(as_user, make_user):
    """Every page carries a print-only copy of the lines, as text, outside the hidden footer."""
    user = make_user()
    set_country(user, "AU")
    body = page(as_user(user).get("/amends/print"))
    printed = body[body.index('class="print-only print-help"'):body.index('<footer')]
    assert "Lifeline: Call 13 11 14" in printed and "In danger, call 000" in printed
    assert "<a " not in printed  # text on paper, no links


def test_the_guides_if_it_goes_badly_points_to_safety_for_the_users_country(as_user, make_user):
    """A guide's "if it goes badly" shows the user's own emergency number and lines, and the safety pages."""
    user = make_user()
    set_country(user, "NZ")
    body = page(as_user(user).get("/talk/scripts/making-an-amends"))
    box = body[body.index('class="safety-box"'):]
    box = box[:box.index("</div>")]
    assert 'href="tel:111"' in box and "Call 1737" in box
    assert 'href="/help/safe-at-home"' in box and 'href="/help/overdose"' in box
    assert "988" not in box


def test_country_stored_for_the_user_is_only_a_code(make_user):
    """The column keeps two letters at most."""
    user = make_user()
    set_country(user, "GB")
    assert db.session.scalar(sa.select(User.country).where(User.id == user.id)) == "GB"
    assert re.fullmatch(r"[A-Z]{0,2}", user.country)


@pytest.mark.parametrize("path", PAGES)
def test_each_help_page_reads_at_grade_8_or_below(client, path):
    """Plain words: each section of each page reads at Flesch-Kincaid grade 8 or below."""
    import textstat

    body = main(page(client.get(path)))
    sections = re.findall(r"<section.*?</section>", body)
    assert sections
    for section in sections:
        words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()
        grade = textstat.flesch_kincaid_grade(words)
        assert grade <= 8, f"{path}: grade {grade}: {words[:60]}"


def test_the_country_note_reads_as_two_sentences(app, make_user, as_user):
    """Signed in, the note under the lines says which country they are for, then where to change it."""
    page = as_user(make_user()).get("/help/treatment").get_data(as_text=True)
    assert "These lines are for the United States. <a" in page
