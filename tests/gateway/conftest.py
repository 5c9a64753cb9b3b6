"""Fixtures for the gateway's tests: real databases (SQLite and PostgreSQL), a real SMTP server,
and a minimal app holding only the router under test.

PostgreSQL: `TEST_POSTGRES_URL` (default postgresql://postgres@127.0.0.1:5432/test, trust auth).
Each test gets a freshly created database, named uniquely, dropped afterwards. When PostgreSQL
cannot be reached those tests skip with what to install or start; under CI=true they fail.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TEST_SECRET = "test-referral-secret-0123456789abcdef"


# ----- databases --------------------------------------------------------------------------------

@contextmanager
def offline_gateway(index: Path, database_url: str, **overrides):
    """The whole gateway app in-process on `index`, with Rasa and the action server unreachable
    (port 9, discard): a TestClient for what the gateway does on its own."""
    from fastapi.testclient import TestClient

    from gateway.main import create_app
    from gateway.settings import Settings

    settings = Settings(rasa_url="http://127.0.0.1:9", action_server_url="http://127.0.0.1:9",
                        LOCAL_OFFER_INDEX=index, DATABASE_URL=database_url, background_jobs=False)
    with TestClient(create_app(settings.model_copy(update=overrides))) as client:
        yield client


def _postgres_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """A URL to the server's `postgres` database, or a skip (a failure on CI) saying what to do."""
    import psycopg

    admin = _with_database(_postgres_url(), "postgres")
    try:
        with psycopg.connect(admin, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        message = (
            f"PostgreSQL is not reachable at {_postgres_url()} ({str(exc).strip().splitlines()[0]}). "
            "Install PostgreSQL 15+ and start it with trust auth for user postgres "
            "(Debian/Ubuntu: apt-get install postgresql && "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), "
            "or point TEST_POSTGRES_URL at a server where you may create databases."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return admin


def _forget_engines(url: str) -> None:
    from gateway.db import engine_for, session_factory

    engine_for(url).dispose()
    engine_for.cache_clear()
    session_factory.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
        yield url
        _forget_engines(url)
        return

    import psycopg
    from psycopg import sql

    admin = request.getfixturevalue("postgres_admin_url")
    name = f"gateway_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(_postgres_url(), name)
    try:
        yield url
    finally:
        _forget_engines(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """`database_url` with every migration applied."""
    from gateway.db import upgrade_to_head

    upgrade_to_head(database_url)
    return database_url


@pytest.fixture
def gateway_settings(migrated_url: str):
    """The gateway's settings on the migrated test database, with a known referral secret."""
    from gateway.settings import Settings

    return Settings().model_copy(update={
        "database_url": migrated_url,
        "referral_secret": TEST_SECRET,
        "spa_mailbox": "spa@brackenmoor.example",
        "mail_from": "assistant@brackenmoor.example",
        "smtp_host": "127.0.0.1",
        "smtp_username": None,
        "smtp_password": None,
        "smtp_starttls": False,
        "retention_days": 90,
        "delivery_retry_s": 0.05,
    })


# ----- referrals --------------------------------------------------------------------------------

@pytest.fixture
def referral_json() -> Callable[..., dict]:
    """A referral as the action server posts it (`actions.referral.Referral.to_json()`)."""
    from actions.referral import CONSENT_WORDING, Referral, new_reference

    def make(**overrides) -> dict:
        body = Referral(
            council="brackenmoor",
            parent_name="Sam Taylor",
            contact_method="email",
            contact_value="sam.taylor@example.com",
            child_age="7 (Year 2)",
            school_setting="Moorside Primary",
            concern_summary="My son is struggling with reading and the school says he needs more support.",
            urgency="routine",
            consent={"given": True, "wording": CONSENT_WORDING,
                     "at": datetime.now(UTC).isoformat(timespec="seconds"), "conversation_id": "conv-123"},
            transcript=[{"speaker": "parent", "text": "my son can't read yet"},
                        {"speaker": "assistant", "text": "I can pass this to the SPA team."}],
            reference=new_reference(),
        ).to_json()
        body.update(overrides)
        return body

    return make


@pytest.fixture
def referrals_client(gateway_settings):
    """A TestClient on an app holding only the referrals router, with the test settings."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from gateway.api.routes.referrals import router
    from gateway.deps import settings_dep

    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[settings_dep] = lambda: gateway_settings
    with TestClient(app, raise_server_exceptions=False) as client:
        client.headers["Authorization"] = f"Bearer {TEST_SECRET}"
        yield client


# ----- SMTP -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class SmtpRecorder:
    """A real SMTP server (aiosmtpd) on a loopback port that keeps every message it accepts.

    `stop()` and `start()` take it down and bring it back on the same port; `refuse` (a
    predicate on the message) makes it answer 554 to the messages it matches.
    """

    def __init__(self, port: int) -> None:
        self.host = "127.0.0.1"
        self.port = port
        self.messages: list[ReceivedMail] = []
        self.refuse: Callable[[EmailMessage], bool] | None = None
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's hook name
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        if self.refuse is not None and self.refuse(message):
            return "554 Transaction failed: refused by the test"
        self.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        if self._controller is None:
            self._controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=10)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpRecorder]:
    server = SmtpRecorder(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(gateway_settings, smtp_server: SmtpRecorder):
    """`gateway_settings` pointing at the test SMTP server."""
    return gateway_settings.model_copy(update={"smtp_host": smtp_server.host, "smtp_port": smtp_server.port})
