"""Builders for the PDF and Word files the tests load, generated in memory."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import datetime

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 56
RUNNING_HEADER = "Brackenmoor Borough Council - Ordinarily available provision"


@dataclass(frozen=True)
class PdfHeading:
    text: str
    level: int  # 0 = top of the outline (reportlab's numbering)
    positioned: bool = True  # False: a whole-page bookmark with no position on the page


@dataclass(frozen=True)
class PdfParagraph:
    text: str


@dataclass(frozen=True)
class PdfBullet:
    text: str


PdfItem = PdfHeading | PdfParagraph | PdfBullet


def make_pdf(
    pages: list[list[PdfItem]], *, title: str | None = None, running_header: bool = True
) -> bytes:
    """A PDF with "Page N of M" footers, an outline entry per heading and, unless turned off,
    a running header (which only repetition over pages marks as one)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # invariant: fixed 2000-01-01 dates
    if title:
        pdf.setTitle(title)
    for page_number, items in enumerate(pages, start=1):
        if running_header:
            pdf.setFont("Helvetica", 8)
            pdf.drawString(LEFT, PAGE_HEIGHT - 36, RUNNING_HEADER)
        y = PAGE_HEIGHT - 80
        for item in items:
            if isinstance(item, PdfHeading):
                y -= 8
                key = f"{page_number}-{item.text}"
                if item.positioned:
                    pdf.bookmarkHorizontal(key, 0, y + 16)
                else:
                    pdf.bookmarkPage(key)
                pdf.addOutlineEntry(item.text, key, level=item.level)
                pdf.setFont("Helvetica-Bold", 14)
                pdf.drawString(LEFT, y, item.text)
                y -= 22
            elif isinstance(item, PdfBullet):
                pdf.setFont("Helvetica", 11)
                pdf.drawString(LEFT + 8, y, f"- {item.text}")
                y -= 20
            else:
                pdf.setFont("Helvetica", 11)
                for line in textwrap.wrap(item.text, 85):
                    pdf.drawString(LEFT, y, line)
                    y -= 14
                y -= 10
        pdf.setFont("Helvetica", 8)
        pdf.drawString(PAGE_WIDTH / 2 - 20, 30, f"Page {page_number} of {len(pages)}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx(
    parts: list[tuple[str, str]],
    *,
    table: list[list[str]] | None = None,
    modified: datetime | None = None,
    core_title: str | None = None,
) -> bytes:
    """A Word document from (style, text) pairs; a table, when given, goes last."""
    document = docx.Document()
    for style, text in parts:
        document.add_paragraph(text, style=style)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row_index, row in enumerate(table):
            for column_index, text in enumerate(row):
                grid.cell(row_index, column_index).text = text
    if modified:
        document.core_properties.modified = modified
    if core_title:
        document.core_properties.title = core_title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
