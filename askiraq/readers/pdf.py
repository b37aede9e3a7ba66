"""Reader: a PDF report, its text page by page (pypdf, from the `formats` extra), cited by page: `report.pdf:p12`.

pypdf gives each page's lines in the order the page draws them, which for two-column reports (LaTeX, Word) is
column by column. Lines repeated at the top or bottom of most pages (running headers and footers) and page numbers
are left out; a paragraph ends at a line well short of the page's usual width unless the next line goes on in lower
case (pypdf marks no paragraphs); a word typesetting broke after a hyphen at a line's end is whole again, a
compound's hyphen kept. An encrypted PDF that opens without a password is read; one that does not, and a
scan with no text layer (askiraq does no OCR), are reported and skipped.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from askiraq.corpus import Document, Notice, Origin, SourceFile, sidecar_metadata
from askiraq.readers import MissingLibrary, Progress, ReaderSettings

MIN_TEXT_PER_PAGE = 20  # characters: a PDF with fewer on average has no text layer (a scan)
REPEATED_SHARE = 0.5  # a line at the top or bottom of this share of the pages (2 pages or more) is a running header
EDGE_LINES = 2  # lines looked at, at each end of a page, for running headers, footers and page numbers
PARAGRAPH_END_WIDTH = 0.8  # a line shorter than this share of the page's usual width ends a paragraph
_PAGE_NUMBER = re.compile(r"(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?", re.I)
_DIGITS = re.compile(r"\d+")
_BROKEN_HEAD = re.compile(r"(?:^|\s)([^\W\d_]+)-$")  # a line ending in a word's first letters and a hyphen
_BROKEN_TAIL = re.compile(r"\s*([a-z][^\W\d_]*)(\S*)")  # the next line's first word, in lower case


def read(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings,
         progress: Progress | None = None) -> Iterator[Document]:
    path = os.path.join(root, source.rel)
    with open(path, "rb") as handle:
        document = _document(handle, source.rel, "", notices, progress, source.size)
    if document is not None:
        yield document._replace(metadata={**document.metadata, **sidecar_metadata(root, source.rel, notices)})


def from_bytes(data: bytes, rel: str, part: str, notices: list[Notice], kind: str) -> Iterator[Document]:
    """A PDF attachment's article."""
    import io

    document = _document(io.BytesIO(data), rel, part, notices, None, len(data))
    if document is not None:
        yield document


def _document(stream: Any, rel: str, part: str, notices: list[Notice], progress: Progress | None,
              size: int) -> Document | None:
    reader = _open(stream, rel, part, notices)
    if reader is None:
        return None
    count = len(reader.pages)
    pages: list[list[str]] = []
    for number, page in enumerate(reader.pages, 1):
        pages.append((page.extract_text() or "").splitlines())
        if progress is not None:
            progress(size * number // max(count, 1))
    name = f"{rel}:{part}" if part else rel
    if sum(len("".join(lines).strip()) for lines in pages) < MIN_TEXT_PER_PAGE * max(count, 1):
        notices.append(Notice(name, "skipped: PDF has no text layer (a scan? askiraq does no OCR)"))
        return None
    text, starts, page_lines = page_text(pages)
    return Document(rel, text, 0, _metadata(reader), part, Origin(page_lines, starts))


def _open(stream: Any, rel: str, part: str, notices: list[Notice]) -> Any:
    """A pypdf reader for the stream; None, with a Notice, for an encrypted PDF that needs a password."""
    import logging

    try:
        import pypdf
    except ImportError as err:
        raise MissingLibrary("pypdf", "PDF", "pypdf") from err
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about fonts and damaged tables are no news here
    reader = pypdf.PdfReader(stream)
    if reader.is_encrypted and not reader.decrypt(""):
        notices.append(Notice(f"{rel}:{part}" if part else rel,
                              "skipped: encrypted PDF (it needs a password to open)"))
        return None
    return reader


def _metadata(reader: Any) -> dict[str, str]:
    """The PDF's own title, author and creation date, where it has them."""
    try:
        info = reader.metadata or {}
        fields = {"title": info.get("/Title"), "author": info.get("/Author")}
        created = getattr(reader.metadata, "creation_date", None) if reader.metadata else None
    except Exception:  # damaged document information: the text is still worth reading
        return {}
    metadata = {key: " ".join(str(value).split()) for key, value in fields.items() if value and str(value).strip()}
    if created is not None:
        metadata["date"] = created.date().isoformat()
    return metadata


def page_text(pages: list[list[str]]) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """The pages' lines as one text, without running headers, footers and page numbers, a blank line after each
    paragraph and between pages; the line of the text where each page starts; and for each line of the text, its
    line on its page as pypdf reads the page (0 for a blank line put in), which citations name. A running header that
    opens the first page is kept there, once: it is the report's title (the section heading under it stays a
    heading)."""
    repeated = _running_lines(pages)
    out: list[str] = []
    source: list[int] = []  # (each line of `out`: its line on its page)
    starts: list[int] = []

    def put(line: str, page_line: int) -> None:
        out.append(line)
        source.append(page_line)

    for number, lines in enumerate(pages):
        opening = next((at for at, line in enumerate(lines) if line.strip()), -1) if number == 0 else -1
        kept_at = [at for at, line in enumerate(lines)
                   if at == opening or not _furniture(line, at, len(lines), repeated)]
        kept = _dehyphenated([(at + 1, lines[at].rstrip()) for at in kept_at])
        if out and out[-1]:
            put("", 0)
        starts.append(len(out) + 1)
        width = _usual_width([line for _, line in kept])
        for at, (page_line, line) in enumerate(kept):
            if not line.strip():
                if out and out[-1]:
                    put("", 0)
                continue
            put(line, page_line)
            following = kept[at + 1][1].lstrip() if at + 1 < len(kept) else ""
            if len(line) < PARAGRAPH_END_WIDTH * width and not following[:1].islower():
                put("", 0)  # a short line ends its paragraph (a title, a byline, a paragraph's last line)
    return "\n".join(out) + "\n", tuple(starts), tuple(source)


def _dehyphenated(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(line number, line) pairs with a word that typesetting broke after a hyphen whole again on the first line
    ("adip-" / "iscing elit" → "adipiscing" / "elit"; a next line left empty is dropped). A compound keeps its
    hyphen: "well-" / "known" stays "well-known" when both halves are words and the whole is not."""
    out = [line for _, line in lines]
    for at in range(len(out) - 1):
        head = _BROKEN_HEAD.search(out[at])
        tail = _BROKEN_TAIL.match(out[at + 1])
        if head and tail and _joins(head.group(1), tail.group(1)):
            out[at] = out[at][:head.end(1)] + tail.group(1) + tail.group(2)
            out[at + 1] = out[at + 1][tail.end():].lstrip()
    return [(number, line) for (number, was), line in zip(lines, out, strict=True) if line.strip() or not was.strip()]


def _joins(first: str, second: str) -> bool:
    from askiraq.analysis import analyze
    from askiraq.expansions import is_english_word

    def word(text: str) -> bool:
        terms = analyze(text)
        return len(terms) == 1 and is_english_word(terms[0])

    return word(first + second) or not (word(first) and word(second))


def _usual_width(lines: list[str]) -> int:
    """A page's usual line length: the upper quartile of its lines' lengths (a paragraph's last lines are shorter)."""
    lengths = sorted(len(line) for line in lines if line.strip())
    return lengths[len(lengths) * 3 // 4] if lengths else 0


def _shape(line: str) -> str:
    """A line with its figures blanked, so "Annual Report 2023 — page 4" repeats on every page."""
    return _DIGITS.sub("#", " ".join(line.split()).casefold())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """The shapes of lines at the top or bottom of at least REPEATED_SHARE of the pages (two pages or more)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        edges = {_shape(line) for line in lines[:EDGE_LINES] + lines[-EDGE_LINES:] if line.strip()}
        seen.update(edges)
    return {shape for shape, count in seen.items() if count >= max(2, REPEATED_SHARE * len(pages))}


def _furniture(line: str, at: int, count: int, repeated: set[str]) -> bool:
    """A running header or footer, or a page number, at the top or bottom of its page."""
    edge = at < EDGE_LINES or at >= count - EDGE_LINES
    return edge and bool(line.strip()) and (_shape(line) in repeated or bool(_PAGE_NUMBER.fullmatch(line.strip())))
