"""Crisis and help lines shown on every page, per country (set HELP_COUNTRY)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Line:
    """One way to reach help."""

    name: str
    how: str
    href: str | None = None
    note: str = ""


HELPLINES: dict[str, list[Line]] = {
    "US": [
        Line("988 Suicide & Crisis Lifeline", "Call or text 988", "tel:988",
             "Free and open 24/7. Chat at 988lifeline.org. Press 2 for Spanish."),
        Line("SAMHSA National Helpline", "Call 1-800-662-4357", "tel:+18006624357",
             "Free, private treatment referral and information, 24/7. TTY 1-800-487-4889."),
        Line("Crisis Text Line", "Text HOME to 741741", "sms:741741", "Free, 24/7."),
    ],
    "CA": [
        Line("9-8-8 Suicide Crisis Helpline", "Call or text 988", "tel:988", "Free and open 24/7."),
    ],
    "AU": [
        Line("Lifeline", "Call 13 11 14", "tel:131114", "Free crisis support, 24/7."),
    ],
    "GB": [
        Line("Samaritans", "Call 116 123", "tel:116123", "Free, 24/7."),
        Line("FRANK", "Call 0300 123 6600", "tel:03001236600", "Drug advice, 24/7."),
    ],
}

# Shown everywhere, for any country not listed above too.
FINDER = Line("Find a helpline in your country", "findahelpline.com", "https://findahelpline.com", "")
EMERGENCY = {"US": "911", "CA": "911", "AU": "000", "GB": "999"}


def helplines() -> list[Line]:
    """Return the help lines for the configured country (the finder when it isn't listed)."""
    return HELPLINES.get(current_app.config["HELP_COUNTRY"].upper(), [])


def emergency_number() -> str | None:
    """Return the emergency number of the configured country, if known."""
    return EMERGENCY.get(current_app.config["HELP_COUNTRY"].upper())
