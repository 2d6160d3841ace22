"""The coach reads boundaries in the languages it has rules for (English and Spanish), on the page people use.

"Check my wording" is offered on a page in a language the coach reads; its notes are in the page's language and
quote the person's own words. A language it has no rules for gets no notes rather than wrong ones.
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
    assert coach.reads("en") and coach.reads("es") and not coach.reads("fr")
    assert coach.review("If you drink", "You must stop or else") != []
    assert coach.review("Si bebes", "Tienes que parar o si no", language="es") != []


def test_a_spanish_page_checks_the_wording_in_spanish_and_saves_the_boundary(make_app):
    app = make_app(**BILINGUAL)
    with app.app_context():
        client, ana = _signed_in(app, "es", "ana@example.org")
        page = client.get("/boundaries/new").get_data(as_text=True)
        assert 'value="check"' in page and "Revisar mis palabras" in page
        data = form_data(page, situation="Si llegas tarde sin avisar",
                         my_action="Tienes que llamarme o si no, me iré.")
        checked = client.post("/boundaries/new", data={**data, "action": "check"})
        html = checked.get_data(as_text=True)
        assert checked.status_code == 200 and 'class="coach"' in html
        assert "&#34;tienes que&#34;" in html or "&quot;tienes que&quot;" in html  # the person's own words, quoted
        assert "Las palabras" in html and "The words" not in html  # the note itself is in Spanish
        assert "Si llegas tarde sin avisar" in html  # what was typed is kept
        assert db.session.scalar(sa.select(sa.func.count(Boundary.id)).where(Boundary.owner_id == ana.id)) == 0
        kind = form_data(page, situation="Si llegas tarde sin avisar",
                         my_action="Cenaré sin ti y hablaremos al día siguiente.")
        html = client.post("/boundaries/new", data={**kind, "action": "check"}).get_data(as_text=True)
        assert 'class="coach"' not in html and "alert-success" in html  # reads like a clear boundary
        saved = client.post("/boundaries/new", data=data)  # the coach advises; it never blocks saving
        assert saved.status_code == 302
        shown = client.get(saved.headers["Location"]).get_data(as_text=True)
        assert "tienes que" in shown and "Las palabras" in shown  # its page shows the notes too
        assert db.session.scalar(sa.select(sa.func.count(Boundary.id)).where(Boundary.owner_id == ana.id)) == 1


def test_spanish_words_on_an_english_page_get_the_spanish_rules(make_app):
    """A bilingual family may write in either language: the words are read as written, the note is the page's."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        client, _ben = _signed_in(app, "en", "ben@example.org")
        page = client.get("/boundaries/new").get_data(as_text=True)
        data = form_data(page, situation="Si bebes", my_action="Saldré a caminar con mi hermana.")
        html = client.post("/boundaries/new", data={**data, "action": "check"}).get_data(as_text=True)
        assert 'class="coach"' not in html  # "Saldré" is me: no "we don't see I or my"
        data = form_data(page, situation="Si bebes", my_action="Me iré y te vas a arrepentir.")
        html = client.post("/boundaries/new", data={**data, "action": "check"}).get_data(as_text=True)
        assert "Sounds like a threat" in html and "te vas a arrepentir" in html
        # The note is in the page's language; the rewrite it suggests is in the boundary's own.
        assert "Si bebes, voy a …" in html and "Si bebes, I will" not in html
        data = form_data(page, situation="Si bebes", my_action="Nunca más te prestaré dinero.")
        html = client.post("/boundaries/new", data={**data, "action": "check"}).get_data(as_text=True)
        assert "Try a time frame: &#34;Durante el próximo mes, si bebes, voy a …&#34;" in html \
            or "Try a time frame: &quot;Durante el próximo mes, si bebes, voy a …&quot;" in html
def test_an_english_page_still_offers_the_check_and_its_notes(make_app):
    app = make_app(**BILINGUAL)
    with app.app_context():
        client, _ben = _signed_in(app, "en", "ben@example.org")
        page = client.get("/boundaries/new").get_data(as_text=True)
        assert 'value="check"' in page
        data = form_data(page, situation="If you drink", my_action="You must stop or else")
        html = client.post("/boundaries/new", data={**data, "action": "check"}).get_data(as_text=True)
        assert 'class="coach"' in html
