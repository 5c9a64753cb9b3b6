"""Action-level fixtures: the sample council's answerer over a freshly built index."""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="session")
def council():
    from actions.council import load_council

    return load_council(REPO_ROOT / "knowledge_base/sample_council/contacts.yml")


@pytest.fixture(scope="session")
def answerer(sample_retriever, council):
    from actions.answer import Answerer
    from actions.glossary import Glossary

    return Answerer(sample_retriever, council, Glossary.load())
