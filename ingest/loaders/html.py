"""HTML pages (and HTML fragments from service feeds) -> positioned blocks.

Parsing is lxml's HTML parser, not a general-purpose article extractor: trafilatura, tried on
the Tameside fixture, dropped 13 of its 14 "Useful information" link lists and returned nothing
for a one-paragraph ORUK description, and on local-offer pages those lists *are* the content
("where to get help"). Instead we keep the page's main landmark and cut the chrome councils'
sites share (cookie banners, skip links, header, navigation, breadcrumbs, asides, footer, scripts),
and anything hidden from readers (hidden, aria-hidden, inline display:none), which is where a page
can hide keyword stuffing or instructions.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from ingest.loaders.common import (
    HeadingTrail,
    date_from_last_updated_line,
    iso_date,
    normalise,
    require_text,
)
from ingest.model import Block, LoadedDocument, LoadError

_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Elements that start a new block; anything else (a, strong, span, unknown tags) is inline.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "header", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
        *_HEADING_LEVELS,
    }
)  # fmt: skip

# Never text a reader sees as content.
_NON_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
    "button", "input", "select", "textarea",
)  # fmt: skip

_LOWER = "translate({attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


def _attr_mentions(attr: str, *words: str) -> str:
    lowered = _LOWER.format(attr=attr)
    return " or ".join(f"contains({lowered}, '{word}')" for word in words)


# Page chrome inside or around the main content: site header (one without the page's h1),
# navigation, breadcrumbs, related-links asides, footer, cookie/consent banners, skip links.
_CHROME_XPATH = (
    ".//nav | .//aside | .//footer | .//header[not(.//h1)]"
    " | .//*[@role='navigation' or @role='banner' or @role='contentinfo'"
    " or @role='complementary' or @role='search' or @role='dialog' or @role='alertdialog']"
    f" | .//*[{_attr_mentions('@class', 'cookie', 'consent', 'breadcrumb', 'skip-link')}]"
    f" | .//*[{_attr_mentions('@id', 'cookie', 'consent', 'breadcrumb')}]"
)

# Hidden from every reader, so never content, and where a page can hide keyword stuffing or
# instructions: the hidden attribute (except hidden="until-found", which find-in-page and
# accordions reveal), aria-hidden="true", a <dialog> that is not open. Inline styles are read
# by `_hidden_by_style`; stylesheet rules are not evaluated.
_HIDDEN_XPATH = (
    f".//*[@hidden and {_LOWER.format(attr='@hidden')} != 'until-found']"
    f" | .//*[{_LOWER.format(attr='@aria-hidden')} = 'true']"
    " | .//dialog[not(@open)]"
)
_HIDING_DECLARATIONS = frozenset(
    {("display", "none"), ("visibility", "hidden"), ("visibility", "collapse"),
     ("content-visibility", "hidden")}
)  # fmt: skip

_MAIN_CONTENT_XPATHS = (
    "//main",
    "//*[@role='main']",
    "//*[@id='main-content' or @id='maincontent' or @id='main' or @id='content']",
)

_MODIFIED_META_NAMES = (
    "dcterms.modified",
    "dc.modified",
    "dc.date.modified",
    "article:modified_time",
    "og:updated_time",
)

_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ")


def load_html(
    content: bytes | str,
    *,
    source_id: str,
    council: str,
    doc_type: str,
    url: str | None = None,
    path: str | None = None,
) -> LoadedDocument:
    """Load one web page: h1 is the title, h2-h6 the heading path; lists and table rows kept apart.

    `url` is where the page was fetched from; without it, the canonical link is the citation.
    """
    root = _parse_document(content, source_id)
    canonical = _canonical_url(root, base=url)
    content_root = _main_content(root)
    walker = _BlockWalker(title_from_first_h1=True)
    walker.visit(content_root, "paragraph")
    blocks = require_text(walker.finish(), source_id)
    title = walker.title or _title_from_title_tag(root) or _fallback_title(path, url, source_id)
    return LoadedDocument(
        source_id=source_id,
        title=title,
        council=council,
        doc_type=doc_type,
        blocks=blocks,
        url=url or canonical,
        path=path,
        updated=_modified_date(root) or _visible_last_updated(blocks),
    )


def html_fragment_blocks(fragment: str, heading_prefix: tuple[str, ...] = ()) -> list[Block]:
    """Blocks from an HTML fragment (a feed's description); every heading joins the path.

    Feeds mix HTML and plain text in the same field, so text with no markup is split into
    paragraphs at blank lines instead.
    """
    if not fragment.strip():
        return []
    container = lxml.html.fragment_fromstring(fragment, create_parent="div")
    if len(container) == 0:
        paragraphs = (normalise(part) for part in (container.text or "").split("\n\n"))
        return [Block(text=p, heading_path=heading_prefix) for p in paragraphs if p]
    _strip_non_content(container)
    walker = _BlockWalker(title_from_first_h1=False, heading_prefix=heading_prefix)
    walker.visit(container, "paragraph")
    return walker.finish()


def _parse_document(content: bytes | str, source_id: str) -> lxml.html.HtmlElement:
    text = content if isinstance(content, str) else _decode(content)
    # Re-encoding with an explicit parser encoding sidesteps both lxml's refusal of str input
    # carrying an XML declaration and libxml2 guessing Latin-1 for pages without a meta charset.
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(f"{source_id}: no readable text ({exc})") from exc
    _strip_non_content(root)
    return root


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # older UK council CMSs


def _strip_non_content(root: lxml.html.HtmlElement) -> None:
    """Drop what no reader sees: scripts, styles, templates, controls and hidden elements."""
    for element in root.xpath(" | ".join(f".//{tag}" for tag in _NON_CONTENT_TAGS)):
        element.drop_tree()
    hidden = root.xpath(_HIDDEN_XPATH)
    hidden += [e for e in root.xpath(".//*[@style]") if _hidden_by_style(e.get("style"))]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()


def _hidden_by_style(style: str) -> bool:
    """Whether an inline style hides its element (display:none, visibility:hidden...)."""
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        value = value.lower().replace("!important", "").strip()
        if (name.strip().lower(), value) in _HIDING_DECLARATIONS:
            return True
    return False


def _main_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page's main landmark (or its body), with the chrome inside it removed."""
    content_root = root.find("body") if root.find("body") is not None else root
    for xpath in _MAIN_CONTENT_XPATHS:
        found = root.xpath(xpath)
        if found:
            content_root = found[0]
            break
    for element in content_root.xpath(_CHROME_XPATH):
        if element.getparent() is not None:  # may sit inside chrome already removed
            element.drop_tree()
    return content_root


class _BlockWalker:
    """Walks block-level elements in document order, gathering inline text into blocks."""

    def __init__(self, *, title_from_first_h1: bool, heading_prefix: tuple[str, ...] = ()) -> None:
        self.title: str | None = None
        self._title_from_first_h1 = title_from_first_h1
        self._heading_prefix = heading_prefix
        self._trail = HeadingTrail()
        self._blocks: list[Block] = []
        self._run: list[str] = []

    def visit(self, element: lxml.html.HtmlElement, kind: str) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _HEADING_LEVELS:
            self._flush(kind)
            self._heading(_HEADING_LEVELS[tag], _flat_text(element).rstrip(":").strip())
            return
        if tag == "table":
            self._flush(kind)
            self._table(element)
            return
        if tag == "br":
            self._run.append(" ")
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            self._flush(kind)
        inner_kind = "list_item" if tag == "li" else kind
        self._run.append(element.text or "")
        for child in element:
            self.visit(child, inner_kind)
            self._run.append(child.tail or "")
        if is_block:
            self._flush(inner_kind)

    def finish(self) -> list[Block]:
        self._flush("paragraph")
        return self._blocks

    @property
    def _path(self) -> tuple[str, ...]:
        return self._heading_prefix + self._trail.path

    def _flush(self, kind: str) -> None:
        text = normalise("".join(self._run))
        self._run.clear()
        if text:
            self._blocks.append(Block(text=text, heading_path=self._path, kind=kind))

    def _heading(self, level: int, text: str) -> None:
        if not text:
            return
        if level == 1 and self._title_from_first_h1 and self.title is None:
            self.title = text
            return
        self._trail.enter(level, text)

    def _table(self, table: lxml.html.HtmlElement) -> None:
        for caption in table.xpath("./caption"):
            self._add(_flat_text(caption), "paragraph")
        for row in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
            cells = [text for cell in row.xpath("./td | ./th") if (text := _flat_text(cell))]
            if cells:
                self._add(" | ".join(cells), "table_row")

    def _add(self, text: str, kind: str) -> None:
        if text:
            self._blocks.append(Block(text=text, heading_path=self._path, kind=kind))


def _flat_text(element: lxml.html.HtmlElement) -> str:
    """All text under an element on one line, with a space wherever a line or block would break."""
    parts: list[str] = []

    def collect(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str):
            return
        spaced = node.tag in _BLOCK_TAGS or node.tag == "br"
        parts.append(" " if spaced else "")
        parts.append(node.text or "")
        for child in node:
            collect(child)
            parts.append(child.tail or "")
        parts.append(" " if spaced else "")

    collect(element)
    return normalise("".join(parts))


def _canonical_url(root: lxml.html.HtmlElement, *, base: str | None) -> str | None:
    for link in root.xpath("//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            href = urljoin(base or "", link.get("href").strip())
            return href if urlsplit(href).scheme in ("http", "https") else None
    return None


def _modified_date(root: lxml.html.HtmlElement) -> str | None:
    found: dict[str, str] = {}
    for meta in root.xpath("//meta[@content]"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        found.setdefault(key, meta.get("content"))
    for name in _MODIFIED_META_NAMES:
        updated = iso_date(found.get(name))
        if updated:
            return updated
    return None


def _visible_last_updated(blocks: list[Block]) -> str | None:
    for block in reversed(blocks):  # the line usually closes the page
        updated = date_from_last_updated_line(block.text)
        if updated:
            return updated
    return None


def _title_from_title_tag(root: lxml.html.HtmlElement) -> str | None:
    """The <title> less its site suffix: "SEN support | Local Offer | Council" -> "SEN support"."""
    titles = root.xpath("//title")
    title = _flat_text(titles[0]) if titles else ""
    for separator in _TITLE_SEPARATORS:
        title = title.split(separator)[0]
    return title.strip() or None


def _fallback_title(path: str | None, url: str | None, source_id: str) -> str:
    name = PurePosixPath(path or urlsplit(url or "").path or source_id).stem
    return name.replace("-", " ").replace("_", " ").strip() or source_id
