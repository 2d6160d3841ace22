"""Every page of the demo circle, made in Spanish, read in Spanish by each role: no English left.

The demo circle is made in Spanish (`flask --app app demo --lang es`), so what its people wrote is Spanish
too. Each page the browser tests know (tests/e2e/pages.py: every GET endpoint, mapped onto the demo) is
opened by the one who would open it: logged out, Jordan (person in recovery), Sam (loved one) and Dr. Rivera
(counsellor). Two things fail it:
- a catalogue miss: a marked word the Spanish catalogue doesn't have (recorded as the page asks for it);
- words the catalogue never saw: a line of the page's text holding common English words ("the", "your",
  "and" …), which no Spanish sentence holds. Only proper names of services are allowed (ALLOWED).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from html.parser import HTMLParser

import pytest

from recovery import i18n
from recovery.db import db
from recovery.demo import DEFAULT_PASSWORD, create_demo
from tests.e2e import helpers, pages

BILINGUAL = {"LANGUAGES": ("en", "es"), "PREVIEW_LANGUAGES": True}

# Words only English sentences hold (Spanish shares "a", "me", "no", "he", "son", "con"… so they are not here).
ENGLISH = frozenset(
    "the and you your yours with this that these those for are is was were to of it its can will what when who "
    "how not have has had be been being from about they them their our we my here there an or if by on in at "
    "all any only more yet do does did don't isn't it's you're what's there's can't won't didn't should would "
    "could".split())
# Names of services, of a journal and of the product, which stay as their owners write them.
ALLOWED = ("Crisis Text Line", "National Alcohol and Other Drug Hotline", "Journal of Addiction Medicine", "Mend")
# Time zones keep their world-wide names in the list of every other zone ("Europe/Isle of Man").
ZONE = re.compile(r"^[A-Z][A-Za-z]+/[A-Za-z_ /-]+$")


class _Recording:
    """The Spanish translations, noting every marked word asked for that the catalogue lacks, and where."""

    def __init__(self, words, misses: dict, where: list):
        self.words, self.misses, self.where = words, misses, where

    def ugettext(self, message):
        if message not in self.words._catalog:
            self.misses.setdefault(message, self.where[0])
        return self.words.ugettext(message)

    gettext = ugettext

    def ungettext(self, singular, plural, n):
        if (singular, 0) not in self.words._catalog:
            self.misses.setdefault(singular, self.where[0])
        return self.words.ungettext(singular, plural, n)

    ngettext = ungettext

    def __getattr__(self, name):
        return getattr(self.words, name)


class _Text(HTMLParser):
    """A page's words as a reader meets them: text, and the labels a screen reader or a tooltip says."""

    BREAKS = {"p", "li", "h1", "h2", "h3", "h4", "div", "tr", "br", "label", "button", "a", "option", "summary",
              "legend", "dt", "dd", "th", "td", "section", "title", "span", "strong", "em", "small"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt", "aria-description") and value:
                self.parts.append(f"\n{value}\n")
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_lines(html: str) -> list[str]:
    reader = _Text()
    reader.feed(html)
    found = []
    for line in "".join(reader.parts).split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        bare = line
        for name in ALLOWED:
            bare = bare.replace(name, "")
        bare = re.sub(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:org|gov|com|ie|uk|au|nz|ca|es|mx)\b\S*", "", bare)
        if ZONE.match(line):
            continue
        # Words as letters of any alphabet ("anónimos" is one word, not "an"), with an apostrophe inside.
        if any(word in ENGLISH for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", bare.lower())):
            found.append(line)
    return found


class _Live:
    """What tests/e2e/pages.py needs of a server: the app, and a way into its database."""

    def __init__(self, app):
        self.app = app

    @contextmanager
    def db(self):
        with self.app.app_context():
            yield


@pytest.fixture
def spanish_demo(make_app):
    app = make_app(**BILINGUAL)
    with app.app_context():
        create_demo(DEFAULT_PASSWORD, language="es")
        db.session.commit()
        db.session.remove()
    return app


def test_the_finder_of_english_finds_it():
    """The check below can fail: an English sentence is found, a Spanish one and a service's name are not."""
    assert english_lines("<p>Your plan for hard days</p>") == ["Your plan for hard days"]
    assert english_lines('<button aria-label="Close the menu">x</button>') == ["Close the menu"]
    assert english_lines("<p>Su plan para días difíciles</p><p>Crisis Text Line: envíe HOME al 741741</p>") == []
    assert english_lines("<script>if (a) { return the }</script><p>Hola</p>") == []
    assert english_lines("<p>Alguien lo notó. Quién lo ha leído. Alcohólicos Anónimos</p>") == []
    assert english_lines("<option>Europe/Isle of Man</option><p>Don't worry</p>") == ["Don't worry"]


def test_every_page_of_the_demo_circle_reads_in_spanish_for_every_role(spanish_demo):
    app = spanish_demo
    misses: dict[str, str] = {}
    where = ["?"]
    words = i18n.babel.catalogues.loaded.get("es") or i18n.load_catalogue("es")
    i18n.babel.catalogues.loaded["es"] = _Recording(words, misses, where)
    try:
        live = _Live(app)
        ids = helpers.demo_ids(live, language="es")
        visits = pages.page_urls(live, ids)
        english, wrong_status, seen = _crawl(app, visits, where)
    finally:
        i18n.babel.catalogues.loaded["es"] = words
    assert seen > 150 and {who for who, _path, _status in visits} == set(pages.VISITORS)
    assert not wrong_status, wrong_status
    assert not misses, "marked words with no Spanish in the catalogue:\n" + "\n".join(
        f"  {message!r} (first on {page})" for message, page in sorted(misses.items(), key=str))
    assert not english, f"{len(english)} lines still in English:\n" + "\n".join(english[:80])


def _crawl(app, visits, where):
    with app.app_context():
        clients = {}
        english, wrong_status, seen = [], [], 0
        for who, path, status in visits:
            client = clients.get(who)
            if client is None:
                client = clients[who] = app.test_client()
                client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
                if who != pages.PUBLIC:
                    client.post("/login", data={"email": helpers.demo_email(who), "password": DEFAULT_PASSWORD})
            where[0] = f"{who} {pages.redact(path)}"
            response = client.get(path)
            if response.status_code != status:
                wrong_status.append(f"{where[0]}: {response.status_code}, expected {status}")
                continue
            html = response.get_data(as_text=True)
            assert '<html lang="es"' in html, where[0]
            english += [f"{where[0]}: {line}" for line in english_lines(html)]
            seen += 1
    return english, wrong_status, seen
