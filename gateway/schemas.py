"""Request and response bodies of the referral service (`POST /api/referrals`).

`ReferralCreate` matches what the action server sends (`actions/referral.py`, `Referral.to_json()`).
Limits sit well above what the assistant produces (names of 80 characters, summaries of 1,000,
60 transcript lines of 2,000) but low enough that no field can be used to fill the database.
Unknown fields are ignored, so a newer action server can add one without its referrals bouncing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The action server's reference alphabet: no 0/O or 1/I/L (a parent reads it out over the phone).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_REF_CHARS = f"[{REFERENCE_ALPHABET}]"
REFERENCE_PATTERN = rf"^[A-Z]{{2,10}}-{_REF_CHARS}{{4}}-{_REF_CHARS}{{4}}$"

MAX_SUMMARY_CHARS = 4000
MAX_TRANSCRIPT_LINES = 200
MAX_TRANSCRIPT_LINE_CHARS = 4000
MAX_CLOCK_SKEW = timedelta(days=1)  # created_at further ahead than this is refused

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}\.[^@\s.]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{7,25}$")


def _as_utc(value: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")


class Consent(_Strict):
    given: bool
    wording: str = Field(min_length=1, max_length=2000)
    at: datetime | None = None
    conversation_id: str | None = Field(default=None, max_length=256)

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else _as_utc(value)


class TranscriptLine(_Strict):
    speaker: str = Field(min_length=1, max_length=20, description='"parent" or "assistant"')
    text: str = Field(max_length=MAX_TRANSCRIPT_LINE_CHARS)


class ReferralCreate(_Strict):
    """A referral confirmed by a parent, as posted by the action server."""

    reference: str = Field(pattern=REFERENCE_PATTERN, max_length=20, examples=["SPA-7KQ4-M2XD"])
    created_at: datetime = Field(description="When the parent confirmed it (ISO 8601)")
    council: str = Field(min_length=1, max_length=64)
    consent: Consent
    parent_name: str = Field(min_length=1, max_length=120)
    contact_method: Literal["phone", "email"]
    contact_value: str = Field(min_length=3, max_length=254)
    child_age: str = Field(min_length=1, max_length=60)
    school_setting: str | None = Field(default=None, max_length=200)
    concern_summary: str = Field(min_length=1, max_length=MAX_SUMMARY_CHARS)
    urgency: Literal["urgent", "soon", "routine"]
    transcript: list[TranscriptLine] = Field(default_factory=list, max_length=MAX_TRANSCRIPT_LINES)
    source: str = Field(default="assistant", min_length=1, max_length=40)

    @field_validator("created_at")
    @classmethod
    def _created_at(cls, value: datetime) -> datetime:
        value = _as_utc(value)
        if value > datetime.now(UTC) + MAX_CLOCK_SKEW:
            raise ValueError("created_at is in the future")
        return value

    @field_validator("school_setting")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _contact_matches_method(self) -> ReferralCreate:
        if self.contact_method == "email" and not _EMAIL.fullmatch(self.contact_value):
            raise ValueError("contact_value is not an e-mail address")
        if self.contact_method == "phone" and (
            not _PHONE.fullmatch(self.contact_value)
            or sum(ch.isdigit() for ch in self.contact_value) < 7
        ):
            raise ValueError("contact_value is not a phone number")
        return self


class ReferralPublic(BaseModel):
    """What the referral service says back: never the personal details."""

    model_config = ConfigDict(from_attributes=True)

    reference: str
    created_at: datetime
    status: str

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return _as_utc(value)  # SQLite hands timestamps back without their (UTC) zone
