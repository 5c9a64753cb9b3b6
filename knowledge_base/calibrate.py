"""Fit the answerability model on labelled questions and write calibration.json.

    python -m knowledge_base.calibrate --index var/index/sample_council \
        --questions knowledge_base/eval/sample_council_gold.jsonl knowledge_base/eval/unanswerable.jsonl

Questions whose behaviour is KB or KB+SPA are answerable (1); GAP_HUMAN ones are not (0);
HANDOFF questions are about risk, not retrieval, and are left out. A logistic regression (a few
Newton steps, lightly regularised) is fitted on the search features; the threshold is the one
that maximises balanced accuracy (the mean of the rates at which answerable questions are
answered and unanswerable ones are admitted as gaps), so neither class is sacrificed for the
larger one. Five-fold cross-validation reports how well that holds on questions not fitted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from knowledge_base.answerability import CALIBRATION_FILE, FEATURES, Calibration
from knowledge_base.evaluate import load_gold
from knowledge_base.retriever import Retriever

L2 = 0.01
LABELS = {"KB": 1, "KB+SPA": 1, "GAP_HUMAN": 0}


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 50) -> np.ndarray:
    """Weights (bias last) by Newton's method on the L2-penalised log-likelihood."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    penalty = L2 * np.eye(design.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return weights


def probabilities(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ weights[:-1] + weights[-1])))


def balanced_accuracy(p: np.ndarray, y: np.ndarray, threshold: float) -> float:
    predicted = p >= threshold
    return 0.5 * (predicted[y == 1].mean() + (~predicted[y == 0]).mean())


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    candidates = np.unique(np.round(p, 4))
    return float(max(candidates, key=lambda t: (balanced_accuracy(p, y, t), -abs(t - 0.5))))


def auc(p: np.ndarray, y: np.ndarray) -> float:
    positives, negatives = p[y == 1], p[y == 0]
    wins = (positives[:, None] > negatives[None, :]).sum() + 0.5 * (positives[:, None] == negatives[None, :]).sum()
    return float(wins / (len(positives) * len(negatives)))


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 7) -> float:
    order = np.random.default_rng(seed).permutation(len(y))
    scores = []
    for fold in range(folds):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        weights = fit_logistic(x[train], y[train])
        threshold = best_threshold(probabilities(x[train], weights), y[train])
        if len(set(y[test])) == 2:
            scores.append(balanced_accuracy(probabilities(x[test], weights), y[test], threshold))
    return float(np.mean(scores))


def features_for(retriever: Retriever, questions: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for question in questions:
        label = LABELS.get(question.get("behaviour", ""))
        if label is None:
            continue
        features = retriever.search(question["question"], k=5).features
        rows.append([features[name] for name in FEATURES])
        labels.append(label)
    return np.array(rows, dtype=float), np.array(labels, dtype=float)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base.calibrate", description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, nargs="+", required=True, help="labelled JSONL files")
    parser.add_argument("--out", type=Path, default=CALIBRATION_FILE)
    args = parser.parse_args(argv)

    retriever = Retriever.open(args.index)
    questions = [q for path in args.questions for q in load_gold(path)]
    x, y = features_for(retriever, questions)
    if len(set(y)) < 2:
        raise SystemExit("need both answerable (KB) and unanswerable (GAP_HUMAN) questions")
    weights = fit_logistic(x, y)
    p = probabilities(x, weights)
    threshold = best_threshold(p, y)
    predicted = p >= threshold
    report = {
        "questions": len(y),
        "answerable": int(y.sum()),
        "auc": round(auc(p, y), 3),
        "answered_when_answerable": round(float(predicted[y == 1].mean()), 3),
        "admitted_gap_when_not": round(float((~predicted[y == 0]).mean()), 3),
        "balanced_accuracy": round(balanced_accuracy(p, y, threshold), 3),
        "cross_validated_balanced_accuracy": round(cross_validate(x, y), 3),
    }
    calibration = Calibration(
        weights={name: round(float(w), 4) for name, w in zip(FEATURES, weights[:-1])},
        bias=round(float(weights[-1]), 4),
        threshold=round(threshold, 4),
        fitted_on=f"{', '.join(p.name for p in args.questions)} over index {retriever.index.version}",
    )
    args.out.write_text(json.dumps(calibration.to_json() | {"report": report}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
