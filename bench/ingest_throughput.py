"""Ingest throughput: a full index build against the raw model's encode rate on the same texts.

    python -m bench.ingest_throughput [--corpus DIR] [--repeats N] [--attempts N] [--out F]

The sample council (its sources file, loaded by the real loaders) is always measured; with
--corpus, a folder of .txt files is measured too, ingested as `knowledge_base.evaluate` does.
For each corpus, in one process with the model loaded and warmed up beforehand:

- raw: `embedder.encode` on exactly the dense-window texts the build embeds, at the build's
  batch size, timed before the first build and after every build; the fastest counts, so
  neither the order nor a slow moment favours the pipeline;
- build: `build_index` from loaded documents to a published version in an empty folder (so
  every window is embedded): chunking, embedding, BM25, vocabulary, writing and the swap;
  `--repeats` builds, the fastest counts;
- rebuild: the same documents again into a built folder, which must embed nothing.

The target is build windows/s >= 80% of raw windows/s. `chunk_and_window_s` (chunking and
cutting windows, timed apart) shows how much of the build's extra time is text processing.
Every run records `other_load_cores`; `--attempts` repeats a run that others disturbed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import Measured, code, emit, machine, measure_quietly
from ingest.build import BuildSummary, build_index
from ingest.chunk import ChunkingConfig, chunk_document, dense_windows
from ingest.model import LoadedDocument
from knowledge_base.embedding import DEFAULT_BATCH_SIZE, Embedder, shared_embedder

TARGET_RATIO = 0.8
WARM_UP_TEXTS = 32
SAMPLE_SOURCES = Path("knowledge_base/sources.yml")


@dataclass
class Corpus:
    name: str
    documents: list[LoadedDocument]
    council_names: dict[str, str]


def sample_council(sources: Path, root: Path) -> Corpus:
    """The council's documents through the real loaders (its PDF/DOCX are generated first)."""
    from ingest.fetch import Fetcher
    from ingest.sources import iter_documents, load_sources
    from knowledge_base.sample_council import make_documents

    with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON
        make_documents.main([])
    config = load_sources(sources)
    with tempfile.TemporaryDirectory(prefix="bench-http-") as cache, Fetcher(cache_dir=Path(cache)) as fetcher:
        loaded = list(iter_documents(config, root=root, fetcher=fetcher))
    failures = [item for item in loaded if not isinstance(item, LoadedDocument)]
    if failures:
        raise SystemExit(f"{sources}: {len(failures)} sources failed to load: {failures}")
    return Corpus(config.council.id, loaded, {config.council.id: config.council.name})


def text_corpus(folder: Path) -> Corpus:
    """Every .txt file as a research document, as `knowledge_base.evaluate --corpus` ingests it."""
    from ingest.loaders.text import load_text

    documents = [
        load_text(path.read_text(encoding="utf-8"), source_id=path.name, council="research",
                  doc_type="research", path=path.name)
        for path in sorted(folder.glob("*.txt"))
    ]
    if not documents:
        raise SystemExit(f"no .txt files in {folder}")
    return Corpus(folder.name, documents, {"research": "Research corpus"})


def window_texts(corpus: Corpus, embedder: Embedder) -> tuple[int, list[str]]:
    """The chunk count and the dense-window texts a build of `corpus` embeds, in its order."""
    seen: set[str] = set()
    chunks = []
    for document in corpus.documents:
        if document.source_id not in seen:  # build_index skips a document declared twice
            seen.add(document.source_id)
            name = corpus.council_names.get(document.council, document.council)
            chunks.extend(chunk_document(document, name, ChunkingConfig()))
    # As ingest.build.embed_windows cuts them: windows sized with the model's own tokenizer.
    texts = [text for chunk in chunks for text in dense_windows(chunk, embedder.token_count, embedder.max_tokens)]
    return len(chunks), texts


def measure(corpus: Corpus, embedder: Embedder, repeats: int, attempts: int, quiet_wait_s: float) -> dict:
    """raw, then (build, raw) `repeats` times; the fastest run of each counts."""
    started = time.perf_counter()
    chunks, texts = window_texts(corpus, embedder)
    chunk_and_window_s = time.perf_counter() - started
    windows = len(texts)

    def raw() -> Measured[np.ndarray]:
        return measure_quietly(lambda: embedder.encode(texts, batch_size=DEFAULT_BATCH_SIZE), attempts, quiet_wait_s)

    def build_into(out_dir: Path) -> BuildSummary:
        return build_index(corpus.documents, out_dir, council_names=corpus.council_names,
                           embedder=embedder, progress=False)

    raws, builds = [raw()], []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as work:
        folders: list[Path] = []

        def fresh_build() -> BuildSummary:
            """Into a new empty folder every time, so every window is embedded."""
            folders.append(Path(tempfile.mkdtemp(dir=work)))
            return build_into(folders[-1])

        for _ in range(repeats):
            builds.append(measure_quietly(fresh_build, attempts, quiet_wait_s))
            raws.append(raw())
        summary = builds[-1].value
        if not summary.published or summary.windows_embedded != windows or summary.chunks != chunks:
            raise SystemExit(f"the build did not embed the expected {windows} windows: {summary.to_json()}")
        rebuild = measure_quietly(lambda: build_into(folders[-1]), attempts, quiet_wait_s)

    build_s = min(r.seconds for r in builds)
    raw_s = min(r.seconds for r in raws)
    ratio = raw_s / build_s  # = (windows / build_s) / (windows / raw_s)
    return {
        "corpus": corpus.name,
        "documents": summary.documents,
        "chunks": chunks,
        "windows": windows,
        "mean_window_words": round(sum(len(t.split()) for t in texts) / max(windows, 1), 1),
        "build": {
            "seconds": round(build_s, 2),
            "chunks_per_s": round(chunks / build_s, 1),
            "windows_per_s": round(windows / build_s, 1),
            "runs": [r.figures() for r in builds],
        },
        "raw_encode": {
            "seconds": round(raw_s, 2),
            "windows_per_s": round(windows / raw_s, 1),
            "runs": [r.figures() for r in raws],
        },
        "ratio_build_to_raw": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO,
        "chunk_and_window_s": round(chunk_and_window_s, 2),
        "rebuild_unchanged": rebuild.figures() | {"windows_embedded": rebuild.value.windows_embedded,
                                                   "chunks_reused": rebuild.value.reused},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest_throughput",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=Path, default=SAMPLE_SOURCES, help="a council's sources YAML")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="folder the sources' paths are relative to")
    parser.add_argument("--corpus", type=Path, help="also measure this folder of .txt files (e.g. ../shared/seeds)")
    parser.add_argument("--repeats", type=int, default=1, help="(build, raw) pairs after the first raw")
    parser.add_argument("--attempts", type=int, default=1,
                        help="retry a run disturbed by other processes up to this many times (keeps the quietest)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="SECONDS",
                        help="before each run, wait up to this long for other processes to go quiet")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    corpora = [sample_council(args.sources, args.root)]
    if args.corpus:
        corpora.append(text_corpus(args.corpus))
    # Load and warm up the model (and the sentencizer, via window_texts) before any timing,
    # so neither the build nor the raw encode pays first-call costs.
    embedder = shared_embedder()
    embedder.encode(window_texts(corpora[0], embedder)[1][:WARM_UP_TEXTS])

    results = [measure(corpus, embedder, max(1, args.repeats), args.attempts, args.wait_quiet) for corpus in corpora]
    emit({
        "benchmark": "ingest_throughput",
        "model": embedder.model_id,
        "batch_size": DEFAULT_BATCH_SIZE,
        "machine": machine(),
        "code": code(),
        "corpora": results,
    }, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
