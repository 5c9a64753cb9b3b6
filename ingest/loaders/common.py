"""Small pieces every loader shares: whitespace, heading trails, dates, the empty-text check."""

from __future__ import annotations

import re
from datetime import date, datetime

from ingest.model import Block, LoadError

_WHITESPACE = re.compile(r"\s+")
_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
_VISIBLE_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%B %d %Y")


def normalise(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space and trim."""
    return _WHITESPACE.sub(" ", text).strip()


class HeadingTrail:
    """The chain of headings above the current position, kept by heading level (1 = top)."""

    def __init__(self) -> None:
        self._levels: list[tuple[int, str]] = []

    def enter(self, level: int, heading: str) -> None:
        """A heading at `level` closes every open heading at that level or deeper."""
        while self._levels and self._levels[-1][0] >= level:
            self._levels.pop()
        self._levels.append((level, heading))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(heading for _, heading in self._levels)


def iso_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD) from a datetime, a date or an ISO 8601 string; None if unreadable.

    Feeds send timestamps with and without time zones ("2025-09-02T12:06:15.654"); only the
    calendar date the source states matters here, so the zone is not converted.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        return None


def parse_visible_date(text: str) -> str | None:
    """An ISO date from a date as people write it: "14 September 2026", "14th Sept 2026"..."""
    cleaned = normalise(_ORDINAL_SUFFIX.sub("", text.replace(",", " "))).rstrip(".")
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for fmt in _VISIBLE_DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


_LAST_UPDATED = re.compile(
    r"\b(?:page\s+)?(?:last\s+)?(?:updated|reviewed|modified)(?:\s+on)?\s*:?\s*(?P<date>.+)$",
    re.IGNORECASE,
)


def date_from_last_updated_line(text: str) -> str | None:
    """The date in a visible "Last updated: 14 September 2026" line, if the line is one."""
    match = _LAST_UPDATED.search(text)
    return parse_visible_date(match["date"]) if match else None


def require_text(blocks: list[Block], source_id: str) -> list[Block]:
    """Refuse a document with nothing to index, so callers report it instead of indexing a shell."""
    if not any(block.text for block in blocks):
        raise LoadError(f"{source_id}: no readable text")
    return blocks
