"""Supporters' consent pages, both ways round: invite, join, read, change, renew and end, with the forms as drawn."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle import permissions
from recovery.circle.models import ENDED, Connection, Invitation
from recovery.db import db
from recovery.supporters import services
from recovery.supporters.models import CHANGED, GIVEN, RENEWED, Consent
from recovery.supporters.models import ENDED as CONSENT_ENDED
from recovery.timezones import local_today
from tests.conftest import row_counts
from tests.factories import make_support
from tests.forms import choices_of, form_data
from tests.queries import captured_statements, selects

LINK = re.compile(r'value="http://mend\.test(/supporters/join/[^"]+)"')


def _link(html: str) -> str:
    """The path of the invitation link a "link made" page shows once."""
    found = LINK.search(html)
    assert found, "no invitation link on the page"
    return found.group(1)


def _words(response) -> str:
    """The page as text, with what the templates escaped (a name's or a message's apostrophes) read back."""
    return unescape(response.get_data(as_text=True))


def _events(tie_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(Consent.event).where(Consent.connection_id == tie_id)
                                   .order_by(Consent.id)))


def _tie(person_or_loved, supporter) -> Connection:
    return db.session.scalar(sa.select(Connection).where(Connection.supporter_id == supporter.id,
                                                         sa.or_(Connection.person_id == person_or_loved.id,
                                                                Connection.loved_one_id == person_or_loved.id)))


def _today():
    """Today where the test users live (they live in UTC)."""
    return local_today("UTC")


def _day(days: int) -> str:
    return (_today() + timedelta(days=days)).isoformat()


# --- Both directions, end to end ---------------------------------------------------------------------


def test_person_invites_a_supporter_who_accepts_and_reads_only_what_is_shared(make_user, as_user):
    """Jordan fills in the consent, sends the link; Dr Lee reads the consent, accepts, and opens the tracker only."""
    jordan, lee = make_user(PERSON, name="Jordan"), make_user(SUPPORTER, name="Dr Lee")
    person = as_user(jordan)
    page = person.get("/supporters/invite")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert choices_of(html, "areas") == {"tracker", "amends", "boundaries", "conversations", "milestones", "plan"}
    parts = re.search(r'<fieldset class="field choices consent-parts.*?</fieldset>', html, re.S).group(0)
    assert "checked" not in parts  # nothing is shared until the person ticks it
    assert "To prepare for our sessions." in html  # the suggested reasons, as examples
    made = person.post("/supporters/invite", data=form_data(
        html, kind="counsellor", label="Dr Lee at the clinic", areas=["tracker", "plan"],
        purpose="To prepare for our sessions."))
    assert made.status_code == 200
    made_html = made.get_data(as_text=True)
    path = _link(made_html)
    assert "data-copy" in made_html and "Plan for hard days" in made_html
    assert "Dr Lee at the clinic" in person.get("/supporters/").get_data(as_text=True)  # waiting for an answer

    supporter = as_user(lee)
    offer = supporter.get(path)
    assert offer.status_code == 200
    offer_html = offer.get_data(as_text=True)
    for words in ("Who gives it", "Jordan", "Tracker", "Plan for hard days", "To prepare for our sessions.",
                  "can end it at any time", "doesn't undo what was already seen"):
        assert words in offer_html
    accepted = supporter.post(path, data=form_data(offer_html, action=path))
    tie = _tie(jordan, lee)
    assert accepted.status_code == 302 and accepted.location.endswith(f"/supporters/{tie.id}/consent")
    assert _events(tie.id) == [GIVEN]
    record = _words(supporter.get(accepted.location))
    assert "You're connected with Jordan" in record and "Every change" in record
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 200
    assert supporter.get(f"/circle/{tie.id}/plan").status_code == 200
    assert supporter.get(f"/circle/{tie.id}/amends").status_code == 404  # not in the consent
    assert person.get(f"/supporters/{tie.id}/consent").status_code == 200
    mine = person.get("/supporters/").get_data(as_text=True)
    assert "Dr Lee" in mine and "Your counsellor or therapist" in mine and "Tracker, Plan for hard days" in mine
    assert supporter.post(path, data=form_data(offer_html, action=path)).status_code == 410  # used once


def test_supporter_invites_a_loved_one_who_gives_consent_for_boundaries(make_user, as_user):
    """Item 6 by a supporter's link: Sam chooses their own boundaries; the family therapist reads them."""
    sam, therapist = make_user(LOVED_ONE, name="Sam"), make_user(SUPPORTER, name="Robin")
    supporter = as_user(therapist)
    html = supporter.get("/supporting/invite").get_data(as_text=True)
    made = supporter.post("/supporting/invite", data=form_data(html, purpose="For our family sessions.",
                                                                label="Sam"))
    assert made.status_code == 200
    path = _link(made.get_data(as_text=True))

    loved = as_user(sam)
    page = loved.get(path).get_data(as_text=True)
    assert "Robin would like to support you" in page and "counsellor or therapist" in page
    assert choices_of(page, "areas", action=path) == {"boundaries", "conversations", "trust", "self_care"}
    data = form_data(page, action=path, areas=["boundaries"])
    assert data["purpose"] == ["For our family sessions."]  # the supporter's suggestion, to keep or change
    given = loved.post(path, data=data)
    tie = _tie(sam, therapist)
    assert given.status_code == 302 and given.location.endswith(f"/supporters/{tie.id}/consent")
    assert tie.loved_one_id == sam.id and tie.person_id is None
    assert supporter.get(f"/circle/{tie.id}/boundaries").status_code == 200
    assert supporter.get(f"/circle/{tie.id}/trust").status_code == 404
    record = loved.get(f"/supporters/{tie.id}/consent").get_data(as_text=True)
    assert "For our family sessions." in record and "Boundaries" in record


def test_the_logged_out_visitor_sees_who_it_is_from_and_ways_in(client, make_user):
    jordan, lee = make_user(PERSON, name="Jordan"), make_user(SUPPORTER, name="Dr Lee")
    _, for_supporter = services.invite_supporter(jordan, "sponsor", services.clean_offer(
        jordan, ["tracker"], "For our meetings.", _today() + timedelta(days=30)))
    _, for_person = services.invite_person(lee, "")
    db.session.commit()
    page = client.get(f"/supporters/join/{for_supporter}").get_data(as_text=True)
    assert "Jordan invited you to be their supporter" in page and "sponsor" in page
    assert "role=supporter" in page and f"next=/supporters/join/{for_supporter}" in page
    assert "For our meetings." not in page  # the terms are for the supporter, once logged in
    page = client.get(f"/supporters/join/{for_person}").get_data(as_text=True)
    assert "Dr Lee would like to support you" in page and "role=supporter" not in page
    counts = row_counts()
    assert client.post(f"/supporters/join/{for_person}", data={"answer": "accept"}).status_code == 404
    assert row_counts() == counts


# --- Change, renew, end ------------------------------------------------------------------------------


def test_the_person_changes_what_a_supporter_sees(make_user, as_user):
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(jordan, lee, share={"tracker"})
    person, supporter = as_user(jordan), as_user(lee)
    path = f"/supporters/{tie.id}/consent/change"
    html = person.get(path).get_data(as_text=True)
    data = form_data(html, action="")
    assert data["areas"] == ["tracker"] and data["purpose"] == ["To prepare for our sessions."]
    saved = person.post(path, data=form_data(html, areas=["milestones", "plan"]))
    assert saved.status_code == 302 and saved.location.endswith(f"/supporters/{tie.id}/consent")
    assert _events(tie.id) == [GIVEN, CHANGED]
    assert supporter.get(f"/circle/{tie.id}/milestones").status_code == 200
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 404
    record = person.get(f"/supporters/{tie.id}/consent").get_data(as_text=True)
    assert "Now also shares: Milestones, Plan for hard days." in record and "No longer shares: Tracker." in record
    # Saving it again as it is adds nothing to the record.
    html = person.get(path).get_data(as_text=True)
    assert person.post(path, data=form_data(html)).status_code == 302
    assert _events(tie.id) == [GIVEN, CHANGED]


def test_the_person_renews_a_consent_that_ran_out(make_user, as_user, monkeypatch):
    """Past its last day the supporter sees nothing; a new last day renews it, and they see it again."""
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(jordan, lee, share={"tracker"}, days=2)
    person, supporter = as_user(jordan), as_user(lee)
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 200
    later = tie.consent_ends_at + timedelta(hours=1)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)  # the door's clock: the consent has run out
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 404
    assert "ran out" in person.get("/supporters/").get_data(as_text=True)
    path = f"/supporters/{tie.id}/consent/change"
    html = person.get(path).get_data(as_text=True)
    assert "ran out" in html
    renewed = person.post(path, data=form_data(html, ends_on=_day(60)))
    assert renewed.status_code == 302
    assert _events(tie.id) == [GIVEN, RENEWED]
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 200


def test_the_list_says_when_a_consent_ends_soon(make_user, as_user):
    jordan = make_user(PERSON)
    make_support(jordan, make_user(SUPPORTER, name="Ana"), days=3)
    make_support(jordan, make_user(SUPPORTER, name="Bo"), days=100)
    page = as_user(jordan).get("/supporters/").get_data(as_text=True)
    assert page.count("(ends in") == 1 and "(ends in 4 days)" in page


def test_the_person_ends_a_consent(make_user, as_user):
    jordan, lee = make_user(PERSON), make_user(SUPPORTER, name="Dr Lee")
    tie = make_support(jordan, lee, share={"tracker"})
    person, supporter = as_user(jordan), as_user(lee)
    path = f"/supporters/{tie.id}/end"
    html = person.get(path).get_data(as_text=True)
    assert "doesn't undo what they already saw" in html and "record stays" in html
    ended = person.post(path, data=form_data(html, action=path))
    assert ended.status_code == 302 and ended.location.endswith("/supporters/")
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 404
    assert _events(tie.id) == [GIVEN, CONSENT_ENDED]
    mine = person.get("/supporters/").get_data(as_text=True)
    assert "Ended" in mine and f"/supporters/{tie.id}/consent" in mine
    for client in (person, supporter):  # the record stays, for both
        record = client.get(f"/supporters/{tie.id}/consent").get_data(as_text=True)
        assert "This consent was ended" in record and "Nothing is shared from then on." in record
    # An ended consent can't be changed, and says so.
    change = person.get(f"/supporters/{tie.id}/consent/change")
    assert change.status_code == 200 and "This consent has ended" in change.get_data(as_text=True)
    counts = row_counts()
    assert person.post(f"/supporters/{tie.id}/consent/change", data={"areas": "tracker"}).status_code == 409
    assert row_counts() == counts
    # Ending twice changes nothing.
    assert person.post(path, data={}).status_code == 302
    assert _events(tie.id) == [GIVEN, CONSENT_ENDED]


def test_the_supporter_ends_a_consent(make_user, as_user):
    jordan, lee = make_user(PERSON, name="Jordan"), make_user(SUPPORTER)
    tie = make_support(jordan, lee, share={"tracker"})
    supporter = as_user(lee)
    path = f"/supporters/{tie.id}/end"
    html = supporter.get(path).get_data(as_text=True)
    assert "Stop supporting Jordan here?" in html
    ended = supporter.post(path, data=form_data(html, action=path))
    assert ended.status_code == 302 and ended.location.endswith("/supporting/")
    db.session.expire_all()
    assert db.session.get(Connection, tie.id).status == ENDED
    assert supporter.get(f"/circle/{tie.id}/tracker").status_code == 404
    last = services.current_consent(tie)
    assert (last.event, last.actor_id) == (CONSENT_ENDED, lee.id)


def test_declining_a_link_connects_no_one(make_user, as_user):
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    _, token = services.invite_person(lee, "For our sessions.")
    db.session.commit()
    person = as_user(jordan)
    path = f"/supporters/join/{token}"
    html = person.get(path).get_data(as_text=True)
    declined = person.post(path, data={"answer": "decline"})
    assert declined.status_code == 302
    assert db.session.scalar(sa.select(Invitation.status)) == "declined"
    assert row_counts()["connections"] == 0
    assert person.get(path).status_code == 410
    assert "No thanks" in html


def test_a_pending_link_can_be_cancelled_from_my_supporters(make_user, as_user):
    jordan = make_user(PERSON)
    offer = services.clean_offer(jordan, ["tracker"], "For our meetings.", _today() + timedelta(days=30))
    invitation, token = services.invite_supporter(jordan, "sponsor", offer, "Ana")
    db.session.commit()
    person = as_user(jordan)
    html = person.get("/supporters/").get_data(as_text=True)
    action = f"/circle/invitations/{invitation.id}/cancel"
    assert person.post(action, data=form_data(html, action=action)).status_code == 302
    assert "Ana" not in person.get("/supporters/").get_data(as_text=True)
    assert as_user(make_user(SUPPORTER)).get(f"/supporters/join/{token}").status_code == 410


# --- Bad input keeps what was typed ---------------------------------------------------------------------


def test_a_bad_invitation_shows_every_problem_and_keeps_what_was_typed(make_user, as_user):
    jordan = make_user(PERSON)
    person = as_user(jordan)
    html = person.get("/supporters/invite").get_data(as_text=True)
    counts = row_counts()
    bad = person.post("/supporters/invite", data=form_data(html, label="Coach Ana", purpose="ok",
                                                           ends_on=_day(400), kind="coach"))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    for words in ("Please choose at least one thing to share.", "Please say why you are sharing",
                  "A consent lasts a year at most", 'value="Coach Ana"', "ok</textarea>", f'value="{_day(400)}"'):
        assert words in page, words
    assert form_data(page)["kind"] == ["coach"]
    again = person.post("/supporters/invite", data=form_data(html, areas=["tracker"], purpose="For our sessions.",
                                                             ends_on="next tuesday"))
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert "Please choose who they are to you." in page and "Please enter a date" in page
    assert 'value="next tuesday"' in page and 'value="tracker" checked' in page
    assert person.post("/supporters/invite", data=form_data(html, kind="sponsor", areas=["tracker"],
                                                            purpose="For our sessions.", ends_on="")).status_code == 422
    assert person.post("/supporters/invite", data={**form_data(html, kind="sponsor", purpose="For our sessions."),
                                                   "areas": ["trust"]}).status_code == 422  # a loved one's
    assert row_counts() == counts


def test_a_bad_change_keeps_what_was_typed_and_saves_nothing(make_user, as_user):
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(jordan, lee)
    person = as_user(jordan)
    path = f"/supporters/{tie.id}/consent/change"
    html = person.get(path).get_data(as_text=True)
    counts = row_counts()
    bad = person.post(path, data=form_data(html, areas=[], purpose="A new reason that is fine", ends_on=_day(0)))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Please choose at least one thing to share." in page and "Please choose a day after today." in page
    assert "A new reason that is fine" in page
    assert row_counts() == counts and _events(tie.id) == [GIVEN]
    assert permissions.granting_connection(lee, jordan.id, "tracker") is not None


def test_a_bad_consent_on_joining_keeps_the_link_and_what_was_typed(make_user, as_user):
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    _, token = services.invite_person(lee, "To prepare for our sessions.")
    db.session.commit()
    person = as_user(jordan)
    path = f"/supporters/join/{token}"
    html = person.get(path).get_data(as_text=True)
    counts = row_counts()
    bad = person.post(path, data=form_data(html, action=path, areas=["plan"], purpose="x" * 301))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "300 characters or fewer" in page and 'value="plan" checked' in page
    assert row_counts() == counts
    assert db.session.scalar(sa.select(Invitation.status)) == "pending"
    assert person.post(path, data=form_data(html, action=path, areas=["plan"])).status_code == 302


def test_a_bad_supporter_link_keeps_what_was_typed(make_user, as_user):
    supporter = as_user(make_user(SUPPORTER))
    html = supporter.get("/supporting/invite").get_data(as_text=True)
    counts = row_counts()
    bad = supporter.post("/supporting/invite", data=form_data(html, purpose="y" * 301, label="Jordan"))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "300 characters or fewer" in page and 'value="Jordan"' in page
    assert row_counts() == counts


# --- Links that can't be used -------------------------------------------------------------------------


def test_every_unusable_link_says_why_with_a_4xx(make_user, as_user):
    jordan, sam, lee = make_user(PERSON), make_user(LOVED_ONE), make_user(SUPPORTER)
    offer = services.clean_offer(jordan, ["tracker"], "For our meetings.", _today() + timedelta(days=30))
    _, for_supporter = services.invite_supporter(jordan, "sponsor", offer)
    _, for_person = services.invite_person(lee, "")
    db.session.commit()
    assert as_user(jordan).get("/supporters/join/not-a-real-token").status_code == 404
    own = as_user(jordan).get(f"/supporters/join/{for_supporter}")
    assert own.status_code == 409 and "your own invitation link" in own.get_data(as_text=True)
    wrong = as_user(sam).get(f"/supporters/join/{for_supporter}")
    assert wrong.status_code == 409 and "This link is for a supporter" in wrong.get_data(as_text=True)
    other = as_user(make_user(SUPPORTER)).get(f"/supporters/join/{for_person}")
    assert other.status_code == 409 and "Supporters can't join each other" in _words(other)
    sams = as_user(sam)
    counts = row_counts()
    assert sams.post(f"/supporters/join/{for_supporter}", data={"answer": "accept"}).status_code == 409
    assert row_counts() == counts
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.inviter_id == jordan.id))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    expired = as_user(lee).get(f"/supporters/join/{for_supporter}")
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)


# --- Who may open what ----------------------------------------------------------------------------------


def test_each_role_opens_only_its_own_side(make_user, as_user):
    """A person can't make a supporter's link; a supporter can't invite a supporter or change a consent."""
    jordan, lee = make_user(PERSON), make_user(SUPPORTER)
    tie = make_support(jordan, lee)
    person, supporter = as_user(jordan), as_user(lee)
    assert person.get("/supporting/invite").status_code == 404
    assert person.post("/supporting/invite", data={"purpose": "x"}).status_code == 404
    assert as_user(make_user(LOVED_ONE)).get("/supporting/invite").status_code == 404
    for path in ("/supporters/invite", "/supporters/", f"/supporters/{tie.id}/consent/change"):
        assert supporter.get(path).status_code == 404, path
    assert supporter.post(f"/supporters/{tie.id}/consent/change", data={"areas": "plan"}).status_code == 404
    assert supporter.get(f"/supporters/{tie.id}/consent").status_code == 200


@pytest.mark.parametrize("walker", ["other_person", "other_supporter", "loved_one_in_the_circle"])
def test_a_second_family_gets_404_on_every_page_of_the_first(make_user, make_connection, as_user, walker):
    """Another person and their supporter (even Jordan's own loved one) get 404 on Jordan's tie, and change nothing."""
    jordan, lee = make_user(PERSON, name="Jordan"), make_user(SUPPORTER, name="Dr Lee")
    tie = make_support(jordan, lee, share={"tracker"})
    alex, kim = make_user(PERSON, name="Alex"), make_user(SUPPORTER, name="Kim")
    own = make_support(alex, kim, share={"tracker"})
    sam = make_user(LOVED_ONE, name="Sam")
    make_connection(jordan, sam, share={"tracker"})
    user = {"other_person": alex, "other_supporter": kim, "loved_one_in_the_circle": sam}[walker]
    client = as_user(user)
    counts = row_counts()
    for path in (f"/supporters/{tie.id}/consent", f"/supporters/{tie.id}/consent/change",
                 f"/supporters/{tie.id}/end", f"/circle/{tie.id}/tracker"):
        assert client.get(path).status_code == 404, path
        posted = client.post(path, data={"areas": ["tracker"], "purpose": "Taking over", "ends_on": _day(30)})
        assert posted.status_code in (404, 405), path
    assert row_counts() == counts
    assert _events(tie.id) == [GIVEN] and tie.status != ENDED
    if user is not kim:
        page = client.get("/supporters/").get_data(as_text=True)
        assert "Dr Lee" not in page
    if user is alex:
        assert client.get(f"/supporters/{own.id}/consent").status_code == 200
    if user is kim:
        assert client.get(f"/circle/{own.id}/tracker").status_code == 200
        assert "Jordan" not in client.get(f"/supporters/{own.id}/consent").get_data(as_text=True)


# --- Arbitrary input: never a 500, nothing half-saved, nothing unescaped ----------------------------------

MARK = "<b>fz"
TEXT = st.one_of(st.text(max_size=40), st.text(min_size=250, max_size=400),
                 st.builds(lambda s: MARK + s, st.text(max_size=30)),
                 st.sampled_from(["", " ", "\x00", "\u202e", "<script>alert(1)</script>", "ā" * 3000]))
DATE = st.one_of(st.integers(-5, 400).map(_day), st.dates().map(lambda d: d.isoformat()), st.text(max_size=15))
AREAS = st.lists(st.sampled_from(["tracker", "plan", "trust", "self_care", "nope", ""]), max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(kind=st.one_of(st.sampled_from(["sponsor", "coach"]), st.text(max_size=12)), label=TEXT, areas=AREAS,
       purpose=TEXT, ends_on=DATE)
def test_the_consent_forms_take_anything_without_a_500(make_user, as_user, kind, label, areas, purpose, ends_on):
    """SECURITY.md 13 and 14 on the four consent forms: a 2xx/3xx or a 4xx that saved nothing, text escaped."""
    jordan = make_user(PERSON)
    lee = make_user(SUPPORTER)
    tie = make_support(jordan, lee)
    _, token = services.invite_person(make_user(SUPPORTER), "")
    db.session.commit()
    person, supporter = as_user(jordan), as_user(lee)
    consent = {"areas": areas, "purpose": purpose, "ends_on": ends_on}
    for client, path, data in [
        (person, "/supporters/invite", {**consent, "kind": kind, "label": label}),
        (person, f"/supporters/{tie.id}/consent/change", consent),
        (person, f"/supporters/join/{token}", {**consent, "answer": "accept"}),
        (supporter, "/supporting/invite", {"purpose": purpose, "label": label}),
    ]:
        counts = row_counts()
        response = client.post(path, data=data)
        assert response.status_code in (200, 302, 400, 422), (path, response.status_code)  # 400: a NUL byte
        if response.status_code >= 400:
            assert row_counts() == counts, path
        assert MARK not in response.get_data(as_text=True), path


# --- Plain words on every page -----------------------------------------------------------------------------


def test_every_consent_page_speaks_plainly(make_user, as_user, client, monkeypatch):
    """No word from the code ("area", "grant", a raw key like self_care) on any of these pages, in any state."""
    from tests.test_words import problems, visible_text

    jordan, sam = make_user(PERSON, name="Jordan"), make_user(LOVED_ONE, name="Sam")
    lee, robin, ana = make_user(SUPPORTER, name="Dr Lee"), make_user(SUPPORTER, name="Robin", kind="other"), \
        make_user(SUPPORTER, name="Ana", kind="sponsor")
    active = make_support(jordan, lee, share={"tracker", "plan"}, days=5)
    ended = make_support(jordan, ana, share={"milestones"})
    services.change_consent(jordan, ended, services.clean_offer(jordan, ["milestones", "plan"], "For our meetings.",
                                                                _today() + timedelta(days=40)))
    services.end_tie(ana, ended)
    family = make_support(sam, robin, share={"self_care", "trust"})
    offer = services.clean_offer(jordan, ["tracker"], "For our meetings.", _today() + timedelta(days=30))
    _, for_supporter = services.invite_supporter(jordan, "coach", offer, "Coach Kai")
    _, for_person = services.invite_person(lee, "To prepare for our sessions.", "Morgan")
    db.session.commit()
    person, loved, supporter = as_user(jordan), as_user(sam), as_user(lee)
    visits = [
        (person, "/supporters/"), (person, "/supporters/invite"), (person, f"/supporters/{active.id}/consent"),
        (person, f"/supporters/{active.id}/consent/change"), (person, f"/supporters/{ended.id}/consent/change"),
        (person, f"/supporters/{ended.id}/consent"), (person, f"/supporters/{active.id}/end"),
        (person, f"/supporters/{ended.id}/end"), (person, f"/supporters/join/{for_person}"),
        (person, f"/supporters/join/{for_supporter}"), (loved, "/supporters/"),
        (loved, f"/supporters/{family.id}/consent"), (loved, f"/supporters/{family.id}/consent/change"),
        (supporter, f"/supporters/{active.id}/consent"), (supporter, f"/supporters/{active.id}/end"),
        (supporter, f"/supporters/join/{for_supporter}"), (supporter, "/supporting/invite"),
        (client, f"/supporters/join/{for_supporter}"), (client, f"/supporters/join/{for_person}"),
        (client, "/supporters/join/not-a-real-token"),
    ]
    found = {}
    for who, path in visits:
        page = who.get(path)
        own_link = who is person and path.endswith(for_supporter)
        assert page.status_code == (404 if "not-a-real" in path else 409 if own_link else 200), path
        text = visible_text(page.get_data(as_text=True))
        found.update({f"{path}: {p}": 1 for p in problems(text)})
    # The pages made once: the links, and a form shown again with its problems.
    made = person.post("/supporters/invite", data=form_data(person.get("/supporters/invite").get_data(as_text=True),
                                                             kind="sponsor", areas=["tracker"],
                                                             purpose="For our meetings."))
    bad = loved.post(f"/supporters/{family.id}/consent/change", data={"areas": ["nope"], "purpose": "",
                                                                      "ends_on": "soon"})
    link = supporter.post("/supporting/invite", data={"purpose": "", "label": ""})
    assert (made.status_code, bad.status_code, link.status_code) == (200, 422, 200)
    for name, response in (("invite made", made), ("bad change", bad), ("person link made", link)):
        found.update({f"{name}: {p}": 1 for p in problems(visible_text(response.get_data(as_text=True)))})
    later = active.consent_ends_at + timedelta(hours=1)  # read now, not inside a request
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    for path in ("/supporters/", f"/supporters/{active.id}/consent", f"/supporters/{active.id}/consent/change"):
        text = visible_text(person.get(path).get_data(as_text=True))
        found.update({f"ran out {path}: {p}": 1 for p in problems(text)})
    assert not found, "\n".join(found)


# --- The same cost for one supporter or four ---------------------------------------------------------------


def _selects_for(client, path: str) -> int:
    with captured_statements() as statements:
        assert client.get(path).status_code == 200
    return len(selects(statements))


def test_my_supporters_costs_the_same_for_one_supporter_or_four(make_user, as_user):
    """An N+1 loop would show here: each supporter's consent in force is read in one query for all of them."""
    counts = []
    for n in (1, 4):
        owner = make_user(PERSON)
        for i in range(n):
            tie = make_support(owner, make_user(SUPPORTER), share={"tracker"}, days=5 + i)
            if i % 2:
                services.end_tie(owner, tie)
            offer = services.clean_offer(owner, ["plan"], "For our meetings.", _today() + timedelta(days=30))
            services.invite_supporter(owner, "sponsor", offer, f"Link {i}")
        db.session.commit()
        client = as_user(owner)
        client.get("/supporters/")  # the first visit after logging in may write the session's touch
        counts.append(_selects_for(client, "/supporters/"))
    assert counts[0] == counts[1]
