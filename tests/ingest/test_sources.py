from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.fetch import Fetcher
from ingest.model import LoadedDocument
from ingest.sources import (
    LoadFailure,
    SourcesConfig,
    SourcesConfigError,
    iter_documents,
    load_sources,
    parse_sources,
)
from tests.conftest import REPO_ROOT
from tests.ingest.conftest import LocalSite, Reply
from tests.ingest.documents import PdfHeading, PdfParagraph, make_docx, make_pdf

COUNCIL = {"id": "brackenmoor", "name": "Brackenmoor Borough Council"}
WORD_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page(
    title: str, *, canonical: str | None = None, body: str = "<p>Some help for families.</p>"
) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<html><head>{link}</head><body><main><h1>{title}</h1>{body}</main></body></html>".encode()
    )


def service(service_id: str, name: str, **fields: Any) -> dict[str, Any]:
    return {"id": service_id, "name": name, "description": f"{name} helps families.", **fields}


def write(root: Path, relative: str, content: bytes | str) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode() if isinstance(content, str) else content)


def config(*sources: dict[str, Any], council: dict[str, Any] = COUNCIL) -> SourcesConfig:
    return parse_sources({"council": council, "sources": list(sources)})


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(timeout_s=0.5) as fetcher:
        yield fetcher


def run(
    sources: SourcesConfig, root: Path, fetcher: Fetcher
) -> tuple[dict[str, LoadedDocument], list[LoadFailure]]:
    results = list(iter_documents(sources, root=root, fetcher=fetcher))
    documents = {r.source_id: r for r in results if isinstance(r, LoadedDocument)}
    failures = [r for r in results if isinstance(r, LoadFailure)]
    assert len(documents) + len(failures) == len(results)  # no duplicate source ids
    return documents, failures


# Parsing and validation


def test_schema_example_parses() -> None:
    parsed = parse_sources(
        {
            "council": {**COUNCIL, "base_url": "https://localoffer.brackenmoor.example/files/"},
            "sources": [
                {"path": "knowledge_base/sample_council/pages", "type": "local_offer_page"},
                {
                    "path": "knowledge_base/sample_council/generated/oap-guidance.pdf",
                    "type": "oap_guidance",
                    "url": "https://localoffer.brackenmoor.example/send/documents/oap-guidance.pdf",
                },
                {"url": "https://example.org/some-page", "type": "local_offer_page"},
                {"sitemap": "https://example.org/sitemap.xml", "type": "local_offer_page"},
                {
                    "oruk": "http://127.0.0.1:8765/api",
                    "type": "service_record",
                    "council": "other-council",
                },
            ],
        }
    )

    assert [entry.location for entry in parsed.sources] == [
        "knowledge_base/sample_council/pages",
        "knowledge_base/sample_council/generated/oap-guidance.pdf",
        "https://example.org/some-page",
        "https://example.org/sitemap.xml",
        "http://127.0.0.1:8765/api",
    ]
    assert parsed.sources[4].council == "other-council"


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (
            [{"path": "a.html", "type": "leaflet"}],
            r"sources\[0\] \(path: a.html\).type: unknown document type 'leaflet'",
        ),
        (
            [{"path": "a.html", "oruk": "http://x.example/api", "type": "service_record"}],
            r"sources\[0\] \(path: a.html\): give exactly one of .* \(got path, oruk\)",
        ),
        ([{"type": "toolkit"}], r"sources\[0\]: give exactly one of"),
        (
            [{"paht": "a.html", "type": "toolkit"}],
            r"sources\[0\].paht: Extra inputs are not permitted",
        ),
        (
            [{"oruk": "http://x.example/api", "type": "local_offer_page"}],
            "type must be service_record",
        ),
        ([{"url": "ftp://x.example/a", "type": "toolkit"}], "not an http"),
        ([], "sources: List should have at least 1 item"),
    ],
)
def test_invalid_entries_are_named(sources: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(SourcesConfigError, match=message):
        parse_sources({"council": COUNCIL, "sources": sources}, origin="sources.yml")


def test_invalid_council_is_named() -> None:
    with pytest.raises(
        SourcesConfigError, match=r"sources.yml: council.id: String should match pattern"
    ):
        parse_sources(
            {
                "council": {"id": "Bad Id", "name": "x"},
                "sources": [{"path": "a", "type": "toolkit"}],
            },
            origin="sources.yml",
        )


def test_yaml_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "sources.yml"
    broken.write_text("council: [unclosed\n")

    with pytest.raises(SourcesConfigError, match="sources.yml: not valid YAML"):
        load_sources(broken)
    with pytest.raises(SourcesConfigError, match="cannot read"):
        load_sources(tmp_path / "missing.yml")


def test_the_sample_councils_sources_file_is_valid() -> None:
    sources = load_sources(REPO_ROOT / "knowledge_base/sources.yml")

    assert sources.council.id == "brackenmoor"
    assert {entry.type for entry in sources.sources} == {
        "local_offer_page",
        "oap_guidance",
        "toolkit",
        "policy_position",
        "service_record",
    }


# Local files


def test_folder_walk_loads_by_extension_and_skips_private_files(
    tmp_path: Path, fetcher: Fetcher
) -> None:
    write(
        tmp_path,
        "kb/pages/sen-support.html",
        page("SEN support", canonical="https://lo.example/send/sen-support"),
    )
    write(tmp_path, "kb/pages/more/short-breaks.htm", page("Short breaks"))
    write(tmp_path, "kb/pages/_TEMPLATE.html", page("Template"))
    write(tmp_path, "kb/pages/_drafts/draft.html", page("Draft"))
    write(tmp_path, "kb/pages/.hidden.html", page("Hidden"))
    write(tmp_path, "kb/pages/logo.png", b"\x89PNG")
    write(tmp_path, "kb/pages/notes.md", "# Notes\n\nLast updated: 1 May 2026\n")
    write(tmp_path, "kb/pages/leaflet.txt", "SENDIASS leaflet\nCall us.\n")
    write(
        tmp_path,
        "kb/pages/guide.pdf",
        make_pdf([[PdfHeading("Guide", 0), PdfParagraph("Guidance text.")]]),
    )
    write(
        tmp_path,
        "kb/pages/toolkit.docx",
        make_docx([("Title", "Toolkit"), ("Normal", "Toolkit text.")]),
    )

    documents, failures = run(
        config({"path": "kb/pages", "type": "local_offer_page"}), tmp_path, fetcher
    )

    assert failures == []
    assert list(documents) == [
        "kb/pages/guide.pdf",
        "kb/pages/leaflet.txt",
        "kb/pages/more/short-breaks.htm",
        "kb/pages/notes.md",
        "kb/pages/sen-support.html",
        "kb/pages/toolkit.docx",
    ]
    sen_support = documents["kb/pages/sen-support.html"]
    assert (sen_support.path, sen_support.url) == (
        "kb/pages/sen-support.html",
        "https://lo.example/send/sen-support",
    )
    assert {d.council for d in documents.values()} == {"brackenmoor"}
    assert {d.doc_type for d in documents.values()} == {"local_offer_page"}
    assert documents["kb/pages/more/short-breaks.htm"].url is None  # no canonical link, no base_url


def test_citation_links_for_single_files_and_base_url(tmp_path: Path, fetcher: Fetcher) -> None:
    write(
        tmp_path, "kb/generated/oap.pdf", make_pdf([[PdfParagraph("Every school should adjust.")]])
    )
    write(tmp_path, "kb/src/policy.md", "# Policy\n\nText.\n")
    write(tmp_path, "kb/docs/sub/leaflet.txt", "Leaflet\n")
    sources = config(
        {
            "path": "kb/generated/oap.pdf",
            "type": "oap_guidance",
            "url": "https://lo.example/documents/oap.pdf",
        },
        {"path": "kb/src/policy.md", "type": "policy_position", "council": "vale"},
        {"path": "kb/docs", "type": "local_offer_page"},
        council={**COUNCIL, "base_url": "https://lo.example/files"},
    )

    documents, _ = run(sources, tmp_path, fetcher)

    assert documents["kb/generated/oap.pdf"].url == "https://lo.example/documents/oap.pdf"
    assert documents["kb/generated/oap.pdf"].doc_type == "oap_guidance"
    assert documents["kb/src/policy.md"].url == "https://lo.example/files/policy.md"
    assert documents["kb/src/policy.md"].council == "vale"
    assert documents["kb/docs/sub/leaflet.txt"].url == "https://lo.example/files/sub/leaflet.txt"


def test_each_bad_local_source_is_a_failure_not_an_exception(
    tmp_path: Path, fetcher: Fetcher
) -> None:
    write(tmp_path, "kb/pages/empty.html", "<html><body><nav>Menu only</nav></body></html>")
    write(tmp_path, "kb/pages/good.html", page("Good page"))
    write(tmp_path, "kb/pages/corrupt.pdf", make_pdf([[PdfParagraph("Text.")]])[:300])
    write(tmp_path, "kb/pages/corrupt.docx", b"PK\x03\x04 not really a zip")
    write(tmp_path, "kb/notes.rtf", b"{\\rtf1 hello}")
    sources = config(
        {"path": "kb/missing.pdf", "type": "oap_guidance"},
        {"path": "kb/pages", "type": "local_offer_page"},
        {"path": "kb/notes.rtf", "type": "toolkit"},
    )

    documents, failures = run(sources, tmp_path, fetcher)

    assert list(documents) == ["kb/pages/good.html"]
    reasons = {failure.source: failure.reason for failure in failures}
    assert reasons["kb/missing.pdf"] == "file or folder not found"
    assert reasons["kb/pages/empty.html"] == "no readable text"
    assert reasons["kb/pages/corrupt.pdf"].startswith("PDF could not be read")
    assert reasons["kb/pages/corrupt.docx"].startswith("not a readable Word document")
    assert reasons["kb/notes.rtf"] == "unsupported file type .rtf"


def test_service_folder_with_records_and_a_summary_index(tmp_path: Path, fetcher: Fetcher) -> None:
    portage = service(
        "svc-portage", "Portage", contacts=[{"phones": [{"number": "01632 960 111"}]}]
    )
    swim = service("svc-swim", "Accessible swim", minimum_age=5, maximum_age=16)
    write(tmp_path, "kb/services/svc-portage.json", json.dumps(portage))
    write(tmp_path, "kb/services/svc-swim.json", json.dumps(swim))
    summaries = [
        service("svc-portage", "Portage"),
        service("svc-swim", "Accessible swim"),
        service("svc-new", "New"),
    ]
    full_only_in_list = service("svc-club", "Youth club", contacts=[])
    write(
        tmp_path,
        "kb/services/index.json",
        json.dumps(
            {"total_items": 4, "total_pages": 1, "contents": [*summaries, full_only_in_list]}
        ),
    )
    write(tmp_path, "kb/services/broken.json", "{not json")
    write(tmp_path, "kb/services/other.json", json.dumps(["not", "a", "service"]))
    write(tmp_path, "kb/services/z-copy.json", json.dumps(portage))

    documents, failures = run(
        config({"path": "kb/services", "type": "service_record"}), tmp_path, fetcher
    )

    assert list(documents) == [
        "kb/services/svc-portage.json",
        "kb/services/svc-swim.json",
        "kb/services/index.json#svc-club",
    ]
    swim_document = documents["kb/services/svc-swim.json"]
    assert (swim_document.doc_type, swim_document.min_age, swim_document.max_age) == (
        "service_record",
        5,
        16,
    )
    assert documents["kb/services/index.json#svc-club"].path == "kb/services/index.json"
    reasons = {failure.source: failure.reason for failure in failures}
    assert reasons["kb/services/broken.json"].startswith("invalid JSON")
    assert reasons["kb/services/other.json"] == "not an ORUK service record or services page"
    assert (
        reasons["kb/services/z-copy.json"]
        == "service svc-portage already loaded from kb/services/svc-portage.json"
    )


# Remote sources


def test_url_sources_choose_a_loader_by_content(
    local_site: LocalSite, tmp_path: Path, fetcher: Fetcher
) -> None:
    local_site.routes["/send/sen-support"] = Reply(
        body=page("SEN support"), headers={"Content-Type": "text/html"}
    )
    local_site.routes["/documents/oap.pdf"] = Reply(
        body=make_pdf([[PdfParagraph("Every school should adjust.")]], title="OAP"),
        headers={"Content-Type": "application/octet-stream"},
    )
    local_site.routes["/toolkit"] = Reply(
        body=make_docx([("Normal", "Toolkit text.")]),
        headers={"Content-Type": WORD_MEDIA_TYPE},
    )
    local_site.routes["/services/svc-1.json"] = Reply(
        body=json.dumps(service("svc-1", "Portage")).encode()
    )
    urls = [
        local_site.url(p)
        for p in ("/send/sen-support", "/documents/oap.pdf", "/toolkit", "/services/svc-1.json")
    ]

    documents, failures = run(
        config(*({"url": url, "type": "local_offer_page"} for url in urls)), tmp_path, fetcher
    )

    assert failures == []
    assert [documents[url].title for url in urls] == ["SEN support", "OAP", "toolkit", "Portage"]
    assert documents[urls[0]].url == urls[0]
    assert documents[urls[2]].blocks[0].text == "Toolkit text."
    assert documents[urls[3]].doc_type == "service_record"


def test_failing_urls_are_reported(local_site: LocalSite, tmp_path: Path, fetcher: Fetcher) -> None:
    local_site.routes["/slow"] = Reply(body=page("Slow"), delay_s=2)
    local_site.routes["/empty"] = Reply(
        body=b"<html><body></body></html>", headers={"Content-Type": "text/html"}
    )
    local_site.routes["/data.bin"] = Reply(
        body=b"\x00\x01", headers={"Content-Type": "application/zip"}
    )
    sources = config(
        *(
            {"url": local_site.url(p), "type": "local_offer_page"}
            for p in ("/missing", "/slow", "/empty", "/data.bin")
        )
    )

    _, failures = run(sources, tmp_path, fetcher)

    assert [(f.source.removeprefix(local_site.base_url), f.reason) for f in failures] == [
        ("/missing", "HTTP 404"),
        ("/slow", "timed out after 0.5 s"),
        ("/empty", "no readable text"),
        ("/data.bin", "unsupported content type application/zip"),
    ]


def test_sitemap_source(local_site: LocalSite, tmp_path: Path, fetcher: Fetcher) -> None:
    locations = "".join(f"<url><loc>{local_site.url(p)}</loc></url>" for p in ("/a", "/b"))
    local_site.routes["/sitemap.xml"] = Reply(
        body=f'<urlset xmlns="{SITEMAP_NS}">{locations}</urlset>'.encode()
    )
    local_site.routes["/a"] = Reply(body=page("Page A"), headers={"Content-Type": "text/html"})

    documents, failures = run(
        config({"sitemap": local_site.url("/sitemap.xml"), "type": "local_offer_page"}),
        tmp_path,
        fetcher,
    )

    assert [d.title for d in documents.values()] == ["Page A"]
    assert failures == [LoadFailure(local_site.url("/b"), "HTTP 404")]


def test_missing_sitemap_is_one_failure(
    local_site: LocalSite, tmp_path: Path, fetcher: Fetcher
) -> None:
    sitemap_url = local_site.url("/sitemap.xml")

    _, failures = run(
        config({"sitemap": sitemap_url, "type": "local_offer_page"}), tmp_path, fetcher
    )

    assert failures == [LoadFailure(sitemap_url, "HTTP 404")]


def test_oruk_feed_source(local_site: LocalSite, tmp_path: Path, fetcher: Fetcher) -> None:
    local_site.routes["/api/services?page=1"] = Reply(
        body=json.dumps({"contents": [service("svc-1", "Portage")], "last_page": True}).encode()
    )
    local_site.routes["/api/services/svc-1"] = Reply(
        body=json.dumps(service("svc-1", "Portage", contacts=[])).encode()
    )
    sources = config({"oruk": local_site.url("/api"), "type": "service_record", "council": "vale"})

    documents, failures = run(sources, tmp_path, fetcher)

    [document] = documents.values()
    assert failures == []
    assert (document.title, document.council, document.source_id) == (
        "Portage",
        "vale",
        f"oruk:{local_site.url('/api')}#svc-1",
    )


def test_yaml_file_end_to_end(tmp_path: Path, fetcher: Fetcher) -> None:
    write(tmp_path, "kb/pages/a.html", page("A page"))
    sources_file = tmp_path / "sources.yml"
    sources_file.write_text(
        textwrap.dedent(
            """\
            council:
              id: brackenmoor
              name: Brackenmoor Borough Council
            sources:
              - path: kb/pages
                type: local_offer_page
            """
        )
    )

    documents, failures = run(load_sources(sources_file), tmp_path, fetcher)

    assert list(documents) == ["kb/pages/a.html"] and failures == []
