"""Conversations' part of "Your data" (recovery/yourdata): the user's plans for talks."""

from __future__ import annotations

from recovery import yourdata
from recovery.conversations.models import STATUSES, ConversationPlan

yourdata.rows("conversation_plans", ConversationPlan, lambda uid: ConversationPlan.owner_id == uid)
yourdata.words(STATUSES, by="conversations")
