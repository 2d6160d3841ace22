"""Conversations' part of "Your data" (recovery/yourdata): the user's plans for talks."""

from __future__ import annotations

from recovery import yourdata
from recovery.conversations import library
from recovery.conversations.models import STATUSES, ConversationPlan

yourdata.rows("conversation_plans", ConversationPlan, lambda uid: ConversationPlan.owner_id == uid)
yourdata.words(STATUSES, by="conversations")


def _plan_on_paper(row: dict) -> dict:
    """A plan's answers under its guide's step titles, in the guide's order and the reader's language (stored
    by step key, which no one chose)."""
    guide = library.get(row.get("script_id", ""))
    answers = row.get("answers") or {}
    if guide is None or not isinstance(answers, dict):
        return row
    titled = {step.title: answers[step.key] for step in guide.steps if answers.get(step.key)}
    titled.update({key: text for key, text in answers.items() if key not in {s.key for s in guide.steps}})
    return {**row, "answers": titled, "guide": guide.title}


yourdata.on_paper("conversation_plans", _plan_on_paper)
