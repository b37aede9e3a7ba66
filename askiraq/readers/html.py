"""Reader: a saved web page (.html, .htm, .xhtml) as its article alone, with title, date, author, site and URL.

trafilatura finds the main text and the metadata (it is made for news boilerplate: navigation, scripts, comments,
cookie banners and related links are left out; see the README's comparison with readability-lxml and jusText).
Each paragraph is then found again in the page's own text (lxml keeps each element's line), so a citation names
the line of the .html file where the paragraph starts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from askiraq.corpus import Document, Notice, Origin, SourceFile, editor_lines, read_bytes, sidecar_metadata
from askiraq.readers import Progress, ReaderSettings, assemble

_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg"})
_PROBE_WORDS = 8  # a paragraph is found again in the page by its first words
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")  # lxml refuses one that names an encoding in a str


def read(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings,
         progress: Progress | None = None) -> Iterator[Document]:
    data = read_bytes(root, source.rel, notices)
    if data is None:
        return
    document = page_document(data, source.rel, notices)
    if document is not None:
        yield document._replace(metadata={**document.metadata, **sidecar_metadata(root, source.rel, notices)})


def from_bytes(data: bytes, rel: str, part: str, notices: list[Notice], kind: str) -> Iterator[Document]:
    """An HTML attachment's article."""
    document = page_document(data, rel, notices, part, locate=False)
    if document is not None:
        yield document


def page_document(data: bytes | str, rel: str, notices: list[Notice], part: str = "",
                  locate: bool = True) -> Document | None:
    """An HTML page's article (its main text under its title), or None with a Notice when it has none."""
    import trafilatura
    from trafilatura.utils import decode_file

    page = editor_lines(decode_file(data) if isinstance(data, bytes) else data)  # (its own charset detection)
    if not page.strip():
        notices.append(Notice(rel, "skipped: empty file"))
        return None
    extracted: Any = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False,
                                                 include_tables=True, deduplicate=False, config=_config())
    text = (extracted.text or "") if extracted is not None else ""
    if not text.strip():
        notices.append(Notice(rel, "skipped: no article text found in the page (only scripts, menus or links?)"))
        return None
    title = " ".join((extracted.title or "").split())
    paragraphs = [line for line in text.splitlines() if line.strip()]
    if title and paragraphs and " ".join(paragraphs[0].split()).casefold() == title.casefold():
        paragraphs = paragraphs[1:]  # the page's <h1>, kept by trafilatura: the title, said once
    found = _source_lines(page, [title, *paragraphs]) if locate else [(0, 0)] * (len(paragraphs) + 1)
    blocks = ([(title, *found[0])] if title else []) + [(p, *f) for p, f in zip(paragraphs, found[1:], strict=True)]
    body, lines, ends = assemble(blocks)
    metadata = {key: " ".join(str(value).split()) for key, value in (
        ("title", title), ("date", extracted.date), ("author", extracted.author),
        ("publisher", extracted.sitename or extracted.hostname), ("url", extracted.url)) if value}
    return Document(rel, body, 0, metadata, part, Origin(lines, ends=ends))


@functools.cache
def _config() -> Any:
    """trafilatura's settings, but for one: below 250 characters of main text it falls back to a cruder extraction
    that ends a paragraph at every inline element ("tickets cost" / "8 pounds" / "." from "tickets cost <b>8
    pounds</b>."), which a short page or an HTML-only e-mail always has; its main extraction is kept instead."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _source_lines(page: str, paragraphs: list[str]) -> list[tuple[int, int]]:
    """The lines of the page where each paragraph's text starts and ends ((0, 0) where it cannot be found; the end
    is its start where its last words cannot), searched in order."""
    visible, line_at = _visible_text(page)
    found: list[tuple[int, int]] = []
    cursor = 0
    for paragraph in paragraphs:
        words = paragraph.removeprefix("- ").split()  # (a list item's marker is made)
        probe = "".join(words[:_PROBE_WORDS])
        at = visible.find(probe, cursor) if probe else -1
        if at < 0 and probe:
            at = visible.find(probe)
        if at < 0:
            found.append((0, 0))
            continue
        tail = "".join(words[-_PROBE_WORDS:])
        end = visible.find(tail, at)
        cursor = max(at + len(probe), end + len(tail))
        start = _line_of(line_at, at)
        found.append((start, max(start, _line_of(line_at, end + len(tail) - 1)) if end >= 0 else start))
    return found


def _visible_text(page: str) -> tuple[str, list[tuple[int, int]]]:
    """The page's visible text without its whitespace (inline tags may split words, or join them), and (offset,
    line) where each run of it starts.

    Walked with a stack in document order (an element's text, its children with their tails): no recursion limit
    on deeply nested pages. A tail belongs to the parent's visibility (text after a <script> is shown)."""
    import lxml.etree
    import lxml.html

    try:
        root: Any = lxml.html.document_fromstring(_XML_DECLARATION.sub(" ", page, count=1))
    except (ValueError, TypeError, lxml.etree.ParserError):
        return "", []
    pieces: list[str] = []
    line_at: list[tuple[int, int]] = []
    size = last = 0  # (last: the line where the text walked so far ends, hidden text too)
    stack: list[tuple[bool, Any, bool]] = [(False, root, False)]  # (is the tail, element, hidden)
    while stack:
        is_tail, element, hidden = stack.pop()
        if not is_tail:
            tag = element.tag.lower() if isinstance(element.tag, str) else ""
            hidden = hidden or not tag or tag in _INVISIBLE
            for child in reversed(element):
                stack += [(True, child, hidden), (False, child, hidden)]
        raw = (element.tail if is_tail else element.text) or ""
        first = element.sourceline or 0
        if first and is_tail:  # (a tail starts where its element ended: after the last line of what it held)
            first = max(first, last)
        for below, segment in enumerate(raw.split("\n")):  # (a text over several lines: each line's own number)
            words = "" if hidden else "".join(segment.split())
            if words:
                line_at.append((size, first + below if first else 0))
                pieces.append(words)
                size += len(words)
        last = max(last, first + raw.count("\n")) if first else last
    return "".join(pieces), line_at


def _line_of(line_at: list[tuple[int, int]], offset: int) -> int:
    from bisect import bisect_right

    index = bisect_right(line_at, (offset, 1 << 62)) - 1
    return line_at[index][1] if index >= 0 else 0
