"""Referrals are stored before delivery, delivered to a real local HTTP endpoint, and retried."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from actions.referral import (
    REFERENCE_ALPHABET,
    Referral,
    ReferralClient,
    ReferralOutbox,
    new_reference,
)

SECRET = "test-secret"


class _Service(BaseHTTPRequestHandler):
    received: ClassVar[list] = []
    status = 201

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") != f"Bearer {SECRET}":
            self.send_response(401)
        else:
            type(self).received.append(body)
            self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture()
def service():
    _Service.received = []
    _Service.status = 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def _referral(**overrides) -> Referral:
    values = dict(council="brackenmoor", parent_name="Sam Example", contact_method="phone",  # noqa: C408
                  contact_value="07700 900123", child_age="age 7", school_setting="not given",
                  concern_summary="No support in place at school.", urgency="soon",
                  consent={"given": True, "wording": "..."})
    values.update(overrides)
    return Referral(**values)


def test_references_are_short_unique_and_unambiguous():
    refs = {new_reference() for _ in range(2000)}
    assert len(refs) == 2000
    for ref in list(refs)[:50]:
        assert len(ref) == 13 and ref.startswith("SPA-")
        assert set(ref[4:].replace("-", "")) <= set(REFERENCE_ALPHABET)


def test_submit_stores_then_delivers(tmp_path, service):
    outbox = ReferralOutbox(tmp_path / "outbox.sqlite3")
    client = ReferralClient(outbox, f"http://127.0.0.1:{service.server_port}", SECRET)
    result = client.submit(_referral())
    assert result.delivered
    assert [r["reference"] for r in _Service.received] == [result.reference]
    assert _Service.received[0]["consent"]["given"] is True
    assert outbox.get(result.reference)["delivered_at"]
    assert outbox.pending() == []


def test_service_down_keeps_the_referral_and_a_retry_delivers_it(tmp_path, service):
    outbox = ReferralOutbox(tmp_path / "outbox.sqlite3")
    down = ReferralClient(outbox, "http://127.0.0.1:9", SECRET)  # nothing listens on port 9
    result = down.submit(_referral())
    assert not result.delivered
    assert [r["reference"] for r in outbox.pending()] == [result.reference]
    # a new process (same outbox file) delivers it once the service is back
    up = ReferralClient(ReferralOutbox(tmp_path / "outbox.sqlite3"), f"http://127.0.0.1:{service.server_port}", SECRET)
    assert up.deliver_pending() == 1
    assert [r["reference"] for r in _Service.received] == [result.reference]
    assert outbox.pending() == []


def test_a_rejected_delivery_is_retried_later(tmp_path, service):
    _Service.status = 503
    outbox = ReferralOutbox(tmp_path / "outbox.sqlite3")
    client = ReferralClient(outbox, f"http://127.0.0.1:{service.server_port}", SECRET)
    result = client.submit(_referral(urgency="urgent"))
    assert not result.delivered and outbox.get(result.reference)["attempts"] == 1
    _Service.status = 201
    assert client.deliver_pending() == 1


def test_no_service_configured_still_stores(tmp_path):
    outbox = ReferralOutbox(tmp_path / "outbox.sqlite3")
    result = ReferralClient(outbox, None, SECRET).submit(_referral())
    assert not result.delivered and outbox.get(result.reference)["parent_name"] == "Sam Example"
