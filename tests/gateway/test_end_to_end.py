"""The whole product path: a parent's conversation through the gateway ends in a referral that
appears in the SPA staff inbox and in the SPA team's mailbox (a real SMTP server), and survives
that mail server being down."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import REPO_ROOT
from tests.stack_fixtures import MODEL, require_model

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple 42"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _chat(client: httpx.Client, session: str | None, message: str) -> tuple[str, dict]:
    body = {"message": message} | ({"session_id": session} if session else {})
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    return data["session_id"], data["messages"][0]["custom"]


def _sign_in(client: httpx.Client) -> None:
    page = client.get("/spa/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/spa/sign-in", data={"csrf_token": token, "email": "staff@brackenmoor.example",
                                                  "password": PASSWORD}, follow_redirects=True)
    assert response.status_code == 200 and "sign-in" not in str(response.url), response.text[:500]


def test_conversation_to_spa_inbox_and_mailbox_surviving_smtp_downtime(sample_index, tmp_path):
    from bot.stack import running_stack

    require_model()
    database = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    smtp_port = _free_port()
    env = {"DATABASE_URL": database, "GATEWAY_SMTP_PORT": str(smtp_port), "GATEWAY_DELIVERY_RETRY_S": "1",
           "REFERRAL_SERVICE_SECRET": "end-to-end-secret-value", "REFERRAL_RETRY_SECONDS": "1"}
    with running_stack(MODEL, sample_index, workdir=tmp_path / "stack", env=env, with_gateway=True) as stack:
        created = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "create-staff", "--email", "staff@brackenmoor.example",
             "--name", "Sam Staff", "--password-stdin", "--database-url", database],
            input=PASSWORD + "\n", capture_output=True, text=True, cwd=REPO_ROOT, timeout=60, check=False)
        assert created.returncode == 0, created.stderr
        with httpx.Client(base_url=stack.gateway_url, timeout=60) as client:
            session, custom = _chat(client, None, "school refused to put anything in place for my son, who do i call?")
            assert custom["status"] in ("answered_offer_referral", "not_in_documents")
            for message in ["/start_referral", "yes", "Alex Parent", "phone", "07700 900321", "year 5",
                            "Brackenmoor Primary", "yes", "soon"]:
                session, custom = _chat(client, session, message)
            session, custom = _chat(client, session, "yes")
            assert custom["status"] == "referral_submitted", custom
            reference = custom["reference"]

            # the SMTP server is down so far: the referral waits in the gateway's outbox
            deadline = time.monotonic() + 15
            mailbox = Mailbox()
            controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
            _sign_in(client)
            inbox = client.get("/spa/")
            assert reference in inbox.text
            controller.start()  # the mail server comes back
            try:
                while time.monotonic() < deadline and not any(reference in m for m in mailbox.messages):
                    time.sleep(0.5)
            finally:
                controller.stop()
            delivered = [m for m in mailbox.messages if reference in m]
            assert len(delivered) == 1
            assert "Alex Parent" in delivered[0]
            page = client.get(f"/spa/referrals/{reference}")
            assert page.status_code == 200 and "07700 900321" in page.text

            # a parent asks for their conversation to be deleted: it leaves Rasa's tracker store
            other, _ = _chat(client, None, "what is an EHCP")
            assert _events(tmp_path, other) > 0
            _, custom = _chat(client, other, "please delete my conversation")
            assert custom["status"] == "conversation_deleted"
            assert _events(tmp_path, other) == 0


def _events(tmp_path, sender: str) -> int:
    import sqlite3

    with sqlite3.connect(tmp_path / "stack" / "tracker.db") as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
