"""Typed records shared by the index builder and the retrieval library.

`ChunkRecord` is what the index stores for each passage (text plus full provenance);
`Passage` is what a search returns: the record's text, its scores and its `Citation`.
Everything here is plain data so it can be written to JSON (no pickle in the index).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: int  # stable 63-bit id (fits FAISS's int64 labels)
    text: str  # the passage as a reader sees it
    content_hash: str  # sha256 of what was embedded (header + text) and the model input
    source_id: str
    council: str
    council_name: str
    doc_type: str
    title: str
    heading_path: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()  # every heading whose text this passage covers
    url: str | None = None
    path: str | None = None
    page_start: int | None = None
    page_end: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    updated: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    word_count: int = 0
    # Where the passage lies in its document, in words (first word, one past the last), and
    # which tiling it belongs to: 0 for the main one, 1 for passages offset by half a passage.
    word_start: int | None = None
    word_end: int | None = None
    tiling: int = 0

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ChunkRecord:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("heading_path", "headings"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)

    @property
    def header(self) -> str:
        """Title and heading path, prefixed to the text for matching (not shown to readers)."""
        parts = [self.title, *[h for h in self.heading_path if h != self.title]]
        return " > ".join(p for p in parts if p)


@dataclass(frozen=True)
class Citation:
    """Everything a reader needs to find and judge the source of a passage."""

    title: str
    council: str
    council_name: str
    doc_type: str
    source_id: str
    url: str | None
    updated: str | None
    heading_path: tuple[str, ...]
    page_start: int | None = None
    page_end: int | None = None
    line_start: int | None = None
    line_end: int | None = None

    @property
    def location(self) -> str:
        """Human-readable position inside the source: 'pages 3-4', 'lines 10-22' or ''."""
        if self.page_start is not None:
            if self.page_end and self.page_end != self.page_start:
                return f"pages {self.page_start}-{self.page_end}"
            return f"page {self.page_start}"
        if self.line_start is not None:
            if self.line_end and self.line_end != self.line_start:
                return f"lines {self.line_start}-{self.line_end}"
            return f"line {self.line_start}"
        return ""

    @classmethod
    def of(cls, record: ChunkRecord) -> Citation:
        return cls(
            title=record.title,
            council=record.council,
            council_name=record.council_name,
            doc_type=record.doc_type,
            source_id=record.source_id,
            url=record.url,
            updated=record.updated,
            heading_path=record.heading_path,
            page_start=record.page_start,
            page_end=record.page_end,
            line_start=record.line_start,
            line_end=record.line_end,
        )


@dataclass(frozen=True)
class Passage:
    chunk_id: int
    text: str
    score: float  # fused (reciprocal rank fusion) score: comparable within one search only
    citation: Citation
    dense_score: float | None = None  # cosine similarity, when the dense ranker saw it
    bm25_score: float | None = None
    headings: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class SearchFilters:
    council: str | None = None
    doc_types: tuple[str, ...] = ()
    age: int | None = None  # keeps passages whose source gives no ages, or whose range includes it


@dataclass(frozen=True)
class SearchResult:
    query: str
    passages: list[Passage]
    answerability: float  # calibrated probability that the passages answer the query
    answerable: bool  # answerability at or above the calibrated threshold
    features: dict = field(default_factory=dict)
