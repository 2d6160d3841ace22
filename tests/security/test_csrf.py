"""SECURITY.md 12: a CSRF token on every POST (login and logout included), and no GET changes state."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery.accounts.models import User, UserSession
from recovery.circle.models import AccessLogEntry, Invitation
from recovery.db import db
from tests.conftest import PASSWORD, row_counts
from tests.security.test_url_map_walk import FILLERS
from tests.security.world import (
    LOVED_ONE_AREAS,
    PERSON_AREAS,
    World,
    attack_body,
    build_world,
    csrf_token_from,
    dump_database,
    url_for_rule,
    walked_rules,
)


@pytest.fixture
def csrf_app(app, make_app):
    """The app with CSRF protection on, as in production (the `app` fixture holds the database context)."""
    return make_app(WTF_CSRF_ENABLED=True)


def _token(client, path: str = "/login") -> str:
    resp = client.get(path)
    assert resp.status_code == 200, path
    return csrf_token_from(resp.get_data(as_text=True))


def _logged_in(csrf_app, user):
    """Log in through the real form, token included; return the client."""
    client = csrf_app.test_client()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(client)})
    assert resp.status_code == 302
    return client


def _session_rows(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == user_id))


def test_login_needs_the_token(csrf_app, make_user):
    """SECURITY.md 12: POST /login without a token is 400 and logs nobody in; with the form's token it works."""
    user = make_user()
    client = csrf_app.test_client()
    counts = row_counts()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert row_counts() == counts
    assert client.get("/settings").status_code == 302  # still logged out
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": _token(client)})
    assert resp.status_code == 302
    assert client.get("/settings").status_code == 200


def test_logout_needs_the_token(csrf_app, make_user):
    """SECURITY.md 12: POST /logout without a token is 400 and the session lives on; with the token it ends."""
    user = make_user()
    user_id = user.id
    client = _logged_in(csrf_app, user)
    assert _session_rows(user_id) == 1
    counts = row_counts()
    assert client.post("/logout").status_code == 400
    assert row_counts() == counts
    assert client.get("/settings").status_code == 200
    token = _token(client, "/settings")  # the logout button's token, from the page header
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert _session_rows(user_id) == 0
    assert client.get("/settings").status_code == 302


def test_register_needs_the_token(csrf_app):
    """SECURITY.md 12: POST /register without a token is 400 and creates nothing; with the token it works."""
    client = csrf_app.test_client()
    form = {"display_name": "Robin", "email": "robin-csrf@example.org", "role": "person", "timezone": "UTC",
            "password": PASSWORD, "password_again": PASSWORD}
    counts = row_counts()
    assert client.post("/register", data=form).status_code == 400
    assert row_counts() == counts
    resp = client.post("/register", data={**form, "csrf_token": _token(client, "/register")})
    assert resp.status_code == 200  # "check your email" (tests/accounts/test_sign_in_link.py)
    assert db.session.scalar(sa.select(User).where(User.email == "robin-csrf@example.org")) is not None


def test_logged_in_posts_need_the_token(csrf_app, make_user):
    """SECURITY.md 12: POST /circle/invite and /settings without a token are 400 and change nothing."""
    user = make_user(name="Before")
    user_id = user.id
    client = _logged_in(csrf_app, user)
    counts = row_counts()
    assert client.post("/circle/invite", data={"relationship": "friend"}).status_code == 400
    assert client.post("/settings", data={"display_name": "After", "timezone": "UTC"}).status_code == 400
    assert row_counts() == counts
    assert db.session.get(User, user_id).display_name == "Before"

    token = _token(client, "/circle/invite")
    resp = client.post("/circle/invite", data={"relationship": "friend", "csrf_token": token})
    assert resp.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)
                             .where(Invitation.inviter_id == user_id)) == 1
    resp = client.post("/settings", data={"display_name": "After", "timezone": "UTC",
                                          "csrf_token": _token(client, "/settings")})
    assert resp.status_code == 302
    assert db.session.get(User, user_id).display_name == "After"


def test_a_token_from_another_session_is_refused(csrf_app, make_user):
    """SECURITY.md 12: a token scraped from someone else's page doesn't work in this session."""
    victim, attacker = make_user(name="Victim"), make_user()
    victim_id = victim.id
    victim_client = _logged_in(csrf_app, victim)
    attacker_token = _token(_logged_in(csrf_app, attacker), "/settings")
    resp = victim_client.post("/settings", data={"display_name": "Changed", "timezone": "UTC",
                                                 "csrf_token": attacker_token})
    assert resp.status_code == 400
    assert db.session.get(User, victim_id).display_name == "Victim"


def _fill_own(world: World, rule) -> list[dict]:
    """Fill a rule's arguments with A's own ids and A's own tokens (A acting on A's data)."""
    from itertools import product

    names = sorted(rule.arguments)
    choices = []
    for name in names:
        assert name in FILLERS, f"{rule.rule}: no filler for {name}"
        choices.append(list(world.tokens.values()) if name == "token" else FILLERS[name](world, rule.endpoint))
    return [dict(zip(names, combo, strict=True)) for combo in product(*choices)]


def test_every_post_rule_refuses_a_missing_token(csrf_app):
    """SECURITY.md 12: every rule that takes POST answers 400 without a token, even on the user's own data."""
    world = build_world(csrf_app, _csrf_login)
    client = world.clients["a"]
    before = dump_database()
    posted = 0
    for rule in walked_rules(csrf_app):
        if "POST" not in rule.methods:
            continue
        for values in _fill_own(world, rule):
            path = url_for_rule(csrf_app, rule, values)
            resp = client.post(path, data=attack_body(world, world.a))
            posted += 1
            assert resp.status_code == 400, (path, resp.status_code)
    assert posted >= 10
    assert dump_database() == before
    assert client.get("/settings").status_code == 200  # still logged in: even /logout did nothing


def _csrf_login(client, user, password: str = PASSWORD):
    """The login fixture's job, on an app that checks CSRF tokens."""
    resp = client.post("/login", data={"email": user.email, "password": password, "csrf_token": _token(client)})
    assert resp.status_code == 302
    return client


# Writes a GET may make: the owner's access log (a shared area was viewed), and a session's
# last-seen time (an UPDATE of the viewer's own session row, not a new row).
GET_MAY_WRITE = {"user_sessions": {"last_seen_at"}, "access_log": {"viewed_at"}}


def test_no_get_changes_state(app, login, client):
    """SECURITY.md 12: GET on every rule, as A, as B and logged out, writes nothing but B's access-log visits."""
    world = build_world(app, login, b_shares=LOVED_ONE_AREAS)
    before = dump_database(skip_columns=GET_MAY_WRITE)
    viewed = set()  # (owner_id, viewer_id, area) that answered 200 on a shared area
    gets = 0
    for who, walker in (("a", world.a), ("b", world.b), ("anonymous", None)):
        web = client if walker is None else world.clients[who]
        for rule in walked_rules(app):
            for values in _fill_own(world, rule):
                path = url_for_rule(app, rule, values)
                resp = web.get(path)
                gets += 1
                assert resp.status_code < 500, (who, path)
                if rule.endpoint == "circle.shared_area" and resp.status_code == 200:
                    owner = world.b if walker is world.a else world.a
                    viewed.add((owner.id, walker.id, values["area"]))
    # Both of them saw every area the other shares: that, and only that, was logged.
    assert viewed == ({(world.a.id, world.b.id, a) for a in PERSON_AREAS}
                      | {(world.b.id, world.a.id, a) for a in LOVED_ONE_AREAS})
    assert before["access_log"] == []
    logged = db.session.execute(sa.select(AccessLogEntry.owner_id, AccessLogEntry.viewer_id, AccessLogEntry.area)).all()
    assert sorted(map(tuple, logged)) == sorted(viewed)
    after = dump_database(skip_columns=GET_MAY_WRITE)
    after.pop("access_log"), before.pop("access_log")
    assert after == before
    assert gets > 3 * len(walked_rules(app))
    # A second round of the same views counts as the same visits: no new rows at all.
    counts = row_counts()
    for area in PERSON_AREAS:
        assert world.clients["b"].get(f"/circle/{world.ab_id}/{area}").status_code == 200
    assert row_counts() == counts
