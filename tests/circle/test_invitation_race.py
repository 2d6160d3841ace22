"""SECURITY.md 25 (issue 14, item 2): one invitation link, answered by many processes at once, makes one connection.

Each process is a separate app with its own database connections, as gunicorn's workers are. All
of them sign in first, wait at a barrier, then post "accept" on the same link at the same moment.
The suite's database is used, so this runs on SQLite by default and on PostgreSQL when
MEND_TEST_DATABASE_URL points there.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from recovery.circle import services
from recovery.circle.models import Connection, Invitation
from recovery.db import db
from tests.factories import PASSWORD
from tests.processes import at_once, dispose, worker_app

PROCESSES = 6
USED = "This invitation link was already used or cancelled"


def _accept(url: str, instance: str, email: str, path: str, address: str, barrier, results) -> None:
    """Sign in as `email` in a fresh app, wait for the others, then accept the link; report the answer."""
    app = worker_app(url, instance)
    # Each tab from its own address: six logins to one account at once from one address would meet the
    # login limit, which counts tries before checking them (SECURITY.md 3); here only the accepts race.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    try:
        signed_in = client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        barrier.wait(timeout=60)
        if not signed_in:
            results.put(("login failed", ""))
            return
        response = client.post(path, data={"answer": "accept"})
        results.put((response.status_code, response.get_data(as_text=True).replace("&#39;", "'")))
    except Exception as error:  # noqa: BLE001 - any failure in a worker is reported, not lost
        results.put(("error", repr(error)))
    finally:
        dispose(app)


def _race(database_url: str, tmp_path, emails: list[str], paths: list[str]) -> list[tuple]:
    return at_once(_accept, [(database_url, str(tmp_path / f"w{n}"), email, path, f"192.0.2.{n + 1}")
                             for n, (email, path) in enumerate(zip(emails, paths, strict=True))])


@pytest.mark.parametrize("same_user", [False, True], ids=["six-loved-ones", "one-loved-one-six-tabs"])
def test_concurrent_accepts_make_one_connection(app, database_url, tmp_path, make_user, same_user):
    """SECURITY.md 25: six simultaneous accepts of one link: one connection, one acceptance, five polite refusals."""
    person = make_user("person", name="Jordan")
    loved_ones = [make_user("loved_one")] * PROCESSES if same_user else \
        [make_user("loved_one") for _ in range(PROCESSES)]
    invitation, token = services.create_invitation(person, "partner")
    invitation_id = invitation.id

    answers = _race(database_url, tmp_path, [u.email for u in loved_ones], [f"/circle/join/{token}"] * PROCESSES)

    codes = sorted(code for code, _ in answers)
    assert codes == [302] + [409] * (PROCESSES - 1), [(code, body[:300]) for code, body in answers]
    # The same answer as a link that was used long ago; the same loved one in six tabs may instead
    # hear the other true answer, when a tab read the link before the winner saved and the connection after.
    polite = (USED, "You are already connected with Jordan") if same_user else (USED,)
    for code, body in answers:
        if code == 409:
            assert any(words in body for words in polite), body[:300]
    db.session.expire_all()
    connections = db.session.scalars(sa.select(Connection).where(Connection.person_id == person.id)).all()
    assert len(connections) == 1
    assert connections[0].loved_one_id in {u.id for u in loved_ones}
    assert db.session.get(Invitation, invitation_id).status == "accepted"


def test_a_lost_race_is_refused_like_a_used_link(app, make_user):
    """A request that read the link as pending, but lost to another answer, is refused and changes nothing."""
    from recovery.errors import Refused

    person, sam, pat = make_user("person"), make_user("loved_one"), make_user("loved_one")
    invitation, token = services.create_invitation(person, "partner")
    db.session.commit()
    # Another worker's decline lands after this request read the link, before it accepts.
    db.session.execute(sa.update(Invitation).where(Invitation.id == invitation.id)
                       .values(status="declined").execution_options(synchronize_session=False))
    with pytest.raises(Refused, match=USED):
        services.accept_invitation(token, sam)
    for answer in (lambda: services.decline_invitation(token, pat),
                   lambda: services.cancel_invitation(person, invitation.id)):
        with pytest.raises(Refused):
            answer()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Connection)) == 0
    assert db.session.get(Invitation, invitation.id).status == "pending"


def test_two_links_for_one_pair_accepted_at_once_make_one_connection(app, database_url, tmp_path, make_user):
    """Each asked the other (two links for one pair), and both links are accepted at once: still one connection."""
    person, loved = make_user("person", name="Jordan"), make_user("loved_one", name="Pat")
    _, from_person = services.create_invitation(person, "partner")
    _, from_loved = services.create_invitation(loved, "partner")
    emails = [loved.email, person.email] * (PROCESSES // 2)
    paths = [f"/circle/join/{from_person}", f"/circle/join/{from_loved}"] * (PROCESSES // 2)

    answers = _race(database_url, tmp_path, emails, paths)

    assert sorted(code for code, _ in answers) == [302] + [409] * (PROCESSES - 1), \
        [(code, body[:300]) for code, body in answers]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Connection)) == 1
    statuses = sorted(db.session.scalars(sa.select(Invitation.status)))
    assert statuses == ["accepted", "pending"]  # the losing link was not used up
