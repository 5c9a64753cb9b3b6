"""The real Rasa server and action server, started once for the dialogue tests.

They run on the sample council's index (built by the session fixture) and the model that
`make train` builds; referrals are delivered to a real local HTTP endpoint.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import REPO_ROOT

MODEL = REPO_ROOT / "models/local_offer.tar.gz"
REFERRAL_SECRET = "dialogue-test-secret"


def require_model() -> Path:
    if MODEL.is_file() and (REPO_ROOT / ".venv-rasa/bin/rasa").exists():
        return MODEL
    message = f"{MODEL} is missing: run `make train` (it needs .venv-rasa from `make setup`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class ReferralInbox(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.headers.get("Authorization") == f"Bearer {REFERRAL_SECRET}"
        if ok:
            type(self).received.append(body)
        self.send_response(201 if ok else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


@dataclass
class Turn:
    texts: list[str]
    customs: list[dict]
    buttons: list[dict]

    @property
    def status(self) -> str | None:
        return self.customs[0]["status"] if self.customs else None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class Conversation:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.sender = f"test-{uuid.uuid4().hex[:12]}"

    def say(self, message: str) -> Turn:
        replies = self.stack.webhook(self.sender, message)
        return Turn(
            texts=[r["text"] for r in replies if r.get("text")],
            customs=[r["custom"] for r in replies if isinstance(r.get("custom"), dict)],
            buttons=[b for r in replies for b in r.get("buttons") or []],
        )


@pytest.fixture(scope="session")
def referral_inbox():
    """A real HTTP endpoint standing in for the referral service: (handler class, port)."""
    ReferralInbox.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ReferralInbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield ReferralInbox, server.server_port
    server.shutdown()


@pytest.fixture(scope="session")
def stack(sample_index: Path, referral_inbox, tmp_path_factory):
    from bot.stack import running_stack

    model = require_model()
    workdir = tmp_path_factory.mktemp("stack")
    _, port = referral_inbox
    env = {"REFERRAL_SERVICE_URL": f"http://127.0.0.1:{port}", "REFERRAL_SERVICE_SECRET": REFERRAL_SECRET}
    with running_stack(model, sample_index, workdir=workdir, env=env) as running:
        running.workdir = workdir
        yield running


@pytest.fixture()
def conversation(stack) -> Conversation:
    return Conversation(stack)
