"""The conversations Rasa keeps in its SQL tracker store: deletion on request, and retention.

The gateway reaches the tracker store's own database (`TRACKER_DATABASE_URL`; `make run` uses
SQLite in var/run) because Rasa 3.6 has no API that deletes a stored conversation.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from gateway.db import engine_for

log = logging.getLogger("gateway.conversations")


def _delete_events(tracker_url: str | None, where: str, params: dict, what: str) -> int:
    if not tracker_url:
        return 0
    try:
        with engine_for(tracker_url).begin() as connection:
            return connection.execute(text(f"DELETE FROM events WHERE {where}"), params).rowcount or 0
    except Exception:
        log.exception("could not %s in the tracker store", what)
        return 0


def delete_conversation(tracker_url: str | None, session_id: str) -> int:
    """Remove every stored event of one conversation; the number of events removed."""
    return _delete_events(tracker_url, "sender_id = :sender", {"sender": session_id}, "delete a conversation")


def purge_conversations(tracker_url: str | None, retention_days: int, now: float | None = None) -> int:
    """Remove conversation events older than the retention period; the number removed."""
    cutoff = (now or time.time()) - retention_days * 86_400
    return _delete_events(tracker_url, "timestamp < :cutoff", {"cutoff": cutoff}, "purge old conversations")
