"""Logs under gunicorn: audit lines reach the log, and a URL can't forge an access-log line (issue 14: 9, 10)."""

import os
import urllib.error
import urllib.parse
import urllib.request

from recovery.db import db
from recovery.logs import redact
from tests.factories import PASSWORD
from tests.live_gunicorn import TEST_ENV, flask, gunicorn


def _post(url: str, fields: dict) -> int:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_control_characters_are_escaped_in_log_lines():
    """SECURITY.md 32: a line break, tab or other control character is written escaped, never as a new line."""
    assert redact("/x\r\nFAKE 200") == "/x\\x0d\\x0aFAKE 200"
    assert redact("a\x1b]0;title\x07b\u2028c") == "a\\x1b]0;title\\x07b\\u2028c"
    assert redact("\x1b[33mGET /x\x1b[0m") == "\x1b[33mGET /x\x1b[0m"  # the dev server's colours stay
    assert redact("/circle/join/abcDEF123") == "/circle/join/[token]"


def test_under_gunicorn_audit_lines_appear_and_urls_cannot_forge_lines(app, database_url, tmp_path):
    """SECURITY.md 32: under gunicorn the audit lines are in its output; a %0d%0a path stays on one line."""
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": database_url}
    env.pop("MEND_TEST_DATABASE_URL", None)
    db.session.commit()
    db.engine.dispose()
    flask(env, "db", "upgrade")
    output = tmp_path / "gunicorn.log"
    with gunicorn(env, workers=1, output=output) as base:
        email = "log-test@example.org"
        fields = {"display_name": "L", "email": email, "password": PASSWORD, "password_again": PASSWORD,
                  "role": "person", "timezone": "UTC"}
        assert _post(base + "/register", fields) in (200, 302)
        assert _post(base + "/login", {"email": email, "password": PASSWORD}) in (200, 302)
        assert _get(base + "/nothing%0d%0aFORGED-LINE%20200") == 404
    text = output.read_text(encoding="utf-8", errors="replace")
    assert "audit account.create account=" in text
    assert "audit login.ok account=" in text
    assert email not in text and PASSWORD not in text
    lines = text.splitlines()
    assert not any(line.startswith("FORGED-LINE") for line in lines), text[-2000:]
    assert any("\\x0d\\x0aFORGED-LINE" in line for line in lines), text[-2000:]
