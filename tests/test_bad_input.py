"""Every form, fed empty, huge and wrong input: a clear message, what was typed kept, never a 500."""

import pytest

from recovery.accounts import services
from recovery.db import db
from tests.conftest import row_counts
from tests.factories import PASSWORD

HUGE = "é" * 10_000

# url, fields (name -> a valid value), fields whose typed value is shown again, needs login
FORMS = [
    ("/register", {"display_name": "Robin", "email": "robin@example.org", "password": PASSWORD,
                   "password_again": PASSWORD, "role": "person", "timezone": "UTC"},
     {"display_name", "email"}, False),
    ("/login", {"email": "robin@example.org", "password": PASSWORD}, {"email"}, False),
    ("/reset", {"email": "robin@example.org"}, {"email"}, False),
    ("/settings", {"display_name": "Robin", "timezone": "UTC"}, {"display_name"}, True),
    ("/settings/password", {"current_password": PASSWORD, "new_password": "another long passphrase",
                            "new_password_again": "another long passphrase"}, set(), True),
    ("/settings/email", {"email": "robin2@example.org", "password": PASSWORD}, {"email"}, True),
    ("/circle/invite", {"relationship": "friend", "invitee_label": "Alex"}, {"invitee_label"}, True),
]


def _ids(forms):
    return [f[0] for f in forms]


@pytest.mark.parametrize(("url", "fields", "echoed", "needs_login"), FORMS, ids=_ids(FORMS))
def test_every_field_empty_huge_and_missing(app, make_user, as_user, client, url, fields, echoed, needs_login):
    """Each field in turn empty, 10,000 characters, or missing: 422 with a message, nothing saved."""
    user = make_user(email="owner@example.org")
    c = as_user(user) if needs_login else client
    optional = {"invitee_label"}
    for name in fields:
        for bad in ("", HUGE, None):
            if name in optional and bad != HUGE:
                continue
            data = dict(fields)
            if bad is None:
                data.pop(name)
            else:
                data[name] = bad
            before = row_counts()
            r = c.post(url, data=data)
            body = r.get_data(as_text=True)
            assert r.status_code == 422, (url, name, bad and bad[:5], r.status_code)
            assert 'class="error"' in body or 'alert-error' in body
            for other in echoed - {name}:
                assert f'value="{fields[other]}"' in body, (url, name, other)
            after = row_counts()
            assert {k: v for k, v in after.items() if k not in ("login_throttles", "audit_events")} == \
                   {k: v for k, v in before.items() if k not in ("login_throttles", "audit_events")}, (url, name)


@pytest.mark.parametrize("url", ["/register", "/settings", "/circle/invite"])
def test_wrong_choices_are_refused(app, make_user, as_user, client, url):
    """A choice outside the list (role, time zone, relationship) is refused with a message."""
    c = client if url == "/register" else as_user(make_user())
    data = {"display_name": "Robin", "email": "robin@example.org", "password": PASSWORD, "password_again": PASSWORD,
            "role": "superuser", "timezone": "Atlantis/Capital", "relationship": "landlord", "invitee_label": "x"}
    r = c.post(url, data=data)
    assert r.status_code == 422
    assert "choose" in r.get_data(as_text=True).lower()


def test_reset_form_bad_input(app, client, make_user):
    """The new-password form refuses empty, huge and mismatched input and keeps the link alive."""
    user = make_user()
    token = services.create_reset_token(user)
    db.session.commit()
    for data in ({}, {"password": "", "password_again": ""}, {"password": HUGE, "password_again": HUGE},
                 {"password": PASSWORD + "1", "password_again": PASSWORD + "2"}):
        assert client.post(f"/reset/{token}", data=data).status_code == 422
    assert services.find_reset(token) is not None


def test_non_numeric_ids_are_404(app, make_user, as_user):
    """Ids that aren't numbers never reach a view."""
    c = as_user(make_user())
    urls = ("/circle/abc/tracker", "/circle/1.5/pause", "/settings/sessions/x/revoke", "/circle/invitations/-1/cancel")
    for url in urls:
        assert c.get(url).status_code in (404, 405)
        assert c.post(url).status_code in (404, 405)


def test_huge_body_is_refused_politely(app, make_user, as_user):
    """A request body over the size limit gets a 413 page, not a crash."""
    c = as_user(make_user())
    r = c.post("/settings", data={"display_name": "x" * (2 * 1024 * 1024), "timezone": "UTC"})
    assert r.status_code == 413 and "too much" in r.get_data(as_text=True)
