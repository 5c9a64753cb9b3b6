from __future__ import annotations

from pathlib import Path

import pytest

from ingest.fetch import USER_AGENT, Fetcher, FetchError, iter_sitemap_urls
from tests.ingest.conftest import LocalSite, Reply, SeenRequest

PAGE = b"<html><body><p>Short breaks</p></body></html>"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def etag_route(request: SeenRequest) -> Reply:
    if request.headers.get("if-none-match") == '"v1"':
        return Reply(status=304, headers={"ETag": '"v1"'})
    return Reply(body=PAGE, headers={"ETag": '"v1"', "Content-Type": "text/html; charset=utf-8"})


def test_get_returns_body_and_media_type_and_names_the_project(local_site: LocalSite) -> None:
    local_site.routes["/page"] = Reply(
        body=PAGE, headers={"Content-Type": "text/html; charset=utf-8"}
    )

    with Fetcher() as fetcher:
        response = fetcher.get(local_site.url("/page"))

    assert (response.body, response.content_type, response.from_cache) == (PAGE, "text/html", False)
    assert local_site.requests[-1].headers["user-agent"] == USER_AGENT
    assert "local-offer-assistant" in USER_AGENT


def test_etag_revalidation_serves_the_cached_body(local_site: LocalSite, tmp_path: Path) -> None:
    local_site.routes["/page"] = etag_route

    with Fetcher(cache_dir=tmp_path / "http") as fetcher:
        first = fetcher.get(local_site.url("/page"))
    with Fetcher(cache_dir=tmp_path / "http") as fetcher:  # a later build, same cache
        second = fetcher.get(local_site.url("/page"))

    page_requests = [r for r in local_site.requests if r.path == "/page"]
    assert "if-none-match" not in page_requests[0].headers
    assert page_requests[1].headers["if-none-match"] == '"v1"'
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == PAGE
    assert second.content_type == "text/html"


def test_last_modified_revalidation(local_site: LocalSite, tmp_path: Path) -> None:
    stamp = "Wed, 14 Sep 2026 09:00:00 GMT"

    def route(request: SeenRequest) -> Reply:
        if request.headers.get("if-modified-since") == stamp:
            return Reply(status=304)
        return Reply(body=PAGE, headers={"Last-Modified": stamp})

    local_site.routes["/page"] = route

    with Fetcher(cache_dir=tmp_path) as fetcher:
        fetcher.get(local_site.url("/page"))
        again = fetcher.get(local_site.url("/page"))

    assert again.from_cache and again.body == PAGE


def test_changed_page_replaces_the_cached_copy(local_site: LocalSite, tmp_path: Path) -> None:
    local_site.routes["/page"] = Reply(body=b"old", headers={"ETag": '"old"'})
    with Fetcher(cache_dir=tmp_path) as fetcher:
        fetcher.get(local_site.url("/page"))
        local_site.routes["/page"] = Reply(body=b"new", headers={"ETag": '"new"'})
        changed = fetcher.get(local_site.url("/page"))

    assert (changed.body, changed.from_cache) == (b"new", False)


def test_robots_disallow_is_honoured(local_site: LocalSite) -> None:
    local_site.routes["/robots.txt"] = Reply(body=b"User-agent: *\nDisallow: /private/\n")
    local_site.routes["/private/page"] = Reply(body=PAGE)
    local_site.routes["/public/page"] = Reply(body=PAGE)

    with Fetcher() as fetcher:
        with pytest.raises(FetchError) as refused:
            fetcher.get(local_site.url("/private/page"))
        fetcher.get(local_site.url("/public/page"))

    assert refused.value.reason == "disallowed by robots.txt"
    assert str(refused.value) == f"{local_site.url('/private/page')}: disallowed by robots.txt"
    assert local_site.paths_requested() == ["/robots.txt", "/public/page"]  # robots read once


def test_robots_rule_for_this_user_agent(local_site: LocalSite) -> None:
    local_site.routes["/robots.txt"] = Reply(
        body=b"User-agent: local-offer-assistant\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )

    with Fetcher() as fetcher, pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher.get(local_site.url("/page"))


def test_robots_server_error_stops_the_fetch(local_site: LocalSite) -> None:
    local_site.routes["/robots.txt"] = Reply(status=503)

    with (
        Fetcher() as fetcher,
        pytest.raises(FetchError, match=r"robots.txt unavailable \(HTTP 503\)"),
    ):
        fetcher.get(local_site.url("/page"))


def test_http_error_status(local_site: LocalSite) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError) as failed:
        fetcher.get(local_site.url("/missing"))

    assert failed.value.reason == "HTTP 404"
    assert failed.value.url == local_site.url("/missing")


def test_timeout(local_site: LocalSite) -> None:
    local_site.routes["/slow"] = Reply(body=PAGE, delay_s=1.5)

    with Fetcher(timeout_s=0.2) as fetcher, pytest.raises(FetchError) as failed:
        fetcher.get(local_site.url("/slow"))

    assert failed.value.reason == "timed out after 0.2 s"


@pytest.mark.parametrize("send_length", [True, False])
def test_size_cap(local_site: LocalSite, send_length: bool) -> None:
    local_site.routes["/big.pdf"] = Reply(body=b"x" * 4096, send_length=send_length)

    with Fetcher(max_bytes=1024) as fetcher, pytest.raises(FetchError) as failed:
        fetcher.get(local_site.url("/big.pdf"))

    assert failed.value.reason == "larger than 1 KB"


def test_default_limits() -> None:
    fetcher = Fetcher()

    assert (fetcher.timeout_s, fetcher.max_bytes) == (10.0, 5 * 1024 * 1024)
    fetcher.close()


def test_unreachable_host_and_bad_scheme() -> None:
    with Fetcher(timeout_s=1) as fetcher:
        with pytest.raises(FetchError, match="could not connect"):
            fetcher.get("http://127.0.0.1:9/page")  # the discard port: nothing listens
        with pytest.raises(FetchError, match="not an http"):
            fetcher.get("file:///etc/passwd")


def sitemap(*urls: str, index: bool = False) -> Reply:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    entries = "".join(f"<{item}><loc> {url} </loc></{item}>" for url in urls)
    body = f'<?xml version="1.0"?><{tag} xmlns="{SITEMAP_NS}">{entries}</{tag}>'
    return Reply(body=body.encode(), headers={"Content-Type": "application/xml"})


def test_sitemap_urls(local_site: LocalSite) -> None:
    local_site.routes["/sitemap.xml"] = sitemap(local_site.url("/a"), local_site.url("/b"))

    with Fetcher() as fetcher:
        urls = list(iter_sitemap_urls(local_site.url("/sitemap.xml"), fetcher))

    assert urls == [local_site.url("/a"), local_site.url("/b")]


def test_sitemap_index_is_followed_once_per_sitemap(local_site: LocalSite) -> None:
    local_site.routes["/sitemap.xml"] = sitemap(
        local_site.url("/pages.xml"),
        local_site.url("/docs.xml"),
        local_site.url("/sitemap.xml"),
        index=True,
    )
    local_site.routes["/pages.xml"] = sitemap(local_site.url("/send/sen-support"))
    local_site.routes["/docs.xml"] = sitemap(local_site.url("/documents/oap.pdf"))

    with Fetcher() as fetcher:
        urls = list(iter_sitemap_urls(local_site.url("/sitemap.xml"), fetcher))

    assert urls == [local_site.url("/send/sen-support"), local_site.url("/documents/oap.pdf")]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"<urlset><url>", "invalid XML"), (b"<html><body>Not found</body></html>", "root element")],
)
def test_bad_sitemap(local_site: LocalSite, body: bytes, reason: str) -> None:
    local_site.routes["/sitemap.xml"] = Reply(body=body)

    with Fetcher() as fetcher, pytest.raises(FetchError, match=reason):
        list(iter_sitemap_urls(local_site.url("/sitemap.xml"), fetcher))


def test_sitemap_entities_are_not_expanded(local_site: LocalSite) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        + f'<urlset xmlns="{SITEMAP_NS}"><url><loc>&secret;</loc></url></urlset>'.encode()
    )
    local_site.routes["/sitemap.xml"] = Reply(body=body)

    with Fetcher() as fetcher:
        urls = list(iter_sitemap_urls(local_site.url("/sitemap.xml"), fetcher))

    assert urls == []
