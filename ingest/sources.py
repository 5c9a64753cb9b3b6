"""A council's sources file (YAML) and the documents it names.

`iter_documents` never raises for one bad source: each failure (missing file, corrupt PDF,
empty page, HTTP error, broken feed) comes out as a `LoadFailure` naming the source, beside
the documents that did load, so the build can report it and carry on.

Schema::

    council:
      id: brackenmoor
      name: Brackenmoor Borough Council
      base_url: https://localoffer.brackenmoor.example/files/   # optional, see below
    sources:
      - path: knowledge_base/sample_council/pages   # a file or a folder, relative to the repo root
        type: local_offer_page
      - path: knowledge_base/sample_council/generated/oap-guidance.pdf
        type: oap_guidance
        url: https://localoffer.brackenmoor.example/send/documents/oap-guidance.pdf  # citation link
      - url: https://example.org/some-page
        type: local_offer_page
      - sitemap: https://example.org/sitemap.xml
        type: local_offer_page
      - oruk: http://127.0.0.1:8765/api             # ORUK feed base URL
        type: service_record
        council: other-council-id                   # optional per-source override

A local file's citation link is, in order: the entry's `url` (single-file entries), the
document's own (an HTML page's canonical link, an ORUK service's website), else `base_url`
joined with the file's path inside the entry's folder.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.fetch import Fetcher, FetchError, iter_sitemap_urls
from ingest.loaders import LOADERS_BY_MEDIA_TYPE, LOADERS_BY_SUFFIX, DocumentLoader
from ingest.loaders.oruk import fetch_oruk_feed, is_full_record, is_service_list, load_oruk_service
from ingest.model import DOC_TYPES, LoadedDocument, LoadError, LoadFailure

__all__ = [
    "CouncilSettings",
    "LoadFailure",
    "SourceEntry",
    "SourcesConfig",
    "SourcesConfigError",
    "iter_documents",
    "load_sources",
    "parse_sources",
]

_ORUK_SUFFIX = ".json"


class SourcesConfigError(ValueError):
    """The sources file is unreadable or invalid; the message names the file and the bad entry."""


class CouncilSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return _require_http(value) if value is not None else None


class SourceEntry(BaseModel):
    """One source: exactly one of `path`, `url` (without `path`), `sitemap` or `oruk`."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = None
    url: str | None = None  # the source itself, or the citation link of a `path`
    sitemap: str | None = None
    oruk: str | None = None
    type: str
    council: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_-]*$")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in DOC_TYPES:
            raise ValueError(
                f"unknown document type {value!r}; expected one of {', '.join(DOC_TYPES)}"
            )
        return value

    @field_validator("url", "sitemap", "oruk")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return _require_http(value) if value is not None else None

    @model_validator(mode="after")
    def _one_location(self) -> SourceEntry:
        given = [key for key in ("path", "sitemap", "oruk") if getattr(self, key)]
        if self.url and not self.path:
            given.append("url")
        if len(given) != 1:
            raise ValueError(
                "give exactly one of path, url, sitemap or oruk"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if self.oruk and self.type != "service_record":
            raise ValueError("an oruk feed holds service records: type must be service_record")
        return self

    @property
    def location(self) -> str:
        """How the sources file names this source (its path or URL)."""
        return self.path or self.sitemap or self.oruk or self.url or ""


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    council: CouncilSettings
    sources: list[SourceEntry] = Field(min_length=1)


def load_sources(path: Path) -> SourcesConfig:
    """Read and validate a sources file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{path}: not valid YAML ({exc})") from exc
    return parse_sources(data, origin=str(path))


def parse_sources(data: object, *, origin: str = "sources file") -> SourcesConfig:
    """Validate already-parsed YAML; errors say which entry is wrong and how."""
    try:
        return SourcesConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(error, data) for error in exc.errors())
        raise SourcesConfigError(f"{origin}: {problems}") from exc


def iter_documents(
    config: SourcesConfig, *, root: Path, fetcher: Fetcher
) -> Iterator[LoadedDocument | LoadFailure]:
    """Load every source in order; failures are yielded, never raised."""
    for entry in config.sources:
        council = entry.council or config.council.id
        if entry.path:
            yield from _local_documents(entry, council, config.council.base_url, root)
        elif entry.oruk:
            yield from fetch_oruk_feed(entry.oruk, fetcher, council=council)
        elif entry.sitemap:
            yield from _sitemap_documents(entry.sitemap, entry.type, council, fetcher)
        elif entry.url:
            yield _remote_document(entry.url, entry.type, council, fetcher)


def _local_documents(
    entry: SourceEntry, council: str, base_url: str | None, root: Path
) -> Iterator[LoadedDocument | LoadFailure]:
    target = root / (entry.path or "")
    if not target.exists():
        yield LoadFailure(entry.location, "file or folder not found")
        return
    if target.is_file():
        suffix = target.suffix.lower()
        if suffix not in LOADERS_BY_SUFFIX and suffix != _ORUK_SUFFIX:
            yield LoadFailure(entry.location, f"unsupported file type {suffix or '(none)'}")
            return
        files, folder, citation_url = [target], target.parent, entry.url
    else:
        files, folder, citation_url = _files_in(target), target, None
    local = _LocalFiles(entry.type, council, root, folder, citation_url, base_url)
    for file in files:
        yield from local.load(file)
    yield from local.service_lists()


def _files_in(folder: Path) -> list[Path]:
    """Loadable files under a folder, sorted, skipping names that start with '_' or '.'."""
    return sorted(
        file
        for file in folder.rglob("*")
        if file.is_file()
        and not any(part.startswith(("_", ".")) for part in file.relative_to(folder).parts)
        and (file.suffix.lower() in LOADERS_BY_SUFFIX or file.suffix.lower() == _ORUK_SUFFIX)
    )


class _LocalFiles:
    """Loads the files of one `path` entry, keeping ORUK services unique across its JSON files."""

    def __init__(
        self,
        doc_type: str,
        council: str,
        root: Path,
        folder: Path,
        citation_url: str | None,
        base_url: str | None,
    ) -> None:
        self._doc_type = doc_type
        self._council = council
        self._root = root
        self._folder = folder
        self._citation_url = citation_url
        self._base_url = base_url
        self._services: dict[str, str] = {}  # service id -> the source it came from
        self._lists: list[tuple[Path, dict[str, Any]]] = []

    def load(self, file: Path) -> Iterator[LoadedDocument | LoadFailure]:
        source = _repo_path(file, self._root)
        try:
            if file.suffix.lower() == _ORUK_SUFFIX:
                yield from self._oruk_file(file, source)
                return
            loader = LOADERS_BY_SUFFIX[file.suffix.lower()]
            document = loader(
                file.read_bytes(),
                source_id=source,
                council=self._council,
                doc_type=self._doc_type,
                url=self._citation_url,
                path=source,
            )
            yield self._with_citation(document, file)
        except Exception as exc:  # noqa: BLE001 - one malformed file must not stop the build
            yield LoadFailure(source, _reason(exc, source))

    def service_lists(self) -> Iterator[LoadedDocument | LoadFailure]:
        """Services from list pages, read last so per-service files win; summaries are skipped."""
        for file, page in self._lists:
            source = _repo_path(file, self._root)
            for record in page["contents"]:
                if not is_full_record(record) or str(record.get("id")) in self._services:
                    continue  # a summary, or a service already loaded from its own file
                yield from self._service(record, f"{source}#{record.get('id')}", file)

    def _oruk_file(self, file: Path, source: str) -> Iterator[LoadedDocument | LoadFailure]:
        try:
            payload = json.loads(file.read_bytes())
        except ValueError as exc:
            yield LoadFailure(source, f"invalid JSON ({exc})")
            return
        if is_service_list(payload):
            self._lists.append((file, payload))
        elif isinstance(payload, dict) and "id" in payload:
            yield from self._service(payload, source, file)
        else:
            yield LoadFailure(source, "not an ORUK service record or services page")

    def _service(
        self, record: dict[str, Any], source: str, file: Path
    ) -> Iterator[LoadedDocument | LoadFailure]:
        service_id = str(record.get("id"))
        if service_id in self._services:
            yield LoadFailure(
                source, f"service {service_id} already loaded from {self._services[service_id]}"
            )
            return
        try:
            document = load_oruk_service(record, council=self._council)
        except LoadError as exc:
            yield LoadFailure(source, str(exc))
            return
        self._services[service_id] = source
        document = dataclasses.replace(
            document, source_id=source, path=_repo_path(file, self._root)
        )
        yield self._with_citation(document, file)

    def _with_citation(self, document: LoadedDocument, file: Path) -> LoadedDocument:
        if document.url or not self._base_url:
            return document
        inside = file.relative_to(self._folder).as_posix()
        return dataclasses.replace(document, url=urljoin(self._base_url.rstrip("/") + "/", inside))


def _sitemap_documents(
    sitemap_url: str, doc_type: str, council: str, fetcher: Fetcher
) -> Iterator[LoadedDocument | LoadFailure]:
    try:
        for page_url in iter_sitemap_urls(sitemap_url, fetcher):
            yield _remote_document(page_url, doc_type, council, fetcher)
    except FetchError as exc:
        yield LoadFailure(sitemap_url, exc.reason)


def _remote_document(
    url: str, doc_type: str, council: str, fetcher: Fetcher
) -> LoadedDocument | LoadFailure:
    try:
        response = fetcher.get(url)
        if _is_json(response.content_type, url):
            record = json.loads(response.body)
            if not isinstance(record, dict):
                raise LoadError("not an ORUK service record")
            document = load_oruk_service(record, council=council)
            return dataclasses.replace(document, source_id=url, url=document.url or response.url)
        loader = _loader_for(response.content_type, url, response.body)
        return loader(
            response.body, source_id=url, council=council, doc_type=doc_type, url=response.url
        )
    except FetchError as exc:
        return LoadFailure(url, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one malformed page must not stop the build
        return LoadFailure(url, _reason(exc, url))


def _is_json(content_type: str, url: str) -> bool:
    return (
        content_type == "application/json"
        or content_type.endswith("+json")
        or (not content_type and PurePosixPath(urlsplit(url).path).suffix.lower() == _ORUK_SUFFIX)
    )


def _loader_for(content_type: str, url: str, body: bytes) -> DocumentLoader:
    """By media type, then the URL's extension, then the first bytes (servers mislabel files)."""
    if content_type in LOADERS_BY_MEDIA_TYPE:
        return LOADERS_BY_MEDIA_TYPE[content_type]
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    if suffix in LOADERS_BY_SUFFIX:
        return LOADERS_BY_SUFFIX[suffix]
    if body.startswith(b"%PDF-"):
        return LOADERS_BY_SUFFIX[".pdf"]
    if body.lstrip()[:1] == b"<":
        return LOADERS_BY_SUFFIX[".html"]
    raise LoadError(f"unsupported content type {content_type or '(none)'}")


def _repo_path(file: Path, root: Path) -> str:
    """The file's path relative to the repo root, in posix form (may start with '..')."""
    return Path(os.path.relpath(file, root)).as_posix()


def _reason(exc: Exception, source: str) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON ({exc})"
    if isinstance(exc, LoadError):
        return str(exc).removeprefix(f"{source}: ")
    if isinstance(exc, OSError):
        return f"cannot read ({exc.strerror or exc})"
    return f"{type(exc).__name__}: {exc}"


def _require_http(value: str) -> str:
    if urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _describe(error: Any, data: object) -> str:
    """One validation error as "sources[2] (path: x.pdf): type: unknown document type ..."."""
    location = list(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    where = []
    if location[:1] == ["sources"] and len(location) > 1 and isinstance(location[1], int):
        index = location[1]
        where.append(f"sources[{index}]{_entry_label(data, index)}")
        location = location[2:]
    elif location:
        where.append(str(location.pop(0)))
    where.extend(str(part) for part in location)
    return f"{'.'.join(where) or 'top level'}: {message}"


def _entry_label(data: object, index: int) -> str:
    try:
        entry = data["sources"][index]  # type: ignore[index]
    except (TypeError, KeyError, IndexError):
        return ""
    if not isinstance(entry, dict):
        return ""
    for key in ("path", "url", "sitemap", "oruk"):
        if entry.get(key):
            return f" ({key}: {entry[key]})"
    return ""
