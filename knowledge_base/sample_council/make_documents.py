"""Build the sample council's PDF and DOCX documents from their Markdown sources.

Run from the repository root:

    python -m knowledge_base.sample_council.make_documents [--force]

It reads src/oap-guidance.md and src/graduated-approach-toolkit.md and writes
generated/oap-guidance.pdf (reportlab) and generated/graduated-approach-toolkit.docx
(python-docx). An output is rebuilt only when its source (or this script) is newer.

Only the Markdown subset the sources use is handled: '#', '##' and '###' headings,
paragraphs, '- ' bullets, one simple pipe table, **bold** and a '*Last updated: YYYY-MM-DD*'
line under the title.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
OUT = HERE / "generated"
AUTHOR = "Brackenmoor Borough Council (fictional sample)"

LAST_UPDATED = re.compile(r"^\*Last updated: (\d{4}-\d{2}-\d{2})\*$")
BOLD = re.compile(r"\*\*(.+?)\*\*")


# --- Markdown subset --------------------------------------------------------------------------


@dataclass
class Doc:
    title: str = ""
    updated: datetime | None = None
    blocks: list[tuple] = field(default_factory=list)  # ("h", level, text) | ("p", text)
    # | ("ul", [items]) | ("table", [[cells], ...])


def parse(text: str) -> Doc:
    doc = Doc()
    para: list[str] = []

    def flush() -> None:
        if para:
            doc.blocks.append(("p", " ".join(para)))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if m := re.match(r"^(#{1,3}) (.+)$", line):
            flush()
            level, heading = len(m.group(1)), m.group(2).strip()
            if level == 1 and not doc.title:
                doc.title = heading
            doc.blocks.append(("h", level, heading))
        elif m := LAST_UPDATED.match(line):
            flush()
            doc.updated = datetime.strptime(m.group(1), "%Y-%m-%d").replace(tzinfo=UTC)
            doc.blocks.append(("p", f"Last updated: {m.group(1)}"))
        elif line.startswith("- "):
            flush()
            if doc.blocks and doc.blocks[-1][0] == "ul":
                doc.blocks[-1][1].append(line[2:])
            else:
                doc.blocks.append(("ul", [line[2:]]))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue  # the header separator row
            if doc.blocks and doc.blocks[-1][0] == "table":
                doc.blocks[-1][1].append(cells)
            else:
                doc.blocks.append(("table", [cells]))
        else:
            para.append(line)
    flush()
    if doc.updated is None:
        raise ValueError("source has no '*Last updated: YYYY-MM-DD*' line")
    return doc


def split_bold(text: str) -> list[tuple[str, bool]]:
    """'a **b** c' -> [('a ', False), ('b', True), (' c', False)]"""
    parts = BOLD.split(text)
    return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]


# --- PDF (reportlab) ---------------------------------------------------------------------------


def build_pdf(doc: Doc, out: Path) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        ListFlowable,
        ListItem,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    base = getSampleStyleSheet()
    body = ParagraphStyle("Body", parent=base["BodyText"], fontSize=11, leading=15, spaceAfter=6)
    notice = ParagraphStyle(
        "Notice",
        parent=body,
        backColor=colors.HexColor("#fff4ce"),
        borderColor=colors.HexColor("#b58900"),
        borderWidth=0.8,
        borderPadding=6,
        spaceBefore=6,
        spaceAfter=12,
    )
    heads = {
        level: ParagraphStyle(
            f"H{level}",
            parent=base[f"Heading{level}"],
            fontName="Helvetica-Bold",
            fontSize=size,
            leading=size + 4,
            spaceBefore=before,
            spaceAfter=after,
            keepWithNext=True,
        )
        for level, size, before, after in ((1, 20, 0, 10), (2, 15, 14, 6), (3, 12.5, 10, 4))
    }

    def markup(text: str) -> str:
        return "".join(f"<b>{escape(t)}</b>" if b else escape(t) for t, b in split_bold(text))

    class Heading(Paragraph):
        """A heading paragraph that adds itself to the PDF outline when drawn."""

        def __init__(self, text: str, level: int, key: str):
            super().__init__(markup(text), heads[level])
            self.outline = (text, level - 1, key)

        def draw(self):
            text, level, key = self.outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            super().draw()

    story = []
    for i, block in enumerate(doc.blocks):
        kind = block[0]
        if kind == "h":
            story.append(Heading(block[2], block[1], f"h{i}"))
        elif kind == "p":
            text = block[1]
            story.append(
                Paragraph(markup(text), notice if text.startswith("**Sample content.**") else body)
            )
        elif kind == "ul":
            items = [ListItem(Paragraph(markup(t), body), leftIndent=14) for t in block[1]]
            story.append(ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=14))
            story.append(Spacer(1, 4))
        elif kind == "table":
            rows = [[Paragraph(markup(c), body) for c in row] for row in block[1]]
            table = Table(rows, repeatRows=1, hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)

    stamp = doc.updated.strftime("D:%Y%m%d%H%M%S+00'00'")

    def footer(canvas, _doc):
        canvas.saveState()
        canvas.setDateFormatter(lambda *_: stamp)  # CreationDate and ModDate = last updated
        canvas.showOutline()  # open the bookmarks panel when the PDF is opened
        canvas.setFont("Helvetica", 9)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            2 * cm, 1.2 * cm, "Sample content: Brackenmoor Borough Council is fictional"
        )
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    out.parent.mkdir(parents=True, exist_ok=True)
    margin = 2.2 * cm
    pdf = BaseDocTemplate(
        str(out),
        pagesize=A4,
        title=doc.title,
        author=AUTHOR,
        subject="SEND local offer (sample)",
        creator="make_documents.py",
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        invariant=1,
    )
    frame = Frame(margin, margin, A4[0] - 2 * margin, A4[1] - 2 * margin, id="body")
    # The footer is drawn at the end of each page so text extraction reads it after the body.
    pdf.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=footer)])
    pdf.build(story)
    return pdf.page


# --- DOCX (python-docx) ------------------------------------------------------------------------


def build_docx(doc: Doc, out: Path) -> None:
    import docx

    d = docx.Document()

    def add_runs(par, text: str) -> None:
        for t, b in split_bold(text):
            par.add_run(t).bold = b or None

    for block in doc.blocks:
        kind = block[0]
        if kind == "h":
            d.add_heading(block[2], level=block[1])  # Heading 1 / 2 / 3
        elif kind == "p":
            add_runs(d.add_paragraph(), block[1])
        elif kind == "ul":
            for item in block[1]:
                add_runs(d.add_paragraph(style="List Bullet"), item)
        elif kind == "table":
            rows = block[1]
            table = d.add_table(rows=len(rows), cols=len(rows[0]), style="Table Grid")
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = text
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True

    props = d.core_properties
    props.title = doc.title
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.subject = "SEND local offer (sample)"
    props.created = doc.updated
    props.modified = doc.updated
    props.revision = 1
    out.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(out))


# --- driver ------------------------------------------------------------------------------------

TARGETS = [
    (SRC / "oap-guidance.md", OUT / "oap-guidance.pdf", "pdf"),
    (SRC / "graduated-approach-toolkit.md", OUT / "graduated-approach-toolkit.docx", "docx"),
]


def is_stale(src: Path, out: Path) -> bool:
    if not out.exists():
        return True
    newest = max(src.stat().st_mtime, Path(__file__).stat().st_mtime)
    return newest > out.stat().st_mtime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = ap.parse_args(argv)
    for src, out, kind in TARGETS:
        rel = out.relative_to(HERE.parent.parent)
        if not args.force and not is_stale(src, out):
            print(f"up to date: {rel}")
            continue
        doc = parse(src.read_text(encoding="utf-8"))
        if kind == "pdf":
            pages = build_pdf(doc, out)
            print(f"built {rel} ({pages} pages)")
        else:
            build_docx(doc, out)
            print(f"built {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
