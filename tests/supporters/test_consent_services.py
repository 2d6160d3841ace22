"""Supporters' consent rules: what a consent may say; how giving, changing, renewing and ending it moves the door."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound as HTTPNotFound

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle import permissions
from recovery.circle.models import ACTIVE, ENDED, Invitation, ShareGrant
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.supporters import services
from recovery.supporters.models import CHANGED, GIVEN, RENEWED, Consent
from recovery.supporters.models import ENDED as CONSENT_ENDED
from tests.factories import make_support
from tests.queries import captured_statements, selects

TODAY = date(2025, 3, 14)
PURPOSE = "To prepare for our sessions."


def _grants(tie) -> set[str]:
    return set(db.session.scalars(sa.select(ShareGrant.area).where(ShareGrant.connection_id == tie.id)))


def _offer(owner, areas=("tracker",), purpose=PURPOSE, days=90):
    return services.clean_offer(owner, areas, purpose, services.today_for(owner) + timedelta(days=days))


# --- What a consent may say ---------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "areas", "purpose", "ends_on", "field", "words"), [
    (PERSON, [], PURPOSE, TODAY + timedelta(days=30), "areas", "at least one thing"),
    (PERSON, ["tracker", "nope"], PURPOSE, TODAY + timedelta(days=30), "areas", "from the list"),
    (PERSON, ["trust"], PURPOSE, TODAY + timedelta(days=30), "areas", "from the list"),  # a loved one's
    (LOVED_ONE, ["tracker"], PURPOSE, TODAY + timedelta(days=30), "areas", "from the list"),  # a person's
    (PERSON, ["tracker"], "  ok  ", TODAY + timedelta(days=30), "purpose", "why you are sharing"),
    (PERSON, ["tracker"], "x" * 301, TODAY + timedelta(days=30), "purpose", "300 characters"),
    (PERSON, ["tracker"], PURPOSE, None, "ends_on", "last day"),
    (PERSON, ["tracker"], PURPOSE, TODAY, "ends_on", "after today"),
    (PERSON, ["tracker"], PURPOSE, TODAY - timedelta(days=1), "ends_on", "after today"),
    (PERSON, ["tracker"], PURPOSE, TODAY + timedelta(days=366), "ends_on", "a year at most"),
])
def test_clean_offer_refuses(make_user, role, areas, purpose, ends_on, field, words):
    """Each part of a consent that can't stand is refused beside its own field, in plain words."""
    owner = make_user(role)
    with pytest.raises(Refused) as refused:
        services.clean_offer(owner, areas, purpose, ends_on, today=TODAY)
    assert refused.value.field == field
    assert words in refused.value.message


def test_clean_offer_keeps_the_areas_in_order_and_allows_a_full_year(make_user):
    """The widest consent allowed: any of the owner's own areas, ending on the last day of a year from today."""
    person = make_user(PERSON)
    last = services.latest_end(person, TODAY)
    assert last == TODAY + timedelta(days=365)
    offer = services.clean_offer(person, ["plan", "tracker", "tracker"], "  To  prepare ", last, today=TODAY)
    assert offer == services.Offer(("tracker", "plan"), "To prepare", last)
    assert services.clean_offer(person, ["tracker"], PURPOSE, TODAY + timedelta(days=1), today=TODAY)
    assert services.default_end(person, TODAY) == date(2025, 9, 14)
    assert services.default_end(person, date(2025, 8, 31)) == date(2026, 2, 28)  # no 31 February


def test_offer_problems_names_every_field_at_once(make_user):
    """A form can show every problem in one go: one refusal for each field that is wrong."""
    person = make_user(PERSON)
    problems = services.offer_problems(person, [], "", TODAY, today=TODAY)
    assert [p.field for p in problems] == ["areas", "purpose", "ends_on"]
    assert services.offer_problems(person, ["tracker"], PURPOSE, TODAY + timedelta(days=3), today=TODAY) == []


# --- Giving, changing, renewing, ending ------------------------------------------------------------------


def test_start_tie_grants_exactly_the_areas_and_records_a_given_version(make_user):
    """The supporter's tie shares exactly what the consent names, and the record starts with GIVEN."""
    person, supporter = make_user(PERSON, name="Jordan"), make_user(SUPPORTER, name="Dr Lee")
    offer = _offer(person, ("tracker", "milestones"))
    tie = services.start_tie(person, supporter, offer)
    assert (tie.person_id, tie.loved_one_id, tie.supporter_id) == (person.id, None, supporter.id)
    assert tie.relationship == "counsellor" and tie.status == ACTIVE
    assert tie.consent_ends_at == services.ends_at(person, offer.ends_on)
    assert _grants(tie) == {"tracker", "milestones"}
    [given] = services.consents_of(tie)
    assert (given.event, given.areas, given.purpose, given.ends_on) == (GIVEN, ["tracker", "milestones"], PURPOSE,
                                                                        offer.ends_on)
    assert (given.supported_name, given.supporter_name, given.actor_id) == ("Jordan", "Dr Lee", person.id)
    assert permissions.granting_connection(supporter, person.id, "tracker").id == tie.id
    assert permissions.granting_connection(supporter, person.id, "amends") is None
    with pytest.raises(Refused, match="already supports"):
        services.start_tie(person, supporter, offer)


def test_a_loved_one_gives_a_family_therapist_their_own_areas(make_user):
    """Item 6: a loved one's tie names the loved one's own areas, with its own consent."""
    loved, therapist = make_user(LOVED_ONE, name="Sam"), make_user(SUPPORTER)
    tie = services.start_tie(loved, therapist, _offer(loved, ("boundaries", "trust")))
    assert (tie.person_id, tie.loved_one_id, tie.supported_id) == (None, loved.id, loved.id)
    assert _grants(tie) == {"boundaries", "trust"}
    assert permissions.granting_connection(therapist, loved.id, "boundaries").id == tie.id


def test_changing_adds_a_changed_version_and_only_a_new_end_is_a_renewal(make_user):
    """Every change adds a version; the grants follow the newest; moving only the end is RENEWED."""
    person, supporter = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(person, supporter, share={"tracker"}, days=30)
    first_end = services.current_consent(tie).ends_on
    changed = services.change_consent(person, tie, _offer(person, ("milestones",), "For our sessions.", days=30))
    assert changed.event == CHANGED and _grants(tie) == {"milestones"}
    assert permissions.granting_connection(supporter, person.id, "tracker") is None
    renewed = services.change_consent(person, tie, _offer(person, ("milestones",), "For our sessions.", days=200))
    assert renewed.event == RENEWED
    assert tie.consent_ends_at == services.ends_at(person, first_end + timedelta(days=170))
    assert [c.event for c in services.consents_of(tie)] == [GIVEN, CHANGED, RENEWED]
    assert services.same_as_now(tie, _offer(person, ("milestones",), "For our sessions.", days=200))
    assert not services.same_as_now(tie, _offer(person, ("milestones",), "For our sessions.", days=199))


def test_only_the_person_who_gave_it_changes_a_consent(make_user):
    person, supporter, other = make_user(PERSON), make_user(SUPPORTER), make_user(PERSON)
    tie = make_support(person, supporter)
    with pytest.raises(NotFound):
        services.change_consent(other, tie, _offer(other))
    with pytest.raises(NotFound):
        services.change_consent(supporter, tie, _offer(person))


@pytest.mark.parametrize("ender", ["person", "supporter"])
def test_end_tie_removes_grants_records_ended_and_the_door_refuses_at_once(make_user, ender):
    """Ending (by either side) takes everything away for the very next look, and the record stays."""
    person, supporter = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(person, supporter, share={"tracker", "plan"})
    assert permissions.shared_through(supporter, tie.id, "tracker").owner.id == person.id
    actor = person if ender == "person" else supporter
    services.end_tie(actor, tie)
    assert tie.status == ENDED and tie.ended_at is not None
    assert _grants(tie) == set()
    last = services.current_consent(tie)
    assert (last.event, last.actor_id, last.areas) == (CONSENT_ENDED, actor.id, [])
    assert [c.event for c in services.consents_of(tie)] == [GIVEN, CONSENT_ENDED]
    assert permissions.granting_connection(supporter, person.id, "tracker") is None
    with pytest.raises(HTTPNotFound):
        permissions.shared_through(supporter, tie.id, "tracker")
    assert services.state(tie) == "ended"
    with pytest.raises(Refused, match="already ended"):
        services.end_tie(person, tie)
    with pytest.raises(Refused, match="has ended"):
        services.change_consent(person, tie, _offer(person))


def test_no_one_else_can_end_a_tie(make_user):
    person, supporter, stranger = make_user(PERSON), make_user(SUPPORTER), make_user(SUPPORTER)
    tie = make_support(person, supporter)
    with pytest.raises(NotFound):
        services.end_tie(stranger, tie)
    assert tie.status == ACTIVE and _grants(tie) == {"tracker"}


def test_a_consent_past_its_end_lets_nothing_through(make_user, monkeypatch):
    """Past its last day (midnight after it, where the person lives) the door is shut, though no one ended it."""
    person, supporter = make_user(PERSON, timezone="America/New_York"), make_user(SUPPORTER)
    tie = make_support(person, supporter, days=2)
    assert permissions.granting_connection(supporter, person.id, "tracker") is not None
    monkeypatch.setattr(permissions, "utcnow", lambda: tie.consent_ends_at + timedelta(seconds=1))
    assert permissions.granting_connection(supporter, person.id, "tracker") is None
    assert not permissions.live(tie) and services.state(tie) == "expired"
    monkeypatch.setattr(permissions, "utcnow", lambda: tie.consent_ends_at - timedelta(seconds=1))
    assert permissions.granting_connection(supporter, person.id, "tracker") is not None


def test_restarting_after_an_end_starts_a_fresh_consent(make_user):
    """A new invitation after an end reuses the tie, with a new GIVEN version and only the new areas."""
    person, supporter = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(person, supporter, share={"tracker", "plan"})
    services.end_tie(person, tie)
    again = services.start_tie(person, supporter, _offer(person, ("milestones",), "For our new sessions."))
    assert again.id == tie.id and again.status == ACTIVE and again.ended_at is None
    assert _grants(again) == {"milestones"}
    assert [c.event for c in services.consents_of(again)] == [GIVEN, CONSENT_ENDED, GIVEN]
    assert services.current_consent(again).purpose == "For our new sessions."
    assert permissions.granting_connection(supporter, person.id, "milestones") is not None
    assert permissions.granting_connection(supporter, person.id, "tracker") is None


# --- Links either way ------------------------------------------------------------------------------------


def test_a_person_s_link_carries_their_consent_and_a_supporter_accepts_it(make_user):
    person, supporter = make_user(PERSON), make_user(SUPPORTER)
    invitation, token = services.invite_supporter(person, "sponsor", _offer(person, ("plan",)), "my sponsor")
    assert token not in invitation.token_hash and invitation.consent["areas"] == ["plan"]
    tie = services.accept(token, supporter)
    assert _grants(tie) == {"plan"} and invitation.status == "accepted"
    assert services.invitation_problem(invitation, supporter) is not None  # used once
    with pytest.raises(Refused, match="already used"):
        services.accept(token, supporter)


def test_a_supporter_s_link_needs_the_person_s_own_consent(make_user):
    person, supporter = make_user(PERSON), make_user(SUPPORTER)
    invitation, token = services.invite_person(supporter, "To prepare for our sessions.", "Jordan")
    with pytest.raises(Refused, match="fill in the consent"):
        services.accept(token, person)
    tie = services.accept(token, person, _offer(person, ("tracker",)))
    assert (tie.person_id, tie.supporter_id) == (person.id, supporter.id)
    assert invitation.status == "accepted"


@pytest.mark.parametrize(("inviter_role", "answerer_role", "words"), [
    (PERSON, PERSON, "is for a supporter"),
    (PERSON, LOVED_ONE, "is for a supporter"),
    (SUPPORTER, SUPPORTER, "Supporters can't join each other"),
])
def test_a_link_answered_by_the_wrong_role_is_refused(make_user, inviter_role, answerer_role, words):
    inviter, answerer = make_user(inviter_role), make_user(answerer_role)
    if inviter_role == SUPPORTER:
        invitation, _ = services.invite_person(inviter, "")
    else:
        invitation, _ = services.invite_supporter(inviter, "coach", _offer(inviter))
    assert words in services.invitation_problem(invitation, answerer)
    assert "your own invitation link" in services.invitation_problem(invitation, inviter)


def test_a_link_whose_consent_has_run_out_asks_for_a_new_one(make_user):
    """The consent in a person's link is checked again on accepting: a last day already past is refused kindly."""
    person, supporter = make_user(PERSON, name="Jordan"), make_user(SUPPORTER)
    invitation, token = services.invite_supporter(person, "sponsor", _offer(person, days=1))
    invitation.consent = {**invitation.consent, "ends_on": (services.today_for(person) - timedelta(days=1)).isoformat()}
    with pytest.raises(Refused, match="ask Jordan for a new link"):
        services.accept(token, supporter)
    assert invitation.status == "pending"


def test_invite_person_waits_for_the_host_s_approval(app, make_user):
    supporter = make_user(SUPPORTER)
    supporter.approved_at = None
    app.config["SUPPORTERS_NEED_APPROVAL"] = True
    with pytest.raises(Refused, match="approve your account"):
        services.invite_person(supporter, "")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_invite_supporter_checks_the_kind_and_the_note(make_user):
    person = make_user(PERSON)
    with pytest.raises(Refused) as refused:
        services.invite_supporter(person, "friend", _offer(person))
    assert refused.value.field == "kind"
    with pytest.raises(Refused) as refused:
        services.invite_supporter(person, "sponsor", _offer(person), "x" * 61)
    assert refused.value.field == "label"


def test_newest_consents_reads_every_tie_in_one_query(make_user):
    """"My supporters" shows each consent in force with one query, however many supporters there are."""
    person = make_user(PERSON)
    ties = [make_support(person, make_user(SUPPORTER)) for _ in range(3)]
    services.change_consent(person, ties[1], _offer(person, ("plan",)))
    db.session.commit()
    assert [t.id for t in ties]  # loaded before counting
    with captured_statements() as statements:
        services.newest_consents(ties)
    assert len(selects(statements)) == 1
    newest = services.newest_consents(ties)
    assert [newest[t.id].event for t in ties] == [GIVEN, CHANGED, GIVEN]
    assert services.newest_consents([]) == {}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 4


def test_tie_loaders_find_only_each_side_s_own(make_user):
    person, supporter, stranger = make_user(PERSON), make_user(SUPPORTER), make_user(SUPPORTER)
    tie = make_support(person, supporter)
    assert services.tie_of_member(person, tie.id) is tie
    assert services.tie_of_member(supporter, tie.id) is tie
    for outsider in (stranger, make_user(PERSON), make_user(LOVED_ONE)):
        with pytest.raises(NotFound):
            services.tie_of_member(outsider, tie.id)
    assert utcnow() < tie.consent_ends_at
