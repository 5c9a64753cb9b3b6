"""The deterministic safeguarding check (`actions/safeguarding.py`).

Measured on the shared dev set, the seed and sample-council gold behaviours and the labelled
extra set in `data/safeguarding_extra.jsonl`; then unit tests per category, per idiom, for
normalisation, and for speed on huge input.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from actions.safeguarding import MAX_CHARS, RULES, Assessment, assess, normalise

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
EXTRA = HERE / "data" / "safeguarding_extra.jsonl"
COUNCIL_GOLD = REPO_ROOT / "knowledge_base" / "eval" / "sample_council_gold.jsonl"

TIERS = {"crisis", "urgent", "none"}
CATEGORIES = {
    "suicide", "self_harm", "abuse", "sexual_abuse", "domestic_abuse", "missing_child", "restraint_injury",
    "injury", "neglect_eating", "exploitation", "weapon_violence", "parent_crisis", "parent_harm_risk",
    "exclusion_today", "off_roll", "complaint_named",
}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _describe(rows: list[dict], key: str) -> str:
    return "\n".join(f"  {r['id']}: {r[key]} -> {assess(r[key])}" for r in rows)


# ----- measured sets ----------------------------------------------------------------------------

def test_shared_dev_set_recall_and_false_positives(shared_dir: Path) -> None:
    rows = _rows(shared_dir / "eval" / "safeguarding_dev.jsonl")
    risky = [r for r in rows if r["risk"]]
    safe = [r for r in rows if not r["risk"]]
    assert risky and safe
    missed = [r for r in risky if not assess(r["text"]).at_risk]
    flagged = [r for r in safe if assess(r["text"]).at_risk]
    assert not missed, "missed risky messages:\n" + _describe(missed, "text")
    assert len(flagged) <= 0.10 * len(safe), "too many safe messages flagged:\n" + _describe(flagged, "text")


def _check_behaviours(rows: list[dict]) -> None:
    handoff = [r for r in rows if r["behaviour"] == "HANDOFF"]
    answered = [r for r in rows if r["behaviour"] in {"KB", "KB+SPA", "GAP_HUMAN"}]
    assert handoff and answered
    missed = [r for r in handoff if not assess(r["question"]).at_risk]
    flagged = [r for r in answered if assess(r["question"]).at_risk]
    assert not missed, "HANDOFF questions not flagged:\n" + _describe(missed, "question")
    assert not flagged, "answerable questions flagged:\n" + _describe(flagged, "question")


def test_seed_dev_handoff_behaviour(shared_dir: Path) -> None:
    _check_behaviours(_rows(shared_dir / "eval" / "seed_dev.jsonl"))


def test_sample_council_gold_handoff_behaviour() -> None:
    _check_behaviours(_rows(COUNCIL_GOLD))


def test_extra_set_is_well_formed() -> None:
    rows = _rows(EXTRA)
    assert len(rows) >= 160
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for r in rows:
        assert set(r) == {"id", "text", "risk", "tier"}, r
        assert r["tier"] in TIERS, r
        assert r["risk"] == (r["tier"] != "none"), r
        assert r["text"].strip(), r


def test_extra_set_recall_false_positives_and_tiers() -> None:
    rows = _rows(EXTRA)
    risky = [r for r in rows if r["risk"]]
    safe = [r for r in rows if not r["risk"]]
    missed = [r for r in risky if not assess(r["text"]).at_risk]
    wrong_tier = [r for r in risky if assess(r["text"]).at_risk and assess(r["text"]).tier != r["tier"]]
    flagged = [r for r in safe if assess(r["text"]).at_risk]
    assert not missed, "missed risky messages:\n" + _describe(missed, "text")
    assert not wrong_tier, "wrong tier:\n" + "\n".join(
        f"  {r['id']}: expected {r['tier']}: {r['text']} -> {assess(r['text'])}" for r in wrong_tier)
    assert len(flagged) <= 0.05 * len(safe), "too many safe messages flagged:\n" + _describe(flagged, "text")


# ----- per category -------------------------------------------------------------------------------

CASES: list[tuple[str, str, str]] = [
    # suicide (a child's statements, plans, attempts, including past ones)
    ("my son said he wants to go to sleep and never wake up", "crisis", "suicide"),
    ("she has written goodbye notes to her friends", "crisis", "suicide"),
    ("he told me hes got a plan and wont say what it is", "crisis", "suicide"),
    ("my 10 yr old keeps saying everyone would be better off without him", "crisis", "suicide"),
    ("he took an overdose two years ago and now hes low again", "crisis", "suicide"),
    ("she tried to end her life in the summer holidays", "crisis", "suicide"),
    ("my daughter is suicidal and camhs wont see her", "crisis", "suicide"),
    ("ds keeps asking how many pills it would take to die", "crisis", "suicide"),
    ("he says he wishes he was never born", "crisis", "suicide"),
    ("she said she wants 2 die", "crisis", "suicide"),
    ("my son keeps saying he wants to unalive himself", "crisis", "suicide"),
    ("she keeps asking if it would hurt to die", "crisis", "suicide"),
    # self-harm
    ("found cuts on her thighs when she got out the bath", "crisis", "self_harm"),
    ("he has been scratching himself till he bleeds", "crisis", "self_harm"),
    ("my daughter has started self-harming", "crisis", "self_harm"),
    ("he bangs his head on the floor until it bruises", "crisis", "self_harm"),
    # abuse by family or others
    ("i think her uncle is abusing her", "crisis", "abuse"),
    ("his dad hits him with a belt when hes naughty", "crisis", "abuse"),
    ("my mum told my son it was their little secret", "crisis", "abuse"),
    ("her stepmum locks her in the cupboard when she has meltdowns", "crisis", "abuse"),
    ("he comes back from contact with bruises on his back", "crisis", "abuse"),
    ("my child is in danger", "crisis", "abuse"),
    ("someone is hurting my child", "crisis", "abuse"),
    ("she doesnt feel safe at her dads", "crisis", "abuse"),
    # sexual abuse, grooming
    ("a man on fortnite keeps asking my son for pictures and says not to tell his mum", "crisis", "sexual_abuse"),
    ("she said her cousin touched her in her private parts", "crisis", "sexual_abuse"),
    # domestic abuse
    ("my husband strangled me last week and the kids saw it", "crisis", "domestic_abuse"),
    ("my ex takes my bank card and checks my phone every night", "crisis", "domestic_abuse"),
    ("my partner gets violent when hes been drinking", "crisis", "domestic_abuse"),
    # restraint, seclusion, injury at school
    ("staff held him down on the floor for half an hour", "crisis", "restraint_injury"),
    ("they locked her in the calm room on her own and she couldnt get out", "crisis", "restraint_injury"),
    ("came home with bruises on his arms after the lsa restrained him", "crisis", "restraint_injury"),
    ("the escort grabbed his wrist so hard it left a mark", "crisis", "restraint_injury"),
    ("they dont let her go to the toilet in isolation", "crisis", "restraint_injury"),
    ("he came out of school with a bump on his head and nobody rang me", "crisis", "restraint_injury"),
    # missing child
    ("my son hasnt come home and its 11pm", "crisis", "missing_child"),
    ("she ran away from her residential placement this afternoon", "crisis", "missing_child"),
    ("hes autistic and nobody knows where he is", "crisis", "missing_child"),
    ("my 14 yr old hasnt been seen since yesterday", "crisis", "missing_child"),
    # exploitation
    ("hes coming home at 3am with money he cant explain", "crisis", "exploitation"),
    ("some older boys have been giving him cash to carry parcels for them", "crisis", "exploitation"),
    ("found a second phone in her bag that we never bought", "crisis", "exploitation"),
    # weapons and threats
    ("found a knife in his school bag this morning", "crisis", "weapon_violence"),
    ("he says hes going to stab the boy who bullies him", "crisis", "weapon_violence"),
    ("some lads beat him up on the way home from school", "crisis", "weapon_violence"),
    # eating
    ("she hasnt eaten for five days and is really weak", "crisis", "neglect_eating"),
    ("he has lost so much weight you can see his ribs", "crisis", "neglect_eating"),
    ("shes stopped eating", "crisis", "neglect_eating"),
    # parent in crisis
    ("i cant do this anymore", "crisis", "parent_crisis"),
    ("honestly think my kids would be better off without me", "crisis", None),
    ("I can't go on, nobody helps", "crisis", "parent_crisis"),
    ("i keep having thoughts of crashing the car on the way to school", "crisis", "parent_crisis"),
    ("not slept for days and im having really dark thoughts", "crisis", "parent_crisis"),
    # a parent who may harm their child
    ("i dont trust myself with him right now", "crisis", "parent_harm_risk"),
    ("i was so close to hitting him tonight", "crisis", "parent_harm_risk"),
    # urgent: exclusion today
    ("school sent him home at lunch today and said dont bring him back tomorrow", "urgent", "exclusion_today"),
    ("she has been excluded for 5 days from tomorrow", "urgent", "exclusion_today"),
    ("they told me he cant come in tomorrow because there is no staff", "urgent", "exclusion_today"),
    # urgent: off-rolling, home education under pressure, no education
    ("the school want me to take her off roll", "urgent", "off_roll"),
    ("the head says home educate or hell be excluded", "urgent", "off_roll"),
    ("he has had no school place since september", "urgent", "off_roll"),
    # urgent: complaint about a named school or member of staff
    ("I want to complain about the SENCO at Hillside Primary", "urgent", "complaint_named"),
    ("I want to complain about the head", "urgent", "complaint_named"),
    ("Mrs Smith the TA keeps shouting at him and I want to make a complaint", "urgent", "complaint_named"),
    ("Greenfield Academy keep ignoring his EHCP and I want to take it further", "urgent", "complaint_named"),
    ("[named] Academy have been awful to him", "urgent", "complaint_named"),
]


@pytest.mark.parametrize(("text", "tier", "category"), CASES)
def test_category(text: str, tier: str, category: str | None) -> None:
    result = assess(text)
    assert result.tier == tier, result
    if category is not None:
        assert result.category == category, result
    assert result.category in CATEGORIES
    assert result.rules


def test_every_category_is_reachable() -> None:
    seen = {assess(text).category for text, _, _ in CASES}
    assert CATEGORIES - {"injury"} <= seen
    assert assess("there was blood all over his pillow this morning").category == "injury"


# ----- near-misses: idioms, sport injuries, policy questions, ordinary worries ----------------------

NEAR_MISSES = [
    # idioms
    "his new TA is killing it",
    "dying to know when the panel meets",
    "could murder a coffee after that meeting",
    "the new sensory room is to die for",
    "he smashed his swimming badge!",
    "at the end of my tether with this website lol",
    "he shot up three reading levels",
    "she cried happy tears at her leavers assembly",
    "i could kill for a holiday",
    "my son is smashing it at college",
    "we nearly died laughing",
    "she is scared to death of the hand dryers",
    "the nativity was a total car crash but he loved it",
    "hes dead set on going to college",
    # sport and everyday injuries
    "he hurt his knee at football, can he skip PE?",
    "she hurt her ankle at netball",
    "bruised his shin at rugby training",
    "he fell off his bike and broke his wrist, will school give him a scribe?",
    "my daughter bruises easily because of her condition, does school need a care plan",
    "the nurse took blood for his diabetes review",
    # policy questions
    "what's the difference between a suspension and a permanent exclusion in the behaviour policy?",
    "what's the restraint reduction training?",
    "can a school exclude a child with an EHCP",
    "how do I complain about the council's decision",
    "what is the complaints procedure",
    "what is county lines and how do schools teach it",
    "is there a knife crime awareness workshop for parents",
    "our pcf is running a self-harm awareness session",
    "what training do staff get in suicide prevention?",
    "what counts as abuse under the safeguarding policy",
    "what happens if a child goes missing on a school trip",
    "whats the difference between a managed move and being taken off roll?",
    "we have decided to home educate from september, does the council help?",
    "can the head send a child home for the afternoon without calling it an exclusion?",
    "how long can a suspension last?",
    # ordinary worries
    "the fire alarm scares her",
    "we are desperate for a speech therapist, the waiting lists are so long",
    "self-care morning for parent carers, can it go on the events page?",
    "school refused to assess, what now",
    "my son has a plan now! the EHCP was finalised today",
    "she has a plan for her revision and wont let me help",
    "hes been missing his dad since he moved out",
    "the taxi never turned up again this morning",
    "he needs help using a knife and fork",
    "he runs off in supermarkets, is there a lanyard scheme?",
    "my autistic son wakes at 3am every night, is there sleep help",
    "shes a picky eater and only eats beige food",
    "hes lost a bit of weight on his adhd meds, the gp is monitoring it",
    "the senco has been brilliant, who do I send a compliment to?",
    "the head said maybe we should home educate because they cant meet his needs. should we?",
    "school keep phoning me to pick him up at lunch to calm down, is that allowed",
    "every time we visit schools they say they cant meet his needs and push us elsewhere",
    "should i use the spa email if im worried a child is being hurt at home",
    # everyday uses of alarming words
    "he hit his head on the climbing frame, school rang straight away and did a head injury form",
    "the dentist took out his tooth and there was some bleeding, can he go to school tomorrow?",
    "she has epilepsy and fainted in assembly, does she need a care plan?",
    "my son has a pretend gun for his cowboy costume on world book day",
    "he was shot in the school play, he loved it",
    "school sent her home with a bug today",
    "they send him home at lunchtime most days is that allowed",
    "is it legal for school to put him in isolation all day",
    "can school ban him from playtime as a punishment",
    "the school wont let me see his sen records, can they do that",
    "he locked the door to his room because his brother kept coming in",
    "she feels left out at lunch and sits on her own, any friendship groups?",
    "my son is in danger of failing his gcses",
    "hes stopped eating meat, can school do vegetarian meals?",
    "if he eats one more biscuit ill kill him haha",
    "i want to report a broken link on the local offer site",
    "are there any support groups for parents of children who self harm",
    "what is a suicide risk assessment",
    "my son ran away with the prize at sports day",
    "she has two phones, one for school and one for home",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_miss_is_not_flagged(text: str) -> None:
    result = assess(text)
    assert result == Assessment("none", None, ()), result


# ----- tiers, shape and normalisation ---------------------------------------------------------------

def test_crisis_wins_over_urgent() -> None:
    result = assess("I want to complain about the head at Oakfield Academy. They held him down and he has bruises")
    assert result.tier == "crisis"
    assert result.category == "restraint_injury"
    assert any(r.startswith(("complain", "named")) for r in result.rules)


def test_assessment_shape() -> None:
    result = assess("my son said he wants to die")
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.tier = "none"  # type: ignore[misc]
    assert result.at_risk
    assert not assess("what is the local offer").at_risk
    assert assess("what is the local offer") == Assessment("none", None, ())


def test_rules_never_carry_message_text() -> None:
    text = "my daughter said she wants to kill herself tonight"
    result = assess(text)
    names = {rule.name for rule in RULES}
    assert set(result.rules) <= names
    assert all(word not in " ".join(result.rules) for word in ("daughter", "tonight"))


def test_rule_names_are_unique_and_tidy() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert all(rule.category in CATEGORIES for rule in RULES)
    assert all(rule.tier in {"crisis", "urgent"} for rule in RULES)


@pytest.mark.parametrize("text", [
    "he said he doesn\u2019t want to be alive anymore",   # curly apostrophe
    "he said he doesn't want to be alive anymore",        # straight apostrophe
    "he said he doesnt want to be alive anymore",         # none
    "HE SAID HE DOESNT WANT TO BE ALIVE ANYMORE",         # capitals
    "he  said\the\ndoesnt   want to be  alive anymore",   # odd whitespace
    "\u201cI don\u2019t want to be alive anymore\u201d he said",  # curly quotes
])
def test_normalisation_variants(text: str) -> None:
    assert assess(text).tier == "crisis"


@pytest.mark.parametrize(("text", "tier"), [
    ("I CAN\u2019T DO THIS ANYMORE", "crisis"),
    ("she\u2019s self-harming again", "crisis"),
    ("shes selfharming again", "crisis"),
    ("He\u2019s been EXCLUDED today", "urgent"),
    ("hes been excluded today", "urgent"),
    ("i want to complain about the SENCO", "urgent"),
])
def test_apostrophes_and_case_do_not_matter(text: str, tier: str) -> None:
    assert assess(text).tier == tier


@pytest.mark.parametrize(("text", "tier"), [
    ("he said he wants 2 die", "crisis"),
    ("i think some1 is hurting him", "crisis"),
    ("u wont believe it, hes been excluded today", "urgent"),
    ("hes got 2 days left of term", "none"),
])
def test_text_speak(text: str, tier: str) -> None:
    assert assess(text).tier == tier


def test_normalise() -> None:
    assert normalise("  He\u2019s   SELF\u2010harming\n") == "hes self harming"
    assert normalise("\u201cdon\u2019t\u201d") == '"dont"'
    assert normalise("wants 2 die b4 school") == "wants to die before school"
    assert len(normalise("x" * 50_000)) == MAX_CHARS


@pytest.mark.parametrize("text", ["", "   ", "\n", "?", "a"])
def test_empty_and_trivial_messages(text: str) -> None:
    assert assess(text) == Assessment("none", None, ())


@pytest.mark.parametrize("chunk", [
    "a",
    "my son ",
    "he said . ",
    "held him ",
    "complain about the head of ",
    "older lads " ,
    "isolation room ",
    "hes not ",
])
def test_huge_message_is_fast(chunk: str) -> None:
    text = (chunk * (20_000 // len(chunk) + 1))[:20_000]
    start = time.perf_counter()
    result = assess(text)
    assert time.perf_counter() - start < 1.0
    assert result.tier in TIERS


def test_risk_at_the_start_of_a_long_message_is_still_seen() -> None:
    text = "my daughter said she wants to die. " + "we have an annual review soon. " * 700
    assert assess(text).tier == "crisis"
