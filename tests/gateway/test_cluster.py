"""Scale-out on loopback: two Rasa replicas sharing the machine's PostgreSQL tracker store and
Redis lock store, each with its own action server, and the gateway sending turns round-robin
over them. Fifty conversations at once, so consecutive turns of one conversation land on
different replicas: no turn may be lost or reordered, every tracker must be complete, and every
referral must be stored exactly once."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid

import httpx
import psycopg
import pytest
from psycopg import sql

from tests.gateway.conftest import _postgres_url, _with_database
from tests.stack_fixtures import MODEL, require_model

CONVERSATIONS = 50
REFERRING = range(0, CONVERSATIONS, 5)  # every fifth parent goes through the referral form
QUESTIONS = ["hello", "what is sen support", "how long does an ehc needs assessment take",
             "do i need a diagnosis to get help at school", "thank you"]
REFERRAL = ["school refused to put anything in place for my son, who do i call?", "/start_referral", "yes",
            "{name}", "phone", "07700 900{number:03d}", "year 5", "Brackenmoor Primary", "yes", "soon", "yes"]
REPLICA_LINE = re.compile(r'gateway_rasa_turns_total\{replica="([^"]+)"\} (\d+)')


@pytest.fixture
def cluster_databases(postgres_admin_url):
    names = {role: f"cluster_{role}_{uuid.uuid4().hex[:10]}" for role in ("tracker", "gateway")}
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {role: _with_database(_postgres_url(), name) for role, name in names.items()}
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        for name in names.values():
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


async def converse(client: httpx.AsyncClient, number: int, script: list[str]) -> dict:
    """One parent's conversation; the statuses seen and the messages as sent."""
    session = None
    statuses, sent, reference = [], [], None
    await asyncio.sleep(number * 0.05)  # arrivals spread over 2.5 s
    for message in script:
        response = await client.post("/api/chat", json={"session_id": session, "message": message})
        assert response.status_code == 200, (number, message, response.status_code, response.text[:300])
        body = response.json()
        session = body["session_id"]
        status = next((m["custom"]["status"] for m in body["messages"] if m.get("custom")), None)
        statuses.append(status)
        sent.append(message)
        reference = reference or next((m["custom"].get("reference") for m in body["messages"]
                                       if (m.get("custom") or {}).get("reference")), None)
    return {"session": session, "statuses": statuses, "sent": sent, "reference": reference}


async def run_all(url: str) -> list[dict]:
    limits = httpx.Limits(max_connections=CONVERSATIONS)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        scripts = [[line.format(name="Alex Parent", number=n) for line in REFERRAL] if n in REFERRING else QUESTIONS
                   for n in range(CONVERSATIONS)]
        return await asyncio.gather(*(converse(client, n, s) for n, s in enumerate(scripts)))


def wait_for_referrals(url: str, expected: int, timeout_s: float = 30) -> list[str]:
    """The gateway's stored references, once `expected` have arrived (action servers retry)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with psycopg.connect(url) as conn:
            stored = sorted(ref for (ref,) in conn.execute("SELECT reference FROM referrals").fetchall())
        if len(stored) >= expected or time.monotonic() > deadline:
            return stored
        time.sleep(0.5)


def test_fifty_conversations_across_two_rasa_replicas(sample_index, tmp_path, cluster_databases, redis_url):
    from bot.stack import running_cluster

    require_model()
    tracker_url = cluster_databases["tracker"]
    env = {"DATABASE_URL": cluster_databases["gateway"], "REFERRAL_SERVICE_SECRET": "cluster-test-secret-value",
           "REFERRAL_RETRY_SECONDS": "1", "GATEWAY_SMTP_PORT": "1",
           "GATEWAY_RATE_LIMIT_PER_MINUTE_CLIENT": "100000"}  # every parent here shares one address
    with running_cluster(MODEL, sample_index, tracker_url=tracker_url, lock_store_url=redis_url,
                         replicas=2, workdir=tmp_path / "cluster", env=env) as stack:
        results = asyncio.run(run_all(stack.gateway_url))
        metrics = httpx.get(f"{stack.gateway_url}/metrics", timeout=10).text
        ready = httpx.get(f"{stack.gateway_url}/readyz", timeout=10).json()
        stored = wait_for_referrals(cluster_databases["gateway"], len(REFERRING))

    # both replicas took turns, about equally
    per_replica = {replica: float(count) for replica, count in REPLICA_LINE.findall(metrics)}
    assert set(per_replica) == set(stack.rasa_urls), per_replica
    turns = sum(len(r["sent"]) for r in results)
    assert sum(per_replica.values()) == turns
    assert min(per_replica.values()) >= 0.4 * turns, per_replica
    assert ready["rasa_replicas"] == {url: True for url in stack.rasa_urls}

    # every conversation went the way one replica alone would have taken it
    for number, result in enumerate(results):
        if number in REFERRING:
            assert result["statuses"][1] == "referral_started", result["statuses"]
            assert set(result["statuses"][2:-1]) == {"referral_in_progress"}, result["statuses"]
            assert result["statuses"][-1] == "referral_submitted", list(zip(result["sent"], result["statuses"]))
        else:
            assert result["statuses"][0] == "smalltalk" and result["statuses"][-1] in ("smalltalk", "feedback")
            assert all(s in ("answered", "answered_offer_referral", "not_in_documents", "glossary")
                       for s in result["statuses"][1:-1]), result["statuses"]

    # every tracker holds every message, once, in the order sent
    with psycopg.connect(tracker_url) as conn:
        for result in results:
            rows = conn.execute("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id",
                                (result["session"],)).fetchall()
            texts = [json.loads(data)["text"] for (data,) in rows]
            assert texts == result["sent"], (result["session"], texts)

    # every referral stored exactly once, under the reference the parent was given
    references = sorted(r["reference"] for n, r in enumerate(results) if n in REFERRING)
    assert len(set(references)) == len(REFERRING) and None not in references
    assert stored == references
