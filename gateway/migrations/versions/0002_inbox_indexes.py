"""Indexes for the SPA inbox order and export filter (received_at) and lock-out look-ups (action).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_referrals_received_at", "referrals", ["received_at"])
    op.create_index("ix_audit_entries_action", "audit_entries", ["action"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_action", table_name="audit_entries")
    op.drop_index("ix_referrals_received_at", table_name="referrals")
