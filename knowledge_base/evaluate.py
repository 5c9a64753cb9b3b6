"""Retrieval evaluation: recall@k, MRR@10 and nDCG@10 for fused, BM25-only and dense-only.

    python -m knowledge_base.evaluate --corpus ../shared/seeds --gold ../shared/eval/seed_dev.jsonl --out r.json
    python -m knowledge_base.evaluate --index var/index/sample_council --gold knowledge_base/eval/sample_council_gold.jsonl

With --corpus, every .txt file of the folder is ingested as a `research` document (1-based line
spans kept) into a temporary index. Only questions whose behaviour is KB or KB+SPA and that name
their evidence are scored. A retrieved passage hits when it comes from the gold document and
either its line span overlaps a gold range (`lines`) or it covers the gold heading (`section`).
All three rankings run in the same process over the same index, so they are comparable.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path

from knowledge_base.retriever import MODES, Retriever
from knowledge_base.types import ChunkRecord

KS = (1, 5, 10)
SCORED_BEHAVIOURS = ("KB", "KB+SPA")


def load_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scorable(question: dict) -> bool:
    if question.get("behaviour") not in SCORED_BEHAVIOURS or not question.get("doc"):
        return False
    return bool(question.get("lines")) or "section" in question


def _same_doc(chunk: ChunkRecord, doc: str) -> bool:
    return chunk.source_id == doc or Path(chunk.source_id).name == doc


def is_hit(chunk: ChunkRecord, question: dict) -> bool:
    if not _same_doc(chunk, question["doc"]):
        return False
    ranges = question.get("lines") or []
    if ranges:
        if chunk.line_start is None or chunk.line_end is None:
            return False
        return any(chunk.line_start <= end and start <= chunk.line_end for start, end in ranges)
    section = (question.get("section") or "").strip().lower()
    return not section or section in (h.lower() for h in chunk.headings)


def score_rankings(rankings: list[list[ChunkRecord]], questions: list[dict], relevant_counts: list[int]) -> dict:
    totals = {f"recall@{k}": 0.0 for k in KS} | {"mrr@10": 0.0, "ndcg@10": 0.0}
    for ranking, question, relevant in zip(rankings, questions, relevant_counts):
        hits = [is_hit(chunk, question) for chunk in ranking[:10]]
        first = next((i for i, hit in enumerate(hits) if hit), None)
        for k in KS:
            totals[f"recall@{k}"] += 1.0 if first is not None and first < k else 0.0
        totals["mrr@10"] += 1.0 / (first + 1) if first is not None else 0.0
        dcg = sum(1.0 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(max(relevant, 1), 10)))
        totals["ndcg@10"] += dcg / ideal
    n = max(len(questions), 1)
    return {name: round(value / n, 4) for name, value in totals.items()} | {"questions": len(questions)}


def evaluate(retriever: Retriever, questions: list[dict], *, k: int = 10, per_question: bool = False) -> dict:
    questions = [q for q in questions if scorable(q)]
    by_id = {c.chunk_id: c for c in retriever.chunks}
    relevant = [sum(1 for c in retriever.chunks if is_hit(c, q)) for q in questions]
    results: dict = {}
    details: dict[str, list] = {}
    for mode in ("fused", "bm25", "dense"):
        rankings = []
        for question in questions:
            found = retriever.search(question["question"], k=k, mode=mode)
            rankings.append([by_id[p.chunk_id] for p in found.passages])
        results[mode] = score_rankings(rankings, questions, relevant)
        details[mode] = [
            next((i + 1 for i, c in enumerate(r) if is_hit(c, q)), None) for r, q in zip(rankings, questions)
        ]
    words = [c.word_count for c in retriever.chunks]
    results["index"] = {
        "chunks": len(words),
        "max_words": max(words, default=0),
        "mean_words": round(sum(words) / max(len(words), 1), 1),
    }
    if per_question:
        results["per_question"] = {
            q["id"]: {mode: details[mode][i] for mode in MODES} for i, q in enumerate(questions)
        }
    return results


def build_corpus_index(corpus: Path, out_dir: Path, progress: bool = False) -> Path:
    """Ingest every .txt file of a folder as research documents into `out_dir`."""
    from ingest.build import build_index
    from ingest.loaders.text import load_text
    from knowledge_base.embedding import shared_embedder

    documents = [
        # The loader takes the title from the text (its first heading or line): a file name such
        # as "000_ceb05....txt" would tell the models nothing about the passages under it.
        load_text(path.read_text(encoding="utf-8"), source_id=path.name, council="research",
                  doc_type="research", path=path.name)
        for path in sorted(corpus.glob("*.txt"))
    ]
    if not documents:
        raise SystemExit(f"no .txt files in {corpus}")
    summary = build_index(documents, out_dir, council_names={"research": "Research corpus"},
                          embedder=shared_embedder(), progress=progress)
    if not summary.published:
        raise SystemExit(f"could not build an index from {corpus}: {summary.render()}")
    return out_dir


def write_results(results: dict, out: Path | None) -> None:
    """Print the results as JSON and, with `out`, write them there too (the make targets' files)."""
    text = json.dumps(results, indent=2)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    print(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base.evaluate", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="folder of .txt files, ingested into a temporary index")
    source.add_argument("--index", type=Path, help="an existing index folder")
    parser.add_argument("--gold", type=Path, required=True, help="gold questions (JSONL)")
    parser.add_argument("--out", type=Path, help="write the JSON results here (also printed)")
    parser.add_argument("--per-question", action="store_true", help="add the first-hit rank of every question")
    args = parser.parse_args(argv)

    questions = load_gold(args.gold)
    with tempfile.TemporaryDirectory(prefix="eval-index-") as tmp:
        index_dir = build_corpus_index(args.corpus, Path(tmp), progress=True) if args.corpus else args.index
        retriever = Retriever.open(index_dir)
        results = evaluate(retriever, questions, per_question=args.per_question)
    write_results(results, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
