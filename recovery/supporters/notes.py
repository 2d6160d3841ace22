"""A supporter's own notes about sessions: theirs alone, shown to the person only if they share one.

The supporter lists, writes, changes and deletes their notes (supporters only; someone else's note is
404). The person a note is about reads the notes shared with them at /supporters/<tie>/notes, on their
side of the tie; an unshared note never shows there. The rules live in notes_services.py.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from recovery.accounts.auth import role_required
from recovery.accounts.models import SUPPORTER
from recovery.forms import ButtonForm, FriendlyDateField, MendForm, button_only, form_page
from recovery.i18n import lazy_gettext as _l
from recovery.supporters import notes_services as notes_rules
from recovery.supporters.notes_services import LEFT, LEFT_WORDS, NO_ONE, NO_ONE_WORDS, TEXT_MAX
from recovery.supporters.routes import bp


def _choice(value):
    """A choice of whom the note is about, as a whole number; anything else is no choice (the rules say why)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class NoteForm(MendForm):
    """A note about a session: about whom, the date, the words, and whether to share it with that person."""

    about = SelectField(_l("Who is it about?"), coerce=_choice, validate_choice=False, default=NO_ONE)
    on_date = FriendlyDateField(_l("Date of the session"), [InputRequired(_l("Please enter the date of the session."))],
                                format="%Y-%m-%d")
    # Its description names the most it holds, written the reader's way (_note_form, at request time).
    text = TextAreaField(_l("Your note"))
    shared = BooleanField(_l("Share this note with the person it is about"),
                          description=_l("Off unless you turn it on. They will be able to read it in Mend. "
                                         "You can stop sharing it at any time."))


def _note_form(note=None, about: int | None = None) -> NoteForm:
    """The form, with its choices of whom a note may be about; filled from the note (or the defaults) on a GET."""
    if note is not None and request.method == "GET":
        # A note about someone who has left can't be shared with anyone: its box starts unticked.
        form = NoteForm(about=notes_rules.about_choice(note), on_date=note.on_date, text=note.text,
                        shared=note.shared and notes_rules.about_person(note) is not None)
    else:
        form = NoteForm()
    people = notes_rules.supported_now(current_user)
    names = {u.id: u.display_name for u in people}
    choices = [(NO_ONE, NO_ONE_WORDS)] + [(u.id, u.display_name) for u in people]
    if note is not None:
        current = notes_rules.about_choice(note)
        if current == LEFT:
            choices.append((LEFT, LEFT_WORDS))
        elif current != NO_ONE and current not in names:
            names[current] = note.about.display_name
            choices.append((current, _("%(name)s (their consent has ended)", name=note.about.display_name)))
    form.about.choices = choices
    form.text.description = _("Up to %(num)s characters. Only you can read it, unless you choose to share it.",
                              num=format_number(TEXT_MAX))
    if request.method == "GET" and note is None:
        form.on_date.data = notes_rules.today_for(current_user)
        if about in names:
            form.about.data = about
    # The sharing box names the person chosen, when one is.
    if form.about.data in names:
        form.shared.label.text = _("Share this note with %(name)s", name=names[form.about.data])
    return form


def _saved_words(note) -> str:
    """What the flash says once a note is saved: whether anyone else can read it."""
    if note.shared:
        return _("Your note is saved. It is shared with %(name)s.", name=notes_rules.about_words(note))
    return _("Your note is saved. Only you can read it.")


def _save(form: NoteForm, note=None):
    draft = notes_rules.clean(current_user, form.about.data, form.on_date.data, form.text.data,
                              bool(form.shared.data), note=note)
    return notes_rules.change_note(note, draft) if note is not None else notes_rules.add_note(current_user, draft)


@bp.get("/supporting/notes")
@role_required(SUPPORTER)
def notes():
    """Every note I wrote, newest first; ?about=<person> narrows them to one person."""
    everything = notes_rules.my_notes(current_user)
    people = notes_rules.filter_choices(current_user, everything)
    about = request.args.get("about", type=int)
    chosen = next((u for u in people if u.id == about), None)
    shown = [n for n in everything if n.about_id == chosen.id] if chosen else everything
    return render_template("supporters/notes.html", notes=shown, total=len(everything), people=people,
                           chosen=chosen, about_words=notes_rules.about_words,
                           about_person=notes_rules.about_person, me=current_user)


@bp.route("/supporting/notes/new", methods=["GET", "POST"])
@role_required(SUPPORTER)
def new_note():
    """Write a note about a session (about someone I support now, or no one in particular)."""
    form = _note_form(about=request.args.get("about", type=int))
    return form_page(form, "supporters/note_form.html", lambda f: _save(f),
                     success=_saved_words,
                     redirect_to=url_for("supporters.notes"), note=None)


@bp.route("/supporting/notes/<int:note_id>/edit", methods=["GET", "POST"])
@role_required(SUPPORTER)
def edit_note(note_id: int):
    """Change one of my notes, or stop (or start) sharing it."""
    note = notes_rules.load_own(current_user, note_id)
    form = _note_form(note)
    return form_page(form, "supporters/note_form.html", lambda f: _save(f, note),
                     success=_saved_words,
                     redirect_to=url_for("supporters.notes"), note=note, delete_form=ButtonForm())


@bp.post("/supporting/notes/<int:note_id>/delete")
@role_required(SUPPORTER)
@button_only
def delete_note(note_id: int):
    """Delete one of my notes for good."""
    notes_rules.delete_note(notes_rules.load_own(current_user, note_id))
    flash(_("Your note is deleted."), "success")
    return redirect(url_for("supporters.notes"))


@bp.get("/supporters/<int:connection_id>/notes")
@login_required
def shared_notes(connection_id: int):
    """For the person supported: the notes their supporter chose to share with them."""
    tie, items = notes_rules.shared_with(current_user, connection_id)
    return render_template("supporters/shared_notes.html", tie=tie, supporter=tie.supporter, notes=items)
