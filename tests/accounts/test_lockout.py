"""SECURITY.md 3 and 4: login pauses that hold under races and that no one can use to shut an owner out.

Tries are counted before the password is checked, in one statement, so many tries at once never get
more password checks than the limit. One email from one client address is paused after
LOGIN_MAX_FAILURES tries; the email from everywhere only after LOGIN_ACCOUNT_MAX_FAILURES, and even
then the right password still works from a known device (a browser that logged in before). Every
login here goes through the real form, from the client address given to the test client.
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery.accounts import services
from recovery.accounts.models import AuditEvent, KnownDevice, LoginThrottle, User
from recovery.db import db
from recovery.security import hash_token
from tests.factories import PASSWORD
from tests.forms import form_data
from tests.processes import at_once, dispose, worker_app

WRONG = "not the right password at all"
LOCKED = "Too many tries"
NO_MATCH = "don't match an account"


def _client(app, address: str):
    """A browser at one client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _log_in(client, email: str, password: str):
    """Fill the login page's form and send it, as a person would."""
    page = client.get("/login").get_data(as_text=True)
    return client.post("/login", data=form_data(page, email=email, password=password))


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def _checks(user_id: int) -> int:
    """How many passwords were really checked and found wrong: each one is audited."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.user_id == user_id, AuditEvent.kind.in_(("login.failed", "login.locked"))))


# --- Races: tries at once get no more password checks than the limit --------------------------


def _try_at_once(url: str, instance: str, email: str, address: str, account_limit: int, barrier, results) -> None:
    """Open a fresh app (a worker), wait for the others, then send one wrong password; report the answer."""
    app = worker_app(url, instance)
    app.config["LOGIN_ACCOUNT_MAX_FAILURES"] = account_limit
    client = _client(app, address)
    try:
        page = client.get("/login").get_data(as_text=True)
        data = form_data(page, email=email, password=WRONG)
        barrier.wait(timeout=60)
        response = client.post("/login", data=data)
        results.put((response.status_code, LOCKED in _text(response)))
    except Exception as error:  # noqa: BLE001 - any failure in a worker is reported, not lost
        results.put(("error", repr(error)))
    finally:
        dispose(app)


def test_wrong_passwords_at_once_from_one_address_get_at_most_the_limit_of_checks(app, database_url, tmp_path,
                                                                                   make_user):
    """Eight workers try one account from one address at once: five password checks, three pauses, no errors."""
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    answers = at_once(_try_at_once, [(database_url, str(tmp_path / f"w{n}"), user.email, "203.0.113.7", 100)
                                     for n in range(8)])
    assert all(code == 422 for code, _ in answers), answers
    assert _checks(user.id) == limit
    assert sum(locked for _, locked in answers) == 8 - limit


def test_wrong_passwords_at_once_from_many_addresses_get_at_most_the_account_limit(app, database_url, tmp_path,
                                                                                    make_user):
    """Seven workers at seven addresses try one account at once: no more checks than the account-wide limit."""
    user = make_user()
    answers = at_once(_try_at_once, [(database_url, str(tmp_path / f"w{n}"), user.email, f"198.51.100.{n + 1}", 3)
                                     for n in range(7)])
    assert all(code == 422 for code, _ in answers), answers
    assert _checks(user.id) == 3
    assert sum(locked for _, locked in answers) == 4


def _reenter_at_once(url: str, instance: str, email: str, address: str, barrier, results) -> None:
    """Log in in a fresh worker, wait for the others, then re-enter a wrong password to export; report the answer."""
    app = worker_app(url, instance)
    client = _client(app, address)
    try:
        assert _log_in(client, email, PASSWORD).status_code == 302
        page = client.get("/settings/export").get_data(as_text=True)
        data = {**form_data(page, password=WRONG), "format": "json"}
        barrier.wait(timeout=60)
        response = client.post("/settings/export", data=data)
        results.put((response.status_code, "Too many wrong passwords" in _text(response)))
    except Exception as error:  # noqa: BLE001 - any failure in a worker is reported, not lost
        results.put(("error", repr(error)))
    finally:
        dispose(app)


def test_wrong_passwords_re_entered_at_once_get_at_most_the_limit_of_checks(app, database_url, tmp_path, make_user):
    """SECURITY.md 30: re-entering the password has its own counter, just as safe when tries come at once."""
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    # Each worker logs in from its own address: logins still in progress count against their address.
    answers = at_once(_reenter_at_once, [(database_url, str(tmp_path / f"w{n}"), user.email, f"192.0.2.{n + 40}")
                                         for n in range(7)])
    assert all(code == 422 for code, _ in answers), answers
    db.session.expire_all()
    checks = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.user_id == user.id, AuditEvent.kind.in_(("reauth.failed", "reauth.locked"))))
    assert checks == limit
    assert sum(paused for _, paused in answers) == 7 - limit + 1  # the last check starts the pause and says so


# --- Abuse: failing from one address pauses only that address ---------------------------------


def test_someone_failing_from_their_address_does_not_lock_the_owner_out(app, make_user):
    """Failures from one address pause that address, even with the right password; the owner elsewhere logs in."""
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    stranger = _client(app, "203.0.113.50")
    for _ in range(limit):
        assert NO_MATCH in _text(_log_in(stranger, user.email, WRONG))
    refused = _log_in(stranger, user.email, PASSWORD)
    assert refused.status_code == 422 and LOCKED in _text(refused)
    owner = _client(app, "192.0.2.10")
    assert _log_in(owner, user.email, PASSWORD).status_code == 302
    kinds = list(db.session.scalars(sa.select(AuditEvent.kind).where(AuditEvent.user_id == user.id)))
    assert kinds.count("login.failed") == limit - 1 and kinds.count("login.locked") == 1
    assert kinds.count("login.ok") == 1


def test_an_ipv6_network_counts_as_one_address(app, make_user):
    """Changing address within one IPv6 /64 doesn't reset the count."""
    user = make_user()
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        _log_in(_client(app, f"2001:db8:1:2::{n + 1:x}"), user.email, WRONG)
    assert LOCKED in _text(_log_in(_client(app, "2001:db8:1:2::ff"), user.email, PASSWORD))
    assert _log_in(_client(app, "2001:db8:1:3::1"), user.email, PASSWORD).status_code == 302


def test_after_many_failures_from_many_addresses_only_known_devices_get_in(app, make_user):
    """The account-wide pause refuses every new browser, but the owner's own browser still logs in."""
    user = make_user()
    owner = _client(app, "192.0.2.10")
    assert _log_in(owner, user.email, PASSWORD).status_code == 302
    cookie = owner.get_cookie(app.config["LOGIN_DEVICE_COOKIE_NAME"], domain="mend.test", path="/login")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    owner.post("/logout")  # the device is still known after logging out
    per_address, account_limit = app.config["LOGIN_MAX_FAILURES"], app.config["LOGIN_ACCOUNT_MAX_FAILURES"]
    for n in range(account_limit // per_address):
        stranger = _client(app, f"203.0.113.{n + 1}")
        for _ in range(per_address):
            _log_in(stranger, user.email, WRONG)
    assert services.is_locked(user.email)
    # A browser that never logged in is refused with the right password, from a new address or the owner's own.
    for address in ("198.51.100.99", "192.0.2.10"):
        refused = _log_in(_client(app, address), user.email, PASSWORD)
        assert refused.status_code == 422 and LOCKED in _text(refused), address
    # The owner's browser checks the password: a wrong one is refused, the right one gets in.
    assert NO_MATCH in _text(_log_in(owner, user.email, WRONG))
    assert _log_in(owner, user.email, PASSWORD).status_code == 302
    assert "Hello" in owner.get("/home").get_data(as_text=True)


def test_a_device_known_to_another_account_is_not_known_to_this_one(app, make_user):
    """A browser known to the stranger's own account gets no way past the pause of someone else's."""
    owner, stranger = make_user(), make_user()
    browser = _client(app, "203.0.113.80")
    assert _log_in(browser, stranger.email, PASSWORD).status_code == 302
    browser.post("/logout")
    per_address = app.config["LOGIN_MAX_FAILURES"]
    for n in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"] // per_address):
        for _ in range(per_address):
            _log_in(_client(app, f"198.51.100.{n + 1}"), owner.email, WRONG)
    assert LOCKED in _text(_log_in(browser, owner.email, PASSWORD))
    assert _log_in(browser, stranger.email, PASSWORD).status_code == 302


def test_a_shared_computer_stays_known_to_each_account(app, make_user):
    """Two people logging in on one browser in turn: each stays a known device, each login keeps or renews it."""
    first, second = make_user(), make_user()
    browser = _client(app, "192.0.2.20")
    for user in (first, second, first):
        assert _log_in(browser, user.email, PASSWORD).status_code == 302
        browser.post("/logout")
    token = browser.get_cookie(app.config["LOGIN_DEVICE_COOKIE_NAME"], domain="mend.test", path="/login").value
    known = db.session.scalars(sa.select(KnownDevice.user_id).where(
        KnownDevice.token_hash == hash_token(token, services.DEVICE_PURPOSE))).all()
    assert sorted(known) == sorted([first.id, second.id])


def test_the_device_cookie_is_secure_when_sessions_are(make_app, make_user):
    """SECURITY.md 7: the known-device cookie is Secure, HttpOnly and SameSite=Lax, sent only to the login page."""
    app = make_app(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        user = make_user()
        response = _log_in(_client(app, "192.0.2.30"), user.email, PASSWORD)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("mend_device=")]
    for part in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/login"):
        assert part in cookie, cookie


# --- Unknown emails behave like known ones -----------------------------------------------------


def test_an_unknown_email_is_paused_the_same_way_as_a_known_one(app, make_user):
    """SECURITY.md 4: the same answers, step by step, and the same rows, for a known and an unknown email."""
    user = make_user(email="known@example.org")
    limit = app.config["LOGIN_MAX_FAILURES"]

    def story(email: str, n: int) -> list[tuple[int, str]]:
        here, there = _client(app, f"203.0.113.{n}"), _client(app, f"198.51.100.{n}")
        answers = [_log_in(here, email, WRONG) for _ in range(limit + 1)]
        answers.append(_log_in(there, email, WRONG))  # another address is not paused
        return [(r.status_code, _text(r).replace(email, "EMAIL")) for r in answers]

    known, unknown = story(user.email, 1), story("unknown@example.org", 2)
    assert known == unknown
    assert LOCKED in known[limit][1] and NO_MATCH in known[limit + 1][1]
    rows = {email: db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle).where(
        LoginThrottle.account_key == services.throttle_key(email))) for email in (user.email, "unknown@example.org")}
    assert rows[user.email] == rows["unknown@example.org"] == 3  # two addresses and the email itself


# --- Deleting an account removes its counters and devices ---------------------------------------


def test_deleting_the_account_removes_its_counters_from_every_address_and_its_devices(app, make_user):
    """SECURITY.md 27: no login counter keyed by the email, no re-entry counter, no known device stays."""
    user = make_user(email="leaving@example.org")
    user_id = user.id
    for address in ("203.0.113.1", "203.0.113.2"):
        _log_in(_client(app, address), user.email, WRONG)
    owner = _client(app, "192.0.2.10")
    assert _log_in(owner, user.email, PASSWORD).status_code == 302
    page = owner.get("/settings/export").get_data(as_text=True)
    owner.post("/settings/export", data={**form_data(page, password=WRONG), "format": "json"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 4  # 2 addresses, email, re-entry
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KnownDevice)) == 1
    page = owner.get("/settings/delete").get_data(as_text=True)
    assert owner.post("/settings/delete", data=form_data(page, password=PASSWORD, confirm="DELETE")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KnownDevice)) == 0


def test_a_completed_reset_lifts_every_pause(app, make_user):
    """The pause message says "or reset your password": a reset forgets the counts from every address."""
    user = make_user()
    stranger = _client(app, "203.0.113.9")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        _log_in(stranger, user.email, WRONG)
    token = services.create_reset_token(user)
    services.reset_password(token, "a fresh passphrase to use")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 0
    assert _log_in(stranger, user.email, "a fresh passphrase to use").status_code == 302
