"""Stage 1 (corpus), the readers: every format besides plain text, read into the same Documents as a text file.

`read_articles` is the entry point: a file's articles by its kind (`corpus.source_kind`). Each format has a module
with one entry point, `read(root, source, notices, settings)`, yielding Documents whose `origin` says where their
lines are in the file (for citations) and whose text the index keeps. Readers import their libraries only when a
file of their format is indexed, so a question never pays for them; a file a reader cannot read is one Notice and
is skipped (never a stopped build), whatever the library raises.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import NamedTuple

from askiraq.corpus import Document, Notice, SourceFile, read_document, source_kind

Progress = Callable[[int], None]  # bytes of the file read so far
EXTRA = "formats"  # the optional extra that brings the PDF and Word libraries: pip install 'askiraq[formats]'
_MODULES = {"html": "html", "mail": "mail", "mbox": "mail", "sniff": "mail", "pdf": "pdf", "docx": "docx",
            "json": "exports", "jsonl": "exports"}
_LABELS = {"html": "HTML page", "mail": "e-mail", "mbox": "mbox file", "sniff": "file", "pdf": "PDF",
           "docx": "Word document", "json": "JSON file", "jsonl": "JSON lines file"}


class ReaderSettings(NamedTuple):
    """What a user may tell the readers: the field names of JSON records (`text=story,title=headline`)."""

    json_fields: str = ""


class MissingLibrary(Exception):
    """A reader's library cannot be imported (it comes with the `formats` extra)."""

    def __init__(self, library: str, kind: str, module: str) -> None:
        super().__init__(f"skipped: reading a {kind} needs {library}, which comes with askiraq[{EXTRA}] "
                         f"(pip install 'askiraq[{EXTRA}]')")
        from importlib.util import find_spec

        # Not installed: the file is read again once it is. (Installed but failing to import, it would fail again.)
        self.module = module if find_spec(module) is None else ""

    def notice(self, path: str) -> Notice:
        return Notice(path, str(self), needs=self.module)


def read_articles(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings | None = None,
                  progress: Progress | None = None) -> Iterator[Document]:
    """The articles of one file: a text file's one, an mbox's messages, a JSON file's records...; each problem a
    Notice (the articles read before it are kept). `progress` hears how many bytes of the file are read, as
    readers of many articles go."""
    kind = source_kind(root, source.rel)
    if kind == "text":
        document = read_document(root, source, notices)
        if document is not None and document.markdown:
            from askiraq.readers.markdown import cleaned

            document = cleaned(document)
        if document is not None:
            yield document
        return
    if kind is None:
        notices.append(Notice(source.rel, "skipped: a type askiraq does not read"))
        return
    reader = importlib.import_module(f"askiraq.readers.{_MODULES[kind]}")
    read = 0
    try:
        for document in reader.read(root, source, notices, settings or ReaderSettings(), progress):
            read += 1
            yield _encodable(document)
    except MissingLibrary as missing:
        notices.append(missing.notice(source.rel))
    except OSError as err:  # (permissions: read again once it can be, as a text file is)
        notices.append(Notice(source.rel, f"skipped: cannot read ({err.strerror or err})", retry=True))
    except Exception as err:  # a third-party parser may raise anything on a damaged file: never stop the build
        where = f" after {read} articles" if read else ""
        notices.append(Notice(source.rel, f"skipped{where}: not a readable {_LABELS[kind]} ({_summary(err)})"))


def _encodable(document: Document) -> Document:
    """The document with any lone surrogate (a library's decoding of damaged bytes, a header's 8-bit bytes) as "?",
    one character for one, so that the index can keep its text and metadata as UTF-8 and every span stays put."""
    def clean(text: str) -> str:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return text.encode("utf-8", "replace").decode("utf-8")
        return text

    return document._replace(text=clean(document.text), part=clean(document.part),
                             metadata={key: clean(value) for key, value in document.metadata.items()})


def _summary(err: BaseException) -> str:
    """An exception as a few words for a one-line notice."""
    text = " ".join(str(err).split())[:120]
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def assemble(blocks: list[tuple[str, int, int]]) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Paragraphs, each with the lines of the file where it starts and ends (0: not found), as one text with a blank
    line between them; and for each line of that text, the file's lines where its paragraph starts and ends."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for block, start, end in blocks:
        block = "\n".join(part.strip() for part in block.strip().splitlines())
        if not block:
            continue
        if parts:
            starts.append(0)  # the blank line between two paragraphs
            ends.append(0)
        parts.append(block)
        starts.extend([start] * (block.count("\n") + 1))
        ends.extend([end] * (block.count("\n") + 1))
    return "\n\n".join(parts) + "\n", tuple(starts), tuple(ends)


def attachment_documents(data: bytes, kind: str, rel: str, part: str, notices: list[Notice]) -> Iterator[Document]:
    """The articles of a file held inside another (an e-mail's attachment), named `part` of `rel`. Its lines are
    not lines of `rel`: its passages are cited by number."""
    from askiraq.corpus import Origin, decode_text

    if kind == "text":
        decoded = decode_text(data)
        if decoded is not None and decoded[0].strip():
            yield Document(rel, decoded[0], 0, {}, part, Origin())
        return
    reader = importlib.import_module(f"askiraq.readers.{_MODULES[kind]}")
    for document in reader.from_bytes(data, rel, part, notices, kind):
        yield document._replace(origin=Origin())
