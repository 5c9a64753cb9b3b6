"""The evidence guard rejects evidence that is about the subject but lacks the kind of answer."""

from __future__ import annotations

from actions.glossary import Glossary
from actions.guard import check, missing_terms
from knowledge_base.types import Citation, Passage

GLOSSARY = Glossary.load()


def _passages(*texts: str) -> list[Passage]:
    citation = Citation("t", "c", "C", "research", "doc", None, None, ())
    return [Passage(chunk_id=i, text=t, score=1.0, citation=citation) for i, t in enumerate(texts)]


def test_a_named_benefit_missing_from_the_evidence():
    evidence = _passages("Families described long waits for EHC plans and support in school.")
    assert missing_terms("how do i get DLA for my son", evidence, GLOSSARY) == ["DLA"]
    assert check("how do i get DLA for my son", evidence, GLOSSARY).startswith("named_terms")


def test_a_named_term_present_in_another_form_is_not_missing():
    evidence = _passages("Disability Living Allowance is a benefit for some disabled children.")
    assert missing_terms("can we claim DLA", evidence, GLOSSARY) == []
    evidence = _passages("The council refused to assess in many cases.")
    assert missing_terms("what if they refuse to assess", evidence, GLOSSARY) == []


def test_time_questions_need_a_time_span_about_the_subject():
    vague = _passages("EHC needs assessments were often delayed and parents were frustrated.")
    assert check("how long does the council have to finish an EHC needs assessment", vague, GLOSSARY) == "time"
    timed = _passages("The council must decide whether to carry out an assessment within 6 weeks.")
    assert check("how long does the council have to decide on an assessment", timed, GLOSSARY) is None


def test_a_list_item_is_read_with_its_lead_in():
    listed = _passages("You must appeal within whichever of these is later:\n"
                       "- 2 months from the date of the decision letter; or\n- 1 month from the mediation certificate.")
    assert check("how long do i have to appeal", listed, GLOSSARY) is None
    unrelated = _passages("Parents can appeal some decisions.",
                          "Transport is arranged for the new term:\n- 2 months before the start of term.")
    assert check("how long do i have to appeal", unrelated, GLOSSARY) == "time"  # a span about something else


def test_a_time_span_about_the_named_term_in_another_form():
    plan = _passages("The whole process, from request to final EHC plan, must take no more than 20 weeks.")
    assert check("how long does an ehcp take", plan, GLOSSARY) is None
    other = _passages("An EHCP is a legal document.", "Short break agreements are reviewed every 12 months.")
    assert check("how long does an ehcp take", other, GLOSSARY) == "time"


def test_procedure_questions_need_how_to_steps():
    report = _passages("Schools should be funded so that they do not need to apply for an EHCP for every child.")
    assert check("how do i apply for an ehcp", report, GLOSSARY) == "procedure"
    guidance = _passages("To get an EHC plan, you can ask for an EHC needs assessment by filling in the request form.")
    assert check("how do i apply for an ehcp", guidance, GLOSSARY) is None


def test_amount_questions_need_a_sum():
    assert check("how much is the travel grant", _passages("A travel grant can help with costs of college transport."),
                 GLOSSARY) == "amount"
    assert check("how much is the travel grant", _passages("The travel grant is £300 a year for each student."),
                 GLOSSARY) is None


def test_ordinary_questions_pass():
    evidence = _passages("SEN support is the extra help a school gives to a child with special educational needs.")
    assert check("what is sen support", evidence, GLOSSARY) is None
    assert check("what is sen support", [], GLOSSARY) == "no_evidence"
