"""The guides in Spanish (recovery/conversations/scripts/es/): checked at start-up like the English ones,
the same guide in other words, as easy to read, with person-first words; a guide not yet written in Spanish
is shown in English with a note.

Reading level: the English guides are held to grade 8 (Flesch-Kincaid). Spanish has its own formulas, from
syllables a word and words a sentence: Fernández-Huerta (70 and up reads "fairly easy", like grade 7) and
Szigriszt-Pazos on the INFLESZ scale (65 and up is "bastante fácil"). Both are computed here, offline.
"""

from __future__ import annotations

import tomllib

import pytest
from textstat.textstat import textstatistics

from recovery.conversations import library
from recovery.conversations.library import SCRIPTS_DIR, ScriptError, check_translation, load_all, parse
from tests.conversations.test_guide_safety import load_stigma_list, stigma_found

SPANISH_FILES = sorted((SCRIPTS_DIR / "es").glob("*.toml"))
ENGLISH = load_all()
RIGHT_NOW = SCRIPTS_DIR.parent / "right_now.toml"
RIGHT_NOW_ES = SCRIPTS_DIR.parent / "right_now.es.toml"
STIGMA_ES = SCRIPTS_DIR.parents[1] / "data" / "stigma-words.es.txt"
WORDS, ALLOWED = load_stigma_list(STIGMA_ES)


def _spanish() -> textstatistics:
    reader = textstatistics()  # its own instance: textstat's module-level language is left as it is
    reader.set_lang("es")
    return reader


def test_spanish_guides_exist():
    assert len(SPANISH_FILES) >= 4


@pytest.mark.parametrize("path", SPANISH_FILES, ids=[p.stem for p in SPANISH_FILES])
def test_every_spanish_guide_validates_and_is_its_english_guide_in_other_words(path):
    script = parse(path, "es")
    assert script.id == path.stem and script.language == "es"
    english = ENGLISH[script.id]
    check_translation(script, english)
    raw, raw_en = tomllib.loads(path.read_text()), tomllib.loads((SCRIPTS_DIR / path.name).read_text())
    for field in ("when_to_use", "when_not", "prepare", "if_it_goes_badly", "after_care", "try", "avoid"):
        assert len(raw[field]) == len(raw_en[field]), (path.name, field)
    assert script.title != english.title and script.purpose != english.purpose  # really translated


@pytest.mark.parametrize("path", SPANISH_FILES, ids=[p.stem for p in SPANISH_FILES])
def test_every_spanish_guide_reads_fairly_easily(path):
    text = parse(path, "es").all_text()
    reader = _spanish()
    assert reader.fernandez_huerta(text) >= 70, f"{path.name}: Fernández-Huerta {reader.fernandez_huerta(text)}"
    assert reader.szigriszt_pazos(text) >= 65, f"{path.name}: INFLESZ {reader.szigriszt_pazos(text)}"


def test_the_spanish_reading_check_can_fail():
    dense = ("La implementación de mecanismos institucionales interdisciplinarios fundamentados en evidencias "
             "epistemológicas contemporáneas constituye, indudablemente, una responsabilidad ineludible.")
    reader = _spanish()
    assert reader.fernandez_huerta(dense) < 70 and reader.szigriszt_pazos(dense) < 65
    plain = "Hoy quiero hablar contigo. No tienes que responder ahora. Te escucho."
    assert reader.fernandez_huerta(plain) >= 70


@pytest.mark.parametrize("path", SPANISH_FILES, ids=[p.stem for p in SPANISH_FILES])
def test_no_spanish_guide_uses_a_stigma_word(path):
    assert stigma_found(parse(path, "es").all_text(), WORDS, ALLOWED) == [], path.name


def test_the_spanish_stigma_check_can_fail():
    assert stigma_found("Mi hermano es un Adicto.", WORDS, ALLOWED) == ["adicto"]
    assert "prueba limpia" in stigma_found("Tuvo una prueba  limpia.", WORDS, ALLOWED)
    assert stigma_found("Alcohólicos Anónimos se reúne el viernes. Evite las bebidas alcohólicas.", WORDS,
                        ALLOWED) == []
    assert stigma_found("Una persona en recuperación con una adicción.", WORDS, ALLOWED) == []


def test_the_spanish_words_for_a_hard_moment_match_the_english_cards():
    english = tomllib.loads(RIGHT_NOW.read_text())
    spanish = tomllib.loads(RIGHT_NOW_ES.read_text())
    assert {role: {k: len(v) for k, v in cards.items()} for role, cards in spanish.items()} == \
        {role: {k: len(v) for k, v in cards.items()} for role, cards in english.items()}
    text = "\n".join(line for cards in spanish.values() for lines in cards.values() for line in lines)
    assert stigma_found(text, WORDS, ALLOWED) == []
    assert _spanish().fernandez_huerta(text) >= 70


def test_the_catalogues_spanish_uses_no_stigma_word():
    """Every Spanish word on Mend's pages (the catalogue) keeps the same list."""
    from babel.messages.pofile import read_po

    from recovery import i18n

    with i18n.catalogue_path("es").open("rb") as po:
        found = {}
        for message in read_po(po):
            for text in ([message.string] if isinstance(message.string, str) else message.string):
                words = stigma_found(text or "", WORDS, ALLOWED)
                if words:
                    found[str(message.id)] = words
    assert not found, found


def test_a_spanish_guide_that_drifts_from_the_english_one_stops_start_up(tmp_path, monkeypatch):
    """Other step keys would lose a plan's answers between languages: refused, naming the file."""
    english_dir = tmp_path
    (english_dir / "es").mkdir()
    source = SPANISH_FILES[0]
    (english_dir / source.name).write_text((SCRIPTS_DIR / source.name).read_text())
    first_key = parse(source, "es").steps[0].key
    (english_dir / "es" / source.name).write_text(
        source.read_text().replace(f'key = "{first_key}"', 'key = "otra_clave"', 1))
    monkeypatch.setattr(library, "SCRIPTS_DIR", english_dir)
    library.forget()
    try:
        with pytest.raises(ScriptError, match=f"es/{source.name}"):
            library.library("es")
    finally:
        library.forget()


def test_a_guide_not_yet_in_spanish_is_offered_in_english(tmp_path, monkeypatch):
    (tmp_path / "es").mkdir()
    source = SPANISH_FILES[0]
    other = next(p for p in sorted(SCRIPTS_DIR.glob("*.toml")) if p.name != source.name)
    for path in (source, other):
        (tmp_path / path.name).write_text((SCRIPTS_DIR / path.name).read_text())
    (tmp_path / "es" / source.name).write_text(source.read_text())
    monkeypatch.setattr(library, "SCRIPTS_DIR", tmp_path)
    library.forget()
    try:
        guides = library.library("es")
        assert guides[source.stem].language == "es" and guides[other.stem].language == "en"
        assert library.library("en")[source.stem].language == "en"
    finally:
        library.forget()


def test_a_spanish_reader_gets_the_spanish_guide_or_the_english_one_with_a_note(make_app, tmp_path, monkeypatch):
    """Pages: the guide in Spanish where it is written; one not yet written is English, said so, marked lang="en"
    for screen readers; the "words for a hard moment" cards come in Spanish."""
    from recovery.db import db
    from tests import factories

    source = SPANISH_FILES[0]
    spanish = parse(source, "es")
    other = next(s for s in ENGLISH.values() if s.id != spanish.id and s.role == spanish.role)
    (tmp_path / "es").mkdir()
    for name in (source.name, f"{other.id}.toml"):
        (tmp_path / name).write_text((SCRIPTS_DIR / name).read_text())
    (tmp_path / "es" / source.name).write_text(source.read_text())
    monkeypatch.setattr(library, "SCRIPTS_DIR", tmp_path)
    library.forget()
    try:
        app = make_app(LANGUAGES=("en", "es"), PREVIEW_LANGUAGES=True)
        with app.app_context():
            ana = factories.make_user(spanish.role, name="Ana", email="ana@example.org")
            ana.language = "es"
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"email": "ana@example.org", "password": factories.PASSWORD})
            page = client.get(f"/talk/scripts/{spanish.id}").get_data(as_text=True)
            assert f"<h1>{spanish.title}</h1>" in page and "se muestra en inglés" not in page
            page = client.get(f"/talk/scripts/{other.id}").get_data(as_text=True)
            assert f'<h1 lang="en">{other.title}</h1>' in page and "se muestra en inglés" in page
            listing = client.get("/talk/").get_data(as_text=True)
            assert spanish.title in listing and "(en inglés por ahora)" in listing
            cards = tomllib.loads(RIGHT_NOW_ES.read_text())[spanish.role]
            now = client.get("/talk/now").get_data(as_text=True)
            first = next(iter(cards.values()))[0]
            assert first.replace("'", "&#39;") in now or first in now
    finally:
        library.forget()
