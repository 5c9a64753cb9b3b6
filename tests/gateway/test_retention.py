"""Retention: referrals (with their notes) and content gaps older than the period are deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from gateway.db import session_scope
from gateway.models import AuditEntry, ContentGap, Referral, ReferralNote, StaffUser, utcnow
from gateway.services.retention import purge

NOW = utcnow().replace(microsecond=0)


def _referral(reference: str, age_days: float, **extra) -> Referral:
    created = NOW - timedelta(days=age_days)
    return Referral(reference=reference, created_at=created, received_at=created, updated_at=created,
                    council="brackenmoor", consent={"given": True, "wording": "ok"}, parent_name="Sam Taylor",
                    contact_method="email", contact_value="sam@example.com", child_age="7",
                    school_setting=None, concern_summary="reading", urgency="routine",
                    transcript=[{"speaker": "parent", "text": "hello"}], source="assistant", status="new",
                    email_attempts=0, **extra)


@pytest.fixture
def seeded(gateway_settings):
    """Old and recent referrals (with notes and audit entries), content gaps and a staff user."""
    with session_scope(gateway_settings.database_url) as session:
        staff = StaffUser(email="officer@brackenmoor.example", name="Officer", password_hash="x",
                          is_active=True, failed_attempts=0, created_at=NOW)
        old = _referral("SPA-2222-2222", 91, emailed_at=NOW - timedelta(days=91))
        old_pending = _referral("SPA-3333-3333", 120)
        recent = _referral("SPA-4444-4444", 89)
        session.add_all([staff, old, old_pending, recent])
        session.flush()
        for referral in (old, recent):
            session.add(ReferralNote(referral_id=referral.id, author_id=staff.id, text="called back",
                                     created_at=NOW))
            session.add(AuditEntry(actor="officer@brackenmoor.example", action="status_changed",
                                   referral_id=referral.id, detail={"to": "contacted"}, created_at=NOW))
        session.add_all([
            ContentGap(council="brackenmoor", kind="not_in_documents", question="old question",
                       created_at=NOW - timedelta(days=90, seconds=1)),
            ContentGap(council="brackenmoor", kind="not_helpful", question="new question",
                       created_at=NOW - timedelta(days=89, hours=23)),
        ])
    return gateway_settings


def test_purge_deletes_only_rows_older_than_the_retention_period(seeded):
    url = seeded.database_url
    counts = purge(seeded, now=NOW)
    assert counts == {"referrals": 2, "referral_notes": 1, "content_gaps": 1, "referrals_never_emailed": 1, "conversation_events": 0}

    with session_scope(url) as session:
        assert [r.reference for r in session.scalars(select(Referral))] == ["SPA-4444-4444"]
        [note] = session.scalars(select(ReferralNote))
        assert note.referral.reference == "SPA-4444-4444"
        assert [g.question for g in session.scalars(select(ContentGap))] == ["new question"]
        assert session.scalar(select(StaffUser.email)) == "officer@brackenmoor.example"
        audits = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        # the audit trail stays; the entry about a deleted referral loses only its link
        assert [(a.action, a.referral_id is None) for a in audits] == [
            ("status_changed", True), ("status_changed", False), ("retention_purge", True)]
        purge_entry = audits[-1]
        assert purge_entry.actor == "system"
        assert purge_entry.detail["referrals"] == 2 and purge_entry.detail["content_gaps"] == 1
        assert purge_entry.detail["retention_days"] == 90

    assert purge(seeded, now=NOW)["referrals"] == 0  # a second run finds nothing more


def test_purge_with_nothing_old_still_records_the_run(gateway_settings):
    assert purge(gateway_settings) == {"referrals": 0, "referral_notes": 0, "content_gaps": 0,
                                       "referrals_never_emailed": 0, "conversation_events": 0}
    with session_scope(gateway_settings.database_url) as session:
        assert session.scalar(select(AuditEntry.action)) == "retention_purge"


def test_purge_honours_the_configured_days(seeded):
    counts = purge(seeded.model_copy(update={"retention_days": 30}), now=NOW)
    assert counts["referrals"] == 3 and counts["content_gaps"] == 2
    with pytest.raises(ValueError):
        purge(seeded.model_copy(update={"retention_days": 0}), now=NOW)


def test_purge_removes_old_conversations_from_the_tracker_store(gateway_settings, tmp_path):
    import sqlite3
    import time as clock

    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL, data TEXT)")
        db.executemany("INSERT INTO events (sender_id, timestamp, data) VALUES (?, ?, '{}')",
                       [("old", clock.time() - 100 * 86_400), ("new", clock.time())])
    settings = gateway_settings.model_copy(update={"tracker_database_url": f"sqlite:///{tracker}"})
    assert purge(settings)["conversation_events"] == 1
    with sqlite3.connect(tracker) as db:
        assert [row[0] for row in db.execute("SELECT sender_id FROM events")] == ["new"]
