from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from ingest.fetch import Fetcher
from ingest.loaders.oruk import (
    ABOUT,
    CONTACT,
    COST,
    WHEN,
    WHERE,
    WHO,
    fetch_oruk_feed,
    is_full_record,
    load_oruk_service,
)
from ingest.model import LoadedDocument, LoadError, LoadFailure
from tests.ingest.conftest import LocalSite, Reply

BRISTOL_ID = "2a3483ea-8966-4f50-9dc3-7bafa1e5c623"
CANONICAL_ID = "ac148810-d857-441c-9679-408f346de14b"
ASSURER = "oliviaplenty@thecareforum.org.uk"


def fixture(shared_dir: Path, name: str) -> dict[str, Any]:
    return json.loads((shared_dir / "fixtures/oruk" / name).read_text(encoding="utf-8"))


def section(document: LoadedDocument, heading: str) -> list[str]:
    return [b.text for b in document.blocks if b.heading_path[:1] == (heading,)]


def everything(document: LoadedDocument) -> str:
    return json.dumps(asdict(document), default=str)


@pytest.mark.shared
def test_bristol_record_is_tolerated(shared_dir: Path) -> None:
    document = load_oruk_service(
        fixture(shared_dir, "bristol-service-1625ip.json"), council="bristol"
    )

    assert document.source_id == f"oruk:{BRISTOL_ID}"
    assert document.title == "1625 Independent People"
    assert document.doc_type == "service_record"
    assert document.url == "http://1625ip.co.uk"
    assert document.updated == "2025-09-02"
    assert (document.min_age, document.max_age) == (None, None)  # -1 means unknown
    about = [b for b in document.blocks if b.heading_path[:1] == (ABOUT,)]
    assert about[0].heading_path == (ABOUT, "About Us")
    assert about[0].text.startswith("1625 Independent People works with young people")
    assert all("<" not in b.text and "&nbsp;" not in b.text for b in document.blocks)
    assert section(document, CONTACT) == [
        "Phone: 0800 0354213",
        "Phone: Bristol Youth MAPS: 0117 332 7111",
        "Email: enquiries@1625ip.co.uk",
        "Website: http://1625ip.co.uk",
    ]
    assert "Area covered: South Gloucestershire" in section(document, WHO)
    assert ASSURER not in everything(document)
    assert "pc_" not in json.dumps(document.extra)
    assert document.extra["assured_date"] == "2025-09-02"
    assert document.extra["last_modified"] == "2025-09-02T12:06:15.654"


@pytest.mark.shared
def test_canonical_full_record(shared_dir: Path) -> None:
    document = load_oruk_service(
        fixture(shared_dir, "uk-profile_examples_service_full.json"),
        council="mycity",
        base_url="http://127.0.0.1:8765/api/",
    )

    assert document.source_id == f"oruk:http://127.0.0.1:8765/api#{CANONICAL_ID}"
    assert (document.min_age, document.max_age) == (12, 100)
    assert document.updated == "2005-01-01"  # assured_date wins over last_modified
    assert "Ages 12 to 100" in section(document, WHO)
    assert "Under 18s and Over 60s: £35 per 1 hour session" in section(document, COST)
    [schedule] = section(document, WHEN)
    assert "Opening times: Thursday, Friday, 10:00 to 18:00." in schedule
    assert (
        section(document, WHERE)[0]
        == "MyCity Civic Center, 1-30 Main Street, MyCity, MyRegion, ABC 1234"
    )
    assert document.extra["locations"][0]["postcode"] == "ABC 1234"
    assert "Contact: Ann Persona, Reception Manager" in section(document, CONTACT)
    # The service's e-mail is the assurer's address here, so it is left out.
    assert document.extra["contacts"]["emails"] == []


def record(**fields: Any) -> dict[str, Any]:
    return {"id": "svc-1", "name": "Sleep clinic", "description": "Help with sleep.", **fields}


def test_url_falls_back_to_the_feed_address() -> None:
    document = load_oruk_service(
        record(url="not a url"), council="c", base_url="https://feed.example/api"
    )

    assert document.url == "https://feed.example/api/services/svc-1"


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected", "text"),
    [
        (8, 14, (8, 14), "Ages 8 to 14"),
        (8, -1, (8, None), "Ages 8 and over"),
        (None, 14, (None, 14), "Ages up to 14"),
        ("5", "x", (5, None), "Ages 5 and over"),
        (16, 4, (16, None), "Ages 16 and over"),
        (-1, -1, (None, None), None),
    ],
)
def test_ages(
    minimum: object, maximum: object, expected: tuple[int | None, int | None], text: str | None
) -> None:
    document = load_oruk_service(record(minimum_age=minimum, maximum_age=maximum), council="c")

    assert (document.min_age, document.max_age) == expected
    assert section(document, WHO) == ([text] if text else [])


def test_updated_from_timezone_less_last_modified_without_assured_date() -> None:
    document = load_oruk_service(record(last_modified="2025-07-29T13:42:25.307"), council="c")

    assert document.updated == "2025-07-29"


def test_repeated_facts_are_said_once() -> None:
    document = load_oruk_service(record(fees="Free.", cost_options=[{"amount": 0}]), council="c")

    assert section(document, COST) == ["Free."]


def test_placeholder_and_assurer_emails_are_dropped() -> None:
    document = load_oruk_service(
        record(
            email="Unknown-1777@noemail.invalid",
            assurer_email="checker@council.example",
            contacts=[{"email": "checker@council.example"}, {"email": "team@service.example"}],
        ),
        council="c",
    )

    assert document.extra["contacts"]["emails"] == ["team@service.example"]
    assert "checker@council.example" not in everything(document)


@pytest.mark.parametrize("broken", [{"name": "No id"}, {"id": "x"}, {"id": "x", "name": "  "}])
def test_record_without_id_or_name_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(LoadError):
        load_oruk_service(broken, council="c")


def test_summary_and_full_records_are_told_apart() -> None:
    assert not is_full_record(record(eligibility_description="Families in Brackenmoor."))
    assert is_full_record(record(contacts=[]))


def serve_json(site: LocalSite, path: str, payload: object) -> None:
    site.routes[path] = Reply(
        body=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )


def feed_results(site: LocalSite, **options: Any) -> list[LoadedDocument | LoadFailure]:
    with Fetcher(timeout_s=0.5) as fetcher:
        return list(fetch_oruk_feed(site.url("/api/"), fetcher, council="bristol", **options))


@pytest.mark.shared
def test_feed_pages_services_and_per_service_failures(
    shared_dir: Path, local_site: LocalSite
) -> None:
    first = fixture(shared_dir, "bristol-services-page1.json") | {"total_pages": 2}
    second = fixture(shared_dir, "uk-profile_examples_service_list.json") | {
        "page_number": 2,
        "total_pages": 2,
        "last_page": True,
    }
    two_way_id, health_id = (service["id"] for service in first["contents"][1:])
    serve_json(local_site, "/api/services?page=1", first)
    serve_json(local_site, "/api/services?page=2", second)
    serve_json(
        local_site,
        f"/api/services/{BRISTOL_ID}",
        fixture(shared_dir, "bristol-service-1625ip.json"),
    )
    local_site.routes[f"/api/services/{two_way_id}"] = Reply(status=404)
    local_site.routes[f"/api/services/{health_id}"] = Reply(body=b"{not json")
    serve_json(
        local_site,
        f"/api/services/{CANONICAL_ID}",
        fixture(shared_dir, "uk-profile_examples_service_full.json"),
    )

    results = feed_results(local_site)

    documents = [r for r in results if isinstance(r, LoadedDocument)]
    failures = [r for r in results if isinstance(r, LoadFailure)]
    assert [d.title for d in documents] == ["1625 Independent People", "Community Counselling"]
    base = local_site.url("/api")
    assert documents[0].source_id == f"oruk:{base}#{BRISTOL_ID}"
    assert failures[0] == LoadFailure(f"oruk:{base}#{two_way_id}", "HTTP 404")
    assert failures[1].source == f"oruk:{base}#{health_id}"
    assert failures[1].reason.startswith("invalid JSON")
    assert "/api/services?page=3" not in local_site.paths_requested()


@pytest.mark.shared
def test_feed_stops_at_the_page_cap(shared_dir: Path, local_site: LocalSite) -> None:
    serve_json(
        local_site, "/api/services?page=1", fixture(shared_dir, "bristol-services-page1.json")
    )
    for service in fixture(shared_dir, "bristol-services-page1.json")["contents"]:
        serve_json(local_site, f"/api/services/{service['id']}", service | {"contacts": []})

    results = feed_results(local_site, max_pages=1)

    assert sum(isinstance(r, LoadedDocument) for r in results) == 3
    assert results[-1] == LoadFailure(local_site.url("/api"), "stopped after page 1 of 292")


def test_feed_that_times_out(local_site: LocalSite) -> None:
    local_site.routes["/api/services?page=1"] = Reply(body=b"{}", delay_s=2)

    assert feed_results(local_site) == [
        LoadFailure(local_site.url("/api/services?page=1"), "timed out after 0.5 s")
    ]


def test_feed_with_invalid_json(local_site: LocalSite) -> None:
    local_site.routes["/api/services?page=1"] = Reply(body=b"<html>Service unavailable</html>")

    [failure] = feed_results(local_site)

    assert failure.source == local_site.url("/api/services?page=1")
    assert failure.reason.startswith("invalid JSON")


def test_feed_that_is_not_a_services_page(local_site: LocalSite) -> None:
    serve_json(local_site, "/api/services?page=1", {"error": "unknown"})

    [failure] = feed_results(local_site)

    assert "not an ORUK services page" in failure.reason


def test_empty_page_ends_the_feed(local_site: LocalSite) -> None:
    serve_json(
        local_site, "/api/services?page=1", {"contents": [record(contacts=[])], "total_pages": 5}
    )
    serve_json(local_site, "/api/services/svc-1", record(contacts=[]))
    serve_json(local_site, "/api/services?page=2", {"contents": [], "empty": True})

    results = feed_results(local_site)

    assert [r.title for r in results if isinstance(r, LoadedDocument)] == ["Sleep clinic"]
    assert "/api/services?page=3" not in local_site.paths_requested()
