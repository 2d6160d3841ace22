"""Supporters in "Your data": the printed copy lists every consent given or received, and a supporter's notes."""

from __future__ import annotations

from recovery.db import db
from tests.factories import PASSWORD
from tests.forms import form_data


def test_the_printed_export_lists_every_consent_and_a_supporters_notes_in_plain_words(app, as_user):
    """A person's printed copy lists each consent version they gave; a supporter's, their notes too."""
    from datetime import timedelta

    from recovery.accounts.models import PERSON, SUPPORTER
    from recovery.supporters import services
    from recovery.supporters.models import SupporterNote
    from tests import factories

    jordan = factories.make_user(PERSON, name="Jordan")
    rivera = factories.make_user(SUPPORTER, name="Dr. Rivera")
    tie = factories.make_support(jordan, rivera, share={"tracker"})
    services.change_consent(jordan, tie, services.clean_offer(
        jordan, {"tracker", "plan"}, "To prepare for our sessions.", services.today_for(jordan) + timedelta(days=90)))
    db.session.add(SupporterNote(author_id=rivera.id, about_id=jordan.id, on_date=services.today_for(rivera),
                                 text="rivera-note-words", shared=True))
    db.session.commit()
    for user, expect_note in ((jordan, False), (rivera, True)):
        client = as_user(user)
        page = client.get("/settings/export").get_data(as_text=True)
        printed = client.post("/settings/export", data={**form_data(page, password=PASSWORD), "format": "print"})
        text = printed.get_data(as_text=True)
        assert "Consents for supporters" in text and "</span> Given" in text and "</span> Changed" in text
        assert "Tracker, Plan for hard days" in text and "</span> given" not in text
        assert ("rivera-note-words" in text) is expect_note
        if expect_note:
            assert "Shared:</span> Yes" in text
