"""Words written about someone on the amends list, prefilled into a plan to be said to them, come with a note:
they may need rewording to speak to them directly ("you", not "she")."""

import html
import re

import pytest
import sqlalchemy as sa

from recovery.conversations.models import ConversationPlan
from recovery.db import db
from tests import factories
from tests.forms import form_data

NOTE = "you may need to change “she”, “he” or “they” to “you”"


@pytest.fixture
def family(app):
    return factories.jordans_circle("Sam")


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def _link(page: str, label: str) -> str:
    found = re.search(r'<a [^>]*href="([^"]+)"[^>]*>' + re.escape(label) + "</a>", page)
    assert found, f"no link {label!r}"
    return html.unescape(found.group(1))


def _plan_from(client, url: str) -> ConversationPlan:
    r = client.post(url, data=form_data(text(client.get(url))))
    assert r.status_code == 302, text(r)
    return db.session.scalar(sa.select(ConversationPlan).order_by(ConversationPlan.id.desc()))


def test_a_plan_prefilled_from_amends_asks_to_speak_to_them(app, family, as_user):
    """From the entry page's "Plan what I'll say", the plan and its fill-in page both carry the note."""
    client = as_user(family[0])
    page = text(client.get("/amends/new"))
    client.post("/amends/new", data=form_data(page, person_name="Sam", kind="direct",
                                              what_happened="I lied to Sam about money.",
                                              impact="I think it made her feel she couldn't trust me."))
    entry_page = text(client.get("/amends/"))
    entry_url = _link(entry_page, "Sam")
    plan = _plan_from(client, _link(text(client.get(entry_url)), "Plan what I'll say"))
    assert plan.amends_id is not None and "made her feel" in " ".join(plan.answers.values())
    assert NOTE in text(client.get(f"/talk/plans/{plan.id}"))
    assert NOTE in text(client.get(f"/talk/plans/{plan.id}/edit"))


def test_no_note_without_words_from_amends(app, family, as_user):
    """A plan from the same guide without an entry, or from an entry with nothing to copy, has no note."""
    client = as_user(family[0])
    plain = _plan_from(client, "/talk/scripts/making-an-amends")
    assert NOTE not in text(client.get(f"/talk/plans/{plain.id}"))
    page = text(client.get("/amends/new"))
    client.post("/amends/new", data=form_data(page, person_name="Riley", kind="direct"))
    entry_url = _link(text(client.get("/amends/")), "Riley")
    empty = _plan_from(client, _link(text(client.get(entry_url)), "Plan what I'll say"))
    assert empty.amends_id is not None and not empty.answers
    assert NOTE not in text(client.get(f"/talk/plans/{empty.id}"))
    assert NOTE not in text(client.get(f"/talk/plans/{empty.id}/edit"))
