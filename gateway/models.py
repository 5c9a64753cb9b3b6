"""Tables: referrals (and their e-mail delivery state), staff, notes, audit trail, content gaps."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db import Base

REFERRAL_STATUSES = ("new", "contacted", "closed")
URGENCIES = ("urgent", "soon", "routine")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    council: Mapped[str] = mapped_column(String(64))
    consent: Mapped[dict] = mapped_column(JSON)
    parent_name: Mapped[str] = mapped_column(String(120))
    contact_method: Mapped[str] = mapped_column(String(10))
    contact_value: Mapped[str] = mapped_column(String(254))
    child_age: Mapped[str] = mapped_column(String(60))
    school_setting: Mapped[str | None] = mapped_column(String(200), nullable=True)
    concern_summary: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10), index=True)
    transcript: Mapped[list | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(40), default="assistant")
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # e-mail delivery to the SPA mailbox: the table is its own outbox
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)

    notes: Mapped[list[ReferralNote]] = relationship(back_populates="referral", cascade="all, delete-orphan",
                                                     order_by="ReferralNote.created_at")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferralNote(Base):
    __tablename__ = "referral_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="notes")
    author: Mapped[StaffUser | None] = relationship()


class AuditEntry(Base):
    """Who did what, when: status changes, notes, exports, sign-ins, deletions (no personal data)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))  # a staff e-mail, "assistant" or "system"
    action: Mapped[str] = mapped_column(String(60), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ContentGap(Base):
    """A question the assistant could not answer, or an answer marked "not helpful" (scrubbed)."""

    __tablename__ = "content_gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    council: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # "not_in_documents" or "not_helpful"
    question: Mapped[str] = mapped_column(Text)  # scrubbed of personal data
    reason: Mapped[str | None] = mapped_column(String(120), nullable=True)
