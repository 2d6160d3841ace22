"""A supporter's own notes (issue 19, item 5; SECURITY.md 35): theirs alone, shared with the person only when
they choose, exported and deleted with the supporter's account, kept when the person leaves.
"""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from recovery import yourdata
from recovery.accounts.models import LOVED_ONE, PERSON, SUPPORTER
from recovery.circle import permissions
from recovery.db import db, utcnow
from recovery.errors import NotFound, Refused
from recovery.supporters import notes_services as notes
from recovery.supporters import services
from recovery.supporters.models import SupporterNote
from tests import factories
from tests.conftest import row_counts
from tests.forms import choices_of, form_data

WORDS = "We talked about the wedding next month and a plan to leave early."


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def family(app):
    """Dr. Rivera supports Jordan (a person in recovery) and Sam (a loved one)."""
    counsellor = factories.make_user(SUPPORTER, name="Dr. Rivera")
    jordan = factories.make_user(PERSON, name="Jordan")
    sam = factories.make_user(LOVED_ONE, name="Sam")
    with_jordan = factories.make_support(jordan, counsellor, share={"tracker"})
    with_sam = factories.make_support(sam, counsellor, share={"boundaries"})
    return counsellor, jordan, sam, with_jordan, with_sam


def _write(client, **fields):
    """Post the new-note form as the page offers it, with these values."""
    page = _text(client.get("/supporting/notes/new"))
    return client.post("/supporting/notes/new", data=form_data(page, action="", **fields))


def _notes_of(author) -> list[SupporterNote]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SupporterNote).where(SupporterNote.author_id == author.id)
                                   .order_by(SupporterNote.id)))


# --- Writing, sharing, unsharing -------------------------------------------------------------------------------


def test_a_note_is_private_until_shared_and_hidden_again_when_unshared(app, as_user, family):
    """SECURITY.md 35: the person never sees a note unless the supporter shares it."""
    counsellor, jordan, sam, with_jordan, _ = family
    client, jordans = as_user(counsellor), as_user(jordan)
    response = _write(client, about=str(jordan.id), text=WORDS)
    assert response.status_code == 302 and response.headers["Location"].endswith("/supporting/notes")
    [note] = _notes_of(counsellor)
    assert (note.about_id, note.shared, note.text, note.on_date) == (jordan.id, False, WORDS,
                                                                     notes.today_for(counsellor))
    assert WORDS in _text(client.get("/supporting/notes"))
    shared_page = f"/supporters/{with_jordan.id}/notes"
    assert jordans.get(shared_page).status_code == 200
    assert WORDS not in _text(jordans.get(shared_page))

    edit = f"/supporting/notes/{note.id}/edit"
    page = _text(client.get(edit))
    assert "Share this note with Jordan" in page
    assert client.post(edit, data=form_data(page, action="", shared="y")).status_code == 302
    assert WORDS in _text(jordans.get(shared_page))
    assert "Shared with Jordan" in _text(client.get("/supporting/notes"))

    page = _text(client.get(edit))
    data = form_data(page, action="")
    data.pop("shared")  # the box unticked, as a browser sends it
    assert client.post(edit, data=data).status_code == 302
    assert WORDS not in _text(jordans.get(shared_page))
    assert _notes_of(counsellor)[0].shared is False


def test_the_form_offers_the_people_i_support_now_and_no_one_in_particular(app, as_user, family):
    counsellor, jordan, sam, *_ = family
    stranger = factories.make_user(PERSON, name="Stranger")
    page = _text(as_user(counsellor).get("/supporting/notes/new"))
    assert choices_of(page, "about") == {str(notes.NO_ONE), str(jordan.id), str(sam.id)}
    assert str(stranger.id) not in choices_of(page, "about")
    assert f'value="{notes.today_for(counsellor).isoformat()}"' in page  # the session date: today, to begin with
    assert "Share this note with the person it is about" in page
    page = _text(as_user(counsellor).get(f"/supporting/notes/new?about={sam.id}"))
    assert f'<option selected value="{sam.id}">' in page and "Share this note with Sam" in page


def test_a_note_about_no_one_in_particular(app, as_user, family):
    counsellor, jordan, *_ = family
    client = as_user(counsellor)
    assert _write(client, about=str(notes.NO_ONE), text="Read up on family sessions.").status_code == 302
    [note] = _notes_of(counsellor)
    assert note.about_id == counsellor.id and notes.about_words(note) == "No one in particular"
    assert "No one in particular" in _text(client.get("/supporting/notes"))


def test_the_list_is_newest_first_and_narrows_to_one_person(app, as_user, family):
    counsellor, jordan, sam, *_ = family
    today = notes.today_for(counsellor)
    for about, days_ago, text in ((jordan, 3, "Jordan, three days ago"), (sam, 1, "Sam, yesterday"),
                                  (jordan, 0, "Jordan, today")):
        notes.add_note(counsellor, notes.clean(counsellor, about.id, today - timedelta(days=days_ago), text, False))
    db.session.commit()
    client = as_user(counsellor)
    page = _text(client.get("/supporting/notes"))
    assert page.index("Jordan, today") < page.index("Sam, yesterday") < page.index("Jordan, three days ago")
    page = _text(client.get(f"/supporting/notes?about={jordan.id}"))
    assert "Jordan, today" in page and "Jordan, three days ago" in page and "Sam, yesterday" not in page
    assert '<strong aria-current="true">About Jordan</strong>' in page
    stranger = factories.make_user(PERSON)
    for odd in (str(stranger.id), "abc", "-1"):
        page = _text(client.get(f"/supporting/notes?about={odd}"))
        assert "Sam, yesterday" in page and "Jordan, today" in page, odd  # not one of mine: every note


def test_deleting_a_note(app, as_user, family):
    counsellor, jordan, _, with_jordan, _ = family
    client = as_user(counsellor)
    _write(client, about=str(jordan.id), text=WORDS, shared="y")
    [note] = _notes_of(counsellor)
    note_id = note.id
    page = _text(client.get(f"/supporting/notes/{note_id}/edit"))
    action = f"/supporting/notes/{note_id}/delete"
    response = client.post(action, data=form_data(page, action=action))
    assert response.status_code == 302
    assert _notes_of(counsellor) == []
    assert WORDS not in _text(as_user(jordan).get(f"/supporters/{with_jordan.id}/notes"))
    assert client.get(f"/supporting/notes/{note_id}/edit").status_code == 404


# --- Bad input: the form again, everything typed kept, nothing saved ----------------------------------------------


TOMORROW, STRANGER, NO_ONE_SHARED = "tomorrow", "stranger", "no one, shared"


@pytest.mark.parametrize(("fields", "message"), [
    ({"text": "   "}, "Please write your note."),
    ({"text": "x" * 5001}, "Please keep your note to 5,000 characters or fewer"),
    ({"on_date": TOMORROW}, "Please choose today or a day before."),
    ({"on_date": "not a date"}, "Please enter a date, like 2025-03-14."),
    ({"on_date": ""}, "Please enter the date of the session."),
    ({"on_date": "1999-01-01"}, "Please choose a date in the last five years."),
    ({"about": STRANGER}, "Please choose someone you support now, or “No one in particular”."),
    ({"about": "abc"}, "Please choose someone you support now, or “No one in particular”."),
    ({"about": NO_ONE_SHARED}, "A note can be shared only with the person it is about."),
])
def test_bad_input_keeps_what_was_typed(app, as_user, family, fields, message):
    counsellor, jordan, *_ = family
    stranger = factories.make_user(PERSON, name="Stranger")
    factories.make_support(stranger, factories.make_user(SUPPORTER), share={"tracker"})  # someone else's
    today = notes.today_for(counsellor)
    typed = {"about": str(jordan.id), "on_date": (today - timedelta(days=2)).isoformat(), "text": WORDS, **fields}
    if typed["on_date"] == TOMORROW:
        typed["on_date"] = (today + timedelta(days=1)).isoformat()
    shared = typed["about"] == NO_ONE_SHARED
    about = {STRANGER: str(stranger.id), NO_ONE_SHARED: str(notes.NO_ONE)}.get(typed["about"], typed["about"])
    client = as_user(counsellor)
    page = _text(client.get("/supporting/notes/new"))
    data = form_data(page, action="", text=typed["text"], on_date=typed["on_date"],
                     **({"shared": "y"} if shared else {}))
    data["about"] = [about]  # what was posted, even a value the list doesn't offer
    before = row_counts()
    response = client.post("/supporting/notes/new", data=data)
    assert response.status_code == 422
    answer = _text(response)
    assert message in answer
    if typed["text"].strip():
        assert typed["text"] in answer  # the words typed are still there
    assert f'value="{typed["on_date"]}"' in answer
    if shared:
        assert form_data(answer, action="").get("shared") == ["y"]  # the box they ticked is still ticked
    assert row_counts() == before


def test_a_supporter_whose_consent_ran_out_cant_be_chosen_for_a_new_note(app, as_user, family, monkeypatch):
    counsellor, jordan, *_ = family
    later = utcnow() + timedelta(days=400)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    assert notes.supported_now(counsellor) == []
    with pytest.raises(Refused) as refused:
        notes.clean(counsellor, jordan.id, notes.today_for(counsellor), WORDS, False)
    assert refused.value.field == "about"


def test_a_note_keeps_its_person_after_their_consent_ends_but_is_shared_only_with_someone_supported_now(app, family):
    counsellor, jordan, _, with_jordan, _ = family
    today = notes.today_for(counsellor)
    note = notes.add_note(counsellor, notes.clean(counsellor, jordan.id, today, WORDS, False))
    services.end_tie(jordan, with_jordan)
    db.session.flush()
    kept = notes.clean(counsellor, jordan.id, today, WORDS + " More.", False, note=note)  # editing is fine
    assert kept.about_id == jordan.id
    with pytest.raises(Refused, match="only with someone you support now"):
        notes.clean(counsellor, jordan.id, today, WORDS, True, note=note)


def test_the_service_refuses_what_the_form_would(app, family):
    counsellor, jordan, *_ = family
    today = notes.today_for(counsellor)
    cases = [
        ((jordan.id, today, "", False), "text"),
        ((jordan.id, today, "x" * 5001, False), "text"),
        ((jordan.id, today + timedelta(days=1), WORDS, False), "on_date"),
        ((jordan.id, None, WORDS, False), "on_date"),
        ((notes.LEFT, today, WORDS, False), "about"),
        ((None, today, WORDS, False), "about"),
        ((counsellor.id, today, WORDS, False), "about"),  # their own id is not a person they support
        ((notes.NO_ONE, today, WORDS, True), "shared"),
    ]
    for args, field in cases:
        with pytest.raises(Refused) as refused:
            notes.clean(counsellor, *args)
        assert refused.value.field == field, args
    assert notes.clean(counsellor, jordan.id, today, "x" * 5000, True).text == "x" * 5000


# --- Whose notes: the author's alone ----------------------------------------------------------------------------


def test_another_supporter_cant_open_change_or_delete_a_note(app, as_user, family):
    counsellor, jordan, *_ = family
    yesterday = notes.today_for(counsellor) - timedelta(days=1)
    note = notes.add_note(counsellor, notes.clean(counsellor, jordan.id, yesterday, WORDS, False))
    db.session.commit()
    other = factories.make_user(SUPPORTER)
    factories.make_support(factories.make_user(PERSON), other, share={"tracker"})  # a second family
    client = as_user(other)
    before = row_counts()
    assert client.get(f"/supporting/notes/{note.id}/edit").status_code == 404
    assert client.post(f"/supporting/notes/{note.id}/edit", data={"about": "0", "text": "Mine now",
                                                                   "on_date": yesterday.isoformat()}).status_code == 404
    assert client.post(f"/supporting/notes/{note.id}/delete").status_code == 404
    assert WORDS not in _text(client.get("/supporting/notes"))
    assert WORDS not in _text(client.get(f"/supporting/notes?about={jordan.id}"))
    assert row_counts() == before and _notes_of(counsellor)[0].text == WORDS
    with pytest.raises(NotFound):
        notes.load_own(other, note.id)


def test_only_supporters_have_notes_and_only_the_person_reads_the_ones_shared_with_them(app, as_user, family):
    counsellor, jordan, sam, with_jordan, with_sam = family
    notes.add_note(counsellor, notes.clean(counsellor, jordan.id, notes.today_for(counsellor), WORDS, True))
    db.session.commit()
    for user in (jordan, sam):
        for path in ("/supporting/notes", "/supporting/notes/new"):
            assert as_user(user).get(path).status_code == 404, (user, path)
    assert WORDS in _text(as_user(jordan).get(f"/supporters/{with_jordan.id}/notes"))
    # Sam (another person this supporter supports), the supporter, and someone else entirely: 404.
    assert as_user(sam).get(f"/supporters/{with_jordan.id}/notes").status_code == 404
    assert as_user(counsellor).get(f"/supporters/{with_jordan.id}/notes").status_code == 404
    assert as_user(factories.make_user(PERSON)).get(f"/supporters/{with_jordan.id}/notes").status_code == 404
    # Sam's own page shows nothing of the note about Jordan.
    page = _text(as_user(sam).get(f"/supporters/{with_sam.id}/notes"))
    assert WORDS not in page and "No notes shared yet" in page


# --- The supporter's data: exported and deleted with their account; kept when the person leaves ----------------


def test_the_supporters_export_holds_their_notes_and_the_persons_doesnt(app, family):
    """SECURITY.md 35: notes are exported with the supporter's data, never the person's."""
    counsellor, jordan, *_ = family
    notes.add_note(counsellor, notes.clean(counsellor, jordan.id, notes.today_for(counsellor), WORDS, True))
    db.session.commit()
    theirs = yourdata.export(counsellor)
    assert [n["text"] for n in theirs["supporters"]["my_notes"]] == [WORDS]
    assert WORDS not in repr(yourdata.export(jordan))


def test_deleting_the_supporters_account_deletes_their_notes(app, family):
    """SECURITY.md 35: deleting the supporter's account deletes their notes."""
    counsellor, jordan, *_ = family
    notes.add_note(counsellor, notes.clean(counsellor, jordan.id, notes.today_for(counsellor), WORDS, True))
    db.session.commit()
    author_id = counsellor.id
    yourdata.delete_account(counsellor, factories.PASSWORD, "DELETE")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupporterNote)
                             .where(SupporterNote.author_id == author_id)) == 0


def test_deleting_the_persons_account_keeps_the_note_with_no_one_named(app, as_user, family):
    counsellor, jordan, *_ = family
    note = notes.add_note(counsellor, notes.clean(counsellor, jordan.id, notes.today_for(counsellor), WORDS, True))
    db.session.commit()
    note_id = note.id
    yourdata.delete_account(jordan, factories.PASSWORD, "DELETE")
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(SupporterNote, note_id)
    assert kept is not None and kept.about_id is None and kept.text == WORDS
    client = as_user(counsellor)
    page = _text(client.get("/supporting/notes"))
    assert WORDS in page and "Someone who has left Mend" in page and "Jordan" not in page
    assert "Shared with" not in page  # there is no one to share it with now
    # It can still be changed; its person stays "Someone who has left Mend", and it can't be shared with anyone.
    edit = f"/supporting/notes/{note_id}/edit"
    page = _text(client.get(edit))
    assert choices_of(page, "about") >= {str(notes.LEFT)} and "Jordan" not in page
    assert client.post(edit, data=form_data(page, action="", text=WORDS + " Later.")).status_code == 302
    db.session.expire_all()
    assert db.session.get(SupporterNote, note_id).about_id is None
    shared = client.post(edit, data=form_data(_text(client.get(edit)), action="", shared="y"))
    assert shared.status_code == 422 and "A note can be shared only with the person it is about" in _text(shared)
