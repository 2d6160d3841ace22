"""What "Find help near me" shows for one country: groups, treatment, family therapy and meetings to add.

Mutual-help group finders and family therapy come from recovery/support_groups.py (one list,
shared with the loved ones' "You didn't cause it" page); treatment finders and crisis lines from
recovery/helplines.py (the only place help-line numbers live). This module adds the server's local
list (local_list.py) and the meetings a person can add as a weekly commitment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from recovery import helplines, support_groups
from recovery.accounts.models import LOVED_ONE, PERSON
from recovery.findhelp import local_list
from recovery.findhelp.local_list import LocalEntry
from recovery.helplines import CountryHelp
from recovery.support_groups import FOR_FAMILIES, FOR_PEOPLE_IN_RECOVERY, Group

FAMILY_THERAPY = "family_therapy"
# The groups that meet, by the short name people use for them (a commitment's title says it).
SHORT_NAMES = {"aa": "AA", "na": "NA", "smart": "SMART Recovery", "lifering": "LifeRing", "al_anon": "Al-Anon",
               "nar_anon": "Nar-Anon", "alateen": "Alateen", "smart_family": "SMART Family & Friends"}


@dataclass(frozen=True)
class Meeting:
    """A group that meets, which someone can add as a weekly commitment."""

    key: str
    name: str
    title: str  # the commitment's title: "Go to an AA meeting"


@dataclass(frozen=True)
class GroupItem:
    """One group as the page lists it."""

    key: str
    group: Group
    who_for: str  # "person" or "loved_one"


def country_code(asked: str | None, default: str) -> str:
    """The country to show: the one asked for in ?country= if Mend offers it, else the default."""
    code = (asked or "").strip().upper()[:8]
    code = {"UK": "GB"}.get(code, code)
    return code if helplines.is_offered(code) else helplines.normalize(default)


def groups_for(code: str, who_for: str) -> list[GroupItem]:
    """The mutual-help groups of a country for the person in recovery ("person") or for loved ones."""
    groups = support_groups.for_country(code)
    keys = FOR_PEOPLE_IN_RECOVERY if who_for == PERSON else FOR_FAMILIES
    return [GroupItem(key, groups[key], who_for) for key in keys if key in SHORT_NAMES and key in groups]


def _article(name: str) -> str:
    """ "a" or "an" before a name: an AA meeting, an NA meeting, a SMART Recovery meeting, an Al-Anon meeting."""
    first = name.split()[0] if name.split() else ""
    if re.fullmatch(r"[A-Z]{2,4}", first):  # AA, NA: read letter by letter
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[:1].lower() in "aeiou" else "a"


def meeting_title(name: str) -> str:
    """The commitment's title: "Go to an AA meeting"; a name that says what it is: "Go to the Riverside group".

    Written in the language of the person adding it (then it is theirs, like a title they typed)."""
    name = " ".join(name.split())
    if re.search(r"\b(meeting|meetings|group|groups)$", name, re.IGNORECASE):
        return _("Go to the %(name)s", name=name)[:120]
    if _article(name) == "an":
        return _("Go to an %(name)s meeting", name=name)[:120]
    return _("Go to a %(name)s meeting", name=name)[:120]


def meetings_for(code: str, role: str) -> dict[str, Meeting]:
    """Every meeting someone in this role may add as a commitment: the local list's, then the groups'."""
    found: dict[str, Meeting] = {}
    for entry in local_list.entries(role):
        if entry.meeting:
            found[entry.key] = Meeting(entry.key, entry.name, meeting_title(entry.name))
    for item in groups_for(code, role):
        short = SHORT_NAMES[item.key]
        found.setdefault(item.key, Meeting(item.key, short, meeting_title(short)))
    return found


@dataclass(frozen=True)
class FinderPage:
    """Everything the page shows for one country, in the order it shows it."""

    help: CountryHelp
    local: tuple[LocalEntry, ...]
    group_lists: list[tuple[str, list[GroupItem]]]  # (who for, groups): the reader's own first
    family_therapy: Group


def page_for(code: str, role: str | None) -> FinderPage:
    """What "Find help near me" shows for one country, to someone in this role (None: a visitor)."""
    help_ = helplines.for_country(code)
    order = (LOVED_ONE, PERSON) if role == LOVED_ONE else (PERSON, LOVED_ONE)
    return FinderPage(help=help_, local=local_list.entries(role),
                      group_lists=[(who, groups_for(help_.code, who)) for who in order],
                      family_therapy=support_groups.for_country(help_.code)[FAMILY_THERAPY])
