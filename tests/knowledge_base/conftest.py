"""One sample-council index per test session, built through the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


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
def sample_retriever(sample_index: Path):
    from knowledge_base.retriever import Retriever

    return Retriever.open(sample_index)
