"""Find help near me: the right finders for each country, both roles and visitors, the local list first."""

from __future__ import annotations

import html
import re

import pytest
import textstat

from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.db import db
from recovery.findhelp import local_list
from recovery.findhelp.demo import DEMO_LOCAL_HELP

PAGE = "/help/near-me/"

# What each country's page must show: its treatment finder, its AA finder, its crisis line and its
# family therapy directory, and what it must not (another country's).
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    "US": (["https://findtreatment.gov", "https://www.aa.org/find-aa", "988 Suicide &amp; Crisis Lifeline",
            "https://www.therapistlocator.net", "https://www.na.org/meetingsearch/", "https://lifering.org/",
            "https://al-anon.org/al-anon-meetings/find-an-al-anon-meeting/", "https://smartrecovery.org/family"],
           ["talktofrank.com", "Samaritans"]),
    "CA": (["https://www.canada.ca/en/health-canada/services/substance-use/get-help/", "9-8-8 Suicide Crisis Helpline",
            "https://www.aa.org/find-aa", "https://www.nar-anon.org/find-a-meeting"],
           ["findtreatment.gov", "988 Suicide &amp; Crisis Lifeline"]),
    "GB": (["https://www.talktofrank.com/get-help/find-support-near-you", "Samaritans",
            "https://www.alcoholics-anonymous.org.uk/", "https://ukna.org/", "https://smartrecovery.org.uk/",
            "https://www.al-anonuk.org.uk/", "https://www.aft.org.uk/page/findatherapist"],
           ["findtreatment.gov", "https://www.aa.org/find-aa"]),
    "IE": (["https://www.drugs.ie", "50808", "https://www.alcoholicsanonymous.ie/",
            "https://www.familytherapyireland.com/"],
           ["findtreatment.gov", "talktofrank.com"]),
    "AU": (["National Alcohol and Other Drug Hotline", "Lifeline", "https://aa.org.au/",
            "https://smartrecoveryaustralia.com.au/", "https://www.al-anon.org.au/", "https://www.aaft.asn.au/"],
           ["findtreatment.gov", "https://www.aa.org/find-aa"]),
    "NZ": (["Alcohol Drug Helpline", "1737, Need to talk?", "https://al-anon.org.nz/"],
           ["findtreatment.gov", "Lifeline"]),
    "ZZ": (["https://findahelpline.com", "https://www.aa.org/find-aa", "https://www.na.org/meetingsearch/",
            "your local emergency number"],
           ["findtreatment.gov", "988", "Samaritans"]),
}


def main(response) -> str:
    body = response.get_data(as_text=True)
    return body[body.index("<main"):body.index("</main>")]


def words(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def set_country(user, code: str) -> None:
    user.country = code
    db.session.commit()


@pytest.fixture
def with_local_list(app, monkeypatch):
    """The app as if instance/local_help.toml held the demo's list."""
    monkeypatch.setitem(app.extensions, local_list.EXTENSION, local_list.parse(DEMO_LOCAL_HELP))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_country_shows_its_own_finders(client, code):
    response = client.get(f"{PAGE}?country={code}")
    assert response.status_code == 200
    body = main(response)
    shown, not_shown = EXPECTED[code]
    for text in shown:
        assert text in body, (code, text)
    for text in not_shown:
        assert text not in body, (code, text)
    assert f'<option value="{code}" selected>' in body


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_country_opens_in_both_roles(as_user, make_user, code):
    for role in (PERSON, LOVED_ONE):
        response = as_user(make_user(role=role)).get(f"{PAGE}?country={code}")
        assert response.status_code == 200
        assert EXPECTED[code][0][0] in main(response)


def test_a_visitor_sees_the_servers_country(client, app):
    assert "https://findtreatment.gov" in main(client.get(PAGE))
    app.config["HELP_COUNTRY"] = "GB"
    assert "https://www.talktofrank.com/get-help/find-support-near-you" in main(client.get(PAGE))


def test_a_server_in_a_country_mend_has_no_lines_for_shows_the_world_wide_finders(client, app):
    app.config["HELP_COUNTRY"] = "DE"
    body = main(client.get(PAGE))
    assert "https://findahelpline.com" in body and "https://www.aa.org/find-aa" in body
    assert "findtreatment.gov" not in body
    assert '<option value="ZZ" selected>' in body


def test_a_user_sees_their_own_country_unless_they_choose_another(as_user, make_user):
    user = make_user()
    set_country(user, "AU")
    client = as_user(user)
    assert "https://aa.org.au/" in main(client.get(PAGE))
    assert "https://ukna.org/" in main(client.get(f"{PAGE}?country=gb"))  # any case
    assert "https://ukna.org/" in main(client.get(f"{PAGE}?country=UK"))  # what people call it


@pytest.mark.parametrize("value", ["DE", "", "usa", "<script>alert(1)</script>", "x" * 5000, "ZZZ", "%00", "G B"])
def test_a_bad_country_shows_the_default_and_never_fails(as_user, make_user, value):
    user = make_user()
    set_country(user, "NZ")
    response = as_user(user).get(PAGE, query_string={"country": value})
    assert response.status_code == 200
    body = main(response)
    assert "https://al-anon.org.nz/" in body and '<option value="NZ" selected>' in body
    assert "<script>alert" not in response.get_data(as_text=True)


def test_the_country_chooser_offers_only_known_countries(client):
    body = main(client.get(PAGE))
    assert re.findall(r'<option value="([A-Z]+)"', body) == ["AU", "CA", "IE", "MX", "NZ", "ES", "GB", "US", "ZZ"]
    assert 'method="get"' in body


def test_the_help_page_and_the_footer_link_to_the_finder(client):
    page = client.get("/help").get_data(as_text=True)
    assert page.count(f'href="{PAGE}"') == 2  # the help page's list and the footer's "More help"
    footer = client.get("/privacy").get_data(as_text=True)
    assert f'href="{PAGE}"' in footer[footer.index('<footer class="site-footer">'):]


def test_each_reader_sees_their_own_groups_first(client, as_user, make_user):
    def order(body):
        return [m for m in re.findall(r'id="groups-(person|loved_one)"', body)]

    assert order(main(client.get(PAGE))) == ["person", "loved_one"]
    assert order(main(as_user(make_user(role=PERSON)).get(PAGE))) == ["person", "loved_one"]
    assert order(main(as_user(make_user(role=LOVED_ONE)).get(PAGE))) == ["loved_one", "person"]


def test_add_buttons_only_for_the_readers_own_meetings(client, as_user, make_user):
    """The person may add AA, NA, SMART and LifeRing; a loved one Al-Anon, Nar-Anon, SMART Family and Alateen;
    a visitor nothing; family therapy is never a meeting."""
    def added(body):
        return re.findall(r'action="/help/near-me/meetings/([a-z_-]+)/add\?country=US"', body)

    assert added(main(client.get(PAGE))) == []
    assert added(main(as_user(make_user(role=PERSON)).get(PAGE))) == ["aa", "na", "smart", "lifering"]
    assert added(main(as_user(make_user(role=LOVED_ONE)).get(PAGE))) == ["al_anon", "nar_anon", "smart_family",
                                                                           "alateen"]


def test_the_local_list_is_shown_first(with_local_list, client):
    body = main(client.get(PAGE))
    assert body.index('id="near-you"') < body.index('id="right-now"') < body.index('id="groups-person"')
    near = body[body.index('id="near-you"'):body.index('id="right-now"')]
    for text in ("Riverside Tuesday Night Group", "Thursday Family Group", "Riverside Counseling Clinic",
                 "Tuesdays, 7 pm to 8 pm", "220 Main Street, Riverside", 'href="tel:2125550143"',
                 "Call (212) 555-0143"):
        assert text in near, text


def test_the_local_list_shows_in_every_country(with_local_list, client):
    assert "Riverside Tuesday Night Group" in main(client.get(f"{PAGE}?country=NZ"))


def test_each_role_sees_the_local_entries_for_it(with_local_list, as_user, make_user):
    person = main(as_user(make_user(role=PERSON)).get(PAGE))
    loved = main(as_user(make_user(role=LOVED_ONE)).get(PAGE))
    assert "Riverside Tuesday Night Group" in person and "Thursday Family Group" not in person
    assert "Thursday Family Group" in loved and "Riverside Tuesday Night Group" not in loved
    assert "Riverside Counseling Clinic" in person and "Riverside Counseling Clinic" in loved
    # Only a meeting can be added: the clinic has no button.
    assert "/meetings/local-riverside-tuesday-night-group/add" in person
    assert "/meetings/local-riverside-counseling-clinic/add" not in person


def test_no_local_list_no_section(client):
    assert 'id="near-you"' not in main(client.get(PAGE))


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_section_reads_at_grade_8_or_below(with_local_list, as_user, make_user, client, code):
    """Plain words, as on the other help pages: each section, for each reader."""
    for reader in (client, as_user(make_user(role=PERSON)), as_user(make_user(role=LOVED_ONE))):
        body = main(reader.get(f"{PAGE}?country={code}"))
        sections = re.findall(r"<section.*?</section>", body, flags=re.S)
        assert len(sections) >= 5
        for section in sections:
            text = words(section)
            grade = textstat.flesch_kincaid_grade(text)
            assert grade <= 8, f"{code}: grade {grade}: {text[:80]}"


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_no_stigmatizing_words(client, code):
    text = words(main(client.get(f"{PAGE}?country={code}"))).lower()
    found = [w for w in (r"\baddicts?\b", r"\bjunkies?\b", r"\babusers?\b", r"\bclean\b", r"\bdirty\b")
             if re.search(w, text)]
    assert not found, found
