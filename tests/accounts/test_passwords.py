"""Password rules and hashing."""

import pytest
from argon2 import PasswordHasher

from recovery.accounts import services
from recovery.accounts.passwords import common_passwords, hash_password, password_problem, verify_password
from recovery.db import db
from tests.factories import PASSWORD


@pytest.mark.parametrize(("length", "ok"), [(11, False), (12, True), (64, True), (128, True), (129, False)])
def test_password_length_rules(app, length, ok):
    """SECURITY.md 1: 12 to 128 characters are accepted, 11 and 129 are not."""
    password = ("correct horse battery staple " * 10)[:length]
    assert (password_problem(password) is None) is ok


def test_common_password_list_is_shipped_and_used(app):
    """SECURITY.md 1: the shipped list holds about 20,000 common passwords and refuses them."""
    common = common_passwords()
    assert len(common) > 19_000
    assert "password1234" in common
    assert "common" in password_problem("password1234")
    assert password_problem("Password1234") is not None  # case does not help


def test_no_composition_rules(app):
    """SECURITY.md 1: a long lowercase sentence is fine; no digits or symbols needed."""
    assert password_problem("my dog walks slowly on sundays") is None


def test_password_may_not_be_the_email(app):
    """A password equal to the email address is refused."""
    assert password_problem("someone.long@example.org", email="someone.long@example.org") is not None


def test_hash_is_argon2id_and_verifies(app):
    """SECURITY.md 2: passwords are hashed with argon2id."""
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$")
    assert verify_password(h, PASSWORD)
    assert not verify_password(h, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)


def test_login_rehashes_old_parameters(app, make_user):
    """SECURITY.md 2: a hash with older parameters is upgraded at the next login."""
    user = make_user()
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user.password_hash = old
    db.session.commit()
    app.config["ARGON2_MEMORY_COST_KIB"] = 16
    services.authenticate(user.email, PASSWORD)
    db.session.commit()
    assert user.password_hash != old
    assert "m=16" in user.password_hash
    assert verify_password(user.password_hash, PASSWORD)
