"""The coach reads English wording only: on a page in another language it stays silent instead of misreading.

Its rules are English phrases ("you must", "or else"), so a Spanish boundary would get wrong notes ("no I/my")
and never the right ones. A person who writes in Spanish is offered no "Check my wording" and is never told
"this reads like a clear boundary" by rules that could not read it; their boundary saves as anyone's does.
"""

from __future__ import annotations

import sqlalchemy as sa

from recovery.boundaries import coach
from recovery.boundaries.models import Boundary
from recovery.db import db
from tests import factories
from tests.forms import form_data

BILINGUAL = {"LANGUAGES": ("en", "es"), "PREVIEW_LANGUAGES": True}


def _signed_in(app, language: str, email: str):
    person = factories.make_user("person", name="Ana", email=email)
    person.language = language
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": email, "password": factories.PASSWORD})
    return client, person


def test_the_coach_knows_which_languages_it_reads():
    assert coach.reads("en") and not coach.reads("es")
    assert coach.review("If you drink", "You must stop or else") != []  # the rules themselves still work


def test_a_spanish_page_offers_no_wording_check_and_saves_the_boundary(make_app):
    app = make_app(**BILINGUAL)
    with app.app_context():
        client, ana = _signed_in(app, "es", "ana@example.org")
        page = client.get("/boundaries/new").get_data(as_text=True)
        assert 'value="check"' not in page
        data = form_data(page, situation="Si llegas tarde sin avisar",
                         my_action="Cenaré sin ti y hablaremos al día siguiente.")
        checked = client.post("/boundaries/new", data={**data, "action": "check"})  # an old page's button
        html = checked.get_data(as_text=True)
        assert checked.status_code == 200 and 'class="coach"' not in html and "alert-success" not in html
        assert "Si llegas tarde sin avisar" in html  # what was typed is kept
        saved = client.post("/boundaries/new", data=data)
        assert saved.status_code == 302
        assert db.session.scalar(sa.select(sa.func.count(Boundary.id)).where(Boundary.owner_id == ana.id)) == 1


def test_an_english_page_still_offers_the_check_and_its_notes(make_app):
    app = make_app(**BILINGUAL)
    with app.app_context():
        client, _ben = _signed_in(app, "en", "ben@example.org")
        page = client.get("/boundaries/new").get_data(as_text=True)
        assert 'value="check"' in page
        data = form_data(page, situation="If you drink", my_action="You must stop or else")
        html = client.post("/boundaries/new", data={**data, "action": "check"}).get_data(as_text=True)
        assert 'class="coach"' in html
