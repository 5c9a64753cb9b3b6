"""The query encoder: ONNX Runtime gives the same vectors as torch, exported once, repaired when
damaged, and torch alone when asked for (or when ONNX cannot be used)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.embedding import Embedder, onnx_path

TEXTS = [
    "what is sen support",
    "do u need a diagnosis to get help at school??",
    "",
    "Ma fille a 8 ans 🙂 — EHCP?",
    "how long has the council got " * 80,  # over the model's 256 word pieces: cut the same way
]


@pytest.fixture
def onnx_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LOCAL_OFFER_ONNX_DIR", str(tmp_path / "onnx"))
    monkeypatch.delenv("LOCAL_OFFER_QUERY_ENCODER", raising=False)
    return tmp_path / "onnx"


def test_onnx_query_vectors_are_torchs(onnx_dir):
    embedder = Embedder()
    assert embedder.query_backend == "onnxruntime"
    assert onnx_path(embedder).parent == onnx_dir and onnx_path(embedder).is_file()
    queries, documents = embedder.encode_queries(TEXTS), embedder.encode(TEXTS)
    assert queries.shape == documents.shape == (len(TEXTS), embedder.dimension)
    assert queries.dtype == np.float32 and queries.flags["C_CONTIGUOUS"]
    assert float(np.abs(queries - documents).max()) < 1e-5
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)


def test_export_is_reused_and_a_damaged_one_is_replaced(onnx_dir):
    first = Embedder()
    assert first.query_backend == "onnxruntime"  # exported on first use
    path = onnx_path(first)
    written = path.stat().st_mtime_ns
    assert Embedder().query_backend == "onnxruntime" and path.stat().st_mtime_ns == written  # reused
    path.write_bytes(b"not a model")  # a half-written or damaged file
    repaired = Embedder()
    assert repaired.query_backend == "onnxruntime" and path.stat().st_size > 1_000_000
    assert float(np.abs(repaired.encode_queries(TEXTS[:2]) - first.encode(TEXTS[:2])).max()) < 1e-5
    assert [p.name for p in onnx_dir.iterdir()] == [path.name]  # no staging files left behind


def test_a_build_that_encodes_only_documents_never_exports(onnx_dir):
    Embedder().encode(TEXTS[:2])
    assert not onnx_dir.exists()


def test_torch_only_when_asked(onnx_dir, monkeypatch):
    monkeypatch.setenv("LOCAL_OFFER_QUERY_ENCODER", "torch")
    embedder = Embedder()
    assert embedder.query_backend == "torch" and not onnx_dir.exists()
    assert np.array_equal(embedder.encode_queries(TEXTS[:1]), embedder.encode(TEXTS[:1]))
