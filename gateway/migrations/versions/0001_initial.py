"""Initial schema: referrals, staff users, referral notes, audit entries, content gaps.

Mirrors gateway/models.py exactly (tests/gateway/test_referrals_store.py compares the migrated
database with the models and fails on any difference).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("council", sa.String(length=64), nullable=False),
        sa.Column("consent", sa.JSON(), nullable=False),
        sa.Column("parent_name", sa.String(length=120), nullable=False),
        sa.Column("contact_method", sa.String(length=10), nullable=False),
        sa.Column("contact_value", sa.String(length=254), nullable=False),
        sa.Column("child_age", sa.String(length=60), nullable=False),
        sa.Column("school_setting", sa.String(length=200), nullable=True),
        sa.Column("concern_summary", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("emailed_at", TZ, nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_last_error", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_referrals_reference", "referrals", ["reference"], unique=True)
    op.create_index("ix_referrals_created_at", "referrals", ["created_at"])
    op.create_index("ix_referrals_urgency", "referrals", ["urgency"])
    op.create_index("ix_referrals_status", "referrals", ["status"])
    op.create_index("ix_referrals_emailed_at", "referrals", ["emailed_at"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_users_email", "staff_users", ["email"], unique=True)

    op.create_table(
        "referral_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_referral_notes_referral_id", "referral_notes", ["referral_id"])

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entries_created_at", "audit_entries", ["created_at"])
    op.create_index("ix_audit_entries_referral_id", "audit_entries", ["referral_id"])

    op.create_table(
        "content_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("council", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_content_gaps_created_at", "content_gaps", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_content_gaps_created_at", table_name="content_gaps")
    op.drop_table("content_gaps")
    op.drop_index("ix_audit_entries_referral_id", table_name="audit_entries")
    op.drop_index("ix_audit_entries_created_at", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index("ix_referral_notes_referral_id", table_name="referral_notes")
    op.drop_table("referral_notes")
    op.drop_index("ix_staff_users_email", table_name="staff_users")
    op.drop_table("staff_users")
    for column in ("emailed_at", "status", "urgency", "created_at", "reference"):
        op.drop_index(f"ix_referrals_{column}", table_name="referrals")
    op.drop_table("referrals")
