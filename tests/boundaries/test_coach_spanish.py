"""The boundary coach reads Spanish: a table of phrasings pinned to the notes they get, as the English table is.

The phrasings are the ones families write: "usted" and "tú", the person only in the verb ("Saldré a caminar"),
accents left out, and the words that are not orders, threats or absolutes in Spanish ("siempre que" means
"whenever", "debes estar cansado" is kindness).
"""

import pytest

from recovery.boundaries.coach import ORDER, review
from recovery.boundaries.reading import language_of
from tests.boundaries.test_coach import assert_a_full_table

OK_ACTION = "Me iré a pasar la noche con mi hermana."


def row(row_id, expected, situation="", my_action=OK_ACTION, need="", request=""):
    return pytest.param(situation, my_action, need, request, expected, id=row_id)


TABLE = [
    # --- Well-formed boundaries: no notes ---
    row("ser-querido-casa", [], "Si bebes en la casa", "Me iré a pasar la noche con mi hermana.",
        "Necesito sentirme segura."),
    row("ser-querido-dinero", [], "Si me pides dinero", "Te diré que no y te ofreceré comprar comida.",
        "Necesito saber que mis ahorros están seguros."),
    row("ser-querido-carro", [], "Cuando me pidas el carro",
        "Guardaré mis llaves y te ofreceré llevarte a tus reuniones.", "Necesito el carro para ir al trabajo."),
    row("ser-querido-manejar", [], "Si has estado bebiendo",
        "No subiré a un carro que tú manejes, y pediré un taxi para mí.", "Necesito estar a salvo."),
    row("ser-querido-llamadas", [], "Si me llamas después de las 10 de la noche mientras estás consumiendo",
        "Dejaré que entre el buzón de voz y te llamaré al día siguiente.", "Necesito dormir para poder trabajar."),
    row("ser-querido-sustancias", [], "Si encuentro alcohol o drogas en nuestra casa",
        "Los tiraré y te diré con calma que lo hice.", "Necesito que nuestra casa esté libre de eso.",
        "Te pido que no los traigas a la casa."),
    row("ser-querido-tiempo-sobrio", [], "Cuando estés sobrio un domingo",
        "Te prepararé la cena y me sentaré contigo en el porche."),
    row("ser-querido-consecuencia-natural", [], "Si faltas al trabajo porque estuviste bebiendo",
        "No llamaré a tu jefe para cubrirte."),
    row("ser-querido-ninos-a-salvo", [], "Si manejas después de beber con los niños en el carro",
        "Llevaré a los niños a casa de mi hermana esa noche y pediré ayuda si alguien está en peligro."),
    row("ser-querido-usted", [], "Si usted llega tarde sin avisar", "Cenaré sin usted y hablaremos al día siguiente."),
    row("ser-querido-sin-acentos", [], "Si llegas borracho", "Saldre de la casa y me quedare con mi hermana."),
    row("recuperacion-boda", [], "Si hay barra libre en la boda",
        "Llevaré mis propias bebidas y me iré después del brindis.", "Necesito cuidar mi recuperación."),
    row("recuperacion-viejos-amigos", [], "Cuando mis viejos amigos me inviten a consumir",
        "Diré que no, gracias, e iré a una reunión o llamaré a mi padrino."),
    row("recuperacion-cena", [], "Si alguien pregunta por mis ganas de consumir en la cena familiar",
        "Diré que hoy no quiero hablar de eso y cambiaré de tema.", "Necesito que la cena sea un descanso.",
        "Te pido que me preguntes en privado."),
    row("recuperacion-pasado", [], "Si sacas mi pasado en una pelea",
        "Tomaré un descanso y saldré a caminar; hablaremos cuando los dos estemos tranquilos."),
    row("recuperacion-cuentan-a-todos", [], "Si le cuentas a todos lo que pasó cuando recaí",
        "Dejaré de compartir mis registros contigo por ahora."),
    row("dos-palabras-bastan", [], "Si gritas", "Me iré."),
    # --- control ---
    row("control-tienes-que", ["control"], my_action="Me iré, y tienes que buscar quién te lleve."),
    row("control-pedido-tienes-que", ["control"], request="Tienes que ir a tratamiento."),
    row("control-no-tienes-permitido", ["control"],
        my_action="Cerraré la puerta. No tienes permitido entrar borracho."),
    row("control-no-te-voy-a-permitir", ["control"], my_action="No te voy a permitir manejar mi carro."),
    row("control-prohibo", ["control"], my_action="Te prohíbo traer cerveza aquí, y la tiraré."),
    row("control-prohibo-sin-acento", ["control"], my_action="Te prohibo beber en la casa y me ire."),
    row("control-ni-se-te-ocurra", ["control"], request="Ni se te ocurra beber en la fiesta."),
    row("control-exijo", ["control"], my_action="Te exijo una disculpa y esperaré en mi cuarto."),
    row("control-obligar", ["control"], my_action="Te voy a obligar a ir a tratamiento."),
    row("control-mas-te-vale", ["control"], request="Más te vale estar en casa a las diez."),
    row("control-y-no-vas-a", ["control"], my_action="Pediré un taxi, y no vas a manejar esta noche."),
    row("control-no-puedes", ["control"], request="No puedes beber en esta casa."),
    row("control-en-la-necesidad", ["control"], need="Debes respetarme."),
    row("control-usted-tiene-que", ["control"], request="Usted tiene que dejar de beber."),
    row("control-dejaras", ["control"], my_action="Dejarás de beber o me iré."),
    row("control-y-dormiras", ["control"], my_action="No te abriré la puerta y dormirás en otro lado."),
    row("control-ya-no-viviras", ["control", "about_them"], my_action="Ya no vivirás aquí."),
    row("control-mayusculas-y-espacios", ["control"], request="TIENES    QUE\tdejar de beber."),
    # --- threat ---
    row("amenaza-o-si-no-al-final", ["threat"], my_action="Me iré de la casa. Deja de beber, o si no."),
    row("amenaza-o-si-no-ultimatum", ["threat"], my_action="Deja de beber o si no me voy."),
    row("amenaza-te-vas-a-arrepentir", ["threat"], my_action="Me iré y te vas a arrepentir."),
    row("amenaza-lo-vas-a-lamentar", ["threat"], my_action="Me mudaré y lo vas a lamentar."),
    row("amenaza-ultima-oportunidad", ["threat"], situation="Si vuelves a beber, es tu última oportunidad"),
    row("amenaza-ultimo-aviso", ["threat"], request="Este es tu último aviso: por favor, para."),
    row("amenaza-ya-veras", ["threat"], request="Sigue así y ya verás."),
    # --- punishment ---
    row("castigo-ley-del-hielo", ["punishment"], my_action="Te aplicaré la ley del hielo por una semana."),
    row("castigo-quitar-ninos", ["punishment"], my_action="Te quitaré a los niños."),
    row("castigo-contar-a-todos", ["punishment"],
        my_action="Le contaré a toda la familia lo que hiciste en la fiesta."),
    row("castigo-para-que-aprendas", ["punishment"], my_action="Me iré para que aprendas lo que se siente."),
    row("castigo-leccion-en-la-necesidad", ["punishment"], need="Necesito darte una lección."),
    row("castigo-me-las-vas-a-pagar", ["punishment"], my_action="Me las vas a pagar."),
    row("castigo-humillar", ["punishment"], my_action="Te voy a humillar delante de tus amigos."),
    row("castigo-castigar", ["punishment"], my_action="Te castigaré quitándote el teléfono."),
    # --- about_them ---
    row("ellos-el", ["about_them"], my_action="Él se queda en casa de su hermano esa noche."),
    row("ellos-ellos", ["about_them"], my_action="Ellos pueden buscar cómo volver a casa."),
    row("ellos-entonces-ella", ["about_them"], my_action="Entonces ella duerme en casa de su mamá."),
    row("ellos-un-nombre", ["about_them"], my_action="Sam duerme en el sofá esa noche."),
    row("ellos-usted", ["about_them"], my_action="Usted duerme en el sofá esa noche."),
    row("ellos-tu-aunque-haya-yo", ["about_them"],
        my_action="Tú puedes quedarte, pero yo dormiré en casa de mi hermana."),
    # --- vague ---
    row("vago-me-voy-a-enojar", ["vague"], my_action="Me voy a enojar."),
    row("vago-dolida-y-enojada", ["vague"], my_action="Estaré muy dolida y enojada."),
    row("vago-me-sentire-herido", ["vague"], my_action="Me sentiré herido."),
    row("vago-lo-pensare", ["vague"], my_action="Lo pensaré."),
    row("vago-las-cosas-van-a-cambiar", ["vague"], my_action="Las cosas van a cambiar."),
    row("vago-consecuencias", ["vague"], my_action="Habrá consecuencias."),
    row("vago-algo-va-a-pasar", ["vague"], my_action="Algo va a pasar."),
    row("vago-hare-algo", ["vague"], my_action="Haré algo."),
    row("vago-enojo-y-cambio", ["vague"], my_action="Me enojaré, y las cosas van a cambiar."),
    row("vago-ya-veremos", ["vague"], my_action="Ya veremos."),
    row("vago-sin-acentos", ["vague"], my_action="Me voy a enojar mucho contigo"),
    row("vago-una-palabra", ["vague"], my_action="Saldré."),
    # --- absolute ---
    row("absoluto-nunca-mas", ["absolute"], my_action="Nunca más te prestaré dinero."),
    row("absoluto-siempre-en-pedido", ["absolute"], request="Por favor, avísame siempre dónde estás."),
    row("absoluto-en-todo-momento", ["absolute"], my_action="Mantendré mi puerta cerrada en todo momento."),
    row("absoluto-para-siempre", ["absolute"], my_action="Me alejaré del bar para siempre."),
    row("absoluto-jamas-sin-acento", ["absolute"], my_action="Jamas te volvere a prestar dinero."),
    row("absoluto-en-la-situacion", ["absolute"],
        situation="Cuando dices que nunca vas a volver a beber y luego bebes"),
    # --- mixed ---
    row("mixto-tienes-que-o-si-no", ["control", "threat", "about_them"],
        my_action="Tienes que dejar de beber o si no."),
    row("mixto-tu-vas-a-dormir", ["control", "about_them"], my_action="Entonces tú vas a dormir en el sofá."),
    row("mixto-cuatro", ["control", "threat", "about_them", "absolute"],
        my_action="Nunca vas a beber en esta casa otra vez, o si no."),
    row("mixto-tienes-que-o-contare", ["control", "punishment"],
        my_action="Tienes que parar o le contaré a todos lo que haces."),
    row("mixto-arrepentir-nunca-hablare", ["threat", "punishment", "absolute"],
        my_action="Vuelve a hacerlo y te vas a arrepentir. Nunca más te hablaré."),
    row("mixto-a-ver-que-pasa-sin-yo", ["threat", "about_them"], my_action="Bebe otra vez y a ver qué pasa."),
    # --- tricky non-triggers ---
    row("ok-se-que-tienes-que-trabajar", [],
        my_action="Sé que tienes que trabajar tarde, así que cenaré sin ti."),
    row("ok-debes-estar-cansado", [], my_action="Debes estar cansado, así que manejaré yo."),
    row("ok-se-que-debes-estar-cansada", [], my_action="Sé que debes de estar cansada, así que yo manejaré."),
    row("ok-si-vas-a-llegar-tarde", [], request="Te pido que me llames si vas a llegar tarde."),
    row("ok-si-necesitas-hablar", [], request="Llámame si necesitas hablar."),
    row("ok-tienes-que-saber", [], request="Tienes que saber que te quiero, y te pido que me llames mañana."),
    row("ok-no-vas-a-creer", [], request="Llámame después de tu reunión; no vas a creer lo que hice de cenar."),
    row("ok-mi-propio-o-si-no", [], my_action="Iré a una reunión o si no llamaré a mi madrina."),
    row("ok-mi-propio-a-ver-que-pasa", [], my_action="Me quedaré una hora y a ver qué pasa."),
    row("ok-siempre-te-voy-a-querer", [],
        my_action="Siempre te voy a querer, y no te daré dinero mientras estés consumiendo."),
    row("ok-mi-ultima-oportunidad", [], need="Necesito apoyo porque siento que es mi última oportunidad."),
    row("ok-no-es-un-castigo", [], my_action="Esto no es un castigo; saldré de la habitación para calmarme."),
    row("ok-no-la-ley-del-hielo", [], my_action="No te aplicaré la ley del hielo, pero saldré de la habitación."),
    row("ok-no-siempre", [], my_action="No siempre puedo contestar tarde en la noche, así que te escribiré a las 8."),
    row("ok-nunca-entre-comillas", [], situation="Cuando dices \u201cnunca voy a volver a beber\u201d y luego bebes"),
    row("ok-enojo-y-una-accion", [], my_action="Me enojaré, y saldré de la habitación por una hora."),
    row("ok-siempre-que-es-cada-vez", [], situation="Siempre que bebas antes de una visita familiar"),
    row("ok-absoluto-en-la-necesidad", [], need="Necesito sentirme segura en todo momento."),
    row("ok-control-en-la-situacion", [], situation="Si tienes que trabajar tarde y no puedes llamar"),
    row("ok-te-sentiras-mejor", [], my_action="Te llevaré a la reunión; te vas a sentir mejor."),
]


@pytest.mark.parametrize(("situation", "my_action", "need", "ask", "expected"), TABLE)
def test_table(situation, my_action, need, ask, expected):
    """Each Spanish phrasing gets exactly the pinned notes, in the stable order."""
    assert expected == [code for code in ORDER if code in expected], "the table itself must list codes in order"
    assert [flag.code for flag in review(situation, my_action, need, ask, language="es")] == expected


def test_table_is_big_enough_and_covers_every_code():
    """As many rows as the English table asks for, and every code is triggered somewhere."""
    assert_a_full_table(TABLE)


def test_the_note_quotes_the_persons_own_words_accents_and_all(app):
    """The words quoted back are the ones typed, with their accents, whether or not the rule needed them."""
    with app.test_request_context():
        flags = {f.code: f for f in review("", "Te PROHÍBO beber, o si no. Jamás me quedaré.", language="es")}
    assert '"te prohíbo"' in flags["control"].message
    assert '"o si no"' in flags["threat"].message
    assert '"jamás"' in flags["absolute"].message


@pytest.mark.parametrize(("texts", "page", "read_as"), [
    (["si bebes", "me iré con mi hermana"], "en", "es"),
    (["if you drink", "i will leave"], "es", "en"),
    (["", "sam"], "es", "es"),  # nothing to tell by: the page's language
    (["", "sam"], "en", "en"),
    (["", "no"], "en", "en"),  # a word both languages use tells nothing
    (["", "ok"], "fr", "fr"),
], ids=["spanish-on-english-page", "english-on-spanish-page", "name-es", "name-en", "shared-word", "other-language"])
def test_the_words_are_read_in_the_language_they_are_written_in(texts, page, read_as):
    assert language_of(texts, page) == read_as


def test_a_boundary_is_read_in_its_own_language_whatever_the_page():
    """English words on a Spanish page get the English notes, Spanish words on an English page the Spanish ones."""
    assert [f.code for f in review("If you drink", "You must stop or else", language="es")] == \
        ["control", "threat", "about_them"]
    assert [f.code for f in review("Si bebes", "Tienes que parar o si no", language="en")] == \
        ["control", "threat", "about_them"]
    # Spanish read by the English rules would have been "no I or my" and nothing else.
    assert [f.code for f in review("Si bebes", "Saldré a caminar con mi hermana", language="en")] == []
    assert review("", "Hör auf zu trinken", language="de") == []  # no rules for the language: no notes


@pytest.mark.parametrize("text", ["á" * 10_000, "tienes que " * 900, "o si no, " * 1_000, "me voy a enojar y " * 500,
                                  "ñ" * 10_000, "¿¡" * 5_000, "nunca siempre jamás " * 500])
def test_huge_spanish_input_never_raises(text):
    """Long runs in every field give a valid answer: at most one note per code, in order."""
    flags = review(text, text, text, text, language="es")
    codes = [f.code for f in flags]
    assert codes == [c for c in ORDER if c in codes]
