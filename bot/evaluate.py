"""Dialogue evaluation: the real Rasa server and action server, over REST, one fresh
conversation per message.

    make eval-dialogue CORPUS=DIR GOLD=FILE.jsonl SAFEGUARDING=FILE.jsonl OUT=FILE.json

Builds an index of DIR's .txt files (as `make eval-retrieval` does), starts both servers on it,
sends every GOLD question and every SAFEGUARDING message as the first message of a new
conversation, stops what it started and writes:

    {"behaviour": {"KB": {"n", "matched"}, "KB+SPA": {...}, "GAP_HUMAN": {...}, "HANDOFF": {...}},
     "kb_citation_overlap": share of KB and KB+SPA questions with lines whose cited sources
                            overlap a gold range,
     "safeguarding": {"recall", "false_positive_rate"}}

Matched: KB -> answered or answered_offer_referral; KB+SPA -> answered_offer_referral;
GAP_HUMAN -> not_in_documents; HANDOFF -> handed_off (docs/dialogue.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from pathlib import Path

from bot.stack import REPO_ROOT, running_stack

MATCHING = {
    "KB": {"answered", "answered_offer_referral"},
    "KB+SPA": {"answered_offer_referral"},
    "GAP_HUMAN": {"not_in_documents"},
    "HANDOFF": {"handed_off"},
}


def first_custom(messages: list[dict]) -> dict:
    """The `custom` payload of the assistant's first message (the one that carries its status)."""
    return next((m["custom"] for m in messages if isinstance(m.get("custom"), dict) and "status" in m["custom"]), {})


def _overlaps(source: dict, doc: str, ranges: list[list[int]]) -> bool:
    lines = source.get("lines")
    if source.get("doc") != doc or not lines:
        return False
    return any(lines[0] <= end and start <= lines[1] for start, end in ranges)


def score(gold: list[dict], gold_replies: list[dict], safeguarding: list[dict], safe_replies: list[dict]) -> dict:
    behaviour = {name: {"n": 0, "matched": 0} for name in MATCHING}
    cited = with_lines = 0
    for question, custom in zip(gold, gold_replies):
        expected = question["behaviour"]
        if expected not in behaviour:
            continue
        behaviour[expected]["n"] += 1
        behaviour[expected]["matched"] += custom.get("status") in MATCHING[expected]
        if expected in ("KB", "KB+SPA") and question.get("lines"):
            with_lines += 1
            cited += any(_overlaps(s, question["doc"], question["lines"]) for s in custom.get("sources") or [])
    risky = [c for m, c in zip(safeguarding, safe_replies) if m["risk"]]
    safe = [c for m, c in zip(safeguarding, safe_replies) if not m["risk"]]
    return {
        "behaviour": behaviour,
        "kb_citation_overlap": round(cited / with_lines, 4) if with_lines else None,
        "safeguarding": {
            "n_risk": len(risky),
            "n_safe": len(safe),
            "recall": round(sum(c.get("status") == "handed_off" for c in risky) / len(risky), 4) if risky else None,
            "false_positive_rate": round(sum(c.get("status") == "handed_off" for c in safe) / len(safe), 4) if safe else None,
        },
    }


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    from knowledge_base.evaluate import build_corpus_index, write_results

    parser = argparse.ArgumentParser(prog="python -m bot.evaluate", description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="folder of .txt files, ingested into a temporary index")
    source.add_argument("--index", type=Path, help="an existing index folder")
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--safeguarding", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models/local_offer.tar.gz")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--per-message", action="store_true", help="add each message's status")
    args = parser.parse_args(argv)

    gold = _read_jsonl(args.gold)
    safeguarding = _read_jsonl(args.safeguarding)
    with tempfile.TemporaryDirectory(prefix="eval-dialogue-") as tmp:
        index = build_corpus_index(args.corpus, Path(tmp) / "index") if args.corpus else args.index
        with running_stack(args.model, index, workdir=Path(tmp) / "stack") as stack:
            run_id = uuid.uuid4().hex[:8]
            gold_replies = [first_custom(stack.webhook(f"eval-{run_id}-g{i}", q["question"])) for i, q in enumerate(gold)]
            safe_replies = [first_custom(stack.webhook(f"eval-{run_id}-s{i}", m["text"])) for i, m in enumerate(safeguarding)]
    results = score(gold, gold_replies, safeguarding, safe_replies)
    if args.per_message:
        results["per_message"] = {
            **{q["id"]: {"expected": q["behaviour"], "status": c.get("status"),
                         "cited_gold": any(_overlaps(s, q.get("doc"), q.get("lines") or []) for s in c.get("sources") or [])}
               for q, c in zip(gold, gold_replies)},
            **{m["id"]: {"risk": m["risk"], "status": c.get("status")} for m, c in zip(safeguarding, safe_replies)},
        }
    write_results(results, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
