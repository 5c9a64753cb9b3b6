from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders.text import load_text
from ingest.model import LoadedDocument, LoadError


def load(content: str | bytes, source_id: str = "src/leaflet.txt") -> LoadedDocument:
    return load_text(
        content, source_id=source_id, council="brackenmoor", doc_type="local_offer_page"
    )


def test_every_non_empty_line_is_a_numbered_block() -> None:
    document = load("SENDIASS leaflet\n\n  Free, impartial advice.  \nCall 01632 960 000\n")

    assert document.title == "SENDIASS leaflet"
    assert [(b.line_start, b.line_end, b.kind, b.text) for b in document.blocks] == [
        (1, 1, "line", "SENDIASS leaflet"),
        (3, 3, "line", "Free, impartial advice."),
        (4, 4, "line", "Call 01632 960 000"),
    ]


def test_markdown_headings_set_the_path_and_the_title() -> None:
    document = load(
        "# Inclusion policy\n\nIntro line.\n## **Who it is for:**\nFamilies.\n"
        "### Ages ###\n0 to 25.\n## Next\nMore.",
        source_id="src/policy.md",
    )

    assert document.title == "Inclusion policy"
    assert [(b.line_start, b.heading_path, b.text) for b in document.blocks] == [
        (1, (), "# Inclusion policy"),
        (3, (), "Intro line."),
        (4, ("Who it is for",), "## **Who it is for:**"),
        (5, ("Who it is for",), "Families."),
        (6, ("Who it is for", "Ages"), "### Ages ###"),
        (7, ("Who it is for", "Ages"), "0 to 25."),
        (8, ("Next",), "## Next"),
        (9, ("Next",), "More."),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [("*Last updated: 2026-02-10*", "2026-02-10"), ("Last updated: 3 November 2025", "2025-11-03")],
)
def test_updated_from_a_last_updated_line(line: str, expected: str) -> None:
    document = load(f"# Policy\n\nSend the updated plan within two weeks.\n{line}\nText.")

    assert document.updated == expected


def test_callers_title_wins() -> None:
    document = load_text(
        "# Heading\nText", source_id="s.txt", council="c", doc_type="research", title="Seed 000"
    )

    assert document.title == "Seed 000"
    assert document.blocks[0].heading_path == ()  # the heading line is still the opening title


def test_hash_without_a_space_is_not_a_heading() -> None:
    document = load("Notes\n#hashtag and #1 priority\nText")

    assert all(b.heading_path == () for b in document.blocks)


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_numbers_follow_universal_newlines(newline: str) -> None:
    document = load(newline.join(["one", "", "three\x0cstill three", "four"]))

    assert [(b.line_start, b.text) for b in document.blocks] == [
        (1, "one"),
        (3, "three\x0cstill three"),  # a form feed is not a line break for editors
        (4, "four"),
    ]


def test_bytes_with_bom_and_windows_1252() -> None:
    assert load("\ufeffTitle line\nText".encode()).title == "Title line"
    assert load("Parent’s guide".encode("cp1252")).title == "Parent’s guide"


def test_empty_text_is_refused() -> None:
    with pytest.raises(LoadError, match="no readable text"):
        load("\n  \n\t\n")


@pytest.mark.shared
def test_seed_documents_keep_exact_line_numbers(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    assert seeds, "no seed documents in ../shared/seeds"
    for seed in seeds:
        lines = seed.read_text(encoding="utf-8").split("\n")

        document = load(seed.read_bytes(), source_id=seed.name)

        by_line = {b.line_start: b for b in document.blocks}
        non_empty = [number for number, line in enumerate(lines, start=1) if line.strip()]
        assert sorted(by_line) == non_empty, seed.name
        for number in [*non_empty[::37], non_empty[0], non_empty[-1]]:
            block = by_line[number]
            assert block.text == lines[number - 1].strip(), (seed.name, number)
            assert (block.line_end, block.kind) == (number, "line")
