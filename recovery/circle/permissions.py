"""The one door: may viewer V see area A of owner O? Every shared view asks here and nowhere else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import joinedload

from recovery.accounts.models import LOVED_ONE, PERSON, User
from recovery.circle.models import ACTIVE, AccessLogEntry, Connection, ShareGrant
from recovery.db import db, once, prepare_to_write, queue_write, utcnow
from recovery.errors import NotFound
from recovery.i18n import lazy_gettext as _l
from recovery.i18n import plain


@dataclass(frozen=True)
class Area:
    """Something a user owns and may share, area by area.

    Its words are kept marked for translation (`name`, `about`, `supporter_about`) and read, in the reader's
    language, through `label`, `blurb` and `for_supporter`: plain strings, at the moment they are asked for.
    """

    key: str
    name: LazyString
    roles: frozenset[str]
    about: LazyString
    # What a supporter given this area sees, where it differs from the circle's (the consent form says it).
    supporter_about: LazyString | str = ""

    label = plain("name")
    blurb = plain("about")
    supporter_blurb = plain("supporter_about")

    @property
    def for_supporter(self) -> str:
        return self.supporter_blurb or self.blurb


AREAS: dict[str, Area] = {
    a.key: a
    for a in [
        Area("tracker", _l("Tracker"), frozenset({PERSON}),
             _l("Your commitments, check-ins and consistency score.")),
        Area("amends", _l("Amends"), frozenset({PERSON}),
             _l("Only the amends entries about this person are ever shown to them."),
             _l("Your whole amends list: every entry and its steps.")),
        Area("boundaries", _l("Boundaries"), frozenset({PERSON, LOVED_ONE}),
             _l("The boundaries you have written, so they can read and acknowledge them.")),
        Area("conversations", _l("Talks"), frozenset({PERSON, LOVED_ONE}),
             _l("Plans for a talk that you choose to share, such as a letter to read before you talk.")),
        Area("milestones", _l("Milestones"), frozenset({PERSON}),
             _l("Your recovery start date, milestones and small wins.")),
        # The person's plan for hard days, read only, with their note on how to help (recovery/plan).
        Area("plan", _l("Plan for hard days"), frozenset({PERSON}),
             _l("Your plan for hard days, and your note on how they can help when you use it.")),
        Area("trust", _l("Trust check-ins"), frozenset({LOVED_ONE}),
             _l("How your trust has changed over time, in your own check-ins.")),
        # A loved one's own commitments, kept on the same tracker as the person's (recovery/tracker).
        Area("self_care", _l("Self-care"), frozenset({LOVED_ONE}),
             _l("Your self-care commitments, check-ins and score. The ones you keep just for you stay hidden.")),
    ]
}

# How long repeated views of one area count as one visit in the access log.
ACCESS_LOG_COALESCE = timedelta(minutes=10)
ACCESS_LOG_TOUCH = timedelta(minutes=1)


def areas_for_role(role: str) -> list[Area]:
    """Return the areas a user in this role owns and can share."""
    return [a for a in AREAS.values() if role in a.roles]


def _party(connection: Connection, user_id: int) -> bool:
    return user_id in (connection.person_id, connection.loved_one_id, connection.supporter_id)


def _other_id(connection: Connection, user_id: int) -> int:
    if connection.supporter_id is not None:
        return connection.supported_id if user_id == connection.supporter_id else connection.supporter_id
    return connection.loved_one_id if user_id == connection.person_id else connection.person_id


def consent_holds(connection: Connection, now=None) -> bool:
    """A circle connection has no consent to run out; a supporter's tie holds until its consent ends."""
    return connection.consent_ends_at is None or connection.consent_ends_at > (now or utcnow())


def live(connection: Connection) -> bool:
    """Active, and for a supporter's tie, within its consent: the door lets something through only then."""
    return connection.status == ACTIVE and consent_holds(connection)


def granting_connection(viewer: User, owner_id: int, area: str) -> Connection | None:
    """Return the active connection through which the owner shares this area with the viewer, if any."""
    if area not in AREAS or viewer.id == owner_id:
        return None
    return db.session.scalar(_granting_connection(),
                             {"owner_id": owner_id, "viewer_id": viewer.id, "area": area, "now": utcnow()})


@once
def _granting_connection():
    owner_id, viewer_id = sa.bindparam("owner_id"), sa.bindparam("viewer_id")
    return (
        sa.select(Connection)
        .join(ShareGrant, ShareGrant.connection_id == Connection.id)
        .where(
            Connection.status == ACTIVE,
            ShareGrant.owner_id == owner_id,
            ShareGrant.area == sa.bindparam("area"),
            sa.or_(
                sa.and_(Connection.person_id == owner_id, Connection.loved_one_id == viewer_id),
                sa.and_(Connection.loved_one_id == owner_id, Connection.person_id == viewer_id),
                # A supporter, only while the consent holds: past its end the next request is refused.
                sa.and_(Connection.supporter_id == viewer_id,
                        sa.or_(Connection.person_id == owner_id, Connection.loved_one_id == owner_id),
                        Connection.consent_ends_at > sa.bindparam("now")),
            ),
        )
    )


def can_view(viewer: User, owner_id: int, area: str) -> bool:
    """Answer: may this viewer see this area of this owner? Owners always may see their own."""
    if area not in AREAS:
        return False
    if viewer.id == owner_id:
        return True
    return granting_connection(viewer, owner_id, area) is not None


def require_view(viewer: User, owner_id: int, area: str) -> Connection | None:
    """Let the viewer through to the owner's area or stop with 404; log the visit for the owner.

    Returns the granting connection, or None when the viewer is the owner.
    """
    if area not in AREAS:
        abort(404)
    if viewer.id == owner_id:
        return None
    connection = granting_connection(viewer, owner_id, area)
    if connection is None:
        abort(404)
    log_access(owner_id, viewer.id, area)
    return connection


def log_access(owner_id: int, viewer_id: int, area: str) -> None:
    """Record that a viewer opened an owner's area; a quick reload counts as the same visit."""
    log_visits(viewer_id, [(owner_id, area)])


def log_visits(viewer_id: int, visits: Iterable[tuple[int, str]]) -> None:
    """Record that a viewer opened these (owner, area) pairs; a quick reload counts as the same visit.

    One query finds the recent visits of every pair. A visit seen less than a minute ago is left as
    it is, so that reading pages rarely write; the others are touched or added in one flush.
    """
    pairs = {(owner_id, area) for owner_id, area in visits if owner_id != viewer_id and area in AREAS}
    if not pairs:
        return
    now = utcnow()
    query = _recent_visits()
    values = {"viewer_id": viewer_id, "owners": sorted({owner_id for owner_id, _ in pairs}),
              "areas": sorted({area for _, area in pairs}), "since": now - ACCESS_LOG_COALESCE}

    def newest(rows) -> dict[tuple[int, str], AccessLogEntry]:
        found: dict[tuple[int, str], AccessLogEntry] = {}
        for entry in rows:
            found.setdefault((entry.owner_id, entry.area), entry)
        return found

    def fresh(found: dict[tuple[int, str], AccessLogEntry], pair: tuple[int, str]) -> bool:
        return pair in found and now - found[pair].viewed_at < ACCESS_LOG_TOUCH

    recent = newest(db.session.scalars(query, values))
    if all(fresh(recent, pair) for pair in pairs):
        return
    prepare_to_write()  # a reading page is about to write: take the lock, then look again
    recent = newest(db.session.scalars(query, values, execution_options={"populate_existing": True}))
    for pair in sorted(pairs):
        if fresh(recent, pair):
            continue
        if pair in recent:
            recent[pair].viewed_at = now
        else:
            owner_id, area = pair
            db.session.add(AccessLogEntry(owner_id=owner_id, viewer_id=viewer_id, area=area, viewed_at=now))
    db.session.flush()


@once
def _recent_visits():
    return (
        sa.select(AccessLogEntry)
        .where(
            AccessLogEntry.viewer_id == sa.bindparam("viewer_id"),
            AccessLogEntry.owner_id.in_(sa.bindparam("owners", expanding=True)),
            AccessLogEntry.area.in_(sa.bindparam("areas", expanding=True)),
            AccessLogEntry.viewed_at > sa.bindparam("since"),
        )
        .order_by(AccessLogEntry.viewed_at.desc())
    )


_WITH_MEMBERS = (joinedload(Connection.person), joinedload(Connection.loved_one), joinedload(Connection.supporter))


def connection_for_member(user: User, connection_id: int, *, circle_only: bool = False) -> Connection:
    """Load a connection the user belongs to, or stop with 404 (also a supporter's tie when `circle_only`)."""
    # Both members come in the same query: every caller names the other one.
    connection = (db.session.get(Connection, connection_id, options=_WITH_MEMBERS)
                  if isinstance(connection_id, int) else None)
    if connection is None or not _party(connection, user.id) or (circle_only and connection.is_support):
        abort(404)
    return connection


@dataclass(frozen=True)
class Access:
    """A pass from the door: `viewer` may see `area` of `owner`'s records through `connection`, now.

    Only the door hands these out (shared_through), after checking the grant and logging the visit.
    Every loader of another person's records takes one and asks `require(area)` before it reads, so a
    record can't be loaded for a page the door didn't open.
    """

    viewer: User
    owner: User
    connection: Connection
    area: str

    def require(self, area: str) -> Connection:
        """Check this pass is for `area` (404 otherwise) and return its connection."""
        if area != self.area:
            raise NotFound(area)
        return self.connection


def shared_through(viewer: User, connection_id: int, area: str) -> Access:
    """The door to the other member's area in one of my connections: live, shared with me now, or 404.

    Returns the pass (viewer, owner, connection, area) and logs the visit for the owner.
    """
    connection = connection_for_member(viewer, connection_id)
    if not live(connection):
        abort(404)
    owner = connection.other(viewer.id)
    require_view(viewer, owner.id, area)
    return Access(viewer=viewer, owner=owner, connection=connection, area=area)


# --- The batch door, for pages that show several people's shared records at once --------------------
# Home, lists and summaries ask here once for all of the viewer's connections (one query for every
# grant), say which owners' content they show, and log those visits in one batch after the page is
# built. Naming which areas someone shares (a link on a card) shows no content and logs nothing.

PENDING_VISITS = "access_visits"  # db.session.info key: (owner_id, viewer_id, area) a page has shown


@dataclass(frozen=True)
class Sharing:
    """What the two members of one connection share, as one of them (the viewer) may know it."""

    mine: frozenset[str]  # what the viewer chose to share, kept while the connection is paused
    theirs: frozenset[str]  # what the other member shares with the viewer right now (none unless active)

    def theirs_in_order(self) -> list[str]:
        """The other member's shared areas, in the areas' usual order."""
        return [key for key in AREAS if key in self.theirs]

    def mine_in_order(self) -> list[str]:
        """The viewer's own shared areas, in the areas' usual order."""
        return [key for key in AREAS if key in self.mine]


def sharing(viewer: User, connections: Sequence[Connection]) -> dict[int, Sharing]:
    """Read what each side shares in the viewer's connections, in one query for all of them."""
    own = [c for c in connections if _party(c, viewer.id)]
    if not own:
        return {}
    granted: dict[tuple[int, int], set[str]] = {}
    for connection_id, owner_id, area in db.session.execute(_grants_of(), {"ids": [c.id for c in own]}):
        if area in AREAS:
            granted.setdefault((connection_id, owner_id), set()).add(area)
    result = {}
    for c in own:
        theirs = granted.get((c.id, _other_id(c, viewer.id)), set()) if live(c) else set()
        result[c.id] = Sharing(mine=frozenset(granted.get((c.id, viewer.id), ())), theirs=frozenset(theirs))
    return result


@once
def _grants_of():
    return (sa.select(ShareGrant.connection_id, ShareGrant.owner_id, ShareGrant.area)
            .where(ShareGrant.connection_id.in_(sa.bindparam("ids", expanding=True))))


def shared_with(viewer: User, connections: Sequence[Connection]) -> dict[int, frozenset[str]]:
    """Return, for each of the viewer's connections, the areas its other member shares with the viewer now."""
    return {cid: s.theirs for cid, s in sharing(viewer, connections).items()}


def areas_shared_with(viewer: User, connection: Connection) -> list[str]:
    """Return the areas the other member shares with the viewer now (none unless active), in order."""
    found = sharing(viewer, [connection]).get(connection.id)
    return found.theirs_in_order() if found else []


def shared_areas(connection: Connection, owner_id: int) -> set[str]:
    """Return the areas the owner chose to share in this connection (kept while it is paused)."""
    return {
        area for area in db.session.scalars(
            sa.select(ShareGrant.area).where(ShareGrant.connection_id == connection.id, ShareGrant.owner_id == owner_id)
        )
        if area in AREAS
    }


class SharedPage:
    """The door for one aggregate page: who shares what with the viewer, and the visits the page shows."""

    def __init__(self, viewer: User, connections: Sequence[Connection]):
        self.viewer = viewer
        self._sharing = sharing(viewer, connections)
        self._connections = {c.id: c for c in connections if c.id in self._sharing}

    def areas(self, connection: Connection) -> list[str]:
        """Name the areas the other member shares with the viewer now (names only: nothing to log)."""
        found = self._sharing.get(connection.id)
        return found.theirs_in_order() if found else []

    def mine(self, connection: Connection) -> list[str]:
        """Name the areas the viewer shares in this connection."""
        found = self._sharing.get(connection.id)
        return found.mine_in_order() if found else []

    def sharing(self, area: str) -> list[Connection]:
        """Return the connections whose other member shares this area with the viewer now."""
        return [c for cid, c in self._connections.items() if area in self._sharing[cid].theirs]

    def show(self, connection: Connection, area: str) -> None:
        """Note that the page shows this owner's content of this area; logged by `record_visits`."""
        found = self._sharing.get(connection.id)
        if found is None or area not in found.theirs:
            raise LookupError(area)  # a page may show only what the door let through
        owner_id = _other_id(connection, self.viewer.id)
        db.session.info.setdefault(PENDING_VISITS, set()).add((owner_id, self.viewer.id, area))
        queue_write(PENDING_VISITS, record_visits)  # written with the request's one commit, once the page is built


def record_visits() -> None:
    """Log the visits the page's content showed, one per owner and area, in one batch (a quick reload is one visit).

    Queued by SharedPage.show and run by db.finish_request once the page is built, so a reading page
    reads everything before it writes.
    """
    pending = db.session.info.pop(PENDING_VISITS, set())
    by_viewer: dict[int, list[tuple[int, str]]] = {}
    for owner_id, viewer_id, area in pending:
        by_viewer.setdefault(viewer_id, []).append((owner_id, area))
    for viewer_id, visits in by_viewer.items():
        log_visits(viewer_id, visits)


def view_if_shared(viewer: User, owner_id: int, area: str) -> Connection | None:
    """Let the viewer see one record of the owner's area if it is shared with them now, logging the visit.

    For a page that shows another person's record only while it is shared (and otherwise says so):
    returns the granting connection, or None with nothing logged.
    """
    connection = granting_connection(viewer, owner_id, area)
    if connection is not None:
        log_access(owner_id, viewer.id, area)
    return connection
