"""Help lines, emergency numbers and where to find treatment, per country.

This module is the only place in Mend where phone numbers live: templates and guides name
"your local crisis line" and show what `for_country()` returns. Each person sees the lines of
their own country (chosen at registration, changed in settings); logged-out pages use the
server's HELP_COUNTRY. "ZZ" means "somewhere else": the world-wide finder and plain advice.

The rule for this file: list only numbers confirmed on the service's own site or a government
page, and when unsure, give the website or the world-wide finder instead. Where a country has no
single national line (family violence in Canada), the entry says so and points to the official
finder. Numbers change now and then: review this file once a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from flask import current_app
from flask_login import current_user

ELSEWHERE = "ZZ"  # ISO 3166 leaves ZZ unassigned ("unknown"); here: a country Mend has no lines for


@dataclass(frozen=True)
class Contact:
    """One way to reach a line: a call or a text (with the keyword to send, if it needs one)."""

    kind: str  # "call" or "text"
    number: str  # as people write it: "1-800-662-4357", "116 123"
    keyword: str = ""

    @property
    def href(self) -> str:
        """The tel: or sms: link; an sms: link prefills the keyword.

        `sms:NUMBER?&body=WORD` is the form both iOS (which reads `&body=`) and Android
        (which reads `?body=`) understand.
        """
        digits = re.sub(r"[^0-9+]", "", self.number)
        if self.kind == "call":
            return f"tel:{digits}"
        return f"sms:{digits}?&body={self.keyword}" if self.keyword else f"sms:{digits}"

    @property
    def label(self) -> str:
        """What the link says: "Call 116 123", "Text HOME to 741741"."""
        if self.kind == "call":
            return f"Call {self.number}"
        return f"Text {self.keyword} to {self.number}" if self.keyword else f"Text {self.number}"


def call(number: str) -> Contact:
    return Contact("call", number)


def text(number: str, keyword: str = "") -> Contact:
    return Contact("text", number, keyword)


@dataclass(frozen=True)
class Line:
    """A service people can reach: its name, how to reach it, its website and a short note."""

    name: str
    contacts: tuple[Contact, ...] = ()
    url: str = ""
    note: str = ""

    @property
    def how(self) -> str:
        """All the ways to reach it, in words: "Call 988 or text 988"."""
        labels = [c.label for c in self.contacts]
        labels[1:] = [label[0].lower() + label[1:] for label in labels[1:]]
        return " or ".join(labels) if labels else self.site

    @property
    def href(self) -> str | None:
        """The first way to reach it, as a link."""
        return self.contacts[0].href if self.contacts else (self.url or None)

    @property
    def site(self) -> str:
        """The website's name, without the scheme or path: "samhsa.gov"."""
        return re.sub(r"^https?://(www\.)?", "", self.url).split("/")[0]


@dataclass(frozen=True)
class CountryHelp:
    """Everything Mend shows about getting help in one country."""

    code: str
    name: str  # in a sentence: "the United States"
    label: str  # in a list: "United States"
    emergency: tuple[str, ...]  # emergency numbers, the usual one first
    crisis: tuple[Line, ...]  # shown on every page: crisis, suicide and drug help lines
    violence: tuple[Line, ...]  # domestic and family violence
    naloxone: str  # where to get naloxone, in plain words
    treatment: tuple[Line, ...]  # finding treatment
    young: tuple[Line, ...] = ()  # lines for children and teenagers
    violence_note: str = ""
    treatment_note: str = ""

    @property
    def emergency_number(self) -> str | None:
        """The usual emergency number, or None where Mend doesn't know it."""
        return self.emergency[0] if self.emergency else None

    @property
    def emergency_words(self) -> str:
        """The emergency number(s) in a sentence: "911", "112 or 999", "your local emergency number"."""
        return " or ".join(self.emergency) if self.emergency else "your local emergency number"


FINDER = Line("Find a helpline", url="https://findahelpline.com",
              note="Free, private help lines in more than 130 countries, by topic.")
ALATEEN = Line("Alateen", url="https://al-anon.org/newcomers/teen-corner-alateen/",
               note="Groups for teenagers who have a parent or someone close who drinks too much. "
                    "Meetings are free, in person and online.")

SAMHSA = Line("SAMHSA National Helpline", (call("1-800-662-4357"),), "https://www.samhsa.gov/find-help/helplines/national-helpline",
              "Free and private help to find treatment and support, 24/7, in English and Spanish. "
              "TTY 1-800-487-4889.")
LINE_988_US = Line("988 Suicide & Crisis Lifeline", (call("988"), text("988")), "https://988lifeline.org",
                   "Free, 24/7, for any kind of crisis, including drugs and alcohol. You can chat online too. "
                   "Press 2 for Spanish.")
FRANK = Line("FRANK", (call("0300 123 6600"), text("82111")), "https://www.talktofrank.com",
             "Free, private advice about drugs, 24/7.")
HSE_DRUGS = Line("HSE Drugs and Alcohol Helpline", (call("1800 459 459"),), "https://www.drugs.ie",
                 "Free and private. Help to find a service near you, on weekdays.")
AU_AOD = Line("National Alcohol and Other Drug Hotline", (call("1800 250 015"),), "",
              "Free and private, 24/7. It puts you through to the service in your state or territory.")
NZ_ADH = Line("Alcohol Drug Helpline", (call("0800 787 797"), text("8681")), "https://alcoholdrughelp.org.nz",
              "Free and private, 24/7.")

COUNTRIES: dict[str, CountryHelp] = {
    "US": CountryHelp(
        code="US", name="the United States", label="United States",
        emergency=("911",),
        crisis=(
            LINE_988_US,
            SAMHSA,
            Line("Crisis Text Line", (text("741741", "HOME"),), "https://www.crisistextline.org", "Free, 24/7."),
        ),
        violence=(
            Line("National Domestic Violence Hotline", (call("1-800-799-7233"), text("88788", "START")),
                 "https://www.thehotline.org", "Free, private, 24/7. You can chat online too. TTY 1-800-787-3224."),
        ),
        naloxone="You can buy naloxone nasal spray (such as Narcan) at most pharmacies, with no prescription. "
                 "Many health departments and harm reduction programs give it out for free.",
        treatment=(
            Line("FindTreatment.gov", url="https://findtreatment.gov",
                 note="A free, private government search for treatment near you. You can filter by cost, "
                      "insurance and the kind of care."),
            SAMHSA,
        ),
        young=(
            LINE_988_US,
            Line("Childhelp National Child Abuse Hotline", (call("1-800-422-4453"),), "https://www.childhelp.org",
                 "For children and teens who are hurt or afraid at home, and for adults worried about a child. 24/7."),
        ),
    ),
    "CA": CountryHelp(
        code="CA", name="Canada", label="Canada",
        emergency=("911",),
        crisis=(
            Line("9-8-8 Suicide Crisis Helpline", (call("988"), text("988")), "https://988.ca",
                 "Free, 24/7, in English and French."),
        ),
        violence=(
            Line("ShelterSafe", url="https://sheltersafe.ca",
                 note="A map of women's shelters across Canada. Each one has a 24-hour crisis line, "
                      "and you don't have to stay at a shelter to get their help."),
        ),
        violence_note="Canada has no single national line for family violence. Each province and territory "
                      "has its own crisis lines, and ShelterSafe lists them by place.",
        naloxone="You don't need a prescription for naloxone in Canada. In most provinces and territories, "
                 "many pharmacies and health services give out free kits. Ask a pharmacist.",
        treatment=(
            Line("Get help with substance use (Government of Canada)",
                 url="https://www.canada.ca/en/health-canada/services/substance-use/get-help/"
                     "get-help-problematic-substance-use.html",
                 note="Free help lines and services in each province and territory."),
        ),
        young=(
            Line("Kids Help Phone", (call("1-800-668-6868"), text("686868", "CONNECT")), "https://kidshelpphone.ca",
                 "Free, private, 24/7, for young people, in English and French."),
        ),
    ),
    "GB": CountryHelp(
        code="GB", name="the United Kingdom", label="United Kingdom",
        emergency=("999",),
        crisis=(
            Line("Samaritans", (call("116 123"),), "https://www.samaritans.org", "Free, 24/7, about anything."),
            Line("Shout", (text("85258", "SHOUT"),), "https://giveusashout.org", "Free crisis text line, 24/7."),
            FRANK,
        ),
        violence=(
            Line("National Domestic Abuse Helpline (England)", (call("0808 2000 247"),),
                 "https://www.nationaldahelpline.org.uk", "Free, private, 24/7."),
            Line("Domestic Abuse and Forced Marriage Helpline (Scotland)", (call("0800 027 1234"),),
                 "https://sdafmh.org.uk", "Free, 24/7."),
            Line("Live Fear Free (Wales)", (call("0808 80 10 800"),), "https://www.gov.wales/live-fear-free",
                 "Free, 24/7."),
            Line("Domestic and Sexual Abuse Helpline (Northern Ireland)", (call("0808 802 1414"),),
                 "https://dsahelpline.org", "Free, 24/7."),
            Line("Men's Advice Line", (call("0808 801 0327"),), "https://mensadviceline.org.uk",
                 "For men who are being abused."),
        ),
        naloxone="Drug and alcohol services give out free naloxone kits, with no prescription, and show you how "
                 "to use them. Some pharmacies do too.",
        treatment=(
            Line("FRANK: find support near you", url="https://www.talktofrank.com/get-help/find-support-near-you",
                 note="Search for drug and alcohol services near you. Many take you without a doctor's letter."),
            FRANK,
        ),
        treatment_note="You can also ask your GP. NHS treatment for drug and alcohol problems is free.",
        young=(
            Line("Childline", (call("0800 1111"),), "https://www.childline.org.uk",
                 "Free and private, for anyone under 19, about anything."),
        ),
    ),
    "IE": CountryHelp(
        code="IE", name="Ireland", label="Ireland",
        emergency=("112", "999"),
        crisis=(
            Line("Samaritans", (call("116 123"),), "https://www.samaritans.org", "Free, 24/7, about anything."),
            Line("50808", (text("50808", "HELLO"),), "https://text50808.ie", "Free crisis text line, 24/7."),
            HSE_DRUGS,
        ),
        violence=(
            Line("Women's Aid", (call("1800 341 900"),), "https://www.womensaid.ie", "Free, 24/7."),
            Line("Men's Aid Ireland", url="https://www.mensaid.ie", note="Support for men who are being abused."),
        ),
        naloxone="In Ireland naloxone needs a prescription, so ask your GP. HSE drug services and some other "
                 "services also give it out, with training in how to use it.",
        treatment=(
            Line("drugs.ie: find a service", url="https://www.drugs.ie",
                 note="The HSE's site on drugs and alcohol, with a list of services near you."),
            HSE_DRUGS,
        ),
        young=(
            Line("Childline", (call("1800 66 66 66"),), "https://www.childline.ie",
                 "Free and private, for anyone under 18, 24/7."),
        ),
    ),
    "AU": CountryHelp(
        code="AU", name="Australia", label="Australia",
        emergency=("000",),
        crisis=(
            Line("Lifeline", (call("13 11 14"), text("0477 13 11 14")), "https://www.lifeline.org.au",
                 "Free crisis support, 24/7."),
            AU_AOD,
        ),
        violence=(
            Line("1800RESPECT", (call("1800 737 732"),), "https://www.1800respect.org.au",
                 "Free, private, 24/7, for anyone affected by family, domestic or sexual violence."),
        ),
        naloxone="Naloxone is free, with no prescription, through the Take Home Naloxone program at many "
                 "pharmacies and health services.",
        treatment=(AU_AOD,),
        young=(
            Line("Kids Helpline", (call("1800 55 1800"),), "https://kidshelpline.com.au",
                 "Free and private, 24/7, for young people aged 5 to 25."),
        ),
    ),
    "NZ": CountryHelp(
        code="NZ", name="New Zealand", label="New Zealand",
        emergency=("111",),
        crisis=(
            Line("1737, Need to talk?", (call("1737"), text("1737")), "https://1737.org.nz",
                 "Free, 24/7. A trained counsellor answers."),
            NZ_ADH,
        ),
        violence=(
            Line("Women's Refuge", (call("0800 733 843"),), "https://womensrefuge.org.nz", "Free crisis line, 24/7."),
            Line("Shine", (call("0508 744 633"),), "https://www.2shine.org.nz",
                 "Free help line about family violence, for anyone."),
        ),
        naloxone="Needle exchange services can give you naloxone and show you how to use it. "
                 "You can also ask a doctor or pharmacist.",
        treatment=(NZ_ADH,),
        young=(
            Line("Youthline", (call("0800 376 633"), text("234")), "https://www.youthline.co.nz",
                 "Free and private, 24/7, for young people."),
        ),
    ),
    ELSEWHERE: CountryHelp(
        code=ELSEWHERE, name="your country", label="Somewhere else",
        emergency=(),
        crisis=(),
        violence=(Line("Find a helpline: abuse and domestic violence", url="https://findahelpline.com",
                       note="Choose your country and the topic “abuse and domestic violence”."),),
        naloxone="Ask a pharmacist, a doctor or a local drug service whether you can get naloxone where you live.",
        treatment=(FINDER,),
        treatment_note="A doctor or a local health service can also tell you where to find treatment.",
    ),
}

OFFERED = ("AU", "CA", "IE", "NZ", "GB", "US", ELSEWHERE)  # in the order the form lists them
COUNTRY_CHOICES: list[tuple[str, str]] = [(code, COUNTRIES[code].label) for code in OFFERED]


def normalize(code: str | None) -> str:
    """Return the code Mend uses for a country: known codes as they are, anything else as "ZZ"."""
    code = (code or "").strip().upper()
    code = {"UK": "GB"}.get(code, code)
    return code if code in COUNTRIES else ELSEWHERE


def is_offered(code: str) -> bool:
    """Tell whether a code is one a person may choose."""
    return code in OFFERED


def server_country() -> str:
    """The server's country (HELP_COUNTRY), as one of the offered codes."""
    return normalize(current_app.config["HELP_COUNTRY"])


def current_country() -> str:
    """The country whose lines this request shows: the user's own, else the server's."""
    if current_user and current_user.is_authenticated and current_user.country:
        return normalize(current_user.country)
    return server_country()


def for_country(code: str | None) -> CountryHelp:
    """Return everything Mend shows about help in one country ("ZZ" and unknown codes: somewhere else)."""
    return COUNTRIES[normalize(code)]


def local_help() -> CountryHelp:
    """Return the help for this request's country."""
    return for_country(current_country())


# Old names, kept for templates and code that ask for just these.
def helplines() -> tuple[Line, ...]:
    """Return the crisis lines for this request's country (none for "somewhere else")."""
    return local_help().crisis


def emergency_number() -> str | None:
    """Return the emergency number of this request's country, if Mend knows it."""
    return local_help().emergency_number


# --- Time zone to country (to suggest a country at registration) ----------------


def _zone_tab() -> str:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        path = Path("/usr/share/zoneinfo/zone.tab")
        return path.read_text(encoding="utf-8") if path.exists() else ""


def _zone_bytes(name: str) -> bytes | None:
    try:
        return resources.files("tzdata").joinpath("zoneinfo", *name.split("/")).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError, OSError):
        return None


# Old zone names whose rules other countries share too (so the rules can't tell).
ALIASES = {"US": "US", "US/Samoa": ELSEWHERE, "Canada": "CA", "Australia": "AU",
           "America/Montreal": "CA", "Europe/Belfast": "GB"}


@lru_cache(maxsize=1)
def zone_countries() -> dict[str, str]:
    """Map every offered time zone in the countries Mend has lines for to that country's code.

    zone.tab names each canonical zone's country; an older alias ("US/Eastern",
    "Europe/Belfast") gets the country of the zone whose rules it shares byte for byte.
    """
    from recovery.timezones import timezone_names

    listed: dict[str, str] = {}  # every zone in zone.tab, whatever its country
    for row in _zone_tab().splitlines():
        parts = row.split("\t")
        if not row.startswith("#") and len(parts) >= 3:
            listed[parts[2]] = parts[0]
    countries_by_rules: dict[bytes, set[str]] = {}
    for zone, country in listed.items():
        rules = _zone_bytes(zone)
        if rules is not None:
            countries_by_rules.setdefault(rules, set()).add(country)
    mapping: dict[str, str] = {}
    for name in timezone_names():
        if name in listed:
            country = listed[name]
        elif name in ALIASES or name.split("/")[0] in ALIASES:
            country = ALIASES.get(name) or ALIASES[name.split("/")[0]]
        else:  # another alias: only when its rules belong to one country alone
            found = countries_by_rules.get(_zone_bytes(name) or b"", set())
            country = next(iter(found)) if len(found) == 1 else None
        if country in COUNTRIES:
            mapping[name] = country
    return mapping


def country_for_timezone(tz: str | None) -> str | None:
    """Suggest a country from a time zone: a code Mend has lines for, "ZZ" for other places, None for UTC."""
    if not tz or tz == "UTC" or "/" not in tz:
        return None
    return zone_countries().get(tz, ELSEWHERE)


def suggested_country(tz: str | None) -> str:
    """The country to preselect in a form: from the time zone when it tells, else the server's."""
    return country_for_timezone(tz) or server_country()


# --- Common time zones per country (listed first in the time zone menus) ------------

# The zones most people in each country use, east to west, with the name people know them by.
COMMON_ZONES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (("America/New_York", "Eastern time (New York)"), ("America/Chicago", "Central time (Chicago)"),
           ("America/Denver", "Mountain time (Denver)"), ("America/Phoenix", "Arizona (Phoenix)"),
           ("America/Los_Angeles", "Pacific time (Los Angeles)"), ("America/Anchorage", "Alaska (Anchorage)"),
           ("Pacific/Honolulu", "Hawaii (Honolulu)")),
    "CA": (("America/St_Johns", "Newfoundland (St. John's)"), ("America/Halifax", "Atlantic time (Halifax)"),
           ("America/Toronto", "Eastern time (Toronto)"), ("America/Winnipeg", "Central time (Winnipeg)"),
           ("America/Regina", "Saskatchewan (Regina)"), ("America/Edmonton", "Mountain time (Edmonton)"),
           ("America/Vancouver", "Pacific time (Vancouver)"), ("America/Whitehorse", "Yukon (Whitehorse)")),
    "GB": (("Europe/London", "United Kingdom (London)"),),
    "IE": (("Europe/Dublin", "Ireland (Dublin)"),),
    "AU": (("Australia/Sydney", "New South Wales (Sydney)"), ("Australia/Melbourne", "Victoria (Melbourne)"),
           ("Australia/Brisbane", "Queensland (Brisbane)"), ("Australia/Hobart", "Tasmania (Hobart)"),
           ("Australia/Adelaide", "South Australia (Adelaide)"), ("Australia/Darwin", "Northern Territory (Darwin)"),
           ("Australia/Perth", "Western Australia (Perth)")),
    "NZ": (("Pacific/Auckland", "New Zealand (Auckland)"), ("Pacific/Chatham", "Chatham Islands")),
}


def common_zones(code: str | None) -> tuple[tuple[str, str], ...]:
    """The common time zones of a country, as (zone, label) pairs; none for "Somewhere else"."""
    return COMMON_ZONES.get(normalize(code), ())


def common_zones_heading(code: str | None) -> str:
    """The heading of a country's common time zones in a menu."""
    return f"Common in {COUNTRIES[normalize(code)].name}"
