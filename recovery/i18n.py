"""Languages: which one each page, email and notification speaks (Flask-Babel).

A signed-in person's pages, and everything sent to them, use the language they chose (users.language;
empty means the host's first language). A visitor's pages use the language picked with the switcher on
public pages (a cookie), else the best match for their browser's Accept-Language, else the host's first.

Only the languages in LANGUAGES are offered (config, MEND_LANGUAGES): a language is listed there once
its catalogue is complete (recovery/translations/<code>/LC_MESSAGES/messages.po; README "Adding a
language"), so nobody is offered a page that is half in one language and half in another.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

from babel import support
from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, LazyString, force_locale, get_locale, gettext, ngettext, pgettext
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape


class Words(LazyString):
    """Words fixed before a page asks (labels, lists of choices), read in the page's language each time they are
    used, and escaped on a page like any text (Flask-Babel's own lazy string would be put in unescaped: a
    name with "&" in it would break the page's HTML)."""

    def __init__(self, func, *args, **kwargs):
        super().__init__(func, *args, **kwargs)
        # The words last read, with the translations they were read in (one object per language, kept for the
        # process): a table's label read on every row of a page is looked up once per language. One tuple,
        # set in one step, so threads reading it in two languages never mix them.
        self._last: tuple[object, str] = (None, "")

    def __str__(self) -> str:
        if not has_app_context():
            return super().__str__()
        words = translations()
        seen, text = self._last
        if seen is not words:
            text = super().__str__()
            self._last = (words, text)
        return text

    def __html__(self) -> Markup:
        return escape(str(self))


def plain(field: str) -> property:
    """A read-only property giving a marked-words field as plain text in the language being spoken: for data
    kept as marked words (module-level tables) that code compares, joins or counts as strings.

        name_words: LazyString
        name = plain("name_words")
    """
    return property(lambda self: str(getattr(self, field)), doc=f"`{field}` in the page's language.")


def lazy_gettext(words: str, **values) -> Words:
    """_l("…"): marked words for module-level constants, translated when read."""
    return Words(gettext, words, **values)


def lazy_pgettext(context: str, words: str, **values) -> Words:
    """The same, for words that mean different things in different places ("Home": a page, a kind of boundary)."""
    return Words(pgettext, context, words, **values)


def lazy_ngettext(singular: str, plural: str, num: int, **values) -> Words:
    return Words(ngettext, singular, plural, num, **values)


# Each language named in itself, as a person looking for their own would read it: the languages whose
# catalogue is complete, which a host may offer.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# Languages whose catalogue is still being written: offered only with PREVIEW_LANGUAGES (translators, tests).
IN_PROGRESS: dict[str, str] = {}
COOKIE = "mend_lang"
COOKIE_AGE = 365 * 24 * 3600

CATALOGUES = Path(__file__).resolve().parent / "translations"


def catalogue_path(code: str) -> Path:
    return CATALOGUES / code / "LC_MESSAGES" / "messages.po"


def load_catalogue(code: str) -> support.NullTranslations:
    """A language's translations, compiled in memory from its .po catalogue (no compiled files to keep
    in step); English, the language the pages are written in, needs none."""
    path = catalogue_path(code)
    if not path.exists():
        return support.NullTranslations()
    with path.open("rb") as po:
        catalogue = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return support.Translations(fp=compiled)


class Catalogues(Domain):
    """Every language's translations, read once per process and kept (Flask-Babel 4 would make a new
    domain, and read the catalogue from disk again, on every request)."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: dict[str, support.NullTranslations] = {}

    def get_translations(self):
        locale = get_locale()
        code = str(locale) if locale is not None else ""
        found = self.loaded.get(code)
        if found is None:
            found = self.loaded[code] = load_catalogue(code) if code else support.NullTranslations()
        return found


class MendBabel(Babel):
    catalogues = Catalogues()

    @property
    def domain_instance(self):
        return self.catalogues


babel = MendBabel()


def offered() -> tuple[str, ...]:
    """The languages this host offers, its default first."""
    return current_app.config["LANGUAGES"]


def normalize(code: str | None) -> str:
    """A stored or asked-for language as one this host offers, or "" when it offers no such language."""
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in offered() else ""


def browser_language() -> str:
    """The offered language that best matches the browser's Accept-Language, else the host's first."""
    if has_request_context():
        best = request.accept_languages.best_match(offered())
        if best:
            return best
    return offered()[0]


def language_of(user) -> str:
    """The language to speak to this user in: their own choice, else the host's first."""
    return normalize(getattr(user, "language", "")) or offered()[0]


def _select_locale() -> str:
    if not has_request_context():  # a job or a command: what it sends chooses with flask_babel.force_locale
        return offered()[0]
    if current_user and current_user.is_authenticated:
        return language_of(current_user)
    return normalize(request.args.get("lang")) or normalize(request.cookies.get(COOKIE)) or browser_language()


def _select_timezone() -> str | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


# This request's language and translations, worked out once and kept on flask.g (Flask-Babel would look them
# up again for every word: a page marks dozens). speaking() sets them aside while it speaks another language.
_LANGUAGE, _WORDS = "_mend_language", "_mend_words"


def page_language() -> str:
    """The language of the page being drawn, for <html lang> and the switcher."""
    code = g.get(_LANGUAGE)
    if code is None:
        locale = get_locale()
        code = locale.language if locale is not None else offered()[0]
        setattr(g, _LANGUAGE, code)
    return code


def translations() -> support.NullTranslations:
    """This request's translations."""
    words = g.get(_WORDS)
    if words is None:
        words = babel.catalogues.get_translations()
        setattr(g, _WORDS, words)
    return words


@pass_context
def _gettext(context, string: str, **values) -> str:
    """{{ _("Hello %(name)s", name=n) }}: the words in this request's language, values escaped and put in."""
    words = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        words = Markup(words)  # nosec B704: the catalogue's own words; the values are escaped by Markup's %
    # Formatted whenever it could matter, as Jinja does, so "%%" means "%" with or without values.
    return words % values if values or "%" in words else words


@pass_context
def _ngettext(context, singular: str, plural: str, num: int, **values) -> str:
    """{{ ngettext("%(num)d day", "%(num)d days", n) }}: the plural form this language uses for n."""
    words = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        words = Markup(words)  # nosec B704: as above
    return words % {"num": num, **values}


@contextmanager
def speaking(language: str):
    """Speak `language` for a while, whatever the request's own (an email or a notification to someone else)."""
    kept = g.pop(_LANGUAGE, None), g.pop(_WORDS, None)
    try:
        with force_locale(normalize(language) or offered()[0]):
            yield
    finally:
        g.pop(_LANGUAGE, None), g.pop(_WORDS, None)
        if kept[0] is not None:
            setattr(g, _LANGUAGE, kept[0])
        if kept[1] is not None:
            setattr(g, _WORDS, kept[1])


# How each language writes the dates the pages show. A page names the English form (strftime's codes, what
# English pages have always shown); another language draws the same date with its own pattern (CLDR's codes,
# month and weekday names from Babel's locale data). A form missing here is an error a test finds.
DATE_FORMS: dict[str, dict[str, str]] = {
    "es": {
        "%-d %B %Y": "d 'de' MMMM 'de' y",
        "%-d %B": "d 'de' MMMM",
        "%-d %b %Y": "d MMM y",
        "%-d %b": "d MMM",
        "%a %-d %b": "EEE d MMM",
        "%a %-d %b %Y": "EEE d MMM y",
        "%a %-d %B": "EEE d 'de' MMMM",
        "%a %-d %B %Y": "EEE d 'de' MMMM 'de' y",
        "%A %-d %B": "EEEE d 'de' MMMM",
        "%A %-d %B %Y": "EEEE d 'de' MMMM 'de' y",
        "%-d %b %Y, %-I:%M %p": "d MMM y, H:mm",
        "%-d %b, %-I:%M %p": "d MMM, H:mm",
        "%-I:%M %p": "H:mm",
    },
}


def _language_now() -> str:
    """The language being spoken: the page's, else what a job or command chose (speaking()), else English."""
    if has_request_context():
        return page_language()
    if has_app_context():
        locale = get_locale()
        return locale.language if locale is not None else offered()[0]
    return "en"


def format_day(value, form: str = "%-d %B %Y") -> str:
    """A date (or a time) as the page's language writes it: `form` is the English form, in strftime's codes."""
    if value is None:
        return ""
    language = _language_now()
    if language == "en":
        return value.strftime(form).replace("AM", "am").replace("PM", "pm")
    return format_datetime(value, DATE_FORMS[language][form], locale=language)


# Each language's decimal sign, from Babel's locale data, looked up once (a calendar writes one per week).
_DECIMAL_SIGNS: dict[str, str] = {}


def decimal_sign(language: str) -> str:
    """The sign a language writes between a number's whole and decimal parts ("." in English, "," in Spanish)."""
    sign = _DECIMAL_SIGNS.get(language)
    if sign is None:
        from babel.numbers import get_decimal_symbol

        sign = _DECIMAL_SIGNS[language] = get_decimal_symbol(language)
    return sign


def format_decimal(value, keep_zero: bool = True) -> str:
    """A number to one decimal place as the page's language writes it: "6.4" in English, "6,4" in Spanish;
    a whole number keeps its ".0" unless keep_zero is False ("5")."""
    if value is None:
        return ""
    sign = decimal_sign(_language_now())
    text = f"{float(value):.1f}"
    if not keep_zero and text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", sign)


def switcher() -> list[tuple[str, str]]:
    """The other languages a visitor may switch to, as (code, name), when the host offers more than one."""
    here = page_language()
    return [(code, name_of(code)) for code in offered() if code != here]


def name_of(code: str) -> str:
    """A language's name in itself ("Español")."""
    return LANGUAGE_NAMES.get(code) or IN_PROGRESS.get(code, code)


def fit_form(form) -> None:
    """Offer the host's languages in a form's `language` field, or take the field away when it offers one."""
    if len(offered()) < 2:
        del form["language"]
        return
    form.language.choices = [(code, name_of(code)) for code in offered()]


def _remember_choice(response):
    """Keep a visitor's pick from the switcher (?lang=…) for their next pages."""
    chosen = normalize(request.args.get("lang")) if "lang" in request.args else ""
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    languages = app.config["LANGUAGES"]
    if isinstance(languages, str):
        languages = [code.strip() for code in languages.split(",") if code.strip()]
    app.config["LANGUAGES"] = tuple(code.lower() for code in languages) or ("en",)
    ready = {**LANGUAGE_NAMES, **(IN_PROGRESS if app.config["PREVIEW_LANGUAGES"] else {})}
    unknown = [code for code in app.config["LANGUAGES"] if code not in ready]
    if unknown:
        raise RuntimeError(f"MEND_LANGUAGES names languages Mend has no complete pages in: {', '.join(unknown)}. "
                           f"It has: {', '.join(ready)}.")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["LANGUAGES"][0])
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    # Jinja's "new style" gettext (autoescaped, values by name), reading this request's translations once,
    # without the second template call per word that Jinja's own wrapper makes.
    app.jinja_env.install_gettext_callables(gettext=_gettext, ngettext=_ngettext, newstyle=False)
    app.jinja_env.newstyle_gettext = True  # what {% trans %} blocks, if any, must assume
    app.jinja_env.globals["_"] = _gettext  # not Jinja's alias, which would call gettext through the template again
    app.after_request(_remember_choice)
    app.jinja_env.globals.update(page_language=page_language, language_switcher=switcher)
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["decimal"] = format_decimal
