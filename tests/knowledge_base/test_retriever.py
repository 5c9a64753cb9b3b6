"""The retrieval library over the sample council: cited passages, filters, answerability, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge_base.types import SearchFilters
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def test_a_parent_question_with_typos_finds_the_statutory_timescale(sample_retriever) -> None:
    result = sample_retriever.search("how long has the council got to do the ehc needs assesment??", k=5)
    assert result.answerable
    top = result.passages[:3]
    assert any(p.citation.source_id.endswith("ehc-needs-assessment.html") for p in top)
    assert any("6 weeks" in p.text or "six weeks" in p.text for p in result.passages)


def test_every_passage_carries_a_full_citation(sample_retriever) -> None:
    result = sample_retriever.search("what is ordinarily available provision", k=5)
    assert len(result.passages) == 5
    for passage in result.passages:
        citation = passage.citation
        assert citation.council == "brackenmoor"
        assert citation.council_name == "Brackenmoor Borough Council"
        assert citation.title and citation.doc_type and citation.updated
        assert citation.url and citation.url.startswith("https://localoffer.brackenmoor.example/")
        assert passage.text.strip() and passage.score > 0


def test_pdf_passages_cite_their_pages(sample_retriever) -> None:
    result = sample_retriever.search("what should every classroom do for children with communication needs",
                                     k=5, filters=SearchFilters(doc_types=("oap_guidance",)))
    assert result.passages
    for passage in result.passages:
        assert passage.citation.doc_type == "oap_guidance"
        assert passage.citation.page_start and passage.citation.location.startswith("page")


def test_filters_by_type_age_and_council(sample_retriever) -> None:
    services = sample_retriever.search("after school club for my autistic son", k=10,
                                       filters=SearchFilters(doc_types=("service_record",)))
    assert services.passages and all(p.citation.doc_type == "service_record" for p in services.passages)
    toddler = sample_retriever.search("after school club for my autistic son", k=10,
                                      filters=SearchFilters(doc_types=("service_record",), age=3))
    assert all(p.min_age is None or p.min_age <= 3 for p in toddler.passages)
    assert all(p.max_age is None or p.max_age >= 3 for p in toddler.passages)
    assert {p.chunk_id for p in toddler.passages} != {p.chunk_id for p in services.passages}
    elsewhere = sample_retriever.search("short breaks", k=5, filters=SearchFilters(council="another-council"))
    assert elsewhere.passages == [] and not elsewhere.answerable


def test_answerability_separates_answered_from_unanswered(sample_retriever) -> None:
    answered = sample_retriever.search("can i appeal if the council refuses to assess my child", k=5)
    unanswered = sample_retriever.search("what time does the tip open on sundays", k=5)
    assert answered.answerable and not unanswered.answerable
    assert answered.answerability > unanswered.answerability
    assert 0.0 <= unanswered.answerability <= answered.answerability <= 1.0


def test_empty_and_hostile_queries_are_safe(sample_retriever) -> None:
    assert sample_retriever.search("   ?!  ", k=5).passages == []
    result = sample_retriever.search("<script>alert(1)</script> ' OR 1=1; --" * 200, k=3)
    assert len(result.passages) <= 3


def test_one_document_does_not_fill_the_results(sample_retriever) -> None:
    result = sample_retriever.search("ehc needs assessment", k=5)
    sources = [p.citation.source_id for p in result.passages]
    assert len(set(sources)) >= 3


def test_the_library_imports_neither_rasa_nor_fastapi() -> None:
    code = ("import sys, knowledge_base.retriever, knowledge_base.evaluate, knowledge_base.calibrate, ingest.build; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'fastapi', 'starlette')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_search_cli_prints_ranked_passages_with_sources(sample_index: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "knowledge_base", "search", "--index", str(sample_index),
               "what is ordinarily available provision"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "1. " in done.stdout and "Brackenmoor Borough Council" in done.stdout
    assert "https://localoffer.brackenmoor.example/" in done.stdout and "updated 20" in done.stdout
    as_json = subprocess.run(command + ["--json", "-k", "2"], capture_output=True, text=True, cwd=REPO_ROOT,
                             env=env, timeout=300, check=False)
    data = json.loads(as_json.stdout)
    assert len(data["passages"]) == 2 and data["passages"][0]["citation"]["title"]
    missing = subprocess.run([sys.executable, "-m", "knowledge_base", "search", "--index", "/nonexistent", "x"],
                             capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=300, check=False)
    assert missing.returncode == 1 and "make index" in missing.stderr
