"""The time zone menu: the chosen country's common zones first, then every other zone, each once."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from recovery import helplines
from recovery.accounts.models import User
from recovery.db import db
from recovery.timezones import timezone_names
from tests.factories import PASSWORD
from tests.forms import choices_of, form_data


def zone_menu(page: str) -> str:
    return re.search(r'<select[^>]*name="timezone".*?</select>', page, re.S).group(0)


def groups(page: str) -> list[tuple[str, list[str]]]:
    """The menu's groups in order, each with its zones in order."""
    menu = zone_menu(page)
    return [(html.unescape(label), re.findall(r'<option[^>]*value="([^"]+)"', body))
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', menu, re.S)]


def options(page: str) -> list[str]:
    return re.findall(r'<option[^>]*value="([^"]+)"', zone_menu(page))


def test_sign_up_lists_the_servers_country_first_then_every_zone_once(client):
    """Without JavaScript the sign-up menu starts with the zones of the country it suggests (here the server's)."""
    page = client.get("/register").get_data(as_text=True)
    found = groups(page)
    assert [label for label, _ in found] == ["Common in the United States", "Every other time zone"]
    assert found[0][1] == [zone for zone, _ in helplines.common_zones("US")]
    assert "Eastern time (New York)" in zone_menu(page)
    assert sorted(options(page)) == sorted(timezone_names())  # every zone, none twice
    assert page.index('name="country"') < page.index('name="timezone"')  # the country is chosen first


def test_a_common_zone_can_be_chosen_at_sign_up(client):
    """A person picks a zone from the short list and the account keeps it."""
    page = client.get("/register").get_data(as_text=True)
    data = form_data(page, display_name="Robin", email="robin@example.org", password=PASSWORD,
                     password_again=PASSWORD, role="person", timezone="America/Chicago")
    assert client.post("/register", data=data).status_code == 200  # "check your email"
    assert db.session.scalar(sa.select(User.timezone).where(User.email == "robin@example.org")) == "America/Chicago"


def test_sign_up_shown_again_follows_the_chosen_country(client):
    """When the form comes back with a mistake, the zones of the country chosen come first."""
    page = client.get("/register").get_data(as_text=True)
    data = form_data(page, display_name="Robin", email="robin@example.org", password="short",
                     password_again="short", role="person", country="AU")
    again = client.post("/register", data=data).get_data(as_text=True)
    assert groups(again)[0] == ("Common in Australia", [zone for zone, _ in helplines.common_zones("AU")])


def test_settings_list_the_persons_country_first(client, make_user, login):
    """Settings put the zones of the person's own country first, and saving keeps working."""
    user = make_user(timezone="Pacific/Auckland")
    user.country = "NZ"
    db.session.commit()
    login(client, user)
    page = client.get("/settings").get_data(as_text=True)
    assert groups(page)[0] == ("Common in New Zealand", ["Pacific/Auckland", "Pacific/Chatham"])
    assert re.search(r'<option selected value="Pacific/Auckland"|<option value="Pacific/Auckland" selected',
                     zone_menu(page))
    data = form_data(page, country="CA", timezone="America/Toronto")
    assert client.post("/settings", data=data).status_code == 302
    again = client.get("/settings").get_data(as_text=True)
    assert groups(again)[0][0] == "Common in Canada"
    assert "America/Toronto" in choices_of(again, "timezone")


def test_somewhere_else_lists_every_zone_alone(client, make_user, login):
    """For "Somewhere else" there is no short list: one menu of every zone."""
    user = make_user()
    user.country = helplines.ELSEWHERE
    db.session.commit()
    login(client, user)
    page = client.get("/settings").get_data(as_text=True)
    assert groups(page) == []
    assert sorted(options(page)) == sorted(timezone_names())


def test_every_listed_common_zone_is_offered():
    """Each short list names real zones of the menu, and every country Mend has lines for has one."""
    for code in helplines.OFFERED:
        zones = [zone for zone, _ in helplines.common_zones(code)]
        assert all(zone in timezone_names() for zone in zones)
        assert bool(zones) == (code != helplines.ELSEWHERE)
        assert all(helplines.country_for_timezone(zone) == code for zone in zones)
