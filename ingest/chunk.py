"""Heading-aware chunking with sentence boundaries and provenance.

A document's blocks are cut into sentences (spaCy's rule-based sentencizer on a blank English
pipeline: no model download), then packed into passages of about `target_words` and never
more than `max_words`, without crossing a heading unless the passage so far is too short to
stand alone. Consecutive passages of one section share a sentence or two of overlap, so an
answer that straddles a cut is still found whole in one of them. Every passage keeps the
pages or 1-based lines of the blocks it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache

from ingest.model import Block, LoadedDocument
from knowledge_base.types import ChunkRecord

TARGET_WORDS = 200
MAX_WORDS = 250
MIN_WORDS = 120
OVERLAP_WORDS = 40
WINDOW_WORDS = 110
_ID_MASK = (1 << 63) - 1  # FAISS labels are signed 64-bit: keep ids positive


@dataclass(frozen=True)
class ChunkingConfig:
    target_words: int = TARGET_WORDS
    max_words: int = MAX_WORDS
    min_words: int = MIN_WORDS
    overlap_words: int = OVERLAP_WORDS


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a whole short list item/table row) with where it came from."""

    text: str
    words: int
    block_index: int
    block: Block


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def _word_count(text: str) -> int:
    return len(text.split())


def split_sentences(text: str) -> list[str]:
    """Sentences of one block, whitespace-normalised."""
    doc = _sentencizer()(text)
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def _split_long(text: str, max_words: int) -> list[str]:
    """A 'sentence' longer than a passage (a run-on table cell) is cut into word windows."""
    words = text.split()
    return [" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)]


def _units(blocks: list[Block], max_words: int) -> list[_Unit]:
    units: list[_Unit] = []
    for index, block in enumerate(blocks):
        text = " ".join(block.text.split())
        if not text:
            continue
        # List items and table rows are read as one piece; prose is cut at sentences.
        pieces = [text] if block.kind in ("list_item", "table_row") else split_sentences(text)
        for piece in pieces:
            for part in _split_long(piece, max_words) if _word_count(piece) > max_words else [piece]:
                units.append(_Unit(part, _word_count(part), index, block))
    return units


def _render(units: list[_Unit]) -> str:
    """Sentences of one block run together; blocks are separate lines; list items get a dash."""
    lines: list[str] = []
    previous = None
    for unit in units:
        if unit.block_index == previous:
            lines[-1] = f"{lines[-1]} {unit.text}"
        else:
            prefix = "- " if unit.block.kind == "list_item" else ""
            lines.append(prefix + unit.text)
        previous = unit.block_index
    return "\n".join(lines)


def _span(values: list[int | None]) -> tuple[int | None, int | None]:
    present = [v for v in values if v is not None]
    return (min(present), max(present)) if present else (None, None)


def stable_chunk_id(source_id: str, text: str, occurrence: int = 0) -> int:
    digest = hashlib.blake2b(f"{source_id}\x1f{occurrence}\x1f{text}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") & _ID_MASK


def embedding_text(record: ChunkRecord) -> str:
    """What BM25 reads: the title and heading path give a passage its context."""
    return f"{record.header}\n{record.text}" if record.header else record.text


def dense_windows(record: ChunkRecord, window_words: int = WINDOW_WORDS) -> list[str]:
    """What the dense model reads: the passage in sentence-aligned windows, each with the header.

    all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so a whole
    250-word passage would be embedded without its end. Windows of about 110 words (about 150
    word pieces, plus the header) fit; a passage's dense score is its best window's.
    """
    sentences = split_sentences(record.text)
    windows: list[list[str]] = [[]]
    count = 0
    for sentence in sentences:
        n = _word_count(sentence)
        if windows[-1] and count + n > window_words:
            overlap = windows[-1][-1:] if _word_count(windows[-1][-1]) <= window_words // 3 else []
            windows.append(list(overlap))
            count = sum(_word_count(s) for s in overlap)
        windows[-1].append(sentence)
        count += n
    header = f"{record.header}\n" if record.header else ""
    return [header + " ".join(window) for window in windows if window]


def _pack(units: list[_Unit], config: ChunkingConfig) -> list[list[_Unit]]:
    passages: list[list[_Unit]] = []
    current: list[_Unit] = []
    words = 0

    def emit() -> None:
        nonlocal current, words
        if current:
            passages.append(current)
        current, words = [], 0

    for i, unit in enumerate(units):
        new_section = bool(current) and unit.block.heading_path != current[-1].block.heading_path
        if new_section and words >= config.min_words:
            emit()
        elif current and (
            words + unit.words > config.max_words
            # Past the target: prefer to cut between blocks rather than fill up to the cap.
            or (words >= config.target_words and unit.block_index != current[-1].block_index)
        ):
            tail = _overlap_tail(current, min(config.overlap_words, config.max_words - unit.words), unit)
            emit()
            current = tail
            words = sum(u.words for u in current)
        current.append(unit)
        words += unit.words
    emit()
    return passages


def _overlap_tail(current: list[_Unit], overlap_words: int, next_unit: _Unit) -> list[_Unit]:
    """The last sentences of a passage, repeated at the start of the next one in its section."""
    tail: list[_Unit] = []
    words = 0
    for unit in reversed(current):
        if unit.block.heading_path != next_unit.block.heading_path:
            break
        if words + unit.words > overlap_words:
            break
        tail.insert(0, unit)
        words += unit.words
    return tail


def chunk_document(
    document: LoadedDocument, council_name: str, config: ChunkingConfig = ChunkingConfig()
) -> list[ChunkRecord]:
    units = _units(document.blocks, config.max_words)
    records: list[ChunkRecord] = []
    seen: dict[int, int] = {}
    for passage in _pack(units, config):
        text = _render(passage)
        headings: list[str] = []
        for unit in passage:
            for heading in unit.block.heading_path:
                if heading not in headings:
                    headings.append(heading)
        occurrence = 0
        chunk_id = stable_chunk_id(document.source_id, text)
        while chunk_id in seen:  # the same text twice in one document
            occurrence += 1
            chunk_id = stable_chunk_id(document.source_id, text, occurrence)
        seen[chunk_id] = 1
        page_start, page_end = _span([u.block.page for u in passage])
        line_start, _ = _span([u.block.line_start for u in passage])
        _, line_end = _span([u.block.line_end for u in passage])
        record = ChunkRecord(
            chunk_id=chunk_id,
            text=text,
            content_hash="",
            source_id=document.source_id,
            council=document.council,
            council_name=council_name,
            doc_type=document.doc_type,
            title=document.title,
            heading_path=passage[0].block.heading_path,
            headings=tuple(headings),
            url=document.url,
            path=document.path,
            page_start=page_start,
            page_end=page_end,
            line_start=line_start,
            line_end=line_end,
            updated=document.updated,
            min_age=document.min_age,
            max_age=document.max_age,
            word_count=_word_count(text),
        )
        content_hash = hashlib.sha256(embedding_text(record).encode()).hexdigest()
        records.append(replace(record, content_hash=content_hash))
    return records

