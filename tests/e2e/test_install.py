"""Mend as an installed app, in Chromium: the service worker, the manifest, the offline page, web push.

- The worker registers for the whole site and the manifest is found with no errors; Chromium's own
  installability check (the one behind "Install app" and Lighthouse) finds nothing missing. Chromium
  refuses to install from an incognito profile, and every Playwright context is one, so that check runs
  in a persistent profile of the same browser.
- With the network gone, a page shows the offline page, styled from the worker's cache.
- Pages behind login never reach the cache, and logging out empties it.
- Web push: with the notification permission granted, "Send reminders to this device" subscribes this
  browser. Headless Chromium can't reach a real push service (Google's, for Chrome): in an incognito
  context it refuses at once, and elsewhere its subscribe() waits for Google forever. So the page's
  PushManager is given a stand-in that makes a subscription the way a browser does (a P-256 key pair and
  an auth secret, made by WebCrypto) with an endpoint on a local push service. Everything else is real:
  push.js, the routes, the job, the encryption; the local service decrypts with the browser's private
  key. The message is then handed to the service worker through the DevTools protocol, and the
  notification it shows is read back.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric import ec

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, demo_email, expect, log_in, open_menu
from tests.notifications.push_service import PushService, unb64url

SHELL_QUERY = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) found.push(new URL(request.url).pathname);
  }
  return found;
}"""


SHOWN_QUERY = """() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(
  n => ({title: n.title, body: n.body, url: n.data.url, icon: n.icon})))"""


def eventually(page, expression: str, check, seconds: float = 5):
    """Evaluate `expression` (its promise awaited) until `check` holds or time is up; return the last value."""
    value = page.evaluate(expression)
    for _ in range(int(seconds * 10)):
        if check(value):
            break
        page.wait_for_timeout(100)
        value = page.evaluate(expression)
    return value


def worker_ready(page) -> str:
    """Wait until the service worker is active and controls the page; return its script's URL."""
    url = page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)")
    # clients.claim() takes the pages open when the worker activates; a page whose navigation was already on
    # its way then stays uncontrolled until the next load, as in any browser. Load it again in that case.
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    return url


def shell_list(page) -> list[str]:
    source = page.request.get("/sw.js").text()
    [value] = re.findall(r"^var SHELL = (.+);$", source, flags=re.M)
    return json.loads(value)


def run_jobs(app) -> None:
    """Run what the live server queued, as its job consumer would (the e2e server runs none of its own)."""
    from recovery import jobs

    with app.app_context():
        queue = jobs.queue()
        if queue.embedded:
            assert jobs.drain(10)
            return
        while (task := queue.huey.dequeue()) is not None:
            queue.huey.execute(task)


@pytest.fixture
def profile(browser, live_server, tmp_path):
    """A persistent (not incognito) Chromium profile on the live server, from the suite's own browser."""
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server.url,
        viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_the_worker_registers_and_chromium_finds_mend_installable(profile, live_server):
    page = profile.new_page()
    page.goto("/")
    assert worker_ready(page) == f"{live_server.url}/sw.js"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == f"{live_server.url}/"
    cdp = profile.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    # The icons Chromium would put on the home screen load.
    for src in ("/static/icons/icon-192.png", "/static/icons/maskable-512.png", "/static/icons/apple-touch-icon.png"):
        assert page.request.get(src).status == 200


def test_offline_a_page_shows_the_offline_page_from_the_cache(new_context, artifacts):
    context = new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/")
    worker_ready(page)
    context.set_offline(True)
    try:
        page.goto("/help")
        expect(page).to_have_title("You're offline · Mend")
        expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
        expect(page.get_by_text("You're offline. Mend will be back when you're connected.")).to_be_visible()
        expect(page.get_by_text("Phone lines work without the internet.")).to_be_visible()
        # mend.css came from the cache: the page has its paper colour, not the browser's white.
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 247, 242)"
        page.screenshot(path=str(artifacts / "offline-360.png"), full_page=True)
    finally:
        context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page).to_have_title(re.compile(r"Mend"))
    assert "You're offline" not in page.title()


def test_pages_behind_login_never_reach_the_cache(new_context):
    context = new_context()
    page = context.new_page()
    log_in(page, demo_email("jordan"))
    worker_ready(page)
    for path in ("/home", "/tracker/today", "/amends/", "/settings", "/settings/reminders", "/circle/"):
        assert page.goto(path).status == 200
    page.goto("/home")
    kept = page.evaluate(SHELL_QUERY)
    shell = shell_list(page)
    assert kept and set(kept) <= set(shell), sorted(set(kept) - set(shell))
    assert all(path in ("/offline", "/favicon.ico") or path.startswith("/static/") for path in kept)


def test_logging_out_empties_the_workers_cache(new_context):
    context = new_context()
    page = context.new_page()
    log_in(page, demo_email("pat"))
    worker_ready(page)
    page.evaluate("""caches.open("left-behind").then(c => c.put("/static/left-behind.txt", new Response("x")))""")
    page.goto("/settings")  # an ordinary page changes nothing
    assert "left-behind" in page.evaluate("caches.keys()")
    open_menu(page)
    page.get_by_role("button", name="Log out", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    assert eventually(page, "caches.keys()", lambda names: "left-behind" not in names)
    assert "/static/left-behind.txt" not in page.evaluate(SHELL_QUERY)
    assert set(page.evaluate(SHELL_QUERY)) <= set(shell_list(page))


def test_in_a_browser_without_push_turning_it_on_fails_kindly_and_saves_nothing(new_context, live_server):
    """An incognito context: Chromium refuses push there, so the page says so and no device is saved."""
    from recovery.db import db
    from recovery.notifications.models import PushSubscription

    context = new_context()
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    log_in(page, demo_email("sam"))
    page.goto("/settings/reminders")
    section = page.locator("#this-device")
    expect(section.get_by_text("Turning this on needs JavaScript")).to_be_hidden()
    section.get_by_role("button", name="Send reminders to this device").click()
    expect(section.locator("[data-push-status]")).to_have_text(
        "This browser couldn't set up reminders. Please try again, or use email reminders.")
    with live_server.db():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


# A browser's subscription, made as Chromium makes one, at a push service of the test's choosing.
STAND_IN = """(() => {
  const SERVICE = %s;
  const b64 = bytes => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  function wrap(saved) {
    return {
      endpoint: saved.endpoint, expirationTime: null,
      toJSON: () => ({endpoint: saved.endpoint, expirationTime: null, keys: saved.keys}),
      unsubscribe: () => { localStorage.removeItem("stand-in-push"); return Promise.resolve(true); },
    };
  }
  PushManager.prototype.getSubscription = function () {
    const saved = localStorage.getItem("stand-in-push");
    return Promise.resolve(saved ? wrap(JSON.parse(saved)) : null);
  };
  PushManager.prototype.subscribe = async function (options) {
    if (Notification.permission !== "granted") throw new DOMException("Registration failed", "NotAllowedError");
    const pair = await crypto.subtle.generateKey({name: "ECDH", namedCurve: "P-256"}, true, ["deriveBits"]);
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const saved = {
      endpoint: SERVICE + "/wpush/v2/" + b64(crypto.getRandomValues(new Uint8Array(18))),
      keys: {p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16)))},
    };
    const serverKey = b64(new Uint8Array(options.applicationServerKey));
    await window.keepPushSubscription({...saved, d: jwk.d, serverKey});
    localStorage.setItem("stand-in-push", JSON.stringify(saved));
    return wrap(saved);
  };
})();"""


def browser_key(d: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(unb64url(d), "big"), ec.SECP256R1())


def test_push_from_the_settings_page_to_a_notification_on_screen(profile, live_server, artifacts):
    import http_ece

    from recovery.accounts.models import User
    from recovery.db import db
    from recovery.notifications import push
    from recovery.notifications.models import PushSubscription

    made = []
    with PushService() as service:
        profile.expose_function("keepPushSubscription", lambda found: made.append(found))
        profile.add_init_script(STAND_IN % json.dumps(service.origin))
        profile.grant_permissions(["notifications"], origin=live_server.url)
        page = profile.new_page()
        log_in(page, demo_email("jordan"))
        with live_server.db():
            jordan = db.session.scalar(sa.select(User.id).where(User.email == demo_email("jordan")))
            server_key = push.public_key()
        try:
            page.goto("/settings/reminders")
            section = page.locator("#this-device")
            expect(section.get_by_text("Turning this on needs JavaScript")).to_be_hidden()
            section.get_by_role("button", name="Send reminders to this device").click()

            # The page reloads with the device listed and marked as this one.
            expect(page.locator(".flashes")).to_contain_text("This device will get your reminders now.")
            [found] = made
            assert found["serverKey"] == server_key
            row = section.locator(".list-row", has_text="Chrome on Linux")
            expect(row.get_by_text("This device")).to_be_visible()
            expect(section.get_by_role("button", name="Stop on this device")).to_be_visible()
            expect(section.get_by_role("button", name="Send reminders to this device")).to_be_hidden()
            with live_server.db():
                [device] = db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == jordan))
                assert (device.endpoint, device.p256dh, device.auth) == (
                    found["endpoint"], found["keys"]["p256dh"], found["keys"]["auth"])
            page.screenshot(path=str(artifacts / "push-this-device-1280.png"), full_page=True)

            # "Send a test reminder": the job encrypts for this browser; the push service decrypts it.
            section.get_by_role("button", name="Send a test reminder").click()
            expect(page.locator(".flashes")).to_contain_text("A test reminder is on its way")
            run_jobs(live_server.app)
            [message] = service.wait_for(1)
            assert message.path == found["endpoint"].removeprefix(service.origin)
            payload = http_ece.decrypt(message.body, private_key=browser_key(found["d"]),
                                       auth_secret=unb64url(found["keys"]["auth"]), version="aes128gcm")
            data = json.loads(payload)
            assert data == {"title": push.TEST_TITLE, "body": push.TEST_BODY, "url": f"{live_server.url}/"}

            # The service worker shows it: handed over as the browser's push service would.
            registrations = []
            cdp = profile.new_cdp_session(page)
            cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
            cdp.send("ServiceWorker.enable")
            page.wait_for_function("() => !!navigator.serviceWorker.controller")
            page.wait_for_timeout(300)  # the protocol's events arrive while Playwright waits
            [registration_id] = {r["registrationId"] for r in registrations if r["scopeURL"] == f"{live_server.url}/"}
            elsewhere = json.dumps({"title": "x", "body": "y", "url": "https://elsewhere.example/"})
            for body in (payload.decode(), elsewhere):
                cdp.send("ServiceWorker.deliverPushMessage", {
                    "origin": live_server.url, "registrationId": registration_id, "data": body})
            shown = eventually(page, SHOWN_QUERY, lambda found: len(found) >= 2, seconds=20)
            assert {"title": push.TEST_TITLE, "body": push.TEST_BODY, "url": f"{live_server.url}/",
                    "icon": f"{live_server.url}/static/icons/icon-192.png"} in shown
            # A message pointing elsewhere opens Mend's own home, never another site.
            assert {"title": "x", "body": "y", "url": f"{live_server.url}/",
                    "icon": f"{live_server.url}/static/icons/icon-192.png"} in shown

            # "Stop on this device": the browser and the server both forget it.
            section.get_by_role("button", name="Stop on this device").click()
            expect(page.locator(".flashes")).to_contain_text("This device won't get your reminders any more.")
            expect(section.locator(".list-row")).to_have_count(0)
            with live_server.db():
                assert db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == jordan)) == 0
        finally:
            with live_server.db():
                db.session.execute(sa.delete(PushSubscription).where(PushSubscription.user_id == jordan))
                db.session.commit()
