"""Safety of the words Mend shows: guides, "words for a hard moment" and templates.

Pins issue 13: no stigma words (the shipped list), no US-only numbers outside the help-lines data,
no "PIVA", no CRAFT in guides for the person in recovery, every "if it goes badly" points to safety,
"let natural consequences happen" only ever comes with its safety limits, a loved one may say "no",
young readers get their own line, and the two safety guides for loved ones exist.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from recovery.conversations.library import SCRIPTS_DIR, Script, ScriptError, load_all, parse

ROOT = Path(__file__).resolve().parents[2]
RECOVERY = ROOT / "recovery"
TEMPLATES = ROOT / "templates"
RIGHT_NOW = RECOVERY / "conversations" / "right_now.toml"
STIGMA_FILE = RECOVERY / "data" / "stigma-words.txt"
HELPLINES_FILE = RECOVERY / "helplines.py"

SCRIPTS = load_all()
SCRIPT_IDS = sorted(SCRIPTS)
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))


def _template_text(path: Path) -> str:
    """What a template can show: its text without Jinja comments, which never reach a page."""
    return re.sub(r"\{#.*?#\}", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)


def _right_now_text() -> str:
    cards = tomllib.loads(RIGHT_NOW.read_text(encoding="utf-8"))
    return "\n".join(line for role in cards.values() for lines in role.values() for line in lines)


# ---------------------------------------------------------------- stigma words

def load_stigma_list(path: Path = STIGMA_FILE) -> tuple[list[str], list[str]]:
    """Return (words and phrases, allowed proper names) from the shipped list."""
    words, allowed = [], []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower().startswith("allow:"):
            allowed.append(line.split(":", 1)[1].strip())
        else:
            words.append(line)
    return words, allowed


def stigma_found(text: str, words: list[str], allowed: list[str]) -> list[str]:
    """The listed words or phrases in text: whole words, any case, any run of spaces inside a phrase."""
    for name in allowed:
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    found = []
    for word in words:
        pattern = r"(?<![\w-])" + r"\s+".join(re.escape(part) for part in word.split()) + r"(?![\w-])"
        if re.search(pattern, text, flags=re.IGNORECASE):
            found.append(word)
    return found


STIGMA_WORDS, STIGMA_ALLOWED = load_stigma_list()


def test_the_stigma_list_is_shipped_and_explained():
    """The list has a comment header and holds the words the issue names."""
    text = STIGMA_FILE.read_text(encoding="utf-8")
    assert text.startswith("#")
    lowered = {w.lower() for w in STIGMA_WORDS}
    for must in ("addict", "alcoholic", "junkie", "abuser", "drunk or high", "clean test", "dirty", "relapser"):
        assert must in lowered, must


def test_the_stigma_check_can_fail():
    """The matcher finds whole words in any case, and leaves other words and allowed names alone."""
    assert stigma_found("He is an Addict.", STIGMA_WORDS, STIGMA_ALLOWED) == ["addict"]
    assert "drunk or high" in stigma_found("when they are drunk  or\nhigh", STIGMA_WORDS, STIGMA_ALLOWED)
    assert "clean test" in stigma_found("She had a clean test.", STIGMA_WORDS, STIGMA_ALLOWED)
    assert stigma_found("A clean kitchen. Addiction care. A higher step.", STIGMA_WORDS, STIGMA_ALLOWED) == []
    assert stigma_found("Alcoholics Anonymous meets on Friday.", STIGMA_WORDS, STIGMA_ALLOWED) == []


@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_no_guide_uses_a_stigma_word(script_id):
    """No guide uses a word or phrase from the shipped list."""
    found = stigma_found(SCRIPTS[script_id].all_text(), STIGMA_WORDS, STIGMA_ALLOWED)
    assert not found, f"{script_id} uses {found}"


def test_words_for_a_hard_moment_use_no_stigma_word():
    """The right-now cards use no word from the list."""
    found = stigma_found(_right_now_text(), STIGMA_WORDS, STIGMA_ALLOWED)
    assert not found, f"right_now.toml uses {found}"


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=[str(p.relative_to(TEMPLATES)) for p in TEMPLATE_FILES])
def test_no_template_uses_a_stigma_word(path):
    """No template uses a word or phrase from the list."""
    found = stigma_found(_template_text(path), STIGMA_WORDS, STIGMA_ALLOWED)
    assert not found, f"templates/{path.relative_to(TEMPLATES)} uses {found}"


# ---------------------------------------------------------------- US-only numbers

US_NUMBERS = re.compile(
    r"(?<![\w#.\-])(?:988|911)(?![\w\-]|\.\d)"                     # 988 Lifeline, 911
    r"|988lifeline"
    r"|(?<!\d)741[\s.\-]?741(?!\d)"                                   # Crisis Text Line
    r"|(?<!\d)88788(?!\d)"                                            # DV Hotline text line
    r"|(?<!\d)799[\s.\-]?7233(?!\d)|(?<!\d)799[\s.\-]?SAFE\b"         # DV Hotline
    r"|(?<!\d)662[\s.\-]?(?:4357|HELP\b)|(?<!\d)487[\s.\-]?4889(?!\d)"  # SAMHSA, its TTY
    r"|(?<![\d\-])1?[\s.\-]?\(?8(?:00|88|77|66|55|44|33)\)?[\s.\-]\d{3}[\s.\-]?\d{4}(?!\d)"  # 1-800 style
    r"|(?<!\d)\+?1[\s.\-]?8(?:00|88|77|66|55|44|33)[\s.\-]?\d{3}[\s.\-]?\d{4}(?!\d)",
    re.IGNORECASE,
)


def us_numbers(text: str) -> list[str]:
    """US-only phone numbers and short codes named in text."""
    return [m.group(0).strip() for m in US_NUMBERS.finditer(text)]


def test_the_us_number_check_can_fail():
    """The pattern finds the US lines, and not other countries' numbers or ordinary figures."""
    for text in ("call or text 988", "Call 911.", "text HOME to 741741", "1-800-662-4357", "800-799-7233",
                 "text START to 88788", "tel:+18006624357", "(800) 662 4357", "see 988lifeline.org"):
        assert us_numbers(text), text
    for text in ("Call 13 11 14", "1800RESPECT 1800 737 732", "0808 2000 247", "116 123", "color: #911",
                 "64 in 100 families", "width: 988px", "in 1988", "0300 123 6600"):
        assert not us_numbers(text), text


def test_template_comments_are_not_shown_text(tmp_path):
    """Only Jinja comments are skipped: the same number in a template's text is still caught."""
    page = tmp_path / "page.html"
    page.write_text("{# e.g. \"Call 988\" #}<p>Call {{ number }}.</p>", encoding="utf-8")
    assert not us_numbers(_template_text(page))
    page.write_text("{# a note #}<p>Call 988.</p>", encoding="utf-8")
    assert us_numbers(_template_text(page)) == ["988"]


def test_the_help_lines_data_still_has_the_us_lines():
    """The one place US numbers belong still holds them, so the check above looks for real numbers."""
    assert us_numbers(HELPLINES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_no_guide_names_a_us_number(script_id):
    """Guides name "your local crisis line" or "emergency services"; the page shows the right numbers."""
    found = us_numbers(SCRIPTS[script_id].all_text())
    assert not found, f"{script_id} names {found}"


def test_words_for_a_hard_moment_name_no_us_number():
    """The right-now cards name no US number."""
    assert not us_numbers(_right_now_text())


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=[str(p.relative_to(TEMPLATES)) for p in TEMPLATE_FILES])
def test_no_template_names_a_us_number(path):
    """Templates take numbers from the help-lines data, never from their own text."""
    found = us_numbers(_template_text(path))
    assert not found, f"templates/{path.relative_to(TEMPLATES)} names {found}"


# ---------------------------------------------------------------- sources

def _text_files_for_piva() -> list[Path]:
    files = [ROOT / "README.md", *TEMPLATE_FILES]
    for pattern in ("*.py", "*.toml", "*.txt", "*.md", "*.html", "*.json", "*.cfg", "*.ini"):
        files += RECOVERY.rglob(pattern)
    return sorted(set(f for f in files if f.is_file()))


def test_no_piva_anywhere():
    """No source confirms a "PIVA": SMART Recovery Family & Friends teaches PIUS."""
    found = [str(f.relative_to(ROOT)) for f in _text_files_for_piva()
             if re.search(r"\bPIVA\b", f.read_text(encoding="utf-8", errors="replace"), re.IGNORECASE)]
    assert not found, f"PIVA in {found}"


def test_guides_that_name_smart_family_and_friends_skills_call_them_pius():
    """Where a guide spells out the SMART Family & Friends skills, it calls them PIUS."""
    naming = [s for s in SCRIPTS.values() if "PIUS" in s.all_text()]
    assert naming, "no guide names PIUS"
    for script in naming:
        assert "Family & Friends" in script.all_text(), script.id


@pytest.mark.parametrize("script_id", [i for i in SCRIPT_IDS if SCRIPTS[i].role == "person"])
def test_no_person_guide_mentions_craft(script_id):
    """CRAFT is a method for family members; guides for the person in recovery don't claim it."""
    text = SCRIPTS[script_id].all_text()
    assert not re.search(r"\bCRAFT\b|Community Reinforcement", text, re.IGNORECASE), script_id


def test_craft_figures_say_what_al_anon_is_for():
    """Where CRAFT's trial figures are set beside Al-Anon, the guide says Al-Anon aims at the member's own wellbeing."""
    compared = [s for s in SCRIPTS.values() if re.search(r"\b64\b", s.all_text()) and "Al-Anon" in s.all_text()]
    assert compared, "no guide gives CRAFT's figures"
    for script in compared:
        sentence = next(line for line in script.all_text().splitlines() if "64" in line)
        assert re.search(r"Al-Anon[^.]*\b(own wellbeing|own well-being|your own life|for you)\b", sentence), script.id


# ---------------------------------------------------------------- safety in every guide

SAFETY_POINTERS = ("emergency", "crisis line", "unsafe", "not safe", "danger")


@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_every_if_it_goes_badly_points_to_safety(script_id):
    """Each guide's "if it goes badly" has a line that points to safety in plain words."""
    lines = SCRIPTS[script_id].if_it_goes_badly
    assert any(word in line.lower() for line in lines for word in SAFETY_POINTERS), script_id


def test_a_guide_whose_if_it_goes_badly_skips_safety_does_not_load(tmp_path):
    """The schema itself refuses a guide with no safety line, so a counsellor's new file can't ship without one."""
    text = (SCRIPTS_DIR / "making-an-amends.toml").read_text(encoding="utf-8")
    start = text.index("if_it_goes_badly = [")
    end = text.index("]", start) + 1
    path = tmp_path / "making-an-amends.toml"
    path.write_text(text[:start] + 'if_it_goes_badly = ["Take a break and try again another day."]' + text[end:],
                    encoding="utf-8")
    with pytest.raises(ScriptError, match="if_it_goes_badly"):
        parse(path)


CONSEQUENCES = re.compile(r"natural consequences?|cover(?:ing)? for (?:them|him|her)|don'?t rescue|"
                          r"stop rescuing|bail (?:them|him|her) out|fix the problems", re.IGNORECASE)
# The risks with which consequences are never left to happen, as PRODUCT.md's "Safety" lists them.
RISKS = (r"danger", r"overdose", r"violen", r"driv", r"child|kids")


def _sections(script: Script) -> list[str]:
    """A guide split into its sections: each list line, each step, each phrase with its why."""
    parts = [script.purpose, script.framework, *script.when_to_use, *script.when_not, *script.prepare,
             *script.if_it_goes_badly, *script.after_care]
    parts += [" ".join((s.title, s.guide, s.prompt, s.example)) for s in script.steps]
    parts += [f"{p.phrase} {p.why}" for p in (*script.try_, *script.avoid)]
    return [p for p in parts if p]


def unsafe_consequence_sections(sections: list[str]) -> list[str]:
    """Sections that advise letting consequences happen without saying: only when no one is in danger."""
    return [s for s in sections if CONSEQUENCES.search(s)
            and not all(re.search(risk, s, re.IGNORECASE) for risk in RISKS)]


def test_the_consequences_check_can_fail():
    """Advice to let consequences happen, alone, is caught; with its safety limits, it passes."""
    assert unsafe_consequence_sections(["Let natural consequences happen. Don't cover for them."])
    assert not unsafe_consequence_sections([
        "Let natural consequences happen, but only when no one is in danger: never with a risk of an overdose, "
        "violence, driving after drinking or using, or children left unsafe."])


@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_natural_consequences_only_when_no_one_is_in_danger(script_id):
    """Each section that says to let consequences happen also says: never with overdose, violence, driving, kids."""
    bad = unsafe_consequence_sections(_sections(SCRIPTS[script_id]))
    assert not bad, f"{script_id}: {bad}"


def test_encouraging_treatment_keeps_its_consequences_advice_safe():
    """The CRAFT guide still speaks of natural consequences, and only with the safety limits."""
    sections = _sections(SCRIPTS["encouraging-treatment"])
    assert any(CONSEQUENCES.search(s) for s in sections)
    assert not unsafe_consequence_sections(sections)


def test_words_for_a_hard_moment_keep_consequences_safe():
    """The right-now cards never say to let consequences happen without the safety limits."""
    assert not unsafe_consequence_sections(_right_now_text().splitlines())


# ---------------------------------------------------------------- a loved one may say no

def test_the_not_yet_guide_also_covers_no_and_owes_nothing():
    """Saying "not yet" covers "no", and never implies contact is owed later."""
    script = SCRIPTS["saying-not-ready-yet"]
    text = script.all_text()
    assert not re.search(r"(isn't|is not|not) a no forever", text, re.IGNORECASE)
    assert re.search(r"\bno\b", script.title, re.IGNORECASE) and "not yet" in script.title.lower()
    assert "please don't contact me" in text.lower()
    assert script.role == "loved_one"


@pytest.mark.parametrize("script_id", ["ending-or-pausing-contact", "hearing-about-a-relapse"])
def test_the_new_loved_one_guides_exist_and_validate(script_id):
    """The two safety guides for loved ones ship, for loved ones, and pass the schema."""
    path = SCRIPTS_DIR / f"{script_id}.toml"
    assert path.exists()
    script = parse(path)
    assert script.id == script_id and script.role == "loved_one"


def test_ending_or_pausing_contact_covers_safety():
    """Stepping back: in writing or with someone there, safety plan, violence help, no explanation owed, My circle."""
    text = SCRIPTS["ending-or-pausing-contact"].all_text().lower()
    for must in ("in writing", "someone", "safety plan", "domestic violence", "explanation", "my circle", "pause"):
        assert must in text, must


def test_hearing_about_a_relapse_covers_overdose_and_support():
    """Relapse: tolerance drops, signs of an overdose, emergency services, naloxone, and the loved one's own support."""
    text = SCRIPTS["hearing-about-a-relapse"].all_text()
    for must in ("tolerance", "overdose", "emergency services", "naloxone", "Al-Anon", "Nar-Anon",
                 "SMART Recovery Family & Friends", "counsellor"):
        assert must.lower() in text.lower(), must


@pytest.mark.parametrize("script_id", [i for i in SCRIPT_IDS if SCRIPTS[i].role == "loved_one"])
def test_every_loved_one_guide_has_a_line_for_young_people(script_id):
    """A child or teen reading a loved-one guide is told: not your fault, Alateen, a trusted adult."""
    lines = [line.lower() for line in SCRIPTS[script_id].all_text().splitlines()]
    assert any("not your fault" in line and "alateen" in line and "trusted adult" in line for line in lines), script_id


# ---------------------------------------------------------------- one word per thing

@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_guides_say_setback_not_slip(script_id):
    """The product's word is "setback"; guides don't call a use, or a missed commitment, a "slip"."""
    assert not re.search(r"\bslip(s|ped|ping)?\b", SCRIPTS[script_id].all_text(), re.IGNORECASE), script_id


@pytest.mark.parametrize("script_id", SCRIPT_IDS)
def test_guides_say_guide_not_script(script_id):
    """In the app a guide is a "guide" and a filled-in one a "plan": never a "script"."""
    assert not re.search(r"\bscripts?\b", SCRIPTS[script_id].all_text(), re.IGNORECASE), script_id
