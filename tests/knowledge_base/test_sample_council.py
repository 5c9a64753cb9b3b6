"""The sample council's local offer: enough documents, marked as samples, statutory facts right."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge_base import index_io
from knowledge_base.evaluate import is_hit, scorable
from tests.conftest import REPO_ROOT

COUNCIL_DIR = REPO_ROOT / "knowledge_base" / "sample_council"
GOLD = REPO_ROOT / "knowledge_base" / "eval" / "sample_council_gold.jsonl"


def _page_text(name: str) -> str:
    return " ".join((COUNCIL_DIR / "pages" / name).read_text(encoding="utf-8").split())


@pytest.mark.slow
def test_at_least_25_documents_in_mixed_formats_all_marked_as_samples(sample_index: Path) -> None:
    data = index_io.load(sample_index)
    documents = {c.source_id: c for c in data.chunks}
    assert len(documents) >= 25
    kinds = Counter(Path(s).suffix for s in documents)
    assert kinds[".html"] >= 18 and kinds[".pdf"] == 1 and kinds[".docx"] == 1 and kinds[".json"] >= 8
    types = {c.doc_type for c in data.chunks}
    assert {"local_offer_page", "oap_guidance", "toolkit", "service_record", "policy_position"} <= types
    for source in documents:
        if source.endswith(".json"):
            continue  # service records describe services; their feed carries no notice
        text = " ".join(c.text for c in data.chunks if c.source_id == source).lower()
        assert "sample" in text and "fictional" in text, source


def test_the_council_is_fictional_and_uses_reserved_contacts() -> None:
    for path in (COUNCIL_DIR / "pages").glob("*.html"):
        html = path.read_text(encoding="utf-8")
        for phone in re.findall(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b", html):
            digits = phone.replace(" ", "")
            assert digits.startswith(("01632960", "08001111", "0808800")) or digits in ("116123",), (path.name, phone)
        for email in re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", html):
            assert email.endswith(".example"), (path.name, email)


@pytest.mark.parametrize(
    ("page", "facts"),
    [
        ("ehc-needs-assessment.html", ["6 weeks", "16 weeks", "20 weeks"]),
        ("disagreements-and-appeals.html", ["2 months", "1 month", "mediation certificate"]),
        ("ehc-plans.html", ["15 days"]),
        ("annual-reviews.html", ["12 months", "4 weeks", "15 February", "31 March"]),
        ("sendiass.html", ["free", "impartial", "confidential"]),
        ("exclusions-and-part-time-timetables.html", ["from the sixth", "15 school days"]),
        ("travel-and-transport.html", ["2 miles", "3 miles", "31 May"]),
        ("sen-support.html", ["diagnosis"]),
    ],
)
def test_statutory_facts_are_stated(page: str, facts: list[str]) -> None:
    text = _page_text(page)
    for fact in facts:
        assert fact.lower() in text.lower(), (page, fact)


def test_gold_set_has_60_questions_with_a_mix_of_behaviours() -> None:
    questions = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(questions) >= 60
    assert len({q["id"] for q in questions}) == len(questions)
    behaviours = Counter(q["behaviour"] for q in questions)
    assert behaviours["KB"] >= 60 and behaviours["KB+SPA"] and behaviours["GAP_HUMAN"] and behaviours["HANDOFF"]


@pytest.mark.slow
def test_every_gold_question_points_at_passages_that_exist(sample_index: Path) -> None:
    chunks = index_io.load(sample_index).chunks
    questions = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    for question in filter(scorable, questions):
        assert any(is_hit(c, question) for c in chunks), question["id"]


@pytest.mark.slow
def test_every_passage_can_be_cited_with_a_link_and_a_date(sample_index: Path) -> None:
    chunks = index_io.load(sample_index).chunks
    assert not sorted({c.source_id for c in chunks if not c.url})
    assert not sorted({c.source_id for c in chunks if not c.updated})
    assert all(c.council_name == "Brackenmoor Borough Council" for c in chunks)
