from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, ListFlowable, ListItem, Paragraph, SimpleDocTemplate

from ingest.loaders.pdf import load_pdf
from ingest.model import LoadedDocument, LoadError
from tests.ingest.documents import RUNNING_HEADER, PdfBullet, PdfHeading, PdfParagraph, make_pdf

ADJUSTMENTS = (
    "Every school should make reasonable adjustments so that children with special educational "
    "needs can take part fully in lessons, clubs and trips, without waiting for a diagnosis."
)
VISUALS = (
    "Visual timetables, now-and-next boards and a quiet space help many children who find "
    "change hard, and cost the school very little to put in place."
)
SENCO = "Talk to the SENCo first: they can explain what the school already offers to every child."
PLAN = "The plan is reviewed at least three times a year with the family and the child."


def load(data: bytes) -> LoadedDocument:
    return load_pdf(
        data, source_id="generated/oap.pdf", council="brackenmoor", doc_type="oap_guidance"
    )


def guidance_pdf(*, title: str | None = "Ordinarily available provision") -> bytes:
    return make_pdf(
        [
            [
                PdfHeading("Introduction", level=0),
                PdfParagraph(ADJUSTMENTS),
                PdfHeading("Communication and interaction", level=1),
                PdfParagraph(VISUALS),
                PdfBullet("Use the child's name before an instruction"),
                PdfBullet("Give time to answer"),
            ],
            [
                PdfParagraph(SENCO),
                PdfHeading("Graduated approach", level=0),
                PdfParagraph(PLAN),
            ],
        ],
        title=title,
    )


def test_paragraphs_pages_and_outline_headings() -> None:
    document = load(guidance_pdf())

    assert document.title == "Ordinarily available provision"
    assert document.updated == "2000-01-01"  # reportlab's invariant ModDate
    assert [(b.page, b.kind, b.heading_path, b.text) for b in document.blocks] == [
        (1, "paragraph", ("Introduction",), ADJUSTMENTS),
        (1, "paragraph", ("Introduction", "Communication and interaction"), VISUALS),
        (
            1,
            "list_item",
            ("Introduction", "Communication and interaction"),
            "Use the child's name before an instruction",
        ),
        (1, "list_item", ("Introduction", "Communication and interaction"), "Give time to answer"),
        (2, "paragraph", ("Introduction", "Communication and interaction"), SENCO),
        (2, "paragraph", ("Graduated approach",), PLAN),
    ]


def test_running_header_and_page_numbers_are_dropped() -> None:
    text = " ".join(b.text for b in load(guidance_pdf()).blocks)

    assert RUNNING_HEADER not in text
    assert "Page 1 of 2" not in text
    assert "Page 2 of 2" not in text


def test_title_from_first_outline_entry_without_metadata_title() -> None:
    assert load(guidance_pdf(title=None)).title == "Introduction"


def test_bookmark_without_position_starts_at_its_heading_line() -> None:
    pdf = make_pdf(
        [
            [
                PdfHeading("Introduction", level=0),
                PdfParagraph(ADJUSTMENTS),
                PdfHeading("Sensory needs", level=0, positioned=False),
                PdfParagraph(VISUALS),
            ]
        ],
        running_header=False,
    )

    blocks = load(pdf).blocks

    assert [(b.heading_path, b.text) for b in blocks] == [
        (("Introduction",), ADJUSTMENTS),
        (("Sensory needs",), VISUALS),
    ]


def test_pdf_without_outline_still_splits_paragraphs() -> None:
    pdf = make_pdf(
        [[PdfParagraph(ADJUSTMENTS), PdfParagraph(VISUALS)]],
        title="No outline",
        running_header=False,
    )

    document = load(pdf)

    assert [(b.heading_path, b.text) for b in document.blocks] == [((), ADJUSTMENTS), ((), VISUALS)]


def test_garbage_is_not_a_pdf() -> None:
    with pytest.raises(LoadError, match="generated/oap.pdf: not a PDF"):
        load(b"this is not a PDF at all")


@pytest.mark.parametrize("keep", [0.25, 0.5])
def test_truncated_pdf_is_refused(keep: float) -> None:
    data = guidance_pdf()

    with pytest.raises(LoadError, match="generated/oap.pdf: PDF could not be read"):
        load(data[: int(len(data) * keep)])


def encrypted(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, "owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf_is_refused() -> None:
    with pytest.raises(LoadError, match="encrypted and needs a password"):
        load(encrypted(guidance_pdf(), user_password="family-secret"))


def test_pdf_encrypted_without_a_user_password_loads() -> None:
    document = load(encrypted(guidance_pdf(), user_password=""))

    assert document.blocks[0].text == ADJUSTMENTS


def test_scanned_pdf_without_text_is_refused() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(100, 100, 300, 400, fill=1)  # an image-only page has no text layer either
    pdf.showPage()
    pdf.save()

    with pytest.raises(LoadError, match="no readable text"):
        load(buffer.getvalue())


class _OutlinedDocument(SimpleDocTemplate):
    """Adds a whole-page outline entry for each heading, as reportlab's own examples do."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name.startswith("Heading"):
            key = f"heading-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(
                flowable.getPlainText(), key, level=int(flowable.style.name[-1]) - 1
            )


def test_platypus_document_with_wrapped_heading_and_bullet_list() -> None:
    long_heading = (
        "Communication and interaction: what every mainstream setting should already be doing"
    )
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    _OutlinedDocument(buffer, title="OAP guidance").build(
        [
            Paragraph(long_heading, styles["Heading1"]),
            Paragraph(ADJUSTMENTS, styles["BodyText"]),
            ListFlowable(
                [ListItem(Paragraph(text, styles["BodyText"])) for text in (VISUALS, SENCO)],
                bulletType="bullet",
            ),
            Paragraph("Reviewing the plan", styles["Heading2"]),
            Paragraph(PLAN, styles["BodyText"]),
        ]
    )

    document = load(buffer.getvalue())

    assert document.title == "OAP guidance"
    assert [(b.kind, b.heading_path, b.text) for b in document.blocks] == [
        ("paragraph", (long_heading,), ADJUSTMENTS),
        ("list_item", (long_heading,), VISUALS),
        ("list_item", (long_heading,), SENCO),
        ("paragraph", (long_heading, "Reviewing the plan"), PLAN),
    ]
