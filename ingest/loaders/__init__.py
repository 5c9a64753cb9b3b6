"""Loaders: one per source format, each returning a `LoadedDocument` or raising `LoadError`."""

from __future__ import annotations

from typing import Protocol

from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.oruk import fetch_oruk_feed, load_oruk_service
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from ingest.model import LoadedDocument


class DocumentLoader(Protocol):
    """The signature every file-format loader shares."""

    def __call__(
        self,
        content: bytes,
        /,
        *,
        source_id: str,
        council: str,
        doc_type: str,
        url: str | None = None,
        path: str | None = None,
    ) -> LoadedDocument: ...


# ORUK JSON is not here: one file can hold many services, so `ingest.sources` handles it.
LOADERS_BY_SUFFIX: dict[str, DocumentLoader] = {
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".txt": load_text,
    ".md": load_text,
    ".markdown": load_text,
}

LOADERS_BY_MEDIA_TYPE: dict[str, DocumentLoader] = {
    "text/html": load_html,
    "application/xhtml+xml": load_html,
    "application/pdf": load_pdf,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": load_docx,
    "text/plain": load_text,
    "text/markdown": load_text,
}

__all__ = [
    "LOADERS_BY_MEDIA_TYPE",
    "LOADERS_BY_SUFFIX",
    "DocumentLoader",
    "fetch_oruk_feed",
    "load_docx",
    "load_html",
    "load_oruk_service",
    "load_pdf",
    "load_text",
]
