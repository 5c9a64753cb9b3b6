"""Gateway settings: environment variables only (prefix GATEWAY_ unless named otherwise).

Production mode (`GATEWAY_ENV=production`) refuses to start with placeholder secrets.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    env: str = "development"  # development | production
    host: str = "127.0.0.1"
    port: int = 8000
    council: str = "brackenmoor"

    # upstreams
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    rasa_timeout_s: float = 20.0
    index_path: Path = Field(default=REPO_ROOT / "var/index/sample_council", validation_alias="LOCAL_OFFER_INDEX")
    contacts_path: Path = Field(default=REPO_ROOT / "knowledge_base/sample_council/contacts.yml",
                                validation_alias="LOCAL_OFFER_CONTACTS")

    # storage
    database_url: str = Field(default=f"sqlite:///{REPO_ROOT / 'var/gateway/gateway.sqlite3'}",
                              validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    # Rasa's SQL tracker store, for deleting a conversation on request and for retention
    tracker_database_url: str | None = Field(default=None, validation_alias="TRACKER_DATABASE_URL")

    # secrets
    referral_secret: str = Field(default="development-only-secret", validation_alias="REFERRAL_SERVICE_SECRET")
    session_secret: str = "development-only-session-secret"

    # limits and safety
    max_message_chars: int = 2000
    max_body_bytes: int = 64_000
    rate_limit_per_minute_session: int = 30
    rate_limit_per_minute_client: int = 120
    allowed_origins: list[str] = ["http://127.0.0.1:8000", "http://localhost:8000"]
    frame_ancestors: list[str] = ["'self'"]

    # referral delivery (SMTP) and retention
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    spa_mailbox: str = "spa@brackenmoor.example"
    mail_from: str = "local-offer-assistant@brackenmoor.example"
    delivery_retry_s: float = 30.0
    retention_days: int = 90
    migrate_on_start: bool = True  # apply Alembic migrations when the gateway starts
    background_jobs: bool = True  # the referral e-mail outbox and the retention job
    staff_lockout_failures: int = 5
    staff_lockout_minutes: int = 15

    @model_validator(mode="after")
    def refuse_placeholder_secrets(self) -> Settings:
        if self.env == "production":
            for name in ("referral_secret", "session_secret"):
                value = getattr(self, name)
                if not value or "development" in value or PLACEHOLDER in value or len(value) < 24:
                    raise ValueError(f"{name} must be set to a real secret (24+ characters) in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
