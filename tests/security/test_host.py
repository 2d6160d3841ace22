"""SECURITY.md 24: links that leave the page come from BASE_URL, never the request's Host; production refuses
unknown hosts."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from recovery import create_app
from recovery.mail import outbox
from recovery.security import CSP
from recovery.urls import DEVELOPMENT_BASE_URL, external_url
from tests.conftest import PASSWORD
from tests.forms import choices_of, form_data

BASE = "https://mend.example.org"
EVIL = "evil.example"
STRONG_KEY = "production-key-9f2c4e7a1b3d5f608e1c"
# The two ways a request can name a host: the Host header, and X-Forwarded-Host behind a proxy.
FORGERIES = {
    "host": ({}, {"HTTP_HOST": EVIL}),
    "x-forwarded-host": ({"PROXY_FIX_HOPS": 1}, {"HTTP_X_FORWARDED_HOST": EVIL, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}),
}


@pytest.fixture(params=sorted(FORGERIES))
def forged(request, make_app, make_user):
    """An app configured with BASE_URL (and no SERVER_NAME, as on a real server), and a client whose every
    request names another host. (It asks for make_user so that its app context is the current one.)"""
    config, environ = FORGERIES[request.param]
    app = make_app(SERVER_NAME=None, BASE_URL=BASE, **config)
    with app.app_context():
        web = app.test_client()
        web.environ_base.update(environ)
        yield app, web


def _page(web, path: str) -> str:
    resp = web.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp.get_data(as_text=True)


def _log_in(web, user) -> None:
    data = form_data(_page(web, "/login"), email=user.email, password=PASSWORD)
    assert web.post("/login", data=data).status_code == 302


def test_reset_mail_links_to_base_url_whatever_the_host(forged, make_user):
    """POST /reset with a forged Host or X-Forwarded-Host mails a link under BASE_URL."""
    _, web = forged
    user = make_user()
    assert web.post("/reset", data=form_data(_page(web, "/reset"), email=user.email)).status_code == 200
    body = outbox()[-1].get_content()
    assert EVIL not in body
    [link] = [line.strip() for line in body.splitlines() if "/reset/" in line]
    assert re.fullmatch(re.escape(BASE) + r"/reset/[A-Za-z0-9_\-]+", link), link


def test_invitation_link_uses_base_url_whatever_the_host(forged, make_user):
    """The invitation link shown to copy is under BASE_URL."""
    _, web = forged
    _log_in(web, make_user(role="person"))
    page = _page(web, "/circle/invite")
    data = form_data(page, relationship=sorted(choices_of(page, "relationship"))[0])
    page = web.post("/circle/invite", data=data).get_data(as_text=True)
    links = re.findall(r"https?://[^\s\"<]+/circle/join/[A-Za-z0-9_\-]+", page)
    assert links and all(link.startswith(BASE + "/circle/join/") for link in links), links
    assert EVIL not in page


def test_calendar_link_and_feed_use_base_url_whatever_the_host(forged, make_user):
    """The calendar link on the page, and the URL inside the .ics, are under BASE_URL."""
    _, web = forged
    _log_in(web, make_user(role="person"))
    page = web.post("/settings/calendar", data=form_data(_page(web, "/settings/calendar"),
                                                         action="/settings/calendar")).get_data(as_text=True)
    [link] = set(re.findall(r"https?://[^\s\"<]+/calendar/[A-Za-z0-9_\-]+\.ics", page))
    assert link.startswith(BASE + "/calendar/"), link
    assert EVIL not in page


def test_ics_event_url_uses_base_url_whatever_the_host(forged, make_user):
    """The URL of each event in the feed is under BASE_URL, even when the feed is fetched with a forged host."""
    _, web = forged
    from recovery.calendar import services as calendar_service
    from recovery.db import db
    from tests.calendar.test_calendar import make_commitment

    user = make_user()
    make_commitment(user)
    token = calendar_service.create_feed(user)
    db.session.commit()
    resp = web.get(f"/calendar/{token}.ics")
    assert resp.status_code == 200
    [event] = Calendar.from_ical(resp.data).walk("VEVENT")
    assert str(event["URL"]).startswith(BASE + "/")
    assert EVIL.encode() not in resp.data


def test_external_url_needs_no_request(app):
    """The helper builds from configuration alone, with BASE_URL's path kept as a prefix."""
    assert external_url("accounts.reset", token="abc") == "http://mend.test/reset/abc"
    app.config["BASE_URL"] = "https://example.org/mend"
    assert external_url("accounts.reset", token="abc") == "https://example.org/mend/reset/abc"


def test_development_falls_back_to_the_dev_server_address(make_app):
    """With no BASE_URL outside production, links point at the development server, not at any Host."""
    app = make_app(BASE_URL=None, SERVER_NAME=None)
    assert app.config["BASE_URL"] == DEVELOPMENT_BASE_URL == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None  # development answers any host name


@pytest.mark.parametrize("value", ["mend.example.org", "ftp://mend.example.org", "https://", "https://x.org/?a=1"])
def test_a_malformed_base_url_stops_start_up(make_app, value):
    """A BASE_URL that isn't an http(s) address stops start-up with a clear message."""
    with pytest.raises(RuntimeError, match="MEND_BASE_URL"):
        make_app(BASE_URL=value)


def test_production_refuses_to_start_without_base_url(make_app):
    """Production mode will not start without MEND_BASE_URL, and says so."""
    with pytest.raises(RuntimeError, match="MEND_BASE_URL"):
        make_app(PRODUCTION=True, SECRET_KEY=STRONG_KEY, BASE_URL=None)


def test_production_refuses_to_start_without_base_url_in_the_environment(tmp_path, monkeypatch):
    """The same through the environment, as a real server is configured."""
    monkeypatch.setenv("MEND_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("MEND_PRODUCTION", "1")
    monkeypatch.setenv("MEND_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("MEND_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="MEND_BASE_URL"):
        create_app()
    monkeypatch.setenv("MEND_BASE_URL", BASE + "/")
    monkeypatch.setenv("MEND_TRUSTED_HOSTS", "mend.example.org, 10.0.0.5")
    app = create_app()
    assert app.config["BASE_URL"] == BASE
    assert app.config["TRUSTED_HOSTS"] == ["mend.example.org", "10.0.0.5"]


def _production(make_app, **config):
    return make_app(PRODUCTION=True, SECRET_KEY=STRONG_KEY, BASE_URL=BASE, SERVER_NAME=None, **config)


@pytest.mark.parametrize("headers", [{"Host": EVIL}, {"Host": "mend.example.org.evil.example"},
                                     {"Host": "mend.example.org", "X-Forwarded-Host": EVIL}])
def test_production_refuses_an_unknown_host_with_400_and_the_headers(make_app, headers):
    """An unknown Host (or, behind the proxy, X-Forwarded-Host) answers 400 with the security headers."""
    app = _production(make_app, PROXY_FIX_HOPS=1)
    with app.app_context():
        web = app.test_client()
        for path, method in (("/login", "GET"), ("/reset", "POST"), ("/no-such-page", "GET")):
            resp = web.open(path, method=method, headers=headers, data={"email": "x@example.org"})
            assert resp.status_code == 400, (path, resp.status_code)
            assert resp.headers["Content-Security-Policy"] == CSP
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert EVIL not in resp.get_data(as_text=True)
        assert not outbox()


def test_production_serves_its_own_host_and_the_trusted_ones(make_app):
    """BASE_URL's host (with any port) is served; MEND_TRUSTED_HOSTS adds others, such as a health check's."""
    app = _production(make_app, TRUSTED_HOSTS="mend.example.org, 127.0.0.1")
    with app.app_context():
        web = app.test_client()
        for host in ("mend.example.org", "mend.example.org:8443", "127.0.0.1:8000"):
            assert web.get("/login", headers={"Host": host}).status_code == 200, host
        assert web.get("/login", headers={"Host": EVIL}).status_code == 400
