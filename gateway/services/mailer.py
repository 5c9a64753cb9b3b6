"""E-mail each stored referral to the SPA mailbox; the referrals table is the outbox.

A referral row with `emailed_at` NULL is pending. `deliver_pending(settings)` sends every pending
one, oldest first: success sets `emailed_at`, failure increments `email_attempts` and records
`email_last_error`, and the row stays pending for the next pass. SMTP and network errors never
escape; `run_delivery_loop(settings, stop)` calls it every `settings.delivery_retry_s` seconds
until `stop` is set (start it on a daemon thread from the app's lifespan, or use
`start_delivery_thread`).

Each referral is sent while its row is locked (`SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL), so two gateway processes do not both send it. A crash between the SMTP server
accepting a message and the commit can send that one referral twice (at least once, never lost).

The e-mail carries the referral's fields, not the transcript: staff read that in the SPA pages.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import select

from gateway.db import session_scope
from gateway.models import Referral, utcnow
from gateway.observability import REFERRAL_DELIVERY_FAILURES
from gateway.settings import Settings

log = logging.getLogger("gateway.mailer")

SMTP_TIMEOUT_S = 15.0
# Failures of the server or its settings, not of one message: the rest of the pass would fail too.
_SERVER_ERRORS = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError,
                  smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError)
_pass_lock = threading.Lock()  # one delivery pass at a time in this process


def subject_for(referral: Referral) -> str:
    subject = f"New SEND referral {referral.reference}"
    return f"[URGENT] {subject}" if referral.urgency == "urgent" else subject


def _when(value: datetime | None) -> str:
    if value is None:
        return "not recorded"
    if value.tzinfo is None:  # SQLite returns stored UTC times without their zone
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%d %B %Y, %H:%M UTC")


def body_for(referral: Referral) -> str:
    consent = referral.consent or {}
    urgency = {"urgent": "URGENT: aim to contact by the end of the next working day",
               "soon": "soon", "routine": "routine"}.get(referral.urgency, referral.urgency)
    contact = f"{'Phone' if referral.contact_method == 'phone' else 'E-mail'}: {referral.contact_value}"
    consent_line = (f"given on {_when(_parse(consent.get('at')))}" if consent.get("given")
                    else "NOT given for sharing the conversation")
    lines = [
        "A parent carer has asked the SEND Single Point of Access to contact them.",
        "",
        f"Reference:        {referral.reference}",
        f"Urgency:          {urgency}",
        f"Confirmed:        {_when(referral.created_at)}",
        f"Council:          {referral.council}",
        "",
        f"Parent or carer:  {referral.parent_name}",
        f"Contact by:       {contact}",
        f"Child's age:      {referral.child_age}",
        f"School/setting:   {referral.school_setting or 'not given'}",
        "",
        "Concern, in the parent's words:",
        *[f"  {line}" for line in (referral.concern_summary or "").splitlines() or [""]],
        "",
        f"Consent:          {consent_line}",
        f"Consent wording:  {consent.get('wording', 'not recorded')}",
        f"Source:           {referral.source}",
        "",
        "The conversation, where the parent agreed to share it, is in the SPA referral pages;",
        "it is not sent by e-mail. Please quote the reference in any reply to the family.",
    ]
    return "\n".join(lines) + "\n"


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def build_message(referral: Referral, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject_for(referral)
    message["From"] = settings.mail_from
    message["To"] = settings.spa_mailbox
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=referral.reference,
                                       domain=settings.mail_from.rpartition("@")[2] or None)
    if referral.urgency == "urgent":
        message["X-Priority"] = "1"
        message["Importance"] = "high"
    message.set_content(body_for(referral))
    return message


def send_message(message: EmailMessage, settings: Settings) -> None:
    """One SMTP conversation: STARTTLS and login when configured. Raises on any failure."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)


def _server_failed(exc: BaseException) -> bool:
    """Refused connection, timeout, TLS or login failure (SMTPException is an OSError too)."""
    if isinstance(exc, _SERVER_ERRORS):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text[:200]


def deliver_pending(settings: Settings) -> int:
    """Send every referral not yet e-mailed, oldest first; return how many were sent now."""
    url = settings.database_url
    sent = 0
    with _pass_lock:
        with session_scope(url) as session:
            pending = list(session.scalars(
                select(Referral.id).where(Referral.emailed_at.is_(None))
                .order_by(Referral.created_at, Referral.id)
            ))
        for referral_id in pending:
            with session_scope(url) as session:
                referral = session.scalar(
                    select(Referral)
                    .where(Referral.id == referral_id, Referral.emailed_at.is_(None))
                    .with_for_update(skip_locked=True)
                )
                if referral is None:  # sent by another process meanwhile, or purged
                    continue
                referral.email_attempts = (referral.email_attempts or 0) + 1
                try:
                    send_message(build_message(referral, settings), settings)
                except Exception as exc:  # noqa: BLE001 (one bad message must not stop the pass)
                    referral.email_last_error = _describe(exc)
                    REFERRAL_DELIVERY_FAILURES.inc()
                    log.warning("referral %s not e-mailed yet (attempt %d): %s", referral.reference,
                                referral.email_attempts, referral.email_last_error)
                    if _server_failed(exc):
                        break  # the server is down: the next pass tries again, oldest first
                    continue
                referral.emailed_at = utcnow()
                referral.email_last_error = None
                sent += 1
                log.info("referral %s e-mailed to the SPA mailbox", referral.reference)
    return sent


def run_delivery_loop(settings: Settings, stop: threading.Event) -> None:
    """Call `deliver_pending` now and then every `settings.delivery_retry_s` until `stop` is set."""
    while not stop.is_set():
        try:
            deliver_pending(settings)
        except Exception:  # the database may be down: keep trying
            log.exception("referral e-mail delivery pass failed")
        stop.wait(settings.delivery_retry_s)


def start_delivery_thread(settings: Settings, stop: threading.Event) -> threading.Thread:
    """`run_delivery_loop` on a daemon thread, started; set `stop` (and join) on shutdown."""
    thread = threading.Thread(target=run_delivery_loop, args=(settings, stop),
                              name="referral-mailer", daemon=True)
    thread.start()
    return thread
