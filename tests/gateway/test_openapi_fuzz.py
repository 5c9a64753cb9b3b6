"""schemathesis against the gateway's published OpenAPI schema: no input causes a server error.

The gateway talks to the real Rasa server and action server; the lookup routes run on the
sample council's index.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_schema(stack, sample_index, tmp_path_factory):
    from gateway.deps import settings_dep
    from gateway.main import create_app
    from gateway.settings import Settings

    db = tmp_path_factory.mktemp("fuzz") / "gateway.sqlite3"
    config = Settings(rasa_url=stack.rasa_url, action_server_url=stack.action_url,
                      LOCAL_OFFER_INDEX=sample_index, DATABASE_URL=f"sqlite:///{db}",
                      rate_limit_per_minute_session=100_000, rate_limit_per_minute_client=100_000,
                      background_jobs=False)
    app = create_app(config)
    app.dependency_overrides[settings_dep] = lambda: config
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_openapi_schema_is_published(api_schema):
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/chat", "/api/search", "/api/glossary", "/api/glossary/{term}", "/healthz", "/readyz"} <= paths


def test_no_server_errors(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case):
            case.call_and_validate(checks=[not_a_server_error])

        no_server_error()
