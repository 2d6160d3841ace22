"""No template holds words outside a translation call: every word a person can read goes through `_()`.

The check reads each template as a browser would see its fixed parts: Jinja comments, tags and expressions
taken out (what `{{ _("…") }}` prints is the catalogue's), then the HTML's text and the attributes people read
or hear (aria-label, title, placeholder, alt, label, a description). Whatever letters are left are words no
catalogue can translate. Scripts and styles, CSS class names given to a block (`{% block body_class %}`) and
technical meta values are not words. `pybabel extract` and tests/test_i18n.py then prove every marked word has
its Spanish; tests/test_spanish_pages.py proves no page of the demo circle shows English.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
FILES = sorted(TEMPLATES.rglob("*.html"))
READ_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "title", "placeholder", "alt", "label"}
NOT_WORDS = {"Mend"}  # the product's name, the same in every language


class _FixedText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            read = name in READ_ATTRIBUTES or (tag == "meta" and name == "content"
                                               and values.get("name") == "description")
            if read and value and _words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and _words(data):
            self.found.append((self.getpos()[0], data.strip()))


def _words(text: str) -> list[str]:
    return [word for word in re.findall(r"[^\W\d_]{2,}", text) if word not in NOT_WORDS]


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))  # keeps line numbers


def fixed_words(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of fixed text a reader could meet that no translation call makes."""
    source = re.sub(r"\{#.*?#\}", _blank, source, flags=re.S)
    source = re.sub(r"\{%-?\s*block body_class\s*-?%\}.*?\{%-?\s*endblock", _blank, source, flags=re.S)
    source = re.sub(r"\{%.*?%\}", _blank, source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}", _blank, source, flags=re.S)
    reader = _FixedText()
    reader.feed(source)
    return reader.found


def test_the_check_finds_words_left_outside_a_translation_call():
    source = ('{% block body_class %}plan-page{% endblock %}\n<h1>{{ _("Hola") }}</h1>\n<p>Welcome back</p>\n'
              '<button aria-label="Close">{{ _("x") }}</button>{# a note #}<script>var a = "words";</script>\n'
              '<meta name="viewport" content="width=device-width"> <p>Mend · {{ n }} ›</p>')
    assert fixed_words(source) == [(3, "Welcome back"), (4, 'aria-label="Close"')]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(TEMPLATES)) for p in FILES])
def test_every_word_in_a_template_is_marked_for_translation(path):
    found = fixed_words(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(TEMPLATES)}:{line}: {text[:100]}" for line, text in found)
