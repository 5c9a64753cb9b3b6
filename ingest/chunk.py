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
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from ingest.model import Block, LoadedDocument
from knowledge_base.types import ChunkRecord

TARGET_WORDS = 200
MAX_WORDS = 250
MIN_WORDS = 120
OVERLAP_WORDS = 40
WINDOW_TOKENS = 150  # word pieces of text per dense window (about 110 words)
MIN_WINDOW_TOKENS = 64
MODEL_MAX_TOKENS = 256
TOKENS_PER_WORD = 1.35  # English prose, for when no tokenizer is at hand
_WORD = re.compile(r"\S+")
_ID_MASK = (1 << 63) - 1  # FAISS labels are signed 64-bit: keep ids positive


@dataclass(frozen=True)
class ChunkingConfig:
    target_words: int = TARGET_WORDS
    max_words: int = MAX_WORDS
    min_words: int = MIN_WORDS
    overlap_words: int = OVERLAP_WORDS
    offset_tiling: bool = True  # a second tiling, offset by half a passage (see `_offset_passages`)


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a whole short list item/table row) with where it came from.

    `start`/`end` are character offsets into the block's whitespace-normalised text, so a
    run of sentences from one block is rendered as the exact source text between them.
    """

    text: str
    words: int
    block_index: int
    block: Block
    block_text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def _word_count(text: str) -> int:
    """Words as a reader counts them: tokens with a letter or digit (a list's dash is not one)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def split_sentences(text: str) -> list[str]:
    """Sentences of one block, whitespace-normalised."""
    text = " ".join(text.split())
    return [text[start:end] for start, end in sentence_spans(text)]


def _units(blocks: list[Block], max_words: int) -> list[_Unit]:
    units: list[_Unit] = []
    for index, block in enumerate(blocks):
        text = " ".join(block.text.split())
        if not text:
            continue
        # List items and table rows are read as one piece; prose is cut at sentences.
        pieces = [(0, len(text))] if block.kind in ("list_item", "table_row") else sentence_spans(text)
        for start, end in pieces:
            for part_start, part_end in _word_windows(text, start, end, max_words):
                part = text[part_start:part_end]
                units.append(_Unit(part, _word_count(part), index, block, text, part_start, part_end))
    return units


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each sentence, trimmed of surrounding spaces."""
    spans = []
    for sentence in _sentencizer()(text).sents:
        start, end = sentence.start_char, sentence.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _word_windows(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """A 'sentence' longer than a passage (a run-on table cell) is cut into word windows."""
    bounds = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
    if len(bounds) <= max_words:
        return [(start, end)]
    return [(bounds[i][0], bounds[min(i + max_words, len(bounds)) - 1][1]) for i in range(0, len(bounds), max_words)]


def _render(units: list[_Unit]) -> str:
    """Sentences of one block as their source text; blocks are separate lines; list items get a dash."""
    lines: list[str] = []
    first: _Unit | None = None  # the first unit of the current line
    for unit in units:
        if first is not None and unit.block_index == first.block_index:
            lines[-1] = _line_prefix(first) + unit.block_text[first.start : unit.end]
        else:
            first = unit
            lines.append(_line_prefix(unit) + unit.text)
    return "\n".join(lines)


def _line_prefix(unit: _Unit) -> str:
    return "- " if unit.block.kind == "list_item" else ""


def _span(values: list[int | None]) -> tuple[int | None, int | None]:
    present = [v for v in values if v is not None]
    return (min(present), max(present)) if present else (None, None)


def stable_chunk_id(source_id: str, text: str, occurrence: int = 0) -> int:
    digest = hashlib.blake2b(f"{source_id}\x1f{occurrence}\x1f{text}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") & _ID_MASK


def embedding_text(record: ChunkRecord) -> str:
    """What BM25 reads: the title and heading path give a passage its context."""
    return f"{record.header}\n{record.text}" if record.header else record.text


def dense_windows(
    record: ChunkRecord,
    count_tokens: Callable[[str], int] | None = None,
    max_tokens: int = MODEL_MAX_TOKENS,
    window_tokens: int = WINDOW_TOKENS,
) -> list[str]:
    """What the dense model reads: the passage in sentence-aligned windows, each with the header.

    all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so a whole
    250-word passage would be embedded without its end. Each window holds about
    `window_tokens` word pieces of text (counted with the model's own tokenizer when
    `count_tokens` is given, else estimated from words) and, with its header, fits the model;
    a passage's dense score is its best window's.
    """
    count = count_tokens or (lambda text: round(_word_count(text) * TOKENS_PER_WORD))
    header = f"{record.header}\n" if record.header else ""
    budget = max(MIN_WINDOW_TOKENS, min(window_tokens, max_tokens - count(header) - 2))
    windows: list[list[str]] = [[]]
    used = 0
    for sentence in split_sentences(record.text):
        n = count(sentence)
        if windows[-1] and used + n > budget:
            last = windows[-1][-1]
            overlap = [last] if count(last) <= budget // 3 else []
            windows.append(list(overlap))
            used = sum(count(s) for s in overlap)
        windows[-1].append(sentence)
        used += n
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


def _offset_passages(units: list[_Unit], passages: list[list[_Unit]], config: ChunkingConfig) -> list[list[_Unit]]:
    """A second tiling: a passage starting halfway through each passage of the first.

    Where an answer straddles the cut between two passages, each holds only part of it; the
    passage that starts in the middle of the first and runs on into the second holds it whole.
    It is packed like the first tiling (up to the target, never past the cap, and not on past a
    heading once it can stand alone). One that adds nothing new (it ends inside the passage it
    starts in, or is the next passage) is left out.
    """
    position = {id(unit): i for i, unit in enumerate(units)}
    taken = {(position[id(p[0])], position[id(p[-1])]) for p in passages}
    extra: list[list[_Unit]] = []
    for passage in passages[:-1]:
        total = sum(u.words for u in passage)
        words = 0
        start = position[id(passage[-1])]
        for unit in passage:
            if words >= total / 2:
                start = position[id(unit)]
                break
            words += unit.words
        current: list[_Unit] = []
        words = 0
        for unit in units[start:]:
            if current and (
                words + unit.words > config.max_words
                or (words >= config.min_words and unit.block.heading_path != current[-1].block.heading_path)
                or (words >= config.target_words and unit.block_index != current[-1].block_index)
            ):
                break
            current.append(unit)
            words += unit.words
        last = position[id(current[-1])]
        if last <= position[id(passage[-1])] or (start, last) in taken:
            continue  # it ends inside the passage it started in, or is the next one: nothing new
        taken.add((start, last))
        extra.append(current)
    return extra


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
    first_word: dict[int, int] = {}
    total = 0
    for unit in units:
        first_word[id(unit)] = total
        total += unit.words
    main = _pack(units, config)
    tilings = [(passage, 0) for passage in main]
    if config.offset_tiling:
        tilings += [(passage, 1) for passage in _offset_passages(units, main, config)]
        tilings.sort(key=lambda item: (first_word[id(item[0][0])], item[1]))  # document order
    records: list[ChunkRecord] = []
    seen: dict[int, int] = {}
    for passage, tiling in tilings:
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
            word_start=first_word[id(passage[0])],
            word_end=first_word[id(passage[-1])] + passage[-1].words,
            tiling=tiling,
        )
        content_hash = hashlib.sha256(embedding_text(record).encode()).hexdigest()
        records.append(replace(record, content_hash=content_hash))
    return records

