"""Record the trackers the action tests replay (run by hand when the domain changes).

    PYTHONPATH=. .venv/bin/python tests/actions/trackers/record.py

Starts the real stack, holds a few conversations over REST, fetches each tracker from Rasa's
HTTP API and cuts it just after the parent's last message: the state the action server was
sent before it ran. Slots are replayed from the events up to the cut. Nothing personal is in
these conversations (the names and numbers are examples from reserved ranges).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.stack import REPO_ROOT, running_stack

HERE = Path(__file__).parent
CONVERSATIONS = {
    "question": ["how long does the council have to decide on an ehc needs assessment"],
    "gap": ["how much is disability living allowance a week for a child on the middle rate"],
    "crisis": ["my son said tonight he wants to go to sleep and never wake up"],
    "urgent": ["they sent him home today and told me not to bring him back tomorrow"],
    "define_term": ["what does SENCO stand for"],
    "service": ["is there anything for autistic 8 year olds after school"],
    "referral_phone": ["i want to make a referral", "yes", "Sam Example", "phone", "12345"],
    "referral_confirm": ["what is ordinarily available provision", "i want to make a referral", "yes", "Sam Example",
                         "email", "sam@example.org", "year 3", "skip", "yes", "soon", "yes"],
}


# Conversations whose recorded state is the one just before a given action (after the form's
# own events), rather than just after the parent's message.
CUT_BEFORE = {"referral_confirm": "action_submit_referral"}


def cut_after_last_user(tracker: dict, before_action: str | None = None) -> dict:
    events = tracker["events"]
    last_user = max(i for i, e in enumerate(events) if e["event"] == "user")
    end = last_user + 1
    if before_action:
        end = max(i for i, e in enumerate(events) if e["event"] == "action" and e["name"] == before_action)
    kept = events[:end]
    slots = {name: None for name in tracker["slots"]}
    active_loop: dict = {}
    for event in kept:
        if event["event"] == "slot" and event["name"] in slots:
            slots[event["name"]] = event["value"]
        elif event["event"] in ("restart", "reset_slots", "session_started"):
            slots = {name: None for name in slots}
        elif event["event"] == "active_loop":
            active_loop = {"name": event["name"]} if event.get("name") else {}
    return {**tracker, "events": kept, "slots": slots, "latest_message": events[last_user]["parse_data"]
            | {"text": events[last_user]["text"]}, "active_loop": active_loop,
            "latest_action_name": "action_listen"}


def main() -> None:
    index = REPO_ROOT / "var/index/sample_council"
    with running_stack(REPO_ROOT / "models/local_offer.tar.gz", index) as stack:
        for name, messages in CONVERSATIONS.items():
            sender = f"recorded-{name}"
            for message in messages:
                stack.webhook(sender, message)
            tracker = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker").json()
            state = cut_after_last_user(tracker, CUT_BEFORE.get(name))
            (HERE / f"{name}.json").write_text(json.dumps(state, indent=1) + "\n")
            print("recorded", name)


if __name__ == "__main__":
    main()
