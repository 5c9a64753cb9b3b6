"""Search latency at 10k and 100k chunks, end to end, on synthetic indexes built from real ones.

    python -m bench.search_latency [--sizes 10000 100000] [--queries N] [--profile] [--out F]
        [--torch-threads N] [--faiss-threads N] [--attempts N] [--wait-quiet SECONDS]

Embedding 100k real passages would take about an hour on 2 cores, so each index is
synthesised from templates: the sample council and (if present) the seed corpus, built by the
real pipeline into var/bench/templates/ (incrementally, so only the first run embeds them).

- Text: each synthetic chunk starts with a run of a real template chunk's sentences and is
  filled with sentences drawn from the whole template corpus up to that template's word count
  (so lengths follow the real distribution, about 200 words). Chunks are grouped into
  synthetic documents (unique source ids) whose lengths are drawn from the template
  documents' (a council page has a few chunks, a research report over a hundred; about 20 on
  average), so per-document diversification behaves as on a real corpus. Heading paths are
  the template chunk's, titles a template document's.
- Vectors: each chunk gets as many dense windows as its template chunk has (about 2.4), each
  the template window's real vector plus Gaussian noise (sigma 0.02 per dimension),
  renormalised. The vectors are synthetic; flat inner-product search costs the same whatever
  their values, and the noise keeps neighbours realistic rather than exact duplicates.
- BM25 (`ingest.build.build_bm25`), the vocabulary and the files are built as a real build
  does, written with `index_io.write_version` + `publish`, and opened with `Retriever.open`.
  Recombined sentences keep the templates' vocabulary, so the speller searches fewer candidate
  words than it would in a real 100k-passage corpus (query preparation is timed on its own).

Each size is timed in a fresh process (spawned, so its memory is the serving process's:
model + index) with `retriever.search(question, k=5)`: query preparation, query embedding,
both rankers, fusion, diversification and answerability. Questions are the parent questions
of the sample-council and seed gold sets; 10 warm-up searches precede the timed ones. A
second pass times query preparation, query embedding, the FAISS search and the BM25 retrieval
on their own (called directly) to show where the time goes. FAISS keeps its default threads.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import multiprocessing
import pstats
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench import code, emit, machine, measure_quietly, percentiles_ms, rss_mb
from knowledge_base.types import ChunkRecord

TEMPLATES = Path("var/bench/templates")
SEEDS = Path("../shared/seeds")
GOLD_FILES = (Path("knowledge_base/eval/sample_council_gold.jsonl"), Path("../shared/eval/seed_dev.jsonl"))
NOISE_SIGMA = 0.02
WARM_UP_QUERIES = 10
MIN_TIMED_QUERIES = 100
TARGET_P95_MS = 40.0
TARGET_SIZE = 100_000
PROFILE_TOP = 15


@dataclass
class Template:
    chunk: ChunkRecord
    sentences: list[str]
    vectors: np.ndarray  # the chunk's real window vectors, one row per window


def template_indexes(seeds: Path | None) -> list[Path]:
    """Real indexes to copy from, built by the real pipeline (reused when already built)."""
    from bench.ingest_throughput import SAMPLE_SOURCES, sample_council
    from ingest.build import build_index
    from knowledge_base.embedding import shared_embedder
    from knowledge_base.evaluate import build_corpus_index

    council = sample_council(SAMPLE_SOURCES, Path.cwd())
    paths = [TEMPLATES / "sample_council"]
    summary = build_index(council.documents, paths[0], council_names=council.council_names,
                          embedder=shared_embedder(), progress=False)
    if not summary.published:
        raise SystemExit(f"could not build the sample council template: {summary.render()}")
    if seeds is not None and seeds.is_dir():
        paths.append(build_corpus_index(seeds, TEMPLATES / "seeds"))
    return paths


def load_templates(paths: list[Path]) -> list[Template]:
    import faiss

    from ingest.chunk import split_sentences
    from knowledge_base import index_io

    templates: list[Template] = []
    for path in paths:
        index = index_io.load(path)
        flat = faiss.downcast_index(index.dense.index)
        vectors = flat.reconstruct_n(0, index.dense.ntotal)  # in window_ids order (as added)
        by_row: dict[int, list[int]] = {}
        for position, row in enumerate(index.window_rows):
            by_row.setdefault(int(row), []).append(position)
        for row, chunk in enumerate(index.chunks):
            templates.append(Template(chunk, split_sentences(chunk.text), vectors[by_row[row]]))
    return templates


def synthesise(templates: list[Template], size: int, rng: np.random.Generator):
    """`size` chunks with their window vectors, ids and rows (see the module docstring)."""
    from ingest.chunk import stable_chunk_id

    pool = [sentence for template in templates for sentence in template.sentences]
    picks = rng.integers(0, len(templates), size=size)
    # Documents as long as real ones (a council page: a few chunks; a report: a hundred or more).
    lengths = np.array(list(Counter(t.chunk.source_id for t in templates).values()))
    document_of = np.repeat(np.arange(size), rng.choice(lengths, size=size))[:size]
    doc_titles = rng.integers(0, len(templates), size=int(document_of[-1]) + 1)
    chunks: list[ChunkRecord] = []
    window_template_vectors: list[np.ndarray] = []
    window_rows: list[int] = []
    window_ids: list[int] = []
    for row, pick in enumerate(picks):
        template = templates[pick]
        document = int(document_of[row])
        source_id = f"synthetic/{document:06d}"
        start = int(rng.integers(0, len(template.sentences)))
        sentences = template.sentences[start : start + max(1, len(template.sentences) // 2)]
        words = sum(len(s.split()) for s in sentences)
        while words < template.chunk.word_count:
            sentence = pool[int(rng.integers(0, len(pool)))]
            sentences.append(sentence)
            words += len(sentence.split())
        text = " ".join(sentences)
        chunk = replace(
            template.chunk,
            chunk_id=stable_chunk_id(source_id, text, row),
            text=text,
            source_id=source_id,
            title=templates[doc_titles[document]].chunk.title,
            word_count=words,
        )
        chunk = replace(chunk, content_hash=hashlib.sha256(f"{chunk.header}\n{text}".encode()).hexdigest())
        chunks.append(chunk)
        for number in range(len(template.vectors)):
            window_ids.append(stable_chunk_id(str(chunk.chunk_id), "", number))
            window_rows.append(row)
        window_template_vectors.append(template.vectors)
    vectors = np.concatenate(window_template_vectors).astype(np.float32)
    vectors += rng.standard_normal(vectors.shape, dtype=np.float32) * NOISE_SIGMA
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return chunks, vectors, np.array(window_ids, dtype=np.int64), np.array(window_rows, dtype=np.int64)


def write_index(out_dir: Path, chunks: list[ChunkRecord], vectors, window_ids, window_rows, model: dict) -> None:
    """BM25, vocabulary and files exactly as `ingest.build.build_index` writes them."""
    from ingest.build import build_bm25
    from ingest.chunk import embedding_text
    from knowledge_base import index_io
    from knowledge_base.text import words

    vocabulary = Counter(w for c in chunks for w in words(embedding_text(c)))
    version = index_io.write_version(
        out_dir, chunks=chunks, vectors=vectors, window_ids=window_ids, window_rows=window_rows,
        window_hashes=[f"synthetic-{i}" for i in range(len(window_ids))], bm25=build_bm25(chunks),
        vocabulary=dict(vocabulary), model=model, extra_manifest={"synthetic": True},
    )
    index_io.publish(out_dir, version)


def load_questions(paths: tuple[Path, ...]) -> list[str]:
    questions: list[str] = []
    for path in paths:
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                questions += [json.loads(line)["question"] for line in handle if line.strip()]
    return list(dict.fromkeys(questions))


class Laps:
    """Durations in seconds, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = defaultdict(list)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name].append(time.perf_counter() - started)


def serve_and_time(index_dir: str, warm_up: list[str], timed: list[str], options: dict) -> dict:
    """Runs in a fresh process: open the index as a server would, then time searches."""
    import faiss
    import torch

    from knowledge_base.embedding import shared_embedder
    from knowledge_base.retriever import CANDIDATES, WINDOWS_PER_CHUNK, Retriever
    from knowledge_base.text import bm25_tokens, prepare_query

    if options["torch_threads"]:
        torch.set_num_threads(options["torch_threads"])
    if options["faiss_threads"]:
        faiss.omp_set_num_threads(options["faiss_threads"])
    rss_start = rss_mb()
    embedder = shared_embedder(None)  # the key Retriever.open uses, so the model loads once
    embedder.encode(["warm up"])
    rss_model = rss_mb()
    started = time.perf_counter()
    retriever = Retriever.open(index_dir)
    open_s = time.perf_counter() - started
    gc.collect()
    rss_open = rss_mb()
    for question in warm_up:
        retriever.search(question, k=5)

    index = retriever.index
    n = min(CANDIDATES, len(index.chunks))
    windows = min(index.dense.ntotal, n * WINDOWS_PER_CHUNK)

    def time_searches() -> tuple[Laps, float]:
        laps = Laps()
        cpu_started = time.process_time()
        for question in timed:
            with laps("search"):
                retriever.search(question, k=5)
        cpu_per_search = (time.process_time() - cpu_started) / len(timed)
        for question in timed:  # the retriever's steps on their own, as search() calls them
            with laps("prepare_query"):
                prepared = prepare_query(question, retriever.speller)
            with laps("query_embedding"):
                vector = embedder.encode_queries([prepared.corrected])
            with laps("faiss_search"):
                index.dense.search(vector, windows)
            tokens = [t for t in bm25_tokens(prepared.expanded) if t in index.bm25.vocab_dict]
            if tokens:
                with laps("bm25"):
                    index.bm25.retrieve([tokens], k=n, show_progress=False, n_threads=1)
        return laps, cpu_per_search

    measured = measure_quietly(time_searches, options["attempts"], options["wait_quiet"])
    laps, cpu_per_search = measured.value[0].seconds, measured.value[1]
    latency = percentiles_ms(laps.pop("search"))
    breakdown = {name: percentiles_ms(values)["p50_ms"] for name, values in laps.items()}
    result = {
        "search": latency,
        "breakdown_p50_ms": breakdown | {"other_estimate": round(latency["p50_ms"] - sum(breakdown.values()), 2)},
        "cpu_ms_per_search": round(cpu_per_search * 1000, 2),  # all threads; spinning OpenMP threads count
        "other_load_cores": measured.other_load_cores,
        "attempts": measured.attempts,
        "threads": {"torch": torch.get_num_threads(), "faiss_omp": faiss.omp_get_max_threads()},
        "query_encoder": embedder.query_backend,
        "open_s": round(open_s, 2),
        "rss_mb": {"imports_done": rss_start, "model_loaded": rss_model, "index_open": rss_open,
                   "index": round(rss_open - rss_model, 1)},
    }
    if options["profile"]:
        profiled = measure_quietly(lambda: _profile(retriever, timed), options["attempts"], options["wait_quiet"])
        result["profile"] = {"other_load_cores": profiled.other_load_cores, "top_tottime": profiled.value}
    return result


def _profile(retriever, questions: list[str]) -> list[dict]:
    """cProfile over the timed questions: the functions where the time is spent, per search."""
    profiler = cProfile.Profile()
    profiler.enable()
    for question in questions:
        retriever.search(question, k=5)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:PROFILE_TOP]
    return [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "calls_per_search": round(calls / len(questions), 1),
            "tottime_ms_per_search": round(tottime / len(questions) * 1000, 2),
            "cumtime_ms_per_search": round(cumtime / len(questions) * 1000, 2),
        }
        for (file, line, name), (_, calls, tottime, cumtime, _) in rows
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_latency", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="chunks per index")
    parser.add_argument("--queries", type=int, default=0,
                        help=f"timed searches per size (default: every question after the warm-up; "
                             f"at least {MIN_TIMED_QUERIES}, cycling through the questions)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="seed corpus used as templates if present")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the synthetic corpus")
    parser.add_argument("--profile", action="store_true", help="add a cProfile summary per size")
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="torch threads in the serving process (default: torch's own, one per core)")
    parser.add_argument("--faiss-threads", type=int, default=0,
                        help="FAISS OpenMP threads in the serving process (default: FAISS's own, one per core)")
    parser.add_argument("--attempts", type=int, default=1,
                        help="retry timings disturbed by other processes up to this many times (keeps the quietest)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before timing, wait up to this long for other processes to go quiet")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    questions = load_questions(GOLD_FILES)
    random.Random(args.seed).shuffle(questions)
    warm_up, rest = questions[:WARM_UP_QUERIES], questions[WARM_UP_QUERIES:]
    wanted = max(args.queries or len(rest), MIN_TIMED_QUERIES)
    timed = [rest[i % len(rest)] for i in range(wanted)]

    from knowledge_base import index_io
    from knowledge_base.embedding import shared_embedder

    template_paths = template_indexes(args.seeds)
    templates = load_templates(template_paths)
    model = index_io.load(template_paths[0]).manifest["model"]
    rng = np.random.default_rng(args.seed)
    options = {"profile": args.profile, "torch_threads": args.torch_threads, "faiss_threads": args.faiss_threads,
               "attempts": args.attempts, "wait_quiet": args.wait_quiet}
    context = multiprocessing.get_context("spawn")
    sizes: list[dict] = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            started = time.perf_counter()
            chunks, vectors, window_ids, window_rows = synthesise(templates, size, rng)
            synthesis_s = time.perf_counter() - started
            started = time.perf_counter()
            write_index(Path(tmp), chunks, vectors, window_ids, window_rows, model)
            build_s = time.perf_counter() - started
            manifest = index_io.read_manifest(Path(tmp)) or {}
            del chunks, vectors
            gc.collect()
            with context.Pool(1) as pool:
                served = pool.apply(serve_and_time, (tmp, warm_up, timed, options))
        sizes.append({
            "chunks": size,
            "windows": len(window_ids),
            "documents": manifest.get("counts", {}).get("documents"),
            "synthesis_s": round(synthesis_s, 2),
            "index_build_s": round(build_s, 2),
            "index_disk_mb": round(sum(f["bytes"] for f in manifest.get("files", {}).values()) / 2**20, 1),
            **served,
            "meets_target": None if size != TARGET_SIZE else served["search"]["p95_ms"] <= TARGET_P95_MS,
        })

    emit({
        "benchmark": "search_latency",
        "model": shared_embedder().model_id,
        "k": 5,
        "templates": {"indexes": [str(p) for p in template_paths], "chunks": len(templates)},
        "synthetic": {"document_lengths": "drawn from the template documents'", "noise_sigma": NOISE_SIGMA,
                      "vectors": "template window vectors + Gaussian noise, renormalised"},
        "queries": {"warm_up": len(warm_up), "timed": len(timed), "distinct_questions": len(questions)},
        "target": {"size": TARGET_SIZE, "p95_ms": TARGET_P95_MS},
        "machine": machine(),
        "code": code(),
        "sizes": sizes,
    }, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
