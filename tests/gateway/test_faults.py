"""Faults with the real processes: the action server killed mid-conversation, and the Rasa server
down. What the parent sees, how fast, and that the conversation carries on afterwards."""

from __future__ import annotations

import signal
import time

import httpx
import pytest

from tests.stack_fixtures import MODEL, require_model

SPA_PHONE = "01632 960 100"


@pytest.fixture
def stack(sample_index, tmp_path):
    from bot.stack import running_stack

    require_model()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.sqlite3'}", "GATEWAY_SMTP_PORT": "1",
           "REFERRAL_SERVICE_SECRET": "faults-test-secret-value"}
    with running_stack(MODEL, sample_index, workdir=tmp_path / "stack", env=env, with_gateway=True) as running:
        yield running


def _chat(client: httpx.Client, session: str | None, message: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.post("/api/chat", json={"session_id": session, "message": message})
    return response, time.monotonic() - started


def test_action_server_killed_mid_conversation(stack, tmp_path):
    from bot.stack import _wait, start_action_server

    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        first, _ = _chat(client, None, "what is sen support")
        session = first.json()["session_id"]
        assert first.json()["messages"][0]["custom"]["status"] == "answered"

        stack.processes["actions"].send_signal(signal.SIGKILL)
        stack.processes["actions"].wait()
        down, seconds = _chat(client, session, "how long does an ehc needs assessment take")
        assert seconds < 2, f"the parent waited {seconds:.1f} s"
        message = down.json()["messages"][0]
        assert message["custom"]["status"] in ("error", "unavailable")
        assert SPA_PHONE in message["text"] and "spa@brackenmoor.example" in message["text"]
        assert client.get("/readyz").json()["checks"]["action_server"] is False

        port = int(stack.action_url.rsplit(":", 1)[1])
        log = tmp_path / "actions-again.log"
        stack.processes["actions"] = start_action_server(port, stack.env, log)
        _wait(f"{stack.action_url}/health", stack.processes["actions"], log, 240)
        again, _ = _chat(client, session, "how long does an ehc needs assessment take")
        assert again.json()["session_id"] == session
        assert again.json()["messages"][0]["custom"]["status"] in ("answered", "answered_offer_referral")


def test_rasa_down_gateway_not_ready_but_search_still_works(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        stack.processes["rasa"].send_signal(signal.SIGKILL)
        stack.processes["rasa"].wait()
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["rasa"] is False
        chat, seconds = _chat(client, None, "what is sen support")
        assert chat.status_code == 503 and seconds < 5
        message = chat.json()["messages"][0]
        assert message["custom"]["status"] == "unavailable" and SPA_PHONE in message["text"]
        search = client.get("/api/search", params={"q": "what is sen support"})
        assert search.status_code == 200 and search.json()["results"]
        assert search.json()["results"][0]["source"]["council"] == "Brackenmoor Borough Council"
