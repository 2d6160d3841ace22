"""SECURITY.md 17 and 15: error pages without tracebacks, nothing private in logs, local-only next= redirects."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import pytest

from recovery import mail
from recovery.errors import ERROR_COPY
from tests.conftest import PASSWORD
from tests.security.logcapture import SENTINEL, logged_text, sentinel_in


def _app_with_a_failing_route(make_app):
    """A non-debug app with one extra route that fails with the sentinel in the exception's message."""
    app = make_app(TESTING=False)
    secret = f"user typed {SENTINEL} here"

    def boom():
        raise RuntimeError(secret)

    app.add_url_rule("/boom-for-test", "boom_for_test", boom)
    return app


def test_debug_is_off_by_default(make_app):
    """SECURITY.md 17: an app built without DEBUG in its configuration runs with debug off."""
    app = make_app(TESTING=False)
    assert app.debug is False
    assert not app.config["DEBUG"]


def test_a_500_shows_the_sites_page_and_logs_no_content(app, make_app, all_logs):
    """SECURITY.md 17: an unhandled error gives the site's own 500 page, no traceback, no message, none in the logs."""
    boom_app = _app_with_a_failing_route(make_app)
    resp = boom_app.test_client().get("/boom-for-test")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 500
    assert ERROR_COPY[500][0] in body
    assert "<html" in body and "Need help now?" in body  # the site's own layout
    for leak in ("Traceback", 'File "', "RuntimeError", SENTINEL):
        assert leak.lower() not in body.lower(), leak
    # The failure was logged (so the capture works), with its frames but not its message.
    errors = [r for r in all_logs.records if r.levelno >= logging.ERROR]
    assert any("RuntimeError" in r.getMessage() for r in errors)
    assert not sentinel_in(logged_text(all_logs))


def _token_after(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return match.group(1)


def test_typed_text_passwords_and_tokens_never_reach_the_logs(app, make_app, make_user, all_logs):
    """SECURITY.md 17: a sentinel typed in every text and password field, and invite/reset tokens, are never logged."""
    boom_app = _app_with_a_failing_route(make_app)
    web = boom_app.test_client()
    s = SENTINEL
    email = f"{s.lower()}@example.org"
    password = f"pass {s} phrase"

    # Register (and a refused registration that echoes the form), then log in, once wrongly.
    web.post("/register", data={"display_name": f"Name {s}", "email": email, "role": "person", "timezone": "UTC",
                                "password": f"{s}", "password_again": f"{s} other"})
    assert web.post("/register", data={"display_name": f"Name {s}", "email": email, "role": "person",
                                       "timezone": "UTC", "password": password,
                                       "password_again": password}).status_code == 200
    # The sign-in link mailed after sign-up, opened and used on another device.
    with boom_app.app_context():
        sign_in_token = _token_after(r"/start/([A-Za-z0-9_\-]+)", "\n".join(m.get_content() for m in mail.outbox()))
    device = boom_app.test_client()
    assert device.get(f"/start/{sign_in_token}").status_code == 200
    assert device.post(f"/start/{sign_in_token}").status_code == 302
    assert web.post("/login", data={"email": email, "password": f"wrong {s}"}).status_code == 422
    assert web.post("/login", data={"email": f"nobody-{s}@example.org", "password": password}).status_code == 422
    assert web.post("/login", data={"email": email, "password": password}).status_code == 302

    # Every logged-in form.
    made = web.post("/circle/invite", data={"relationship": "friend", "invitee_label": f"Label {s}"})
    invite_token = _token_after(r"/circle/join/([A-Za-z0-9_\-]+)", made.get_data(as_text=True))
    assert web.post("/settings", data={"display_name": f"Renamed {s}", "timezone": "UTC"}).status_code == 302
    web.post("/settings", data={"display_name": f"{s}\x01", "timezone": f"Nowhere/{s}"})
    new_password = f"new {s} passphrase"
    assert web.post("/settings/password", data={"current_password": password, "new_password": new_password,
                                                "new_password_again": new_password}).status_code == 302
    web.post("/settings/password", data={"current_password": f"bad {s}", "new_password": f"x {s} y z w",
                                         "new_password_again": f"x {s} y z w"})
    web.post("/settings/email", data={"email": f"new-{s.lower()}@example.org", "password": f"bad {s}"})
    assert web.post("/settings/email", data={"email": f"new-{s.lower()}@example.org",
                                             "password": new_password}).status_code == 302

    # A loved one opens and accepts the invitation link.
    loved = make_user("loved_one")
    other = boom_app.test_client()
    assert other.post("/login", data={"email": loved.email, "password": PASSWORD}).status_code == 302
    assert other.get(f"/circle/join/{invite_token}").status_code == 200
    assert other.post(f"/circle/join/{invite_token}", data={"answer": "accept"}).status_code == 302

    # A password reset by email link.
    anonymous = boom_app.test_client()
    assert anonymous.post("/reset", data={"email": f"new-{s.lower()}@example.org"}).status_code == 200
    with boom_app.app_context():
        sent = [m.get_content() for m in mail.outbox()]
    reset_token = _token_after(r"/reset/([A-Za-z0-9_\-]+)", "\n".join(sent))
    assert anonymous.get(f"/reset/{reset_token}").status_code == 200
    assert anonymous.post(f"/reset/{reset_token}", data={"password": f"reset {s} phrase",
                                                         "password_again": f"reset {s} phrase"}).status_code == 302

    # A crash while all this is in the database: logged (the capture works), without content.
    assert web.get("/boom-for-test").status_code == 500
    logged = logged_text(all_logs)
    assert "RuntimeError" in logged
    assert not sentinel_in(logged)
    assert invite_token not in logged
    assert reset_token not in logged
    assert sign_in_token not in logged


@pytest.mark.committing  # a connection decides whether to log SQL when it opens: it must open after the switch
def test_sql_logging_at_info_holds_no_user_text(app, client, caplog):
    """SECURITY.md 17: even with SQL statement logging on at INFO, what users type doesn't reach the logs."""
    engine_logger = logging.getLogger("sqlalchemy.engine")
    saved = (engine_logger.level, engine_logger.disabled)
    engine_logger.disabled = False
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    try:
        client.post("/register", data={"display_name": f"Name {SENTINEL}", "email": "sql-log@example.org",
                                       "role": "person", "timezone": "UTC", "password": PASSWORD,
                                       "password_again": PASSWORD})
    finally:
        engine_logger.setLevel(saved[0])
        engine_logger.disabled = saved[1]
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # statements were logged
    assert not sentinel_in(logged_text(caplog))


EVIL_NEXT = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil",
    "/\\/evil.example",
    "\\\\evil.example",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    " //evil.example",
    "///evil.example",
]


def _assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert parts.netloc in ("", "mend.test"), location
    assert parts.scheme in ("", "http", "https"), location
    assert parts.path.startswith("/") and not parts.path.startswith("//"), location
    assert "\\" not in location and "evil" not in location, location


@pytest.mark.parametrize("target", EVIL_NEXT, ids=repr)
def test_next_redirects_only_to_local_paths(make_user, target):
    """SECURITY.md 15: login's next= never sends the browser to another site, logging in or already logged in."""
    from flask import current_app

    user = make_user()
    web = current_app.test_client()
    resp = web.post("/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    _assert_local(resp.headers["Location"])
    resp = web.get("/login", query_string={"next": target})  # already logged in: sent on at once
    assert resp.status_code == 302
    _assert_local(resp.headers["Location"])
    resp = current_app.test_client().post(
        "/register", query_string={"next": target},
        data={"display_name": "N", "email": f"n{user.id}@example.org", "role": "person", "timezone": "UTC",
              "password": PASSWORD, "password_again": PASSWORD})
    assert resp.status_code == 200  # "check your email": neither its links nor the mailed link carry the target
    assert "evil" not in resp.get_data(as_text=True)
    [sent] = [m.get_content() for m in mail.outbox() if m["To"] == f"n{user.id}@example.org"]
    assert "/start/" in sent and "evil" not in sent


def test_next_to_a_local_path_is_followed(make_user, client):
    """SECURITY.md 15: a local next= is honoured (so the refusals above are refusals, not a broken next=)."""
    user = make_user()
    resp = client.post("/login", query_string={"next": "/circle/"}, data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/circle/"
