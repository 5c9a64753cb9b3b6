"""Find a service (age-filtered, stale records flagged) and the guided "what should my child get?"."""

from __future__ import annotations

from datetime import date

import pytest

from actions import statuses
from actions.oap import ANY, guided_answer, parse_need, parse_phase
from actions.services import ServiceFinder, child_age


@pytest.fixture(scope="module")
def finder(answerer):
    return ServiceFinder(answerer)


def test_services_suit_the_childs_age(finder):
    reply = finder.find("is there anything for autistic 8 year olds after school", today=date(2026, 11, 22))
    assert reply.status == statuses.SERVICE_LIST
    assert reply.sources and len(reply.sources) <= 3
    assert "Spectrum After-School Club" in reply.text
    for source in reply.sources:
        assert source["doc_type"] == "service_record" and source["updated"]
    assert "Contact:" in reply.text and "Record last checked" in reply.text


def test_a_record_not_checked_for_a_year_says_so(finder):
    reply = finder.find("help with sleep for my 3 year old", today=date(2026, 11, 22))
    stale = [s for s in reply.sources if s["stale"]]
    assert stale, "the sleep service record (checked March 2025) should be flagged"
    assert "over a year ago" in reply.text


def test_a_services_age_range_excludes_other_ages(finder):
    reply = finder.find("after school club for autistic 3 year olds", today=date(2026, 11, 22))
    assert "Spectrum After-School Club" not in reply.text  # it takes 8 to 14 year olds


@pytest.mark.parametrize("text,age", [("my 8yo", 8), ("aged 15", 15), ("3 year olds", 3), ("a toddler", None)])
def test_child_age(text, age):
    assert child_age(text) == age


@pytest.mark.parametrize("text,phase", [
    ("hes 7", "primary"), ("year 9", "secondary"), ("nursery", "early_years"), ("she's at college", "post16"),
    ("skip", ANY), ("banana", None),
])
def test_parse_phase(text, phase):
    assert parse_phase(text) == phase


@pytest.mark.parametrize("text,need", [
    ("he cant follow instructions", "communication"), ("reading and spelling", "learning"),
    ("anxiety and meltdowns", "semh"), ("she is partially deaf", "sensory_physical"),
    ("Feelings and behaviour", "semh"), ("not sure", ANY), ("", None),
])
def test_parse_need(text, need):
    assert parse_need(text) == need


def test_guided_answer_has_three_parts_from_the_oap_guidance(answerer):
    reply = guided_answer(answerer, "primary", "communication")
    assert reply.status == statuses.ANSWERED
    for part in ("What the school should normally be doing", "What you can ask the SENCO", "If that is not enough"):
        assert part in reply.text
    assert any(s["doc_type"] == "oap_guidance" for s in reply.sources)
    assert "EHC needs assessment" in reply.text
    assert reply.extra["phase"] == "primary" and reply.extra["need"] == "communication"


def test_guided_answer_without_details_is_the_general_answer(answerer):
    reply = guided_answer(answerer, None, None)
    assert reply.status == statuses.ANSWERED and reply.sources
