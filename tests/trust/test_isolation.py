"""Two families: trust check-ins stay with their owner, and reach a person only through the owner's grant."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from recovery.trust import services
from tests.conftest import row_counts
from tests.trust.helpers import add_checkin

VALID = {"predictability": "4", "dependability": "5", "faith": "3", "note": "walk-in note"}


@pytest.fixture
def families(make_user, make_connection):
    """Sam supports Jordan and Alex; Pat also supports Jordan; Lee supports only Robin. Each has check-ins."""
    jordan, alex, robin = (make_user("person", name=n) for n in ("Jordan", "Alex", "Robin"))
    sam, pat, lee = (make_user("loved_one", name=n) for n in ("Sam", "Pat", "Lee"))
    conns = {
        "sam-jordan": make_connection(jordan, sam),
        "sam-alex": make_connection(alex, sam),
        "pat-jordan": make_connection(jordan, pat),
        "lee-robin": make_connection(robin, lee),
    }
    today = services.today_for(sam)
    for week in range(3):
        add_checkin(sam, jordan, today - timedelta(weeks=week + 1), (5, 5, 5), note=f"sam about jordan {week}")
    add_checkin(sam, alex, today - timedelta(weeks=1), (2, 2, 2), note="sam about alex")
    add_checkin(pat, jordan, today - timedelta(weeks=1), (1, 1, 1), note="pat about jordan")
    add_checkin(lee, robin, today - timedelta(weeks=1), (7, 7, 7), note="lee about robin")
    users = {u.display_name.lower(): u for u in (jordan, alex, robin, sam, pat, lee)}
    return users, conns


def _body(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_other_loved_ones_and_the_person_get_404_on_trust_urls(app, families, as_user):
    """A loved one not connected to Jordan, and Jordan themself, get 404 on /trust/<jordan>, GET and POST."""
    users, _ = families
    jordan_id = users["jordan"].id
    for who in ("lee", "jordan", "alex"):
        client = as_user(users[who])
        for url in (f"/trust/{jordan_id}", f"/trust/{jordan_id}/new"):
            before = row_counts()
            assert client.get(url).status_code == 404, (who, url)
            assert client.post(url, data=VALID).status_code in (404, 405), (who, url)
            assert row_counts() == before
    for who in ("jordan", "alex"):
        assert as_user(users[who]).get("/trust/").status_code == 404


def test_each_loved_one_sees_only_their_own_checkins(app, families, as_user):
    """Pat and Sam both support Jordan; each sees only their own check-ins about Jordan."""
    users, _ = families
    pat_page = _body(as_user(users["pat"]).get(f"/trust/{users['jordan'].id}"))
    assert "pat about jordan" in pat_page and "sam about" not in pat_page
    sam_page = _body(as_user(users["sam"]).get(f"/trust/{users['jordan'].id}"))
    assert "sam about jordan 0" in sam_page and "pat about" not in sam_page and "sam about alex" not in sam_page
    overview = _body(as_user(users["lee"]).get("/trust/"))
    assert "Robin" in overview and "Jordan" not in overview


def test_person_sees_trust_only_with_the_grant_and_only_about_them(app, families, as_user):
    """No grant: 404. Sam shares with Jordan: Jordan sees Sam's check-ins about Jordan only. Revoke: 404 at once."""
    users, conns = families
    jordan, sam = as_user(users["jordan"]), as_user(users["sam"])
    cid = conns["sam-jordan"].id
    url = f"/circle/{cid}/trust"
    assert jordan.get(url).status_code == 404

    resp = sam.post(f"/circle/{cid}/sharing", data={f"c{cid}-areas": ["trust"]})
    assert resp.status_code == 302
    page = _body(jordan.get(url))
    assert "Sam's trust check-ins" in page
    assert all(f"sam about jordan {w}" in page for w in range(3))
    assert "sam about alex" not in page and "pat about jordan" not in page and "lee about" not in page
    assert "Persistently high" in page and "Sam's trust has stayed high" in page
    assert 'role="img"' in page

    # Alex, also supported by Sam but without the grant, sees nothing through either connection.
    alex = as_user(users["alex"])
    assert alex.get(f"/circle/{conns['sam-alex'].id}/trust").status_code == 404
    assert alex.get(url).status_code == 404
    # Pat shares nothing: Jordan can't see Pat's check-ins.
    assert jordan.get(f"/circle/{conns['pat-jordan'].id}/trust").status_code == 404

    sam.post(f"/circle/{cid}/sharing", data={})
    assert jordan.get(url).status_code == 404


def test_sharing_with_one_person_shares_nothing_about_the_other(app, families, as_user):
    """Sam shares with both Jordan and Alex: each sees only the check-ins about themself."""
    users, conns = families
    sam = as_user(users["sam"])
    for key in ("sam-jordan", "sam-alex"):
        cid = conns[key].id
        sam.post(f"/circle/{cid}/sharing", data={f"c{cid}-areas": ["trust"]})
    alex_page = _body(as_user(users["alex"]).get(f"/circle/{conns['sam-alex'].id}/trust"))
    assert "sam about alex" in alex_page and "sam about jordan" not in alex_page
    jordan_page = _body(as_user(users["jordan"]).get(f"/circle/{conns['sam-jordan'].id}/trust"))
    assert "sam about jordan 0" in jordan_page and "sam about alex" not in jordan_page


def test_shared_view_empty_state(app, make_user, make_connection, as_user):
    """Shared before any check-in: the person sees a kind empty state, not an error."""
    jordan, sam = make_user("person", name="Jordan"), make_user("loved_one", name="Sam")
    connection = make_connection(jordan, sam, loved_one_shares={"trust"})
    page = _body(as_user(jordan).get(f"/circle/{connection.id}/trust"))
    assert "hasn't made one yet" in page and "<svg" not in page
