"""recovery/support_groups.py: every country has every group, real web addresses, and no phone numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recovery import support_groups
from recovery.helplines import COUNTRIES, ELSEWHERE, OFFERED
from recovery.support_groups import FOR_FAMILIES, FOR_PEOPLE_IN_RECOVERY, GROUPS, KEYS, Group

ROOT = Path(__file__).resolve().parents[2]


def test_every_country_mend_offers_has_every_group():
    """The same countries as helplines.py, and each has each group, so a page can ask for any of them."""
    assert set(GROUPS) == set(COUNTRIES) == set(OFFERED)
    for code, groups in GROUPS.items():
        assert set(groups) == set(KEYS), code
        for key, group in groups.items():
            assert isinstance(group, Group) and group.name and group.note, (code, key)
            assert group.note.endswith("."), (code, key)


def test_every_address_is_https_on_a_site_without_guesswork():
    """Addresses are https (or empty, with a note saying where to ask); a world-wide finder is used when unsure."""
    for code, groups in GROUPS.items():
        for key, group in groups.items():
            if group.url:
                assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}(/[\w./-]*)?", group.url), (code, key, group.url)
            else:
                assert "doctor" in group.note or "Ask" in group.note, (code, key)
    # The groups every family page names have a finder in every country.
    for code in GROUPS:
        for key in ("al_anon", "nar_anon", "smart_family", "alateen", "aa", "na", "smart"):
            assert GROUPS[code][key].url, (code, key)


def test_the_groups_the_issue_names_are_the_real_ones():
    assert GROUPS["US"]["al_anon"].url == "https://al-anon.org/al-anon-meetings/find-an-al-anon-meeting/"
    assert GROUPS["US"]["nar_anon"].url == "https://www.nar-anon.org/find-a-meeting"
    assert GROUPS["GB"]["al_anon"].site == "al-anonuk.org.uk" and GROUPS["IE"]["al_anon"].site == "al-anonuk.org.uk"
    assert GROUPS["AU"]["al_anon"].site == "al-anon.org.au" and GROUPS["NZ"]["nar_anon"].site == "nar-anon.org.nz"
    assert "CRAFT" in GROUPS["US"]["smart_family"].note
    assert GROUPS[ELSEWHERE]["al_anon"].url.startswith("https://al-anon.org/")


def test_lookups_follow_the_country_code():
    assert support_groups.for_country("gb") is GROUPS["GB"]
    assert support_groups.for_country("UK") is GROUPS["GB"]
    assert support_groups.for_country("FR") is GROUPS[ELSEWHERE] and support_groups.for_country(None) is GROUPS["ZZ"]
    assert [g.name for g in support_groups.family_support("US")] == [GROUPS["US"][k].name for k in FOR_FAMILIES]
    assert support_groups.mutual_help("AU") == [GROUPS["AU"][k] for k in FOR_PEOPLE_IN_RECOVERY]
    assert Group("x", "https://www.example.org/a/b", "n.").site == "example.org" and Group("x", "", "n.").site == ""


def test_this_file_holds_no_phone_numbers():
    """Numbers live only in recovery/helplines.py (tests/test_helplines.py): none here, in any form."""
    source = (ROOT / "recovery" / "support_groups.py").read_text(encoding="utf-8")
    assert not re.search(r"\d[\d\- ]{5,}\d", source)
    assert "tel:" not in source and "sms:" not in source
    for groups in GROUPS.values():
        for group in groups.values():
            assert not re.search(r"\d{3}", group.note + group.name), group


@pytest.mark.parametrize("word", ["addict", "alcoholic", "abuse", "clean"])
def test_the_notes_use_no_stigma_words(word):
    for groups in GROUPS.values():
        for group in groups.values():
            assert not re.search(rf"\b{word}", group.note, re.IGNORECASE), group
