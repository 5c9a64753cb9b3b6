"""Retrieval evaluation: the hit rule, the metrics' arithmetic, and the CLI on the seed corpus."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from knowledge_base.evaluate import is_hit, scorable, score_rankings
from knowledge_base.types import ChunkRecord
from tests.conftest import REPO_ROOT


def _chunk(source: str, lines: tuple[int, int] | None = None, headings: tuple[str, ...] = ()) -> ChunkRecord:
    start, end = lines or (None, None)
    return ChunkRecord(chunk_id=1, text="x", content_hash="h", source_id=source, council="c", council_name="C",
                       doc_type="research", title="t", headings=headings, line_start=start, line_end=end)


def test_a_hit_needs_the_gold_document_and_an_overlapping_line_span() -> None:
    question = {"doc": "a.txt", "lines": [[10, 12], [40, 40]], "behaviour": "KB"}
    assert is_hit(_chunk("a.txt", (12, 30)), question)
    assert is_hit(_chunk("corpus/a.txt", (35, 45)), question)  # matched by file name
    assert not is_hit(_chunk("a.txt", (13, 39)), question)
    assert not is_hit(_chunk("b.txt", (10, 12)), question)


def test_a_section_hit_needs_the_gold_heading_among_the_passage_headings() -> None:
    question = {"doc": "pages/x.html", "section": "Who can ask?", "behaviour": "KB"}
    assert is_hit(_chunk("pages/x.html", headings=("Intro", "Who can ask?")), question)
    assert not is_hit(_chunk("pages/x.html", headings=("Intro",)), question)
    assert is_hit(_chunk("pages/x.html"), {**question, "section": ""})


def test_only_answerable_questions_with_evidence_are_scored() -> None:
    assert scorable({"doc": "a", "lines": [[1, 2]], "behaviour": "KB+SPA"})
    assert not scorable({"doc": "a", "lines": [], "behaviour": "KB"})
    assert not scorable({"doc": "a", "lines": [[1, 2]], "behaviour": "GAP_HUMAN"})
    assert not scorable({"doc": "", "lines": [], "behaviour": "HANDOFF"})


def test_metric_arithmetic() -> None:
    q1 = {"doc": "a", "lines": [[5, 5]], "behaviour": "KB"}
    q2 = {"doc": "a", "lines": [[50, 50]], "behaviour": "KB"}
    hit, miss = _chunk("a", (1, 10)), _chunk("a", (20, 30))
    hit_2 = _chunk("a", (45, 55))
    # q1: first hit at rank 1; q2: first hit at rank 4.
    result = score_rankings([[hit], [miss, miss, miss, hit_2]], [q1, q2], relevant_counts=[1, 1])
    assert result["recall@1"] == 0.5 and result["recall@5"] == 1.0 and result["recall@10"] == 1.0
    assert result["mrr@10"] == round((1 + 1 / 4) / 2, 4)
    assert result["ndcg@10"] == round((1 + 1 / math.log2(5)) / 2, 4)
    none = score_rankings([[miss]], [q1], relevant_counts=[1])
    assert none["recall@10"] == 0.0 and none["mrr@10"] == 0.0


@pytest.mark.slow
def test_eval_retrieval_on_the_seeds_reports_three_rankings(shared_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "retrieval.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        ["make", "--no-print-directory", "eval-retrieval", f"CORPUS={shared_dir / 'seeds'}",
         f"GOLD={shared_dir / 'eval' / 'seed_dev.jsonl'}", f"OUT={out}"],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=1800, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text())
    for ranking in ("fused", "bm25", "dense"):
        assert set(result[ranking]) >= {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}
        assert result[ranking]["questions"] == 40
    assert result["index"]["max_words"] <= 250
    fused, bm25, dense = result["fused"], result["bm25"], result["dense"]
    assert fused["recall@5"] > max(bm25["recall@5"], dense["recall@5"]), result
    assert fused["mrr@10"] > max(bm25["mrr@10"], dense["mrr@10"]), result
