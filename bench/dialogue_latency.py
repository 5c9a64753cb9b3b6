"""Answer-turn latency and throughput over Rasa's REST channel, against the real servers.

    python -m bench.dialogue_latency [--quick] [--skip-bare] [--out F]
        [--model models/local_offer.tar.gz] [--index var/index/sample_council]
        [--rounds 2] [--typing-s 60] [--step-s 20] [--levels 1 2 4 8 16] [--long-turns 110]
        [--phases sequential typing closed_loop long_conversation] [--server-env NAME=VALUE ...]

Two bots are measured in the same run, one after the other, each started fresh on free
loopback ports (`POST /webhooks/rest/webhook`, SQLite tracker store, in-memory lock store):

- **ours**: `bot.stack.running_stack` (the Rasa server with `models/local_offer.tar.gz` and the
  action server on `var/index/sample_council`), sent the SEND questions of `QUESTIONS`;
- **bare**: the bare bot of `bench/bare_bot/` (one intent, one templated response, a keyword
  classifier, RulePolicy, no action server), the framework's floor, sent "hello". It is trained
  on first use into `var/bench/bare_bot_model/<hash of its files and the Rasa version>.tar.gz`.

Phases, for each bot (a turn = one POST and its full reply; a new sender every
`TURNS_PER_CONVERSATION` turns except in the long conversation):

1. `sequential`: the questions one at a time (`--rounds` passes over the list), after
   `WARM_UP_TURNS` untimed turns;
2. `typing_10`, `typing_30`: 10 and 30 simultaneous conversations, each waiting `--pause-s`
   (3 s) after every reply before its next message (as people type), for `--typing-s`;
3. `closed_loop`: 1, 2, 4, 8, 16 clients sending with no pause, `--step-s` each; throughput is
   successful turns per second. **Sustained** = the highest throughput among the levels whose
   p95 stays at or under `--p95-limit-s` (2 s) with no failed request;
4. `long_conversation`: one sender, `--long-turns` (110) questions in a row; p50 of turns 1-10
   against turns 100-110 (the last 11; with fewer turns, the last 11 of those);
5. start-up (process start to `/status` answering) and the resident memory (VmRSS, with any
   child processes) of each server process, after start-up and after the phases.

The model is copied (and checked whole) before the start, since others may be retraining it.
Each phase also reads the action server's own log lines (`action=... ms=...`, `answer ...
timings=...`) to split a turn into the action server's part and the rest (Rasa, HTTP).
`--server-env` passes extra environment to the servers (experiments such as
OMP_NUM_THREADS=1; recorded in the JSON); the assistant's code and config are never changed.

Failed requests (HTTP errors, non-200, timeouts) are counted, never fatal; an error in a phase
is recorded and the next phase runs; the JSON is printed whatever was measured. Every phase
records `other_load_cores`: CPU that processes other than this one and the servers used
meanwhile (from /proc), since the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import hashlib
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import httpx

from bench import code, emit, machine, percentiles_ms
from bot.stack import (
    RASA_BIN,
    REPO_ROOT,
    Stack,
    _wait,
    base_env,
    free_port,
    running_stack,
    start_rasa,
)

BARE_BOT = REPO_ROOT / "bench/bare_bot"
BARE_CACHE = REPO_ROOT / "var/bench/bare_bot_model"
BARE_MESSAGE = "hello"
TURNS_PER_CONVERSATION = 5
WARM_UP_TURNS = 5
REQUEST_TIMEOUT_S = 60.0
PHASES = ("sequential", "typing", "closed_loop", "long_conversation")
TARGETS = {"throughput_ratio_min": 0.75, "p95_sequential_ms_max": 250.0, "p95_typing_30_ms_max": 400.0,
           "long_conversation_ratio_max": 1.5}

# Parents' questions, varied in topic and wording; each is an answer turn (a cited answer, a
# definition, a service or the contacts), none starts a form or a hand-off.
QUESTIONS = [
    "what is sen support",
    "how long does an ehc needs assessment take",
    "do i need a diagnosis to get help",
    "what is an ehcp",
    "what is ordinarily available provision",
    "what does a senco do",
    "how do i request an ehc needs assessment",
    "can i appeal if the council refuses to assess",
    "what is a personal budget",
    "is there help with school transport",
    "what short breaks are available",
    "what happens at an annual review",
    "what does the spa do",
    "what is the local offer",
    "who can ask for an ehc needs assessment",
    "how do i apply for a short break",
    "what is the graduated approach",
    "my son has adhd what support can school give",
    "can my daughter get speech and language therapy",
    "what is a draft plan",
    "how long do i have to appeal",
    "what is mediation",
    "what happens if school cannot meet my child's needs",
    "is there support for children with autism",
    "what is an annual review meeting",
    "can i choose a special school",
    "what help is there after 16",
    "what is a tribunal",
    "how does the council decide on a plan",
    "what is an educational psychologist",
    "can my child get extra time in exams",
    "what is early help",
    "what is sendiass",
    "do i have to pay for short breaks",
    "what support is there for dyslexia",
    "what happens at a transfer review",
    "can school exclude my child with send",
    "what is a one page profile",
    "how do i complain about the council",
    "what is the send code of practice",
]


# ---------------------------------------------------------------------------------- measuring

@dataclass
class Turns:
    """Latencies of the successful turns, failures by kind, replies' statuses."""

    seconds: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    empty_replies: int = 0

    def figures(self) -> dict:
        figures = percentiles_ms(self.seconds) if self.seconds else {"n": 0}
        figures["failed"] = sum(self.failures.values())
        if self.failures:
            figures["failures"] = dict(self.failures)
        if self.empty_replies:
            figures["empty_replies"] = self.empty_replies
        if self.statuses:
            figures["statuses"] = dict(self.statuses.most_common())
        return figures


def _status(messages: list) -> str:
    for message in messages:
        custom = message.get("custom") if isinstance(message, dict) else None
        if isinstance(custom, dict) and "status" in custom:
            return str(custom["status"])
    return "text" if messages else "empty"


async def turn(client: httpx.AsyncClient, url: str, sender: str, message: str, turns: Turns) -> float | None:
    """One POST to the REST channel; its latency on success, None (counted) on failure."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json={"sender": sender, "message": message})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            turns.failures[f"http_{response.status_code}"] += 1
            return None
        messages = response.json()
    except httpx.TimeoutException:
        turns.failures["timeout"] += 1
        return None
    except (httpx.HTTPError, ValueError) as error:
        turns.failures[type(error).__name__] += 1
        return None
    turns.seconds.append(elapsed)
    turns.statuses[_status(messages)] += 1
    if not messages:
        turns.empty_replies += 1
    return elapsed


def _client(connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(limits=limits, timeout=REQUEST_TIMEOUT_S, trust_env=False)


class Cpu:
    """CPU used meanwhile by the servers and by everything else (other people), in cores."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids

    def __enter__(self) -> Self:
        self._start = (_busy_ticks(), _own_ticks(), _tree_ticks(self.pids), time.monotonic())
        return self

    def __exit__(self, *exc: object) -> None:
        busy, own, servers, started = self._start
        ticks = os.sysconf("SC_CLK_TCK") * max(1e-9, time.monotonic() - started)
        own = _own_ticks() - own
        servers = _tree_ticks(self.pids) - servers
        self.figures = {
            "servers_cores": round(servers / ticks, 2),
            "client_cores": round(own / ticks, 2),
            "other_load_cores": round(max(0.0, _busy_ticks() - busy - own - servers) / ticks, 2),
        }


class Bot:
    """What the phases need to know about a running bot."""

    def __init__(self, name: str, url: str, processes: dict[str, subprocess.Popen], message: Callable[[int], str],
                 action_log: Path | None = None):
        self.name = name
        self.action_log = action_log
        self.webhook = f"{url}/webhooks/rest/webhook"
        self.url = url
        self.processes = processes
        self.message = message  # turn number -> text
        self.run_id = f"{name}-{os.getpid()}-{int(time.time())}"

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes.values() if p.poll() is None]

    def alive(self) -> None:
        dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
        if dead:
            raise RuntimeError(f"server process(es) exited: {dead}")


async def sequential(bot: Bot, turns_wanted: int, warm_up: int) -> dict:
    timed, first = Turns(), Turns()
    async with _client(1) as client:
        for number in range(warm_up + turns_wanted):
            sender = f"{bot.run_id}-seq-{number // TURNS_PER_CONVERSATION}"
            target = first if number < warm_up else timed
            await turn(client, bot.webhook, sender, bot.message(number), target)
    figures = timed.figures()
    figures["warm_up"] = {"turns": warm_up, "first_turn_ms": round(first.seconds[0] * 1000, 1) if first.seconds else None}
    return figures


# send(client, conversation number, turns it has sent, question index, turns) -> latency or None
Send = Callable[[httpx.AsyncClient, int, int, int, Turns], Awaitable[float | None]]


async def drive_typing(send: Send, conversations: int, duration_s: float, pause_s: float, seed: int) -> dict:
    """`conversations` people typing at once: a reply, a pause, the next message, until the end."""
    turns = Turns()
    deadline = time.perf_counter() + duration_s

    async def person(number: int) -> None:
        rng = random.Random(seed + number)
        await asyncio.sleep(rng.uniform(0, pause_s))  # people do not all start on the same second
        offset = rng.randrange(len(QUESTIONS))
        sent = 0
        while time.perf_counter() < deadline:
            await send(client, number, sent, offset + sent, turns)
            sent += 1
            await asyncio.sleep(pause_s)

    async with _client(conversations) as client:
        began = time.perf_counter()
        await asyncio.gather(*(person(n) for n in range(conversations)))
        elapsed = time.perf_counter() - began
    figures = turns.figures()
    figures.update({"conversations": conversations, "pause_s": pause_s, "duration_s": round(elapsed, 1),
                    "turns_per_s": round(len(turns.seconds) / elapsed, 2),
                    # what the conversations would ask of an infinitely fast server
                    "offered_turns_per_s_at_most": round(conversations / pause_s, 1)})
    return figures


async def drive_closed_loop(send: Send, clients: int, duration_s: float) -> dict:
    """`clients` senders each sending its next message as soon as the reply comes."""
    turns = Turns()
    deadline = time.perf_counter() + duration_s
    completed_in_window = 0

    async def client_loop(number: int) -> None:
        nonlocal completed_in_window
        sent = 0
        while time.perf_counter() < deadline:
            latency = await send(client, number, sent, number * 7 + sent, turns)
            sent += 1
            if latency is not None and time.perf_counter() <= deadline:
                completed_in_window += 1

    async with _client(clients) as client:
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
        drained = time.perf_counter() - began
    figures = turns.figures()
    # Throughput over the fixed window only (turns still in flight at the deadline finish
    # afterwards and count for latency, not for throughput).
    figures.update({"clients": clients, "window_s": duration_s, "drained_s": round(drained, 1),
                    "turns_per_s": round(completed_in_window / duration_s, 2)})
    return figures


def webhook_sender(bot: Bot, label: str) -> Send:
    """Turns to Rasa's REST channel; a new sender every `TURNS_PER_CONVERSATION` turns."""

    async def send(client: httpx.AsyncClient, number: int, sent: int, index: int, turns: Turns) -> float | None:
        sender = f"{bot.run_id}-{label}-{number}-{sent // TURNS_PER_CONVERSATION}"
        return await turn(client, bot.webhook, sender, bot.message(index), turns)

    return send


async def typing(bot: Bot, conversations: int, duration_s: float, pause_s: float, seed: int) -> dict:
    return await drive_typing(webhook_sender(bot, f"typing{conversations}"), conversations, duration_s, pause_s, seed)


async def closed_loop(bot: Bot, clients: int, duration_s: float) -> dict:
    return await drive_closed_loop(webhook_sender(bot, f"load{clients}"), clients, duration_s)


async def long_conversation(bot: Bot, turns_wanted: int) -> dict:
    sender = f"{bot.run_id}-long"
    latencies: list[float | None] = []
    turns = Turns()
    action_log = ActionLog(bot.action_log)
    async with _client(1) as client:
        for number in range(turns_wanted):
            latencies.append(await turn(client, bot.webhook, sender, bot.message(number), turns))
        events = None
        try:
            tracker = (await client.get(f"{bot.url}/conversations/{sender}/tracker")).json()
            events = len(tracker.get("events", []))
        except (httpx.HTTPError, ValueError):
            pass
    early = [s for s in latencies[:10] if s is not None]
    late = [s for s in latencies[-11:] if s is not None] if turns_wanted > 21 else []
    early_p50 = _p50(early)
    late_p50 = _p50(late)
    figures = turns.figures()
    figures.update({
        "turns": turns_wanted,
        "early_turns": "1-10",
        "late_turns": f"{max(1, turns_wanted - 10)}-{turns_wanted}",
        "early_p50_ms": _ms(early_p50),
        "late_p50_ms": _ms(late_p50),
        "late_over_early": round(late_p50 / early_p50, 2) if early_p50 and late_p50 else None,
        "tracker_events_at_end": events,
        "p50_ms_by_10_turns": [_ms(_p50([s for s in latencies[i:i + 10] if s is not None]))
                               for i in range(0, turns_wanted, 10)],
    })
    # The same comparison without the action server's part of each turn (its own log: one
    # action per turn here), i.e. Rasa + HTTP only: the action server's retrieval time swings
    # with other load on the cores and can hide the growth of Rasa's per-turn work.
    await asyncio.sleep(0.3)
    action_s = action_log.action_seconds()
    if len(action_s) == turns_wanted and all(s is not None for s in latencies):
        outside = [total - inside for total, inside in zip(latencies, action_s)]
        early_out, late_out = _p50(outside[:10]), _p50(outside[-11:]) if turns_wanted > 21 else None
        figures["outside_action_server"] = {
            "early_p50_ms": _ms(early_out), "late_p50_ms": _ms(late_out),
            "late_over_early": round(late_out / early_out, 2) if early_out and late_out else None,
            "p50_ms_by_10_turns": [_ms(_p50(outside[i:i + 10])) for i in range(0, turns_wanted, 10)],
        }
        figures["action_server_p50_ms_by_10_turns"] = [_ms(_p50(action_s[i:i + 10])) for i in range(0, turns_wanted, 10)]
    return figures


ACTION_LINE = re.compile(r"action=(\S+) outcome=(\S+) ms=([\d.]+)")
TIMINGS_LINE = re.compile(r"answer status=\S+ timings=(\{[^}]*\})")


class ActionLog:
    """The action server's own timings (its log lines) for the turns of one phase.

    `actions.actions.guarded` logs `action=NAME outcome=OK ms=...` for every action and
    `answer status=... timings={'retrieve': ms, 'compose': ms}` for every composed answer: the
    part of a turn spent in the action server, as against the whole turn seen over HTTP.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.offset = path.stat().st_size if path and path.is_file() else 0

    def _text(self) -> str:
        if not self.path or not self.path.is_file():
            return ""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read().decode("utf-8", "replace")

    def action_seconds(self) -> list[float]:
        return [float(m.group(3)) / 1000 for m in ACTION_LINE.finditer(self._text())]

    def figures(self) -> dict | None:
        text = self._text()
        action_ms = [float(m.group(3)) for m in ACTION_LINE.finditer(text)]
        steps: dict[str, list[float]] = {}
        for match in TIMINGS_LINE.finditer(text):
            try:
                for step, ms in ast.literal_eval(match.group(1)).items():
                    steps.setdefault(step, []).append(float(ms) / 1000)
            except (ValueError, SyntaxError, TypeError):
                pass
        if not action_ms:
            return None
        figures = {"action_ms": _brief(percentiles_ms([ms / 1000 for ms in action_ms]))}
        figures.update({f"{step}_ms": _brief(percentiles_ms(values)) for step, values in steps.items()})
        return figures


def _brief(figures: dict) -> dict:
    return {k: figures[k] for k in ("n", "p50_ms", "p95_ms", "mean_ms")}


def _p50(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) / 2) - 1)]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def sustained(levels: list[dict], p95_limit_s: float) -> dict | None:
    ok = [level for level in levels
          if level.get("n") and level.get("failed") == 0 and level["p95_ms"] <= p95_limit_s * 1000]
    if not ok:
        return None
    best = max(ok, key=lambda level: level["turns_per_s"])
    return {"turns_per_s": best["turns_per_s"], "clients": best["clients"], "p95_ms": best["p95_ms"]}


# ------------------------------------------------------------------------------ the processes

def _tree_ticks(pids: list[int]) -> int:
    """utime + stime (all threads, plus reaped children) of these processes and their descendants."""
    total = 0
    for pid in _descendants(pids):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])
        except (OSError, ValueError, IndexError):
            pass
    return total


def _own_ticks() -> int:
    """utime + stime of this process (the load generator) alone, not of the servers it started."""
    with open("/proc/self/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _busy_ticks() -> int:
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    return sum(values) - values[3] - values[4]


def _descendants(pids: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def rss_mb(pid: int) -> float | None:
    """VmRSS of a process and its descendants, in MiB."""
    total = 0
    for each in _descendants([pid]):
        try:
            with open(f"/proc/{each}/status", encoding="ascii") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration, ValueError):
            pass
    return round(total / 1024, 1) if total else None


def memory(bot: Bot) -> dict:
    return {name: rss_mb(process.pid) for name, process in bot.processes.items()}


def snapshot_model(model: Path, into: Path, log, attempts: int = 10) -> dict:
    """A readable copy of `model`: others may be retraining it (`make train`) meanwhile."""
    into.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, attempts + 1):
        before = model.stat()
        shutil.copyfile(model, into)
        try:
            with tarfile.open(into, "r:gz") as archive:
                for _ in archive:
                    pass
            if model.stat().st_mtime_ns == before.st_mtime_ns:
                digest = hashlib.sha256(into.read_bytes()).hexdigest()[:16]
                return {"path": str(model), "sha256_16": digest,
                        "modified": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(before.st_mtime))}
        except (tarfile.TarError, EOFError, OSError):
            pass
        log(f"{model} is being written (attempt {attempt}); waiting 15 s")
        time.sleep(15)
    raise RuntimeError(f"{model} could not be read whole after {attempts} attempts")


def bare_model(log) -> Path:
    """The bare bot's model, trained once per version of its files (and of Rasa)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in BARE_BOT.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")):
        digest.update(str(path.relative_to(BARE_BOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        digest.update(subprocess.run([str(REPO_ROOT / ".venv-rasa/bin/python"), "-c",
                                      "import importlib.metadata as m; print(m.version('rasa'))"],
                                     capture_output=True, text=True, check=True).stdout.encode())
    except (OSError, subprocess.CalledProcessError):
        pass
    cached = BARE_CACHE / f"{digest.hexdigest()[:16]}.tar.gz"
    if cached.is_file():
        log(f"bare bot: cached model {cached.relative_to(REPO_ROOT)}")
        return cached
    log("bare bot: training (once per version of bench/bare_bot/)...")
    with tempfile.TemporaryDirectory(prefix="bare-bot-train-") as tmp:
        started = time.monotonic()
        result = subprocess.run(
            [str(RASA_BIN), "train", "--config", str(BARE_BOT / "config.yml"), "--domain", str(BARE_BOT / "domain.yml"),
             "--data", str(BARE_BOT / "data"), "--out", tmp, "--fixed-model-name", "bare_bot", "--quiet"],
            cwd=tmp, env=base_env(REPO_ROOT / "var/index/none"), capture_output=True, text=True, check=False,
        )
        trained = Path(tmp) / "bare_bot.tar.gz"
        if result.returncode != 0 or not trained.is_file():
            raise RuntimeError(f"rasa train failed ({result.returncode}):\n{(result.stdout + result.stderr)[-3000:]}")
        log(f"bare bot: trained in {time.monotonic() - started:.0f} s")
        BARE_CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(trained, cached.with_suffix(".part"))
        cached.with_suffix(".part").replace(cached)
    return cached


@contextmanager
def running_bare(model: Path, workdir: Path, env: dict[str, str]):
    """The bare bot's Rasa server (SQLite tracker store like ours, no action server)."""
    port = free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n")
    stack = Stack(rasa_url=f"http://127.0.0.1:{port}", action_url="")
    try:
        stack.logs["rasa"] = workdir / "rasa.log"
        started = time.monotonic()
        stack.processes["rasa"] = start_rasa(model, port, endpoints, base_env(REPO_ROOT / "var/index/none", env),
                                             stack.logs["rasa"])
        _wait(f"{stack.rasa_url}/status", stack.processes["rasa"], stack.logs["rasa"], 240.0)
        stack.started_s["rasa"] = time.monotonic() - started
        yield stack
    finally:
        stack.stop()


# ---------------------------------------------------------------------------------- the run

def measure(bot: Bot, stack: Stack, args, log) -> dict:
    """Every phase against one running bot; a failing phase is recorded, the others still run."""
    result: dict = {"started_s": {k: round(v, 2) for k, v in stack.started_s.items()},
                    "rss_mb_after_start": memory(bot), "phases": {}}
    phases = result["phases"]

    def phase(name: str, run: Callable[[], dict]) -> None:
        log(f"{bot.name}: {name}...")
        try:
            bot.alive()
            actions = ActionLog(bot.action_log)
            with Cpu(bot.pids()) as cpu:
                figures = run()
            figures["cpu"] = cpu.figures
            time.sleep(0.2)  # the last log lines
            if (server_side := actions.figures()) is not None:
                figures["action_server"] = server_side
            phases[name] = figures
            log(f"{bot.name}: {name}: {_summary(figures)}")
        except Exception as error:  # noqa: BLE001 (a phase's error must not lose the others' figures)
            phases[name] = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-2000:]}
            log(f"{bot.name}: {name} failed: {error}")

    if "sequential" in args.phases:
        phase("sequential", lambda: asyncio.run(sequential(bot, args.rounds * len(QUESTIONS), WARM_UP_TURNS)))
    else:  # the other phases still start on a warm server
        asyncio.run(sequential(bot, 0, WARM_UP_TURNS))
    for conversations in args.typing if "typing" in args.phases else []:
        phase(f"typing_{conversations}",
              lambda c=conversations: asyncio.run(typing(bot, c, args.typing_s, args.pause_s, args.seed)))
    levels: list[dict] = []
    for clients in args.levels if "closed_loop" in args.phases else []:
        def level(c=clients) -> dict:
            return asyncio.run(closed_loop(bot, c, args.step_s))
        phase(f"closed_loop_{clients}", level)
        figures = phases.get(f"closed_loop_{clients}", {})
        if "error" not in figures:
            levels.append(figures)
        if figures.get("p95_ms", 0) > args.p95_limit_s * 1000 * 5:
            log(f"{bot.name}: p95 over {args.p95_limit_s * 5:.0f} s at {clients} clients; no higher level")
            break
    if "closed_loop" in args.phases:
        phases["closed_loop"] = {"levels": [{k: lv.get(k) for k in ("clients", "turns_per_s", "p50_ms", "p95_ms", "failed")}
                                            for lv in levels],
                                 "p95_limit_ms": args.p95_limit_s * 1000,
                                 "sustained": sustained(levels, args.p95_limit_s)}
    if "long_conversation" in args.phases:
        phase("long_conversation", lambda: asyncio.run(long_conversation(bot, args.long_turns)))
    result["rss_mb_after_phases"] = memory(bot)
    return result


def _summary(figures: dict) -> str:
    keys = ("n", "p50_ms", "p95_ms", "turns_per_s", "failed", "early_p50_ms", "late_p50_ms", "late_over_early")
    return ", ".join(f"{k}={figures[k]}" for k in keys if k in figures)


def _get(result: dict | None, *path: str):
    for key in path:
        if not isinstance(result, dict):
            return None
        result = result.get(key)
    return result


def compare(ours: dict | None, bare: dict | None) -> tuple[dict, dict]:
    def ratio(a, b):
        return round(a / b, 3) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else None

    figures = {
        "sustained_turns_per_s": (_get(ours, "phases", "closed_loop", "sustained", "turns_per_s"),
                                  _get(bare, "phases", "closed_loop", "sustained", "turns_per_s")),
        "p50_sequential_ms": (_get(ours, "phases", "sequential", "p50_ms"), _get(bare, "phases", "sequential", "p50_ms")),
        "p95_sequential_ms": (_get(ours, "phases", "sequential", "p95_ms"), _get(bare, "phases", "sequential", "p95_ms")),
        "p95_typing_10_ms": (_get(ours, "phases", "typing_10", "p95_ms"), _get(bare, "phases", "typing_10", "p95_ms")),
        "p95_typing_30_ms": (_get(ours, "phases", "typing_30", "p95_ms"), _get(bare, "phases", "typing_30", "p95_ms")),
        "long_late_over_early": (_get(ours, "phases", "long_conversation", "late_over_early"),
                                 _get(bare, "phases", "long_conversation", "late_over_early")),
        "rasa_start_s": (_get(ours, "started_s", "rasa"), _get(bare, "started_s", "rasa")),
        "rasa_rss_mb": (_get(ours, "rss_mb_after_phases", "rasa"), _get(bare, "rss_mb_after_phases", "rasa")),
    }
    comparison = {name: {"ours": a, "bare": b, "ours_over_bare": ratio(a, b)} for name, (a, b) in figures.items()}

    def check(value, ok):
        return None if value is None else bool(ok(value))

    throughput_ratio = comparison["sustained_turns_per_s"]["ours_over_bare"]
    targets = {
        "throughput_ratio": {"value": throughput_ratio, "target": f">= {TARGETS['throughput_ratio_min']}",
                             "met": check(throughput_ratio, lambda v: v >= TARGETS["throughput_ratio_min"])},
        "p95_sequential_ms": {"value": figures["p95_sequential_ms"][0], "target": f"<= {TARGETS['p95_sequential_ms_max']:.0f}",
                              "met": check(figures["p95_sequential_ms"][0], lambda v: v <= TARGETS["p95_sequential_ms_max"])},
        "p95_typing_30_ms": {"value": figures["p95_typing_30_ms"][0], "target": f"<= {TARGETS['p95_typing_30_ms_max']:.0f}",
                             "met": check(figures["p95_typing_30_ms"][0], lambda v: v <= TARGETS["p95_typing_30_ms_max"])},
        "long_conversation_ratio": {"value": figures["long_late_over_early"][0],
                                    "target": f"<= {TARGETS['long_conversation_ratio_max']}",
                                    "met": check(figures["long_late_over_early"][0],
                                                 lambda v: v <= TARGETS["long_conversation_ratio_max"])},
    }
    return comparison, targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dialogue_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models/local_offer.tar.gz")
    parser.add_argument("--index", type=Path, default=REPO_ROOT / "var/index/sample_council")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 pass, 10 s typing phases, 5 s load levels 1/2/4, 30-turn conversation")
    parser.add_argument("--skip-bare", action="store_true", help="measure our assistant only (no ratios)")
    parser.add_argument("--skip-ours", action="store_true", help="measure the bare bot only")
    parser.add_argument("--rounds", type=int, help="passes over the question list, sequentially (default 2)")
    parser.add_argument("--typing", type=int, nargs="+", help="simultaneous conversations (default 10 30)")
    parser.add_argument("--typing-s", type=float, help="duration of each typing phase (default 60)")
    parser.add_argument("--pause-s", type=float, default=3.0, help="pause after each reply in the typing phases")
    parser.add_argument("--levels", type=int, nargs="+", help="closed-loop clients (default 1 2 4 8 16)")
    parser.add_argument("--step-s", type=float, help="duration of each closed-loop level (default 20)")
    parser.add_argument("--p95-limit-s", type=float, default=2.0, help="p95 above which a load level is not sustained")
    parser.add_argument("--long-turns", type=int, help="turns of the long conversation (default 110)")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the servers of both bots, for experiments "
                             "(e.g. OMP_NUM_THREADS=1); recorded in the JSON")
    parser.add_argument("--phases", nargs="+", default=list(PHASES), choices=PHASES,
                        help="run only these phases (default: all)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path,
                        help="keep the servers' logs and trackers here (default: a temporary folder, "
                             "removed at the end unless something failed)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    quick = args.quick
    server_env = dict(item.split("=", 1) for item in args.server_env)
    args.rounds = args.rounds or (1 if quick else 2)
    args.typing = args.typing or [10, 30]
    args.typing_s = args.typing_s or (10.0 if quick else 60.0)
    args.levels = args.levels or ([1, 2, 4] if quick else [1, 2, 4, 8, 16])
    args.step_s = args.step_s or (5.0 if quick else 20.0)
    args.long_turns = args.long_turns or (30 if quick else 110)

    def log(text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    workroot = Path(args.workdir or tempfile.mkdtemp(prefix="bench-dialogue-"))
    result: dict = {
        "benchmark": "dialogue_latency",
        "channel": "rasa REST POST /webhooks/rest/webhook, loopback",
        "settings": {"quick": quick, "questions": len(QUESTIONS), "rounds": args.rounds,
                     "turns_per_conversation": TURNS_PER_CONVERSATION, "warm_up_turns": WARM_UP_TURNS,
                     "typing_conversations": args.typing, "typing_s": args.typing_s, "pause_s": args.pause_s,
                     "levels": args.levels, "step_s": args.step_s, "p95_limit_s": args.p95_limit_s,
                     "long_turns": args.long_turns, "request_timeout_s": REQUEST_TIMEOUT_S,
                     "tracker_store": "SQLite (both bots)", "lock_store": "in-memory", "server_env": server_env},
        "machine": machine(),
        "code": code(),
        "uptime_before": _uptime(),
        "bots": {},
    }
    try:
        if not args.skip_ours:
            log(f"ours: starting the action server and Rasa ({args.model.name}, {args.index})...")
            try:
                model = snapshot_model(args.model, workroot / "ours" / "model.tar.gz", log)
                with running_stack(workroot / "ours" / "model.tar.gz", args.index, workdir=workroot / "ours",
                                   env=server_env) as stack:
                    bot = Bot("ours", stack.rasa_url, stack.processes, lambda n: QUESTIONS[n % len(QUESTIONS)],
                              action_log=stack.logs.get("actions"))
                    result["bots"]["ours"] = {"model": model, "index": str(args.index),
                                              **measure(bot, stack, args, log)}
            except Exception as error:  # noqa: BLE001
                result["bots"].setdefault("ours", {})["error"] = f"{type(error).__name__}: {error}"[-4000:]
                log(f"ours: {error}")
        if not args.skip_bare:
            try:
                model = bare_model(log)
                (workroot / "bare").mkdir(parents=True, exist_ok=True)
                log("bare: starting Rasa...")
                with running_bare(model, workroot / "bare", server_env) as stack:
                    bot = Bot("bare", stack.rasa_url, stack.processes, lambda n: BARE_MESSAGE)
                    result["bots"]["bare"] = {"model": str(model.relative_to(REPO_ROOT)), "message": BARE_MESSAGE,
                                              **measure(bot, stack, args, log)}
            except Exception as error:  # noqa: BLE001
                result["bots"].setdefault("bare", {})["error"] = f"{type(error).__name__}: {error}"[-4000:]
                log(f"bare: {error}")
    except KeyboardInterrupt:
        result["interrupted"] = True
    finally:
        result["uptime_after"] = _uptime()
        result["comparison"], result["targets"] = compare(result["bots"].get("ours"), result["bots"].get("bare"))
        failed = any("error" in bot or any("error" in p for p in bot.get("phases", {}).values())
                     for bot in result["bots"].values())
        if args.workdir is None and not failed:
            shutil.rmtree(workroot, ignore_errors=True)  # logs, trackers and the model copy
        else:
            result["workdir"] = str(workroot)  # kept: the servers' logs
        emit(result, args.out)
    return 0


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


if __name__ == "__main__":
    sys.exit(main())
