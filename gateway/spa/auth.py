"""Staff sign-in: argon2 password hashes, a signed session cookie, lock-out after repeated failures.

The session is a cookie signed with `settings.session_secret` (itsdangerous), independent of any
middleware. It carries the staff user's id, a per-session CSRF token and a fingerprint of the
password hash (changing the password ends every session), and it expires 8 hours after sign-in.

Lock-out: after `staff_lockout_failures` failed attempts an account is locked for
`staff_lockout_minutes`, even for the right password. So that the page never tells whether an
e-mail belongs to an account, an unknown e-mail is locked out in the same way, counted from the
audit trail by a keyed hash of the address (the address itself is never stored).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, StaffUser, utcnow
from gateway.settings import Settings

COOKIE_NAME = "spa_session"
COOKIE_PATH = "/spa"
SESSION_MAX_AGE_S = 8 * 60 * 60
UNKNOWN_ACTOR = "unknown"
MAX_EMAIL_CHARS = 254
MAX_PASSWORD_CHARS = 1024  # argon2 copes with more; a sign-in form does not need more

# Audit actions
SIGNED_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_LOCKED = "sign_in_locked"  # the attempt that locked the account
SIGN_IN_REFUSED_LOCKED = "sign_in_refused_locked"  # an attempt while locked
SIGNED_OUT = "sign_out"

_hasher = PasswordHasher()
_dummy_hashes: dict[int, str] = {}


def password_hasher() -> PasswordHasher:
    return _hasher


def set_password_hasher(hasher: PasswordHasher) -> None:
    """Tests use cheaper argon2 parameters; production keeps argon2-cffi's defaults (RFC 9106)."""
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    hasher = password_hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[id(hasher)]


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()[:MAX_EMAIL_CHARS]


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def audit(db: Session, actor: str, action: str, *, referral_id: int | None = None,
          detail: dict | None = None, at: datetime | None = None) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, referral_id=referral_id, detail=detail, created_at=at or utcnow())
    db.add(entry)
    return entry


# ---------------------------------------------------------------------------------------------
# session cookie


@dataclass
class SpaSession:
    csrf: str
    uid: int | None = None
    pw: str | None = None  # fingerprint of the password hash at sign-in

    def to_json(self) -> dict:
        return {"csrf": self.csrf, "uid": self.uid, "pw": self.pw}


def new_session(user: StaffUser | None = None) -> SpaSession:
    if user is None:
        return SpaSession(csrf=secrets.token_urlsafe(32))
    return SpaSession(csrf=secrets.token_urlsafe(32), uid=user.id, pw=password_fingerprint(user.password_hash))


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.session_secret, salt="gateway.spa.session")


def read_session(cookie: str | None, settings: Settings) -> SpaSession | None:
    if not cookie or len(cookie) > 4096:
        return None
    try:
        data = _serializer(settings).loads(cookie, max_age=SESSION_MAX_AGE_S)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("csrf"), str) or not data["csrf"]:
        return None
    uid = data.get("uid")
    if uid is not None and not isinstance(uid, int):
        return None
    pw = data.get("pw")
    return SpaSession(csrf=data["csrf"], uid=uid, pw=pw if isinstance(pw, str) else None)


def write_session(response: Response, settings: Settings, session: SpaSession) -> None:
    response.set_cookie(
        COOKIE_NAME, _serializer(settings).dumps(session.to_json()), max_age=SESSION_MAX_AGE_S,
        path=COOKIE_PATH, httponly=True, samesite="strict", secure=settings.env == "production",
    )


def clear_session(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=settings.env == "production")


def user_for_session(db: Session, session: SpaSession | None) -> StaffUser | None:
    """The active staff user a signed-in session belongs to, or None."""
    if session is None or session.uid is None:
        return None
    user = db.get(StaffUser, session.uid)
    if user is None or not user.is_active:
        return None
    if not session.pw or not hmac.compare_digest(session.pw, password_fingerprint(user.password_hash)):
        return None
    return user


# ---------------------------------------------------------------------------------------------
# sign-in


class SignIn(enum.Enum):
    OK = "ok"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    user: StaffUser | None = None


def email_key(settings: Settings, email: str) -> str:
    """A keyed hash of a typed address that matches no account: lets unknown addresses be locked out
    like real ones without writing the address down."""
    digest = hmac.new(settings.session_secret.encode(), b"spa-sign-in:" + email.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def authenticate(db: Session, settings: Settings, email: str, password: str,
                 now: datetime | None = None) -> SignInResult:
    """Check a sign-in attempt, update the lock-out state and write the audit entry (not committed)."""
    now = now or utcnow()
    email = normalise_email(email)
    password = (password or "")[:MAX_PASSWORD_CHARS]
    user = db.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)) if email else None
    if user is None:
        verify_password(_dummy_hash(), password)  # the same work as for a real account
        return _unknown_attempt(db, settings, email, now)

    locked_until = aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        verify_password(user.password_hash, password)  # same timing; the answer is "locked" regardless
        audit(db, user.email, SIGN_IN_REFUSED_LOCKED, detail={"locked_until": locked_until.isoformat()}, at=now)
        return SignInResult(SignIn.LOCKED)

    if verify_password(user.password_hash, password) and user.is_active:
        user.failed_attempts = 0
        user.locked_until = None
        if password_hasher().check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        audit(db, user.email, SIGNED_IN, at=now)
        return SignInResult(SignIn.OK, user)

    user.failed_attempts = (user.failed_attempts or 0) + 1
    detail = {"attempt": user.failed_attempts}
    if not user.is_active:
        detail["inactive"] = True
    audit(db, user.email, SIGN_IN_FAILED, detail=detail, at=now)
    if user.failed_attempts >= settings.staff_lockout_failures:
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=settings.staff_lockout_minutes)
        audit(db, user.email, SIGN_IN_LOCKED, detail={"minutes": settings.staff_lockout_minutes}, at=now)
        return SignInResult(SignIn.LOCKED)
    return SignInResult(SignIn.FAILED)


def _unknown_attempt(db: Session, settings: Settings, email: str, now: datetime) -> SignInResult:
    key = email_key(settings, email)
    keyed = AuditEntry.detail["email_key"].as_string() == key
    window = now - timedelta(minutes=settings.staff_lockout_minutes)
    last_lock = db.scalar(
        select(func.max(AuditEntry.created_at))
        .where(AuditEntry.actor == UNKNOWN_ACTOR, AuditEntry.action == SIGN_IN_LOCKED, keyed)
        .where(AuditEntry.created_at > now - timedelta(days=1))
    )
    last_lock = aware(last_lock)
    if last_lock is not None and last_lock > window:
        audit(db, UNKNOWN_ACTOR, SIGN_IN_REFUSED_LOCKED, detail={"email_key": key}, at=now)
        return SignInResult(SignIn.LOCKED)

    since = max(last_lock or now - timedelta(days=1), now - timedelta(days=1))
    failures = db.scalar(
        select(func.count(AuditEntry.id))
        .where(AuditEntry.actor == UNKNOWN_ACTOR, AuditEntry.action == SIGN_IN_FAILED, keyed)
        .where(AuditEntry.created_at > since)
    ) or 0
    audit(db, UNKNOWN_ACTOR, SIGN_IN_FAILED, detail={"email_key": key, "attempt": failures + 1}, at=now)
    if failures + 1 >= settings.staff_lockout_failures:
        audit(db, UNKNOWN_ACTOR, SIGN_IN_LOCKED, at=now,
              detail={"email_key": key, "minutes": settings.staff_lockout_minutes})
        return SignInResult(SignIn.LOCKED)
    return SignInResult(SignIn.FAILED)
