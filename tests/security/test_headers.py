"""SECURITY.md 16, 7 and 14: response headers, cookies, the production secret key and template hygiene."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recovery import ROOT
from tests.conftest import PASSWORD
from tests.security.world import build_world, walked_rules

TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


def _static_file() -> str:
    """Return the URL of one real file in static/ (whichever exists)."""
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    assert files, "static/ holds no file to fetch"
    return "/static/" + files[0].relative_to(STATIC).as_posix()


def _assert_common_headers(resp, where: str) -> None:
    """SECURITY.md 16: the headers every response carries."""
    csp = resp.headers.get("Content-Security-Policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'", (where, csp)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (where, csp)
    for header, value in resp.headers.items():
        assert "unsafe-inline" not in value, (where, header)
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "same-origin", where


def _no_store(resp) -> bool:
    return "no-store" in [v.strip() for v in resp.headers.get("Cache-Control", "").split(",")]


def test_headers_on_public_pages_errors_static_files_and_redirects(client):
    """SECURITY.md 16: CSP, nosniff and Referrer-Policy on public, 404, 405, static and redirect responses."""
    cases = {
        "public page": client.get("/"),
        "help page": client.get("/help"),
        "login form": client.get("/login"),
        "form error": client.post("/login", data={"email": "", "password": ""}),
        "404": client.get("/no-such-page"),
        "405": client.get("/logout"),
        "static file": client.get(_static_file()),
        "redirect": client.get("/home"),
    }
    assert cases["public page"].status_code == 200
    assert cases["404"].status_code == 404
    assert cases["405"].status_code == 405
    assert cases["static file"].status_code == 200
    assert cases["redirect"].status_code == 302
    for where, resp in cases.items():
        _assert_common_headers(resp, where)


def test_every_logged_in_page_is_no_store(app, login):
    """SECURITY.md 16: behind login, every page (and its errors and redirects) carries Cache-Control: no-store."""
    world = build_world(app, login, b_shares=frozenset({"boundaries"}))
    client = world.clients["b"]
    paths = [r.rule for r in walked_rules(app) if not r.arguments and "GET" in r.methods]
    paths += [f"/circle/{world.ab_id}/tracker", f"/circle/{world.ab_id}/end", "/no-such-page", "/logout",
              f"/circle/{world.ab_id}/nope"]
    assert len(paths) > 10
    for path in paths:
        resp = client.get(path)
        assert resp.status_code < 500, path
        _assert_common_headers(resp, path)
        assert _no_store(resp), (path, resp.headers.get("Cache-Control"))
    assert client.get(f"/circle/{world.ab_id}/tracker").status_code == 200
    _assert_common_headers(client.get(_static_file()), "static file while logged in")


def test_hsts_only_over_https(client):
    """SECURITY.md 16: Strict-Transport-Security is sent over https and not over plain http."""
    secure = client.get("/", base_url="https://mend.test")
    plain = client.get("/", base_url="http://mend.test")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert "Strict-Transport-Security" not in plain.headers
    _assert_common_headers(secure, "https page")


def _session_cookie(resp, name: str = "mend_session") -> list[str]:
    """Return the attributes of the session cookie set by a response, lower-cased."""
    for header in resp.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return [part.strip().lower() for part in header.split(";")]
    raise AssertionError(f"no {name} cookie set")


def _login_response(app, user):
    return app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("overrides", "secure"),
    [
        ({}, False),
        ({"SESSION_COOKIE_SECURE": True}, True),
        ({"PRODUCTION": True, "SECRET_KEY": "production-key-9f2c4e7a1b3d5f608e1c"}, True),
    ],
    ids=["local-http", "secure-configured", "production"],
)
def test_session_cookie_flags(make_app, make_user, overrides, secure):
    """SECURITY.md 7: the session cookie is HttpOnly and SameSite=Lax, and Secure when configured or in production."""
    user = make_user()
    resp = _login_response(make_app(**overrides), user)
    assert resp.status_code == 302
    attrs = _session_cookie(resp)
    assert "httponly" in attrs
    assert "samesite=lax" in attrs
    assert ("secure" in attrs) is secure


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "secret", "x" * 31], ids=repr)
def test_production_refuses_a_weak_secret_key(make_app, key):
    """SECURITY.md 7: create_app in production refuses a missing, short or default secret key."""
    with pytest.raises(RuntimeError, match="secret key"):
        make_app(PRODUCTION=True, SECRET_KEY=key)


def test_production_accepts_a_long_secret_key_and_turns_debug_off(make_app):
    """SECURITY.md 17: a long secret key starts production, with debug forced off."""
    app = make_app(PRODUCTION=True, SECRET_KEY="production-key-9f2c4e7a1b3d5f608e1c", DEBUG=True)
    assert app.debug is False
    assert app.config["SESSION_COOKIE_SECURE"] is True


def _templates() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 10
    return files


TEMPLATE_RULES = {
    "|safe filter": re.compile(r"\|\s*safe\b"),
    "autoescape off": re.compile(r"autoescape\s+(false|False|off)"),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "on*= handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)


def test_templates_have_no_safe_inline_script_style_or_handlers():
    """SECURITY.md 14 and 16: no template uses |safe, inline <script> content, style=, <style> or on*= handlers."""
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES).as_posix()
        for label, pattern in TEMPLATE_RULES.items():
            found += [f"{name}: {label}: {m.group(0)!r}" for m in pattern.finditer(text)]
        found += [f"{name}: inline script {m.group(1).strip()[:40]!r}"
                  for m in INLINE_SCRIPT.finditer(text) if m.group(1).strip()]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("snippet", ['<p style="color:red">', "{{ x|safe }}", "<a onclick=\"go()\">",
                                     "<script>alert(1)</script>", "{{ name | safe }}"])
def test_template_scan_catches_what_it_forbids(snippet):
    """SECURITY.md 14: the template scan above really spots each forbidden construct."""
    hits = [label for label, p in TEMPLATE_RULES.items() if p.search(" " + snippet)]
    hits += ["script" for m in INLINE_SCRIPT.finditer(snippet) if m.group(1).strip()]
    assert hits


def test_nul_characters_are_refused_before_they_reach_the_database(client):
    """SECURITY.md 13: a NUL character (which PostgreSQL can't store) gets a 400 page, never a 500."""
    r = client.post("/login", data={"email": "a\x00@example.org", "password": "x" * 12})
    assert r.status_code == 400 and "didn't make sense" in r.get_data(as_text=True).replace("&#39;", "'")
    assert client.get("/login?next=/home\x00").status_code == 400
