"""`.env.example` documents the configuration: it must load, and name every setting there is."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

EXAMPLE = REPO_ROOT / ".env.example"


def _documented() -> dict[str, str]:
    names = {}
    for line in EXAMPLE.read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=(.*?)(\s+#.*)?$", line)
        if match:
            names[match.group(1)] = match.group(2)
    return names


def test_the_example_values_load(monkeypatch):
    from actions.settings import Settings as ActionSettings
    from gateway.settings import Settings

    for name, value in _documented().items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.rasa_url.count("http") == 2 and settings.allowed_origins[0] == "http://127.0.0.1:8000"
    assert ActionSettings.from_env().referral_url == "http://127.0.0.1:8000"


def test_every_gateway_setting_is_documented():
    from gateway.settings import Settings

    documented = set(_documented())
    internal = {"host", "council", "rasa_timeout_s", "max_message_chars", "max_body_bytes", "delivery_retry_s",
                "migrate_on_start", "background_jobs", "staff_lockout_failures", "staff_lockout_minutes",
                "index_path"}
    missing = []
    for name, field in Settings.model_fields.items():
        env = field.validation_alias if isinstance(field.validation_alias, str) else f"GATEWAY_{name.upper()}"
        if name not in internal and env not in documented and env != "LOCAL_OFFER_INDEX":
            missing.append(env)
    assert missing == [], f"settings missing from .env.example: {missing}"


def test_every_environment_variable_the_code_reads_is_documented():
    read = set()
    for folder in ("actions", "bot", "gateway", "knowledge_base", "ingest"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            read |= set(re.findall(r"environ(?:\.get)?\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", path.read_text()))
            read |= set(re.findall(r"env\.get\(\s*[\"']([A-Z][A-Z0-9_]+)[\"']", path.read_text()))
    tooling = {"CI", "PATH", "HOME", "PYTHONPATH", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "READY_TIMEOUT_S",
               "TOKENIZERS_PARALLELISM", "RASA_TELEMETRY_ENABLED", "OMP_NUM_THREADS"}
    missing = sorted(read - set(_documented()) - tooling)
    assert missing == [], f"environment variables read by the code but missing from .env.example: {missing}"
