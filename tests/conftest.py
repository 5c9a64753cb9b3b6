"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.stack_fixtures"]  # the real Rasa server and action server (tests/bot, tests/gateway)

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


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.build import build_index
    from ingest.fetch import Fetcher
    from ingest.sources import iter_documents, load_sources
    from knowledge_base.embedding import shared_embedder
    from knowledge_base.sample_council import make_documents

    assert make_documents.main([]) == 0  # the council's PDF and DOCX, from their sources
    config = load_sources(REPO_ROOT / "knowledge_base" / "sources.yml")
    out = tmp_path_factory.mktemp("sample-index")
    with Fetcher() as fetcher:
        summary = build_index(iter_documents(config, root=REPO_ROOT, fetcher=fetcher), out,
                              council_names={config.council.id: config.council.name},
                              embedder=shared_embedder(), progress=False)
    assert summary.published and not summary.failures, summary.render()
    return out


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index whose one council page quotes script, markup and prompt-style instructions
    and hides stuffed keywords (tests/hostile_documents.py), beside two ordinary pages."""
    from ingest.build import build_index
    from knowledge_base.embedding import shared_embedder
    from tests.hostile_documents import COUNCIL, COUNCIL_NAME, hostile_documents

    out = tmp_path_factory.mktemp("hostile-index")
    summary = build_index(hostile_documents(), out, council_names={COUNCIL: COUNCIL_NAME},
                          embedder=shared_embedder(), progress=False)
    assert summary.published and not summary.failures, summary.render()
    return out


@pytest.fixture(scope="session")
def sample_retriever(sample_index: Path):
    from knowledge_base.retriever import Retriever

    return Retriever.open(sample_index)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis server's URL (`TEST_REDIS_URL`, default redis://127.0.0.1:6379/15), or a skip
    (a failure under CI=true) saying what to install."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        message = (f"Redis is not reachable at {url} ({exc}). Install and start Redis 6+ "
                   "(Debian/Ubuntu: apt-get install redis-server && redis-server --daemonize yes), "
                   "or point TEST_REDIS_URL at a server whose database may be written to.")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url
