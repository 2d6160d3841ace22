"""What each role's dashboard shows, loaded in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from recovery.accounts.models import User
from recovery.amends import services as amends_services
from recovery.boundaries import services as boundary_services
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE, Connection
from recovery.circle.permissions import SharedPage
from recovery.conversations import services as conversation_services
from recovery.dashboards.path import StepState, path_for
from recovery.tracker import pages
from recovery.trust import services as trust_services


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

    @property
    def path_done(self) -> bool:
        return all(s.done for s in self.path)

    @property
    def next_step(self) -> StepState | None:
        return next((s for s in self.path if not s.done), None)


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
    facts.update(amends_services.path_facts(user))
    facts.update(boundary_services.path_facts(user))
    facts.update(conversation_services.path_facts(user))
    if user.is_person:
        person_today = pages.person_dashboard(user)
        facts["commitments"] = person_today.has_commitments
        facts["checked_in"] = person_today.checked_in_ever
    else:
        tracker_cards = pages.loved_one_dashboard(user, door.sharing("tracker"))
        for c in connections:
            card = tracker_cards.get(c.id)
            # A card with a score or days to confirm shows the person's tracker: that is a visit.
            if card is not None and (card.overall is not None or card.waiting):
                door.show(c, "tracker")
    return Dashboard(path=path_for(user, facts), cards=cards,
                     pending_invitations=len(circle.pending_invitations(user)), trust=trust_summary,
                     tracker=person_today, tracker_cards=tracker_cards)
