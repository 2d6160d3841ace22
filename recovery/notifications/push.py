"""Web push: the browsers a person turned reminders on in, the server's VAPID key, and the job that sends.

A browser that agrees to web push hands Mend a subscription: an address at its push service (the
endpoint, itself a secret: whoever knows it can send to that browser) and two keys. Every message is
encrypted for that browser alone (RFC 8291, aes128gcm) and signed with Mend's VAPID key (RFC 8292), so
the push service learns nothing but its size. The key is made in the instance folder the first time it
is needed (`vapid_private.pem`, readable by its owner only); several app hosts share one through
`VAPID_PRIVATE_KEY`, since a browser only takes messages signed by the key it subscribed with.

`queue_push` is what the notifications core calls: the message leaves after the transaction commits,
as a job ("push.send"). The job sends to each of the person's browsers, forgets the ones their push
service says are gone (404, 410), and logs nothing but a status: never the words, never an endpoint.

Only push services browsers really use are sent to (`PUSH_SERVICE_HOSTS`), over https: a person can't
make the server post to an address of their choosing. Outside production, http://127.0.0.1 (and
localhost) is allowed too, for a push service run by a test.

This module must import without recovery.notifications.services (tasks.py imports it early, so the
job is declared before the queue is built).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from flask_babel import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from recovery import audit, jobs
from recovery.db import db, prepare_to_write, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import lazy_gettext as _l
from recovery.notifications.models import NotificationSettings, PushSubscription
from recovery.notifications.words import N_
from recovery.security import safe_next


class _QuietWhileSending(logging.Filter):
    """Drop urllib3's debug lines while this thread sends push: they name the endpoint, which is a secret."""

    sending = threading.local()

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(self.sending, "on", False)


_QUIET = _QuietWhileSending()
for _name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
    if not any(isinstance(f, _QuietWhileSending) for f in logging.getLogger(_name).filters):
        logging.getLogger(_name).addFilter(_QUIET)

SEND_JOB = "push.send"
KEY_FILE = "vapid_private.pem"
TTL_SECONDS = 12 * 60 * 60  # a reminder older than half a day is no use: the push service drops it
SEND_TIMEOUT_SECONDS = 10
MAX_DEVICES = 10
ENDPOINT_MAX_LENGTH = 1000  # PushSubscription.endpoint
# The push services of the browsers people use: Chrome, Edge, Firefox, Safari (and browsers built on them).
# A name starting with a dot allows every host under it.
PUSH_SERVICES = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    ".push.apple.com",
    ".notify.windows.com",
)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

TEST_TITLE = "Mend"
TEST_BODY = N_("This is a test. Your reminders will show up like this.")  # sent as _(TEST_BODY)

_VAPID = "mend_vapid"


# --- The server's key ------------------------------------------------------------------------------------


def _key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _make_key_file(path: Path) -> None:
    """Write a new P-256 private key to `path`, readable by its owner only, unless another process won the race.

    The key goes to a file of its own first and is then linked into place, which fails if the name is
    taken: two workers starting at once end up using the same key, never half of one.
    """
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made the key first: use theirs
        except OSError:
            # A file system without hard links: create the name itself, still only if it is free.
            try:
                target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return
            with os.fdopen(target, "wb") as file:
                file.write(pem)
    finally:
        temporary.unlink(missing_ok=True)


def vapid() -> Vapid:
    """The server's VAPID key: from VAPID_PRIVATE_KEY, else the instance folder's file (made on first use)."""
    found = current_app.extensions.get(_VAPID)
    if found is not None:
        return found
    configured = current_app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        text = str(configured).strip()
        key = Vapid.from_pem(text.encode()) if text.startswith("-----BEGIN") else Vapid.from_string(text)
    else:
        path = _key_path()
        if not path.exists():
            _make_key_file(path)
        key = Vapid.from_pem(path.read_bytes())
    current_app.extensions[_VAPID] = key
    return key


def public_key() -> str:
    """The key a browser subscribes with (`applicationServerKey`): the public point, base64url without padding."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subject() -> str:
    """Who runs this server, for push services (a mailto: or https: address): VAPID_SUBJECT, MAIL_FROM, BASE_URL."""
    cfg = current_app.config
    if cfg.get("VAPID_SUBJECT"):
        return cfg["VAPID_SUBJECT"]
    address = parseaddr(cfg.get("MAIL_FROM") or "")[1]
    domain = address.rpartition("@")[2].lower()
    if address and domain and domain != "localhost":
        return f"mailto:{address}"
    base = urlsplit(cfg["BASE_URL"])
    if base.scheme == "https" and base.hostname:
        return f"https://{base.hostname}"
    return f"mailto:{address}" if address else "mailto:mend@localhost"


# --- Reading what a browser sends ------------------------------------------------------------------------


class BadSubscription(ValueError):
    """What the browser sent isn't a push subscription Mend can use; the message is for the person."""

    def __init__(self, message: str):
        message = _(message)  # one of the messages below (in English, marked with N_), in the page's language
        super().__init__(message)
        self.message = message


NOT_A_SUBSCRIPTION = N_("This browser's reminder details didn't come through. Please reload the page and try again.")
NOT_A_PUSH_SERVICE = N_("This browser uses a way of sending reminders that Mend doesn't know. "
                        "Please try another browser.")


@dataclass(frozen=True)
class Subscription:
    """A browser's push subscription, checked: its endpoint and its two keys (base64url, as the browser gave them)."""

    endpoint: str
    p256dh: str
    auth: str


_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _b64url(value: object, max_length: int) -> bytes:
    if not isinstance(value, str) or not 0 < len(value) <= max_length or not _BASE64URL.match(value):
        raise BadSubscription(NOT_A_SUBSCRIPTION)
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise BadSubscription(NOT_A_SUBSCRIPTION) from None


def endpoint_allowed(endpoint: str) -> bool:
    """Whether Mend may send to this address: https at a known push service (or, outside production, loopback)."""
    cfg = current_app.config
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises on a port that isn't a number)
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None or parts.fragment:
        return False
    if not cfg["PRODUCTION"] and host in LOOPBACK and parts.scheme in ("http", "https"):
        return True
    if parts.scheme != "https":
        return False
    allowed = cfg.get("PUSH_SERVICE_HOSTS") or PUSH_SERVICES  # None or empty: the known services
    if isinstance(allowed, str):
        allowed = allowed.replace(",", " ").split()
    for name in allowed or ():
        name = name.strip().lower()
        if name == "*" or host == name or (name.startswith(".") and host.endswith(name)):
            return True
    return False


def read_subscription(data: object) -> Subscription:
    """Check a PushSubscription's JSON as the browser gives it ({"endpoint", "keys": {"p256dh", "auth"}})."""
    if not isinstance(data, dict):
        raise BadSubscription(NOT_A_SUBSCRIPTION)
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= ENDPOINT_MAX_LENGTH or not isinstance(keys, dict) \
            or any(ord(c) < 33 or ord(c) > 126 for c in endpoint):
        raise BadSubscription(NOT_A_SUBSCRIPTION)
    if not endpoint_allowed(endpoint):
        raise BadSubscription(NOT_A_PUSH_SERVICE)
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    point = _b64url(p256dh, 200)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise BadSubscription(NOT_A_SUBSCRIPTION) from None
    if len(_b64url(auth, 100)) != 16:
        raise BadSubscription(NOT_A_SUBSCRIPTION)
    return Subscription(endpoint, p256dh, auth)


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def device_label(user_agent: str | None) -> str:
    """A browser's name in plain words ("Chrome on Android"), so a person can tell their devices apart; in the
    language of the page that turned reminders on (saved like a name the person gave it)."""
    ua = user_agent or ""
    browser = next((name for marker, name in (
        ("Edg", "Edge"), ("SamsungBrowser/", "Samsung Internet"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
    ) if marker in ua), "")
    system = next((name for marker, name in (
        ("iPhone", _l("an iPhone")), ("iPad", _l("an iPad")), ("Android", "Android"), ("Windows", "Windows"),
        ("Macintosh", _l("a Mac")), ("CrOS", _l("a Chromebook")), ("Linux", "Linux"),
    ) if marker in ua), "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=str(system))
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s", system=str(system))
    return _("A browser")


# --- Turning push on and off (services: they flush, the request commits) ---------------------------------


def devices(user_id: int) -> list[PushSubscription]:
    """The browsers this person turned reminders on in, oldest first."""
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user_id)
                                   .order_by(PushSubscription.created_at, PushSubscription.id)))


def _own(user_id: int, hashed: str) -> PushSubscription | None:
    return db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint_hash == hashed,
                                                               PushSubscription.user_id == user_id))


def _settings(user_id: int) -> NotificationSettings:
    found = db.session.get(NotificationSettings, user_id)
    if found is None:
        found = NotificationSettings(user_id=user_id)
        db.session.add(found)
    return found


def turn_on(user_id: int, subscription: Subscription, user_agent: str | None,
            replaces: str | None = None) -> PushSubscription:
    """Send this person's reminders to this browser too, and turn push on in their settings.

    `replaces` is the browser's previous endpoint (it subscribed anew): this person's row for it goes.
    An endpoint another account already has is refused and left alone.
    """
    prepare_to_write()
    hashed = endpoint_hash(subscription.endpoint)
    taken = db.session.scalar(sa.select(PushSubscription.user_id).where(PushSubscription.endpoint_hash == hashed))
    if taken is not None and taken != user_id:
        raise Refused(_("This browser already gets reminders for another account. "
                        "Please try again: Mend will set it up anew for you."))
    if isinstance(replaces, str) and replaces != subscription.endpoint:
        old = _own(user_id, endpoint_hash(replaces))
        if old is not None:
            db.session.delete(old)
            db.session.flush()
    row = _own(user_id, hashed)
    if row is None:
        count = db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == user_id))
        if count >= MAX_DEVICES:
            raise Refused(_("Mend can send reminders to %(num)d devices at most. "
                            "Please stop one of them below first.", num=MAX_DEVICES))
        row = PushSubscription(user_id=user_id, endpoint=subscription.endpoint, endpoint_hash=hashed)
        db.session.add(row)
    row.p256dh = subscription.p256dh
    row.auth = subscription.auth
    row.label = device_label(user_agent)[:100]
    _settings(user_id).by_push = True
    audit.record(user_id, "notify.settings", "push.on")
    db.session.flush()
    return row


def load_device(user_id: int, device_id: int) -> PushSubscription:
    """One of this person's own devices, or NotFound (another person's device is not there for them)."""
    row = db.session.get(PushSubscription, device_id)
    if row is None or row.user_id != user_id:
        raise NotFound(device_id)
    return row


def _stop(row: PushSubscription) -> None:
    audit.record(row.user_id, "notify.settings", "push.off")
    db.session.delete(row)
    db.session.flush()


def stop_device(user_id: int, device_id: int) -> None:
    """Stop sending to one of this person's devices (the "Stop on this device" button)."""
    prepare_to_write()
    _stop(load_device(user_id, device_id))


def stop_endpoint(user_id: int, endpoint: object) -> None:
    """Stop sending to the browser at this endpoint, if it is one of this person's; NotFound otherwise."""
    if not isinstance(endpoint, str) or not 0 < len(endpoint) <= ENDPOINT_MAX_LENGTH:
        raise NotFound(0)
    prepare_to_write()
    row = _own(user_id, endpoint_hash(endpoint))
    if row is None:
        raise NotFound(0)
    _stop(row)


def send_test(user_id: int) -> int:
    """Queue a test message to each of this person's devices; return how many devices there are."""
    count = db.session.scalar(sa.select(sa.func.count()).where(PushSubscription.user_id == user_id))
    if count:
        queue_push(user_id, TEST_TITLE, _(TEST_BODY), "/")
    return count


# --- Sending ---------------------------------------------------------------------------------------------


def queue_push(user_id: int, title: str, body: str, path: str) -> None:
    """Send a message to each of this person's browsers once the current transaction commits.

    `path` is a page of Mend ("/tracker/today"); the notification opens it. The words must already be
    what the person chose to see on a lock screen (recovery/notifications/words.py).
    """
    jobs.after_commit(SEND_JOB, user_id, title, body, path)


def _payload(title: str, body: str, path: str) -> str:
    url = current_app.config["BASE_URL"] + (safe_next(path) or "/")
    return json.dumps({"title": title, "body": body, "url": url})


@jobs.job(SEND_JOB)
def send(user_id: int, title: str, body: str, path: str) -> int:
    """The job: encrypt and send one message to each of this person's browsers; return how many took it."""
    rows = devices(user_id)
    if not rows:
        return 0
    data = _payload(title, body, path)
    key, sub = vapid(), subject()
    sent = 0
    _QuietWhileSending.sending.on = True
    try:
        sent = _send_each(rows, data, key, sub)
    finally:
        _QuietWhileSending.sending.on = False
    db.session.flush()
    return sent


def _send_each(rows: list[PushSubscription], data: str, key: Vapid, sub: str) -> int:
    sent = 0
    with requests.Session() as session:
        for row in rows:
            if not endpoint_allowed(row.endpoint):
                continue  # the configuration changed since it subscribed
            try:
                webpush({"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}, data,
                        vapid_private_key=key, vapid_claims={"sub": sub}, ttl=TTL_SECONDS,
                        headers={"Urgency": "normal"}, timeout=SEND_TIMEOUT_SECONDS, requests_session=session)
            except WebPushException as exc:
                status = exc.status_code
                if status in (404, 410):  # the browser unsubscribed, or its subscription ran out
                    db.session.delete(row)
                else:
                    current_app.logger.warning("A push service refused a message (status %s)", status)
                continue
            except (requests.RequestException, ValueError, TypeError) as exc:
                # The endpoint is a secret and the message is the person's: only the kind of failure is logged.
                current_app.logger.warning("Could not reach a push service (%s)", type(exc).__name__)
                continue
            row.last_used_at = utcnow()
            sent += 1
    return sent
