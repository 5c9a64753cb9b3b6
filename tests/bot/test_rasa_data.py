"""The training data validates with no warnings, and the test stories pass (`rasa test`)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import REPO_ROOT
from tests.stack_fixtures import require_model

RASA = REPO_ROOT / ".venv-rasa/bin/rasa"


def _rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run([str(RASA), *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_rasa_data_validate_with_no_warnings():
    require_model()
    result = _rasa("data", "validate", "--config", "config.yml", "--domain", "bot/domain.yml",
                   "--data", "bot/data", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_test_stories_pass(tmp_path):
    model = require_model()
    stories = sorted((REPO_ROOT / "bot/tests").glob("*.yml"))
    count = sum(path.read_text().count("- story:") for path in stories)
    assert count >= 30, f"only {count} test stories"
    result = _rasa("test", "core", "--model", str(model), "--stories", "bot/tests", "--out", str(tmp_path),
                   "--fail-on-prediction-errors")
    failed = (tmp_path / "failed_test_stories.yml")
    detail = failed.read_text() if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, detail
