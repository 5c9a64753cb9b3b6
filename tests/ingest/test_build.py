"""Index builds: incremental re-embedding, atomic swap, bad input, and the build CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.build import build_index
from ingest.fetch import Fetcher
from ingest.loaders.text import load_text
from ingest.sources import iter_documents, parse_sources
from knowledge_base import index_io
from knowledge_base.retriever import Retriever
from tests.conftest import REPO_ROOT
from tests.ingest.conftest import Reply
from tests.ingest.documents import make_pdf

pytestmark = pytest.mark.slow

NAMES = {"testshire": "Testshire Council"}
TOPICS = {
    "transport.md": "# Home to school transport\n\n## Who can get free transport\n\n"
    + "Children aged 5 to 16 who live beyond walking distance of the nearest suitable school can get free transport. " * 12,
    "short-breaks.md": "# Short breaks\n\n## What short breaks are\n\n"
    + "Short breaks give disabled children time with friends and give parent carers a rest from caring. " * 12,
    "appeals.md": "# Appeals\n\n## How long you have to appeal\n\n"
    + "You can appeal to the SEND Tribunal within two months of the decision letter or one month after mediation. " * 12,
}


@pytest.fixture(scope="module")
def embedder():
    from knowledge_base.embedding import shared_embedder

    return shared_embedder()


def _documents(texts: dict[str, str]):
    return [
        load_text(text, source_id=name, council="testshire", doc_type="local_offer_page", path=name)
        for name, text in texts.items()
    ]


def _build(texts: dict[str, str], out: Path, embedder):
    return build_index(_documents(texts), out, council_names=NAMES, embedder=embedder, progress=False)


def test_unchanged_corpus_is_not_embedded_again(tmp_path: Path, embedder) -> None:
    first = _build(TOPICS, tmp_path, embedder)
    assert first.published and first.embedded == first.chunks > 0 and first.reused == 0
    again = _build(TOPICS, tmp_path, embedder)
    assert (again.embedded, again.windows_embedded, again.reused) == (0, 0, first.chunks)
    manifests = [json.loads((tmp_path / "versions" / v / "manifest.json").read_text())
                 for v in (first.version, again.version)]
    assert manifests[0]["corpus_hash"] == manifests[1]["corpus_hash"]
    assert manifests[1]["model"]["id"] == embedder.model_id


def test_changing_one_document_re_embeds_only_its_passages(tmp_path: Path, embedder) -> None:
    first = _build(TOPICS, tmp_path, embedder)
    changed = dict(TOPICS)
    changed["appeals.md"] = TOPICS["appeals.md"].replace("two months", "2 months")
    second = _build(changed, tmp_path, embedder)
    appeals_chunks = sum(1 for c in index_io.load(tmp_path).chunks if c.source_id == "appeals.md")
    assert second.embedded == appeals_chunks
    assert second.reused == first.chunks - appeals_chunks
    retriever = Retriever.open(tmp_path)
    result = retriever.search("how long do i have to appeal to tribunal", k=1)
    assert "2 months" in result.passages[0].text


def test_rebuild_swaps_atomically_and_an_open_reader_keeps_answering(tmp_path: Path, embedder) -> None:
    _build(TOPICS, tmp_path, embedder)
    reader = Retriever.open(tmp_path)
    old_version = reader.index.version
    extra = dict(TOPICS)
    extra["sendiass.md"] = "# SENDIASS\n\nFree, impartial and confidential advice for parents about SEND. " * 5
    summary = _build(extra, tmp_path, embedder)
    link = tmp_path / "current"
    assert link.is_symlink() and os.readlink(link) == f"versions/{summary.version}"
    assert summary.version != old_version
    # The reader opened before the swap still has its whole version, on disk and in memory.
    assert (tmp_path / "versions" / old_version / "manifest.json").is_file()
    assert reader.search("free transport to school", k=1).passages[0].citation.source_id == "transport.md"
    assert Retriever.open(tmp_path).search("impartial advice", k=1).passages[0].citation.source_id == "sendiass.md"
    assert not list((tmp_path / "versions").glob(".*.tmp"))


def test_old_versions_are_pruned_to_a_few(tmp_path: Path, embedder) -> None:
    for i in range(index_io.KEEP_VERSIONS + 2):
        _build({**TOPICS, "extra.md": f"# Extra\n\nVersion {i} of an extra page about swimming sessions."}, tmp_path, embedder)
    versions = [p for p in (tmp_path / "versions").iterdir() if not p.name.startswith(".")]
    assert len(versions) == index_io.KEEP_VERSIONS
    assert (tmp_path / "current").resolve() in [v.resolve() for v in versions]


def test_bad_sources_are_reported_by_name_and_the_rest_builds(tmp_path: Path, embedder, local_site) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "transport.md").write_text(TOPICS["transport.md"], encoding="utf-8")
    (folder / "broken.pdf").write_bytes(make_pdf([[]])[:200])  # truncated: not a readable PDF
    (folder / "empty.html").write_text("<html><body><nav>Menu</nav><script>x()</script></body></html>")
    local_site.routes["/gone"] = Reply(status=404)
    local_site.routes["/slow/services?page=1"] = Reply(body=b"{}", delay_s=2.0)
    local_site.routes["/bad/services?page=1"] = Reply(body=b"{not json", headers={"Content-Type": "application/json"})
    config = parse_sources({
        "council": {"id": "testshire", "name": "Testshire Council"},
        "sources": [
            {"path": "docs", "type": "local_offer_page"},
            {"url": local_site.url("/gone"), "type": "local_offer_page"},
            {"oruk": local_site.url("/slow"), "type": "service_record"},
            {"oruk": local_site.url("/bad"), "type": "service_record"},
        ],
    })
    out = tmp_path / "index"
    with Fetcher(timeout_s=0.5) as fetcher:
        summary = build_index(iter_documents(config, root=tmp_path, fetcher=fetcher), out,
                              council_names=NAMES, embedder=embedder, progress=False)
    failed = " ".join(f"{source} {reason}" for source, reason in summary.failures)
    for name in ("broken.pdf", "empty.html", "/gone", "/slow", "/bad"):
        assert name in failed, (name, summary.failures)
    assert "404" in failed and "timed out" in failed.lower()
    assert summary.published and summary.documents == 1
    rendered = summary.render()
    assert "broken.pdf" in rendered and "failures:  5" in rendered


def test_when_everything_fails_the_previous_index_stays_live(tmp_path: Path, embedder) -> None:
    _build(TOPICS, tmp_path, embedder)
    live = os.readlink(tmp_path / "current")
    failure = type("Failure", (), {"source": "transport.md", "reason": "HTTP 503"})()
    summary = build_index([failure], tmp_path, council_names=NAMES, embedder=embedder, progress=False)
    # The failed source had passages in the live version: they are carried forward.
    assert summary.carried_forward == ["transport.md"]
    assert {c.source_id for c in index_io.load(tmp_path).chunks} == {"transport.md"}
    nothing = build_index([type("Failure", (), {"source": "new.md", "reason": "missing"})()], tmp_path,
                          council_names=NAMES, embedder=embedder, progress=False)
    assert not nothing.published
    assert "nothing published" in nothing.render()
    assert os.readlink(tmp_path / "current") != live  # the carried-forward build went live...
    assert index_io.load(tmp_path).version == summary.version  # ...and the empty one did not


def test_a_missing_or_corrupt_index_names_the_problem_and_the_fix(tmp_path: Path, embedder) -> None:
    with pytest.raises(index_io.IndexUnavailable, match="make index"):
        index_io.load(tmp_path / "nowhere")
    _build(TOPICS, tmp_path, embedder)
    dense = tmp_path / "current" / "dense.faiss"
    dense.write_bytes(dense.read_bytes()[:100])
    with pytest.raises(index_io.IndexUnavailable, match="missing or truncated"):
        index_io.load(tmp_path)
    manifest = tmp_path / "current" / "manifest.json"
    manifest.write_text("{ broken")
    with pytest.raises(index_io.IndexUnavailable, match="manifest"):
        index_io.load(tmp_path)


def test_build_cli_prints_a_summary_and_exit_codes(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "appeals.md").write_text(TOPICS["appeals.md"], encoding="utf-8")
    sources = tmp_path / "sources.yml"
    sources.write_text("council: {id: testshire, name: Testshire Council}\n"
                       "sources:\n  - {path: docs, type: local_offer_page}\n  - {path: missing.pdf, type: oap_guidance}\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "ingest", "build", "--sources", str(sources), "--out", str(tmp_path / "ix"),
               "--root", str(tmp_path), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "documents: 1" in done.stdout and "missing.pdf" in done.stdout and "published version" in done.stdout
    sources.write_text("council: {id: testshire, name: Testshire}\nsources:\n  - {path: docs, type: leaflet}\n")
    bad = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=300, check=False)
    assert bad.returncode == 2 and "leaflet" in bad.stderr
