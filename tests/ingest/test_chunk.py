"""Chunking: passage sizes, headings, overlap, stable ids, and provenance (lines and pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunk import ChunkingConfig, chunk_document, dense_windows, split_sentences
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from ingest.model import Block, LoadedDocument
from tests.ingest.documents import PdfHeading, PdfParagraph, make_pdf

COUNCIL = "Testshire Council"


def _prose(topic: str, sentences: int) -> str:
    return " ".join(f"Sentence {i} explains how {topic} works for families in plain words." for i in range(sentences))


def _document(blocks: list[Block], source_id: str = "doc.md") -> LoadedDocument:
    return LoadedDocument(source_id=source_id, title="Doc", council="testshire", doc_type="local_offer_page", blocks=blocks)


def test_passages_stay_within_the_word_limit_and_cover_every_sentence() -> None:
    blocks = [Block(_prose(f"topic {i}", 12), heading_path=("Guide",)) for i in range(20)]
    chunks = chunk_document(_document(blocks), COUNCIL)
    assert len(chunks) > 5
    assert all(c.word_count <= 250 for c in chunks)
    assert all(c.word_count >= 60 for c in chunks[:-1])
    text = "\n".join(c.text for c in chunks)
    for block in blocks:
        for sentence in split_sentences(block.text):
            assert sentence in text


def test_consecutive_passages_of_a_section_overlap() -> None:
    blocks = [Block(_prose(f"topic {i}", 12), heading_path=("Guide",)) for i in range(10)]
    first, second = [c for c in chunk_document(_document(blocks), COUNCIL) if c.tiling == 0][:2]
    last_sentence = split_sentences(first.text.splitlines()[-1])[-1]
    assert last_sentence in second.text
    assert split_sentences(second.text)[0] in first.text
    shared = [s for s in split_sentences(second.text) if s in first.text]
    assert 0 < sum(len(s.split()) for s in shared) <= 40


def test_a_heading_starts_a_new_passage_once_the_current_one_can_stand_alone() -> None:
    blocks = [Block(_prose("assessment", 14), heading_path=("Assessment",)),
              Block(_prose("appeals", 14), heading_path=("Appeals",))]
    chunks = [c for c in chunk_document(_document(blocks), COUNCIL) if c.tiling == 0]
    assert [c.heading_path for c in chunks] == [("Assessment",), ("Appeals",)]
    assert all("appeals" not in c.text for c in chunks if c.heading_path == ("Assessment",))


def test_a_second_tiling_starts_halfway_through_each_passage() -> None:
    blocks = [Block(_prose(f"topic {i}", 12), heading_path=("Guide",)) for i in range(10)]
    chunks = chunk_document(_document(blocks), COUNCIL)
    main = [c for c in chunks if c.tiling == 0]
    offset = [c for c in chunks if c.tiling == 1]
    assert len(offset) == len(main) - 1
    assert chunk_document(_document(blocks), COUNCIL, ChunkingConfig(offset_tiling=False)) == main
    assert all(c.word_count <= 250 for c in offset)
    assert [c.word_start for c in chunks] == sorted(c.word_start for c in chunks)  # document order
    for before, bridge, after in zip(main, offset, main[1:]):
        middle = (before.word_start + before.word_end) / 2
        assert before.word_start < bridge.word_start <= middle + 12 < before.word_end
        assert after.word_start < bridge.word_end
        assert split_sentences(bridge.text)[0] in before.text


def test_short_sections_are_merged_and_every_heading_is_recorded() -> None:
    blocks = [Block("Call us on 01632 960 100.", heading_path=("Phone",)),
              Block("Email spa@brackenmoor.example.", heading_path=("Email",))]
    (chunk,) = chunk_document(_document(blocks), COUNCIL)
    assert chunk.headings == ("Phone", "Email")
    assert chunk.heading_path == ("Phone",)


def test_list_items_keep_a_dash_and_stay_whole() -> None:
    blocks = [Block("You can ask for:", heading_path=("Help",)),
              Block("a meeting with the SENCO. It is free.", heading_path=("Help",), kind="list_item")]
    (chunk,) = chunk_document(_document(blocks), COUNCIL)
    assert chunk.text.splitlines() == ["You can ask for:", "- a meeting with the SENCO. It is free."]


def test_ids_are_stable_positive_and_unique() -> None:
    blocks = [Block(_prose("transport", 12), heading_path=("Transport",)) for _ in range(6)]
    first = chunk_document(_document(blocks), COUNCIL)
    again = chunk_document(_document(blocks), COUNCIL)
    ids = [c.chunk_id for c in first]
    assert ids == [c.chunk_id for c in again]
    assert len(set(ids)) == len(ids)  # repeated text still gets distinct ids
    assert all(0 < i < 2**63 for i in ids)
    other = chunk_document(_document(blocks, source_id="other.md"), COUNCIL)
    assert not set(ids) & {c.chunk_id for c in other}


def test_provenance_fields_come_from_the_document() -> None:
    document = LoadedDocument(
        source_id="services/1.json", title="Club", council="testshire", doc_type="service_record",
        blocks=[Block("After-school club for autistic children.", heading_path=("About",))],
        url="https://example.org/club", updated="2026-01-02", min_age=8, max_age=14,
    )
    (chunk,) = chunk_document(document, COUNCIL)
    assert (chunk.council, chunk.council_name, chunk.doc_type) == ("testshire", COUNCIL, "service_record")
    assert (chunk.url, chunk.updated, chunk.min_age, chunk.max_age) == ("https://example.org/club", "2026-01-02", 8, 14)
    assert len(chunk.content_hash) == 64


def test_seed_line_spans_hold_the_passage_text(shared_dir: Path) -> None:
    for path in sorted((shared_dir / "seeds").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
        document = load_text(path.read_text(encoding="utf-8"), source_id=path.name, council="research",
                             doc_type="research", path=path.name)
        chunks = chunk_document(document, "Research")
        assert chunks, path.name
        for chunk in chunks:
            assert chunk.word_count <= 250
            assert 1 <= chunk.line_start <= chunk.line_end <= len(lines)
            span = " ".join(" ".join(line.split()) for line in lines[chunk.line_start - 1 : chunk.line_end])
            for line in chunk.text.splitlines():
                # A passage line is a run of sentences from one source line, in the span.
                assert line.removeprefix("- ") in span or line in span, (path.name, chunk.line_start, line[:80])


def test_pdf_passages_carry_their_pages(tmp_path: Path) -> None:
    pages = [[PdfHeading("Communication", 0), PdfParagraph(_prose("speech", 10))],
             [PdfParagraph(_prose("sensory rooms", 10))],
             [PdfHeading("Learning", 0), PdfParagraph(_prose("reading support", 10))]]
    document = load_pdf(make_pdf(pages), source_id="oap.pdf", council="testshire", doc_type="oap_guidance")
    chunks = chunk_document(document, COUNCIL)
    for chunk in chunks:
        assert chunk.page_start is not None and chunk.page_start <= chunk.page_end
    speech = next(c for c in chunks if "speech" in c.text)
    reading = next(c for c in chunks if "reading support" in c.text)
    assert speech.page_start == 1 and speech.heading_path == ("Communication",)
    assert reading.page_end == 3 and "Learning" in reading.headings


@pytest.mark.slow
def test_dense_windows_fit_the_model_and_cover_the_passage() -> None:
    from knowledge_base.embedding import shared_embedder

    embedder = shared_embedder()
    blocks = [Block(_prose(f"topic {i}", 12), heading_path=("A long heading about assessments",)) for i in range(4)]
    chunk = chunk_document(_document(blocks), COUNCIL, ChunkingConfig())[0]
    windows = dense_windows(chunk, embedder.token_count, embedder.max_tokens)
    assert len(windows) >= 2
    assert all(embedder.token_count(w) + 2 <= embedder.max_tokens for w in windows)  # + [CLS], [SEP]
    for sentence in split_sentences(chunk.text):
        assert any(sentence in w for w in windows)


# ----- properties over arbitrary text (hypothesis) ---------------------------------------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1,
                 max_size=12)
_PARAGRAPHS = st.lists(st.lists(_WORDS, min_size=1, max_size=120).map(" ".join), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=_PARAGRAPHS, heading=st.text(max_size=40))
def test_any_text_gives_bounded_passages_with_provenance(paragraphs: list[str], heading: str) -> None:
    """Whatever a document holds (emoji, mixed scripts, control characters, one huge word), the
    chunker returns passages within the limits, each with its source, and loses no words."""
    blocks = [Block(text, heading_path=(heading,) if heading.strip() else (), line_start=i + 1, line_end=i + 1)
              for i, text in enumerate(paragraphs)]
    chunks = chunk_document(_document(blocks), COUNCIL)
    main = [c for c in chunks if c.tiling == 0]
    for chunk in chunks:
        assert chunk.word_count <= 250
        assert chunk.source_id == "doc.md" and chunk.council == "testshire"
        assert 1 <= chunk.line_start <= chunk.line_end <= len(paragraphs)
    from ingest.chunk import _word_count  # the chunker's own idea of a word

    words_in = sum(_word_count(p) for p in paragraphs)
    if words_in:
        assert main, "text with words must give at least one passage"
        assert sum(c.word_count for c in main) >= words_in  # overlap only adds; nothing is lost
