"""Export (SECURITY.md 19) and deletion (SECURITY.md 20) of a user's own data."""

import json
from pathlib import Path

import sqlalchemy as sa

import recovery
from recovery import yourdata
from recovery.accounts.models import User
from recovery.db import db
from recovery.trust.models import TrustCheckIn
from recovery.yourdata import registry
from tests.conftest import row_counts
from tests.factories import PASSWORD
from tests.security.world import build_world


def _user(world_member):
    return db.session.get(User, world_member.id)


def test_export_holds_everything_of_mine_and_nothing_of_anyone_elses(app, login):
    """SECURITY.md 19: A's export has A's records from every area, and none of B's words or any secret."""
    world = build_world(app, login)
    a = _user(world.a)
    exported = yourdata.export(a)
    text = json.dumps(exported)
    for mine in ("amends-secret-what", "amends-secret-impact", "boundary-secret-situation", "plan-secret-words",
                 "Walk the dog", "it happened", "asked for help", world.invitation_label):
        assert mine in text, mine
    for theirs in (f"private-trust-note-{world.b.id}", "boundary-secret-note", "openness-secret-condition"):
        assert theirs not in text, theirs
    for secret in (*world.tokens.values(), "password_hash", "token_hash", "$argon2"):
        assert secret not in text, secret
    # Every area is there, with every row.
    assert len(exported["tracker"]["commitments"]) == 1 and len(exported["tracker"]["checkins"]) == 1
    # What a commitment's pages work out from the check-ins (saved progress, calendar squares) is not data.
    assert exported["tracker"]["commitments"][0]["title"] == "Walk the dog"
    assert not [key for key in exported["tracker"]["commitments"][0] if key.startswith(("progress_", "calendar_"))]
    assert len(exported["amends"]["entries"]) == 2 and exported["amends"]["steps"]
    assert len(exported["boundaries"]["versions"]) == 1 and len(exported["conversation_plans"]) == 1
    # The circle, and the counsellor A chose (with the consent A gave, every version of it).
    assert {c["with"] for c in exported["connections"]} == {world.b.name, world.d.name, world.s.name}
    assert [c["event"] for c in exported["supporters"]["consents"]] == ["given"]
    assert exported["supporters"]["my_notes"] == []  # S's note about A is S's data
    assert "supporter-note-secret" not in json.dumps(exported)
    assert exported["tracker"]["calendar_link"] is True
    b_export = json.dumps(yourdata.export(_user(world.b)))
    assert f"private-trust-note-{world.b.id}" in b_export and "openness-secret-condition" in b_export
    assert "amends-secret-what" not in b_export


def test_export_over_http_needs_the_password(app, login):
    """SECURITY.md 8: the download needs the password again; it comes as a JSON attachment and is audited."""
    world = build_world(app, login)
    client = world.clients["a"]
    r = client.post("/settings/export", data={"password": "wrong password here", "format": "json"})
    assert r.status_code == 422 and "current password" in r.get_data(as_text=True)
    r = client.post("/settings/export", data={"password": PASSWORD, "format": "json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    assert json.loads(r.get_data(as_text=True))["account"]["email"] == world.a.email
    r = client.post("/settings/export", data={"password": PASSWORD, "format": "print"})
    printed = r.get_data(as_text=True)
    assert "My Mend data" in printed and "Walk the dog" in printed
    # Stored values read in plain words on paper, never as their codes.
    for code in ("</span> active", "</span> direct", "</span> listed", "</span> draft", "</span> kept",
                 "conversations, milestones"):
        assert code not in printed, code
    assert "</span> Direct amends" in printed and "</span> Listed" in printed
    kinds = db.session.scalars(sa.text("SELECT kind FROM audit_events WHERE user_id = :u"), {"u": world.a.id}).all()
    assert kinds.count("export") == 2


def _user_columns():
    """Every (table, column) that points at the users table."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                yield table, column


def test_deletion_removes_every_row_of_mine_and_keeps_others_whole(app, login):
    """SECURITY.md 20: walking the metadata, no row points at A afterwards; B's own records stay."""
    world = build_world(app, login)
    t = db.metadata.tables
    b_own = {name: t[name].c[col] for name, col in (("trust_checkins", "owner_id"), ("amends_openness", "owner_id"),
                                                    ("boundaries", "owner_id"), ("user_sessions", "user_id"),
                                                    ("audit_events", "user_id"), ("users", "id"))}

    def b_counts():
        return {name: db.session.scalar(sa.select(sa.func.count()).select_from(t[name]).where(col == world.b.id))
                for name, col in b_own.items()}

    b_before = b_counts()
    assert b_before["trust_checkins"] == 1 and b_before["amends_openness"] == 1
    client = world.clients["a"]
    r = client.post("/settings/delete", data={"password": PASSWORD, "confirm": "DELETE"})
    assert r.status_code == 302
    for table, column in _user_columns():
        left = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(column == world.a.id))
        assert left == 0, f"{table.name}.{column.name} still points at the deleted account"
    assert db.session.get(User, world.a.id) is None
    assert client.get("/home").status_code == 302  # the session ended
    assert row_counts()["connections"] == 0  # A's connections ended with the account
    assert b_counts() == b_before
    trust = db.session.scalar(sa.select(TrustCheckIn).where(TrustCheckIn.owner_id == world.b.id))
    assert trust.person_id is None and trust.note == f"private-trust-note-{world.b.id}"
    assert world.clients["b"].get("/home").status_code == 200  # B is still logged in and fine


def test_deletion_needs_the_password_and_the_word(app, login):
    """SECURITY.md 8: a wrong password or a missing DELETE deletes nothing."""
    world = build_world(app, login)
    client = world.clients["a"]
    before = row_counts()
    for body in ({"password": "wrong password here", "confirm": "DELETE"}, {"password": PASSWORD, "confirm": "yes"},
                 {"password": PASSWORD}, {}):
        r = client.post("/settings/delete", data=body)
        assert r.status_code == 422
    after = row_counts()
    # The wrong password is counted and audited (SECURITY.md 30); nothing else changes.
    assert after.pop("login_throttles") == before.pop("login_throttles") + 1
    assert after.pop("audit_events") == before.pop("audit_events") + 1
    assert after == before
    assert "can't be undone" in client.get("/settings/delete").get_data(as_text=True).replace("&#39;", "'")


def _text_columns():
    """Every (table, column) that holds text: strings, long text and JSON."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                yield table, column


def test_deletion_removes_the_words_i_wrote_anywhere_and_my_login_counter(app, login):
    """SECURITY.md 27: B's note on A's boundary goes with B's account; no text column holds it; nor B's counter."""
    from recovery.accounts import services as accounts
    from recovery.accounts.models import LoginThrottle

    world = build_world(app, login)
    b_email = world.b.email
    world.clients["d"].post("/logout")
    anonymous = app.test_client()
    anonymous.post("/login", data={"email": b_email, "password": "not the right password"})
    assert db.session.get(LoginThrottle, accounts.throttle_key(b_email)) is not None
    r = world.clients["b"].post("/settings/delete", data={"password": PASSWORD, "confirm": "DELETE"})
    assert r.status_code == 302
    for table, column in _text_columns():
        hits = db.session.scalar(sa.select(sa.func.count()).select_from(table)
                                 .where(sa.cast(column, sa.Text).contains("boundary-secret-note")))
        assert hits == 0, f"{table.name}.{column.name} still holds words the deleted account wrote"
    assert db.session.get(LoginThrottle, accounts.throttle_key(b_email)) is None


# --- The registry: every feature adds its part (recovery/yourdata) -------------------------------------------


def test_the_export_keeps_its_format_and_the_order_of_its_keys(app, login):
    """The file people download keeps the shape it had: the same keys, in the same order, at each level."""
    world = build_world(app, login)
    exported = yourdata.export(_user(world.a))
    assert list(exported) == [
        "format", "exported_at", "account", "sessions", "known_devices", "security_events", "connections",
        "sharing", "invitations", "who_viewed_my_areas", "tracker", "trust_checkins", "amends", "boundaries",
        "conversation_plans", "reminders", "plan_for_hard_days", "looking_after_me", "supporters"]
    assert exported["format"] == "mend-export-1"
    assert list(exported["supporters"]) == ["consents", "my_notes"]
    assert list(exported["reminders"]) == ["settings", "sent", "circle_alerts", "devices"]
    assert list(exported["looking_after_me"]) == ["wellbeing_checks", "worksheets"]
    assert list(exported["tracker"]) == ["commitments", "schedules", "checkins", "checkin_notes", "setbacks",
                                         "small_wins", "calendar_link"]
    assert list(exported["amends"]) == ["entries", "steps", "my_openness_answers"]
    assert list(exported["boundaries"]) == ["boundaries", "versions", "my_answers", "events_i_noted"]
    assert exported["account"]["id"] == world.a.id and "password_hash" not in exported["account"]


def test_every_table_is_exported_or_left_out_with_a_reason(app):
    """A new feature can't forget its rows: each table is in an export section or listed as left out, and why."""
    tables = set(db.metadata.tables)
    exported = registry.exported_tables()
    left_out = registry.tables_not_exported()
    assert exported <= tables and set(left_out) <= tables, "a section names a table that isn't there"
    assert not exported & set(left_out), f"both exported and left out: {exported & set(left_out)}"
    user_owned = {table.name for table, _column in _user_columns()} | {"users"}
    assert user_owned - exported - set(left_out) == set(), "tables with a user column missing from Your data"
    assert tables - exported - set(left_out) == set(), "tables missing from Your data (export them, or say why not)"
    assert all(len(reason.split()) >= 5 for reason in left_out.values()), left_out


def test_every_feature_data_module_is_loaded_at_start_up(app):
    """Each recovery/<feature>/data.py is in yourdata.FEATURES (so it registers), and each listed module exists."""
    source = Path(recovery.__file__).resolve().parent
    on_disk = {f"recovery.{path.parent.name}.data" for path in source.glob("*/data.py")}
    assert on_disk == set(yourdata.FEATURES)
    assert app.extensions["yourdata"] == yourdata.FEATURES


def test_words_for_the_printed_export_come_from_each_feature(app):
    """Stored values from every area read in plain words: statuses, kinds of amends, what is shared."""
    from recovery.amends.models import KINDS
    from recovery.circle.permissions import AREAS
    from recovery.conversations.models import STATUSES
    from recovery.tracker.models import CHECKIN_STATUSES

    words = yourdata.export_words()
    for labels in (KINDS, STATUSES, CHECKIN_STATUSES, {key: area.label for key, area in AREAS.items()}):
        assert labels.items() <= words.items()
    assert {"active": "Active", "paused": "Paused", "ended": "Ended"}.items() <= words.items()
