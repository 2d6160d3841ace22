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
from flask_babel import gettext as _
from flask_login import current_user

from recovery.i18n import lazy_gettext as _l

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
            return _("Call %(number)s", number=self.number)
        if self.keyword:
            return _("Text %(word)s to %(number)s", word=self.keyword, number=self.number)
        return _("Text %(number)s", number=self.number)

    @property
    def label_after(self) -> str:
        """The link's words after another way to reach the same line: "…or text 988"."""
        if self.kind == "call":
            return _("call %(number)s", number=self.number)
        if self.keyword:
            return _("text %(word)s to %(number)s", word=self.keyword, number=self.number)
        return _("text %(number)s", number=self.number)


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
        if not self.contacts:
            return self.site
        how = self.contacts[0].label
        for contact in self.contacts[1:]:
            how = _("%(one_way)s or %(another)s", one_way=how, another=contact.label_after)
        return how

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
        if not self.emergency:
            return _("your local emergency number")
        words = self.emergency[0]
        for number in self.emergency[1:]:
            words = _("%(one_way)s or %(another)s", one_way=words, another=number)
        return words


FINDER = Line(_l("Find a helpline"), url="https://findahelpline.com",
              note=_l("Free, private help lines in more than 130 countries, by topic."))
ALATEEN = Line(_l("Alateen"), url="https://al-anon.org/newcomers/teen-corner-alateen/",
               note=_l("Groups for teenagers who have a parent or someone close who drinks too much. "
                    "Meetings are free, in person and online."))

SAMHSA = Line(_l("SAMHSA National Helpline"), (call("1-800-662-4357"),), "https://www.samhsa.gov/find-help/helplines/national-helpline",
              _l("Free and private help to find treatment and support, 24/7, in English and Spanish. "
              "TTY 1-800-487-4889."))
LINE_988_US = Line(_l("988 Suicide & Crisis Lifeline"), (call("988"), text("988")), "https://988lifeline.org",
                   _l("Free, 24/7, for any kind of crisis, including drugs and alcohol. You can chat online too. "
                   "Press 2 for Spanish."))
FRANK = Line(_l("FRANK"), (call("0300 123 6600"), text("82111")), "https://www.talktofrank.com",
             _l("Free, private advice about drugs, 24/7."))
HSE_DRUGS = Line(_l("HSE Drugs and Alcohol Helpline"), (call("1800 459 459"),), "https://www.drugs.ie",
                 _l("Free and private. Help to find a service near you, on weekdays."))
AU_AOD = Line(_l("National Alcohol and Other Drug Hotline"), (call("1800 250 015"),), "",
              _l("Free and private, 24/7. It puts you through to the service in your state or territory."))
NZ_ADH = Line(_l("Alcohol Drug Helpline"), (call("0800 787 797"), text("8681")), "https://alcoholdrughelp.org.nz",
              _l("Free and private, 24/7."))

LINEA_DE_LA_VIDA = Line(_l("Línea de la Vida"), (call("800 911 2000"),), "https://www.gob.mx/salud/conasama",
                        _l("Free, 24/7, from Mexico's Ministry of Health: help with alcohol, drugs and mental health, "
                           "for you or for someone close to you."))
LINEA_024 = Line(_l("024, suicide prevention line"), (call("024"),), "https://www.sanidad.gob.es",
                 _l("Free, private, 24/7, from Spain's Ministry of Health: for anyone thinking of suicide, and for "
                    "their family and friends."))
PNSD = Line(_l("National Plan on Drugs"), url="https://pnsd.sanidad.gob.es",
            note=_l("The Spanish government's site on drugs and alcohol, with the public services of each region."))

COUNTRIES: dict[str, CountryHelp] = {
    "US": CountryHelp(
        code="US", name=_l("the United States"), label=_l("United States"),
        emergency=("911",),
        crisis=(
            LINE_988_US,
            SAMHSA,
            Line(_l("Crisis Text Line"), (text("741741", "HOME"),), "https://www.crisistextline.org",
                 _l("Free, 24/7.")),
        ),
        violence=(
            Line(_l("National Domestic Violence Hotline"), (call("1-800-799-7233"), text("88788", "START")),
                 "https://www.thehotline.org", _l("Free, private, 24/7. You can chat online too. TTY 1-800-787-3224.")),
        ),
        naloxone=_l("You can buy naloxone nasal spray (such as Narcan) at most pharmacies, with no prescription. "
                 "Many health departments and harm reduction programs give it out for free."),
        treatment=(
            Line(_l("FindTreatment.gov"), url="https://findtreatment.gov",
                 note=_l("A free, private government search for treatment near you. You can filter by cost, "
                      "insurance and the kind of care.")),
            SAMHSA,
        ),
        young=(
            LINE_988_US,
            Line(_l("Childhelp National Child Abuse Hotline"), (call("1-800-422-4453"),), "https://www.childhelp.org",
                 _l("For children and teens who are hurt or afraid at home, and for adults worried about a "
                    "child. 24/7.")),
        ),
    ),
    "CA": CountryHelp(
        code="CA", name=_l("Canada"), label=_l("Canada"),
        emergency=("911",),
        crisis=(
            Line(_l("9-8-8 Suicide Crisis Helpline"), (call("988"), text("988")), "https://988.ca",
                 _l("Free, 24/7, in English and French.")),
        ),
        violence=(
            Line(_l("ShelterSafe"), url="https://sheltersafe.ca",
                 note=_l("A map of women's shelters across Canada. Each one has a 24-hour crisis line, "
                      "and you don't have to stay at a shelter to get their help.")),
        ),
        violence_note=_l("Canada has no single national line for family violence. Each province and territory "
                      "has its own crisis lines, and ShelterSafe lists them by place."),
        naloxone=_l("You don't need a prescription for naloxone in Canada. In most provinces and territories, "
                 "many pharmacies and health services give out free kits. Ask a pharmacist."),
        treatment=(
            Line(_l("Get help with substance use (Government of Canada)"),
                 url="https://www.canada.ca/en/health-canada/services/substance-use/get-help/"
                     "get-help-problematic-substance-use.html",
                 note=_l("Free help lines and services in each province and territory.")),
        ),
        young=(
            Line(_l("Kids Help Phone"), (call("1-800-668-6868"), text("686868", "CONNECT")), "https://kidshelpphone.ca",
                 _l("Free, private, 24/7, for young people, in English and French.")),
        ),
    ),
    "GB": CountryHelp(
        code="GB", name=_l("the United Kingdom"), label=_l("United Kingdom"),
        emergency=("999",),
        crisis=(
            Line(_l("Samaritans"), (call("116 123"),), "https://www.samaritans.org", _l("Free, 24/7, about anything.")),
            Line(_l("Shout"), (text("85258", "SHOUT"),), "https://giveusashout.org",
                 _l("Free crisis text line, 24/7.")),
            FRANK,
        ),
        violence=(
            Line(_l("National Domestic Abuse Helpline (England)"), (call("0808 2000 247"),),
                 "https://www.nationaldahelpline.org.uk", _l("Free, private, 24/7.")),
            Line(_l("Domestic Abuse and Forced Marriage Helpline (Scotland)"), (call("0800 027 1234"),),
                 "https://sdafmh.org.uk", _l("Free, 24/7.")),
            Line(_l("Live Fear Free (Wales)"), (call("0808 80 10 800"),), "https://www.gov.wales/live-fear-free",
                 _l("Free, 24/7.")),
            Line(_l("Domestic and Sexual Abuse Helpline (Northern Ireland)"), (call("0808 802 1414"),),
                 "https://dsahelpline.org", _l("Free, 24/7.")),
            Line(_l("Men's Advice Line"), (call("0808 801 0327"),), "https://mensadviceline.org.uk",
                 _l("For men who are being abused.")),
        ),
        naloxone=_l("Drug and alcohol services give out free naloxone kits, with no prescription, and show you how "
                 "to use them. Some pharmacies do too."),
        treatment=(
            Line(_l("FRANK: find support near you"), url="https://www.talktofrank.com/get-help/find-support-near-you",
                 note=_l("Search for drug and alcohol services near you. Many take you without a doctor's letter.")),
            FRANK,
        ),
        treatment_note=_l("You can also ask your GP. NHS treatment for drug and alcohol problems is free."),
        young=(
            Line(_l("Childline"), (call("0800 1111"),), "https://www.childline.org.uk",
                 _l("Free and private, for anyone under 19, about anything.")),
        ),
    ),
    "IE": CountryHelp(
        code="IE", name=_l("Ireland"), label=_l("Ireland"),
        emergency=("112", "999"),
        crisis=(
            Line(_l("Samaritans"), (call("116 123"),), "https://www.samaritans.org", _l("Free, 24/7, about anything.")),
            Line(_l("50808"), (text("50808", "HELLO"),), "https://text50808.ie", _l("Free crisis text line, 24/7.")),
            HSE_DRUGS,
        ),
        violence=(
            Line(_l("Women's Aid"), (call("1800 341 900"),), "https://www.womensaid.ie", _l("Free, 24/7.")),
            Line(_l("Men's Aid Ireland"), url="https://www.mensaid.ie",
                 note=_l("Support for men who are being abused.")),
        ),
        naloxone=_l("In Ireland naloxone needs a prescription, so ask your GP. HSE drug services and some other "
                 "services also give it out, with training in how to use it."),
        treatment=(
            Line(_l("drugs.ie: find a service"), url="https://www.drugs.ie",
                 note=_l("The HSE's site on drugs and alcohol, with a list of services near you.")),
            HSE_DRUGS,
        ),
        young=(
            Line(_l("Childline"), (call("1800 66 66 66"),), "https://www.childline.ie",
                 _l("Free and private, for anyone under 18, 24/7.")),
        ),
    ),
    "AU": CountryHelp(
        code="AU", name=_l("Australia"), label=_l("Australia"),
        emergency=("000",),
        crisis=(
            Line(_l("Lifeline"), (call("13 11 14"), text("0477 13 11 14")), "https://www.lifeline.org.au",
                 _l("Free crisis support, 24/7.")),
            AU_AOD,
        ),
        violence=(
            Line(_l("1800RESPECT"), (call("1800 737 732"),), "https://www.1800respect.org.au",
                 _l("Free, private, 24/7, for anyone affected by family, domestic or sexual violence.")),
        ),
        naloxone=_l("Naloxone is free, with no prescription, through the Take Home Naloxone program at many "
                 "pharmacies and health services."),
        treatment=(AU_AOD,),
        young=(
            Line(_l("Kids Helpline"), (call("1800 55 1800"),), "https://kidshelpline.com.au",
                 _l("Free and private, 24/7, for young people aged 5 to 25.")),
        ),
    ),
    "NZ": CountryHelp(
        code="NZ", name=_l("New Zealand"), label=_l("New Zealand"),
        emergency=("111",),
        crisis=(
            Line(_l("1737, Need to talk?"), (call("1737"), text("1737")), "https://1737.org.nz",
                 _l("Free, 24/7. A trained counsellor answers.")),
            NZ_ADH,
        ),
        violence=(
            Line(_l("Women's Refuge"), (call("0800 733 843"),), "https://womensrefuge.org.nz",
                 _l("Free crisis line, 24/7.")),
            Line(_l("Shine"), (call("0508 744 633"),), "https://www.2shine.org.nz",
                 _l("Free help line about family violence, for anyone.")),
        ),
        naloxone=_l("Needle exchange services can give you naloxone and show you how to use it. "
                 "You can also ask a doctor or pharmacist."),
        treatment=(NZ_ADH,),
        young=(
            Line(_l("Youthline"), (call("0800 376 633"), text("234")), "https://www.youthline.co.nz",
                 _l("Free and private, 24/7, for young people.")),
        ),
    ),
    "MX": CountryHelp(
        code="MX", name=_l("Mexico"), label=_l("Mexico"),
        emergency=("911",),
        crisis=(LINEA_DE_LA_VIDA,),
        violence=(Line(_l("Find a helpline: abuse and domestic violence"), url="https://findahelpline.com",
                       note=_l("Choose your country and the topic “abuse and domestic violence”.")),),
        violence_note=_l("If you are in danger now, call 911."),
        naloxone=_l("Naloxone is not easy to find in Mexico yet. Ask a doctor, a pharmacist or a harm reduction "
                    "program whether you can get it where you live."),
        treatment=(LINEA_DE_LA_VIDA, FINDER),
        treatment_note=_l("Línea de la Vida can tell you about public treatment centres near you."),
    ),
    "ES": CountryHelp(
        code="ES", name=_l("Spain"), label=_l("Spain"),
        emergency=("112",),
        crisis=(LINEA_024,),
        violence=(Line(_l("016, violence against women line"), (call("016"),),
                       "https://violenciagenero.igualdad.gob.es", _l("Free and private, 24/7.")),),
        naloxone=_l("In Spain, drug services and harm reduction programs give out naloxone. Ask at your health "
                    "centre or at a drug service near you."),
        treatment=(PNSD,),
        treatment_note=_l("Your health centre can also refer you to your region's free public drug services."),
        young=(Line(_l("ANAR helpline for children and teens"), (call("900 20 20 10"),), "https://www.anar.org",
                    _l("Free and private, 24/7, for children and teens, and for adults worried about one.")),),
    ),
    ELSEWHERE: CountryHelp(
        code=ELSEWHERE, name=_l("your country"), label=_l("Somewhere else"),
        emergency=(),
        crisis=(),
        violence=(Line(_l("Find a helpline: abuse and domestic violence"), url="https://findahelpline.com",
                       note=_l("Choose your country and the topic “abuse and domestic violence”.")),),
        naloxone=_l("Ask a pharmacist, a doctor or a local drug service whether you can get naloxone where you live."),
        treatment=(FINDER,),
        treatment_note=_l("A doctor or a local health service can also tell you where to find treatment."),
    ),
}

OFFERED = ("AU", "CA", "ES", "GB", "IE", "MX", "NZ", "US", ELSEWHERE)


def country_choices() -> list[tuple[str, str]]:
    """The countries a person may choose, by name in the page's language (accents ignored), then "Somewhere
    else"."""
    import unicodedata

    def key(choice: tuple[str, str]) -> str:
        return unicodedata.normalize("NFKD", choice[1]).encode("ascii", "ignore").decode().casefold()

    named = sorted(((code, str(COUNTRIES[code].label)) for code in OFFERED if code != ELSEWHERE), key=key)
    return [*named, (ELSEWHERE, str(COUNTRIES[ELSEWHERE].label))]


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
    "US": (("America/New_York", _l("Eastern time (New York)")), ("America/Chicago", _l("Central time (Chicago)")),
           ("America/Denver", _l("Mountain time (Denver)")), ("America/Phoenix", _l("Arizona (Phoenix)")),
           ("America/Los_Angeles", _l("Pacific time (Los Angeles)")), ("America/Anchorage", _l("Alaska (Anchorage)")),
           ("Pacific/Honolulu", _l("Hawaii (Honolulu)"))),
    "CA": (("America/St_Johns", _l("Newfoundland (St. John's)")), ("America/Halifax", _l("Atlantic time (Halifax)")),
           ("America/Toronto", _l("Eastern time (Toronto)")), ("America/Winnipeg", _l("Central time (Winnipeg)")),
           ("America/Regina", _l("Saskatchewan (Regina)")), ("America/Edmonton", _l("Mountain time (Edmonton)")),
           ("America/Vancouver", _l("Pacific time (Vancouver)")), ("America/Whitehorse", _l("Yukon (Whitehorse)"))),
    "GB": (("Europe/London", _l("United Kingdom (London)")),),
    "IE": (("Europe/Dublin", _l("Ireland (Dublin)")),),
    "AU": (("Australia/Sydney", _l("New South Wales (Sydney)")), ("Australia/Melbourne", _l("Victoria (Melbourne)")),
           ("Australia/Brisbane", _l("Queensland (Brisbane)")), ("Australia/Hobart", _l("Tasmania (Hobart)")),
           ("Australia/Adelaide", _l("South Australia (Adelaide)")),
           ("Australia/Darwin", _l("Northern Territory (Darwin)")),
           ("Australia/Perth", _l("Western Australia (Perth)"))),
    "NZ": (("Pacific/Auckland", _l("New Zealand (Auckland)")), ("Pacific/Chatham", _l("Chatham Islands"))),
    "MX": (("America/Mexico_City", _l("Central Mexico (Mexico City)")), ("America/Cancun", _l("Quintana Roo (Cancún)")),
           ("America/Monterrey", _l("Monterrey")), ("America/Chihuahua", _l("Chihuahua")),
           ("America/Mazatlan", _l("Pacific time (Mazatlán)")), ("America/Hermosillo", _l("Sonora (Hermosillo)")),
           ("America/Tijuana", _l("Baja California (Tijuana)"))),
    "ES": (("Europe/Madrid", _l("Spain (Madrid)")), ("Atlantic/Canary", _l("Canary Islands"))),
}


def common_zones(code: str | None) -> tuple[tuple[str, str], ...]:
    """The common time zones of a country, as (zone, label) pairs in the page's language; none for "Somewhere
    else"."""
    return tuple((zone, str(label)) for zone, label in COMMON_ZONES.get(normalize(code), ()))


def common_zones_heading(code: str | None) -> str:
    """The heading of a country's common time zones in a menu."""
    return _("Common in %(country)s", country=COUNTRIES[normalize(code)].name)
