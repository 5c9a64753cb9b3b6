"""The loaded-document model every loader returns and the chunker consumes.

A loader turns one source (a file, a web page, one ORUK service) into a `LoadedDocument`:
document-level provenance plus an ordered list of `Block`s. A block is the smallest unit
whose position in the source we can name (a paragraph, a list item, a table row, a line of
a text file), so the chunker can carry page numbers and 1-based line spans onto passages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOC_TYPES = (
    "local_offer_page",
    "oap_guidance",
    "toolkit",
    "service_record",
    "policy_position",
    "research",
)


@dataclass(frozen=True)
class Block:
    """One positioned piece of a document's text, under its heading path."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None  # 1-based page (PDF)
    line_start: int | None = None  # 1-based inclusive line span (text, Markdown)
    line_end: int | None = None
    kind: str = "paragraph"  # paragraph | list_item | table_row | line


@dataclass
class LoadedDocument:
    """A whole source document, ready for chunking."""

    source_id: str  # stable key: a repo-relative path, a URL, or "oruk:<base>#<service id>"
    title: str
    council: str
    doc_type: str
    blocks: list[Block]
    url: str | None = None  # where a parent can read it
    path: str | None = None  # repo-relative file path, when it came from a file
    updated: str | None = None  # ISO date (YYYY-MM-DD) the source says it was last changed/checked
    min_age: int | None = None  # ages the source says it serves, where it says so
    max_age: int | None = None
    extra: dict = field(default_factory=dict)  # loader-specific facts (contacts, locations...)

    def __post_init__(self) -> None:
        if self.doc_type not in DOC_TYPES:
            raise ValueError(f"unknown document type {self.doc_type!r}; expected one of {DOC_TYPES}")


class LoadError(Exception):
    """A source could not be loaded; the message names the source and says why."""


@dataclass(frozen=True)
class LoadFailure:
    """A source that could not be loaded, reported alongside the documents instead of raised,
    so one broken file or feed never stops a council's index build."""

    source: str  # the source's repo-relative path, URL, or "oruk:<base>#<service id>"
    reason: str  # readable: "HTTP 404", "no readable text", "invalid JSON (...)"
