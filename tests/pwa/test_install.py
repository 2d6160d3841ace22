"""Mend installable (recovery/pwa): the manifest, the icons, favicon.ico, the service worker and the offline page.

What a browser does with them (the worker registers, the manifest is installable, the offline page shows,
logging out empties the cache) is proved in Chromium by tests/e2e/test_install.py.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from recovery.pwa.routes import SHELL_FILES
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PALETTE = (ROOT / "static/css/mend.css").read_text()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def worker_constant(source: str, name: str):
    """A constant of the service worker (`var NAME = <JSON>;`), as the browser would read it."""
    [value] = re.findall(rf"^var {name} = (.+);$", source, flags=re.M)
    return json.loads(value)


def test_the_manifest_names_mend_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["name"], manifest["short_name"], manifest["start_url"], manifest["display"]) == (
        "Mend", "Mend", "/", "standalone")
    assert manifest["scope"] == "/" and manifest["id"] == "/"
    # The colours are the palette's own: the paper of every page.
    for colour in (manifest["theme_color"], manifest["background_color"]):
        assert re.search(rf"--bg: {colour};", PALETTE)
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable"),
            ("any", "any")} <= purposes
    for icon in manifest["icons"]:
        found = client.get(icon["src"])
        assert found.status_code == 200 and found.mimetype == icon["type"], icon["src"]
        if icon["type"] == "image/png":
            width, height = png_size(found.data)
            assert f"{width}x{height}" == icon["sizes"], icon["src"]
        else:
            assert b"<svg" in found.data


def test_the_maskable_icons_and_the_apple_icon_fill_their_square(client):
    """Launchers cut maskable icons to their own shape, and iOS shows transparency as black: no alpha."""
    for path, size in (("/static/icons/maskable-192.png", 192), ("/static/icons/maskable-512.png", 512),
                       ("/static/icons/apple-touch-icon.png", 180)):
        data = client.get(path).data
        assert png_size(data) == (size, size)
        assert data[25] == 2, f"{path} should be RGB without an alpha channel"


def test_favicon_ico_is_served_at_the_root_as_a_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.headers["Cache-Control"] == "no-cache" and response.headers.get("ETag")
    assert response.data == (ROOT / "static/icons/favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", response.data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = sorted(response.data[6 + 16 * i] for i in range(count))
    assert sizes == [16, 32, 48]


@pytest.mark.parametrize("who", ["visitor", "person"])
def test_every_page_links_the_manifest_the_icons_and_the_worker(app, client, as_user, who):
    if who == "person":
        client = as_user(factories.make_user())
        page = client.get("/settings").get_data(as_text=True)
    else:
        page = client.get("/").get_data(as_text=True)
    head = page.split("</head>")[0]
    assert '<link rel="manifest" href="/manifest.webmanifest">' in head
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in head
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in head
    assert '<script src="/static/js/install.js" data-worker="/sw.js" defer></script>' in head


def test_the_service_worker_is_served_at_the_root_never_cached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-store"  # the browser always checks for a new worker
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_static_files_may_be_kept_but_are_checked_again(client):
    """The shell's files are cached by the browser and revalidated (ETag), never stored forever."""
    response = client.get("/static/css/mend.css")
    assert response.headers["Cache-Control"] == "no-cache" and response.headers.get("ETag")


def test_the_worker_keeps_only_static_files_and_the_offline_page(app, client, as_user):
    """Nothing behind a login is in the list of what the worker stores, and each entry opens without one."""
    source = client.get("/sw.js").get_data(as_text=True)
    shell = worker_constant(source, "SHELL")
    # Static files (favicon.ico is one, at the root) and the offline page.
    assert shell == ["/offline", *(f"/static/{name}" for name in SHELL_FILES if name != "icons/favicon.ico"),
                     "/favicon.ico"]
    anonymous = app.test_client()
    for path in shell:
        response = anonymous.get(path)
        assert response.status_code == 200, path  # not a redirect to the login page
    # Of the app's own addresses, only the offline page (and favicon.ico, a static file) is kept.
    rules = {rule.rule: rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert {path: rules[path] for path in shell if path in rules} == {"/offline": "pwa.offline",
                                                                      "/favicon.ico": "static"}
    assert worker_constant(source, "OFFLINE_URL") == "/offline"
    assert worker_constant(source, "LOGOUT_URL") == "/logout"


def test_the_worker_stores_nothing_but_the_shell(client):
    """Read the worker: pages (navigations) are fetched and never put in a cache; only shell files are."""
    source = client.get("/sw.js").get_data(as_text=True)
    navigate = source.split('request.mode === "navigate"', 1)[1].split("if (inShell(url))", 1)[0]
    assert "fetch(request)" in navigate and ".put(" not in navigate
    stores = re.findall(r"\.(put|add|addAll)\(", source)
    assert sorted(stores) == ["add", "put"]
    assert "return found || cache.add(shellRequest(path));" in source  # from SHELL, fetched without cookies
    assert 'credentials: "omit"' in source
    assert re.search(r"if \(inShell\(url\)\) \{.*?cache\.put\(url\.pathname, copy\)", source, flags=re.S)


def test_the_worker_clears_its_cache_when_someone_logs_out(client):
    source = client.get("/sw.js").get_data(as_text=True)
    assert re.search(r'request\.method === "POST" && url\.pathname === LOGOUT_URL\) \{\s*'
                     r'(//[^\n]*\n\s*)*event\.waitUntil\(forgetEverything\(\)\)', source)
    assert re.search(r"function forgetEverything\(\) \{\s*return caches\.keys\(\)\.then\(.*caches\.delete",
                     source, flags=re.S)


def test_the_worker_shows_push_and_opens_only_this_site(client):
    source = client.get("/sw.js").get_data(as_text=True)
    assert 'self.addEventListener("push"' in source and "showNotification(title" in source
    assert 'self.addEventListener("notificationclick"' in source
    assert "url.origin === self.location.origin ? url.href : null" in source
    assert "openWindow(target)" in source


def test_the_worker_changes_when_a_shell_file_changes(app, client, monkeypatch, tmp_path):
    """Browsers install a new worker (and fetch the shell anew) only when the script's bytes change."""
    before = worker_constant(client.get("/sw.js").get_data(as_text=True), "VERSION")
    static = tmp_path / "static"
    for name in SHELL_FILES:
        (static / name).parent.mkdir(parents=True, exist_ok=True)
        (static / name).write_bytes((ROOT / "static" / name).read_bytes())
    (static / "css/mend.css").write_text("/* changed */")
    monkeypatch.setattr(app, "static_folder", str(static))
    app.extensions.pop("mend_pwa_version", None)
    try:
        after = worker_constant(client.get("/sw.js").get_data(as_text=True), "VERSION")
    finally:
        app.extensions.pop("mend_pwa_version", None)
    assert after != before


@pytest.mark.parametrize("who", ["visitor", "person"])
def test_the_offline_page_is_the_same_for_everyone(app, client, as_user, who):
    """No name, no email, no menu, no form or CSRF token: it is kept in a cache."""
    user = factories.make_user(name="Rowan Sentinel", email="rowan.sentinel@example.org")
    if who == "person":
        client = as_user(user)
    response = client.get("/offline")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "You're offline. Mend will be back when you're connected." in page.replace("&#39;", "'")
    for private in ("Rowan", "rowan.sentinel", "csrf", "<form", "Log out", "/logout"):
        assert private not in page
    assert "Phone lines work without the internet." in page
    assert 'href="tel:988"' in page  # the server's country (US): its crisis line


def test_the_offline_page_keeps_to_the_content_security_policy(client):
    page = client.get("/offline").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page
    assert '<link rel="stylesheet" href="/static/css/mend.css">' in page


def test_logging_out_asks_the_browser_to_empty_its_caches(app, make_user, login):
    """Both ways of logging out answer with Clear-Site-Data: "cache", so nothing of Mend stays cached."""
    from tests.forms import form_data

    for quick in ("", "1"):
        client = login(app.test_client(), make_user())
        page = client.get("/home").get_data(as_text=True)
        data = form_data(page, action="/logout")
        if quick:
            data["quick"] = "1"
        response = client.post("/logout", data=data)
        assert response.headers["Clear-Site-Data"] == '"cache"'
