"""Fixtures for the browser tests: one live server with the demo circle, one headless Chromium.

The server is the real app (CSRF on, as in production; rate limits off, since the suite logs
in dozens of times from one address) served by werkzeug on a free port of 127.0.0.1, in a
thread of the test process. It always uses its own temporary SQLite file, even when
MEND_TEST_DATABASE_URL points the rest of the suite at PostgreSQL: these tests are about what a
browser shows, which does not depend on the database, and a private file keeps them from
emptying tables under other tests.

Without /usr/bin/chromium or the playwright package the whole folder is skipped, unless
MEND_REQUIRE_BROWSER=1 (CI), in which case every test here fails and says what is missing.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, HERE

# Patient waits: on a busy two-core machine a page can take seconds to answer. A test that is wrong
# still fails (after the wait); a right one no longer fails because another job was running.
ACTION_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000


def browser_problem() -> str | None:
    """Say what is missing to run a real browser here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    return None


def browser_required() -> bool:
    return os.environ.get("MEND_REQUIRE_BROWSER", "") not in ("", "0", "false")


def pytest_collection_modifyitems(config, items):
    """Mark every test here `e2e`; skip them when no browser is available, unless one is required.

    Under pytest-xdist with `--dist loadgroup` (manage.py test) all of them run on one worker, so that
    one browser, one live server and one walk of the pages serve them all (tests/conftest.py's
    pytest_xdist_make_scheduler).
    """
    problem = browser_problem()
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if problem and not browser_required():
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}; "
                                                    "set MEND_REQUIRE_BROWSER=1 to make this a failure"))


@dataclass
class LiveServer:
    """A running Mend server and the app object behind it (for looking things up in its database)."""

    app: object
    url: str

    def db(self):
        """An app context for direct reads and writes in the server's database."""
        return self.app.app_context()


class _QuietHandler:
    """Build werkzeug's request handler without one access-log line per request."""

    @staticmethod
    def make():
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs):
                pass

        return Handler


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Start the app on a free local port with a migrated database holding the demo circle."""
    yield from _serve(tmp_path_factory, "e2e-instance")


@pytest.fixture(scope="session")
def spanish_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Another server offering English and Spanish, whose demo circle was made in Spanish (its people read and
    wrote Spanish): `flask --app app demo --lang es`."""
    yield from _serve(tmp_path_factory, "e2e-spanish", language="es",
                      LANGUAGES=("en", "es"), PREVIEW_LANGUAGES=True)


def _serve(tmp_path_factory, name: str, language: str = "", **overrides) -> Iterator[LiveServer]:
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from recovery import create_app
    from recovery.db import db
    from recovery.demo import create_demo

    instance = tmp_path_factory.mktemp(name)
    config = {
        "SECRET_KEY": "e2e-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'mend-e2e.db'}",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "MAIL_BACKEND": "outbox",
        # Mail and push leave through the job queue: here a thread of the server's process runs it.
        "JOBS_BACKEND": "memory",
        "JOBS_EMBEDDED": True,
        # Cheap hashing: the journeys register and log in many times.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST_KIB": 8,
        "ARGON2_PARALLELISM": 1,
        **overrides,
    }
    os.environ["MEND_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(config)
    finally:
        os.environ.pop("MEND_INSTANCE_PATH", None)
    with app.app_context():
        upgrade()
        create_demo(DEMO_PASSWORD, language=language)
        db.session.commit()
        db.session.remove()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler.make())
    # Links that leave the page (invitations, calendar) come from BASE_URL, known once the port is.
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="mend-e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run."""
    problem = browser_problem()
    if problem:
        pytest.fail(f"MEND_REQUIRE_BROWSER is set but {problem}", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_context(browser, live_server, **options):
    """A fresh browser context (its own cookie jar) on the live server, 1280×800 unless told."""
    options.setdefault("viewport", {"width": 1280, "height": 800})
    options.setdefault("timezone_id", "America/New_York")
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts for this test: new_context(**options); closed afterwards."""
    contexts = []

    def make(**options):
        context = open_context(browser, live_server, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def demo(live_server) -> dict:
    """The demo circle's ids, and two fresh tokens (an invitation from Jordan, a reset link for Pat)."""
    from tests.e2e.helpers import demo_ids

    return demo_ids(live_server)


@dataclass
class PageCheck:
    """What one visit of the walk found."""

    who: str
    path: str
    expected: int
    status: int
    violations: list  # axe violations of any impact, at 1280×800
    phone_overflow: str | None  # how the page scrolls sideways at 360×740, if it does


@pytest.fixture(scope="session")
def walk(browser, live_server, demo) -> list[PageCheck]:
    """Open every page of pages.py once, as its user: run axe on a laptop, then measure it on a phone.

    One walk feeds two tests (axe-clean, and no sideways scrolling on a phone) so that each
    page is loaded once; the window is resized in place, which re-applies the media queries.
    """
    from tests.e2e.helpers import log_in_demo, overflow, run_axe
    from tests.e2e.pages import LOVED_ONE, PERSON, PUBLIC, SUPPORTER, page_urls

    contexts = {who: open_context(browser, live_server) for who in (PUBLIC, PERSON, LOVED_ONE, SUPPORTER)}
    pages = {PUBLIC: contexts[PUBLIC].new_page(),
             PERSON: log_in_demo(contexts[PERSON], PERSON),
             LOVED_ONE: log_in_demo(contexts[LOVED_ONE], LOVED_ONE),
            SUPPORTER: log_in_demo(contexts[SUPPORTER], SUPPORTER)}
    checks = []
    try:
        for who, path, expected in page_urls(live_server, demo):
            page = pages[who]
            page.set_viewport_size({"width": 1280, "height": 800})
            response = page.goto(path)
            violations = run_axe(page)
            page.set_viewport_size({"width": 360, "height": 740})
            checks.append(PageCheck(who, path, expected, response.status, violations, overflow(page)))
    finally:
        for context in contexts.values():
            context.close()
    return checks


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
