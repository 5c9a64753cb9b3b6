from __future__ import annotations

import io
import zipfile
from datetime import datetime

import docx
import pytest

from ingest.loaders.docx import load_docx
from ingest.model import LoadedDocument, LoadError
from tests.ingest.documents import make_docx


def load(
    data: bytes, source_id: str = "generated/graduated-approach-toolkit.docx"
) -> LoadedDocument:
    return load_docx(data, source_id=source_id, council="brackenmoor", doc_type="toolkit")


def test_headings_lists_and_tables() -> None:
    data = make_docx(
        [
            ("Title", "Graduated approach toolkit"),
            ("Normal", "Use this toolkit with the SENCo."),
            ("Heading 1", "Assess"),
            ("Normal", "Gather what you know about the child."),
            ("List Bullet", "Talk to the family"),
            ("List Number", "Observe in class"),
            ("Heading 2", "Tools"),
            ("Normal", ""),
            ("Normal", "Screening tools   help."),
            ("Heading 1", "Plan"),
            ("Heading 3", "Outcomes"),
            ("Normal", "Agree outcomes with the child."),
        ],
        table=[["Need", "Provision"], ["Speech", "Small-group language work"]],
        modified=datetime(2026, 3, 4, 10, 30),
    )

    document = load(data)

    assert document.title == "Graduated approach toolkit"
    assert document.updated == "2026-03-04"
    assert [(b.kind, b.heading_path, b.text) for b in document.blocks] == [
        ("paragraph", (), "Use this toolkit with the SENCo."),
        ("paragraph", ("Assess",), "Gather what you know about the child."),
        ("list_item", ("Assess",), "Talk to the family"),
        ("list_item", ("Assess",), "Observe in class"),
        ("paragraph", ("Assess", "Tools"), "Screening tools help."),
        ("paragraph", ("Plan", "Outcomes"), "Agree outcomes with the child."),
        ("table_row", ("Plan", "Outcomes"), "Need | Provision"),
        ("table_row", ("Plan", "Outcomes"), "Speech | Small-group language work"),
    ]


def test_leading_heading_1_is_the_title() -> None:
    document = load(make_docx([("Heading 1", "Toolkit"), ("Heading 2", "Do"), ("Normal", "Text.")]))

    assert document.title == "Toolkit"
    assert document.blocks[0].heading_path == ("Do",)


def test_heading_1_after_text_is_a_section() -> None:
    document = load(make_docx([("Normal", "Intro."), ("Heading 1", "Review"), ("Normal", "Text.")]))

    assert document.blocks[-1].heading_path == ("Review",)
    assert document.title == "graduated approach toolkit"  # the file name, with no title anywhere


def test_title_from_core_properties_when_the_text_has_none() -> None:
    document = load(make_docx([("Normal", "Intro.")], core_title="Short breaks statement"))

    assert document.title == "Short breaks statement"


def test_merged_cells_appear_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for column, text in enumerate(["Stage", "Who", "When"]):
        table.cell(0, column).text = text
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Review meeting"
    table.cell(1, 2).text = "Termly"
    buffer = io.BytesIO()
    document.save(buffer)

    rows = [b.text for b in load(buffer.getvalue()).blocks]

    assert rows == ["Stage | Who | When", "Review meeting | Termly"]


def test_garbage_is_refused() -> None:
    with pytest.raises(LoadError, match="not a readable Word document"):
        load(b"not a word document")


def test_zip_without_a_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")

    with pytest.raises(LoadError, match="not a readable Word document"):
        load(buffer.getvalue())


def test_truncated_docx_is_refused() -> None:
    data = make_docx([("Normal", "Some text.")])

    with pytest.raises(LoadError, match="not a readable Word document"):
        load(data[: len(data) // 2])


def test_document_without_text_is_refused() -> None:
    with pytest.raises(LoadError, match="no readable text"):
        load(make_docx([("Title", "Only a title"), ("Normal", "  ")]))
