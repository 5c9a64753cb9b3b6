"""Does the retrieved evidence answer the question? A calibrated probability.

A small logistic model over retrieval features (how similar the best passages are to the
question, how many of the question's content words they contain, whether the two rankers
agree) turns a search into a probability that the documents answer it. Its coefficients and
the decision threshold are fitted by `python -m knowledge_base.calibrate` on labelled
questions (answerable ones and ones the documents do not answer) and kept in
`calibration.json` beside this file, so the threshold is a measured choice, not a guess.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.text import PreparedQuery, bm25_tokens
from knowledge_base.types import Passage

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
FEATURES = ("top_cosine", "mean_top3_cosine", "coverage", "idf_coverage", "agreement")


def answerability_features(
    prepared: PreparedQuery,
    passages: list[Passage],
    cosines: list[float],
    dense_ranking: list[tuple[int, float]],
    bm25_ranking: list[tuple[int, float]],
    idf: Callable[[str], float],
) -> dict[str, float]:
    """`coverage` counts the question's content words found in the top passages;
    `idf_coverage` weighs them by rarity, so a missing "passport" counts for far more than a
    missing "child", and a word no passage contains at all counts most."""
    if not passages:
        return {name: 0.0 for name in FEATURES}
    top3 = sorted(cosines, reverse=True)[:3]
    query_terms = {t for t in bm25_tokens(prepared.corrected) if "_" not in t}
    covered: set[str] = set()
    for passage in passages[:3]:
        covered |= query_terms & set(bm25_tokens(f"{' '.join(passage.headings)} {passage.text}"))
    total_weight = sum(idf(term) for term in query_terms)
    covered_weight = sum(idf(term) for term in covered)
    dense_top = {p for p, _ in dense_ranking[:5]}
    bm25_top = {p for p, _ in bm25_ranking[:5]}
    return {
        "top_cosine": max(cosines),
        "mean_top3_cosine": sum(top3) / len(top3),
        "coverage": len(covered) / len(query_terms) if query_terms else 0.0,
        "idf_coverage": covered_weight / total_weight if total_weight else 0.0,
        "agreement": 1.0 if dense_top & bm25_top else 0.0,
    }


@dataclass(frozen=True)
class Calibration:
    weights: dict[str, float] = field(
        default_factory=lambda: {"top_cosine": 12.0, "idf_coverage": 3.0}
    )
    bias: float = -9.0
    threshold: float = 0.5
    fitted_on: str = "default (not fitted)"

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * features.get(name, 0.0) for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict:
        return {
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
        }


def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    if not path.is_file():
        return Calibration()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Calibration(data["weights"], data["bias"], data["threshold"], data.get("fitted_on", ""))
