"""Build an index version from loaded documents: chunk, embed what is new, index, swap in.

Embeddings are reused from the live version for every chunk whose content hash and model are
unchanged, so rebuilding an unchanged corpus embeds nothing. A source that fails to load is
reported by name and, when the live version has passages from it, those passages are carried
forward (a page that times out tonight does not vanish from the answers). Nothing is published
unless at least one passage was built; the live version stays in place until the new one is
completely written.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
from tqdm import tqdm

from ingest.chunk import (
    ChunkingConfig,
    chunk_document,
    dense_windows,
    embedding_text,
    stable_chunk_id,
)
from ingest.model import LoadedDocument
from knowledge_base import index_io
from knowledge_base.embedding import Embedder
from knowledge_base.text import bm25_tokens, words
from knowledge_base.types import ChunkRecord

EMBED_BATCH = 256  # texts per progress step; the model batches internally


class Failure(Protocol):
    source: str
    reason: str


@dataclass
class BuildSummary:
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    windows_embedded: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    carried_forward: list[str] = field(default_factory=list)
    seconds: float = 0.0
    version: str | None = None
    published: bool = False

    def to_json(self) -> dict:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "embedded": self.embedded,
            "reused": self.reused,
            "windows_embedded": self.windows_embedded,
            "failures": [{"source": s, "reason": r} for s, r in self.failures],
            "carried_forward": self.carried_forward,
            "seconds": round(self.seconds, 2),
            "version": self.version,
            "published": self.published,
        }

    def render(self) -> str:
        lines = [
            f"documents: {self.documents}",
            f"chunks:    {self.chunks} ({self.embedded} embedded, {self.reused} reused)",
            f"failures:  {len(self.failures)}",
        ]
        lines += [f"  - {source}: {reason}" for source, reason in self.failures]
        if self.carried_forward:
            lines.append(f"kept from the previous version: {', '.join(self.carried_forward)}")
        state = f"published version {self.version}" if self.published else "nothing published; the live index is unchanged"
        lines.append(f"seconds:   {self.seconds:.1f}")
        lines.append(state)
        return "\n".join(lines)


def _previous(out_dir: Path, model_id: str) -> index_io.IndexData | None:
    try:
        previous = index_io.load(out_dir)
    except index_io.IndexUnavailable:
        return None
    return previous if previous.model_id == model_id else None


def build_bm25(chunks: list[ChunkRecord]) -> bm25s.BM25:
    bm25 = bm25s.BM25()
    bm25.index([bm25_tokens(embedding_text(c)) or ["_"] for c in chunks], show_progress=False)
    return bm25


def build_index(
    items: Iterable[LoadedDocument | Failure],
    out_dir: Path,
    *,
    council_names: dict[str, str],
    embedder: Embedder,
    chunking: ChunkingConfig = ChunkingConfig(),  # noqa: B008 (frozen, never mutated)
    progress: bool = True,
) -> BuildSummary:
    started = time.perf_counter()
    out_dir = Path(out_dir)
    summary = BuildSummary()
    chunks: list[ChunkRecord] = []
    seen_sources: set[str] = set()
    loading = tqdm(items, desc="loading", unit="doc", disable=not progress, file=sys.stderr)
    for item in loading:
        if not isinstance(item, LoadedDocument):
            summary.failures.append((item.source, item.reason))
            continue
        if item.source_id in seen_sources:
            continue  # the same document declared twice (a folder and a file inside it)
        seen_sources.add(item.source_id)
        summary.documents += 1
        chunks.extend(chunk_document(item, council_names.get(item.council, item.council), chunking))

    previous = _previous(out_dir, embedder.model_id)
    if previous is not None:
        for source, _ in summary.failures:
            kept = [
                c
                for c in previous.chunks
                if c.source_id not in seen_sources and (c.source_id == source or (c.url or "").startswith(source))
            ]
            if kept:
                chunks.extend(kept)
                seen_sources.update(c.source_id for c in kept)
                summary.carried_forward.append(source)

    summary.chunks = len(chunks)
    if not chunks:
        summary.seconds = time.perf_counter() - started
        return summary

    dense = embed_windows(chunks, embedder, previous, summary, progress)
    vocabulary = Counter(w for c in chunks for w in words(embedding_text(c)))
    version_path = index_io.write_version(
        out_dir,
        chunks=chunks,
        vectors=dense.vectors,
        window_ids=dense.ids,
        window_rows=dense.rows,
        window_hashes=dense.hashes,
        bm25=build_bm25(chunks),
        vocabulary=dict(vocabulary),
        model={"id": embedder.model_id, "path_name": embedder.name, "dimension": embedder.dimension,
               "max_tokens": embedder.max_tokens},
        extra_manifest={"chunking": chunking.__dict__, "failures": summary.to_json()["failures"]},
    )
    index_io.publish(out_dir, version_path)
    summary.version = version_path.name
    summary.published = True
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class DenseWindows:
    vectors: np.ndarray
    ids: np.ndarray
    rows: np.ndarray
    hashes: list[str]


def embed_windows(
    chunks: list[ChunkRecord],
    embedder: Embedder,
    previous: index_io.IndexData | None,
    summary: BuildSummary,
    progress: bool,
) -> DenseWindows:
    """One vector per dense window, reused by content hash where possible, the rest embedded."""
    texts: list[str] = []
    rows: list[int] = []
    ids: list[int] = []
    for row, chunk in enumerate(chunks):
        for number, text in enumerate(dense_windows(chunk, embedder.token_count, embedder.max_tokens)):
            texts.append(text)
            rows.append(row)
            ids.append(stable_chunk_id(f"{chunk.chunk_id}", text, number))
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    reusable: dict[str, int] = {}
    if previous is not None:
        reusable = dict(zip(previous.window_hashes, (int(i) for i in previous.window_ids)))
    todo: list[int] = []
    for position, digest in enumerate(hashes):
        old_id = reusable.get(digest)
        if old_id is not None:
            vectors[position] = previous.dense.reconstruct(old_id)
        else:
            todo.append(position)
    fresh_rows = {rows[p] for p in todo}
    summary.embedded = len(fresh_rows)
    summary.reused = len(chunks) - len(fresh_rows)
    summary.windows_embedded = len(todo)
    bar = tqdm(total=len(todo), desc="embedding", unit="window", disable=not progress or not todo, file=sys.stderr)
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.encode([texts[p] for p in batch])
        bar.update(len(batch))
    bar.close()
    return DenseWindows(vectors, np.array(ids, dtype=np.int64), np.array(rows, dtype=np.int64), hashes)
