"""E-mail delivery of stored referrals to the SPA mailbox, through a real SMTP server."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from gateway.db import session_scope
from gateway.models import Referral, utcnow
from gateway.services.mailer import deliver_pending, run_delivery_loop


def _store(settings, referrals_client, body: dict) -> str:
    response = referrals_client.post("/api/referrals", json=body)
    assert response.status_code == 201, response.text
    return body["reference"]


def _referral(settings, reference: str) -> Referral:
    with session_scope(settings.database_url) as session:
        return session.scalar(select(Referral).where(Referral.reference == reference))


def test_delivers_to_the_spa_mailbox_with_subject_and_body(mail_settings, smtp_server, referrals_client,
                                                           referral_json):
    urgent = _store(mail_settings, referrals_client, referral_json(
        urgency="urgent", contact_method="phone", contact_value="07700 900123",
        created_at=(utcnow() - timedelta(minutes=5)).isoformat()))
    routine = _store(mail_settings, referrals_client, referral_json(
        parent_name="Zoë Ní Bhriain", concern_summary="Speech and language:\nwaiting list is long"))

    assert deliver_pending(mail_settings) == 2
    assert len(smtp_server.messages) == 2
    first, second = smtp_server.messages  # oldest first
    assert first.message["Subject"] == f"[URGENT] New SEND referral {urgent}"
    assert second.message["Subject"] == f"New SEND referral {routine}"
    for mail in smtp_server.messages:
        assert mail.rcpt_tos == ["spa@brackenmoor.example"]
        assert mail.mail_from == "assistant@brackenmoor.example"
        assert mail.message["To"] == "spa@brackenmoor.example"

    body = first.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    for expected in (urgent, "URGENT", "Sam Taylor", "Phone: 07700 900123", "7 (Year 2)", "Moorside Primary",
                     "struggling with reading", "brackenmoor", "Consent:          given"):
        assert expected in body, expected
    assert "my son can't read yet" not in body  # never the transcript
    assert first.message["X-Priority"] == "1" and second.message["X-Priority"] is None

    body = second.message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Zoë Ní Bhriain" in body and "E-mail: sam.taylor@example.com" in body
    assert "  Speech and language:\n  waiting list is long" in body

    for reference in (urgent, routine):
        referral = _referral(mail_settings, reference)
        assert referral.emailed_at is not None and referral.email_attempts == 1
        assert referral.email_last_error is None
    assert deliver_pending(mail_settings) == 0  # nothing is sent twice
    assert len(smtp_server.messages) == 2


def test_smtp_down_keeps_it_pending_then_delivers_exactly_once(mail_settings, smtp_server, referrals_client,
                                                               referral_json):
    smtp_server.stop()
    reference = _store(mail_settings, referrals_client, referral_json(urgency="soon"))

    assert deliver_pending(mail_settings) == 0  # no exception
    referral = _referral(mail_settings, reference)
    assert referral.emailed_at is None and referral.email_attempts == 1
    assert referral.email_last_error and "Connection" in referral.email_last_error

    smtp_server.start()
    assert deliver_pending(mail_settings) == 1
    assert deliver_pending(mail_settings) == 0
    assert [m.message["Subject"] for m in smtp_server.messages] == [f"New SEND referral {reference}"]
    referral = _referral(mail_settings, reference)
    assert referral.emailed_at is not None and referral.email_attempts == 2
    assert referral.email_last_error is None


def test_a_refused_message_does_not_block_the_others(mail_settings, smtp_server, referrals_client,
                                                     referral_json):
    refused = _store(mail_settings, referrals_client, referral_json(
        created_at=(utcnow() - timedelta(minutes=5)).isoformat()))
    accepted = _store(mail_settings, referrals_client, referral_json())
    smtp_server.refuse = lambda message: refused in message["Subject"]

    assert deliver_pending(mail_settings) == 1
    assert [m.message["Subject"] for m in smtp_server.messages] == [f"New SEND referral {accepted}"]
    referral = _referral(mail_settings, refused)
    assert referral.emailed_at is None and referral.email_attempts == 1
    assert "554" in referral.email_last_error

    smtp_server.refuse = None
    assert deliver_pending(mail_settings) == 1
    assert len(smtp_server.messages) == 2


def test_delivery_loop_sends_new_referrals_until_stopped(mail_settings, smtp_server, referrals_client,
                                                         referral_json):
    stop = threading.Event()
    thread = threading.Thread(target=run_delivery_loop, args=(mail_settings, stop), daemon=True)
    thread.start()
    try:
        reference = _store(mail_settings, referrals_client, referral_json())
        for _ in range(200):
            if smtp_server.messages:
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert [m.message["Subject"] for m in smtp_server.messages] == [f"New SEND referral {reference}"]
