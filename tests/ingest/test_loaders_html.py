from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders.html import html_fragment_blocks, load_html
from ingest.model import LoadedDocument, LoadError
from tests.conftest import REPO_ROOT

# Built like knowledge_base/sample_council/pages/_TEMPLATE.html.txt, with every kind of chrome.
COUNCIL_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>SEN support in schools | SEND Local Offer | Brackenmoor Borough Council</title>
  <meta name="dcterms.modified" content="2026-09-14">
  <link rel="canonical" href="https://localoffer.brackenmoor.example/send/sen-support">
  <style>.cookie-banner { display: block }</style>
  <script src="/assets/analytics-placeholder.js"></script>
</head>
<body>
  <div class="cookie-banner" role="region" aria-label="Cookies on this site">
    <p>We use essential cookies to make this site work.</p>
    <button>Accept optional cookies</button> <button>Reject optional cookies</button>
  </div>
  <a class="skip-link" href="#main">Skip to main content</a>
  <header class="site-header">
    <a href="/" class="logo">Brackenmoor Borough Council</a>
    <nav aria-label="Main menu"><ul><li><a href="/send/">SEND Local Offer</a></li>
      <li><a href="/send/health">Health services menu</a></li></ul></nav>
  </header>
  <nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>
    <li>Breadcrumb trail</li></ol></nav>
  <main id="main">
    <p class="sample-notice"><strong>Sample content.</strong> Brackenmoor Borough Council is a
      fictional council.</p>
    <h1>SEN support in schools</h1>
    <p class="lede">Most children with SEND get help   from their school
      through <a href="/send/sen-support">SEN&nbsp;support</a>.</p>
    <h2>What the school should do</h2>
    <p>The school follows the graduated approach.</p>
    <ul>
      <li>Assess your child's needs</li>
      <li>Plan support<br>with you</li>
    </ul>
    <h3>Who to talk to</h3>
    <table>
      <thead><tr><th>Role</th><th>What they do</th></tr></thead>
      <tbody><tr><td>SENCo</td><td>Coordinates SEN support</td></tr></tbody>
    </table>
    <h2>If you disagree</h2>
    <ol><li>Talk to the SENCo<ol><li>Ask for a meeting</li></ol></li></ol>
    <script>window.trackPage("inline script text");</script>
    <p class="last-updated">Last updated: 14 September 2026</p>
  </main>
  <aside class="related"><h2>Related pages</h2>
    <ul><li><a href="/x">EHC needs assessments</a></li></ul></aside>
  <footer class="site-footer">
    <ul><li><a href="/accessibility">Accessibility statement</a></li></ul>
    <p>&copy; Brackenmoor Borough Council (fictional)</p>
  </footer>
  <script>document.querySelectorAll('.cookie-banner button');</script>
</body>
</html>"""

CHROME_TEXT = (
    "essential cookies",
    "Accept optional cookies",
    "Skip to main content",
    "Health services menu",
    "Breadcrumb trail",
    "Related pages",
    "EHC needs assessments",
    "Accessibility statement",
    "(fictional)",
    "inline script text",
    "querySelectorAll",
    "display: block",
)


def load(page: str | bytes, **overrides: str) -> LoadedDocument:
    arguments = {
        "source_id": "pages/test.html",
        "council": "brackenmoor",
        "doc_type": "local_offer_page",
    }
    return load_html(page, **{**arguments, **overrides})


def all_text(document: LoadedDocument) -> str:
    return "\n".join(
        [document.title, *(" / ".join(b.heading_path) + ": " + b.text for b in document.blocks)]
    )


def test_council_page_keeps_content_and_drops_chrome() -> None:
    document = load(COUNCIL_PAGE)

    text = all_text(document)
    for chrome in CHROME_TEXT:
        assert chrome not in text
    assert document.title == "SEN support in schools"
    assert document.url == "https://localoffer.brackenmoor.example/send/sen-support"
    assert document.updated == "2026-09-14"
    assert [(b.kind, b.heading_path, b.text) for b in document.blocks] == [
        ("paragraph", (), "Sample content. Brackenmoor Borough Council is a fictional council."),
        (
            "paragraph",
            (),
            "Most children with SEND get help from their school through SEN support.",
        ),
        ("paragraph", ("What the school should do",), "The school follows the graduated approach."),
        ("list_item", ("What the school should do",), "Assess your child's needs"),
        ("list_item", ("What the school should do",), "Plan support with you"),
        ("table_row", ("What the school should do", "Who to talk to"), "Role | What they do"),
        (
            "table_row",
            ("What the school should do", "Who to talk to"),
            "SENCo | Coordinates SEN support",
        ),
        ("list_item", ("If you disagree",), "Talk to the SENCo"),
        ("list_item", ("If you disagree",), "Ask for a meeting"),
        ("paragraph", ("If you disagree",), "Last updated: 14 September 2026"),
    ]


def test_fetched_url_is_the_citation_over_the_canonical_link() -> None:
    document = load(COUNCIL_PAGE, url="https://mirror.example/sen-support")

    assert document.url == "https://mirror.example/sen-support"


@pytest.mark.parametrize(
    ("head", "body_end", "expected"),
    [
        (
            '<meta property="article:modified_time" content="2026-05-01T10:00:00+01:00">',
            "",
            "2026-05-01",
        ),
        ("", "<p>Last updated: 14 September 2026</p>", "2026-09-14"),
        ("", "<p>Page last reviewed 3rd March 2025.</p>", "2025-03-03"),
        ("", "<p>Updated: 02/01/2026</p>", "2026-01-02"),
        ("", "<p>We updated our offer and it is better now.</p>", None),
    ],
)
def test_updated_date_from_meta_or_visible_line(
    head: str, body_end: str, expected: str | None
) -> None:
    page = f"<head>{head}</head><body><main><h1>Breaks</h1><p>Text.</p>{body_end}</main></body>"

    assert load(page).updated == expected


def test_title_falls_back_to_title_tag_without_site_suffix() -> None:
    page = "<title>Short breaks - SEND Local Offer - Council</title><body><p>Text.</p></body>"

    assert load(page).title == "Short breaks"


def test_later_h1_is_a_heading_not_the_title() -> None:
    page = "<main><h1>Transport</h1><p>Intro.</p><h1>Post-16 transport</h1><p>Over 16.</p></main>"

    document = load(page)

    assert document.title == "Transport"
    assert document.blocks[-1].heading_path == ("Post-16 transport",)


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"   ",
        b"<html><body><nav>Menu</nav><footer>Footer</footer></body></html>",
        b'<div class="cookie-banner"><p>We use cookies.</p></div><main><h1>Title only</h1></main>',
        b"<html><body><script>var x = 'only a script';</script></body></html>",
    ],
)
def test_page_without_readable_text_is_refused(page: bytes) -> None:
    with pytest.raises(LoadError, match="no readable text"):
        load(page)


def test_windows_1252_bytes_are_decoded() -> None:
    page = "<p>Tameside’s four neighbourhood areas</p>".encode("cp1252")

    assert load(page).blocks[0].text == "Tameside’s four neighbourhood areas"


def test_xhtml_with_xml_declaration_loads_from_str() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hello.</p></body></html>'
    )

    assert load(page).blocks[0].text == "Hello."


def test_fragment_headings_all_join_the_path() -> None:
    blocks = html_fragment_blocks(
        "<h1>About Us</h1><p>We help.</p><h2>Get help</h2><p>Call us.</p>", ("About",)
    )

    assert [(b.heading_path, b.text) for b in blocks] == [
        (("About", "About Us"), "We help."),
        (("About", "About Us", "Get help"), "Call us."),
    ]


def test_fragment_plain_text_splits_at_blank_lines() -> None:
    blocks = html_fragment_blocks("First part.\n\nSecond &amp; last\npart.")

    assert [b.text for b in blocks] == ["First part.", "Second & last part."]


@pytest.mark.shared
def test_tameside_family_hubs_page(shared_dir: Path) -> None:
    page = (shared_dir / "fixtures/html/tameside-family-hubs.html").read_bytes()

    document = load(page, source_id="tameside-family-hubs.html")

    assert document.title == "Family Hubs"
    assert "Unrelated navigation" not in all_text(document)
    assert all(b.text and b.text == " ".join(b.text.split()) for b in document.blocks)
    rows = [b for b in document.blocks if b.kind == "table_row"]
    assert len(rows) == 5
    assert rows[1].heading_path == ("Visit your local Family Hub at",)
    assert rows[1].text == (
        "North Family Hub (Ashton) | St Peter's Children's Centre, Trafalgar Square, "
        "Ashton-under-Lyne, OL7 0LL. Call: 0161 342 2255 | Active Oxford Park Tameside One"
    )
    opening = next(b for b in document.blocks if b.text.startswith("Monday to Wednesday"))
    assert opening.heading_path == ("Opening Times",)
    assert opening.text == "Monday to Wednesday 8.30am-5pm Thursday 8.30am-4.30pm Friday 8.30am-4pm"
    items = {b.text: b.heading_path for b in document.blocks if b.kind == "list_item"}
    assert items["Childcare Choices"] == ("Useful Information", "Childcare Support")
    assert items["Births"] == ("Useful Information", "Birth Registration")  # <li href> with no <a>
    assert len(items) == 16  # every link list survives, not only the first
    assert any("familyhubpanels@tameside.gov.uk" in b.text for b in document.blocks)


SAMPLE_PAGES = sorted((REPO_ROOT / "knowledge_base/sample_council/pages").glob("[!_]*.html"))


def test_the_sample_council_has_its_pages() -> None:
    assert len(SAMPLE_PAGES) >= 18


@pytest.mark.parametrize("page_path", SAMPLE_PAGES, ids=lambda p: p.name)
def test_sample_council_pages_load_cleanly(page_path: Path) -> None:
    document = load(page_path.read_bytes(), source_id=page_path.name)

    text = all_text(document)
    assert "Skip to main content" not in text
    assert "Accept optional cookies" not in text
    assert "Accessibility statement" not in text
    assert document.title and "|" not in document.title
    assert document.url and document.url.startswith("https://localoffer.brackenmoor.example/")
    assert document.updated is not None
    assert any(b.heading_path for b in document.blocks)
