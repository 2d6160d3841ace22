"""The boundary coach: a table of phrasings pinned to the notes they get, plus order, copy and robustness."""

import dataclasses
import random
import re

import pytest

from recovery.boundaries import coach
from recovery.boundaries.coach import CODES, ORDER, Flag, review

OK_ACTION = "I will leave for the evening and stay with my sister."


def row(row_id, expected, situation="", my_action=OK_ACTION, need="", request=""):
    return pytest.param(situation, my_action, need, request, expected, id=row_id)


TABLE = [
    # --- Well-formed boundaries: no notes. A loved one ---
    row("loved-one-home", [], "If you drink at home", "I will leave for the evening and stay with my sister.",
        "I need to feel safe."),
    row("loved-one-money", [], "If you ask me for money", "I will say no and offer to buy groceries instead.",
        "I need to know my savings are safe."),
    row("loved-one-lending-car", [], "When you ask to borrow my car",
        "I will keep my keys with me and offer to drive you to meetings.", "I need my car to get to work."),
    row("loved-one-driving", [], "If you have been drinking",
        "I will not ride in a car you are driving, and I will call a cab for myself.", "I need to stay safe."),
    row("loved-one-night-calls", [], "If you call me after 10 p.m. while you are using",
        "I will let it go to voicemail and call you back the next day.", "I need my sleep to work."),
    row("loved-one-substances-at-home", [], "If I find alcohol or drugs in our home",
        "I will throw them out, and I will tell you calmly that I did.", "I need our home to be free of them.",
        "I'm asking you to keep them out of the house."),
    row("loved-one-rewards-sober-time", [], "When you are sober on a Sunday",
        "I will make you dinner and sit with you on the porch."),
    row("loved-one-natural-consequence", [], "If you miss work because you were drinking",
        "I will not call your boss to cover for you."),
    row("loved-one-kids-safety", [], "If you drive after drinking with the kids in the car",
        "I will take the kids to my sister's for the night and call for help if anyone is in danger."),
    # --- Well-formed boundaries: no notes. A person in recovery ---
    row("recovery-wedding-bar", [], "If there is an open bar at the wedding",
        "I will bring my own drinks and leave after the toast.", "I need to protect my recovery."),
    row("recovery-old-friends", [], "When my old friends invite me out to use",
        "I will say no thanks and go to a meeting or call my sponsor."),
    row("recovery-cravings-at-dinner", [], "If someone asks about my cravings at the family dinner",
        "I will say I'm not talking about that tonight, and change the subject.",
        "I need dinner to be a break from recovery talk.", "I'm asking you to check in with me in private instead."),
    row("recovery-past-in-fights", [], "If you bring up my past drinking during a fight",
        "I will take a break and go for a walk, and we can talk again when we are both calm."),
    row("recovery-phone-checks", [], "When you check my phone without asking",
        "I will tell you how that feels and offer to share my check-ins in the app instead."),
    row("recovery-they-tell-everyone", [], "If you tell everyone about what happened when I relapsed",
        "I will stop sharing my check-ins with you for now."),
    row("recovery-their-silent-treatment", [], "If you give me the silent treatment after a slip",
        "I will tell you I'm ready to talk, and give you space until you are."),
    # --- control ---
    row("control-you-have-to", ["control"], my_action="I will leave, and you have to find a ride home."),
    row("control-request-you-need-to", ["control"], request="You need to go to rehab."),
    row("control-curly-not-allowed", ["control"], my_action="I will lock the door. You\u2019re not allowed in drunk."),
    row("control-wont-let-you", ["control"], my_action="I won't let you drive my car."),
    row("control-forbid", ["control"], my_action="I forbid you to bring beer here, and I will pour it out."),
    row("control-dont-you-dare", ["control"], request="Don't you dare drink at the party."),
    row("control-demand", ["control"], my_action="I demand an apology, and I will wait in my room."),
    row("control-make-you-go", ["control"], my_action="I'm going to make you go to treatment."),
    row("control-youd-better", ["control"], request="You'd better be home by ten."),
    row("control-and-you-will-not", ["control"], my_action="I will call a cab, and you will not drive tonight."),
    row("control-you-cannot", ["control"], request="You cannot drink in this house."),
    row("control-in-need", ["control"], need="You need to respect me."),
    row("control-capitals-and-spaces", ["control"], request="YOU    MUST\tstop   drinking."),
    # --- threat ---
    row("threat-or-else-at-the-end", ["threat"], my_action="I will leave the house. Stop drinking, or else."),
    row("threat-or-else-ultimatum", ["threat"], my_action="Stop drinking or else I'm leaving."),
    row("threat-youll-be-sorry", ["threat"], my_action="I will leave and you'll be sorry."),
    row("threat-you-will-regret", ["threat"], my_action="I will move out and you will regret it."),
    row("threat-last-chance-in-situation", ["threat"],
        situation="If you drink one more time, this is your last chance"),
    row("threat-final-warning", ["threat"], request="This is your final warning: please stop."),
    row("threat-watch-what-happens", ["threat"], request="Keep it up and watch what happens."),
    # --- punishment ---
    row("punish-silent-treatment", ["punishment"], my_action="I will give you the silent treatment for a week."),
    row("punish-take-kids-away", ["punishment"], my_action="I will take the kids away from you."),
    row("punish-tell-everyone", ["punishment"], my_action="I will tell everyone what you did at the party."),
    row("punish-so-you-learn", ["punishment"], my_action="I will leave so you learn what it feels like."),
    row("punish-teach-lesson-in-need", ["punishment"], need="I need to teach you a lesson."),
    row("punish-make-you-pay", ["punishment"], my_action="I will make you pay for this."),
    row("punish-humiliate", ["punishment"], my_action="I will humiliate you in front of your friends."),
    row("punish-punish", ["punishment"], my_action="I will punish you by taking your phone."),
    # --- about_them ---
    row("them-he", ["about_them"], my_action="He stays at his brother's place that night."),
    row("them-they", ["about_them"], my_action="They can find their own ride home."),
    row("them-then-she", ["about_them"], my_action="Then she sleeps at her mom's house."),
    row("them-a-name-no-i", ["about_them"], my_action="Sam sleeps on the couch that night."),
    row("them-starts-with-you-even-with-i", ["about_them"], my_action="You can stay, but I will sleep at my sister's."),
    # --- vague ---
    row("vague-upset", ["vague"], my_action="I'll be upset."),
    row("vague-hurt-and-angry", ["vague"], my_action="I will be really hurt and angry."),
    row("vague-feel-hurt", ["vague"], my_action="I will feel hurt."),
    row("vague-think-about-it", ["vague"], my_action="I'll think about it."),
    row("vague-things-will-change", ["vague"], my_action="Things will change."),
    row("vague-consequences", ["vague"], my_action="There will be consequences."),
    row("vague-something-will-happen", ["vague"], my_action="Something will happen."),
    row("vague-do-something", ["vague"], my_action="I'll do something."),
    row("vague-angry-and-things-change", ["vague"], my_action="I'll be angry, and things will change."),
    row("vague-one-word", ["vague"], my_action="Leave."),
    row("vague-two-words", ["vague"], my_action="I leave"),
    # --- absolute ---
    row("absolute-never", ["absolute"], my_action="I will never lend you money again."),
    row("absolute-always-in-request", ["absolute"], request="Please always text me where you are."),
    row("absolute-at-all-times", ["absolute"], my_action="I will keep my door locked at all times."),
    row("absolute-forever", ["absolute"], my_action="I will stay away from the bar forever."),
    row("absolute-ever-again-in-situation", ["absolute"], situation="If you lie to me ever again"),
    row("absolute-never-unquoted-past-event", ["absolute"],
        situation="When you say you'll never drink again and then you drink"),
    # --- mixed ---
    row("mixed-must-or-else", ["control", "threat", "about_them"], my_action="You must stop drinking or else."),
    row("mixed-you-will-sleep-on-couch", ["control", "about_them"], my_action="then you will sleep on the couch"),
    row("mixed-four-codes", ["control", "threat", "about_them", "absolute"],
        my_action="You will never drink in this house again, or else."),
    row("mixed-must-or-tell-everyone", ["control", "punishment", "about_them"],
        my_action="You must stop or I'll tell everyone about your drinking."),
    row("mixed-sorry-never-speak", ["threat", "punishment", "absolute"],
        my_action="Do it again and you'll be sorry. I'll never speak to you again."),
    row("mixed-see-what-happens-no-i", ["threat", "about_them"], my_action="Drink again and see what happens."),
    row("mixed-curly-make-you-regret", ["control", "threat"],
        my_action="I\u2019m going to make you leave, and you\u2019ll regret it."),
    row("mixed-you-leave-short", ["about_them", "vague"], my_action="You leave."),
    # --- tricky non-triggers ---
    row("ok-i-must-remember", [], my_action="I must remember to breathe, and then I will leave the room."),
    row("ok-polite-request-if-youll-be-late", [], request="I\u2019m asking you to call if you\u2019ll be late."),
    row("ok-please-call-if-you-need-to", [], request="Please call me if you need to talk."),
    row("ok-i-know-you-have-to-work", [], my_action="I know you have to work late, so I will eat dinner without you."),
    row("ok-you-must-be-tired", [], my_action="I know you must be tired, so I will drive us home."),
    row("ok-after-work-you-must-be-tired", [], my_action="After a long shift you must be tired, so I will drive."),
    row("ok-you-need-to-know", [], request="You need to know that I love you, and I'm asking you to call me tomorrow."),
    row("ok-you-will-never-guess", [],
        request="Please call me after your meeting - you will never guess what I made for dinner."),
    row("ok-wont-let-you-down", [], my_action="I won't let you down, and I will go to my meeting every Tuesday."),
    row("ok-my-own-or-else", [], my_action="I will go to a meeting or else call my sponsor."),
    row("ok-my-own-see-what-happens", [], my_action="I will stay for one hour and see what happens."),
    row("ok-always-love-you", [],
        my_action="I will always love you, and I will not give you money while you are using."),
    row("ok-my-last-chance", [], need="I need support because this feels like my last chance."),
    row("ok-not-a-punishment", [], my_action="This is not a punishment; I will leave the room to keep myself calm."),
    row("ok-not-the-silent-treatment", [],
        my_action="I won't give you the silent treatment, but I will leave the room."),
    row("ok-cant-always-answer", [], my_action="I can't always answer late at night, so I will text you back at 8."),
    row("ok-never-inside-curly-quotes", [],
        situation="When you say \u201cI\u2019ll never drink again\u201d and then drink"),
    row("ok-upset-then-an-action", [], my_action="I will be upset, and I will leave the room for an hour."),
    row("ok-whenever-is-not-ever", [], situation="Whenever you drink before a family visit"),
    row("ok-absolute-in-need-is-fine", [], need="I need to feel safe at all times."),
    row("ok-control-words-in-situation", [], situation="If you have to work late and you can't call"),
]


@pytest.mark.parametrize(("situation", "my_action", "need", "ask", "expected"), TABLE)
def test_table(situation, my_action, need, ask, expected):
    """Each phrasing gets exactly the pinned notes, in the stable order."""
    assert expected == [code for code in ORDER if code in expected], "the table itself must list codes in order"
    assert [flag.code for flag in review(situation, my_action, need, ask)] == expected


def assert_a_full_table(table) -> None:
    """At least 40 rows, 12 of them clean, every code triggered somewhere, and no two rows with one name."""
    expected = [p.values[4] for p in table]
    assert len(table) >= 40
    assert sum(1 for e in expected if not e) >= 12
    assert {code for e in expected for code in e} == set(ORDER)
    assert len({p.id for p in table}) == len(table)


def test_table_is_big_enough_and_covers_every_code():
    assert_a_full_table(TABLE)


def test_one_flag_per_code_in_the_stable_order():
    """Text that trips every rule many times gets one note per code, in order."""
    flags = review(
        situation="If you drink, this is your last chance and your final warning. You'll be sorry.",
        my_action="You leave.",
        need="I need to punish you and teach you a lesson so you learn.",
        request="You must stop. You have to stop. You can't drink. Always, never, forever.",
    )
    assert [f.code for f in flags] == ["control", "threat", "punishment", "about_them", "vague", "absolute"]
    assert [f.field for f in flags] == ["request", "situation", "need", "my_action", "my_action", "request"]


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({"my_action": "You must leave."}, "control", "my_action"),
    ({"my_action": OK_ACTION, "request": "You must leave."}, "control", "request"),
    ({"my_action": OK_ACTION, "need": "You have to respect me."}, "control", "need"),
    ({"situation": "If you drink, last chance", "my_action": OK_ACTION}, "threat", "situation"),
    ({"situation": "If you always drink", "my_action": "I will always leave."}, "absolute", "situation"),
], ids=["control-action", "control-request", "control-need", "threat-situation", "absolute-first-field-wins"])
def test_flag_names_the_field(kwargs, code, field):
    """A note names the field it is about; when several fields match, the first in form order."""
    flags = {f.code: f for f in review(**{"situation": "", "my_action": "", **kwargs})}
    assert flags[code].field == field


def test_codes_have_titles():
    """Every code has a short plain title, and CODES lists exactly the six codes."""
    assert tuple(CODES) == ORDER
    for code, title in CODES.items():
        assert title.strip() and len(title) <= 40 and title[0].isupper(), code


def test_message_quotes_what_was_noticed():
    """The message names the words that triggered it, so the note explains itself."""
    flags = {f.code: f for f in review("", "YOU  MUST stop, or else. I will never stay.")}
    assert '"you must"' in flags["control"].message
    assert '"or else"' in flags["threat"].message
    assert '"never"' in flags["absolute"].message


# One input per code, each with the situation "when you come home drunk".
PER_CODE = {
    "control": {"my_action": "I will go out, and you must stay home."},
    "threat": {"my_action": "I will go out, and you'll be sorry."},
    "punishment": {"my_action": "I will give you the silent treatment."},
    "about_them": {"my_action": "He sleeps on the couch that night."},
    "vague": {"my_action": "I will be upset."},
    "absolute": {"my_action": "I will always go to my sister's place."},
}


@pytest.mark.parametrize("code", ORDER)
def test_suggestion_uses_the_users_situation(code):
    """The rewrite idea starts from the user's own situation, and is a short own-action sentence."""
    flags = [f for f in review(situation="when you come home drunk", **PER_CODE[code]) if f.code == code]
    assert len(flags) == 1
    suggestion = flags[0].suggestion
    assert "when you come home drunk, i will \u2026" in suggestion.lower()
    assert suggestion.startswith("Try")
    assert len(suggestion) <= 160


@pytest.mark.parametrize(("situation", "start"), [
    ("when you come home drunk", '"When you come home drunk, I will'),
    ("  You come home   drunk. ", '"If you come home drunk, I will'),
    ("Sam comes home drunk", '"If Sam comes home drunk, I will'),
    ('When you say "just one"', "\"When you say 'just one', I will"),
    ("", '"If \u2026, I will'),
    ("When you stay out late " * 500, '"When you stay out late When you stay out late When you stay out late When you'),
], ids=["when", "no-if-and-extra-spaces", "keeps-a-name", "inner-quotes", "empty", "very-long-is-cut"])
def test_suggestion_start(situation, start):
    """The situation is tidied into the start of an "If/When …, I will …" sentence, cut short if it is long."""
    flags = review(situation, "You must stop.")
    assert flags[0].code == "control"
    assert flags[0].suggestion.startswith("Try: " + start)
    assert len(flags[0].suggestion) <= 200


def test_control_in_a_request_or_a_need_gets_a_fitting_suggestion():
    """A controlling request is turned into an ask, and a controlling need into something about me."""
    in_request = review("If you drink", OK_ACTION, "", "You must stop.")
    in_need = review("If you drink", OK_ACTION, "You need to respect me.", "")
    assert [(f.code, f.field) for f in in_request + in_need] == [("control", "request"), ("control", "need")]
    assert in_request[0].suggestion.startswith('Try: "I\'m asking you to \u2026"')
    assert in_need[0].suggestion.startswith('Try: "I need \u2026"')
    assert all('"If you drink, I will \u2026"' in f.suggestion for f in in_request + in_need)


ALL_FLAGS = [flag for p in TABLE for flag in review(*p.values[:4])] + [
    flag for kwargs in PER_CODE.values() for flag in review(situation="if you drink", **kwargs)]


def test_copy_is_kind_plain_and_short():
    """Every note is one or two short sentences, with no labels for people and no blame words."""
    assert {f.code for f in ALL_FLAGS} == set(ORDER)
    banned = re.compile(r"\b(addict|addicts|alcoholic|junkie|abuser|clean|dirty|stupid|wrong|bad|fail\w*)\b", re.I)
    for flag in ALL_FLAGS:
        assert isinstance(flag, Flag) and flag.field in coach.FIELDS
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", flag.message.strip()) if s]
        assert 1 <= len(sentences) <= 2, flag.message
        assert all(len(s.split()) <= 20 for s in sentences), flag.message
        assert not banned.search(flag.message + " " + flag.suggestion + " " + CODES[flag.code]), flag


def test_flags_are_frozen():
    """A flag cannot be changed after the coach makes it."""
    flag = review("", "You must stop.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.code = "threat"


def test_blank_input_is_left_alone():
    """Empty or blank fields get no notes and raise nothing."""
    assert review("", "") == []
    assert review("   ", "\n\t ", " ", "") == []
    assert review(None, None, None, None) == []


VOCABULARY = ("you must never always or else I will leave punish tell everyone about you \u2019 \u201c \u201d "
              "last chance then he she they see what happens silent treatment , . ; ! ? - \n").split(" ")


@pytest.mark.parametrize("seed", range(5))
def test_huge_input_never_raises(seed):
    """Ten thousand characters in every field: a valid answer with a short suggestion. (A rule that backtracked
    without end would hang here; how fast the coach reads is not a test's business.)"""
    rng = random.Random(seed)
    fields = [" ".join(rng.choice(VOCABULARY) for _ in range(5_000))[:10_000] for _ in range(4)]
    assert all(len(text) == 10_000 for text in fields)
    flags = review(*fields)
    codes = [f.code for f in flags]
    assert codes == [c for c in ORDER if c in codes]
    assert all(len(f.suggestion) < 250 for f in flags)


@pytest.mark.parametrize("text", ["a" * 10_000, " " * 10_000, "'" * 10_000, '"' * 10_000, "é" * 10_000,
                                  "you " * 2_500, "I will be " * 1_000, ", and" * 2_000])
def test_huge_repetitive_input_never_raises(text):
    """Long runs of one character or phrase, in every field, never raise or hang."""
    flags = review(text, text, text, text)
    assert len(flags) == len({f.code for f in flags}) <= len(ORDER)
