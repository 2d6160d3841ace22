"""A supporter's own notes about sessions: the rules for writing, changing, sharing and reading them.

A note is the supporter's data (SECURITY.md 35): only its author reads or changes it, it goes out in
the author's export and is deleted with the author's account (supporters/data.py; the database
cascades). The person it is about reads it only once the author shares it with them, and only that
person, on their side of the tie (`shared_with`).

Whom a note is about is one of three things, kept in `about_id`:
- a person the supporter supports now (their id);
- "No one in particular": the author's own id (a note for themselves);
- someone who has left Mend: empty. The database empties it when that person's account is deleted,
  and the note stays with its author. Storing "no one" as the author keeps the two apart without
  another column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from recovery.accounts.models import User
from recovery.circle.models import Connection
from recovery.circle.permissions import live
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.i18n import lazy_gettext as _l
from recovery.supporters import services
from recovery.supporters.models import SupporterNote
from recovery.timezones import local_today

TEXT_MAX = 5000
OLDEST_YEARS = 5  # a session date more than five years back is most likely a typing slip of the year
NO_ONE = 0  # "No one in particular", as the form sends it
LEFT = -1  # the person the note was about has left Mend (offered only for a note already so)
NO_ONE_WORDS = _l("No one in particular")
LEFT_WORDS = _l("Someone who has left Mend")


def today_for(user: User) -> date:
    """Today where the supporter lives: a session's date can't be after it."""
    return local_today(user.timezone)


def supported_now(supporter: User) -> list[User]:
    """The people the supporter supports now (consent holds), by name: whom a new note may be about."""
    people = [t.supported for t in services.ties_of_supporter(supporter) if live(t)]
    return sorted(people, key=lambda u: (u.display_name.casefold(), u.id))


def about_words(note: SupporterNote) -> str:
    """Whom a note is about, in words."""
    if note.about_id is None:
        return LEFT_WORDS
    if note.about_id == note.author_id:
        return NO_ONE_WORDS
    return note.about.display_name


def about_person(note: SupporterNote) -> User | None:
    """The person a note is about, if it is about someone still on Mend."""
    return None if note.about_id in (None, note.author_id) else note.about


def about_choice(note: SupporterNote) -> int:
    """A note's "about" as the form offers it."""
    if note.about_id is None:
        return LEFT
    return NO_ONE if note.about_id == note.author_id else note.about_id


# --- Reading -------------------------------------------------------------------------------------------------


def my_notes(author: User, about_id: int | None = None) -> list[SupporterNote]:
    """Every note the supporter wrote, newest session first; only those about one person when named."""
    stmt = (sa.select(SupporterNote).where(SupporterNote.author_id == author.id)
            .options(joinedload(SupporterNote.about))
            .order_by(SupporterNote.on_date.desc(), SupporterNote.created_at.desc(), SupporterNote.id.desc()))
    if about_id is not None:
        stmt = stmt.where(SupporterNote.about_id == about_id)
    return list(db.session.scalars(stmt))


def filter_choices(author: User, notes: list[SupporterNote]) -> list[User]:
    """The people the list can be narrowed to: those I support now and those my notes are about, by name."""
    people = {u.id: u for u in supported_now(author)}
    for note in notes:
        person = about_person(note)
        if person is not None:
            people.setdefault(person.id, person)
    return sorted(people.values(), key=lambda u: (u.display_name.casefold(), u.id))


def load_own(author: User, note_id: int) -> SupporterNote:
    """One of the author's notes, or NotFound (anyone else's note is not there for them)."""
    note = db.session.scalar(sa.select(SupporterNote).where(SupporterNote.id == note_id,
                                                            SupporterNote.author_id == author.id))
    if note is None:
        raise NotFound(note_id)
    return note


def shared_with(owner: User, tie_id: int) -> tuple[Connection, list[SupporterNote]]:
    """For the person of a supporter's tie: the tie and the notes its supporter shared with them, newest first.

    Anyone but the person who chose that supporter: NotFound. Unshared notes never come back.
    """
    tie = services.tie_of_owner(owner, tie_id)
    notes = list(db.session.scalars(
        sa.select(SupporterNote).where(SupporterNote.author_id == tie.supporter_id,
                                       SupporterNote.about_id == owner.id, SupporterNote.shared.is_(True))
        .order_by(SupporterNote.on_date.desc(), SupporterNote.created_at.desc(), SupporterNote.id.desc())))
    return tie, notes


# --- Writing -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A note as typed, checked: whom it is about (as stored), the session's date, the words, shared or not."""

    about_id: int | None
    on_date: date
    text: str
    shared: bool


def clean(author: User, about: int | None, on_date: date | None, text: str | None, shared: bool,
          note: SupporterNote | None = None, today: date | None = None) -> Draft:
    """Check a note as typed; `note` is the note being changed (its "about" may stay as it is)."""
    today = today or today_for(author)
    allowed = {u.id for u in supported_now(author)}
    keeps = note is not None and about == about_choice(note)  # unchanged: fine even if consent ran out
    if about == NO_ONE:
        about_id = author.id
    elif keeps:
        about_id = note.about_id
    elif isinstance(about, int) and about in allowed:
        about_id = about
    else:
        raise Refused(_("Please choose someone you support now, or “No one in particular”."), field="about")
    if on_date is None:
        raise Refused(_("Please enter the date of the session, like 2025-03-14."), field="on_date")
    if on_date > today:
        raise Refused(_("Please choose today or a day before."), field="on_date")
    if on_date < today - timedelta(days=366 * OLDEST_YEARS):
        raise Refused(_("Please choose a date in the last five years."), field="on_date")
    text = (text or "").strip()
    if not text:
        raise Refused(_("Please write your note."), field="text")
    if len(text) > TEXT_MAX:
        raise Refused(_("Please keep your note to %(num)s characters or fewer (it has %(count)s).",
                        num=format_number(TEXT_MAX), count=format_number(len(text))), field="text")
    shared = bool(shared)
    if shared and about_id in (None, author.id):
        raise Refused(_("A note can be shared only with the person it is about. Please choose who that is."),
                      field="shared")
    already = note is not None and note.shared and note.about_id == about_id
    if shared and not already and about_id not in allowed:
        raise Refused(_("You can share a note only with someone you support now."), field="shared")
    return Draft(about_id, on_date, text, shared)


def add_note(author: User, draft: Draft) -> SupporterNote:
    """Keep a new note for its author."""
    if not author.is_supporter:
        raise NotFound("notes")
    note = SupporterNote(author_id=author.id, about_id=draft.about_id, on_date=draft.on_date, text=draft.text,
                         shared=draft.shared)
    db.session.add(note)
    db.session.flush()
    return note


def change_note(note: SupporterNote, draft: Draft) -> SupporterNote:
    """Change one of the author's notes (the caller loaded it with load_own)."""
    note.about_id, note.on_date, note.text, note.shared = draft.about_id, draft.on_date, draft.text, draft.shared
    note.updated_at = utcnow()
    db.session.flush()
    db.session.expire(note, ["about"])  # whom it is about may have changed: read it again when asked
    return note


def delete_note(note: SupporterNote) -> None:
    """Delete one of the author's notes for good (the caller loaded it with load_own)."""
    db.session.delete(note)
    db.session.flush()
