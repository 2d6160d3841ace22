"""Small helpers for the "Looking after me" tests."""

from __future__ import annotations

import html
import re
from datetime import date

import sqlalchemy as sa

from recovery.db import db
from recovery.wellbeing.models import AREA_KEYS, WellbeingCheck, Worksheet
from recovery.wellbeing.services import SAFE, SAFETY_QUESTIONS

SAFE_ANSWERS = {key: SAFE for key in SAFETY_QUESTIONS}


def scores(*values: int) -> dict[str, int]:
    """Eight answers by part; one value repeats for every part."""
    values = values * len(AREA_KEYS) if len(values) == 1 else values
    return dict(zip(AREA_KEYS, values, strict=True))


def add_check(owner, day: date, answers=(5,), note: str = "") -> WellbeingCheck:
    """Insert a check directly (for history the weekly rule would take weeks to build by hand)."""
    check = WellbeingCheck(owner_id=owner.id, local_date=day, note=note, **scores(*answers))
    db.session.add(check)
    db.session.commit()
    return check


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def count_checks() -> int:
    return count(WellbeingCheck)


def count_worksheets() -> int:
    return count(Worksheet)


def text(resp) -> str:
    """The response body with HTML entities decoded."""
    return html.unescape(resp.get_data(as_text=True))


def checked(page: str, name: str) -> list[str]:
    """The values of the checked radio buttons named `name` in a page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', i).group(1) for i in inputs if re.search(r"\schecked[\s>]", i)]
