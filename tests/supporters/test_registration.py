"""Signing up as a supporter: the role and its kind, chosen on the real form; a host may approve first."""

from __future__ import annotations

import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.db import db
from tests.conftest import row_counts
from tests.factories import PASSWORD
from tests.forms import choices_of, form_data


def _form(client) -> tuple[str, dict]:
    html = client.get("/register?role=supporter").get_data(as_text=True)
    return html, form_data(html, display_name="Dr. Rivera", email="rivera@example.org", password=PASSWORD,
                           password_again=PASSWORD)


def test_a_supporter_signs_up_with_their_kind(app, client):
    html, data = _form(client)
    assert set(choices_of(html, "role")) == {"person", "loved_one", "supporter"}
    assert set(choices_of(html, "supporter_kind")) == {"", "sponsor", "counsellor", "coach", "other"}
    assert data["role"] == ["supporter"]  # ?role=supporter chose it
    data["supporter_kind"] = ["coach"]
    response = client.post("/register", data=data)
    assert response.status_code in (200, 302)
    user = db.session.scalar(sa.select(User).where(User.email == "rivera@example.org"))
    assert user.is_supporter and user.supporter_kind == "coach" and user.kind_label == "Peer recovery coach"
    assert user.approved_at is not None  # this host doesn't ask to approve supporters


def test_a_supporter_without_a_kind_gets_the_form_again_with_everything_kept(app, client):
    html, data = _form(client)
    before = row_counts()
    response = client.post("/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose what kind of supporter you are." in page
    assert 'value="Dr. Rivera"' in page and 'value="rivera@example.org"' in page
    assert row_counts() == before


def test_a_kind_is_ignored_for_the_other_roles(app, client):
    html, data = _form(client)
    data.update(role=["person"], supporter_kind=["sponsor"])
    client.post("/register", data=data)
    user = db.session.scalar(sa.select(User).where(User.email == "rivera@example.org"))
    assert user.is_person and user.supporter_kind == "" and not user.is_supporter


def test_a_host_that_approves_supporters_leaves_new_ones_waiting(app, client):
    from click.testing import CliRunner

    app.config["SUPPORTERS_NEED_APPROVAL"] = True
    try:
        html, data = _form(client)
        data["supporter_kind"] = ["counsellor"]
        client.post("/register", data=data)
        user = db.session.scalar(sa.select(User).where(User.email == "rivera@example.org"))
        assert user.approved_at is None
        db.session.commit()
        result = CliRunner().invoke(app.cli, ["supporters", "approve", "RIVERA@example.org"])
        assert result.exit_code == 0 and "Approved Dr. Rivera" in result.output
        db.session.expire_all()
        assert db.session.get(User, user.id).approved_at is not None
        result = CliRunner().invoke(app.cli, ["supporters", "approve", "nobody@example.org"])
        assert result.exit_code != 0 and "No supporter" in result.output
    finally:
        app.config["SUPPORTERS_NEED_APPROVAL"] = False

