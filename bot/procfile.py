"""Helpers for the Procfile that `make run` starts with honcho (one supervisor for every process).

    python -m bot.procfile endpoints --out var/run/endpoints.yml   # Rasa's endpoints from the environment
    python -m bot.procfile wait-ready                              # waits for the gateway's /readyz, prints where to go

Environment (all optional; `.env.example` lists them): ACTION_PORT (5055), RASA_PORT (5005),
GATEWAY_PORT (8000), TRACKER_DATABASE_URL (PostgreSQL; default SQLite in var/run/tracker.db),
LOCK_STORE_URL (Redis; default Rasa's in-memory lock store).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from bot.stack import REPO_ROOT, endpoints_yaml


def write_endpoints(out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tracker_url = os.environ.get("TRACKER_DATABASE_URL") or None
    tracker_db = REPO_ROOT / "var/run/tracker.db"
    if tracker_url and tracker_url.startswith("sqlite"):
        tracker_db, tracker_url = Path(tracker_url.split("///", 1)[-1]), None
    out.write_text(endpoints_yaml(int(os.environ.get("ACTION_PORT", "5055")), tracker_db.resolve(), tracker_url,
                                  os.environ.get("LOCK_STORE_URL") or None))


def wait_ready(url: str, timeout_s: float) -> int:
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/readyz", timeout=3)
            if response.status_code == 200:
                break
            last = ", ".join(k for k, ok in response.json().get("checks", {}).items() if not ok) or "not ready"
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(1)
    else:
        print(f"The stack did not become ready within {timeout_s:.0f} s (waiting on: {last}).", file=sys.stderr)
        return 1
    print(f"Ready. Demo council site with the widget: {url}/", flush=True)
    print(f"SPA staff pages: {url}/spa/   API schema: {url}/openapi.json   Readiness: {url}/readyz", flush=True)
    print("Press Ctrl-C to stop everything.", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:  # stay up: honcho stops every process when one exits
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.procfile")
    sub = parser.add_subparsers(dest="command", required=True)
    endpoints = sub.add_parser("endpoints")
    endpoints.add_argument("--out", type=Path, default=REPO_ROOT / "var/run/endpoints.yml")
    ready = sub.add_parser("wait-ready")
    ready.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}")
    ready.add_argument("--timeout", type=float, default=float(os.environ.get("READY_TIMEOUT_S", "600")))
    args = parser.parse_args(argv)
    if args.command == "endpoints":
        write_endpoints(args.out)
        return 0
    return wait_ready(args.url, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
