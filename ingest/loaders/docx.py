"""Word documents (.docx) -> paragraphs, list items and table rows under Heading 1-9 styles.

Hidden text (w:vanish, set on a run or through its character or paragraph style) is left out:
no reader sees it, and it is where a document can hide keyword stuffing or instructions.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

import docx
from docx.document import Document
from docx.styles.style import BaseStyle, CharacterStyle
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from ingest.loaders.common import HeadingTrail, iso_date, normalise, require_text
from ingest.model import Block, LoadedDocument, LoadError

_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)


def load_docx(
    data: bytes,
    *,
    source_id: str,
    council: str,
    doc_type: str,
    url: str | None = None,
    path: str | None = None,
) -> LoadedDocument:
    """Load a .docx: a leading Title or Heading 1 is the title, later headings the path."""
    document = _open(data, source_id)
    trail = HeadingTrail()
    blocks: list[Block] = []
    title: str | None = None
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            blocks.extend(_table_rows(part, trail.path))
            continue
        text = normalise(_visible_text(part))
        if not text:
            continue
        level = _heading_level(part)
        if level is not None:
            if level <= 1 and title is None and not blocks and not trail.path:
                title = text
            else:
                trail.enter(max(level, 1), text)
            continue
        kind = "list_item" if _is_list_item(part) else "paragraph"
        blocks.append(Block(text=text, heading_path=trail.path, kind=kind))
    require_text(blocks, source_id)
    properties = document.core_properties
    return LoadedDocument(
        source_id=source_id,
        title=title or normalise(properties.title or "") or _stem(path or url or source_id),
        council=council,
        doc_type=doc_type,
        blocks=blocks,
        url=url,
        path=path,
        updated=iso_date(properties.modified),
    )


def _open(data: bytes, source_id: str) -> Document:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a zip, no document part, malformed XML...
        raise LoadError(
            f"{source_id}: not a readable Word document ({type(exc).__name__}: {exc})"
        ) from exc


def _visible_text(paragraph: Paragraph) -> str:
    """The paragraph's text (as `Paragraph.text` reads it) less its hidden runs."""
    paragraph_hides = _style_hides(paragraph.style)
    parts = []
    for item in paragraph.iter_inner_content():
        for run in item.runs if isinstance(item, Hyperlink) else [item]:
            hidden = run.font.hidden  # direct formatting wins over styles
            if hidden is None and run._r.style is not None:
                hidden = _style_hides(run.style)
            if not (paragraph_hides if hidden is None else hidden):
                parts.append(run.text)
    return "".join(parts)


def _style_hides(style: CharacterStyle | None) -> bool | None:
    """The hidden setting a style gives its text, its own or that of a style it is based on."""
    while style is not None:
        if style.font.hidden is not None:
            return style.font.hidden
        style = style.base_style
    return None


def _heading_level(paragraph: Paragraph) -> int | None:
    """0 for Title, N for Heading N (also through styles based on one); None for body text."""
    style: BaseStyle | None = paragraph.style
    while style is not None:
        name = style.name or ""
        if name.lower() == "title":
            return 0
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match[1])
        style = style.base_style
    return None


def _is_list_item(paragraph: Paragraph) -> bool:
    style_name = (paragraph.style.name if paragraph.style is not None else "") or ""
    properties = paragraph._p.pPr  # direct numbering has no public python-docx API
    return style_name.lower().startswith("list") or (
        properties is not None and properties.numPr is not None
    )


def _table_rows(table: Table, heading_path: tuple[str, ...]) -> list[Block]:
    rows = []
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is returned once per grid column it spans
                continue
            previous = cell._tc
            cells.append(normalise("\n".join(_visible_text(p) for p in cell.paragraphs)))
        cells = [cell for cell in cells if cell]
        if cells:
            rows.append(Block(text=" | ".join(cells), heading_path=heading_path, kind="table_row"))
    return rows


def _stem(name: str) -> str:
    return PurePosixPath(name).stem.replace("-", " ").replace("_", " ").strip() or name
