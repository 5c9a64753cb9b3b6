"""SPA referrals: a durable local outbox first, then delivery to the referral service.

A referral that the parent has confirmed is written to a local SQLite outbox (committed and
synced) before anything is sent, and given its reference number there, so it survives the
referral service being down. `deliver_pending()` posts every undelivered referral to the
service (`POST {REFERRAL_SERVICE_URL}/api/referrals`, shared secret in a bearer header); the
reference travels with it, so a retry after a lost reply is recognised as the same referral.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

# No 0/O or 1/I/L: a parent reads the reference out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DELIVERY_TIMEOUT_S = 5.0
CONSENT_WORDING = (
    "I agree to the assistant sharing my name, contact details, my child's age and setting, "
    "a summary of my concern and this conversation with the council's SEND Single Point of Access."
)


def new_reference(prefix: str = "SPA") -> str:
    """'SPA-7KQ4-M2XD': short, unambiguous to read aloud, random (not guessable)."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


@dataclass
class Referral:
    council: str
    parent_name: str
    contact_method: str  # "phone" or "email"
    contact_value: str
    child_age: str
    school_setting: str | None
    concern_summary: str
    urgency: str  # "urgent", "soon" or "routine"
    consent: dict
    transcript: list[dict] = field(default_factory=list)
    reference: str = field(default_factory=new_reference)
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    source: str = "assistant"

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SubmitResult:
    reference: str
    delivered: bool  # False: safely stored, delivery will be retried


class ReferralOutbox:
    """The local, durable record of every confirmed referral and whether it was delivered."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox ("
                " reference TEXT PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL,"
                " delivered_at TEXT, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def store(self, referral: Referral) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO outbox (reference, body, created_at) VALUES (?, ?, ?)",
                (referral.reference, json.dumps(referral.to_json()), referral.created_at),
            )

    def pending(self) -> list[dict]:
        with self._connect() as db:
            rows = db.execute("SELECT body FROM outbox WHERE delivered_at IS NULL ORDER BY created_at").fetchall()
        return [json.loads(body) for (body,) in rows]

    def get(self, reference: str) -> dict | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT body, delivered_at, attempts FROM outbox WHERE reference = ?", (reference,)
            ).fetchone()
        if row is None:
            return None
        return {**json.loads(row[0]), "delivered_at": row[1], "attempts": row[2]}

    def mark(self, reference: str, *, delivered: bool, error: str | None = None) -> None:
        with self._lock, self._connect() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, last_error = ? WHERE reference = ?",
                (datetime.now(UTC).isoformat(timespec="seconds") if delivered else None, error, reference),
            )

    def delete_older_than(self, days: int) -> int:
        """Retention: delivered referrals older than `days` leave the local outbox."""
        cutoff = datetime.fromtimestamp(time.time() - days * 86400, UTC).isoformat(timespec="seconds")
        with self._lock, self._connect() as db:
            cursor = db.execute("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND created_at < ?", (cutoff,))
            return cursor.rowcount


class ReferralClient:
    """Stores a referral in the outbox, then tries to deliver it to the referral service."""

    def __init__(self, outbox: ReferralOutbox, service_url: str | None, secret: str) -> None:
        self.outbox = outbox
        self.service_url = service_url.rstrip("/") if service_url else None
        self.secret = secret

    def submit(self, referral: Referral) -> SubmitResult:
        self.outbox.store(referral)  # committed before any delivery attempt
        delivered = self._deliver(referral.to_json())
        return SubmitResult(referral.reference, delivered)

    def deliver_pending(self) -> int:
        return sum(self._deliver(body) for body in self.outbox.pending())

    def _deliver(self, body: dict) -> bool:
        if not self.service_url:
            return False
        try:
            response = httpx.post(
                f"{self.service_url}/api/referrals",
                json=body,
                headers={"Authorization": f"Bearer {self.secret}"},
                timeout=DELIVERY_TIMEOUT_S,
            )
            ok = response.status_code in (200, 201, 409)  # 409: the service already has it
            error = None if ok else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            ok, error = False, type(exc).__name__
        self.outbox.mark(body["reference"], delivered=ok, error=error)
        if not ok:
            log.warning("referral %s not delivered yet (%s); kept in the outbox", body["reference"], error)
        return ok
