"""The index as a directory artifact: versions, a manifest, and an atomic swap.

    <index dir>/current -> versions/<version>     (a relative symlink, replaced atomically)
    <index dir>/versions/<version>/manifest.json  model, dimension, corpus hash, counts, build time, files
                                  /chunks.jsonl   one ChunkRecord per line, in FAISS/BM25 order
                                  /dense.faiss    IndexIDMap2 over inner product (normalised vectors),
                                                  one vector per dense window of a chunk
                                  /windows.npy    (window id, chunk row) pairs; window_hashes.json
                                  /bm25/          bm25s arrays and vocabulary (JSON + .npy, no pickle)
                                  /vocabulary.json  word -> count, for spelling correction

A build writes a complete new version beside the live one and only then repoints `current`,
so readers never see half an index; a reader keeps the version it opened until it reopens.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from knowledge_base.types import ChunkRecord

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
KEEP_VERSIONS = 3  # the live one and two before it, for rollback and for readers still open
REBUILD_HINT = "rebuild it with: make index  (or: python -m ingest build --sources <sources.yml> --out <dir>)"


class IndexUnavailable(RuntimeError):
    """The index is missing or unreadable; the message names the problem and the fix."""


@dataclass
class IndexData:
    """An index version loaded in memory."""

    path: Path
    manifest: dict
    chunks: list[ChunkRecord]
    dense: faiss.Index
    bm25: bm25s.BM25
    vocabulary: dict[str, int]
    ids: np.ndarray  # chunk ids in row order
    window_ids: np.ndarray  # FAISS labels, one per dense window
    window_rows: np.ndarray  # the chunk row each window belongs to
    window_hashes: list[str]  # sha256 of each window's text, for reuse by the next build

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def model_id(self) -> str:
        return self.manifest["model"]["id"]


def corpus_hash(chunks: list[ChunkRecord]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.content_hash.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dense_store(dimension: int) -> faiss.Index:
    """Exhaustive inner-product search over vectors kept as 16-bit floats.

    Half the memory and memory traffic of float32; on normalised MiniLM vectors the top 300
    are the same as an exact float32 scan (docs/benchmarks.md).
    """
    return faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)


def write_version(
    index_dir: Path,
    *,
    chunks: list[ChunkRecord],
    vectors: np.ndarray,
    window_ids: np.ndarray,
    window_rows: np.ndarray,
    window_hashes: list[str],
    bm25: bm25s.BM25,
    vocabulary: dict[str, int],
    model: dict,
    extra_manifest: dict | None = None,
) -> Path:
    """Write a complete version folder (not yet live) and return its path."""
    index_dir = Path(index_dir)
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    version = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{corpus_hash(chunks)[:10]}"
    final = versions / version
    suffix = 1
    while final.exists():
        final = versions / f"{version}.{suffix}"
        suffix += 1
    staging = versions / f".{final.name}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()

    dense = faiss.IndexIDMap2(dense_store(int(model["dimension"])))
    if len(window_ids):
        dense.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), window_ids.astype(np.int64))
    faiss.write_index(dense, str(staging / "dense.faiss"))
    np.save(staging / "windows.npy", np.stack([window_ids.astype(np.int64), window_rows.astype(np.int64)], axis=1))
    (staging / "window_hashes.json").write_text(json.dumps(window_hashes), encoding="utf-8")
    bm25.save(str(staging / "bm25"), show_progress=False)
    with (staging / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_json(), ensure_ascii=False) + "\n")
    (staging / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")

    files = {
        str(p.relative_to(staging)): {"bytes": p.stat().st_size, "sha256": _file_sha256(p)}
        for p in sorted(staging.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "format": FORMAT_VERSION,
        "version": final.name,
        "model": model,
        "corpus_hash": corpus_hash(chunks),
        "counts": {
            "chunks": len(chunks),
            "dense_windows": len(window_ids),
            "documents": len({c.source_id for c in chunks}),
            "councils": sorted({c.council for c in chunks}),
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files,
        **(extra_manifest or {}),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(staging, final)
    return final


def publish(index_dir: Path, version_path: Path) -> None:
    """Point `current` at a written version in one atomic rename, then prune old versions."""
    index_dir = Path(index_dir)
    link = index_dir / "current"
    tmp_link = index_dir / f".current.{os.getpid()}.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("versions") / version_path.name)
    os.replace(tmp_link, link)
    _prune(index_dir, keep=version_path.name)


def _prune(index_dir: Path, keep: str) -> None:
    versions = sorted(
        (p for p in (index_dir / "versions").iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )
    old = [p for p in versions if p.name != keep]
    for path in old[: max(0, len(old) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def resolve_version(index_path: Path) -> Path:
    """An index dir (with `current`) or a version folder itself."""
    index_path = Path(index_path)
    if (index_path / MANIFEST).is_file():
        return index_path
    current = index_path / "current"
    if not index_path.exists():
        raise IndexUnavailable(f"no index at {index_path}: {REBUILD_HINT}")
    if not current.exists():
        raise IndexUnavailable(f"no built version in {index_path} (no 'current' link): {REBUILD_HINT}")
    return current.resolve()


def read_manifest(index_path: Path) -> dict | None:
    try:
        return json.loads((resolve_version(index_path) / MANIFEST).read_text(encoding="utf-8"))
    except (IndexUnavailable, OSError, ValueError):
        return None


def load(index_path: Path, *, verify: bool = False) -> IndexData:
    """Load the live version; `verify` also checks every file's sha256 against the manifest."""
    version_path = resolve_version(index_path)
    try:
        manifest = json.loads((version_path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"index manifest in {version_path} is unreadable ({exc}): {REBUILD_HINT}")
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexUnavailable(
            f"index in {version_path} has format {manifest.get('format')}, expected {FORMAT_VERSION}: {REBUILD_HINT}"
        )
    for name, facts in manifest.get("files", {}).items():
        path = version_path / name
        if not path.is_file() or path.stat().st_size != facts["bytes"]:
            raise IndexUnavailable(f"index file {path} is missing or truncated: {REBUILD_HINT}")
        if verify and _file_sha256(path) != facts["sha256"]:
            raise IndexUnavailable(f"index file {path} does not match its manifest (corrupt): {REBUILD_HINT}")
    try:
        with (version_path / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = [ChunkRecord.from_json(json.loads(line)) for line in handle if line.strip()]
        dense = faiss.read_index(str(version_path / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(version_path / "bm25"), mmap=False)
        vocabulary = json.loads((version_path / "vocabulary.json").read_text(encoding="utf-8"))
        windows = np.load(version_path / "windows.npy", allow_pickle=False)
        window_hashes = json.loads((version_path / "window_hashes.json").read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 (any parse failure means the same thing to the caller)
        raise IndexUnavailable(f"index in {version_path} is corrupt ({type(exc).__name__}: {exc}): {REBUILD_HINT}")
    consistent = (
        manifest["counts"]["chunks"] == len(chunks)
        and dense.ntotal == len(windows) == len(window_hashes)
        and (len(windows) == 0 or int(windows[:, 1].max()) < len(chunks))
    )
    if not consistent:
        raise IndexUnavailable(f"index in {version_path} has inconsistent counts: {REBUILD_HINT}")
    ids = np.array([c.chunk_id for c in chunks], dtype=np.int64)
    return IndexData(
        version_path, manifest, chunks, dense, bm25, vocabulary, ids,
        window_ids=windows[:, 0].copy(), window_rows=windows[:, 1].copy(), window_hashes=window_hashes,
    )
