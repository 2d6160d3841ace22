"""Configuration defaults for Mend; later layers override these."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

# Secret keys that must never run in production.
KNOWN_BAD_SECRET_KEYS = frozenset({"", "dev", "change-me", "changeme", "secret", "test", "development"})
SECRET_KEY_MIN_LENGTH = 32
# A random key has many different characters; forty 'a's, or "abab…", do not. The estimate counts
# bits by each character's frequency in the key itself. Both floors sit well below what even the
# shortest random key accepted (32 hex digits, token_hex(16)): typically 14 characters and ~115 bits,
# and no lower than 9 and ~91 in 200,000 draws.
SECRET_KEY_MIN_DISTINCT = 8
SECRET_KEY_MIN_BITS = 80


def estimated_bits(key: str) -> float:
    """Estimate a key's entropy in bits from its own character frequencies (an upper bound for patterns)."""
    counts = Counter(key)
    return -sum(n * math.log2(n / len(key)) for n in counts.values())


def weak_secret_key(key: str | None) -> bool:
    """Tell whether a secret key is missing, a known default, short, or built from too few characters."""
    if not key or key.strip().lower() in KNOWN_BAD_SECRET_KEYS or len(key) < SECRET_KEY_MIN_LENGTH:
        return True
    return len(set(key)) < SECRET_KEY_MIN_DISTINCT or estimated_bits(key) < SECRET_KEY_MIN_BITS


class Defaults:
    """Defaults in code: the first configuration layer."""

    # Set to True (MEND_PRODUCTION=1) on a real server; it refuses unsafe settings.
    PRODUCTION = False
    SECRET_KEY: str | None = None
    # None means "SQLite in the instance folder"; DATABASE_URL overrides it.
    SQLALCHEMY_DATABASE_URI: str | None = None
    # SQL logging, if someone turns it on, must never print what users typed (SECURITY.md 17).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    # Cookies (SECURITY.md 7). Secure cookies need https: on by default in production.
    SESSION_COOKIE_NAME = "mend_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: follow PRODUCTION
    # The cookie is sent again only when the session changes: it lasts SESSION_ABSOLUTE_TIMEOUT from logging
    # in, as the session row does, so re-signing it on every response would only cost time.
    SESSION_REFRESH_EACH_REQUEST = False
    PREFERRED_URL_SCHEME = "http"
    # The public address people open Mend at (MEND_BASE_URL), e.g. "https://mend.example.org".
    # Links that leave the page (reset emails, invitations, calendars) are built from it and never
    # from the request's Host (SECURITY.md 24); see recovery/urls.py. Required in production;
    # elsewhere it defaults to http://SERVER_NAME, or to http://127.0.0.1:5000.
    BASE_URL: str | None = None
    # Host names the app answers to (MEND_TRUSTED_HOSTS, comma-separated; ".example.org" allows its
    # subdomains); any other Host gets 400. In production it defaults to BASE_URL's host.
    TRUSTED_HOSTS: list[str] | None = None
    # Behind a reverse proxy: how many proxies to trust for X-Forwarded-*. 0 trusts none.
    PROXY_FIX_HOPS = 0

    # Server-side sessions (SECURITY.md 6).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # How often a session's "last seen" time is written (saves a write per request).
    SESSION_TOUCH_INTERVAL = timedelta(seconds=60)

    # Passwords (SECURITY.md 1, 2). argon2id parameters (argon2-cffi's RFC 9106 low-memory profile).
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 128
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 65_536
    ARGON2_PARALLELISM = 4

    # Login throttling (SECURITY.md 3), counted in the database (policy: recovery/accounts/services.py).
    # One email from one client address (an IPv6 /64) is paused after LOGIN_MAX_FAILURES tries in
    # LOGIN_FAILURE_WINDOW; the email from everywhere after LOGIN_ACCOUNT_MAX_FAILURES. Both pauses
    # last LOGIN_LOCKOUT. During the account-wide pause, the right password still works from a known
    # device: a browser that logged into the account before (a cookie, kept LOGIN_DEVICE_LIFETIME).
    # Re-entering the password (export, deletion...) uses LOGIN_MAX_FAILURES per account.
    LOGIN_MAX_FAILURES = 5
    LOGIN_ACCOUNT_MAX_FAILURES = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_LOCKOUT = timedelta(minutes=15)
    LOGIN_DEVICE_COOKIE_NAME = "mend_device"
    LOGIN_DEVICE_LIFETIME = timedelta(days=180)
    # ... plus Flask-Limiter per address. "memory://" suits one process;
    # use "redis://host:6379" when running several workers or hosts.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_AUTH = "10 per minute;50 per hour"

    # Supporters (recovery/supporters): a treatment provider that wants only its own staff as supporters
    # sets this (MEND_SUPPORTERS_NEED_APPROVAL=true) and approves each one: flask --app app supporters approve EMAIL.
    SUPPORTERS_NEED_APPROVAL = False

    # Tokens.
    INVITATION_LIFETIME = timedelta(days=7)
    RESET_TOKEN_LIFETIME = timedelta(hours=1)

    # Background jobs (recovery/jobs.py): "sqlite" (a file in the instance folder; the default),
    # "redis" (MEND_JOBS_REDIS_URL; several hosts share one queue) or "memory" (tests). None picks
    # redis when a URL is set. JOBS_EMBEDDED runs jobs in a thread of the process that queued them,
    # for hosts without a separate consumer (`flask --app app jobs`; manage.py start runs one).
    JOBS_BACKEND: str | None = None
    JOBS_REDIS_URL: str | None = None
    JOBS_SQLITE_PATH: str | None = None
    JOBS_QUEUE_NAME = "mend"
    JOBS_EMBEDDED = False

    # Web push (recovery/notifications/push.py). The server's VAPID key is made in instance/vapid_private.pem
    # on first use; with several app hosts give every host the same PEM key here (MEND_VAPID_PRIVATE_KEY):
    # a browser only accepts messages signed with the key it subscribed with. VAPID_SUBJECT defaults to
    # MAIL_FROM's address (else BASE_URL, if https). PUSH_SERVICE_HOSTS limits where Mend sends: by
    # default the push services browsers use (".name" allows subdomains, "*" any https host).
    VAPID_PRIVATE_KEY: str | None = None
    VAPID_SUBJECT: str | None = None
    PUSH_SERVICE_HOSTS: list[str] | None = None

    # Email. With no MAIL_SERVER, no email is sent and operators use the CLI
    # (`flask --app app reset-link EMAIL`). Requests only queue mail; it is sent after the
    # request commits, as a background job (recovery/mail.py, recovery/jobs.py).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Mend <mend@localhost>"
    # "smtp" sends through MAIL_SERVER; "outbox" keeps messages in memory (tests).
    MAIL_BACKEND = "smtp"

    # Languages offered (MEND_LANGUAGES, e.g. "en,es"), the default first: recovery/i18n.py. Only languages
    # whose catalogue is complete are accepted; PREVIEW_LANGUAGES lets translators try one still being written.
    LANGUAGES: tuple[str, ...] = ("en", "es")
    PREVIEW_LANGUAGES = False
    BABEL_TRANSLATION_DIRECTORIES = "translations"

    # Help lines for visitors who aren't logged in and for people who haven't chosen a country:
    # a two-letter code. Mend has lines for US, CA, GB, IE, AU and NZ; any other code (or ZZ)
    # shows a world-wide finder and plain advice. See recovery/helplines.py.
    HELP_COUNTRY = "US"
    # Where the quick-exit button goes: a neutral page on another site.
    QUICK_EXIT_URL = "https://www.weather.gov/"
    DEFAULT_TIMEZONE = "UTC"

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    TEMPLATES_AUTO_RELOAD = False


def check_help_country(value: object) -> str:
    """Return HELP_COUNTRY as an upper-case two-letter code, or stop start-up with a clear message."""
    code = str(value or "").strip().upper()
    if code == "UK":
        code = "GB"  # the ISO code; people often write UK
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise RuntimeError(
            f"HELP_COUNTRY must be a two-letter country code such as US, CA, GB, IE, AU or NZ "
            f"(or ZZ for a world-wide help-line finder), not {value!r}."
        )
    return code
