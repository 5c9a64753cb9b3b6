"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (seed documents, eval sets, third-party fixtures), which lives beside the repo.

    Missing on CI (CI=true) is a failure, since those tests would silently stop running;
    elsewhere the tests that need it are skipped with a note saying what is missing.
    """
    if SHARED_DIR.is_dir():
        return SHARED_DIR
    message = (
        f"{SHARED_DIR} is missing: it holds the seed documents, eval sets and third-party "
        "fixtures (HTML, ORUK JSON) these tests read"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
