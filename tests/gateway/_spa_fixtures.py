"""Fixtures for the SPA staff pages (loaded by test_spa.py through `pytest_plugins`): a temporary SQLite database, a minimal app with only the SPA router,
cheap argon2 parameters, and helpers to add staff, referrals and content gaps and to sign in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import Base, engine_for, session_factory
from gateway.deps import settings_dep
from gateway.models import AuditEntry, ContentGap, Referral, StaffUser, utcnow
from gateway.settings import Settings
from gateway.spa import auth
from gateway.spa.routes import router

PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class SpaEnv:
    settings: Settings
    client: TestClient
    app: FastAPI
    password: str = PASSWORD  # add_staff's default password

    def db(self) -> Session:
        return session_factory(self.settings.database_url)()

    def add_staff(self, email: str = "jo@council.example", password: str = PASSWORD, name: str = "Jo Bloggs",
                  **fields) -> int:
        with self.db() as db:
            user = StaffUser(email=email, name=name, password_hash=auth.hash_password(password), **fields)
            db.add(user)
            db.commit()
            return user.id

    def add_referral(self, reference: str = "SPA-2345-ABCD", *, received_at: datetime | None = None,
                     **fields) -> int:
        received_at = received_at or utcnow()
        values = {
            "reference": reference, "council": "brackenmoor", "parent_name": "Sam Parent",
            "contact_method": "email", "contact_value": "sam@example.org", "child_age": "7",
            "school_setting": "Hilltop Primary",
            "concern_summary": "My son is struggling with reading and the school has not assessed him.",
            "urgency": "routine", "status": "new", "source": "assistant",
            "consent": {"given": True, "wording": "I agree to share.", "at": "2025-03-01T10:00:00+00:00",
                        "conversation_id": "abc123"},
            "transcript": [{"speaker": "parent", "text": "hello"},
                           {"speaker": "assistant", "text": "Hi there"}],
            "created_at": received_at, "received_at": received_at, "updated_at": received_at,
        }
        values.update(fields)
        with self.db() as db:
            referral = Referral(**values)
            db.add(referral)
            db.commit()
            return referral.id

    def add_gap(self, question: str, kind: str = "not_in_documents", days_ago: float = 1) -> None:
        with self.db() as db:
            db.add(ContentGap(council="brackenmoor", kind=kind, question=question,
                              created_at=utcnow() - timedelta(days=days_ago)))
            db.commit()

    def audit(self, action: str | None = None) -> list[AuditEntry]:
        with self.db() as db:
            query = select(AuditEntry).order_by(AuditEntry.id)
            if action:
                query = query.where(AuditEntry.action == action)
            return list(db.scalars(query))

    def csrf(self, path: str = "/spa/sign-in") -> str:
        response = self.client.get(path)
        match = CSRF_FIELD.search(response.text)
        assert match, f"no CSRF field on {path}"
        return match.group(1)

    def sign_in(self, email: str = "jo@council.example", password: str = PASSWORD, **extra):
        token = self.csrf("/spa/sign-in")
        return self.client.post("/spa/sign-in", data={"email": email, "password": password, "csrf_token": token,
                                                      **extra})


def make_settings(tmp_path, **overrides) -> Settings:
    values = {"database_url": f"sqlite:///{tmp_path / 'spa.sqlite3'}", "staff_lockout_failures": 3,
              "staff_lockout_minutes": 15, "session_secret": "test-only-session-secret-0123456789"}
    values.update(overrides)
    return Settings(**values)


def make_env(settings: Settings) -> SpaEnv:
    Base.metadata.create_all(engine_for(settings.database_url))
    app = FastAPI()
    app.include_router(router)
    app.dependency_overrides[settings_dep] = lambda: settings
    base_url = "https://testserver" if settings.env == "production" else "http://testserver"  # Secure cookie
    client = TestClient(app, base_url=base_url, follow_redirects=False)
    return SpaEnv(settings=settings, client=client, app=app)


@pytest.fixture(autouse=True)
def cheap_argon2() -> Iterator[None]:
    """argon2-cffi's defaults take ~50 ms and 64 MiB per hash; tests use the smallest parameters."""
    previous = auth.password_hasher()
    auth.set_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    auth.set_password_hasher(previous)


@pytest.fixture
def spa_factory(tmp_path) -> Iterator[Callable[..., SpaEnv]]:
    """make(**settings) -> a SpaEnv over its own database (enter `env.client` to start the app)."""
    made: list[SpaEnv] = []

    def make(**overrides) -> SpaEnv:
        folder = tmp_path / f"spa{len(made)}"
        folder.mkdir()
        made.append(make_env(make_settings(folder, **overrides)))
        return made[-1]

    yield make
    for env in made:
        engine_for(env.settings.database_url).dispose()


@pytest.fixture
def spa(spa_factory) -> Iterator[SpaEnv]:
    env = spa_factory()
    with env.client:
        yield env


@pytest.fixture
def signed_in(spa: SpaEnv) -> SpaEnv:
    spa.add_staff()
    response = spa.sign_in()
    assert response.status_code == 303, response.text
    return spa
