"""Web push (recovery/notifications/push.py and push_routes.py), proved against a real Web Push receiver.

The receiver (tests/notifications/push_service.py) is a local HTTP server that plays the browser's push
service. Each test subscribes as a browser would, with its own P-256 key pair and auth secret, through
the route the page's script posts to; what Mend sends is decrypted with the browser's private key and
its VAPID signature is checked with Mend's public key alone.

Tests that send are `committing`: the job runs in a thread of its own (JOBS_EMBEDDED, a queue in
memory) and reads the subscriptions through its own connection.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery import jobs
from recovery.accounts.models import AuditEvent
from recovery.db import db
from recovery.errors import NotFound, Refused
from recovery.notifications import push
from recovery.notifications.models import NotificationSettings, PushSubscription
from tests import factories
from tests.conftest import row_counts
from tests.forms import form_data
from tests.notifications.push_service import BrowserKeys, PushService, b64url, subscription_json, vapid_claims

SETTINGS = "/settings/reminders"
CHROME_ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
WAIT = 10


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


def subscribe(client, endpoint: str, keys: BrowserKeys | None = None, replaces: str | None = None,
              user_agent: str = CHROME_ANDROID):
    """POST a subscription the way static/js/push.js does."""
    keys = keys or BrowserKeys()
    body = {"subscription": subscription_json(endpoint, keys), "replaces": replaces}
    return client.post("/push/subscribe", json=body, headers={"User-Agent": user_agent})


def rows(user_id: int | None = None) -> list[PushSubscription]:
    query = sa.select(PushSubscription).order_by(PushSubscription.id)
    if user_id is not None:
        query = query.where(PushSubscription.user_id == user_id)
    db.session.expire_all()
    return list(db.session.scalars(query))


def fresh_device(user, endpoint: str = "https://fcm.googleapis.com/fcm/send/abc", keys: BrowserKeys | None = None):
    keys = keys or BrowserKeys()
    return push.turn_on(user.id, push.read_subscription(subscription_json(endpoint, keys)), CHROME_ANDROID)


# --- A real push, end to end -----------------------------------------------------------------------------


@pytest.mark.committing
def test_a_reminder_reaches_the_browser_encrypted_for_it_and_signed_by_mend(app, as_user, push_service):
    """Subscribe through the route, queue a push in a committed transaction: the receiver decrypts the JSON."""
    user = factories.make_user()
    client = as_user(user)
    page = client.get(SETTINGS).get_data(as_text=True)
    [public_key] = re.findall(r'data-public-key="([^"]+)"', page)
    assert public_key == push.public_key()
    keys, endpoint = BrowserKeys(), push_service.endpoint()
    assert subscribe(client, endpoint, keys).status_code == 200
    [row] = rows(user.id)
    assert row.last_used_at is None

    push.queue_push(user.id, "Time for today's check-in", "A check-in is still open for today.", "/tracker/today")
    assert push_service.wait_for(1, timeout=0.3) == []  # nothing leaves before the commit
    db.session.commit()
    assert jobs.drain(WAIT)

    [message] = push_service.received
    assert message.path == endpoint.removeprefix(push_service.origin)
    assert json.loads(keys.decrypt(message.body)) == {
        "title": "Time for today's check-in", "body": "A check-in is still open for today.",
        "url": "http://mend.test/tracker/today"}
    assert message.headers["content-encoding"] == "aes128gcm"
    assert message.headers["ttl"] == str(12 * 60 * 60)
    assert message.headers["urgency"] == "normal"
    claims = vapid_claims(message.headers["authorization"], public_key)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:mend@localhost"
    assert time.time() < claims["exp"] <= time.time() + 24 * 60 * 60
    assert rows(user.id)[0].last_used_at is not None


@pytest.mark.committing
def test_a_rolled_back_transaction_sends_nothing(app, push_service):
    user = factories.make_user()
    fresh_device(user, push_service.endpoint())
    db.session.commit()
    push.queue_push(user.id, "Mend", "Dropped.", "/")
    db.session.rollback()
    assert jobs.drain(WAIT)
    assert push_service.wait_for(1, timeout=0.5) == []


@pytest.mark.committing
def test_each_device_gets_its_own_copy_and_no_one_else_does(app, push_service):
    """Two browsers of one person each decrypt their copy; another person's browser gets nothing."""
    user, other = factories.make_user(), factories.make_user()
    mine = [(push_service.endpoint(), BrowserKeys()) for _ in range(2)]
    for endpoint, keys in mine:
        fresh_device(user, endpoint, keys)
    theirs = push_service.endpoint()
    fresh_device(other, theirs)
    db.session.commit()

    push.queue_push(user.id, "Mend", "You have something to look at in Mend.", "/home")
    db.session.commit()
    assert jobs.drain(WAIT)
    received = push_service.wait_for(2)
    assert sorted(m.path for m in received) == sorted(e.removeprefix(push_service.origin) for e, _ in mine)
    by_path = {m.path: m for m in received}
    for endpoint, keys in mine:
        body = json.loads(keys.decrypt(by_path[endpoint.removeprefix(push_service.origin)].body))
        assert body["body"] == "You have something to look at in Mend."


@pytest.mark.committing
@pytest.mark.parametrize("status", [404, 410])
def test_a_browser_that_is_gone_is_forgotten(app, push_service, status):
    """404 or 410 from the push service: the subscription ran out or was dropped, so its row goes."""
    user = factories.make_user()
    fresh_device(user, push_service.endpoint())
    db.session.commit()
    push_service.status = status
    push.queue_push(user.id, "Mend", "Hello.", "/")
    db.session.commit()
    assert jobs.drain(WAIT)
    assert len(push_service.received) == 1
    assert rows(user.id) == []


@pytest.mark.committing
def test_a_failing_push_service_keeps_the_device_and_logs_no_secret(app, push_service, caplog, monkeypatch):
    """A 500 keeps the row (it may work next time); no log line names the endpoint or the words.

    urllib3 logs each request's path at DEBUG: its lines are dropped while push is sent (the migrations'
    logging setup disables loggers made before it, so they are switched back on here).
    """
    for name in ("urllib3.connectionpool", "requests", "recovery"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    user = factories.make_user()
    endpoint = push_service.endpoint()
    fresh_device(user, endpoint)
    db.session.commit()
    push_service.status = 500
    caplog.set_level(logging.DEBUG)
    push.queue_push(user.id, "Mend", "zebra-sentinel-push", "/")
    db.session.commit()
    assert jobs.drain(WAIT)
    assert len(push_service.received) == 1
    [row] = rows(user.id)
    assert row.last_used_at is None
    token = endpoint.rsplit("/", 1)[1]
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "refused a message (status 500)" in logged
    assert token not in logged and "zebra-sentinel-push" not in logged and "/wpush/" not in logged


@pytest.mark.committing
def test_an_unreachable_push_service_is_logged_without_its_address(app, caplog):
    user = factories.make_user()
    with PushService() as gone:
        endpoint = gone.endpoint()
    fresh_device(user, endpoint)
    db.session.commit()
    caplog.set_level(logging.DEBUG)
    push.queue_push(user.id, "Mend", "Hello.", "/")
    db.session.commit()
    assert jobs.drain(WAIT)
    assert len(rows(user.id)) == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Could not reach a push service (ConnectionError)" in logged
    assert endpoint.rsplit("/", 1)[1] not in logged


@pytest.mark.committing
def test_the_test_button_sends_the_test_reminder(app, as_user, push_service):
    user = factories.make_user()
    client = as_user(user)
    keys = BrowserKeys()
    assert subscribe(client, push_service.endpoint(), keys).status_code == 200
    page = client.get(SETTINGS).get_data(as_text=True)
    response = client.post("/push/test", data=form_data(page, action="/push/test"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/reminders#this-device")
    assert jobs.drain(WAIT)
    [message] = push_service.received
    assert json.loads(keys.decrypt(message.body)) == {"title": push.TEST_TITLE, "body": push.TEST_BODY,
                                                     "url": "http://mend.test/"}
    assert "A test reminder is on its way" in client.get(SETTINGS).get_data(as_text=True)


@pytest.mark.committing
def test_the_server_key_is_made_once_readable_by_its_owner_only_and_kept(app):
    path = push._key_path()
    assert not path.exists()
    key = push.public_key()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if "vapid" in p.name] == ["vapid_private.pem"]
    app.extensions.pop("mend_vapid")
    assert push.public_key() == key  # read back from the file, not made anew


def test_a_configured_key_is_used_instead_of_the_file(app):
    configured = BrowserKeys().private
    pem = configured.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()).decode()
    app.config["VAPID_PRIVATE_KEY"] = pem
    app.extensions.pop("mend_vapid", None)
    try:
        assert push.public_key() == BrowserKeys(private=configured).p256dh
    finally:
        app.extensions.pop("mend_vapid", None)


def test_two_workers_making_the_key_at_once_use_the_same_one(tmp_path):
    path = tmp_path / "vapid_private.pem"
    push._make_key_file(path)
    first = path.read_bytes()
    push._make_key_file(path)  # the loser of a race: its key is thrown away
    assert path.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vapid_private.pem"]


@pytest.mark.parametrize(("config", "expected"), [
    ({}, "mailto:mend@localhost"),
    ({"MAIL_FROM": "Mend <care@mend.example.org>"}, "mailto:care@mend.example.org"),
    ({"BASE_URL": "https://mend.example.org"}, "https://mend.example.org"),
    ({"VAPID_SUBJECT": "mailto:admin@example.org"}, "mailto:admin@example.org"),
])
def test_the_subject_names_who_runs_the_server(app, config, expected):
    app.config.update(config)
    assert push.subject() == expected


# --- Turning push on and off: services -------------------------------------------------------------------


def test_turning_push_on_saves_the_browser_and_turns_push_on_in_the_settings(app):
    user = factories.make_user()
    assert db.session.get(NotificationSettings, user.id) is None
    row = fresh_device(user)
    assert (row.user_id, row.endpoint_hash, row.label) == (
        user.id, push.endpoint_hash("https://fcm.googleapis.com/fcm/send/abc"), "Chrome on Android")
    found = db.session.get(NotificationSettings, user.id)
    assert found.by_push is True and found.daily_on is False  # the rest keeps its defaults: off
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.user_id == user.id)).all()
    assert [(e.kind, e.detail) for e in events] == [("notify.settings", "push.on")]


def test_subscribing_again_updates_the_same_row(app):
    user = factories.make_user()
    first = fresh_device(user)
    keys = BrowserKeys()
    again = fresh_device(user, keys=keys)
    assert again.id == first.id and again.p256dh == keys.p256dh
    assert len(rows(user.id)) == 1


def test_a_fresh_subscription_replaces_this_persons_old_one(app):
    user = factories.make_user()
    fresh_device(user, "https://fcm.googleapis.com/fcm/send/old")
    new = push.read_subscription(subscription_json("https://fcm.googleapis.com/fcm/send/new", BrowserKeys()))
    push.turn_on(user.id, new, CHROME_ANDROID, replaces="https://fcm.googleapis.com/fcm/send/old")
    assert [r.endpoint for r in rows(user.id)] == ["https://fcm.googleapis.com/fcm/send/new"]


def test_replacing_never_touches_another_persons_browser(app):
    user, other = factories.make_user(), factories.make_user()
    fresh_device(other, "https://fcm.googleapis.com/fcm/send/theirs")
    new = push.read_subscription(subscription_json("https://fcm.googleapis.com/fcm/send/mine", BrowserKeys()))
    push.turn_on(user.id, new, CHROME_ANDROID, replaces="https://fcm.googleapis.com/fcm/send/theirs")
    assert [r.endpoint for r in rows(other.id)] == ["https://fcm.googleapis.com/fcm/send/theirs"]


def test_an_endpoint_another_person_has_is_refused_and_left_alone(app):
    user, other = factories.make_user(), factories.make_user()
    theirs = fresh_device(other)
    keys_before = (theirs.p256dh, theirs.auth)
    with pytest.raises(Refused):
        fresh_device(user)
    [row] = rows(other.id)
    assert (row.p256dh, row.auth) == keys_before and rows(user.id) == []


def test_ten_devices_at_most(app):
    user = factories.make_user()
    for n in range(push.MAX_DEVICES):
        fresh_device(user, f"https://fcm.googleapis.com/fcm/send/{n}")
    with pytest.raises(Refused, match="10 devices at most"):
        fresh_device(user, "https://fcm.googleapis.com/fcm/send/eleventh")
    fresh_device(user, "https://fcm.googleapis.com/fcm/send/3")  # an existing one still updates


def test_stopping_a_device_is_only_for_its_owner(app):
    user, other = factories.make_user(), factories.make_user()
    row = fresh_device(user)
    with pytest.raises(NotFound):
        push.stop_device(other.id, row.id)
    with pytest.raises(NotFound):
        push.stop_endpoint(other.id, row.endpoint)
    assert len(rows(user.id)) == 1
    push.stop_endpoint(user.id, row.endpoint)
    assert rows(user.id) == []
    kinds = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.user_id == user.id)).all()
    assert kinds == ["push.on", "push.off"]


@pytest.mark.parametrize(("agent", "label"), [
    (CHROME_ANDROID, "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari on an iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Safari/605.1.15", "Safari on a Mac"),
    ("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"),
    ("curl/8.5", "A browser"),
    ("", "A browser"),
])
def test_devices_are_named_in_plain_words(agent, label):
    assert push.device_label(agent) == label


# --- Which addresses Mend sends to -----------------------------------------------------------------------


@pytest.mark.parametrize(("endpoint", "allowed"), [
    ("https://fcm.googleapis.com/fcm/send/abc", True),
    ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
    ("https://web.push.apple.com/QAbc", True),
    ("https://wns2-par02p.notify.windows.com/w/?token=abc", True),
    ("http://fcm.googleapis.com/fcm/send/abc", False),  # not https
    ("https://evil.example/fcm.googleapis.com", False),  # not a push service
    ("https://fcm.googleapis.com.evil.example/x", False),
    ("https://user:pw@fcm.googleapis.com/x", False),
    ("https://notify.windows.com.evil.example/x", False),
    ("https://fcm.googleapis.com:notaport/x", False),
    ("http://127.0.0.1:8080/push/abc", True),  # outside production only: a push service run by a test
    ("http://localhost/push/abc", True),
    ("http://10.0.0.5/push/abc", False),
    ("ftp://fcm.googleapis.com/x", False),
    ("/relative", False),
])
def test_only_known_push_services_are_sent_to(app, endpoint, allowed):
    assert push.endpoint_allowed(endpoint) is allowed


def test_in_production_loopback_is_refused_and_the_list_can_be_changed(app):
    app.config["PRODUCTION"] = True
    assert not push.endpoint_allowed("http://127.0.0.1:8080/push/abc")
    assert not push.endpoint_allowed("https://127.0.0.1/push/abc")
    assert push.endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc")
    app.config["PUSH_SERVICE_HOSTS"] = "push.example.org, .push.example.net"
    assert push.endpoint_allowed("https://push.example.org/a")
    assert push.endpoint_allowed("https://eu.push.example.net/a")
    assert not push.endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc")
    app.config["PUSH_SERVICE_HOSTS"] = ["*"]
    assert push.endpoint_allowed("https://anything.example/a")
    assert not push.endpoint_allowed("http://anything.example/a")


# --- Routes ------------------------------------------------------------------------------------------------


def test_the_reminders_page_shows_this_device_without_javascript(app, as_user):
    """No devices: the JS-only controls are hidden and a sentence says what turning this on needs."""
    client = as_user(factories.make_user())
    page = client.get(SETTINGS).get_data(as_text=True)
    assert 'id="this-device"' in page and "This device" in page
    assert "Turning this on needs JavaScript and a browser that allows notifications." in page
    assert re.search(r'<div class="button-row" data-push-controls hidden>', page)
    assert "Send reminders to this device" in page
    assert "/static/js/push.js" in page
    assert "Send a test reminder" not in page  # nothing to send to yet


def test_subscribing_through_the_route_lists_the_device(app, as_user):
    user = factories.make_user()
    client = as_user(user)
    response = subscribe(client, "https://fcm.googleapis.com/fcm/send/route-test")
    assert response.status_code == 200 and response.get_json() == {"ok": True}
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "This device will get your reminders now." in page
    assert "Chrome on Android" in page
    [row] = rows(user.id)
    assert f'data-endpoint-hash="{row.endpoint_hash}"' in page
    assert row.endpoint not in page  # the endpoint is a secret: only its hash is on the page
    assert db.session.get(NotificationSettings, user.id).by_push is True


def test_stop_on_a_device_works_as_a_plain_form(app, as_user):
    user = factories.make_user()
    client = as_user(user)
    row = fresh_device(user)
    page = client.get(SETTINGS).get_data(as_text=True)
    action = f"/push/devices/{row.id}/stop"
    assert "Stop<span class=\"visually-hidden\"> on Chrome on Android</span>" in page
    response = client.post(action, data=form_data(page, action=action))
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/reminders#this-device")
    assert rows(user.id) == []
    after = html.unescape(client.get(SETTINGS).get_data(as_text=True))
    assert "That device won't get your reminders any more." in after


def test_unsubscribe_stops_this_browser(app, as_user):
    user = factories.make_user()
    client = as_user(user)
    fresh_device(user, "https://fcm.googleapis.com/fcm/send/this-one")
    fresh_device(user, "https://fcm.googleapis.com/fcm/send/another")
    response = client.post("/push/unsubscribe", json={"endpoint": "https://fcm.googleapis.com/fcm/send/this-one"})
    assert response.status_code == 200
    assert [r.endpoint for r in rows(user.id)] == ["https://fcm.googleapis.com/fcm/send/another"]


def test_the_test_button_without_devices_says_so_and_sends_nothing(app, as_user):
    client = as_user(factories.make_user())
    page = client.get(SETTINGS).get_data(as_text=True)
    assert 'action="/push/test"' not in page  # no device yet, so no test button: post as an old page would
    response = client.post("/push/test", data={})
    assert response.status_code == 302
    assert "No device gets your reminders yet." in client.get(SETTINGS).get_data(as_text=True)


def test_every_push_route_needs_a_login(app):
    client = app.test_client()
    for path in ("/push/subscribe", "/push/unsubscribe", "/push/test", "/push/devices/1/stop"):
        response = client.post(path, json={})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_two_people_never_touch_each_others_devices(app, as_user):
    """B can't stop, unsubscribe or take over A's browser: 404 or 409, and A's row is as it was."""
    a, b = factories.make_user(), factories.make_user()
    a_keys = BrowserKeys()
    a_row = fresh_device(a, "https://fcm.googleapis.com/fcm/send/a-secret", a_keys)
    db.session.commit()
    client = as_user(b)
    before = row_counts()
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "a-secret" not in page and a_row.endpoint_hash not in page
    assert client.post(f"/push/devices/{a_row.id}/stop", data={}).status_code == 404
    response = client.post("/push/unsubscribe", json={"endpoint": a_row.endpoint})
    assert response.status_code == 404 and response.get_json()["ok"] is False
    response = subscribe(client, a_row.endpoint)  # B's own keys on A's endpoint
    assert response.status_code == 409
    assert "another account" in response.get_json()["error"]
    assert row_counts() == before
    [row] = rows(a.id)
    assert (row.p256dh, row.auth) == (a_keys.p256dh, b64url(a_keys.auth))


def test_csrf_is_checked_on_the_json_posts(app):
    """With CSRF on (as in production) a JSON post needs the page's token in X-CSRFToken."""
    user = factories.make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    client = as_user_with_csrf(app, user)
    page = client.get(SETTINGS).get_data(as_text=True)
    [token] = re.findall(r'data-csrf-token="([^"]+)"', page)
    body = {"subscription": subscription_json("https://fcm.googleapis.com/fcm/send/csrf", BrowserKeys())}
    assert client.post("/push/subscribe", json=body).status_code == 400
    assert rows(user.id) == []
    assert client.post("/push/subscribe", json=body, headers={"X-CSRFToken": token}).status_code == 200
    assert len(rows(user.id)) == 1


def as_user_with_csrf(app, user):
    from tests.security.world import csrf_token_from

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD,
                                           "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    return client


# --- Bad input ---------------------------------------------------------------------------------------------


def _good(endpoint="https://fcm.googleapis.com/fcm/send/abc") -> dict:
    return subscription_json(endpoint, BrowserKeys())


def _with(**changes) -> dict:
    body = _good()
    for key, value in changes.items():
        if key in ("p256dh", "auth"):
            body["keys"][key] = value
        else:
            body[key] = value
    return body


BAD_SUBSCRIPTIONS = {
    "not an object": [1, 2],
    "no endpoint": {k: v for k, v in _good().items() if k != "endpoint"},
    "no keys": {"endpoint": "https://fcm.googleapis.com/fcm/send/abc"},
    "keys not an object": _with(keys="p256dh"),
    "no auth": {"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": {"p256dh": _good()["keys"]["p256dh"]}},
    "endpoint not text": _with(endpoint=42),
    "endpoint too long": _with(endpoint="https://fcm.googleapis.com/" + "a" * 1000),
    "endpoint with a space": _with(endpoint="https://fcm.googleapis.com/a b"),
    "p256dh not base64": _with(p256dh="not base64!"),
    "p256dh not a point": _with(p256dh=b64url(b"\x04" + b"\x01" * 64)),
    "p256dh too short": _with(p256dh=b64url(b"\x04abc")),
    "auth too short": _with(auth=b64url(b"short")),
    "auth not text": _with(auth=["x"]),
}


@pytest.mark.parametrize("case", list(BAD_SUBSCRIPTIONS))
def test_a_bad_subscription_is_refused_with_a_plain_message_and_nothing_saved(app, as_user, case):
    client = as_user(factories.make_user())
    before = row_counts()
    response = client.post("/push/subscribe", json={"subscription": BAD_SUBSCRIPTIONS[case]})
    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "error": push.NOT_A_SUBSCRIPTION}
    assert row_counts() == before


@pytest.mark.parametrize("endpoint", ["http://fcm.googleapis.com/fcm/send/abc", "https://intranet.example/hook",
                                      "http://10.0.0.5/push"])
def test_an_endpoint_that_is_no_push_service_is_refused(app, as_user, endpoint):
    client = as_user(factories.make_user())
    before = row_counts()
    response = client.post("/push/subscribe", json={"subscription": _good(endpoint)})
    assert response.status_code == 400
    assert response.get_json()["error"] == push.NOT_A_PUSH_SERVICE
    assert row_counts() == before


def test_in_production_an_http_endpoint_is_refused_even_on_loopback(app, as_user):
    client = as_user(factories.make_user())
    app.config["PRODUCTION"] = True
    response = client.post("/push/subscribe", json={"subscription": _good("http://127.0.0.1:9/push/abc")})
    assert response.status_code == 400


@pytest.mark.parametrize(("body", "content_type"), [
    (b"{not json", "application/json"),
    (b"endpoint=https://fcm.googleapis.com/x", "application/x-www-form-urlencoded"),
    (b"", "application/json"),
    (b'"just a string"', "application/json"),
    (b'{"subscription": null}', "application/json"),
])
def test_a_body_that_is_not_a_subscription_is_a_400_not_a_500(app, as_user, body, content_type):
    client = as_user(factories.make_user())
    before = row_counts()
    response = client.post("/push/subscribe", data=body, content_type=content_type)
    assert response.status_code == 400
    assert row_counts() == before
    response = client.post("/push/unsubscribe", data=body, content_type=content_type)
    assert response.status_code == 404
    assert row_counts() == before


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def test_arbitrary_json_never_gives_a_500_nor_saves_a_device(app, as_user):
    """SECURITY.md 13 for the JSON posts: Hypothesis sends any JSON at all; every answer is a 400 or 404."""
    client = as_user(factories.make_user())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(subscription=JSON, keys=JSON, endpoint=st.one_of(st.text(max_size=60), JSON),
           replaces=st.one_of(st.none(), st.text(max_size=40), JSON))
    def run(subscription, keys, endpoint, replaces):
        for body in ({"subscription": subscription, "replaces": replaces},
                     {"subscription": {"endpoint": endpoint, "keys": keys}, "replaces": replaces},
                     {"subscription": {"endpoint": "https://fcm.googleapis.com/x", "keys": keys}}):
            response = client.post("/push/subscribe", json=body)
            assert response.status_code == 400, body
        assert client.post("/push/unsubscribe", json={"endpoint": endpoint}).status_code == 404
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0

    run()


def test_a_fresh_app_declares_the_push_job_before_its_queue_is_built(tmp_path):
    """In a new process (nothing imported yet), create_app's queue already knows "push.send".

    The notifications core imports push.py only when it sends, long after the queue was built; without the
    job declared by then, the first push would fail in the request's commit. Tests import push.py early
    themselves, so this checks it where nothing else has.
    """
    import subprocess
    import sys

    code = ("from recovery import create_app\n"
            f"app = create_app({{'SECRET_KEY': 'k' * 40, 'JOBS_BACKEND': 'memory',"
            f" 'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db'}})\n"
            "print(sorted(app.extensions['mend_jobs'].tasks))\n")
    env = {**os.environ, "MEND_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr[-2000:]
    assert "'push.send'" in result.stdout


@pytest.mark.committing
def test_the_periodic_reminder_reaches_the_browser_in_neutral_words_by_default(app, as_user, push_service):
    """The whole path: settings chosen on the page, the periodic job, the queue, the push service."""
    from datetime import date, timedelta

    from recovery.notifications.words import NEUTRAL, NEUTRAL_SUBJECT
    from recovery.tracker import commitments
    from recovery.tracker.commitments import ScheduleInput

    user = factories.make_user(timezone="UTC")
    start = date.today() - timedelta(days=2)
    commitments.create_commitment(user, "Walk", "", ScheduleInput("daily"), start_date=start, today=start)
    db.session.commit()
    client = as_user(user)
    keys = BrowserKeys()
    assert subscribe(client, push_service.endpoint(), keys).status_code == 200
    page = client.get(SETTINGS).get_data(as_text=True)
    assert client.post(SETTINGS, data=form_data(page, action=SETTINGS, daily_on="y", daily_time="00:00")
                       ).status_code == 302
    jobs.queue().tasks["notifications.tick"].call_local()
    assert jobs.drain(WAIT)
    [message] = push_service.received
    assert json.loads(keys.decrypt(message.body)) == {
        "title": NEUTRAL_SUBJECT, "body": NEUTRAL, "url": "http://mend.test/tracker/today"}


def test_devices_are_named_in_the_language_of_the_page_that_turned_reminders_on(make_app):
    app = make_app(LANGUAGES=("en", "es"))
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.5 Mobile/15E148 Safari/604.1")
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert push.device_label(iphone) == "Safari en un iPhone" and push.device_label("") == "Un navegador"
