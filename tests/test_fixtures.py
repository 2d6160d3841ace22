"""The suite's own fixtures: one app for the run, and a rolled-back test leaves nothing behind."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery import mail
from recovery.accounts.models import User, UserSession
from recovery.db import db
from tests import factories
from tests.conftest import PASSWORD, _rolled_back


def test_one_app_serves_every_rolled_back_test(app, shared_app):
    """Building an app per test cost minutes of every run: the common `app` is the run's one app."""
    assert app is shared_app


@pytest.mark.committing
def test_a_committing_test_gets_a_fresh_app(app, shared_app):
    """Tests that need real commits (other processes, their own connections) get an app of their own."""
    assert app is not shared_app


def test_requests_see_the_tests_rows_and_the_test_sees_theirs(app, make_user, as_user):
    """The test's commits and each request's are savepoints on one connection, so both sides see them."""
    user = make_user(name="Seen By Requests")
    as_user(user)  # the login form finds the test's user...
    signed_in = sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    assert db.session.scalar(signed_in) == 1  # ...and the test finds the login's session row


def test_nothing_a_rolled_back_test_writes_outlives_it(shared_app, migrated_database):
    """Rows written by the test and by its requests, config it changed and mail it sent are all gone after it."""
    email = "rolled-back@example.org"
    with _rolled_back(shared_app), shared_app.app_context():
        user = factories.make_user(email=email)
        assert shared_app.test_client().post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        assert shared_app.test_client().post("/reset", data={"email": email}).status_code == 200
        assert mail.outbox()  # the reset link was "sent"
        shared_app.config["LOGIN_MAX_FAILURES"] = 1
        user_id = user.id
    # A connection of its own sees only what was really committed: nothing.
    engine = sa.create_engine(migrated_database)
    try:
        with engine.connect() as conn:
            assert conn.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == email)) == 0
            assert conn.scalar(sa.select(sa.func.count()).select_from(UserSession)
                               .where(UserSession.user_id == user_id)) == 0
    finally:
        engine.dispose()
    assert shared_app.config["LOGIN_MAX_FAILURES"] != 1
    with shared_app.app_context():
        assert mail.outbox() == []
