"""The SEND glossary: its content, lookup, jargon spotting, first-use expansion and answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.glossary import DEFAULT_PATH, Glossary, GlossaryTerm, normalise


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _all_definitions(glossary: Glossary) -> list[tuple[str, str]]:
    pairs = []
    for term in glossary.terms():
        pairs.append((term.term, term.definition))
        pairs.extend((f"{term.term} ({exp})", definition) for exp, definition in term.meanings)
    return pairs


# ---------------------------------------------------------------------- content


def test_loads_at_least_75_terms(glossary):
    assert len(glossary.terms()) >= 75
    assert all(isinstance(t, GlossaryTerm) for t in glossary.terms())


def test_default_path_is_next_to_the_module():
    assert DEFAULT_PATH.name == "glossary.yml"
    assert DEFAULT_PATH.parent.name == "actions"
    assert len(Glossary.load(DEFAULT_PATH).terms()) == len(Glossary.load().terms())


def test_terms_are_sorted(glossary):
    names = [t.term for t in glossary.terms()]
    assert names == sorted(names, key=str.casefold)


def test_every_definition_is_short_plain_and_present(glossary):
    for name, definition in _all_definitions(glossary):
        assert definition.strip(), name
        assert len(definition) < 400, name
        assert 1 <= len(_sentences(definition)) <= 3, name
        assert not re.search(r"[*_#`\[\]<>]", definition), f"{name}: markdown in definition"
        assert "e.g." not in definition and "i.e." not in definition, name


def test_ambiguous_terms_have_no_single_expansion(glossary):
    ambiguous = [t for t in glossary.terms() if t.meanings]
    assert {t.term for t in ambiguous} >= {"SLT", "CP"}
    for term in ambiguous:
        assert term.expansion is None
        assert len(term.meanings) >= 2
        assert all(exp and definition for exp, definition in term.meanings)


def test_slt_has_both_meanings(glossary):
    slt = glossary.get("SLT")
    assert slt is not None
    expansions = {exp for exp, _ in slt.meanings}
    assert expansions == {"speech and language therapy", "senior leadership team"}


def test_forms_are_unique_across_terms(glossary):
    owner: dict[str, str] = {}
    for term in glossary.terms():
        for form in term.forms:
            key = normalise(form)
            assert key, f"{term.term}: empty alias"
            assert owner.setdefault(key, term.term) == term.term, (
                f"{form!r} is used by both {owner[key]!r} and {term.term!r}"
            )


def test_see_also_points_at_real_terms(glossary):
    names = {t.term for t in glossary.terms()}
    for term in glossary.terms():
        for other in term.see_also:
            assert other in names, f"{term.term}: see_also {other!r} is not a term"
            assert other != term.term


REQUIRED = {
    # question or display form -> term it must resolve to
    "EHCP": "EHCP",
    "EHC needs assessment": "EHC needs assessment",
    "SENCO": "SENCO",
    "SEN support": "SEN support",
    "SEND": "SEND",
    "OAP": "OAP",
    "ordinarily available provision": "OAP",
    "QFT": "QFT",
    "quality-first teaching": "QFT",
    "graduated approach": "graduated approach",
    "assess-plan-do-review": "APDR",
    "SENDIASS": "SENDIASS",
    "EBSA": "EBSA",
    "emotionally based school avoidance": "EBSA",
    "EOTAS": "EOTAS",
    "EOTIS": "EOTIS",
    "PfA": "PfA",
    "preparing for adulthood": "PfA",
    "AP": "AP",
    "alternative provision": "AP",
    "SEMH": "SEMH",
    "SLCN": "SLCN",
    "SALT": "SALT",
    "SLT": "SLT",
    "OT": "OT",
    "EP": "EP",
    "CAMHS": "CAMHS",
    "ASD": "ASD",
    "ASC": "ASC",
    "autism": "autism",
    "ADHD": "ADHD",
    "DCD": "DCD",
    "dyspraxia": "dyspraxia",
    "dyslexia": "dyslexia",
    "dyscalculia": "dyscalculia",
    "PDA": "PDA",
    "HI": "HI",
    "VI": "VI",
    "MSI": "MSI",
    "PD": "PD",
    "MLD": "MLD",
    "SLD": "SLD",
    "PMLD": "PMLD",
    "SpLD": "SpLD",
    "LA": "LA",
    "ICB": "ICB",
    "DSCO": "DSCO",
    "DMO": "DMO",
    "DCO": "DCO",
    "local offer": "local offer",
    "annual review": "annual review",
    "personal budget": "personal budget",
    "direct payments": "direct payments",
    "short breaks": "short breaks",
    "respite": "respite",
    "mediation": "mediation",
    "SEND Tribunal": "SEND Tribunal",
    "First-tier Tribunal": "SEND Tribunal",
    "appeal": "appeal",
    "refusal to assess": "refusal to assess",
    "Section I": "Section I",
    "named school": "Section I",
    "Section B": "Section B",
    "Section F": "Section F",
    "Section H": "Section H",
    "draft plan": "draft plan",
    "final plan": "final plan",
    "phase transfer": "phase transfer",
    "TA": "TA",
    "LSA": "LSA",
    "1:1": "1:1",
    "IEP": "IEP",
    "SEN support plan": "SEN support plan",
    "provision map": "provision map",
    "notional SEN budget": "notional SEN budget",
    "top-up funding": "top-up funding",
    "high-needs funding": "high-needs funding",
    "reasonable adjustments": "reasonable adjustments",
    "part-time timetable": "part-time timetable",
    "exclusion": "exclusion",
    "suspension": "suspension",
    "permanent exclusion": "permanent exclusion",
    "managed move": "managed move",
    "off-rolling": "off-rolling",
    "elective home education": "EHE",
    "EHE": "EHE",
    "CIN": "CIN",
    "CP": "CP",
    "early help": "early help",
    "Portage": "Portage",
    "specialist teacher": "specialist teacher",
    "SPA": "SPA",
    "single point of access": "SPA",
    "PCF": "PCF",
    "parent carer forum": "PCF",
    "Independent Supporter": "Independent Supporter",
    "DLA": "DLA",
    "PIP": "PIP",
    "Carer's Allowance": "Carer's Allowance",
    "post-16": "post-16",
    "NEET": "NEET",
    "supported internship": "supported internship",
    "KS1": "KS1",
    "KS2": "KS2",
    "KS3": "KS3",
    "KS4": "KS4",
    "key stage": "key stage",
    "Reception": "Reception",
    "year groups": "year groups",
    "EYFS": "EYFS",
    "SENIF": "SENIF",
    "inclusion funding": "SENIF",
    "health visitor": "health visitor",
    "paediatrician": "paediatrician",
    "statutory": "statutory",
    "statement of SEN": "statement of SEN",
}


def test_required_terms_are_all_there(glossary):
    missing = {q: want for q, want in REQUIRED.items() if glossary.get(want) is None}
    assert not missing
    wrong = {}
    for question, want in REQUIRED.items():
        found = glossary.lookup(question)
        if found is None or found.term != want:
            wrong[question] = (want, found.term if found else None)
    assert not wrong


# ---------------------------------------------------------------------- lookup


def test_every_term_and_alias_looks_up_to_itself(glossary):
    wrong = []
    for term in glossary.terms():
        for form in term.forms:
            for variant in {form, form.lower(), form.upper()}:
                if variant != form and len(re.sub(r"[^A-Za-z]", "", form)) <= 2:
                    continue  # "hi", "la": a bare lower-case word is not the acronym
                found = glossary.lookup(variant)
                if found is not term:
                    wrong.append((variant, term.term, found.term if found else None))
    assert not wrong


def test_every_expansion_looks_up_to_its_term(glossary):
    for term in glossary.terms():
        if term.expansion:
            assert glossary.lookup(term.expansion) is term, term.expansion
            assert glossary.lookup(f"what does {term.expansion} mean?") is term


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ehcp", "EHCP"),
        ("EHCP", "EHCP"),
        ("what does ehcp mean", "EHCP"),
        ("wats an ehcp", "EHCP"),
        ("What's an EHC plan?", "EHCP"),
        ("e.h.c.p", "EHCP"),
        ("ehcnp", "EHCP"),
        ("whats a senco??", "SENCO"),
        ("what does SENCO stand for", "SENCO"),
        ("sen co", "SENCO"),
        ("who is the SENDCo", "SENCO"),
        ("sendiass", "SENDIASS"),
        ("sendiasss", "SENDIASS"),
        ("sendias", "SENDIASS"),
        ("what is oap", "OAP"),
        ("whats SLT mean", "SLT"),
        ("what does ot mean", "OT"),
        ("what's a TA", "TA"),
        ("what is hi", "HI"),
        ("what is pip?", "PIP"),
        ("what is section a", "Section A"),
        ("what is section i", "Section I"),
        ("what goes in section f of the plan", "Section F"),
        ("what's the difference between SEN support and an EHCP?", "SEN support"),
        ("what is an education, health and care plan", "EHCP"),
        ("speech and language therapy", "SALT"),
        ("how do i appeal", "appeal"),
        ("mediaton", "mediation"),
        ("dyslexic", "dyslexia"),
        ("what is the local ofer", "local offer"),
        ("tell me about short breaks please", "short breaks"),
        ("My child is autistic", "autism"),
        ("what is reception", "Reception"),
        ("what is 1:1 support", "1:1"),
        ("what does EOTAS mean?", "EOTAS"),
        ("what is a PD", "PD"),
    ],
)
def test_messy_questions(glossary, question, expected):
    found = glossary.lookup(question)
    assert found is not None, question
    assert found.term == expected


@pytest.mark.parametrize(
    "question",
    [
        "what is the weather",
        "what is the weather like in Brackenmoor today?",
        "hi there",
        "hi",
        "hello",
        "thanks",
        "i went to la",
        "tell me a joke",
        "what time is it",
        "where is the nearest park",
        "can you help me",
        "what is the capital of France",
        "what is love",
        "how do I apply for a blue badge",
        "my son is being bullied",
        "when does school start",
        "school holidays",
        "what do you mean",
        "",
        "   ",
        "???",
    ],
)
def test_unrelated_questions_find_nothing(glossary, question):
    assert glossary.lookup(question) is None


# ---------------------------------------------------------------------- find_terms


def _found(glossary: Glossary, text: str) -> list[tuple[str, str]]:
    return [(text[s:e], term.term) for s, e, term in glossary.find_terms(text)]


@pytest.mark.parametrize(
    "text",
    [
        "hi there",
        "i went to la",
        "la la land",
        "ap",
        "apply, map, happy, snap, apart",
        "ta very much, ta-da",
        "a pip in my apple",
        "ot, pd, ep, vi, cp",
        "please send it to me",
        "a bag of salt",
        "a day at the spa",
        "full of pep",
        "the reception desk",
        "Year 11 starts at 11:15",
        "EHCPX and XEHCP and SENCOS2",
    ],
)
def test_find_terms_ignores_common_words(glossary, text):
    assert glossary.find_terms(text) == []


def test_short_acronyms_match_in_capitals(glossary):
    text = "Ask the LA, the EP, the OT, the TA and the AP. PIP, PD, HI, VI and SEND."
    assert [term for _, term in _found(glossary, text)] == [
        "LA",
        "EP",
        "OT",
        "TA",
        "AP",
        "PIP",
        "PD",
        "HI",
        "VI",
        "SEND",
    ]


def test_long_acronyms_match_in_any_case(glossary):
    text = "an ehcp, a Senco, the sendiass team, EHCPs and the SENCo's view"
    assert _found(glossary, text) == [
        ("ehcp", "EHCP"),
        ("Senco", "SENCO"),
        ("sendiass", "SENDIASS"),
        ("EHCPs", "EHCP"),
        ("SENCo", "SENCO"),
    ]


def test_find_terms_prefers_the_longest_form(glossary):
    assert _found(glossary, "We asked for an EHC needs assessment and SEN support.") == [
        ("EHC needs assessment", "EHC needs assessment"),
        ("SEN support", "SEN support"),
    ]
    assert _found(glossary, "the SEND Tribunal") == [("SEND Tribunal", "SEND Tribunal")]


def test_find_terms_spans_are_ordered_and_do_not_overlap(glossary):
    text = (
        "The SENCO said the EHCP review and the SEN support plan go to the LA; "
        "SALT and OT are in Section F, with 1:1 help from a TA."
    )
    found = glossary.find_terms(text)
    assert len(found) >= 8
    last_end = 0
    for start, end, term in found:
        assert start >= last_end
        written = normalise(text[start:end])
        forms = {normalise(f) for f in term.forms}
        assert written in forms or written.removesuffix("s") in forms, written
        last_end = end


def test_find_terms_skips_links_and_email_addresses(glossary):
    text = "See https://brackenmoor.gov.uk/send/ehcp-guide or email sendiass@brackenmoor.gov.uk"
    assert glossary.find_terms(text) == []


def test_flexible_spelling_in_text(glossary):
    assert _found(glossary, "co production and coproduction") == [
        ("co production", "co-production"),
        ("coproduction", "co-production"),
    ]
    assert _found(glossary, "the Carer’s Allowance") == [("Carer’s Allowance", "Carer's Allowance")]


# ---------------------------------------------------------------------- expand_first_use


def test_expand_first_use_example(glossary):
    text, done = glossary.expand_first_use("Ask the SENCO about an EHCP")
    assert text == (
        "Ask the SENCO (special educational needs co-ordinator) about an EHCP "
        "(education, health and care plan)"
    )
    assert done == {"SENCO", "EHCP"}


def test_expand_only_the_first_use(glossary):
    text, _ = glossary.expand_first_use("The EHCP is legal. Your EHCP says what help to give.")
    assert text.count("education, health and care plan") == 1
    assert text.startswith("The EHCP (education, health and care plan) is legal.")


def test_expand_skips_terms_already_expanded(glossary):
    text, done = glossary.expand_first_use("Ask the SENCO about an EHCP", {"EHCP"})
    assert text == "Ask the SENCO (special educational needs co-ordinator) about an EHCP"
    assert done == {"EHCP", "SENCO"}
    again, done_again = glossary.expand_first_use("Ask the SENCO about an EHCP", done)
    assert again == "Ask the SENCO about an EHCP"
    assert done_again == done


def test_expand_default_already_is_not_mutated(glossary):
    already = {"LA"}
    glossary.expand_first_use("The LA and the EHCP", already)
    assert already == {"LA"}


@pytest.mark.parametrize(
    "text",
    [
        "An education, health and care plan (EHCP) sets out help. The EHCP is reviewed.",
        "An EHCP (education, health and care plan) sets out help. The EHCP is reviewed.",
        "An EHCP (Education, Health and Care Plan) sets out help.",
        "An education health and care plan, or EHCP, sets out help.",
    ],
)
def test_expand_does_not_repeat_a_written_expansion(glossary, text):
    new_text, done = glossary.expand_first_use(text)
    assert new_text == text
    assert "EHCP" in done


def test_expand_knows_co_ordinator_spellings(glossary):
    text = "The special educational needs coordinator (SENCO) can help."
    assert glossary.expand_first_use(text)[0] == text


def test_ambiguous_terms_are_not_expanded(glossary):
    text = "The SLT will meet the family. A CP plan may follow."
    new_text, done = glossary.expand_first_use(text)
    assert new_text == text
    assert "SLT" not in done and "CP" not in done


def test_words_without_expansion_are_left_alone(glossary):
    text = "Read the local offer before the annual review; ask for speech therapy."
    new_text, done = glossary.expand_first_use(text)
    assert new_text == text
    assert done == set()


def test_acronyms_inside_longer_forms_are_expanded(glossary):
    text, done = glossary.expand_first_use("Your EHCP review and the SEN support plan.")
    assert text == (
        "Your EHCP (education, health and care plan) review and the SEN "
        "(special educational needs) support plan."
    )
    assert done == {"EHCP", "SEN"}


def test_expand_plurals_and_lower_case(glossary):
    text, _ = glossary.expand_first_use("Two TAs and an ehc plan.")
    assert text == "Two TAs (teaching assistant) and an ehc plan (education, health and care plan)."


def test_expand_is_stable(glossary):
    once, done = glossary.expand_first_use("The LA must name a school in the EHCP.")
    twice, _ = glossary.expand_first_use(once)
    assert twice == once
    assert done == {"LA", "EHCP"}


def test_expand_leaves_links_and_common_words(glossary):
    text = "hi, see https://example.org/EHCP for la la land"
    assert glossary.expand_first_use(text) == (text, set())


# ---------------------------------------------------------------------- answer


def test_answer_with_expansion(glossary):
    text = glossary.answer(glossary.get("EHCP"))
    assert text.startswith("EHCP means education, health and care plan. ")
    assert glossary.get("EHCP").definition in text


def test_answer_for_ambiguous_term_gives_every_meaning(glossary):
    text = glossary.answer(glossary.lookup("whats SLT mean"))
    assert "speech and language therapy" in text.lower()
    assert "senior leadership team" in text.lower()


def test_answer_without_expansion(glossary):
    text = glossary.answer(glossary.get("local offer"))
    assert text.startswith("Local offer: ")


def test_answers_are_plain_text(glossary):
    for term in glossary.terms():
        text = glossary.answer(term)
        assert text.strip()
        assert not re.search(r"\*\*|__|`|^#|^\s*[-*] ", text, re.MULTILINE), term.term
        assert "\n" not in text


# ---------------------------------------------------------------------- statutory facts


def _definition(glossary: Glossary, name: str) -> str:
    term = glossary.get(name)
    assert term is not None, name
    return term.definition


def test_assessment_time_limits(glossary):
    assessment = _definition(glossary, "EHC needs assessment")
    assert "6 weeks" in assessment and "20 weeks" in assessment
    assert "6 weeks" in _definition(glossary, "refusal to assess")
    assert "16 weeks" in _definition(glossary, "refusal to issue")
    assert "20 weeks" in _definition(glossary, "final plan")
    assert "15 days" in _definition(glossary, "draft plan")


def test_week_figures_are_only_the_statutory_ones(glossary):
    for name, definition in _all_definitions(glossary):
        for weeks in re.findall(r"(\d+) weeks", definition):
            assert weeks in {"4", "6", "16", "20"}, name
        if "20 weeks" in definition:
            assert "request" in definition, name  # 20 weeks runs from the request
        if "16 weeks" in definition:
            assert "draft" not in definition.lower(), name  # 16 weeks is not a draft deadline
        for days in re.findall(r"(\d+) (?:school )?days", definition):
            assert days in {"15", "45"}, name


def test_appeal_time_limits(glossary):
    appeal = _definition(glossary, "appeal")
    assert "2 months" in appeal
    assert "1 month" in appeal
    assert "mediation certificate" in appeal
    assert "whichever is later" in appeal


def test_review_and_transfer_dates(glossary):
    review = _definition(glossary, "annual review")
    assert "12 months" in review
    assert "under 5" in review
    transfer = _definition(glossary, "phase transfer")
    assert "15 February" in transfer and "31 March" in transfer


def test_other_legal_points(glossary):
    assert "45 school days" in _definition(glossary, "suspension")
    assert "0 to 25" in _definition(glossary, "EHCP")
    assert "not law" in _definition(glossary, "OAP") or "rather than law" in _definition(
        glossary, "OAP"
    )
    assert "2014" in _definition(glossary, "statement of SEN")
    assert "Year 9" in _definition(glossary, "PfA")


# ---------------------------------------------------------------------- loading


def test_duplicate_alias_across_terms_is_rejected(tmp_path: Path):
    path = tmp_path / "glossary.yml"
    path.write_text(
        "terms:\n"
        "  - {term: EHCP, expansion: x, aliases: [EHC plan], definition: One.}\n"
        "  - {term: Plan, expansion: null, aliases: [ehc-plan], definition: Two.}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="belongs to both"):
        Glossary.load(path)


def test_load_from_a_small_file(tmp_path: Path):
    path = tmp_path / "g.yml"
    path.write_text(
        "terms:\n"
        "  - term: ZZQ\n"
        "    expansion: zebra zone quota\n"
        "    aliases: [z.z.q]\n"
        "    definition: >-\n"
        "      A made-up term.\n"
        "    see_also: []\n",
        encoding="utf-8",
    )
    glossary = Glossary.load(path)
    (term,) = glossary.terms()
    assert term == GlossaryTerm("ZZQ", "zebra zone quota", ("z.z.q",), "A made-up term.", (), ())
    assert glossary.lookup("what is zzq") is term
    assert glossary.expand_first_use("The ZZQ.")[0] == "The ZZQ (zebra zone quota)."


# ------------------------------------------------- the scan against one plain alternation


def _plain_scan(glossary: Glossary, text: str) -> list[tuple[int, int, str]]:
    """What ``find_terms`` must return, found the slow, obvious way: every form of a case rule
    in one alternation (longest first) tried at every word start, then the earliest, longest,
    non-overlapping matches (the scan before it was split by first letter)."""
    from actions.glossary import _URLISH, _WORD, _WORD_START, _form_pattern

    excluded = [m.span() for m in _URLISH.finditer(text)]
    candidates = []
    for case_sensitive in (False, True):
        forms = sorted((f for f in glossary._forms if f.case_sensitive is case_sensitive),
                       key=lambda f: len(f.text), reverse=True)
        pattern = re.compile(
            _WORD_START + "(?:" + "|".join(f"(?P<g{i}>{_form_pattern(f.text)})" for i, f in enumerate(forms)) + ")",
            0 if case_sensitive else re.IGNORECASE,
        )
        for match in pattern.finditer(text):
            s, e = match.span()
            if not any(a <= s < b for a, b in excluded):
                form = forms[int(match.lastgroup[1:])]
                candidates.append((s, e, form.term.term))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen, last_end = [], -1
    for s, e, term in candidates:
        if s >= last_end:
            chosen.append((s, e, term))
            last_end = e
    assert all(re.fullmatch(_WORD, text[s]) for s, _, _ in chosen)
    return chosen


def _scan_words(glossary: Glossary) -> list[str]:
    forms = [f.text for f in glossary._forms]
    return forms + [f.lower() for f in forms] + [f.upper() for f in forms] + [
        "the", "school", "plan", "review", "S.E.N.C.O", "e.h.c.p", "EHCPs", "senco's", "https://x.example/EHCP",
        "help@send.example", "(", ")", ",", "-", "/", "1", "2026", "\n", "é", "ſ",
    ]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_find_terms_matches_the_plain_alternation(glossary, data):
    words = data.draw(st.lists(st.sampled_from(_scan_words(glossary)), max_size=25))
    glue = data.draw(st.lists(st.sampled_from([" ", "", "-", ". ", ", ", "'", "("]), min_size=len(words), max_size=len(words)))
    text = "".join(w + g for w, g in zip(words, glue))
    found = [(s, e, term.term) for s, e, term in glossary.find_terms(text)]
    assert found == _plain_scan(glossary, text)


def test_find_terms_matches_the_plain_alternation_on_the_sample_council(glossary):
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("knowledge_base/sample_council").rglob("*")) if p.suffix in (".html", ".txt", ".md")]
    assert texts
    for text in texts:
        assert [(s, e, term.term) for s, e, term in glossary.find_terms(text)] == _plain_scan(glossary, text)
