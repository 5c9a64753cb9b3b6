"""Actions run over trackers recorded from real conversations (tests/actions/trackers/).

Each test loads the tracker the action server was sent, runs the action with a collecting
dispatcher, and asserts on the messages (text, buttons, custom payload) and the events.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.conftest import REPO_ROOT

TRACKERS = Path(__file__).parent / "trackers"
DOMAIN = yaml.safe_load((REPO_ROOT / "bot/domain.yml").read_text())


@pytest.fixture(scope="module")
def actions(sample_index, tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("LOCAL_OFFER_INDEX", str(sample_index))
    monkeypatch_module.setenv("REFERRAL_OUTBOX", str(tmp_path_factory.mktemp("outbox") / "outbox.sqlite3"))
    monkeypatch_module.delenv("REFERRAL_SERVICE_URL", raising=False)
    from actions import actions as module

    for cached in (module.settings, module.council_info, module.answerer, module.service_finder,
                   module.referral_client):
        cached.cache_clear()
    yield module
    for cached in (module.settings, module.answerer, module.service_finder, module.referral_client):
        cached.cache_clear()


@pytest.fixture(scope="module")
def monkeypatch_module():
    patch = pytest.MonkeyPatch()
    yield patch
    patch.undo()


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((TRACKERS / f"{name}.json").read_text()))


def run(action, name: str):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker(name), DOMAIN)
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, events


def slots_set(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_answer_from_a_recorded_question(actions):
    messages, events = run(actions.ActionAnswer(), "question")
    custom = messages[0]["custom"]
    assert custom["status"] == "answered" and custom["sources"]
    assert "6 weeks" in messages[0]["text"]
    # the status and the question live in the stored message itself: an answer stores no slot
    # event for them (each stored event costs every later turn time)
    assert set(slots_set(events)) <= {"offer"}


def test_gap_from_a_recorded_question(actions):
    messages, events = run(actions.ActionAnswer(), "gap")
    assert messages[0]["custom"]["status"] == "not_in_documents"
    assert messages[0]["custom"]["reason"]
    assert slots_set(events)["offer"] == "referral"


def test_answer_action_refuses_a_risky_message(actions):
    # even if routing went wrong, the answer action hands off instead of answering
    messages, _ = run(actions.ActionAnswer(), "crisis")
    assert messages[0]["custom"]["status"] == "handed_off"
    assert not messages[0]["custom"]["sources"]


def test_crisis_handoff(actions):
    messages, events = run(actions.ActionSafeguardingHandoff(), "crisis")
    custom = messages[0]["custom"]
    assert custom["status"] == "handed_off" and custom["handoff"]["tier"] == "crisis"
    for number in ("999", "0800 1111", "116 123", "0808 800 5000"):
        assert number in messages[0]["text"]
    slots = slots_set(events)
    assert slots["urgency_hint"] == "urgent" and slots["offer"] == "referral"
    assert any(e.get("event") == "active_loop" for e in events)


def test_urgent_handoff_has_no_crisis_numbers(actions):
    messages, _ = run(actions.ActionSafeguardingHandoff(), "urgent")
    custom = messages[0]["custom"]
    assert custom["handoff"]["tier"] == "urgent"
    assert "116 123" not in messages[0]["text"]


def test_define_term(actions):
    messages, events = run(actions.ActionDefineTerm(), "define_term")
    assert messages[0]["custom"]["term"] == "SENCO"
    assert "SENCO" in messages[0]["custom"]["explained"]
    assert "expanded_terms" not in slots_set(events)


def _with_reply(t: Tracker, custom: dict) -> Tracker:
    state = t.current_state()
    events = [*state["events"], {"event": "bot", "text": "earlier", "data": {"custom": custom}}]
    return Tracker.from_dict({**state, "events": events})


def test_terms_explained_earlier_in_the_session_are_not_explained_again(actions):
    question = "can i choose a special school"
    fresh = CollectingDispatcher()
    actions.answer_question(question, tracker("question"), fresh)
    assert "EHCP (education, health and care plan)" in fresh.messages[0]["text"]
    assert "EHCP" in fresh.messages[0]["custom"]["explained"]
    earlier = _with_reply(tracker("question"), {"status": "glossary", "explained": ["SENCO", "EHCP"]})
    assert actions.explained_so_far(earlier) == {"SENCO", "EHCP"}
    assert actions.last_reply_status(earlier) == "glossary"
    again = CollectingDispatcher()
    actions.answer_question(question, earlier, again)
    body = again.messages[0]["text"].split("\n\n")[0]
    assert "EHCP" in body and "EHCP (education" not in body
    assert "EHCP" not in again.messages[0]["custom"].get("explained", [])


def test_a_session_rollover_carries_the_explained_terms(actions, monkeypatch):
    monkeypatch.setattr(actions, "ROLLOVER_EVENTS", 1)
    earlier = _with_reply(tracker("question"), {"status": "answered", "explained": ["EHCP"]})
    events = actions.with_session_rollover(earlier, [], {"SENCO"})
    assert events[0]["event"] == "session_started"
    assert slots_set(events)["expanded_terms"] == ["EHCP", "SENCO"]


def test_find_service(actions):
    messages, _ = run(actions.ActionFindService(), "service")
    assert messages[0]["custom"]["status"] == "service_list"
    assert "Spectrum After-School Club" in messages[0]["text"]


def test_invalid_phone_number_is_re_asked(actions):
    t = tracker("referral_phone")
    dispatcher = CollectingDispatcher()
    form = actions.ValidateReferralForm()
    result = form.validate_contact_value("12345", dispatcher, t, DOMAIN)
    assert result == {"contact_value": None}
    assert dispatcher.messages[0]["custom"]["invalid"] is True
    assert form.validate_contact_value("07700 900 123", CollectingDispatcher(), t, DOMAIN) == {"contact_value": "07700 900123"}


def test_submit_stores_the_referral_with_a_reference(actions):
    messages, events = run(actions.ActionSubmitReferral(), "referral_confirm")
    custom = messages[0]["custom"]
    assert custom["status"] == "referral_submitted" and custom["reference"].startswith("SPA-")
    assert custom["delivered"] is False  # no referral service configured: kept in the outbox
    # the parent is told the truth: saved, not yet with the team, and sent on without them
    assert "saved" in messages[0]["text"] and "passed this to" not in messages[0]["text"]
    assert "sent to them automatically" in messages[0]["text"]
    stored = actions.referral_client().outbox.get(custom["reference"])
    assert stored["contact_value"] == "sam@example.org" and stored["consent"]["given"] is True
    assert all("sam@example.org" not in line["text"] for line in stored["transcript"])
    slots = slots_set(events)
    assert slots["referral_reference"] == custom["reference"] and slots["parent_name"] is None


def test_submit_says_plainly_when_the_referral_could_not_be_saved(actions, tmp_path, monkeypatch):
    not_a_file = tmp_path / "outbox-is-a-folder"
    not_a_file.mkdir()  # SQLite cannot open a folder: the local copy cannot be written
    monkeypatch.setenv("REFERRAL_OUTBOX", str(not_a_file))
    actions.settings.cache_clear()
    actions.referral_client.cache_clear()
    try:
        messages, events = run(actions.ActionSubmitReferral(), "referral_confirm")
    finally:
        monkeypatch.undo()
        actions.settings.cache_clear()
        actions.referral_client.cache_clear()
    custom = messages[0]["custom"]
    assert custom["status"] == "error" and custom["saved"] is False and "reference" not in custom
    assert "not been sent" in messages[0]["text"] and "01632 960 100" in messages[0]["text"]
    assert "referral_reference" not in slots_set(events)


def test_an_answer_ends_the_turn_with_a_follow_up_listen(actions):
    # Rasa then skips a run of its policies whose only outcome would be to listen
    for action, name in ((actions.ActionAnswer(), "question"), (actions.ActionDefineTerm(), "define_term"),
                         (actions.ActionFindService(), "service"), (actions.ActionAnswer(), "gap")):
        _, events = run(action, name)
        assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}, name
        assert sum(e.get("event") == "followup" for e in events) == 1


def test_a_hand_off_from_the_answer_action_leaves_the_next_step_to_the_policies(actions):
    messages, events = run(actions.ActionAnswer(), "crisis")
    assert messages[0]["custom"]["status"] == "handed_off"
    assert any(e.get("event") == "active_loop" for e in events)
    assert not any(e.get("event") == "followup" for e in events)
