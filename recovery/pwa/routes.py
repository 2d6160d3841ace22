"""What makes Mend installable, and what it shows with no connection.

- `/manifest.webmanifest`: name, colours and icons (static/icons/) for "Add to home screen".
- `/sw.js`: the service worker (templates/pwa/sw.js), at the root so that it serves every page. It
  keeps only the app shell (SHELL: static files and the offline page, never a page behind login),
  shows the offline page when a page can't load, empties its cache when someone logs out, and shows
  web push messages (recovery/notifications/push.py).
- `/offline`: the page shown offline. It is the same for everyone: no name, no menu, no form.
- `/favicon.ico`: static/icons/favicon.ico, for browsers and tools that ask for it at the root.

These are public: none of them depends on who is asking.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask_babel import gettext as _

from recovery.helplines import for_country, server_country
from recovery.i18n import page_language

bp = Blueprint("pwa", __name__)


@bp.record_once
def _favicon_at_the_root(state) -> None:
    """/favicon.ico, for browsers and tools that ask for it there: a static file like the others (same caching)."""
    state.app.add_url_rule("/favicon.ico", endpoint="static", defaults={"filename": "icons/favicon.ico"})

# Light paper and Mend's green, from static/css/mend.css (--bg, --primary).
BACKGROUND = "#faf7f2"
THEME = "#faf7f2"
# What the service worker keeps, as (static file or None for the offline page). Nothing behind login.
SHELL_FILES = (
    "css/mend.css", "css/tracker.css", "css/print.css", "js/mend.js", "js/install.js", "img/mend.svg",
    "icons/icon.svg", "icons/icon-192.png", "icons/badge-96.png", "icons/favicon.ico",  # the last: at /favicon.ico
)
_VERSION = "mend_pwa_version"


def shell() -> list[str]:
    """The URLs the service worker caches: the offline page and the static files of SHELL_FILES."""
    return [url_for("pwa.offline"), *(url_for("static", filename=name) for name in SHELL_FILES)]


def _version() -> str:
    """A short hash of the shell's files and the worker itself: when one changes, browsers install the new worker."""
    found = current_app.extensions.get(_VERSION)
    if found is None or current_app.debug:
        digest = hashlib.sha256()
        static = Path(current_app.static_folder)
        for name in SHELL_FILES:
            digest.update(name.encode() + b"\0" + (static / name).read_bytes())
        for name in ("pwa/sw.js", "pwa/offline.html"):
            source, _, _ = current_app.jinja_env.loader.get_source(current_app.jinja_env, name)
            digest.update(source.encode())
        found = current_app.extensions[_VERSION] = digest.hexdigest()[:12]
    return found


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: what a phone needs to put Mend on its home screen."""
    icon = lambda name: url_for("static", filename=f"icons/{name}")  # noqa: E731
    response = jsonify({
        "id": url_for("pages.index"),
        "name": "Mend",
        "short_name": "Mend",
        "description": _("Rebuild trust after substance use, together and at your own pace."),
        "lang": page_language(),
        "start_url": url_for("pages.index"),
        "scope": url_for("pages.index"),
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": THEME,
        "icons": [
            {"src": icon("icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": icon("maskable-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "maskable"},
            {"src": icon("maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker script (no-store, like every response that isn't a static file)."""
    body = render_template("pwa/sw.js", version=_version(), shell_files=shell(), offline_url=url_for("pwa.offline"),
                           logout_url=url_for("accounts.logout"),
                           icon=url_for("static", filename="icons/icon-192.png"),
                           badge=url_for("static", filename="icons/badge-96.png"))
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = url_for("pages.index")
    return response


@bp.get("/offline")
def offline():
    """The page shown when a page can't load: the same for everyone, with the help lines that need no internet."""
    return render_template("pwa/offline.html", help=for_country(server_country()))
