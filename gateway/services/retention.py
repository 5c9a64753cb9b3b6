"""Retention: personal data is kept for `settings.retention_days`, then deleted.

`purge(settings, now=None)` deletes, in one transaction, referrals created before the cut-off
(with their staff notes) and content gaps recorded before it, and records one
AuditEntry(actor="system", action="retention_purge") with the counts. Audit entries themselves
hold no personal data and stay; the ones that pointed at a deleted referral lose the link.

A referral still waiting for its e-mail when it reaches the cut-off is deleted too (the data may
not be kept longer); the count of those is in the audit entry and the log, as a warning.

Run it daily: `run_retention_loop(settings, stop)` on a daemon thread from the app's lifespan.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from gateway.db import session_scope
from gateway.models import AuditEntry, ContentGap, Referral, ReferralNote, utcnow
from gateway.settings import Settings

log = logging.getLogger("gateway.retention")

RETENTION_INTERVAL_S = 6 * 3600.0
_SYNC = {"synchronize_session": False}


def purge(settings: Settings, now: datetime | None = None) -> dict:
    """Delete referrals (and notes) and content gaps older than the retention period; the counts."""
    if settings.retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    now = utcnow() if now is None else (now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC))
    cutoff = now - timedelta(days=settings.retention_days)

    with session_scope(settings.database_url) as session:
        old = select(Referral.id).where(Referral.created_at < cutoff).scalar_subquery()
        never_emailed = session.scalar(select(func.count()).select_from(Referral).where(
            Referral.created_at < cutoff, Referral.emailed_at.is_(None))) or 0
        notes = session.execute(delete(ReferralNote).where(ReferralNote.referral_id.in_(old))
                                .execution_options(**_SYNC)).rowcount
        session.execute(update(AuditEntry).where(AuditEntry.referral_id.in_(old))
                        .values(referral_id=None).execution_options(**_SYNC))
        referrals = session.execute(delete(Referral).where(Referral.created_at < cutoff)
                                    .execution_options(**_SYNC)).rowcount
        gaps = session.execute(delete(ContentGap).where(ContentGap.created_at < cutoff)
                               .execution_options(**_SYNC)).rowcount
        counts = {"referrals": referrals, "referral_notes": notes, "content_gaps": gaps,
                  "referrals_never_emailed": never_emailed}
        session.add(AuditEntry(actor="system", action="retention_purge", created_at=now,
                               detail={**counts, "retention_days": settings.retention_days,
                                       "cutoff": cutoff.isoformat(timespec="seconds")}))
    from gateway.services.conversations import purge_conversations

    counts["conversation_events"] = purge_conversations(settings.tracker_database_url, settings.retention_days,
                                                        now.timestamp())
    if never_emailed:
        log.warning("retention deleted %d referral(s) that were never e-mailed", never_emailed)
    log.info("retention purge: %s", counts)
    return counts


def run_retention_loop(settings: Settings, stop: threading.Event,
                       interval_s: float = RETENTION_INTERVAL_S) -> None:
    """`purge` now and then every `interval_s` seconds until `stop` is set; errors are logged."""
    while not stop.is_set():
        try:
            purge(settings)
        except Exception:  # the database may be down: try again next time
            log.exception("retention purge failed")
        stop.wait(interval_s)
