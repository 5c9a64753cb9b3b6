"""The referral store: migrations on SQLite and PostgreSQL, and POST /api/referrals."""

from __future__ import annotations

import json

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from gateway.db import MIGRATIONS, Base, engine_for, normalise_url, session_scope
from gateway.models import AuditEntry, Referral
from tests.gateway.conftest import TEST_SECRET

TABLES = {"referrals", "staff_users", "referral_notes", "audit_entries", "content_gaps"}


def _alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def _rows(url: str, model) -> list:
    with session_scope(url) as session:
        return list(session.scalars(select(model).order_by(model.id)))


def _count(url: str, model) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.count()).select_from(model))


# ----- migrations -------------------------------------------------------------------------------

def test_upgrade_creates_exactly_the_models_tables_and_downgrade_removes_them(database_url):
    import gateway.models  # noqa: F401

    command.upgrade(_alembic(database_url), "head")
    engine = engine_for(database_url)
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        head = ScriptDirectory.from_config(_alembic(database_url)).get_current_head()
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []  # columns, types, indexes, keys

    command.downgrade(_alembic(database_url), "base")
    engine.dispose()
    assert not TABLES & set(inspect(engine).get_table_names())
    command.upgrade(_alembic(database_url), "head")  # and back again
    engine.dispose()
    assert TABLES <= set(inspect(engine).get_table_names())


# ----- authentication ---------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [None, "Bearer wrong-secret", f"Basic {TEST_SECRET}",
                                           f"Bearer {TEST_SECRET}x", "Bearer "])
def test_missing_or_wrong_secret_is_401_and_nothing_is_stored(referrals_client, gateway_settings,
                                                             referral_json, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    if authorization is None:
        referrals_client.headers.pop("Authorization")
    response = referrals_client.post("/api/referrals", json=referral_json(), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert set(response.json()) == {"detail"} and "secret" in response.json()["detail"]
    assert _count(gateway_settings.database_url, Referral) == 0
    assert _count(gateway_settings.database_url, AuditEntry) == 0


def test_secret_is_checked_before_the_body(referrals_client):
    referrals_client.headers.pop("Authorization")
    response = referrals_client.post("/api/referrals", content=b"{not json",
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 401


# ----- storing ----------------------------------------------------------------------------------

def test_valid_referral_is_stored_with_an_audit_entry(referrals_client, gateway_settings, referral_json):
    body = referral_json(urgency="urgent", contact_method="phone", contact_value="07700 900123",
                         created_at="2026-11-20T09:30:00+01:00")
    response = referrals_client.post("/api/referrals", json=body)
    assert response.status_code == 201, response.text
    assert response.json() == {"reference": body["reference"], "created_at": "2026-11-20T08:30:00Z",
                               "status": "new"}

    url = gateway_settings.database_url
    [referral] = _rows(url, Referral)
    assert referral.reference == body["reference"]
    assert (referral.parent_name, referral.contact_method, referral.contact_value) == (
        "Sam Taylor", "phone", "07700 900123")
    assert (referral.child_age, referral.school_setting, referral.urgency) == (
        "7 (Year 2)", "Moorside Primary", "urgent")
    assert referral.concern_summary == body["concern_summary"]
    assert referral.consent["given"] is True and referral.consent["conversation_id"] == "conv-123"
    assert referral.transcript == body["transcript"]
    assert referral.status == "new" and referral.source == "assistant"
    assert referral.emailed_at is None and referral.email_attempts == 0
    assert referral.created_at.replace(tzinfo=None).isoformat() == "2026-11-20T08:30:00"  # kept in UTC

    [audit] = _rows(url, AuditEntry)
    assert (audit.actor, audit.action, audit.referral_id) == ("assistant", "referral_received", referral.id)
    assert "Sam" not in json.dumps(audit.detail) and "07700" not in json.dumps(audit.detail)


def test_transcript_is_stored_only_with_consent(referrals_client, gateway_settings, referral_json):
    body = referral_json()
    body["consent"]["given"] = False
    assert referrals_client.post("/api/referrals", json=body).status_code == 201
    [referral] = _rows(gateway_settings.database_url, Referral)
    assert referral.transcript is None


def test_repeated_reference_is_409_and_still_one_row(referrals_client, gateway_settings, referral_json):
    body = referral_json()
    assert referrals_client.post("/api/referrals", json=body).status_code == 201
    again = referrals_client.post("/api/referrals", json={**body, "parent_name": "Someone Else"})
    assert again.status_code == 409
    assert again.json()["reference"] == body["reference"]
    assert again.json()["status"] == "new" and again.json()["detail"]
    [referral] = _rows(gateway_settings.database_url, Referral)
    assert referral.parent_name == "Sam Taylor"  # the first one stands
    assert _count(gateway_settings.database_url, AuditEntry) == 1


def test_the_action_servers_client_delivers_and_retries_count_as_delivered(referrals_client, referral_json,
                                                                          gateway_settings, tmp_path,
                                                                          monkeypatch):
    """actions/referral.py's ReferralClient against the real route (its httpx calls go to the app)."""
    import httpx

    from actions.referral import Referral as OutgoingReferral
    from actions.referral import ReferralClient, ReferralOutbox

    def post(url, json, headers, timeout):
        assert url == "http://gateway.test/api/referrals"
        return referrals_client.post("/api/referrals", json=json, headers=headers)

    monkeypatch.setattr(httpx, "post", post)
    outbox = ReferralOutbox(tmp_path / "outbox.sqlite3")
    client = ReferralClient(outbox, "http://gateway.test/", TEST_SECRET)
    fields = {k: v for k, v in referral_json().items() if k not in ("reference", "created_at")}
    result = client.submit(OutgoingReferral(**fields))
    assert result.delivered
    outbox.mark(result.reference, delivered=False)  # as if the reply had been lost
    assert client.deliver_pending() == 1  # 409: delivered
    assert [r.reference for r in _rows(gateway_settings.database_url, Referral)] == [result.reference]


# ----- invalid bodies: 4xx with a readable message, never 500 -----------------------------------

def _assert_readable_4xx(response, *words: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    for word in words:
        assert word in detail, detail
    assert len(response.content) < 5000  # the input is not echoed back


@pytest.mark.parametrize(("change", "words"), [
    (lambda b: b.pop("concern_summary"), ["concern_summary", "required"]),
    (lambda b: b.pop("consent"), ["consent"]),
    (lambda b: b.update(concern_summary="x" * 100_000), ["concern_summary", "4000"]),
    (lambda b: b.update(urgency="whenever"), ["urgency", "urgent"]),
    (lambda b: b.update(contact_method="pigeon"), ["contact_method", "phone"]),
    (lambda b: b.update(contact_method="email", contact_value="07700 900123"), ["e-mail"]),
    (lambda b: b.update(reference="ABC"), ["reference"]),
    (lambda b: b.update(created_at="yesterday"), ["created_at"]),
    (lambda b: b.update(created_at="2999-01-01T00:00:00+00:00"), ["future"]),
    (lambda b: b.update(transcript=[{"speaker": "parent", "text": "y" * 5000}]), ["transcript.0.text"]),
    (lambda b: b.update(transcript="not a list"), ["transcript"]),
    (lambda b: b.update(parent_name=None), ["parent_name"]),
], ids=["missing-field", "missing-consent", "summary-100kB", "urgency", "contact-method", "email-value",
        "reference", "created-at", "future", "transcript-line", "transcript-type", "null-name"])
def test_invalid_referral_is_422_with_a_readable_message(referrals_client, gateway_settings, referral_json,
                                                         change, words):
    body = referral_json()
    change(body)
    response = referrals_client.post("/api/referrals", json=body)
    assert response.status_code == 422
    _assert_readable_4xx(response, *words)
    assert response.json()["errors"] and all("message" in e for e in response.json()["errors"])
    assert _count(gateway_settings.database_url, Referral) == 0


@pytest.mark.parametrize(("content", "content_type", "words"), [
    (b'{"reference": "SPA-2345-6789",', "application/json", ["not valid JSON"]),
    (b"", "application/json", ["missing"]),
    (b"[1, 2, 3]", "application/json", ["JSON object"]),
    (b"reference=SPA-2345-6789", "application/x-www-form-urlencoded", ["JSON object"]),
    ("\ud800".encode("utf-8", "surrogatepass"), "application/json", []),
])
def test_malformed_body_is_4xx_with_a_readable_message(referrals_client, content, content_type, words):
    response = referrals_client.post("/api/referrals", content=content, headers={"Content-Type": content_type})
    _assert_readable_4xx(response, *words)


def _chunks(data: bytes, size: int = 65536):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_body_over_the_limit_is_413_with_or_without_a_content_length(referrals_client, referral_json,
                                                                     gateway_settings):
    json_type = {"Content-Type": "application/json"}
    huge = json.dumps(referral_json(concern_summary="x" * 1_100_000)).encode()
    for content in (huge, _chunks(huge)):  # a generator is sent chunked, without Content-Length
        response = referrals_client.post("/api/referrals", content=content, headers=json_type)
        assert response.status_code == 413
        _assert_readable_4xx(response, "too large")
    assert _count(gateway_settings.database_url, Referral) == 0

    fine = json.dumps(referral_json()).encode()
    response = referrals_client.post("/api/referrals", content=_chunks(fine, 100), headers=json_type)
    assert response.status_code == 201, response.text
