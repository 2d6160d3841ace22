#!/usr/bin/env python3
"""Regenerate the README screenshots from the demo circle.

Usage (after `python3 manage.py start` has set up .venv once):
    .venv/bin/python docs/make_screenshots.py            # the English ones
    .venv/bin/python docs/make_screenshots.py --lang es  # the Spanish ones (es-*.png), a demo made in Spanish

Needs Debian's Chromium (`apt-get install -y chromium`) and the `playwright` package
from requirements-dev.txt; never `playwright install`. Starts its own server on a free
local port with a throwaway database, so your own data is never touched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
FLASK = Path(sys.executable).with_name("flask")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "demo circle of trust"

# (file name, who, path, width, height)
SHOTS = [
    ("welcome", None, "/", 1280, 800),
    ("person-home", "jordan", "/home", 1280, 800),
    ("person-circle", "jordan", "/circle/", 1280, 800),
    ("person-commitment-phone", "jordan", "/tracker/commitments/1", 360, 740),
    ("person-tracker", "jordan", "/tracker/", 1280, 800),
    ("loved-one-home", "sam", "/home", 1280, 800),
    ("loved-one-circle-phone", "sam", "/circle/", 360, 740),
    ("loved-one-shared-tracker", "sam", "/circle/1/tracker", 1280, 800),
    ("loved-one-trust", "sam", "/trust/", 1280, 800),
    ("person-amends", "jordan", "/amends/", 1280, 800),
    ("person-amends-entry-phone", "jordan", "/amends/2", 360, 740),
    ("loved-one-boundary", "sam", "/boundaries/1", 1280, 800),
    ("person-plan-phone", "jordan", "/talk/plans/1", 360, 740),
    ("loved-one-talks", "sam", "/talk/", 1280, 800),
    ("person-shared-boundaries-phone", "jordan", "/circle/1/boundaries", 360, 740),
    ("person-home-phone", "jordan", "/home", 360, 740),
    ("loved-one-home-phone", "sam", "/home", 360, 740),
    ("person-commitment-form-phone", "jordan", "/tracker/commitments/new", 360, 740),
    ("person-amends-form-phone", "jordan", "/amends/new", 360, 740),
    ("person-tracker-phone", "jordan", "/tracker/", 360, 740),
    ("loved-one-looking-after-me-phone", "sam", "/looking-after-me/", 360, 740),
    ("person-hard-days-plan-phone", "jordan", "/plan/", 360, 740),
    ("loved-one-shared-plan-phone", "sam", "/circle/1/plan", 360, 740),
    ("person-find-help", "jordan", "/help/near-me/", 1280, 800),
    ("loved-one-wellbeing", "sam", "/looking-after-me/wellbeing", 1280, 800),
    ("supporter-overview", "rivera", "/supporting/", 1280, 800),
    ("person-supporter-consent-phone", "jordan", "/supporters/4/consent", 360, 740),
    ("supporter-prepare-phone", "rivera", "/supporting/4/prepare", 360, 740),
    ("person-supporters", "jordan", "/supporters/", 1280, 800),
]

# The same demo made in Spanish (`flask demo --lang es`), on a phone.
SHOTS_ES = [
    ("es-person-home-phone", "jordan", "/home", 360, 740),
    ("es-person-guide-phone", "jordan", "/talk/scripts/making-an-amends", 360, 740),
    ("es-loved-one-trust-phone", "sam", "/trust/", 360, 740),
    ("es-welcome-phone", None, "/?lang=es", 360, 740),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    spanish = sys.argv[1:] == ["--lang", "es"]
    shots = SHOTS_ES if spanish else SHOTS
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as instance:
        # A throwaway server: no rate limit on its many demo logins.
        env = {**os.environ, "MEND_INSTANCE_PATH": instance, "MEND_RATELIMIT_ENABLED": "false"}
        env.pop("DATABASE_URL", None)
        run = lambda *args: subprocess.run([str(FLASK), "--app", "app", *args], cwd=ROOT, env=env,  # noqa: E731
                                           check=True, capture_output=True)
        run("db", "upgrade")
        run("demo", "--password", PASSWORD, *(["--lang", "es"] if spanish else []))
        port = free_port()
        server = subprocess.Popen([str(FLASK), "--app", "app", "run", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(50):
                try:
                    urllib.request.urlopen(base + "/login", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for name, who, path, width, height in shots:
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  timezone_id="America/New_York")
                    page = context.new_page()
                    if who:
                        page.goto(base + "/login")
                        page.fill("#email", f"{who}@demo.mend.example")
                        page.fill("#password", PASSWORD)
                        page.click("form:has(#password) button[type=submit]")
                        page.wait_for_url(lambda url: url.endswith(("/home", "/supporting/")))
                    page.goto(base + path)
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                    print(f"docs/screenshots/{name}.png")
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
