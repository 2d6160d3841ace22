"""Mend in Spanish, in a real browser: every page of a demo circle made in Spanish, as each role.

Spanish sentences run longer than English ones, so the walk checks what a longer word can break: axe finds
no serious or critical problem (labels, names, contrast) and no page scrolls sideways on a 360 px phone.
The people log in through the Spanish form, by its Spanish labels, as a Spanish speaker would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.e2e.conftest import open_context
from tests.e2e.helpers import DEMO_PASSWORD, blocking, demo_email, demo_ids, describe, overflow, run_axe
from tests.e2e.pages import LOVED_ONE, PERSON, PUBLIC, SUPPORTER, page_urls, redact


@dataclass
class SpanishPage:
    who: str
    path: str
    expected: int
    status: int
    lang: str
    violations: list
    phone_overflow: str | None


def _log_in_in_spanish(context, who: str):
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(demo_email(who))
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(re.compile(r"/(home|supporting/)$"))
    return page


@pytest.fixture(scope="session")
def spanish_walk(browser, spanish_server) -> list[SpanishPage]:
    ids = demo_ids(spanish_server, language="es")
    contexts = {who: open_context(browser, spanish_server, locale="es-MX", extra_http_headers={
        "Accept-Language": "es-MX,es;q=0.9"}) for who in (PUBLIC, PERSON, LOVED_ONE, SUPPORTER)}
    pages = {PUBLIC: contexts[PUBLIC].new_page(),
             **{who: _log_in_in_spanish(contexts[who], who) for who in (PERSON, LOVED_ONE, SUPPORTER)}}
    found = []
    try:
        for who, path, expected in page_urls(spanish_server, ids):
            page = pages[who]
            page.set_viewport_size({"width": 1280, "height": 800})
            response = page.goto(path)
            lang = page.evaluate("() => document.documentElement.lang")
            violations = run_axe(page)
            page.set_viewport_size({"width": 360, "height": 740})
            found.append(SpanishPage(who, path, expected, response.status, lang, violations, overflow(page)))
    finally:
        for context in contexts.values():
            context.close()
    return found


def test_every_spanish_page_is_spanish_and_axe_clean(spanish_walk):
    problems = []
    for check in spanish_walk:
        where = f"{check.who} {redact(check.path)}"
        if check.status != check.expected:
            problems.append(f"{where}: HTTP {check.status}, expected {check.expected}")
        if check.lang != "es":
            problems.append(f'{where}: <html lang="{check.lang}">')
        problems += describe(blocking(check.violations), where)
    assert len(spanish_walk) > 150
    assert not problems, "in Spanish:\n" + "\n".join(problems)


def test_no_spanish_page_scrolls_sideways_on_a_phone(spanish_walk):
    problems = [f"{c.who} {redact(c.path)}: {c.phone_overflow}" for c in spanish_walk if c.phone_overflow]
    assert not problems, "Spanish pages scroll sideways at 360 px:\n" + "\n".join(problems)


def test_sam_checks_a_boundary_in_spanish_on_a_phone(browser, spanish_server):
    """The boundary coach reads Spanish: Sam writes an order and a threat, hears why in Spanish, rewrites it
    as a plan of her own, and saves it; the coach's notes pass axe and fit a 360 px phone."""
    from tests.e2e.helpers import expect

    context = open_context(browser, spanish_server, locale="es-MX", viewport={"width": 360, "height": 740},
                           extra_http_headers={"Accept-Language": "es-MX,es;q=0.9"})
    try:
        page = _log_in_in_spanish(context, LOVED_ONE)
        page.goto("/boundaries/new")
        page.get_by_label("La situación: Si… / Cuando…").fill("Si llegas borracho a la casa")
        page.get_by_label("Lo que haré: Voy a…").fill("Tienes que dejar de beber o si no, te vas a arrepentir.")
        page.get_by_role("button", name="Revisar mis palabras").click()
        notes = page.locator(".coach li")
        expect(notes.first).to_be_visible()
        text = page.locator(".coach").inner_text()
        assert '"tienes que"' in text and '"o si no"' in text, text
        assert "Si llegas borracho a la casa, voy a …" in text  # the rewrite starts from her own situation
        assert not describe(blocking(run_axe(page)), "the coach's notes in Spanish")
        assert overflow(page) is None
        # Her words are kept; she writes what she will do, and the coach finds nothing more to say.
        action = page.get_by_label("Lo que haré: Voy a…")
        assert action.input_value().startswith("Tienes que dejar de beber")
        action.fill("Me iré a dormir a casa de mi hermana y hablaremos mañana.")
        page.get_by_role("button", name="Revisar mis palabras").click()
        expect(page.get_by_text("Esto se lee como un límite claro")).to_be_visible()
        assert page.locator(".coach li").count() == 0
        page.get_by_role("button", name="Guardar").click()
        expect(page.locator(".flashes")).to_be_visible()
        expect(page.get_by_text("Me iré a dormir a casa de mi hermana").first).to_be_visible()
    finally:
        context.close()
