"""Polite HTTP fetching for ingestion: named user agent, robots.txt, size cap, on-disk cache.

Councils' sites are fetched again on every index build, so responses are cached on disk with
their ETag / Last-Modified and revalidated with conditional requests: an unchanged page costs
the site a 304 and us nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from lxml import etree

USER_AGENT = "local-offer-assistant/0.1 (SEND local offer assistant; index builder)"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps is already unusual
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class FetchError(Exception):
    """A URL could not be fetched; `reason` says why in a few words ("HTTP 404", "timed out...")."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class FetchedResponse:
    """A successful fetch: the body, as served now or as cached when the server said 304."""

    url: str  # after redirects
    body: bytes
    content_type: str  # media type only, lower case ("text/html"); "" when not sent
    from_cache: bool = False


class Fetcher:
    """Fetches URLs for ingestion. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self._cache = _HttpCache(cache_dir) if cache_dir is not None else None
        self._robots: dict[str, RobotFileParser] = {}
        self._client = httpx.Client(
            headers={"User-Agent": user_agent},
            timeout=timeout_s,
            follow_redirects=True,
            max_redirects=5,
        )

    def get(self, url: str) -> FetchedResponse:
        """GET a URL, honouring robots.txt; raises FetchError with a readable reason."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(url, "not an http(s) URL")
        if not self._robots_allow(url):
            raise FetchError(url, "disallowed by robots.txt")
        cached = self._cache.lookup(url) if self._cache else None
        headers = cached.conditional_headers() if cached else {}
        status, response_headers, body, final_url = self._request(url, headers)
        if status == 304 and cached is not None:
            return FetchedResponse(url, cached.read_body(), cached.content_type, from_cache=True)
        if status >= 400 or status == 304:
            raise FetchError(url, f"HTTP {status}")
        content_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
        if self._cache:
            self._cache.store(url, response_headers, content_type, body)
        return FetchedResponse(final_url, body, content_type)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _request(self, url: str, headers: dict[str, str]) -> tuple[int, httpx.Headers, bytes, str]:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, f"larger than {_size(self.max_bytes)}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise FetchError(url, f"larger than {_size(self.max_bytes)}")
                return response.status_code, response.headers, bytes(body), str(response.url)
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out after {self.timeout_s:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(url, "too many redirects") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"could not connect ({type(exc).__name__}: {exc})") from exc

    def _robots_allow(self, url: str) -> bool:
        """Per host; a missing robots.txt (any 4xx) allows everything, as RFC 9309 says."""
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            self._robots[host] = self._read_robots(url, urljoin(host, "/robots.txt"))
        return self._robots[host].can_fetch(self.user_agent, url)

    def _read_robots(self, url: str, robots_url: str) -> RobotFileParser:
        try:
            status, _, body, _ = self._request(robots_url, {})
        except FetchError as exc:  # the host itself is unreachable or too slow
            raise FetchError(url, exc.reason) from exc
        if status >= 500:
            raise FetchError(url, f"robots.txt unavailable (HTTP {status})")
        robots = RobotFileParser(robots_url)
        if status >= 400:
            robots.allow_all = True
        else:
            robots.parse(body.decode("utf-8", errors="replace").splitlines())
        return robots


def iter_sitemap_urls(sitemap_url: str, fetcher: Fetcher) -> Iterator[str]:
    """Page URLs a sitemap lists, following sitemap indexes; raises FetchError on a bad sitemap."""
    yield from _sitemap_urls(sitemap_url, fetcher, depth=0, seen=set())


def _sitemap_urls(
    sitemap_url: str, fetcher: Fetcher, *, depth: int, seen: set[str]
) -> Iterator[str]:
    if sitemap_url in seen or depth > _MAX_SITEMAP_DEPTH:
        return
    seen.add(sitemap_url)
    body = fetcher.get(sitemap_url).body
    # No entity expansion and no network: sitemaps are untrusted XML.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FetchError(sitemap_url, f"not a sitemap (invalid XML: {exc})") from exc
    locations = [
        location.text.strip()
        for location in root.iter(f"{_SITEMAP_NS}loc")
        if location.text and location.text.strip()
    ]
    if root.tag == f"{_SITEMAP_NS}sitemapindex":
        for child_sitemap in locations:
            yield from _sitemap_urls(child_sitemap, fetcher, depth=depth + 1, seen=seen)
    elif root.tag == f"{_SITEMAP_NS}urlset":
        yield from locations
    else:
        raise FetchError(sitemap_url, f"not a sitemap (root element {root.tag!r})")


def _size(byte_count: int) -> str:
    if byte_count >= 1024 * 1024:
        return f"{byte_count / (1024 * 1024):g} MB"
    if byte_count >= 1024:
        return f"{byte_count / 1024:g} KB"
    return f"{byte_count} bytes"


@dataclass(frozen=True)
class _CacheEntry:
    body_path: Path
    etag: str | None
    last_modified: str | None
    content_type: str

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    def read_body(self) -> bytes:
        return self.body_path.read_bytes()


class _HttpCache:
    """One body file and one JSON validator file per URL, named by the URL's SHA-256."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def lookup(self, url: str) -> _CacheEntry | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or not body_path.exists():
            return None
        return _CacheEntry(
            body_path, meta.get("etag"), meta.get("last_modified"), meta["content_type"]
        )

    def store(self, url: str, headers: httpx.Headers, content_type: str, body: bytes) -> None:
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        if not (etag or last_modified):
            return  # nothing to revalidate with, so a cached copy could never be used
        meta_path, body_path = self._paths(url)
        _write_atomically(body_path, body)
        meta = {
            "url": url,
            "etag": etag,
            "last_modified": last_modified,
            "content_type": content_type,
        }
        _write_atomically(meta_path, json.dumps(meta).encode("utf-8"))

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self._directory / f"{key}.json", self._directory / f"{key}.body"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so an interrupted build never leaves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
