"""Faults with the real processes: the action server killed mid-conversation, the Rasa server
down, PostgreSQL gone while a referral is confirmed. What the parent sees, how fast, what is
stored, and that the conversation carries on afterwards."""

from __future__ import annotations

import re
import signal
import time
import uuid

import httpx
import pytest

from tests.gateway.conftest import _postgres_url, _with_database, offline_gateway
from tests.stack_fixtures import MODEL, require_model
from tests.tcp_cut import CuttableRelay

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


# ----- PostgreSQL goes away while a referral is being confirmed ---------------------------------

REFERRAL_STEPS = ["/start_referral", "yes", "Alex Parent", "phone", "07700 900321", "year 5",
                  "Brackenmoor Primary", "yes", "soon"]


@pytest.fixture
def gateway_database(postgres_admin_url):
    """A new PostgreSQL database for the gateway, reached through a relay the test can cut."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"faults_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    direct = _with_database(_postgres_url(), name)
    relay = CuttableRelay(make_url(direct).port or 5432)
    via_relay = make_url(direct).set(port=relay.port).render_as_string(hide_password=False)
    try:
        yield direct, via_relay, relay
    finally:
        relay.close()
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _refer(client: httpx.Client, first_message: str) -> tuple[str, httpx.Client]:
    """A conversation up to the referral's read-back; returns the session, ready to confirm."""
    response, _ = _chat(client, None, first_message)
    session = response.json()["session_id"]
    for message in REFERRAL_STEPS:
        response, _ = _chat(client, session, message)
        assert response.status_code == 200, response.text
    assert "confirm" in response.json()["messages"][0]["text"].lower() or \
        response.json()["messages"][0]["custom"]["status"] == "referral_in_progress"
    return session


def _stored(direct_url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(direct_url) as conn:
        return conn.execute("SELECT reference, parent_name FROM referrals ORDER BY reference").fetchall()


def test_postgres_gone_while_a_referral_is_confirmed(sample_index, tmp_path, gateway_database):
    from bot.stack import running_stack

    require_model()
    direct, via_relay, relay = gateway_database
    env = {"DATABASE_URL": via_relay, "GATEWAY_SMTP_PORT": "1", "REFERRAL_RETRY_SECONDS": "1",
           "REFERRAL_SERVICE_SECRET": "faults-test-secret-value"}
    with running_stack(MODEL, sample_index, workdir=tmp_path / "stack", env=env, with_gateway=True) as stack, \
            httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        # before the fault: confirmed, delivered, and the parent is told it has been passed on
        before = _refer(client, "school refused to put anything in place, who do i call?")
        confirmed, _ = _chat(client, before, "yes")
        sent = confirmed.json()["messages"][0]
        assert sent["custom"]["status"] == "referral_submitted" and sent["custom"]["delivered"] is True
        assert "passed this to" in sent["text"]

        during = _refer(client, "been months and nothing in place for my daughter")
        relay.cut()  # PostgreSQL goes away between the read-back and the parent's "yes"
        confirmed, seconds = _chat(client, during, "yes")
        assert seconds < 10, f"the parent waited {seconds:.1f} s"
        kept = confirmed.json()["messages"][0]
        # the truth: saved, with a reference, not yet with the team, sent on without them
        assert kept["custom"]["status"] == "referral_submitted" and kept["custom"]["delivered"] is False
        reference = kept["custom"]["reference"]
        assert reference in kept["text"] and "saved" in kept["text"] and "passed this to" not in kept["text"]
        assert "automatically" in kept["text"] and SPA_PHONE in kept["text"]

        # meanwhile the gateway says what is wrong instead of failing blindly
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["database"] is False
        answer, _ = _chat(client, None, "what is sen support")  # parents can still ask questions
        assert answer.json()["messages"][0]["custom"]["status"] in ("answered", "answered_offer_referral")
        assert reference not in [ref for ref, _ in _stored(direct)]

        relay.restore()  # PostgreSQL is back: the action server's retry delivers what it kept
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and reference not in [ref for ref, _ in _stored(direct)]:
            time.sleep(0.5)
        time.sleep(2.5)  # two more retry rounds: nothing may be delivered twice
        stored = _stored(direct)
        assert [ref for ref, _ in stored].count(reference) == 1, stored
        assert len(stored) == 2 and {name for _, name in stored} == {"Alex Parent"}
        assert client.get("/readyz").json()["checks"]["database"] is True

    from actions.referral import ReferralOutbox

    outbox = ReferralOutbox(tmp_path / "stack" / "outbox.sqlite3")
    assert outbox.pending() == [] and outbox.get(reference)["delivered_at"]


def test_referral_route_answers_503_with_retry_after_when_postgres_is_gone(gateway_database):
    from fastapi.testclient import TestClient

    from gateway.db import upgrade_to_head
    from gateway.main import create_app
    from gateway.settings import Settings

    direct, via_relay, relay = gateway_database
    upgrade_to_head(direct)
    settings = Settings().model_copy(update={"database_url": via_relay,
                                             "referral_secret": "faults-test-secret-value"})
    body = {
        "reference": "SPA-FA7T-2345", "created_at": "2026-11-23T04:00:00+00:00", "council": "brackenmoor",
        "parent_name": "Sam Example", "contact_method": "email", "contact_value": "sam@example.org",
        "child_age": "year 5", "school_setting": None, "concern_summary": "No support in place.",
        "urgency": "routine", "transcript": [], "source": "assistant",
        "consent": {"given": True, "wording": "I agree", "at": "2026-11-23T04:00:00+00:00",
                    "conversation_id": "c1"},
    }
    auth = {"Authorization": "Bearer faults-test-secret-value"}
    with TestClient(create_app(settings)) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/spa/sign-in").text).group(1)
        relay.cut()
        refused = client.post("/api/referrals", json=body, headers=auth)
        assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
        assert "not available just now" in refused.json()["detail"]
        staff = client.post("/spa/sign-in", data={"csrf_token": token, "email": "jo@council.example",
                                                  "password": "whatever it is"})
        assert staff.status_code == 503 and staff.headers["Retry-After"].isdigit()
        assert staff.headers["content-type"].startswith("text/html")
        assert "The referral records are not available just now" in staff.text and "Nothing has been lost" in staff.text
        relay.restore()
        stored = client.post("/api/referrals", json=body, headers=auth)
        assert stored.status_code == 201, stored.text
        again = client.post("/api/referrals", json=body, headers=auth)
        assert again.status_code == 409
    assert [ref for ref, _ in _stored(direct)] == ["SPA-FA7T-2345"]


# ----- the index is missing or corrupt at start-up ---------------------------------------------

def _corrupt_copy(sample_index, into):
    import shutil

    version = (sample_index / "current").resolve()
    shutil.copytree(version, into / "versions" / version.name)
    (into / "current").symlink_to(f"versions/{version.name}")
    dense = into / "current" / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:200])
    return into


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_action_server_refuses_to_start_on_a_broken_index_and_says_how_to_rebuild(sample_index, tmp_path, damage):
    import subprocess

    from bot.stack import base_env, free_port, start_action_server

    index = tmp_path / "index"
    if damage == "missing":
        index.mkdir()
    else:
        _corrupt_copy(sample_index, index)
    env = base_env(index, {"REFERRAL_OUTBOX": str(tmp_path / "outbox.sqlite3")})
    log = tmp_path / "actions.log"
    process = start_action_server(free_port(), env, log)
    try:
        returncode = process.wait(timeout=240)
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("the action server started on a broken index")
    last = log.read_text().strip().splitlines()[-1]
    assert returncode == 1
    assert last.startswith("The action server cannot start:") and "make index" in last, last
    assert ("no built version" in last) if damage == "missing" else ("dense.faiss" in last), last


def test_gateway_names_a_broken_index_and_keeps_serving_what_it_can(sample_index, tmp_path, caplog):
    import logging

    index = _corrupt_copy(sample_index, tmp_path / "index")
    with caplog.at_level(logging.ERROR), offline_gateway(index, f"sqlite:///{tmp_path / 'gateway.sqlite3'}") as client:
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert "dense.faiss" in logged and "make index" in logged  # named at start-up, with the fix
        search = client.get("/api/search", params={"q": "what is sen support"})
        assert search.status_code == 503 and search.headers["Retry-After"] == "60"
        assert search.json()["detail"] == "Search is not available just now. Please try again later."
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["index"] is False
        assert client.get("/api/glossary").status_code == 200  # what needs no index still works
        # a rebuild puts it right without a restart
        import shutil

        shutil.rmtree(index)
        shutil.copytree(sample_index, index, symlinks=True)
        assert client.get("/api/search", params={"q": "what is sen support"}).status_code == 200
