"""/api/search over an index built from a page that quotes script and markup as text: the
passages come back as the same plain text in JSON, never as HTML a browser would run."""

from __future__ import annotations

import pytest

from tests.gateway.conftest import offline_gateway
from tests.hostile_documents import (
    IMG_PAYLOAD,
    PAGE_URL,
    SCRIPT_PAYLOAD,
    SECTION,
    TITLE,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lookup_client(hostile_index, tmp_path_factory):
    database = tmp_path_factory.mktemp("hostile-gateway") / "gateway.sqlite3"
    with offline_gateway(hostile_index, f"sqlite:///{database}") as client:
        yield client


def test_search_returns_quoted_markup_as_plain_json_text(lookup_client):
    response = lookup_client.get("/api/search", params={"q": "summer short breaks coding club", "k": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"  # never sniffed as a page
    top = response.json()["results"][0]
    assert SCRIPT_PAYLOAD in top["text"] and IMG_PAYLOAD in top["text"]  # not escaped, not stripped
    assert "&lt;" not in response.text
    source = top["source"]
    assert (source["title"], source["section"], source["url"]) == (TITLE, SECTION, PAGE_URL)

