"""PDF documents -> paragraphs with 1-based page numbers, under the PDF outline's headings.

pypdf gives text line by line; we read each line's vertical position too, so wrapped lines can
be joined into paragraphs (a gap wider than normal line spacing, or a change of font size,
ends one) and each bookmark's heading can start exactly where the bookmark points on its page.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath

from pypdf import DocumentInformation, PageObject, PasswordType, PdfReader
from pypdf.generic import Destination

from ingest.loaders.common import HeadingTrail, iso_date, normalise, require_text
from ingest.model import Block, LoadedDocument, LoadError

# \x7f: reportlab's bullet as pypdf decodes it; \uf0b7, \uf0a7: Word's Symbol/Wingdings bullets.
_BULLETS = ("•", "●", "○", "◦", "▪", "■", "‣", "⁃", "\x7f", "\uf0b7", "\uf0a7", "- ", "* ", "– ")
_NUMBERED_ITEM = re.compile(r"^(\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s+\S")
_PAGE_NUMBER = re.compile(r"^(page\s*)?[-–]?\s*\d+\s*[-–]?(\s*(of|/)\s*\d+)?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
# Metadata titles that are not titles: a file name, or a tool's placeholder.
_PLACEHOLDER_TITLE = re.compile(
    r"^(microsoft (word|powerpoint) - .*|.*\.(docx?|pdf|pptx?)|untitled( document)?)$",
    re.IGNORECASE,
)

# Single-spaced text sits about 1.2 font sizes apart; a paragraph gap is wider than 1.5.
_PARAGRAPH_GAP = 1.5
# ...but on a double-spaced page every gap is wide, so a break must also beat the usual gap.
_USUAL_GAP_MARGIN = 1.3
_EDGE_LINES = 2  # lines at each end of a page that may be a running header or footer
_POSITION_TOLERANCE = 2.0  # points
_MAX_HEADING_LINES = 4


@dataclass(frozen=True)
class _Line:
    text: str
    y: float | None  # baseline, PDF user space (up is larger)
    size: float  # effective font size in points


@dataclass(frozen=True)
class _Bookmark:
    title: str
    level: int  # 1 = top of the outline
    page: int  # 0-based
    top: float | None


def load_pdf(
    data: bytes,
    *,
    source_id: str,
    council: str,
    doc_type: str,
    url: str | None = None,
    path: str | None = None,
) -> LoadedDocument:
    """Load a PDF: one block per paragraph or list item, each carrying its 1-based page."""
    reader = _open(data, source_id)
    try:
        pages = [_page_lines(page) for page in reader.pages]
        bookmarks = _bookmarks(reader)
        metadata = reader.metadata
    except Exception as exc:  # pypdf raises many exception types on damaged files
        raise LoadError(
            f"{source_id}: PDF could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    pages = _without_running_lines(pages)
    stated_title = _metadata_title(metadata)
    blocks = require_text(_blocks(pages, bookmarks, stated_title), source_id)
    title = stated_title or (
        bookmarks[0].title if bookmarks else _name_title(path or url or source_id)
    )
    return LoadedDocument(
        source_id=source_id,
        title=title,
        council=council,
        doc_type=doc_type,
        blocks=blocks,
        url=url,
        path=path,
        updated=_updated(metadata),
    )


def _open(data: bytes, source_id: str) -> PdfReader:
    if b"%PDF-" not in data[:1024]:  # readers allow a little junk before the header
        raise LoadError(f"{source_id}: not a PDF (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError(f"{source_id}: PDF is encrypted and needs a password")
        if len(reader.pages) == 0:
            raise LoadError(f"{source_id}: PDF has no pages")
    except LoadError:
        raise
    except Exception as exc:  # damaged xref tables, truncated streams, missing crypto support...
        raise LoadError(
            f"{source_id}: PDF could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    return reader


def _page_lines(page: PageObject) -> list[_Line]:
    """The page's text lines in content order, each with its baseline and font size."""
    lines: list[_Line] = []
    pieces: list[str] = []
    position: list[float | None] = [None, 0.0]

    def close_line() -> None:
        text = normalise("".join(pieces))
        if text:
            lines.append(_Line(text=text, y=position[0], size=position[1]))
        pieces.clear()
        position[:] = [None, 0.0]

    def visit(text: str, cm: list[float], tm: list[float], _font: object, font_size: float) -> None:
        for index, piece in enumerate(text.split("\n")):
            if index:
                close_line()
            if piece.strip() and position[0] is None:
                position[0] = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                position[1] = font_size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            pieces.append(piece)

    page.extract_text(visitor_text=visit)
    close_line()
    return lines


def _bookmarks(reader: PdfReader) -> list[_Bookmark]:
    """The outline flattened, by page, with nesting levels."""
    found: list[_Bookmark] = []

    def walk(entries: list, level: int) -> None:
        for entry in entries:
            if isinstance(entry, list):  # children of the entry before it
                walk(entry, level + 1)
                continue
            if not isinstance(entry, Destination):
                continue
            title = normalise(str(entry.title or ""))
            page = reader.get_destination_page_number(entry)
            if title and page is not None and page >= 0:
                top = entry.top if isinstance(entry.top, (int, float)) else None
                found.append(_Bookmark(title=title, level=level, page=page, top=top))

    walk(reader.outline, 1)
    return sorted(found, key=lambda bookmark: bookmark.page)  # stable: outline order within a page


def _without_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers, and headers/footers: the same text at the same height on most pages."""

    def running_key(line: _Line) -> tuple[str, int | None]:
        height = round(line.y) if line.y is not None else None
        return _DIGITS.sub("#", line.text.casefold()), height

    def edge_indexes(lines: list[_Line]) -> set[int]:
        count = len(lines)
        return set(range(min(_EDGE_LINES, count))) | set(range(max(count - _EDGE_LINES, 0), count))

    seen = Counter(
        key for lines in pages for key in {running_key(lines[i]) for i in edge_indexes(lines)}
    )
    repeated = {
        key for key, pages_with_it in seen.items() if pages_with_it >= max(2, len(pages) / 2)
    }
    return [
        [
            line
            for index, line in enumerate(lines)
            if index not in edge_indexes(lines)
            or _is_bullet_glyph(line.text)
            or not (running_key(line) in repeated or _PAGE_NUMBER.match(line.text))
        ]
        for lines in pages
    ]


def _blocks(pages: list[list[_Line]], bookmarks: list[_Bookmark], stated_title: str) -> list[Block]:
    assembler = _Assembler(stated_title)
    pending = list(bookmarks)
    for page_index, lines in enumerate(pages):
        on_page = [b for b in pending if b.page == page_index]
        pending = [b for b in pending if b.page > page_index]
        assembler.page(page_index + 1, lines, on_page)
    return assembler.blocks


class _Assembler:
    """Turns pages of lines into paragraph and list-item blocks under the outline's headings."""

    def __init__(self, stated_title: str) -> None:
        self.blocks: list[Block] = []
        self._title = stated_title.casefold()
        self._trail = HeadingTrail()
        self._paragraph: list[str] = []
        self._kind = "paragraph"
        self._page = 0

    def page(self, page_number: int, lines: list[_Line], on_page: list[_Bookmark]) -> None:
        self._page = page_number
        usual_gap = _usual_gap(lines)
        starts, heading_lines = _heading_positions(on_page, lines)
        previous: _Line | None = None
        after_bullet = False
        for index, line in enumerate(lines):
            if index in starts:
                self._flush()
                for bookmark in starts[index]:
                    self._enter(bookmark)
            if index in heading_lines:
                previous = None
                continue  # its text is in the heading path now
            if _is_bullet_glyph(line.text):
                self._flush()
                after_bullet = True
                continue
            item_text = _list_item_text(line.text)
            if after_bullet or item_text is not None:
                self._flush()
                self._kind = "list_item"
                self._paragraph.append(line.text if after_bullet else item_text)
            else:
                if previous is not None and _starts_paragraph(previous, line, usual_gap):
                    self._flush()
                self._paragraph.append(line.text)
            previous, after_bullet = line, False
        self._flush()  # a paragraph running onto the next page becomes two blocks, one per page
        for bookmark in starts.get(len(lines), []):  # positioned below every line of text
            self._enter(bookmark)

    def _enter(self, bookmark: _Bookmark) -> None:
        # An outline entry repeating the document's title is the title, not a section of it.
        if bookmark.title.casefold() != self._title:
            self._trail.enter(bookmark.level, bookmark.title)

    def _flush(self) -> None:
        text = _join_wrapped(self._paragraph)
        if text:
            self.blocks.append(
                Block(text=text, heading_path=self._trail.path, page=self._page, kind=self._kind)
            )
        self._paragraph.clear()
        self._kind = "paragraph"


def _heading_positions(
    on_page: list[_Bookmark], lines: list[_Line]
) -> tuple[dict[int, list[_Bookmark]], set[int]]:
    """Where each bookmark starts (a line index; len(lines) = after the last line), and which
    lines are the headings' own text.

    A positioned bookmark starts at the first line at or below its top. One without a position
    starts at the lines spelling its title, searched after the previous bookmark's start, or
    else at the top of the page.
    """
    starts: dict[int, list[_Bookmark]] = {}
    heading_lines: set[int] = set()
    search_from = 0
    for bookmark in on_page:
        if bookmark.top is not None:
            start = next(
                (
                    index
                    for index, line in enumerate(lines)
                    if line.y is not None and line.y <= bookmark.top + _POSITION_TOLERANCE
                ),
                len(lines),
            )
            span = _title_span(lines, start, bookmark.title)
        else:
            start, span = next(
                (
                    (index, span)
                    for index in range(search_from, len(lines))
                    if (span := _title_span(lines, index, bookmark.title))
                ),
                (0, 0),
            )
        search_from = max(search_from, start)
        starts.setdefault(start, []).append(bookmark)
        heading_lines.update(range(start, start + span))
    return starts, heading_lines


def _title_span(lines: list[_Line], start: int, title: str) -> int:
    """How many lines from `start` spell the heading (a long heading wraps), or 0."""
    wanted = title.casefold()
    joined = ""
    for index in range(start, min(start + _MAX_HEADING_LINES, len(lines))):
        joined = f"{joined} {lines[index].text.casefold()}".strip()
        if joined == wanted:
            return index - start + 1
        if not wanted.startswith(joined):
            break
    return 0


def _is_bullet_glyph(text: str) -> bool:
    """A bullet drawn apart from its text comes out as a line of its own, e.g. "•"."""
    return len(text) <= 2 and not any(character.isalnum() for character in text)


def _list_item_text(text: str) -> str | None:
    """The item's text if the line starts a bulleted or numbered list item, else None."""
    for bullet in _BULLETS:
        if text.startswith(bullet):
            return text[len(bullet) :].strip() or None
    return text if _NUMBERED_ITEM.match(text) else None


def _starts_paragraph(previous: _Line, line: _Line, usual_gap: float) -> bool:
    if previous.y is None or line.y is None:
        return False
    if abs(previous.size - line.size) > 0.5:
        return True  # a heading, caption or footnote
    gap = previous.y - line.y
    if gap < 0:
        return True  # moved up the page: a new column or a text box
    return gap > _PARAGRAPH_GAP * max(line.size, 1.0) and gap > _USUAL_GAP_MARGIN * usual_gap


def _usual_gap(lines: list[_Line]) -> float:
    """The page's ordinary line spacing: a low percentile, as line gaps outnumber paragraph gaps."""
    gaps = sorted(
        a.y - b.y for a, b in pairwise(lines) if a.y is not None and b.y is not None and a.y > b.y
    )
    return gaps[len(gaps) // 4] if gaps else 0.0


def _join_wrapped(lines: list[str]) -> str:
    """Join wrapped lines; a hyphen at a line's end before a lower-case word joins with no space."""
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return normalise(text)


def _metadata_title(metadata: DocumentInformation | None) -> str:
    title = normalise(str(metadata.title or "")) if metadata else ""
    return "" if _PLACEHOLDER_TITLE.match(title) else title


def _name_title(name: str) -> str:
    return PurePosixPath(name).stem.replace("-", " ").replace("_", " ").strip() or name


def _updated(metadata: DocumentInformation | None) -> str | None:
    if not metadata:
        return None
    for field in ("modification_date", "creation_date"):
        try:
            found = iso_date(getattr(metadata, field))
        except ValueError:  # a malformed date string in the document information
            continue
        if found:
            return found
    return None
