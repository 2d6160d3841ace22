"""The boundary coach's rules for boundaries written in Spanish (the notes themselves are in the catalogue).

The same six notes as in English (see coach.py), read the way Spanish is written: the person is often only in the
verb ("Saldré a caminar", "Me quedo con mi hermana"), "usted" and "tú" both count as the other person, and accents
may be left out ("saldre", "prohibo", "jamas"), so every phrase is matched with and without them. The words
quoted back in a note are the person's own, accents and all.

  control     (my_action, need, request) An order or a ban: "tienes que", "usted tiene que", "debes", "necesitas",
              "no puedes", "no tienes permitido", "más te vale", "te prohíbo", "te exijo", "exijo que",
              "no te voy a permitir", "te voy a obligar a", "haré que dejes…", "ni se te ocurra", "no te atrevas";
              and at the start of a clause "(no) vas a …" or a "you will" verb ("Dejarás de beber", "Te irás").
              Not an order: after si, cuando, que, aunque, porque, sé, entiendo, creo… ("Sé que tienes que
              trabajar"); "debes (de) estar cansado"; "tienes que saber"; "no puedes imaginar"; "vas a" or a
              "you will" verb that predicts or feels ("vas a estar bien", "verás", "te vas a sentir mejor").
              Asking ("te pido que", "por favor", "¿podrías…?") is never flagged.
  threat      (all fields) "o si no", "te vas a arrepentir", "te arrepentirás", "lo vas a lamentar", "ya verás",
              "ya vas a ver", "verás lo que pasa", "a ver qué pasa", "última oportunidad", "último aviso",
              "última advertencia", "te lo advierto", "atente a las consecuencias". Not a threat: "o si no" and
              "a ver qué pasa" in a sentence that starts with me ("Iré a una reunión o si no llamaré a mi
              madrina"); "mi última oportunidad".
  punishment  (my_action, need, request) "darte una lección", "para que aprendas", "me las vas a pagar",
              "hacerte pagar", "castigo/castigar…", "la ley del hielo", "no te volveré a hablar", "nunca más te
              hablaré", "quitarte a los niños", "no volverás a ver a los niños", "contarle a todos / a toda la
              familia / a tu jefe" + what you did, "humillar…", "avergonzarte", "a ver si te gusta", "para que
              veas lo que se siente". Not flagged after a "no" word ("Esto no es un castigo").
  about_them  (my_action) It starts with tú / usted / él / ella / ellos / ellas (after an optional "entonces"),
              or nothing in it is about me: no yo, me, mi, conmigo, nos, nuestro…, no verb of mine ("saldré",
              "voy", "me quedo", "hablaremos", "alejarme"). Skipped when the action is already vague.
  vague       (my_action) Under two words ("Saldré."), or every part of it is only a feeling or an unclear
              outcome: "me voy a enojar", "estaré muy molesta", "me sentiré herido", "lo pensaré", "haré algo",
              "ya veremos", "las cosas van a cambiar", "habrá consecuencias", "algo va a pasar".
  absolute    (situation, my_action, request) "nunca", "jamás", "siempre", "para siempre", "nunca más",
              "en todo momento", "de por vida", "todo el tiempo". Not flagged: "siempre que" and "siempre y
              cuando" (they mean "whenever" and "as long as"), "no siempre", "casi siempre", "como siempre",
              "te querré siempre", "siempre te voy a querer", "nunca dejaré de quererte".
"""

from __future__ import annotations

import re

from recovery.boundaries.reading import Action, Rules, clause_start, negated, next_words, sentence_before, word_before

# Accents off, one letter for one, so a match in the bare text is the same span in the person's own words.
_BARE = str.maketrans("áéíóúüñ", "aeiouun")


def _bare(text: str) -> str:
    return text.translate(_BARE)


def _words(*parts: str) -> frozenset[str]:
    return frozenset(" ".join(parts).split())


_NEGATION = re.compile(r"\b(?:no|nunca|jamas|sin|ni|tampoco|nada)\b")
_JOINS = "entonces|y|e|o|u|pero|ahora|tambien|sino|si no|luego|asi que|pues|ademas"


def _first(text: str, pattern: re.Pattern[str], keep=None) -> str | None:
    """The person's own words for the first match of `pattern` in the bare text that `keep` accepts."""
    bare = _bare(text)
    for m in pattern.finditer(bare):
        if keep is None or keep(text, bare, m):
            return text[m.start():m.end()]
    return None


# --- Me (first person) ------------------------------------------------------------------------

_MINE = _words("yo me mi mis conmigo mio mia mios mias nos nosotros nosotras nuestro nuestra nuestros nuestras",
               "voy vamos estoy soy doy he",
               # Everyday verbs in "I" form, said for a plan: "Salgo de la casa", "Me quedo con mi hermana".
               "salgo hago pongo tengo digo vengo traigo quedo cuelgo llamo dejo duermo pido puedo quiero necesito",
               "pienso prefiero busco hablo tomo presto apago cierro espero vuelvo regreso sigo elijo",
               "decido prometo acepto ceno bebo camino guardo escribo contesto respondo cuido protejo mantengo llevo")
_NOT_MINE = _words("qué bebé café josé puré bidé comité duerme")
_US_VERB = re.compile(r"[a-zñ]{2,}(?:amos|emos|imos)")
_ME_AFTER_VERB = re.compile(r"[a-z]{2,}(?:arme|erme|irme|arnos|ernos|irnos|ndome|ndonos)")  # "alejarme"


def _is_mine(word: str) -> bool:
    """Whether one word is about me: a pronoun of mine, or a verb whose ending says "I" or "we"."""
    bare = _bare(word)
    if word in _NOT_MINE:
        return False
    if bare in _MINE or _US_VERB.fullmatch(bare) or _ME_AFTER_VERB.fullmatch(bare):
        return True
    if word.endswith("é") and len(word) >= 3:
        return True  # "saldré", "iré", "llamé"
    # "saldre", "llamare" typed without the accent; not "quiere", "prefiere" (they are about someone else).
    return len(bare) >= 5 and bare.endswith(("are", "ere", "ire")) and not bare.endswith(("iere", "uere"))


def _has_me(text: str) -> bool:
    return any(_is_mine(word) for word in re.findall(r"[^\W\d_]+", text))


def _starts_with_me(sentence: str) -> bool:
    words = re.findall(r"[^\W\d_]+", sentence)
    while words and _bare(words[0]) in {"entonces", "y", "e", "pero", "asi", "que", "luego", "pues"}:
        words.pop(0)
    return bool(words) and _is_mine(words[0])


# --- Control ----------------------------------------------------------------------------------

_SOFTENERS = _words("ya nunca no siempre todavia tambien realmente solo de verdad bien muy tan")
_LEAD_NOT_AN_ORDER = _words("si cuando aunque porque que mientras hasta como donde se entiendo creo pienso siento",
                            "ojala quizas quiza vez lo todo nada algo sabes sabe cuanto ni sabemos imagino",
                            "espero supongo noto veo")
# After "vas a" (or a "you will" verb): words that predict or feel rather than order.
_PREDICTING = _words("ver saber estar sentir sentirte sentirse encontrar encontrarte entender querer poder necesitar",
                     "extranar extranarme ser dar darte gustar encantar arrepentir arrepentirte lamentar lamentarlo",
                     "creer imaginar alegrar alegrarte recordar notar divertir divertirte sorprender ir")
_PREDICTING_WILL = _words("veras sabras entenderas sentiras encontraras querras podras estaras seras extranaras",
                          "recordaras notaras daras arrepentiras lamentaras alegraras imaginaras creeras necesitaras",
                          "gustara encantara divertiras")
_NOT_A_VERB = _words("eras caras claras raras varas paras ceras fieras maneras carreras tijeras primaveras afueras",
                     "esferas mascaras camaras peras esperas horas para")

_YOU_ORDER = re.compile(r"\b(?:(?:tu )?tienes que|usted tiene que|ustedes tienen que|(?:tu )?debes|usted debe|"
                        r"ustedes deben|(?:tu )?necesitas|(?:tu )?no puedes|usted no (?:puede|podra)|no podras|"
                        r"no (?:tienes|tiene) permitido|no (?:te|le|les) (?:esta|estara) permitido|"
                        r"(?:te|le|les) esta prohibido|mas (?:te|le|les) vale)\b")
_YOU_WILL = re.compile(r"\b(?:(?:tu|usted) )?(?:ya )?(?:(?:no|nunca|jamas) )?(?:te )?vas a\b"
                       r"|\busted (?:(?:no|nunca|jamas) )?(?:se |le |lo |la )?va a\b")
_YOU_WILL_VERB = re.compile(r"\b(?:(?:tu|usted) )?(?:ya )?(?:(?:no|nunca|jamas) )?(?:te |le |lo |la |me |se )?"
                            r"([a-zñ]*(?:aras|eras|iras|dras))\b")
_I_CONTROL = re.compile(
    r"\bno (?:te|le|les|lo|la) (?:voy a permitir|vamos a permitir|permitire|permitiremos|permito)\b"
    r"|\b(?:te|le|les|se|te lo|se lo|le lo) prohibo\b|\bprohibir(?:te|le|les)(?:lo)?\b"
    r"|\b(?:te|le|les) (?:voy a prohibir|prohibire)\b"
    r"|\b(?:te|le|les)(?: lo)? exijo\b|\bexijo que\b"
    r"|\b(?:te|le|les|lo|la|los|las) (?:voy a obligar|obligare|obligo) a\b|\bobligar(?:te|le|les|lo|la) a\b"
    r"|\b(?:voy a hacer|hare) que (?:te vayas|dejes|pares|vayas|te internes|busques|admitas|cambies|firmes"
    r"|te disculpes|me pidas|vuelvas)\b"
    r"|\bni se te ocurra\b|\b(?:ni|no) (?:te|se) atrevas?\b")


def _order_kept(text: str, bare: str, m: re.Match[str]) -> bool:
    if word_before(bare, m.start()) in _LEAD_NOT_AN_ORDER:
        return False
    hit = m.group(0)
    words = next_words(bare, m.end(), _SOFTENERS | {"de"})
    first = words[0] if words else ""
    if hit.endswith(("debes", "debe", "deben")):
        return first not in {"estar", "sentir", "sentirte", "sentirse", "haber", "tener", "saber"}
    if hit.endswith(("tienes que", "tiene que", "tienen que", "necesitas")):
        return first not in {"saber", "entender"}
    if hit.endswith(("puedes", "puede", "podras", "podra")):
        return first not in {"imaginar", "imaginarte", "creer", "saber", "entender", "imaginarse"}
    return True


def _will_kept(text: str, bare: str, m: re.Match[str]) -> bool:
    if not clause_start(bare, m.start(), _JOINS):
        return False
    words = next_words(bare, m.end(), _SOFTENERS)
    return not words or words[0] not in _PREDICTING


def _will_verb_kept(text: str, bare: str, m: re.Match[str]) -> bool:
    verb = m.group(1)
    if len(verb) < 4 or verb in _NOT_A_VERB or verb in _PREDICTING_WILL:
        return False
    return clause_start(bare, m.start(), _JOINS) and word_before(bare, m.start()) not in _LEAD_NOT_AN_ORDER


def _find_control(text: str) -> str | None:
    return (_first(text, _YOU_ORDER, _order_kept) or _first(text, _YOU_WILL, _will_kept)
            or _first(text, _YOU_WILL_VERB, _will_verb_kept) or _first(text, _I_CONTROL))


# --- Threat -----------------------------------------------------------------------------------

_THREAT = re.compile(r"\b(?:o si no|(?:te|se) (?:vas|va) a arrepentir|(?:te|se) arrepentiras?|lo (?:vas|va) a lamentar|"
                     r"(?:vas|va) a lamentarlo|lo lamentaras?|ya (?:vas|va) a ver|ya veras?|(?:veras|vas a ver) lo que "
                     r"pasa|a ver que pasa|(?:ultima|unica) (?:oportunidad|advertencia)|(?:ultimo|unico) aviso|"
                     r"(?:te|se) lo (?:advierto|aviso)|atente a las consecuencias)\b")


def _threat_kept(text: str, bare: str, m: re.Match[str]) -> bool:
    hit = m.group(0)
    if hit in {"o si no", "a ver que pasa"} and _starts_with_me(sentence_before(text, m.start())):
        return False  # one of my own options: "Iré a una reunión o si no llamaré a mi madrina"
    return not (hit.startswith(("ultima", "unica", "ultimo", "unico")) and word_before(bare, m.start()) == "mi")


def _find_threat(text: str) -> str | None:
    return _first(text, _THREAT, _threat_kept)


# --- Punishment -------------------------------------------------------------------------------

_KIDS = (r"(?:a )?(?:(?:los|las|tus|sus|mis|nuestros|nuestras|el|la|tu|su|mi) )?(?:ninos|ninas|nino|nina|hijos|hijas|"
         r"hijo|hija|nietos|nietas|bebe|chicos)")
_EVERYONE = r"(?:todos|todo el mundo|toda la familia|tus amigos|todos tus amigos|sus amigos|tu jefe|su jefe)"
_PUNISHMENT = re.compile(r"\b(?:" + "|".join([
    r"(?:dar|ensenar)(?:te|le|les) una leccion",
    r"(?:te|le|les) (?:voy a dar|dare|voy a ensenar|ensenare) una leccion",
    r"para que (?:aprendas|aprenda|aprendan|escarmientes|escarmiente)",
    r"me las (?:vas a pagar|pagaras|va a pagar|pagara)",
    r"hacer(?:te|le|les) pagar",
    r"(?:te|le|les) (?:hare|voy a hacer) pagar",
    r"castig[a-zñ]*",
    r"ley del hielo",
    r"(?:no|nunca) (?:te|le|les) (?:volvere|voy a volver) a (?:hablar|dirigir la palabra)",
    r"no (?:volvere|voy a volver) a hablar(?:te|le|les)",
    r"nunca mas (?:te|le|les) (?:hablare|hablo|voy a hablar|dirigire la palabra)",
    rf"quitar(?:te|le|les) {_KIDS}",
    rf"(?:te|le|les) (?:voy a quitar|quitare) {_KIDS}",
    rf"(?:no|nunca) (?:volveras|vas a volver|volvera|va a volver) a ver {_KIDS}",
    rf"nunca (?:mas )?(?:veras|vas a ver|vera|va a ver) {_KIDS}",
    rf"(?:contar|decir|contare|dire|voy a contar|voy a decir)(?:le|les|selo)? (?:a )?{_EVERYONE} "
    r"(?:lo que|que|sobre|de ti|de usted|como|todo)",
    r"humill[a-zñ]*",
    r"avergonzar(?:te|le|les)",
    r"(?:te|le|les) (?:voy a avergonzar|avergonzare)",
    r"hacer(?:te|le|les) pasar verguenza",
    r"a ver si te gusta",
    r"para que (?:veas|vea|sepas|sepa) (?:lo que|como) se siente",
]) + r")\b")


def _find_punishment(text: str) -> str | None:
    return _first(text, _PUNISHMENT, lambda text, bare, m: not negated(bare, m.start(), _NEGATION))


# --- Absolute ---------------------------------------------------------------------------------

_ABSOLUTE = re.compile(r"\b(?:para siempre|nunca mas|de por vida|en todo momento|todo el tiempo|nunca|jamas|siempre)\b")
_LOVE = r"(?:querre|quiero|amare|amo|voy a querer|voy a amar)"
_ABSOLUTE_OK = re.compile(r"\b(?:no|casi|como|ni) siempre\b|\bsiempre (?:que|y cuando)\b|\blo de siempre\b"
                          rf"|\b(?:te|le|los|las|la|lo) {_LOVE} (?:para )?siempre\b"
                          rf"|\bsiempre (?:te|le|los|las|la|lo) {_LOVE}\b"
                          r"|\bnunca (?:dejare|voy a dejar) de (?:quererte|amarte|quererle|amarle|querer|amar)\b")


def _find_absolute(text: str) -> str | None:
    allowed = [m.span() for m in _ABSOLUTE_OK.finditer(_bare(text))]
    return _first(text, _ABSOLUTE, lambda text, bare, m: not any(a <= m.start() < b for a, b in allowed))


# --- About them and vague (my_action only) ----------------------------------------------------

_STARTS_WITH_THEM = re.compile(r"^[^\w]*(?:(?:y |así que |asi que )?(?:entonces|luego),? )?"
                               r"(?:tú|usted|ustedes|él|ella|ellos|ellas)\b")

_FEEL = (r"(?:(?:enojad|molest|dolid|herid|decepcionad|frustrad|furios|preocupad|asustad|enfadad|cansad|hart|"
         r"agotad|desilusionad|ofendid|traicionad|destrozad|devastad|ansios|estresad|angustiad|avergonzad|celos|"
         r"enojon|disgustad|indignad|resentid|dolorid|tranquil|content|feliz)(?:o|a|os|as)|triste|tristes|mal|fatal|"
         r"de mal humor|feliz|felices)")
_MORE = r"(?:(?:muy|bastante|tan|super|realmente|un poco|demasiado|mas|aun mas|todavia mas|re) )*"
_WHO = r"(?: (?:con|contigo|por|de) [a-zñ]+| contigo| con usted| por eso| por esto)?"
_GOING = r"(?:(?:me|nos) )?(?:(?:voy|vamos) a )?"
_VAGUE_PREDICATE = re.compile("|".join([
    rf"{_GOING}(?:estar|estare|estaremos|sentir(?:me|nos)?|sentire|sentiremos|poner(?:me|nos)?|pondre|pondremos|"
    rf"quedar(?:me|nos)?|quedare|quedaremos)? ?{_MORE}{_FEEL}{_WHO}",
    rf"{_GOING}(?:enoj|molest|enfad|preocup|decepcion|frustr|ofend|alter|entristec|desesper|disgust)[a-zñ]*"
    rf"(?: (?:mucho|muchisimo|bastante))?{_WHO}",
    r"(?:lo |la )?(?:(?:voy|vamos) a )?(?:pensar|pensare|pensaremos|considerar|considerare|meditar|meditare)(?:lo)?"
    r"(?: (?:en eso|en esto|en ello|que hacer|las cosas|bien|mejor|que pasa))?",
    r"(?:(?:voy|vamos) a |tendre que |tendremos que |tengo que )?(?:hacer|hare|haremos|decir|dire|diremos) algo",
    r"(?:(?:voy|vamos) a )?(?:reaccionar|reaccionare|actuar|actuare|responder|respondere|ver|vere|veremos|"
    r"tomar medidas|tomare medidas|decidir|decidire|resolverlo|lo resolvere)"
    r"(?: (?:despues|luego|mas tarde|que hacer))?",
    r"(?:(?:me|nos) )?(?:(?:voy|vamos) a )?(?:encargar|encargare|ocupar|ocupare)(?:me|nos)?(?: de (?:eso|esto|ello))?",
    r"(?:(?:me|nos) )?(?:(?:voy|vamos) a )?(?:replantear|replanteare|reconsiderar|reconsiderare|repensar|repensare)"
    r"(?:me|nos|lo)?(?: (?:todo|las cosas|nuestra relacion|lo nuestro|esto|eso))?",
    r"(?:las cosas|todo|esto|nuestra relacion) (?:va a |van a |podria |podrian |tiene que |tienen que )?"
    r"(?:cambiar|cambiara|cambiaran|ser diferentes?|sera diferente|seran diferentes|ser distint[oa]s?|empeorar|"
    r"empeorara|empeoraran|ponerse fe[oa]s?|se pondra fe[oa]|se pondran fe[oa]s)",
    r"(?:habra|va a haber|puede haber|podria haber|tendras|tendra|vas a tener|va a tener) "
    r"(?:consecuencias|problemas|un problema|lios?)",
    r"algo (?:va a |tiene que |podria )?(?:pasar|pasara|cambiar|cambiara|suceder|sucedera|ocurrir|ocurrira)",
    r"(?:se )?(?:(?:va|van) a )?(?:poner(?:se)?|pondra|pondran) (?:fe[oa]s?|mal|dificil|feo)",
    r"(?:va a ser|sera) (?:malo|dificil|feo|distinto|diferente)",
]))
_VAGUE_SUBJECT = re.compile(r"^(?:(?:y|e|pero|o|u|entonces|luego|asi que|pues) )*(?:(?:yo|nosotros|nosotras|ya) )*")
_VAGUE_ADVERBS = re.compile(r"^(?:(?:probablemente|solo|simplemente|seguramente|realmente|tambien|todavia|"
                            r"de verdad|entonces|quizas?|tal vez|seguro|ya) )*")
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:.!?\u00bf\u00a1]+|\b(?:y|e|o|u|pero|luego|entonces)\b)\s*")


RULES = Rules(finders={"control": _find_control, "threat": _find_threat, "punishment": _find_punishment,
                       "absolute": _find_absolute},
              action=Action(fewest_words=2, clause_split=_CLAUSE_SPLIT, subject=_VAGUE_SUBJECT, adverbs=_VAGUE_ADVERBS,
                            only_feelings=_VAGUE_PREDICATE, starts_with_them=_STARTS_WITH_THEM, has_me=_has_me,
                            bare=_bare))
