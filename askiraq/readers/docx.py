"""Reader: a Word report (.docx, through python-docx from the `formats` extra): paragraphs, headings from their
styles and tables, in document order, written as the Markdown askiraq's paragraph splitting already reads (a
heading `#`, a list item `-`, a table's rows under its header row). A .docx has no lines a person could count,
so its passages are cited by number: `report.docx#4`.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from typing import Any

from askiraq.corpus import Document, Notice, Origin, SourceFile, sidecar_metadata
from askiraq.readers import MissingLibrary, Progress, ReaderSettings

_HEADING_STYLE = re.compile(r"(?:heading|überschrift|titre)\s*(\d)", re.I)


def read(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings,
         progress: Progress | None = None) -> Iterator[Document]:
    with open(os.path.join(root, source.rel), "rb") as handle:
        data = handle.read()
    for document in from_bytes(data, source.rel, "", notices, "docx"):
        yield document._replace(metadata={**document.metadata, **sidecar_metadata(root, source.rel, notices)})


def from_bytes(data: bytes, rel: str, part: str, notices: list[Notice], kind: str) -> Iterator[Document]:
    try:
        import docx
    except ImportError as err:
        raise MissingLibrary("python-docx", "Word document", "docx") from err
    word = docx.Document(io.BytesIO(data))
    blocks = [block for element in word.element.body.iterchildren() for block in _blocks(word, element)]
    text = "\n\n".join(block for block in blocks if block.strip())
    if not text.strip():
        notices.append(Notice(f"{rel}:{part}" if part else rel, "skipped: a Word document with no text"))
        return
    metadata = _metadata(word)
    first = text.split("\n", 1)[0]
    if "title" in metadata and first.lstrip("#").strip() != metadata["title"]:  # (the document's title over its
        text = f"# {metadata['title']}\n\n{text}"  # first heading, which stays the heading of what follows it)
    yield Document(rel, text + "\n", 0, metadata, part, Origin(), markdown=True)


def _blocks(word: Any, element: Any) -> list[str]:
    """A body element as Markdown: a paragraph (a heading, a list item or text), or a table's rows."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    tag = element.tag.rsplit("}", 1)[-1]
    if tag == "p":
        return [_paragraph(Paragraph(element, word))]
    if tag == "tbl":
        return [_table(Table(element, word))]
    return []


def _paragraph(paragraph: Any) -> str:
    text = " ".join(paragraph.text.split())
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = _HEADING_STYLE.match(style)
    if text and (heading or style.lower() == "title"):
        return "#" * (int(heading.group(1)) + 1 if heading else 1) + " " + text  # the Title style above Heading 1
    if text and style.lower().startswith("list"):
        return "- " + text
    return text


def _table(table: Any) -> str:
    """A table as Markdown rows, the first its header (a cell's own bars escaped; merged cells repeat)."""
    rows = [["".join(" ".join(cell.text.split()).replace("|", "/")) for cell in row.cells] for row in table.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join([lines[0], "|" + "---|" * len(rows[0]), *lines[1:]])


def _metadata(word: Any) -> dict[str, str]:
    properties = word.core_properties
    metadata = {key: " ".join(str(value).split()) for key, value in (
        ("title", properties.title), ("author", properties.author)) if value and str(value).strip()}
    if properties.created is not None:
        metadata["date"] = properties.created.date().isoformat()
    return metadata
