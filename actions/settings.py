"""Action-server settings, from environment variables only (documented in README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    index_path: Path
    contacts_path: Path
    council: str | None  # the deployment's council id; None: one from the index, or ask
    referral_url: str | None  # the referral service (gateway); None: stored in the local outbox only
    referral_secret: str
    outbox_path: Path
    answer_sentences: int = 3
    max_message_chars: int = 2000

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            index_path=Path(env.get("LOCAL_OFFER_INDEX", REPO_ROOT / "var/index/sample_council")),
            contacts_path=Path(
                env.get("LOCAL_OFFER_CONTACTS", REPO_ROOT / "knowledge_base/sample_council/contacts.yml")
            ),
            council=env.get("LOCAL_OFFER_COUNCIL") or None,
            referral_url=env.get("REFERRAL_SERVICE_URL") or None,
            referral_secret=env.get("REFERRAL_SERVICE_SECRET", "development-only-secret"),
            outbox_path=Path(env.get("REFERRAL_OUTBOX", REPO_ROOT / "var/referrals/outbox.sqlite3")),
        )

    def production_problems(self) -> list[str]:
        """What production mode (GATEWAY_ENV or LOCAL_OFFER_ENV = production) refuses."""
        problems = []
        if "development" in self.referral_secret or len(self.referral_secret) < 24:
            problems.append("REFERRAL_SERVICE_SECRET must be a real secret of 24 or more characters")
        if not self.referral_url:
            problems.append("REFERRAL_SERVICE_URL must name the gateway, or referrals never reach the SPA")
        return problems


def production_mode() -> bool:
    return "production" in (os.environ.get("GATEWAY_ENV"), os.environ.get("LOCAL_OFFER_ENV"))
