"""Start the action server and the Rasa server as real processes, wait until both answer.

Used by `make run` (foreground until Ctrl-C), by the end-to-end tests and by
`make eval-dialogue` / the dialogue benchmark, which start their own stack on free ports.

    python -m bot.stack --model models/local_offer.tar.gz --index var/index/sample_council
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = REPO_ROOT / ".venv-rasa/bin/rasa"
PYTHON = REPO_ROOT / ".venv/bin/python"
START_TIMEOUT_S = 240.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def endpoints_yaml(action_port: int, tracker_db: Path | None, tracker_url: str | None = None,
                   lock_store_url: str | None = None) -> str:
    """An endpoints file: SQLite tracker store by default, PostgreSQL when a URL is given."""
    lines = ["action_endpoint:", f"  url: http://127.0.0.1:{action_port}/webhook", "tracker_store:", "  type: SQL"]
    if tracker_url:
        from urllib.parse import urlparse

        url = urlparse(tracker_url)
        lines += [
            "  dialect: postgresql",
            f"  url: {url.hostname}",
            f"  port: {url.port or 5432}",
            f"  db: {url.path.lstrip('/')}",
            f"  username: {url.username or ''}",
            f"  password: {url.password or ''}",
        ]
    else:
        lines += ["  dialect: sqlite", f"  db: {tracker_db}"]
    if lock_store_url:
        from urllib.parse import urlparse

        url = urlparse(lock_store_url)
        lines += ["lock_store:", "  type: redis", f"  url: {url.hostname}", f"  port: {url.port or 6379}",
                  f"  db: {url.path.lstrip('/') or 0}"]
    return "\n".join(lines) + "\n"


@dataclass
class Stack:
    rasa_url: str
    action_url: str
    gateway_url: str | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    started_s: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # what the servers were started with
    rasa_urls: list[str] = field(default_factory=list)  # every replica (running_cluster)
    action_urls: list[str] = field(default_factory=list)

    def webhook(self, sender: str, message: str, timeout: float = 60.0) -> list[dict]:
        response = httpx.post(f"{self.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}; its log:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s; log:\n{log.read_text()[-4000:]}")


def start_action_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PYTHON), "-m", "actions.server", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def start_rasa(model: Path, port: int, endpoints: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(RASA_BIN), "run", "--model", str(model), "--endpoints", str(endpoints),
         "--credentials", str(REPO_ROOT / "bot/credentials.yml"), "--interface", "127.0.0.1",
         "--port", str(port), "--enable-api", "--log-file", str(log.with_suffix(".rasa.log"))],
        cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def start_gateway(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(PYTHON), "-m", "gateway"], cwd=REPO_ROOT, env={**env, "GATEWAY_PORT": str(port)},
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def base_env(index: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(REPO_ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "TOKENIZERS_PARALLELISM": "false",
        "LOCAL_OFFER_INDEX": str(index),
    })
    env.update(extra or {})
    return env


@contextmanager
def running_stack(
    model: Path,
    index: Path,
    *,
    workdir: Path | None = None,
    env: dict[str, str] | None = None,
    tracker_url: str | None = None,
    rasa_port: int | None = None,
    action_port: int | None = None,
    gateway_port: int | None = None,
    with_gateway: bool = False,
    timeout: float = START_TIMEOUT_S,
):
    """The servers running on loopback for the duration of the `with` block (Rasa and the
    action server; with `with_gateway`, the gateway too, which then receives the referrals)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="local-offer-stack-"))
    workdir.mkdir(parents=True, exist_ok=True)
    action_port = action_port or free_port()
    rasa_port = rasa_port or free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(endpoints_yaml(action_port, workdir / "tracker.db", tracker_url))
    extra = {"REFERRAL_OUTBOX": str(workdir / "outbox.sqlite3")}
    gateway_url = None
    if with_gateway:
        gateway_port = gateway_port or free_port()
        gateway_url = f"http://127.0.0.1:{gateway_port}"
        extra.update({"REFERRAL_SERVICE_URL": gateway_url, "GATEWAY_RASA_URL": f"http://127.0.0.1:{rasa_port}",
                      "GATEWAY_ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}",
                      "TRACKER_DATABASE_URL": tracker_url or f"sqlite:///{workdir / 'tracker.db'}"})
    environment = base_env(index, {**extra, **(env or {})})
    stack = Stack(rasa_url=f"http://127.0.0.1:{rasa_port}", action_url=f"http://127.0.0.1:{action_port}",
                  gateway_url=gateway_url, env=environment)
    try:
        stack.logs["actions"] = workdir / "actions.log"
        started = time.monotonic()
        stack.processes["actions"] = start_action_server(action_port, environment, stack.logs["actions"])
        stack.logs["rasa"] = workdir / "rasa.log"
        stack.processes["rasa"] = start_rasa(Path(model).resolve(), rasa_port, endpoints, environment, stack.logs["rasa"])
        _wait(f"{stack.action_url}/health", stack.processes["actions"], stack.logs["actions"], timeout)
        stack.started_s["actions"] = time.monotonic() - started
        if with_gateway:
            stack.logs["gateway"] = workdir / "gateway.log"
            stack.processes["gateway"] = start_gateway(gateway_port, environment, stack.logs["gateway"])
        _wait(f"{stack.rasa_url}/status", stack.processes["rasa"], stack.logs["rasa"], timeout)
        stack.started_s["rasa"] = time.monotonic() - started
        if with_gateway:
            _wait(f"{gateway_url}/readyz", stack.processes["gateway"], stack.logs["gateway"], timeout)
            stack.started_s["gateway"] = time.monotonic() - started
        yield stack
    finally:
        stack.stop()


@contextmanager
def running_cluster(
    model: Path,
    index: Path,
    *,
    tracker_url: str,
    lock_store_url: str,
    replicas: int = 2,
    workdir: Path | None = None,
    env: dict[str, str] | None = None,
    gateway_port: int | None = None,
    timeout: float = START_TIMEOUT_S * 2,
):
    """The scaled-out topology on loopback: `replicas` Rasa servers sharing one PostgreSQL tracker
    store and one Redis lock store, each with its own (stateless) action server, and one gateway
    sending turns round-robin over the Rasa replicas. Referrals from every action server go to
    the gateway. On a cluster the same roles are Kubernetes services (docs/deploy.md)."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="local-offer-cluster-"))
    workdir.mkdir(parents=True, exist_ok=True)
    gateway_port = gateway_port or free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    pairs = [(free_port(), free_port()) for _ in range(replicas)]
    rasa_urls = [f"http://127.0.0.1:{rasa}" for _, rasa in pairs]
    action_urls = [f"http://127.0.0.1:{action}" for action, _ in pairs]
    common = base_env(index, {
        "REFERRAL_SERVICE_URL": gateway_url, "GATEWAY_RASA_URL": ",".join(rasa_urls),
        "GATEWAY_ACTION_SERVER_URL": ",".join(action_urls), "TRACKER_DATABASE_URL": tracker_url,
        "REDIS_URL": lock_store_url, **(env or {}),
    })
    stack = Stack(rasa_url=rasa_urls[0], action_url=action_urls[0], gateway_url=gateway_url,
                  rasa_urls=rasa_urls, action_urls=action_urls)
    try:
        started = time.monotonic()
        envs = {}
        for number, (action_port, _) in enumerate(pairs, start=1):
            envs[number] = {**common, "REFERRAL_OUTBOX": str(workdir / f"outbox-{number}.sqlite3")}
            stack.logs[f"actions-{number}"] = workdir / f"actions-{number}.log"
            stack.processes[f"actions-{number}"] = start_action_server(action_port, envs[number],
                                                                       stack.logs[f"actions-{number}"])
        # Rasa replicas one after another: each creates the tracker store's tables if missing,
        # and two doing so at the same moment can collide in PostgreSQL's catalogue.
        for number, (action_port, rasa_port) in enumerate(pairs, start=1):
            endpoints = workdir / f"endpoints-{number}.yml"
            endpoints.write_text(endpoints_yaml(action_port, None, tracker_url, lock_store_url))
            stack.logs[f"rasa-{number}"] = workdir / f"rasa-{number}.log"
            stack.processes[f"rasa-{number}"] = start_rasa(Path(model).resolve(), rasa_port, endpoints, envs[number],
                                                           stack.logs[f"rasa-{number}"])
            _wait(f"{rasa_urls[number - 1]}/status", stack.processes[f"rasa-{number}"], stack.logs[f"rasa-{number}"],
                  timeout)
            stack.started_s[f"rasa-{number}"] = time.monotonic() - started
        for number, action_url in enumerate(action_urls, start=1):
            _wait(f"{action_url}/health", stack.processes[f"actions-{number}"], stack.logs[f"actions-{number}"], timeout)
        stack.logs["gateway"] = workdir / "gateway.log"
        stack.processes["gateway"] = start_gateway(gateway_port, common, stack.logs["gateway"])
        _wait(f"{gateway_url}/readyz", stack.processes["gateway"], stack.logs["gateway"], timeout)
        stack.started_s["gateway"] = time.monotonic() - started
        yield stack
    finally:
        stack.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.stack")
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models/local_offer.tar.gz")
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("LOCAL_OFFER_INDEX", REPO_ROOT / "var/index/sample_council")))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--gateway-port", type=int, default=int(os.environ.get("GATEWAY_PORT", "8000")))
    parser.add_argument("--no-gateway", action="store_true", help="Rasa and the action server only")
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "var/run")
    parser.add_argument("--replicas", type=int, default=0,
                        help="run N Rasa replicas (each with an action server) sharing the PostgreSQL tracker "
                             "store (TRACKER_DATABASE_URL) and the Redis lock store (LOCK_STORE_URL)")
    args = parser.parse_args(argv)

    def stop_on_signal(signum, frame):  # Ctrl-C, `kill` and a closed terminal all stop both servers
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop_on_signal)
    if args.replicas:
        tracker_url, lock_url = os.environ.get("TRACKER_DATABASE_URL"), os.environ.get("LOCK_STORE_URL")
        if not (tracker_url and lock_url):
            print("--replicas needs TRACKER_DATABASE_URL (PostgreSQL) and LOCK_STORE_URL (Redis)", file=sys.stderr)
            return 2
        print(f"Starting {args.replicas} Rasa replicas with their action servers and the gateway "
              f"(:{args.gateway_port}); this takes a few minutes on 2 cores...")
        running = running_cluster(args.model, args.index, tracker_url=tracker_url, lock_store_url=lock_url,
                                  replicas=args.replicas, workdir=args.workdir, gateway_port=args.gateway_port)
    else:
        print(f"Starting the action server (:{args.action_port}), Rasa (:{args.rasa_port}) and the gateway "
              f"(:{args.gateway_port}); this takes about a minute...")
        running = running_stack(args.model, args.index, workdir=args.workdir,
                                tracker_url=os.environ.get("TRACKER_DATABASE_URL"), rasa_port=args.rasa_port,
                                action_port=args.action_port, gateway_port=args.gateway_port,
                                with_gateway=not args.no_gateway)
    with running as stack:
        print(f"Ready (logs in {args.workdir}).")
        if stack.rasa_urls:
            print(f"Rasa replicas: {', '.join(stack.rasa_urls)}; action servers: {', '.join(stack.action_urls)}")
        if stack.gateway_url:
            print(f"Demo council site with the widget: {stack.gateway_url}/")
            print(f"Gateway: {stack.gateway_url}  (SPA staff pages: {stack.gateway_url}/spa/, OpenAPI schema: {stack.gateway_url}/openapi.json)")
            print(f"Try: curl -s -XPOST {stack.gateway_url}/api/chat -H 'content-type: application/json' "
                  "-d '{\"message\":\"what is sen support\"}'")
        else:
            print(f"Rasa REST channel: {stack.rasa_url}/webhooks/rest/webhook")
        print("Press Ctrl-C to stop.")
        try:
            while all(p.poll() is None for p in stack.processes.values()):
                time.sleep(1)
            print("A process stopped; see the logs.", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("Stopping...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
