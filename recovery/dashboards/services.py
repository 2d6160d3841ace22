"""What each role's dashboard shows, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from recovery.accounts.models import User
from recovery.amends import services as amends_services
from recovery.boundaries import services as boundary_services
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, Connection
from recovery.circle.permissions import SharedPage
from recovery.conversations import services as conversation_services
from recovery.dashboards.path import StepState, path_for
from recovery.db import db, once
from recovery.notifications import services as notifications
from recovery.tracker import celebrations as moments
from recovery.tracker import pages
from recovery.trust import services as trust_services
from recovery.wellbeing import services as wellbeing_services


@dataclass
class CircleCard:
    """One connection as a dashboard shows it."""

    connection: Connection
    other: User
    relationship: str
    they_share: list[str]
    i_share: list[str]
    # The loved one's answer about an amends conversation (shown to both of them), if they gave one.
    openness: object | None = None


@dataclass(frozen=True)
class Action:
    """One thing that waits for the user, as a line in "Waiting for you": what it is and where to do it."""

    kind: str  # "confirm", "boundary", "openness", "invitation"
    text: str
    endpoint: str
    args: dict = field(default_factory=dict)
    detail: str = ""


@dataclass
class Dashboard:
    """Everything a dashboard page needs."""

    path: list[StepState]
    cards: list[CircleCard]
    pending_invitations: int
    trust: trust_services.TrustSummary = field(default_factory=trust_services.TrustSummary)
    # The person's tracker today, or for a loved one each connection's shared tracker.
    tracker: pages.PersonToday | None = None
    tracker_cards: dict[int, pages.SharedTracker] = field(default_factory=dict)
    # A loved one's "Waiting for you": days to confirm, boundaries to read (again), an openness question, invitations.
    actions: list[Action] = field(default_factory=list)
    my_boundaries: int = 0
    # Moments worth celebrating today (tracker/celebrations.py): a milestone, a first week kept, a loved one's
    # first "I saw this", a boundary of mine someone said they will respect.
    celebrations: list[moments.Celebration] = field(default_factory=list)
    # Notifications not yet seen, and whether to offer reminders (a new account's first two weeks).
    unread: int = 0
    offer_reminders: bool = False
    # A loved one's own wellbeing ("Looking after me"): the last check's date and a one-line reading, or none yet.
    wellbeing: wellbeing_services.WellbeingSummary | None = None
    # A loved one's own self-care commitments due today (the tracker, kept for themselves).
    self_care: pages.SelfCareToday | None = None

    @property
    def path_done(self) -> bool:
        return all(s.done for s in self.path if not s.step.any_time)

    @property
    def next_step(self) -> StepState | None:
        return next((s for s in self.path if not s.done and not s.step.any_time), None)

    @property
    def primary(self) -> str | None:
        """The one thing the page offers as its main button: today's check-ins if any are due, else the next step."""
        if self.tracker is not None and self.tracker.due:
            return "today"
        return self.next_step.step.key if self.next_step else None


def dashboard_for(user: User) -> Dashboard:
    """Build the dashboard of either role; the shared content it shows is noted for the owners' access logs."""
    connections = circle.connections_of(user)
    door = SharedPage(user, connections)
    if user.is_person:
        by_connection = amends_services.openness_by_connection(user)
        openness = {c.id: by_connection.get(c.id) for c in connections}
    else:
        given = amends_services.openness_given(user)
        openness = {c.id: given.get(c.person_id) for c in connections}
    cards = [
        CircleCard(
            connection=c,
            other=c.other(user.id),
            relationship=c.relationship_for(user.id),
            they_share=door.areas(c),
            i_share=door.mine(c) if c.status == ACTIVE else [],
            openness=openness.get(c.id),
        )
        for c in connections
    ]
    trust_summary = trust_services.dashboard_summary(user, connections)  # one query, for loved ones only
    facts = {
        "connections": len(connections),
        "my_grants": sum(len(door.mine(c)) for c in connections),
        "trust_checkins": trust_summary.total,
    }
    person_today = None
    tracker_cards = {}
    wellbeing = None
    facts.update(db.session.execute(_path_counts(), {"user_id": user.id}).one()._asdict())
    if user.is_person:
        person_today = pages.person_dashboard(user)
        facts["commitments"] = person_today.has_commitments
        facts["checked_in"] = person_today.checked_in_ever
    else:
        wellbeing = wellbeing_services.dashboard_summary(user)  # one query: the last two checks
        tracker_cards = pages.loved_one_dashboard(user, door.sharing("tracker"))
        for c in connections:
            card = tracker_cards.get(c.id)
            # A card with a score, a young record or days to confirm shows the person's tracker: that is a visit.
            if card is not None and (card.overall is not None or card.waiting or (card.young and card.record_words)):
                door.show(c, "tracker")
    invitations = circle.pending_invitations(user)
    actions = [] if user.is_person else _waiting_for(user, connections, door, tracker_cards, openness, invitations)
    unread, offer_reminders = notifications.home_notes(user)
    return Dashboard(path=path_for(user, facts), cards=cards, pending_invitations=len(invitations),
                     trust=trust_summary, tracker=person_today, tracker_cards=tracker_cards, actions=actions,
                     my_boundaries=facts.get("boundaries", 0),
                     celebrations=_celebrations(user, person_today), unread=unread, offer_reminders=offer_reminders,
                     wellbeing=wellbeing, self_care=pages.self_care_home(user) if user.is_loved_one else None)


@once
def _path_counts():
    """The counts the path needs (amends entries, boundaries, conversation plans), in one statement."""
    counts = {**amends_services.path_counts(), **boundary_services.path_counts(),
              **conversation_services.path_counts()}
    return sa.select(*[subquery.label(name) for name, subquery in counts.items()])


def _celebrations(user: User, person_today: pages.PersonToday | None) -> list[moments.Celebration]:
    """Today's moments: the tracker's (for the person) and the user's boundaries heard, in the last day."""
    found = moments.celebrations_for(user, journey_today=person_today.journey if person_today else None)
    heard = [moments.heard(name, words, at)
             for name, words, at in boundary_services.heard_since(user, moments.since())]
    return moments.in_order(found + heard)


def _waiting_for(user: User, connections: list[Connection], door: SharedPage,
                 tracker_cards: dict[int, pages.SharedTracker], openness: dict, invitations: list) -> list[Action]:
    """What waits for a loved one, in a fixed number of queries: days to confirm, each person's boundaries that
    are new or changed since they answered, the question about an amends conversation (only where it can be
    asked safely), and their own invitations still open. The boundaries it names are noted for the access log."""
    actions: list[Action] = []
    for c in connections:
        card = tracker_cards.get(c.id)
        if card is not None and card.waiting:
            days = len(card.waiting)
            text = ngettext("%(name)s's check-ins: %(num)d day waiting for your word",
                            "%(name)s's check-ins: %(num)d days waiting for your word", days,
                            name=c.other(user.id).display_name)
            actions.append(Action("confirm", text, "circle.shared_area", {"connection_id": c.id, "area": "tracker"}))
    sharing_boundaries = door.sharing("boundaries")
    by_connection = boundary_services.shared_boundaries_by_connection(sharing_boundaries, user)
    my_acks = {a.boundary_id: a for acks in boundary_services.acks_for(
        [b for items in by_connection.values() for b in items], user.id).values() for a in acks}
    for c in sharing_boundaries:
        waiting = [(b, state) for b in by_connection[c.id]
                   if (state := boundary_services.ack_state(b, my_acks.get(b.id))) in ("new", "updated")]
        if not waiting:
            continue
        door.show(c, "boundaries")
        first, state = waiting[-1]  # the oldest first: it has waited longest
        name = c.other(user.id).display_name
        if state == "updated":
            text = _("Read %(name)s's changed boundary", name=name)
        else:
            text = _("Read %(name)s's new boundary", name=name)
        more = len(waiting) - 1
        line = boundary_services.one_line(first.current)
        detail = _("%(line)s (and %(more)s more)", line=line, more=more) if more else line
        actions.append(Action(
            "boundary", text, "boundaries.shared_boundary", {"connection_id": c.id, "boundary_id": first.id}, detail))
    for c in amends_services.may_ask_openness(door.sharing("amends"), openness):
        door.show(c, "amends")  # the question tells them an amends about them is open: a visit to that area
        name = c.other(user.id).display_name
        actions.append(Action("openness", _("Are you open to an amends conversation with %(name)s?", name=name),
                              "amends.openness", {"person_id": c.person_id},
                              _("Only if you want to answer. You can say no, or not yet.")))
    for invitation in invitations:
        if invitation.invitee_label:
            text = _("Your invitation to %(name)s is still waiting for an answer", name=invitation.invitee_label)
        else:
            text = _("Your invitation is still waiting for an answer")
        actions.append(Action("invitation", text, "circle.index", {}, _("You can share the link again, or cancel it.")))
    return actions
