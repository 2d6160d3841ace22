"""The country of a person's help lines: chosen at registration, changed in settings; and quick exit with log out."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import User
from recovery.db import db
from recovery.errors import Refused
from recovery.yourdata import export
from tests.conftest import row_counts
from tests.factories import PASSWORD
from tests.forms import choices_of, form_data, without_tokens

MESSAGE = "Please choose a country from the list, or “Somewhere else”."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def registration(client, **overrides) -> dict:
    """The sign-up form as the page draws it, filled in like a person would."""
    page = text(client.get("/register"))
    return form_data(page, display_name="Robin", email="robin@example.org", password=PASSWORD,
                     password_again=PASSWORD, role="person", **overrides)


def stored_country(email: str = "robin@example.org") -> str | None:
    return db.session.scalar(sa.select(User.country).where(User.email == email))


# --- Services ---------------------------------------------------------------------


def test_register_service_stores_the_country(app):
    """The service keeps the chosen code; "" means "follow the server"."""
    user = services.register("A", "a@example.org", PASSWORD, "person", "UTC", "GB")
    assert user.country == "GB"
    other = services.register("B", "b@example.org", PASSWORD, "person", "UTC")
    assert other.country == ""


@pytest.mark.parametrize("bad", ["XX", "DE", "gb", "USA", "<b>"])
def test_register_service_refuses_an_unknown_country(app, bad):
    """Only the offered codes are stored."""
    with pytest.raises(Refused) as caught:
        services.register("A", "a@example.org", PASSWORD, "person", "UTC", bad)
    assert caught.value.field == "country"


def test_update_profile_changes_or_keeps_the_country(app, make_user):
    """Settings change the country when one is given, and leave it alone when not."""
    user = make_user()
    services.update_profile(user, "New name", "UTC", "NZ")
    assert user.country == "NZ"
    services.update_profile(user, "New name", "UTC")
    assert user.country == "NZ"
    with pytest.raises(Refused):
        services.update_profile(user, "New name", "UTC", "FR")
    assert user.country == "NZ"


# --- Registration over HTTP ------------------------------------------------------


def test_the_sign_up_form_offers_the_countries_and_somewhere_else(client):
    """The form lists the eight countries and "Somewhere else", with the zone map for the browser."""
    page = text(client.get("/register"))
    assert choices_of(page, "country") == {"US", "CA", "MX", "GB", "IE", "ES", "AU", "NZ", "ZZ"}
    assert "Somewhere else" in page
    assert 'data-zone-countries="{' in client.get("/register").get_data(as_text=True).replace("&#34;", '"')
    assert "data-suggest" in page


def test_the_sign_up_form_suggests_the_servers_country(make_app):
    """With no time zone to go on (UTC), the server's country is preselected."""
    app = make_app(HELP_COUNTRY="AU")
    with app.app_context():
        page = text(app.test_client().get("/register"))
    assert form_data(page)["country"] == ["AU"]


@pytest.mark.parametrize("country", ["GB", "US", "ZZ"])
def test_registration_stores_the_chosen_country(client, country):
    """The country picked on the form is the one stored."""
    r = client.post("/register", data=registration(client, country=country))
    assert r.status_code == 200  # "check your email" (tests/accounts/test_sign_in_link.py)
    assert stored_country() == country


def test_registration_shows_the_users_lines_after_login(client):
    """Someone who signs up from New Zealand sees New Zealand's lines once logged in."""
    client.post("/register", data=registration(client, country="NZ"))
    client.post("/login", data={"email": "robin@example.org", "password": PASSWORD})
    body = text(client.get("/help"))
    assert "Call 1737" in body and "988" not in without_tokens(body)


@pytest.mark.parametrize("bad", ["XX", "Mars", "us ", "' OR 1=1 --", "x" * 300])
def test_an_unknown_country_shows_the_form_again_with_a_message(client, bad):
    """A country that isn't offered: the form again (422), a clear message, nothing saved, typing kept."""
    data = registration(client)
    data["country"] = bad
    r = client.post("/register", data=data)
    body = text(r)
    if bad == "us ":  # a stray space and lower case are forgiven
        assert r.status_code == 200 and stored_country() == "US"
        return
    assert r.status_code == 422
    assert MESSAGE in body
    assert row_counts()["users"] == 0
    assert 'value="Robin"' in body and 'value="robin@example.org"' in body


def test_a_form_re_shown_for_another_error_keeps_the_chosen_country(client):
    """When another field is wrong, the country the person chose stays chosen."""
    data = registration(client, country="IE")
    data["password_again"] = "something else entirely"
    r = client.post("/register", data=data)
    assert r.status_code == 422
    page = text(r)
    assert form_data(page)["country"] == ["IE"]
    assert "data-suggest" not in page  # the browser must not guess over the person's choice


def test_a_post_without_the_country_follows_the_server(client):
    """An old client that doesn't send the field still registers; the account follows HELP_COUNTRY."""
    data = registration(client)
    del data["country"]
    assert client.post("/register", data=data).status_code == 200
    assert stored_country() == ""


def test_a_re_shown_form_without_a_country_guesses_from_the_time_zone(client):
    """No country sent and another error: the form comes back with the time zone's country chosen."""
    data = registration(client, timezone="Europe/Dublin")
    del data["country"]
    data["password_again"] = "nope, not the same"
    page = text(client.post("/register", data=data))
    assert form_data(page)["country"] == ["IE"]


# --- Settings ----------------------------------------------------------------------


def test_settings_show_the_country_in_use(make_app):
    """An account with no country yet sees the server's country chosen in settings."""
    from tests.factories import make_user

    app = make_app(HELP_COUNTRY="CA")
    with app.app_context():
        user = make_user()
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        page = text(client.get("/settings"))
    assert form_data(page)["country"] == ["CA"]


def test_settings_change_the_country(as_user, make_user):
    """Choosing another country in settings saves it, and the footer changes with it."""
    user = make_user()
    client = as_user(user)
    data = form_data(text(client.get("/settings")), country="GB")
    r = client.post("/settings", data=data)
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.country == "GB"
    body = text(client.get("/settings"))
    assert "Call 116 123" in body and "988" not in without_tokens(body)
    assert form_data(body)["country"] == ["GB"]


def test_settings_refuse_an_unknown_country(as_user, make_user):
    """A country that isn't offered: the settings form again with the message, nothing changed."""
    user = make_user()
    user.country = "AU"
    db.session.commit()
    client = as_user(user)
    data = form_data(text(client.get("/settings")), display_name="Changed")
    data["country"] = "QQ"
    r = client.post("/settings", data=data)
    assert r.status_code == 422 and MESSAGE in text(r)
    db.session.refresh(user)
    assert user.country == "AU" and user.display_name != "Changed"


def test_settings_without_the_field_keep_the_country(as_user, make_user):
    """A settings post that doesn't carry the country leaves it as it was."""
    user = make_user()
    user.country = "IE"
    db.session.commit()
    r = as_user(user).post("/settings", data={"display_name": "Kept", "timezone": "UTC"})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.country == "IE" and user.display_name == "Kept"


def test_export_includes_the_country(make_user):
    """My data export says which country I chose."""
    user = make_user()
    user.country = "NZ"
    db.session.commit()
    assert export(user)["account"]["country"] == "NZ"


# --- Quick exit and log out ------------------------------------------------------------


def _cookie(client, app):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="mend.test").value


def test_the_menu_offers_quick_exit_and_log_out(as_user, make_user):
    """Logged in, the menu has a "Quick exit and log out" form posting quick=1 to /logout."""
    body = as_user(make_user()).get("/home").get_data(as_text=True)
    assert 'data-quick-logout' in body and 'name="quick" value="1"' in body
    assert "Quick exit and log out" in body
    assert 'data-quick-exit' in body and 'rel="noreferrer"' in body


def test_quick_exit_and_log_out_ends_the_session_and_leaves(app, make_user, as_user):
    """quick=1 logs out for good (the old cookie is refused) and sends the browser to the neutral page."""
    user = make_user()
    client = as_user(user)
    old = _cookie(client, app)
    r = client.post("/logout", data={"quick": "1"})
    neutral = app.config["QUICK_EXIT_URL"]
    assert r.status_code == 200
    assert r.headers["Refresh"] == f"0; url={neutral}"
    body = r.get_data(as_text=True)
    assert f'content="0; url={neutral}"' in body and f'href="{neutral}"' in body
    assert "Mend" not in body  # nothing on the page says where it came from
    assert r.headers["Referrer-Policy"] == "no-referrer"
    assert row_counts()["user_sessions"] == 0
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], old, domain="mend.test")
    again = replay.get("/home")
    assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_quick_exit_and_log_out_leaves_no_message_behind(app, make_user, as_user):
    """No "You're logged out" waits on the next Mend page someone else might open."""
    client = as_user(make_user())
    client.post("/logout", data={"quick": "1"})
    assert "logged out" not in client.get("/login").get_data(as_text=True)


def test_plain_log_out_still_goes_home_with_a_message(app, make_user, as_user):
    """Without quick, logging out works as before."""
    client = as_user(make_user())
    r = client.post("/logout")
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    assert "logged out" in client.get("/").get_data(as_text=True)


def test_quick_exit_and_log_out_needs_the_csrf_token(make_app):
    """CSRF stays on: without the token nothing happens; with the page's token the session ends."""
    from tests.factories import make_user

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = make_user()
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = form_data(login, action="/login")["csrf_token"]
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        home = client.get("/home").get_data(as_text=True)
        assert client.post("/logout", data={"quick": "1"}).status_code == 400
        assert client.get("/home").status_code == 200  # still logged in
        csrf = home.split('data-quick-logout', 1)[1].split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        r = client.post("/logout", data={"quick": "1", "csrf_token": csrf})
        assert r.status_code == 200 and app.config["QUICK_EXIT_URL"] in r.headers["Refresh"]
        assert client.get("/home").status_code == 302


def _log_in_through_the_form(app, user):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    r = client.post("/login", data=form_data(page, "/login", email=user.email, password=PASSWORD))
    assert r.status_code == 302
    return client


def _device_cookie(client, app):
    return client.get_cookie(app.config["LOGIN_DEVICE_COOKIE_NAME"], domain="mend.test", path="/login")


def test_quick_exit_and_log_out_also_forgets_this_device(app, make_user):
    """Quick exit leaves no Mend cookie behind on a shared browser; a plain log out keeps the device known."""
    user = make_user()
    plain = _log_in_through_the_form(app, user)
    assert _device_cookie(plain, app) is not None
    home = plain.get("/home").get_data(as_text=True)
    plain.post("/logout", data=form_data(home, "/logout"))
    assert _device_cookie(plain, app) is not None

    quick = _log_in_through_the_form(app, user)
    home = quick.get("/home").get_data(as_text=True)
    marker = home.index("data-quick-logout")
    quick_form = home[home.rindex("<form", 0, marker):home.index("</form>", marker) + len("</form>")]
    r = quick.post("/logout", data={**form_data(quick_form, "/logout"), "quick": "1"})  # the button's name and value
    assert r.status_code == 200 and "Refresh" in r.headers
    assert _device_cookie(quick, app) is None
