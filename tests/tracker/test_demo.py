"""The demo circle carries a realistic tracker history."""

from datetime import timedelta

import sqlalchemy as sa

from recovery.accounts.models import User
from recovery.db import db
from recovery.tracker import commitments, pages
from recovery.tracker import journey as journeys
from recovery.tracker.models import CheckIn, Confirmation, Setback
from recovery.trust.models import TrustCheckIn


def test_demo_has_ninety_days_of_honest_history(app):
    """90+ days of check-ins with misses, a setback, confirmations and Sam's rising trust."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    people = {u.display_name: u for u in db.session.scalars(sa.select(User))}
    jordan, sam = people["Jordan"], people["Sam"]
    first = db.session.scalar(sa.select(sa.func.min(CheckIn.local_date)))
    assert commitments.today_for(jordan) - first >= timedelta(days=90)
    statuses = set(db.session.scalars(sa.select(CheckIn.status)))
    assert statuses == {"kept", "partly", "missed"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Setback).where(Setback.owner_id == jordan.id)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Confirmation)) >= 5
    trust = db.session.scalars(sa.select(TrustCheckIn).where(TrustCheckIn.owner_id == sam.id)
                               .order_by(TrustCheckIn.local_date)).all()
    assert len(trust) >= 8
    early = sum(t.average for t in trust[:3]) / 3
    late = sum(t.average for t in trust[-3:]) / 3
    assert late - early >= 1.5
    journey = journeys.journey(jordan)
    assert journey.days is not None and journey.total_days >= 100 and journey.days < journey.total_days
    overview = pages.overview(jordan)
    assert len(overview.summaries) == 4 and 0.5 < overview.overall < 0.95


def test_demo_has_amends_across_statuses_and_an_openness_signal(app):
    """The demo's amends list covers 5+ entries in different stages, and Pat has said "not yet"."""
    from recovery.amends.models import AmendsEntry, AmendsOpenness

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    statuses = list(db.session.scalars(sa.select(AmendsEntry.status)))
    assert len(statuses) >= 5 and len(set(statuses)) >= 5
    signals = {db.session.get(User, s.owner_id).display_name: s.status
               for s in db.session.scalars(sa.select(AmendsOpenness))}
    assert signals == {"Pat": "not_yet", "Casey": "no"}


def test_demo_shows_contact_ruled_out_by_an_order_and_by_a_no(app):
    """Jamie's entry found a court order and Casey said no: neither carries direct amends or a contact step."""
    from recovery.amends import services as amends
    from recovery.amends.contact import asks_for_contact
    from recovery.amends.models import AmendsEntry
    from recovery.circle.models import Connection

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    entries = {e.person_name: e for e in db.session.scalars(sa.select(AmendsEntry))}
    jamie, casey, mum = entries["Jamie"], entries["Casey"], entries["Mum"]
    assert jamie.safety_no_contact is True and jamie.kind != "direct"
    for entry in (jamie, casey, mum):
        advice = amends.contact_for(entry)
        assert not advice.allowed
        assert not any(asks_for_contact(s.text, entry.person_name) for s in entry.steps if not s.done)
    assert amends.contact_for(jamie).reason == "no_contact" and amends.contact_for(casey).reason == "declined"
    child = db.session.scalar(sa.select(Connection).where(Connection.relationship == "child",
                                                          Connection.loved_one_id != Connection.person_id,
                                                          Connection.id == casey.connection_id))
    assert child is not None and child.loved_one_confirms is False


def test_demo_has_boundaries_from_both_roles_answered_and_not_with_events(app):
    """Demo boundaries come from both roles; some are acknowledged, one awaits a re-read, and events exist."""
    from recovery.boundaries import services as boundaries
    from recovery.boundaries.models import Boundary, BoundaryEvent

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    rows = list(db.session.scalars(sa.select(Boundary)))
    roles = {db.session.get(User, b.owner_id).role for b in rows}
    assert roles == {"person", "loved_one"}
    acks = boundaries.acks_for(rows)
    states = {boundaries.ack_state(b, a) for b in rows for a in acks[b.id]}
    assert {"acknowledged", "updated"} <= states
    assert any(not acks[b.id] for b in rows)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoundaryEvent)) >= 4


def test_demo_has_conversation_plans_in_each_state(app):
    """The demo has plans in every state, from both roles, one shared."""
    from recovery.conversations.models import ConversationPlan

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    plans = list(db.session.scalars(sa.select(ConversationPlan)))
    assert {p.status for p in plans} == {"draft", "ready", "held", "reflected"}
    assert any(p.shared for p in plans)
    assert len({db.session.get(User, p.owner_id).role for p in plans}) == 2


def test_the_demo_can_be_made_in_spanish_and_refuses_a_language_not_offered(app):
    """`flask demo --lang es`: its people use Spanish and what they wrote is Spanish; the same history either way.
    A language the host doesn't offer is refused with a plain message, and nothing is made."""
    from recovery.tracker.models import Commitment

    refused = app.test_cli_runner().invoke(args=["demo", "--lang", "fr"])
    assert refused.exit_code != 0 and "doesn't offer the language 'fr'" in refused.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    result = app.test_cli_runner().invoke(args=["demo", "--lang", "es"])
    assert result.exit_code == 0, result.output
    people = {u.display_name: u for u in db.session.scalars(sa.select(User))}
    assert {u.language for u in people.values()} == {"es"}
    titles = set(db.session.scalars(sa.select(Commitment.title).where(Commitment.owner_id == people["Jordan"].id)))
    assert "Home by 10 pm" not in titles and "Estar en casa a las 10 de la noche" in titles
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) > 90
