"""Load on the scaled-out topology: one Rasa replica against two, through the gateway.

    python -m bench.cluster_load [--replicas 1 2] [--typing 10 50 100] [--typing-s 45]
        [--levels 4 8 16 32] [--step-s 15] [--pause-s 3] [--quick] [--out F]

For each replica count, `bot.stack.running_cluster` starts fresh, on loopback: that many Rasa
servers sharing one PostgreSQL tracker store (a new database on the machine's server) and one
Redis lock store, one action server per replica, and the gateway sending turns round-robin
over the replicas. Every turn is `POST /api/chat` to the gateway (the widget's path), a new
conversation every `TURNS_PER_CONVERSATION` turns, with the parents' questions of
`bench.dialogue_latency.QUESTIONS`.

Phases, for each replica count:

1. `typing_N` for N in `--typing` (10, 50, 100): N simultaneous conversations, each waiting
   `--pause-s` (3 s) after every reply, for `--typing-s`: turns per second served and p50/p95;
2. `closed_loop`: `--levels` clients sending with no pause, `--step-s` each (saturation);
   **sustained** = the highest throughput among levels with p95 at most `--p95-limit-s` (2 s)
   and no failed request;
3. the CPU (cores, averaged over each phase) and resident memory of every process: each Rasa
   replica, each action server, the gateway, and the load generator itself.

The scaling ratio is sustained(2 replicas) / sustained(1 replica). Every phase records
`other_load_cores` (CPU of processes outside this run, from /proc), since the 2 cores are
shared; PostgreSQL and Redis are the machine's own servers and count there. Failed requests
are counted, never fatal; the JSON is printed whatever was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import Self

import httpx

from bench import code, emit, machine
from bench.dialogue_latency import (
    QUESTIONS,
    TURNS_PER_CONVERSATION,
    Send,
    Turns,
    _busy_ticks,
    _client,
    _own_ticks,
    _status,
    _tree_ticks,
    _uptime,
    drive_closed_loop,
    drive_typing,
    rss_mb,
    snapshot_model,
    sustained,
)
from bot.stack import REPO_ROOT, running_cluster

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
WARM_UP_TURNS = 10


class Cluster:
    def __init__(self, stack, replicas: int) -> None:
        self.stack = stack
        self.replicas = replicas
        self.chat = f"{stack.gateway_url}/api/chat"
        self.run_id = uuid.uuid4().hex[:8]

    def processes(self) -> dict[str, int]:
        return {name: p.pid for name, p in self.stack.processes.items() if p.poll() is None}

    def alive(self) -> None:
        dead = {name: p.returncode for name, p in self.stack.processes.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"server process(es) exited: {dead}")


class ProcessCpu:
    """Cores used meanwhile by each server process, the load generator and everything else."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def __enter__(self) -> Self:
        self._start = ({name: _tree_ticks([pid]) for name, pid in self.pids.items()}, _own_ticks(),
                       _busy_ticks(), time.monotonic())
        return self

    def __exit__(self, *exc: object) -> None:
        per, own, busy, started = self._start
        ticks = os.sysconf("SC_CLK_TCK") * max(1e-9, time.monotonic() - started)
        used = {name: _tree_ticks([pid]) - per[name] for name, pid in self.pids.items()}
        own = _own_ticks() - own
        self.figures = {
            "process_cores": {name: round(value / ticks, 2) for name, value in used.items()},
            "servers_cores": round(sum(used.values()) / ticks, 2),
            "client_cores": round(own / ticks, 2),
            "other_load_cores": round(max(0.0, _busy_ticks() - busy - own - sum(used.values())) / ticks, 2),
        }


async def chat_turn(client: httpx.AsyncClient, url: str, session: str | None, message: str,
                    turns: Turns) -> tuple[str | None, float | None]:
    """One message through the gateway; (the session id to carry on with, latency or None)."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json={"session_id": session, "message": message})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            turns.failures[f"http_{response.status_code}"] += 1
            return session, None
        body = response.json()
    except httpx.TimeoutException:
        turns.failures["timeout"] += 1
        return session, None
    except (httpx.HTTPError, ValueError) as error:
        turns.failures[type(error).__name__] += 1
        return session, None
    turns.seconds.append(elapsed)
    turns.statuses[_status(body.get("messages") or [])] += 1
    return body.get("session_id"), elapsed


def gateway_sender(cluster: Cluster) -> Send:
    """Turns to the gateway's /api/chat; a new conversation every `TURNS_PER_CONVERSATION` turns."""
    sessions: dict[int, str | None] = {}

    async def send(client: httpx.AsyncClient, number: int, sent: int, index: int, turns: Turns) -> float | None:
        session = None if sent % TURNS_PER_CONVERSATION == 0 else sessions.get(number)
        sessions[number], latency = await chat_turn(client, cluster.chat, session,
                                                    QUESTIONS[index % len(QUESTIONS)], turns)
        return latency

    return send


def measure(cluster: Cluster, args, log) -> dict:
    pids = cluster.processes()
    result: dict = {"replicas": cluster.replicas, "started_s": {k: round(v, 1) for k, v in cluster.stack.started_s.items()},
                    "rss_mb_after_start": {name: rss_mb(pid) for name, pid in pids.items()}, "phases": {}}
    warm = Turns()

    async def warm_up() -> None:
        async with _client(1) as client:
            session = None
            for number in range(WARM_UP_TURNS):
                session, _ = await chat_turn(client, cluster.chat, session, QUESTIONS[number], warm)

    asyncio.run(warm_up())
    result["warm_up"] = warm.figures()

    def phase(name: str, make) -> None:
        log(f"{cluster.replicas} replica(s): {name}")
        try:
            cluster.alive()
            with ProcessCpu(pids) as cpu:
                figures = asyncio.run(make())
            figures.update(cpu.figures)
            result["phases"][name] = figures
            log(f"  {figures.get('turns_per_s')} turns/s, p50 {figures.get('p50_ms')} ms, "
                f"p95 {figures.get('p95_ms')} ms, failed {figures.get('failed')}, "
                f"servers {figures['servers_cores']} cores, other {figures['other_load_cores']}")
        except Exception as error:  # noqa: BLE001 (record it, go on with the next phase)
            result["phases"][name] = {"error": f"{type(error).__name__}: {error}",
                                      "traceback": traceback.format_exc()[-2000:]}
            log(f"  {name}: {error}")

    for conversations in args.typing:
        phase(f"typing_{conversations}",
              lambda c=conversations: drive_typing(gateway_sender(cluster), c, args.typing_s, args.pause_s, args.seed))
    levels = []
    for clients in args.levels:
        phase(f"closed_loop_{clients}", lambda c=clients: drive_closed_loop(gateway_sender(cluster), c, args.step_s))
        if "turns_per_s" in result["phases"][f"closed_loop_{clients}"]:
            levels.append(result["phases"][f"closed_loop_{clients}"])
    result["sustained"] = sustained(levels, args.p95_limit_s)
    result["rss_mb_after_phases"] = {name: rss_mb(pid) for name, pid in pids.items()}
    return result


def _new_database(admin_url: str, prefix: str) -> str:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, url: str) -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(make_url(url).database)))


def scaling(runs: dict) -> dict:
    one, two = (runs.get(str(n), {}).get("sustained") for n in (1, 2))
    figures: dict = {"target_min": 1.7}
    if one and two:
        figures["sustained_ratio"] = round(two["turns_per_s"] / one["turns_per_s"], 2)
        figures["met"] = figures["sustained_ratio"] >= 1.7
    for phase in ("typing_10", "typing_50", "typing_100"):
        a, b = (runs.get(str(n), {}).get("phases", {}).get(phase, {}) for n in (1, 2))
        if a.get("turns_per_s") and b.get("turns_per_s"):
            figures[f"{phase}_turns_per_s_ratio"] = round(b["turns_per_s"] / a["turns_per_s"], 2)
            figures[f"{phase}_p95_ms"] = {"1": a.get("p95_ms"), "2": b.get("p95_ms")}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models/local_offer.tar.gz")
    parser.add_argument("--index", type=Path, default=REPO_ROOT / "var/index/sample_council")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--typing", type=int, nargs="+", help="simultaneous conversations (default 10 50 100)")
    parser.add_argument("--typing-s", type=float, help="duration of each typing phase (default 45)")
    parser.add_argument("--pause-s", type=float, default=3.0)
    parser.add_argument("--levels", type=int, nargs="+", help="closed-loop clients (default 4 8 16 32)")
    parser.add_argument("--step-s", type=float, help="duration of each closed-loop level (default 15)")
    parser.add_argument("--p95-limit-s", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 s phases, levels 4 8")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres-admin-url", default=os.environ.get("BENCH_POSTGRES_ADMIN_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    parser.add_argument("--workdir", type=Path, help="keep the servers' logs here")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    args.typing = args.typing or ([10, 50] if args.quick else [10, 50, 100])
    args.typing_s = args.typing_s or (10.0 if args.quick else 45.0)
    args.levels = args.levels or ([4, 8] if args.quick else [4, 8, 16, 32])
    args.step_s = args.step_s or (8.0 if args.quick else 15.0)

    def log(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    workroot = Path(args.workdir or tempfile.mkdtemp(prefix="bench-cluster-"))
    result: dict = {
        "benchmark": "cluster_load",
        "channel": "gateway POST /api/chat, loopback; Rasa REST behind it",
        "settings": {"replicas": args.replicas, "typing_conversations": args.typing, "typing_s": args.typing_s,
                     "pause_s": args.pause_s, "levels": args.levels, "step_s": args.step_s,
                     "p95_limit_s": args.p95_limit_s, "turns_per_conversation": TURNS_PER_CONVERSATION,
                     "questions": len(QUESTIONS), "tracker_store": "PostgreSQL (shared)", "lock_store": "Redis"},
        "machine": machine(),
        "code": code(),
        "uptime_before": _uptime(),
        "runs": {},
    }
    failed = False
    try:
        model = workroot / "model.tar.gz"
        result["model"] = snapshot_model(args.model, model, log)
        for replicas in args.replicas:
            tracker = _new_database(args.postgres_admin_url, "bench_tracker")
            gateway = _new_database(args.postgres_admin_url, "bench_gateway")
            env = {"DATABASE_URL": gateway, "GATEWAY_SMTP_PORT": "1", "REFERRAL_SERVICE_SECRET": "bench-secret-value",
                   "GATEWAY_RATE_LIMIT_PER_MINUTE_CLIENT": "1000000", "GATEWAY_RATE_LIMIT_PER_MINUTE_SESSION": "1000"}
            try:
                log(f"{replicas} replica(s): starting...")
                with running_cluster(model, args.index, tracker_url=tracker, lock_store_url=args.redis_url,
                                     replicas=replicas, workdir=workroot / f"replicas-{replicas}", env=env) as stack:
                    result["runs"][str(replicas)] = measure(Cluster(stack, replicas), args, log)
            except Exception as error:  # noqa: BLE001
                failed = True
                result["runs"].setdefault(str(replicas), {})["error"] = f"{type(error).__name__}: {error}"[-4000:]
                log(f"{replicas} replica(s): {error}")
            finally:
                for url in (tracker, gateway):
                    _drop_database(args.postgres_admin_url, url)
    except KeyboardInterrupt:
        result["interrupted"] = True
    finally:
        result["uptime_after"] = _uptime()
        result["scaling"] = scaling(result["runs"])
        if args.workdir is None and not failed:
            shutil.rmtree(workroot, ignore_errors=True)
        else:
            result["workdir"] = str(workroot)
        emit(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
