"""Shared form pieces."""

from __future__ import annotations

from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import get_translations as wtforms_translations
from wtforms.validators import InputRequired, StopValidation, ValidationError

from recovery.i18n import lazy_gettext as _l
from recovery.timezones import timezone_names


class _PlainWords:
    """WTForms' own messages, in Mend's words, in the reader's language (the rest in WTForms' own translation)."""

    WORDS = {
        "Not a valid choice.": _l("Please choose one of the options shown."),
        "Invalid Choice: could not coerce.": _l("Please choose one of the options shown."),
        "'%(value)s' is not a valid choice for this field.": _l("Please choose only from the options shown."),
        "'%(value)s' are not valid choices for this field.": _l("Please choose only from the options shown."),
        "Invalid choice(s): one or more data inputs could not be coerced.":
            _l("Please choose only from the options shown."),
    }

    @staticmethod
    def _theirs():
        """WTForms' own translations of its messages, for a reader of another language than English."""
        locale = get_locale()
        language = locale.language if locale is not None else "en"
        return None if language == "en" else wtforms_translations([language])

    def gettext(self, text: str) -> str:
        words = self.WORDS.get(text)
        if words is not None:
            return str(words)
        theirs = self._theirs()
        return theirs.gettext(text) if theirs is not None else text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in self.WORDS or plural in self.WORDS:
            return self.gettext(singular if n == 1 else plural)
        theirs = self._theirs()
        return theirs.ngettext(singular, plural, n) if theirs is not None else (singular if n == 1 else plural)


class MendForm(FlaskForm):
    """The base of every form: Flask-WTF's, speaking plainly when a choice isn't one of the options."""

    class Meta:
        def get_translations(self, form):
            return _PlainWords()


class ButtonForm(MendForm):
    """An empty form for plain buttons: it carries only the CSRF token."""


class ScaleField(RadioField):
    """An answer on a 1-N scale picked with radio buttons (trust check-ins 1-7, wellbeing checks 1-10).

    Only the scale's numbers are answers; anything else ("abc", "0", " 5") leaves the question
    unanswered with one kind `message`, without WTForms' own "could not coerce".
    """

    def __init__(self, label: str = "", *, scale: range, message: str, **kwargs):
        self.scale, self.message = scale, message
        super().__init__(label, choices=choice_list((n, str(n)) for n in scale), coerce=int,
                         validate_choice=False, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            raw = valuelist[0]
            self.data = int(raw) if raw in {str(n) for n in self.scale} else None

    def pre_validate(self, form):
        if self.data not in self.scale:
            raise StopValidation(self.message)


def choice_list(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_filter(value):
    """Trim spaces around text fields."""
    return value.strip() if isinstance(value, str) else value


class TimezoneField(SelectField):
    """A choice from the IANA time zone list."""

    def __init__(self, label=None, **kwargs):
        label = label or _l("Time zone")
        kwargs.setdefault("validators", [InputRequired(_l("Please choose a time zone from the list."))])
        super().__init__(label, choices=choice_list((n, n.replace("_", " ")) for n in timezone_names()),
                         validate_choice=False, **kwargs)

    def pre_validate(self, form):
        if self.data not in timezone_names():
            raise ValidationError(_l("Please choose a time zone from the list."))


BAD_DATE = _l("Please enter a date, like 2025-03-14.")


class FriendlyDateField(DateField):
    """A date field whose parse error reads kindly."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(BAD_DATE)) from exc


def no_control_chars(form, field):
    """Refuse invisible control characters in single-line text."""
    if field.data and any(ord(c) < 32 or ord(c) == 127 for c in field.data):
        raise ValidationError(_l("Please remove the invisible characters from this field."))


def show_refusal(form, refused) -> None:
    """Put a service's refusal beside its field, or at the top of the form."""
    field = getattr(form, refused.field, None) if refused.field else None
    if field is not None:
        field.errors = [*field.errors, refused.message]
    else:
        form.form_errors.append(refused.message)


def form_page(form, template: str, action, *, success, redirect_to, **context):
    """Run the usual form cycle: validate, act, flash, redirect — or show the form again.

    `action(form)` calls a service; the request's one commit saves its work (db.finish_request). A
    Refused from it rolls back and is shown beside its field. Invalid input answers 422 with
    everything the user typed kept. `success` and `redirect_to` may be callables taking what the
    action returned.
    """
    from flask import flash, redirect, render_template, request

    if form.validate_on_submit():
        result = act_on(form, action)
        if result is not REFUSED:
            message = success(result) if callable(success) else success
            if message:
                flash(str(message), "success")
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
        return render_template(template, form=form, **context), 422
    return render_template(template, form=form, **context), (422 if request.method == "POST" else 200)


REFUSED = object()  # what act_on returns when the service said no


def act_on(form, action):
    """Call a form's service; on a refusal undo its work (or keep a counted try) and show why."""
    from recovery.errors import Refused

    try:
        return action(form)
    except Refused as refused:
        refuse(form, refused)
        return REFUSED


def refuse(form, refused) -> None:
    """A service said no to a form: undo what it began (or keep a counted try) and show why beside the field."""
    from recovery.db import db, keep_changes

    if refused.keep_changes:
        keep_changes()  # a counted wrong password (SECURITY.md 30); nothing else was changed
    else:
        db.session.rollback()  # the page is drawn again without the half-done change
    show_refusal(form, refused)


def flash_refusal(refused) -> None:
    """A button's action was refused: undo anything it began (the redirect that follows would save it) and say why."""
    from flask import flash

    from recovery.db import db

    db.session.rollback()
    flash(str(refused.message), "error")


def button_only(view):
    """For a POST from a plain button: without a valid CSRF token, answer 400 and change nothing."""
    from functools import wraps

    from flask import abort

    @wraps(view)
    def checked(*args, **kwargs):
        if not ButtonForm().validate_on_submit():
            abort(400)
        return view(*args, **kwargs)

    return checked


def confirm_page(template: str, action, *, success: str, redirect_to: str, **context):
    """Ask before a step that can't be undone: show the question, and on a valid POST act and redirect.

    `action()` calls a service. The page's button carries only the CSRF token; a POST without a valid
    one answers 400 and changes nothing.
    """
    from flask import abort, flash, redirect, render_template, request

    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action()
        flash(str(success), "success")
        return redirect(redirect_to)
    return render_template(template, form=form, **context)


def inline_form(form, action, *, page, back: str, success: str | None = None, flash_errors: bool = True):
    """Run a small form that sits inside a bigger page (a step, a small win, a note, an answer).

    Valid and accepted: flash `success`, redirect to `back` (the request's one commit saves it).
    Invalid, or refused by the service: answer 422 with `page(form)` — the same page drawn again
    with this form in it, its error beside the field and everything the user typed still there.
    A form-wide error is also flashed, unless the page shows the form's own errors (`flash_errors=False`).
    """
    from flask import flash, redirect

    if form.validate_on_submit() and act_on(form, action) is not REFUSED:
        if success:
            flash(str(success), "success")
        return redirect(back)
    if flash_errors:
        for message in form.form_errors:
            flash(str(message), "error")
    return page(form), 422
