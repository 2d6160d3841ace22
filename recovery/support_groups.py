"""Mutual-help groups and family support, per country: where to find a meeting or a therapist.

Only names, web addresses and short notes live here: phone numbers live only in
recovery/helplines.py (tests/test_support_groups.py holds both rules). The countries are the
ones helplines.py knows ("ZZ" is "somewhere else"), and every country has every group, so a
page can ask for any of them; an address may be empty where Mend knows no finder, and then the
note says where to ask instead.

The rule for this file, as for helplines.py: list only a group's own site or its official
meeting finder (or a national professional body's directory), and when unsure, give the
world-wide finder. Sites move now and then: review this file once a year.

    GROUPS["GB"]["al_anon"]          -> Group(name, url, note)
    for_country("gb")                -> {"al_anon": Group(...), ...}   (unknown codes: "ZZ")
    family_support("US")             -> [Group, ...]  the groups for loved ones, in FOR_FAMILIES order
    mutual_help("US")                -> [Group, ...]  the groups for a person in recovery (FOR_PEOPLE_IN_RECOVERY)
    local_groups()                   -> for_country() of this request's country (the user's own, else the server's)
"""

from __future__ import annotations

import re
from typing import NamedTuple

from flask_babel import gettext

from recovery.helplines import ELSEWHERE, current_country, normalize


def N_(words: str) -> str:  # noqa: N802  (the name pybabel looks for)
    """Mark words for translation where they are written; Group translates them each time they are read."""
    return words


class Group(NamedTuple):
    """A group or service: its name, the address of its meeting finder (or site), and a short note.

    Written in English (marked with N_); `name` and `note` read them in the page's language."""

    english_name: str
    url: str
    english_note: str

    @property
    def name(self) -> str:
        return gettext(self.english_name)

    @property
    def note(self) -> str:
        return gettext(self.english_note)

    @property
    def site(self) -> str:
        """The website's name, without the scheme or path: "al-anon.org"."""
        return re.sub(r"^https?://(www\.)?", "", self.url).split("/")[0] if self.url else ""


# The groups for loved ones, in the order pages list them, and those for a person in recovery.
FOR_FAMILIES = ("al_anon", "nar_anon", "smart_family", "alateen", "family_therapy")
FOR_PEOPLE_IN_RECOVERY = ("aa", "na", "smart", "lifering")
KEYS = FOR_FAMILIES + FOR_PEOPLE_IN_RECOVERY

# --- The same everywhere, or world-wide finders --------------------------------------------------

_AL_ANON_NOTE = N_("Free groups for anyone hurt by someone else's drinking. You don't need to bring anyone. "
                   "Meetings are in person, by phone and online.")
_NAR_ANON_NOTE = N_("Free groups for family and friends of someone who uses drugs. Meetings are in person and online.")
_ALATEEN_NOTE = N_("Al-Anon's groups for teenagers who have a parent or someone close who drinks too much "
                   "or uses drugs.")
_SMART_FAMILY_NOTE = N_("Free meetings that teach practical skills for family and friends, based on CRAFT. "
                        "Many meet online, so you can join from anywhere.")
_ASK_LOCALLY = N_("Ask your doctor or a local health service for a family therapist or a counsellor who works "
                  "with families affected by drinking or drug use.")
_AA_NOTE = N_("Free groups for people who want to stop drinking. Meetings are in person and online.")
_NA_NOTE = N_("Free groups for people who want to stop using drugs. Meetings are in person and online.")
_SMART_NOTE = N_("Free meetings that teach practical, science-based tools for change. Many meet online.")
# Al-Anon's note where the national site lists Alateen too (one sentence more, written out whole).
_AL_ANON_WITH_ALATEEN_NOTE = N_("Free groups for anyone hurt by someone else's drinking. You don't need to bring "
                                "anyone. Meetings are in person, by phone and online. Alateen groups are listed "
                                "there too.")

AL_ANON_WORLD = Group(N_("Al-Anon Family Groups"), "https://al-anon.org/al-anon-meetings/find-an-al-anon-meeting/",
                      _AL_ANON_NOTE)
ALATEEN_WORLD = Group(N_("Alateen"), "https://al-anon.org/al-anon-meetings/find-an-alateen-meeting/", _ALATEEN_NOTE)
NAR_ANON_WORLD = Group(N_("Nar-Anon Family Groups"), "https://www.nar-anon.org/find-a-meeting", _NAR_ANON_NOTE)
SMART_FAMILY_WORLD = Group(N_("SMART Recovery Family & Friends"), "https://smartrecovery.org/family",
                           _SMART_FAMILY_NOTE)
AA_WORLD = Group(N_("Alcoholics Anonymous"), "https://www.aa.org/find-aa", _AA_NOTE)
NA_WORLD = Group(N_("Narcotics Anonymous"), "https://www.na.org/meetingsearch/", _NA_NOTE)
SMART_WORLD = Group(N_("SMART Recovery"), "https://meetings.smartrecovery.org/meetings/", _SMART_NOTE)
LIFERING = Group(N_("LifeRing Secular Recovery"), "https://lifering.org/",
                 N_("Free, secular groups for people who want to stop drinking or using drugs. No higher power, "
                    "no steps. Most meetings are in North America, and many are online."))
FAMILY_THERAPY_ELSEWHERE = Group(N_("Family therapy"), "", _ASK_LOCALLY)

_NORTH_AMERICA = {
    "al_anon": AL_ANON_WORLD,
    "nar_anon": NAR_ANON_WORLD,
    "smart_family": SMART_FAMILY_WORLD,
    "alateen": ALATEEN_WORLD,
    "aa": AA_WORLD,
    "na": NA_WORLD,
    "smart": SMART_WORLD,
    "lifering": LIFERING,
}

# --- Per country -------------------------------------------------------------------------------------

GROUPS: dict[str, dict[str, Group]] = {
    "US": {
        **_NORTH_AMERICA,
        "family_therapy": Group(N_("Family therapy: TherapistLocator (AAMFT)"), "https://www.therapistlocator.net",
                                N_("Search for a licensed marriage and family therapist near you. "
                                   "FindTreatment.gov also lists services that offer family counselling.")),
    },
    "CA": {
        **_NORTH_AMERICA,
        "family_therapy": FAMILY_THERAPY_ELSEWHERE,
    },
    "GB": {
        "al_anon": Group(N_("Al-Anon UK and Eire"), "https://www.al-anonuk.org.uk/", _AL_ANON_WITH_ALATEEN_NOTE),
        "nar_anon": NAR_ANON_WORLD,
        "smart_family": Group(N_("UK SMART Recovery: Family & Friends"), "https://smartrecovery.org.uk/",
                              N_("UK SMART Recovery runs free Family & Friends meetings, in person and online, "
                                 "with practical skills for loved ones.")),
        "alateen": Group(N_("Alateen (Al-Anon UK and Eire)"), "https://www.al-anonuk.org.uk/", _ALATEEN_NOTE),
        "family_therapy": Group(N_("Family therapy: AFT"), "https://www.aft.org.uk/page/findatherapist",
                                N_("The Association for Family Therapy explains how to find a family therapist, "
                                   "through the NHS or privately. Your GP can also refer you.")),
        "aa": Group(N_("Alcoholics Anonymous (Great Britain)"), "https://www.alcoholics-anonymous.org.uk/", _AA_NOTE),
        "na": Group(N_("UK Narcotics Anonymous"), "https://ukna.org/", _NA_NOTE),
        "smart": Group(N_("UK SMART Recovery"), "https://smartrecovery.org.uk/", _SMART_NOTE),
        "lifering": LIFERING,
    },
    "IE": {
        "al_anon": Group(N_("Al-Anon UK and Eire"), "https://www.al-anonuk.org.uk/",
                         N_("Free groups for anyone hurt by someone else's drinking. You don't need to bring anyone. "
                            "Meetings are in person, by phone and online. It covers all of Ireland, and lists "
                            "Alateen groups too.")),
        "nar_anon": NAR_ANON_WORLD,
        "smart_family": SMART_FAMILY_WORLD,
        "alateen": Group(N_("Alateen (Al-Anon UK and Eire)"), "https://www.al-anonuk.org.uk/", _ALATEEN_NOTE),
        "family_therapy": Group(N_("Family therapy: FTAI"), "https://www.familytherapyireland.com/",
                                N_("The Family Therapy Association of Ireland lists family therapists. "
                                   "Your GP can also tell you about services near you.")),
        "aa": Group(N_("Alcoholics Anonymous Ireland"), "https://www.alcoholicsanonymous.ie/", _AA_NOTE),
        "na": NA_WORLD,
        "smart": Group(N_("SMART Recovery Ireland"), "https://smartrecovery.ie/find-a-meeting/", _SMART_NOTE),
        "lifering": LIFERING,
    },
    "AU": {
        "al_anon": Group(N_("Al-Anon Australia"), "https://www.al-anon.org.au/", _AL_ANON_WITH_ALATEEN_NOTE),
        "nar_anon": Group(N_("Nar-Anon Australia"), "https://naranon.com.au/", _NAR_ANON_NOTE),
        "smart_family": Group(N_("SMART Recovery Australia: Family & Friends"), "https://smartrecoveryaustralia.com.au/",
                              N_("SMART Recovery Australia runs free Family & Friends groups, in person and online, "
                                 "with practical skills for loved ones.")),
        "alateen": Group(N_("Alateen (Al-Anon Australia)"), "https://www.al-anon.org.au/", _ALATEEN_NOTE),
        "family_therapy": Group(N_("Family therapy: AAFT"), "https://www.aaft.asn.au/",
                                N_("The Australian Association of Family Therapy has a search for family therapists "
                                   "near you. A GP can also refer you.")),
        "aa": Group(N_("Alcoholics Anonymous Australia"), "https://aa.org.au/", _AA_NOTE),
        "na": NA_WORLD,
        "smart": Group(N_("SMART Recovery Australia"), "https://smartrecoveryaustralia.com.au/", _SMART_NOTE),
        "lifering": LIFERING,
    },
    "NZ": {
        "al_anon": Group(N_("Al-Anon New Zealand"), "https://al-anon.org.nz/", _AL_ANON_WITH_ALATEEN_NOTE),
        "nar_anon": Group(N_("Nar-Anon New Zealand"), "https://www.nar-anon.org.nz/", _NAR_ANON_NOTE),
        "smart_family": SMART_FAMILY_WORLD,
        "alateen": Group(N_("Alateen (Al-Anon New Zealand)"), "https://al-anon.org.nz/", _ALATEEN_NOTE),
        "family_therapy": Group(N_("Family therapy: AAFT"), "https://www.aaft.asn.au/",
                                N_("The Australian Association of Family Therapy's search covers New Zealand too. "
                                   "Your doctor can also tell you about services near you.")),
        "aa": AA_WORLD,
        "na": NA_WORLD,
        "smart": SMART_WORLD,
        "lifering": LIFERING,
    },
    ELSEWHERE: {
        "al_anon": Group(N_("Al-Anon Family Groups"),
                         "https://al-anon.org/al-anon-meetings/find-an-al-anon-meeting/",
                         N_("Free groups for anyone hurt by someone else's drinking. You don't need to bring anyone. "
                            "Meetings are in person, by phone and online. Its site also lists Al-Anon offices in "
                            "other countries.")),
        "nar_anon": NAR_ANON_WORLD,
        "smart_family": SMART_FAMILY_WORLD,
        "alateen": ALATEEN_WORLD,
        "family_therapy": FAMILY_THERAPY_ELSEWHERE,
        "aa": AA_WORLD,
        "na": NA_WORLD,
        "smart": SMART_WORLD,
        "lifering": LIFERING,
    },
}
# Mexico and Spain: the world-wide finders for now (each lists its groups' offices there and meetings in Spanish);
# a country's own finders go here once confirmed on the groups' own sites.
GROUPS["MX"] = GROUPS["ES"] = GROUPS[ELSEWHERE]


def for_country(code: str | None) -> dict[str, Group]:
    """Every group for one country, by key ("ZZ" and unknown codes: the world-wide finders)."""
    return GROUPS[normalize(code)]


def family_support(code: str | None) -> list[Group]:
    """The groups and help for loved ones in one country, in the order pages list them."""
    groups = for_country(code)
    return [groups[key] for key in FOR_FAMILIES]


def mutual_help(code: str | None) -> list[Group]:
    """The mutual-help groups for a person in recovery in one country."""
    groups = for_country(code)
    return [groups[key] for key in FOR_PEOPLE_IN_RECOVERY]


def local_groups() -> dict[str, Group]:
    """Every group for this request's country: the signed-in user's own, else the server's."""
    return for_country(current_country())
