"""Languages (recovery/i18n.py): each person's pages in their own language, visitors' in their browser's or
the one they picked, and only languages whose catalogue a host offers."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from babel.messages.pofile import read_po

from recovery import i18n
from recovery.accounts.models import User
from recovery.db import db
from tests import factories
from tests.conftest import _make_app

BILINGUAL = {"LANGUAGES": ("en", "es"), "PREVIEW_LANGUAGES": True}
# The marks pybabel looks for beyond its own (README, "Adding a language": the same -k options).
EXTRA_KEYWORDS = {"_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2)}


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_by_default_mend_offers_english_and_spanish(app):
    """A fresh install serves Spanish-speaking families too: English first, Spanish offered."""
    assert app.config["LANGUAGES"] == ("en", "es")
    page = app.test_client().get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert _lang(page) == "es" and "Iniciar sesión" in page and 'hreflang="en"' in page
    assert _lang(app.test_client().get("/login").get_data(as_text=True)) == "en"  # no preference: the first


def test_a_host_offering_english_only_answers_in_english_whatever_the_browser_asks(make_app):
    """MEND_LANGUAGES=en: one language, no switcher, Accept-Language changes nothing."""
    app = make_app(LANGUAGES=("en",))
    with app.app_context():
        _english_only(app)


def _english_only(app):
    page = app.test_client().get("/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert _lang(page) == "en" and "Log in" in page and "Iniciar sesión" not in page
    assert 'hreflang="' not in page  # no other language to offer
    page = app.test_client().get("/login?lang=es").get_data(as_text=True)
    assert _lang(page) == "en" and "Iniciar sesión" not in page


def test_a_visitor_gets_their_browsers_language_and_can_switch(make_app):
    """Accept-Language picks Spanish; the switcher's link (with hreflang) switches to English and is kept."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        _visitor_switches(app)


def _visitor_switches(app):
    client = app.test_client()
    page = client.get("/login", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert _lang(page) == "es"
    assert "Iniciar sesión" in page and "Crear cuenta" in page and "¿Necesita ayuda ahora?" in page
    switch = re.search(r'<a class="language-link" href="([^"]+)" hreflang="en" lang="en">English</a>', page)
    assert switch and '<link rel="alternate" hreflang="en"' in page
    # A link relative to this page (?lang=en: the page's own address stays out of its HTML, tokens and all).
    assert switch.group(1) == "?lang=en" and urljoin("/login", switch.group(1)) == "/login?lang=en"
    english = client.get(urljoin("/login", switch.group(1)), headers={"Accept-Language": "es"})
    assert _lang(english.get_data(as_text=True)) == "en" and "Need help now?" in english.get_data(as_text=True)
    # The pick is remembered over the browser's wish, on the next page too.
    again = client.get("/login", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert _lang(again) == "en" and 'hreflang="es" lang="es">Español</a>' in again
    # A browser asking for nothing Mend has gets the host's first language.
    other = app.test_client().get("/login", headers={"Accept-Language": "fr-FR,de;q=0.8"}).get_data(as_text=True)
    assert _lang(other) == "en"


def test_a_language_nobody_offers_is_ignored_not_an_error(make_app):
    """?lang= with a language the host doesn't offer (or rubbish) is a normal page in the usual language."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        for asked in ("fr", "", "<script>", "x" * 300):
            response = app.test_client().get("/login", query_string={"lang": asked})
            assert response.status_code == 200
            assert _lang(response.get_data(as_text=True)) == "en"
            assert "mend_lang" not in response.headers.get("Set-Cookie", "")
        regional = app.test_client().get("/login", query_string={"lang": "es-MX"})  # a region of an offered one
        assert _lang(regional.get_data(as_text=True)) == "es" and "mend_lang=es" in regional.headers["Set-Cookie"]


def test_a_signed_in_persons_pages_speak_their_own_language(make_app):
    """Their stored language wins over the browser; an empty one is the host's first; two people, two
    languages, the same footer cache, each their own words."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        ana = factories.make_user("person", name="Ana", email="ana@example.com")
        ben = factories.make_user("loved_one", name="Ben", email="ben@example.com")
        ana.language = "es"
        db.session.commit()
        ana_client = app.test_client()
        ana_client.post("/login", data={"email": "ana@example.com", "password": factories.PASSWORD})
        ben_client = app.test_client()
        ben_client.post("/login", data={"email": "ben@example.com", "password": factories.PASSWORD})
        for _ in range(2):  # the second time from the kept footers
            hers = ana_client.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
            his = ben_client.get("/home", headers={"Accept-Language": "es"}).get_data(as_text=True)
            assert _lang(hers) == "es" and "Cerrar sesión" in hers and "¿Necesita ayuda ahora?" in hers
            assert "Need help now?" not in hers
            assert _lang(his) == "en" and "Log out" in his and "Need help now?" in his and "Cerrar sesión" not in his
        assert i18n.language_of(db.session.get(User, ben.id)) == "en"


@pytest.mark.parametrize("languages,preview", [(("en", "pt"), False), (("en", "xx"), True), (("en", "es", "zz"), True)])
def test_a_host_cannot_offer_a_language_without_a_complete_catalogue(languages, preview, tmp_path, monkeypatch):
    """A language still being written is offered only in preview; unknown codes are refused."""
    monkeypatch.setattr(i18n, "IN_PROGRESS", {"pt": "Português"})
    with pytest.raises(RuntimeError, match="no complete pages"):
        _make_app("sqlite://", tmp_path, LANGUAGES=languages, PREVIEW_LANGUAGES=preview)


def test_a_language_being_written_can_be_previewed(tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "IN_PROGRESS", {"pt": "Português"})
    app = _make_app("sqlite://", tmp_path, LANGUAGES=("en", "pt"), PREVIEW_LANGUAGES=True)
    assert app.config["LANGUAGES"] == ("en", "pt")


def test_languages_from_the_environment_may_be_a_comma_separated_list(tmp_path):
    app = _make_app("sqlite://", tmp_path, LANGUAGES="es, en", PREVIEW_LANGUAGES=True)
    assert app.config["LANGUAGES"] == ("es", "en")


def test_every_catalogue_parses_and_keeps_each_placeholder():
    """No fuzzy entry, and every translation names the same %(placeholders)s as its English (a missing one
    would drop a number from a page; a new one would be an error)."""
    for path in sorted(i18n.CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as po:
            catalogue = read_po(po)
        entries = [m for m in catalogue if m.id]
        assert entries, path
        for message in entries:
            assert not message.fuzzy, (path, message.id)
            if isinstance(message.id, str):
                if message.string:
                    assert _names(message.id) == _names(message.string), (path, message.id)
                continue
            # A plural: each form names every value the English does (the number itself may be a word, "un día").
            english = _names(*message.id)
            for form in message.string:
                assert english - {"num"} <= _names(form) <= english, (path, message.id, form)


def _names(*words: str) -> set[str]:
    return {name for text in words for name in re.findall(r"%\((\w+)\)[sd]", text)}


# --- Choosing a language: sign-up and settings ---------------------------------------------------------------

import html  # noqa: E402

import sqlalchemy as sa  # noqa: E402

from recovery.accounts import services  # noqa: E402
from recovery.errors import Refused  # noqa: E402
from tests.forms import form_data  # noqa: E402


def test_the_language_question_appears_only_where_a_host_offers_more_than_one(make_app):
    """With English only, neither sign-up nor settings ask (nothing to choose); the service keeps "" as before."""
    app = make_app(LANGUAGES=("en",))
    with app.app_context():
        assert 'name="language"' not in app.test_client().get("/register").get_data(as_text=True)
        factories.make_user("person", email="b@example.org")
        client = app.test_client()
        client.post("/login", data={"email": "b@example.org", "password": factories.PASSWORD})
        assert 'name="language"' not in client.get("/settings").get_data(as_text=True)
        assert services.register("A", "a@example.org", factories.PASSWORD, "person", "UTC").language == ""


def test_a_form_posted_without_the_language_question_keeps_or_suggests_one(app, make_user, as_user):
    """A sign-up page from before the host offered Spanish still works: the browser's language is taken; settings
    posted without the field keep the stored language; a language not offered is refused with the form again."""
    from tests.forms import form_data

    page = app.test_client().get("/register").get_data(as_text=True)
    data = form_data(page, display_name="Lu", email="lu@example.org", password="a long and private phrase",
                     password_again="a long and private phrase", role="person")
    del data["language"]
    response = app.test_client().post("/register", data=data, headers={"Accept-Language": "es"})
    assert response.status_code == 200  # "check your email"
    assert db.session.scalar(sa.select(User.language).where(User.email == "lu@example.org")) == "es"
    ana = make_user()
    ana.language = "es"
    db.session.commit()
    client = as_user(ana)
    settings = form_data(client.get("/settings").get_data(as_text=True), display_name="Ana María")
    bad = client.post("/settings", data={**settings, "language": "fr"})
    assert bad.status_code in (200, 422) and "Ana María" in bad.get_data(as_text=True)
    del settings["language"]
    assert client.post("/settings", data=settings).status_code == 302
    assert db.session.get(User, ana.id).language == "es" and db.session.get(User, ana.id).display_name == "Ana María"


@pytest.mark.parametrize("bad", ["fr", "ES", "es-MX", "<b>", "x" * 20])
def test_the_services_refuse_a_language_the_host_does_not_offer(app, make_user, bad):
    with pytest.raises(Refused) as caught:
        services.register("A", "a@example.org", factories.PASSWORD, "person", "UTC", language=bad)
    assert caught.value.field == "language"
    user = make_user()
    with pytest.raises(Refused):
        services.update_profile(user, "Name", "UTC", language=bad)
    assert user.language == ""


def test_sign_up_suggests_the_browsers_language_and_keeps_the_choice(make_app):
    """The form offers the host's languages with the browser's preselected; the person's choice is stored and
    their pages follow it; a made-up value gets the form again with a plain message and what they typed."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        client = app.test_client()
        page = html.unescape(client.get("/register", headers={"Accept-Language": "es-US,es"}).get_data(as_text=True))
        data = form_data(page, display_name="Lucía", email="lucia@example.org", password=factories.PASSWORD,
                         password_again=factories.PASSWORD, role="loved_one")
        assert data["language"] == ["es"]  # suggested from the browser
        bad = client.post("/register", data={**data, "language": "fr"})
        again = html.unescape(bad.get_data(as_text=True))
        assert bad.status_code == 422 and "Please choose a language from the list." in again
        assert 'value="Lucía"' in again and 'value="lucia@example.org"' in again
        assert db.session.scalar(sa.select(User).where(User.email == "lucia@example.org")) is None
        assert client.post("/register", data=data).status_code in (200, 302)
        lucia = db.session.scalar(sa.select(User).where(User.email == "lucia@example.org"))
        assert lucia.language == "es"


def test_settings_change_the_language_of_every_page(make_app):
    """Settings show the language in use; choosing English turns the next page English."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        ana = factories.make_user("person", name="Ana", email="ana@example.com")
        ana.language = "es"
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "ana@example.com", "password": factories.PASSWORD})
        page = html.unescape(client.get("/settings").get_data(as_text=True))
        assert _lang(page) == "es"
        data = form_data(page, action="")
        assert data["language"] == ["es"]
        assert "Su perfil" in page and "Zona horaria" in page
        assert "Se unió como: <strong>Persona en recuperación" in page
        saved = client.post("/settings", data={**data, "language": "en"})
        assert saved.status_code == 302
        after = client.get(saved.location).get_data(as_text=True)
        assert _lang(after) == "en" and "Saved." in after and "Your profile" in after  # told in the new language
        assert _lang(client.get("/home").get_data(as_text=True)) == "en"
        assert db.session.get(User, ana.id).language == "en"


def test_every_marked_word_is_in_every_catalogue_translated():
    """What `pybabel extract -F babel.cfg` finds (every string marked for translation in templates and code)
    is in each language's catalogue with a translation, and the catalogue holds nothing no longer marked."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    from recovery import ROOT

    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    # Each marked message by its English (a plural by its singular) and its context, if it has one.
    marked = {(message if isinstance(message, str) else message[0], context) for _file, _line, message, _comments,
              context in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords) if message}
    assert ("Need help now?", None) in marked and ("Log out", None) in marked  # it really reads the templates
    for path in sorted(i18n.CATALOGUES.glob("*/LC_MESSAGES/messages.po")):
        with path.open("rb") as po:
            catalogue = {(m.id if isinstance(m.id, str) else m.id[0], m.context): m.string for m in read_po(po)
                         if m.id}
        assert not marked - set(catalogue), (path, sorted(marked - set(catalogue), key=str))
        untranslated = [m for m in marked if not catalogue[m] or not all(catalogue[m])]
        assert not untranslated, (path, untranslated)
        assert not set(catalogue) - marked, (path, sorted(set(catalogue) - marked, key=str))


def test_words_read_outside_a_request_are_the_hosts_first_language(app):
    """A job or a command (no request, no signed-in person) reads the marked words in the host's language."""
    from recovery.accounts.models import ROLES

    assert str(ROLES["loved_one"]) == "Loved one"
    assert f"{ROLES['person']}" == "Person in recovery"


def test_speaking_another_language_for_a_while_comes_back_to_the_pages_own(make_app):
    """An email to someone else is drawn in their language; the page that sent it stays in its reader's."""
    from flask import render_template_string

    app = make_app(**BILINGUAL)
    with app.test_request_context("/login", headers={"Accept-Language": "en"}):
        assert render_template_string('{{ _("Log out") }}') == "Log out"
        with i18n.speaking("es"):
            assert i18n.page_language() == "es"
            assert render_template_string('{{ _("Log out") }} {{ page_language() }}') == "Cerrar sesión es"
        assert i18n.page_language() == "en"
        assert render_template_string('{{ _("Log out") }}') == "Log out"
        with i18n.speaking("fr"):  # not offered: the host's first
            assert render_template_string('{{ _("Log out") }}') == "Log out"


def test_marked_words_escape_the_values_put_in_them(make_app):
    """The words are the catalogue's (their markup kept); a value a person typed is escaped, in any language."""
    from flask import render_template_string

    app = make_app(**BILINGUAL)
    page = '{{ _("We sent an email to <strong>%(email)s</strong>.", email=email) }}'
    with app.test_request_context("/login", headers={"Accept-Language": "es"}):
        assert render_template_string(page, email="<i>a</i>@example.org") == \
            "Enviamos un correo a <strong>&lt;i&gt;a&lt;/i&gt;@example.org</strong>."
        plural = '{{ ngettext("%(num)d day", "%(num)d days", n) }}'
        assert [render_template_string(plural, n=n) for n in (0, 1, 3)] == ["0 días", "1 día", "3 días"]
        missing = '{{ ngettext("%(num)d zebra", "%(num)d zebras", n) }}'  # not in the catalogue: English's own rule
        assert [render_template_string(missing, n=n) for n in (1, 3)] == ["1 zebra", "3 zebras"]
        assert render_template_string('{{ _("100%% yours") }}') == "100% yours"


def test_the_welcome_email_speaks_the_language_chosen_at_sign_up(make_app):
    """A person who signs up in Spanish gets their sign-in link in Spanish; one who chose English, in English,
    from the same Spanish page."""
    from recovery import mail

    app = make_app(**BILINGUAL)
    with app.app_context():
        for email, language in (("lucia@example.org", "es"), ("lou@example.org", "en")):
            client = app.test_client()
            page = html.unescape(client.get("/register?lang=es").get_data(as_text=True))
            data = form_data(page, display_name="Lu", email=email, password=factories.PASSWORD,
                             password_again=factories.PASSWORD, role="person", language=language)
            assert client.post("/register", data=data).status_code == 200
        sent = {m["To"]: m for m in mail.outbox()}
        spanish, english = sent["lucia@example.org"], sent["lou@example.org"]
        assert spanish["Subject"] == "Empiece a usar Mend"
        assert spanish.get_content().startswith("Hola, Lu:") and "/start/" in spanish.get_content()
        assert english["Subject"] == "Start using Mend" and english.get_content().startswith("Hello Lu,")
        # The link's page speaks the language chosen at sign-up, whatever the browser opening it asks for.
        for message, words in ((spanish, "Empiece a usar Mend"), (english, "Start using Mend")):
            link = next(line for line in message.get_content().splitlines() if "/start/" in line).strip()
            page = app.test_client().get(link.split("mend.test", 1)[1], headers={"Accept-Language": "fr"})
            assert page.status_code == 200 and words in html.unescape(page.get_data(as_text=True))


def test_a_password_reset_speaks_the_account_owners_language(make_app):
    """Asked for from an English page, the reset link still goes out in the owner's Spanish; the pages on the
    way speak the visitor's language."""
    from recovery import mail

    app = make_app(**BILINGUAL)
    with app.app_context():
        ana = factories.make_user("person", name="Ana", email="ana@example.com")
        ana.language = "es"
        db.session.commit()
        client = app.test_client()
        page = html.unescape(client.get("/reset", headers={"Accept-Language": "en"}).get_data(as_text=True))
        assert _lang(page) == "en" and "Send me a link" in page
        sent = client.post("/reset", data=form_data(page, action="", email="ana@example.com"),
                           headers={"Accept-Language": "en"})
        assert "Check your email" in sent.get_data(as_text=True)
        (message,) = [m for m in mail.outbox() if m["To"] == "ana@example.com"]
        assert message["Subject"] == "Cambie su contraseña de Mend"
        assert message.get_content().startswith("Hola, Ana:") and "/reset/" in message.get_content()
        spanish = html.unescape(app.test_client().get("/reset?lang=es").get_data(as_text=True))
        assert "Cambiar su contraseña" in spanish and "Enviarme un enlace" in spanish


def test_a_wrong_password_is_told_in_the_visitors_language(make_app):
    """The login form's refusal is drawn in the page's language, and the typed email is kept."""
    app = make_app(**BILINGUAL)
    with app.app_context():
        factories.make_user("person", name="Ana", email="ana@example.com")
        client = app.test_client()
        page = html.unescape(client.get("/login?lang=es").get_data(as_text=True))
        wrong = client.post("/login", data=form_data(page, email="ana@example.com", password="not the password"))
        again = html.unescape(wrong.get_data(as_text=True))
        assert wrong.status_code == 422 and _lang(again) == "es"
        assert "Ese correo y esa contraseña no coinciden con ninguna cuenta." in again
        assert 'value="ana@example.com"' in again


def test_dates_read_as_each_language_writes_them(make_app):
    """English pages keep the forms they always showed; Spanish ones get Spanish month and weekday names in
    Spanish order, for every form a page names."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    app = make_app(**BILINGUAL)
    day = date(2026, 12, 5)
    evening = datetime(2026, 12, 5, 18, 30, tzinfo=ZoneInfo("America/Mexico_City"))
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert i18n.format_day(day, "%A %-d %B") == "Saturday 5 December"
        assert i18n.format_day(day, "%-d %b %Y") == "5 Dec 2026"
        assert i18n.format_day(evening, "%-d %b %Y, %-I:%M %p") == "5 Dec 2026, 6:30 pm"
        assert i18n.format_day(None) == ""
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert i18n.format_day(day, "%A %-d %B") == "sábado 5 de diciembre"
        assert i18n.format_day(day) == "5 de diciembre de 2026"
        assert i18n.format_day(day, "%a %-d %b") == "sáb 5 dic"
        assert i18n.format_day(evening, "%-d %b %Y, %-I:%M %p") == "5 dic 2026, 18:30"
        for form in i18n.DATE_FORMS["es"]:  # every form draws without an error, with no English name in it
            drawn = i18n.format_day(evening, form)
            assert not re.search(r"Dec|Sat|pm|am\b", drawn), (form, drawn)


def test_every_date_form_a_page_names_is_written_for_every_language():
    """A template asking for a date form the table lacks would fail only on a Spanish page: found here."""
    from recovery import ROOT

    forms = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        forms |= set(re.findall(r"""\|\s*(?:day|localtime)\(\s*["']([^"']+)["']""", text))
        assert ".strftime(" not in text, f"{path}: dates are drawn with |day(...), in the page's language"
    forms.add("%-d %b %Y, %-I:%M %p")  # localtime's own default
    for language, table in i18n.DATE_FORMS.items():
        assert forms <= set(table), (language, sorted(forms - set(table)))


def test_numbers_with_a_decimal_part_read_as_each_language_writes_them(make_app):
    app = make_app(**BILINGUAL)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert [i18n.format_decimal(x) for x in (6.4, 5, 5.0)] == ["6.4", "5.0", "5.0"]
        assert [i18n.format_decimal(x, keep_zero=False) for x in (6.4, 5.0, 2.25, 0.04)] == ["6.4", "5", "2.2", "0"]
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        assert [i18n.format_decimal(x) for x in (6.4, 5.0)] == ["6,4", "5,0"]
        assert i18n.format_decimal(2.5, keep_zero=False) == "2,5" and i18n.format_decimal(None) == ""


def test_words_fixed_at_import_read_in_each_pages_language_however_often_they_are_read(make_app):
    """A module table's label (lazy words) is looked up once per language and kept, yet never shows one
    language's words on another's page: English, Spanish, English again, and inside speaking()."""
    from flask import render_template_string

    from recovery.tracker.models import CHECKIN_STATUSES

    kept = CHECKIN_STATUSES["kept"]
    app = make_app(**BILINGUAL)
    for language, expected in (("en", "Kept"), ("es", "Cumplido"), ("en", "Kept"), ("es", "Cumplido")):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            assert str(kept) == expected and f"{kept}" == expected
            assert render_template_string("{{ label }}", label=kept) == expected
            with i18n.speaking("en" if language == "es" else "es"):
                assert str(kept) != expected
            assert str(kept) == expected
    tricky = i18n.lazy_gettext("Tom & Jerry <b>")  # escaped on a page like any text, in any language
    with app.test_request_context("/"):
        assert render_template_string("{{ label }}", label=tricky) == "Tom &amp; Jerry &lt;b&gt;"


def test_a_calendars_half_kept_days_use_the_languages_decimal_sign(make_app):
    from datetime import date

    from recovery.tracker.progress import HeatDay
    from recovery.tracker.score import calendar_words

    app = make_app(**BILINGUAL)
    for language, half, label in (("en", "5.5", "Tuesday 1 December 2026: 0.5 of 1 kept"),
                                  ("es", "5,5", "Martes 1 de diciembre de 2026: 0,5 de 1 cumplido")):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            words = calendar_words()
            assert (words.number(5.5), words.number(5.0)) == (half, "5")
            assert HeatDay(date(2026, 12, 1), due=1, done=0.5, words=words).label == label


def test_a_calendar_square_keeps_its_words_per_language_and_kind_of_day(make_app, monkeypatch):
    """A square's words are worked out once per language and kind of day (the same days come back on every
    page); each language still gets its own, every kind of day its own, and the store never outgrows its size."""
    from datetime import date

    from recovery.tracker import progress
    from recovery.tracker.progress import HeatDay
    from recovery.tracker.score import calendar_words

    monkeypatch.setattr(progress, "_LABELS", {})
    monkeypatch.setattr(progress, "_LABELS_MAX", 3)
    app = make_app(**BILINGUAL)
    day = date(2026, 12, 1)
    seen = {}
    for language in ("en", "es", "en", "es"):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            words = calendar_words()
            labels = [HeatDay(day, due=1, done=0.5, words=words).label,
                      HeatDay(day, due=2, done=2.0, words=words).label,
                      HeatDay(day, due=0, done=0.0, words=words).label,
                      HeatDay(day, due=1, done=0.0, today=True, words=words).label]
            fresh = [HeatDay(day, due=1, done=0.5, words=words)._label(words),
                     HeatDay(day, due=2, done=2.0, words=words)._label(words),
                     HeatDay(day, due=0, done=0.0, words=words)._label(words),
                     HeatDay(day, due=1, done=0.0, today=True, words=words)._label(words)]
            assert labels == fresh and len(set(labels)) == 4
            assert seen.setdefault(language, labels) == labels
            assert len(progress._LABELS) <= 3
    assert seen["en"][0] == "Tuesday 1 December 2026: 0.5 of 1 kept"
    assert seen["es"][0] == "Martes 1 de diciembre de 2026: 0,5 de 1 cumplido"
