"""A deployment covering two councils asks which one, keeps the question, and answers from that
council's documents only (never implying one council's provision applies to another)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import REPO_ROOT

DOMAIN = yaml.safe_load((REPO_ROOT / "bot/domain.yml").read_text())
TRACKERS = Path(__file__).parent / "trackers"

# Two fictional councils with different short-break rules, so the answer shows whose it is.
DOCUMENTS = {
    "eastmere": "# Short breaks in Eastmere\nLast updated: 2026-03-01\n\nEastmere short breaks are booked "
                "through the Eastmere Family Hub. Families can have up to 10 sessions a term at the Eastmere "
                "play scheme without an assessment.\n",
    "westvale": "# Short breaks in Westvale\nLast updated: 2026-04-01\n\nWestvale short breaks need a "
                "short breaks assessment by the Westvale disabled children's team before any sessions are "
                "booked. Families can ask for an assessment by phoning the team.\n",
}


@pytest.fixture(scope="module")
def two_council_actions(tmp_path_factory):
    from ingest.build import build_index
    from ingest.loaders.text import load_text
    from knowledge_base.embedding import shared_embedder

    out = tmp_path_factory.mktemp("two-councils")
    documents = [load_text(text, source_id=f"{council}.md", council=council, doc_type="local_offer_page",
                           url=f"https://{council}.example/short-breaks") for council, text in DOCUMENTS.items()]
    summary = build_index(documents, out, council_names={"eastmere": "Eastmere Council", "westvale": "Westvale Council"},
                          embedder=shared_embedder(), progress=False)
    assert summary.published
    patch = pytest.MonkeyPatch()
    patch.setenv("LOCAL_OFFER_INDEX", str(out))
    patch.delenv("LOCAL_OFFER_COUNCIL", raising=False)
    from actions import actions as module

    for cached in (module.settings, module.answerer, module.service_finder):
        cached.cache_clear()
    yield module
    patch.undo()
    for cached in (module.settings, module.answerer, module.service_finder):
        cached.cache_clear()


def _tracker(question: str, **slots) -> Tracker:
    state = json.loads((TRACKERS / "question.json").read_text())
    state = copy.deepcopy(state)
    state["latest_message"]["text"] = question
    state["slots"].update(slots)
    return Tracker.from_dict(state)


def test_asks_which_council_and_answers_from_that_one_only(two_council_actions):
    actions = two_council_actions
    question = "do we need an assessment before booking short breaks"
    dispatcher = CollectingDispatcher()
    events = actions.ActionAnswer().run(dispatcher, _tracker(question), DOMAIN)
    custom = dispatcher.messages[0]["custom"]
    assert custom["status"] == "asking_council"
    assert {b["title"] for b in dispatcher.messages[0]["buttons"]} == {"Eastmere Council", "Westvale Council"}
    pending = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["pending_question"]
    assert pending == question

    dispatcher = CollectingDispatcher()
    tracker = _tracker("/choose_council", council="westvale", pending_question=pending)
    events = actions.ActionChooseCouncil().run(dispatcher, tracker, DOMAIN)
    reply = dispatcher.messages[0]
    assert reply["custom"]["status"] in ("answered", "answered_offer_referral")
    assert {s["council"] for s in reply["custom"]["sources"]} == {"Westvale Council"}
    assert "Westvale" in reply["text"] and "Eastmere" not in reply["text"]
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["council"] == "westvale"
