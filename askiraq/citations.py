"""Stage 5 (search), citations: where a passage or sentence is, a location an editor opens and `show` resolves.

A location is `path:line` or `path:start-end`. The path is relative to the current folder when the
article lies under it, else absolute (the shipped corpus lives inside the installed package), so a
terminal or editor can open it from where askiraq was run. When another passage of the article starts
or ends on the same line (a long paragraph on one line, cut into runs), the location is
`path:line:column` instead (1-based column, in characters), which names exactly one passage.
"""

from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING, NamedTuple

from askiraq.errors import ArticleNotIndexed, CitationError
from askiraq.records import DocRecord, PassageRecord

if TYPE_CHECKING:
    from askiraq.index import Index

_LOCATION = re.compile(r"(?P<name>.+?):(?P<line>\d+)(?::(?P<column>\d+)|-(?P<end>\d+))?")
_PASSAGE_ID = re.compile(r"(?P<name>.+)#(?P<number>\d+)")


class Citation(NamedTuple):
    """Where a passage or sentence is: its location text plus the pieces scripts need."""

    source: str  # file path relative to the corpus folder
    location: str  # path:line, path:start-end or path:line:column (see the module docstring)
    path: str  # absolute path of the file
    line_start: int
    line_end: int
    passage_id: str  # source#n: the passage's number in its article
    title: str
    publisher: str = ""
    date: str = ""


def display_path(path: str) -> str:
    """`path` relative to the current folder when it lies under it, else absolute."""
    return _display_path(path, os.getcwd())


@functools.lru_cache(maxsize=4096)  # a batch cites the same articles again and again
def _display_path(path: str, cwd: str) -> str:
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith(os.pardir) else relative.replace(os.sep, "/")


def cite(index: Index, record: PassageRecord, span: tuple[int, int, int, int] | None = None) -> Citation:
    """The citation of a passage, or of a span (start, end, line start, line end) inside it."""
    doc = index.records.document(record.doc_id)
    start, _end, line_start, line_end = span or (record.start, record.end, record.line_start, record.line_end)
    path = index.texts.path(doc.doc_id)
    lines = f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"
    if _line_shared(index, record, line_start):
        text = index.texts.text(doc.doc_id)
        lines = f"{line_start}:{start - (text.rfind(chr(10), 0, start) + 1) + 1}"
    return Citation(doc.rel, f"{display_path(path)}:{lines}", path, line_start, line_end, f"{doc.rel}#{record.number}",
                    doc.title, doc.metadata.get("publisher", ""), doc.metadata.get("date", ""))


def _line_shared(index: Index, record: PassageRecord, line: int) -> bool:
    """Whether another passage of the same article starts or ends on `line` (only neighbours can)."""
    doc = index.records.document(record.doc_id)
    pid = record.passage_id
    before = index.records.passage(pid - 1) if pid > doc.first_passage else None
    after = index.records.passage(pid + 1) if pid + 1 < doc.first_passage + doc.passage_count else None
    return bool((before and before.line_end >= line) or (after and after.line_start <= line))


def find_passage(index: Index, citation: str) -> PassageRecord:
    """The passage a citation names: `file#n`, `path:line`, `path:start-end` or `path:line:column`.

    The path may be the article's path in the corpus, the corpus folder's name and that path, the
    path as askiraq prints it, or an absolute path. CitationError when nothing (or more than one
    passage) matches.
    """
    name, match = _parsed(citation)
    if match is None:
        _check_location(index, citation.strip())
    doc = _article(index, name)
    if match is None:
        raise CitationError(f"{citation!r} names an article, not a passage",
                            f"add a line or passage number, e.g. {doc.rel}:1 or {doc.rel}#1")
    passages = [index.records.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.passage_count)]
    if "number" in match.groupdict():
        number = int(match.group("number"))
        if 1 <= number <= len(passages):
            return passages[number - 1]
        raise CitationError(f"{doc.rel} has passages #1 to #{len(passages)}, not #{number}",
                            "use a citation printed by askiraq ask")
    return _at_location(index, doc, passages, match, citation)


def cited_file(citation: str) -> str | None:
    """The file a citation names, when it is a path to an existing file (else None)."""
    name, _ = _parsed(citation)
    return name if os.path.isfile(name) else None


def _parsed(citation: str) -> tuple[str, re.Match[str] | None]:
    """A citation's article part, and its match as a passage id or a location (None: an article alone)."""
    spec = citation.strip()
    match = _PASSAGE_ID.fullmatch(spec) or _LOCATION.fullmatch(spec)
    return (match.group("name") if match else spec), match


def _article(index: Index, name: str) -> DocRecord:
    root = os.path.realpath(index.corpus_root)
    wanted = os.path.realpath(name) if os.path.exists(name) else None
    for doc in index.records.documents():
        full = os.path.join(root, doc.rel)
        if name in (doc.rel, f"{os.path.basename(root)}/{doc.rel}", full) or wanted == full:
            return doc
    raise ArticleNotIndexed(f"no indexed article matches {name!r} in {index.corpus_root}",
                            "pass the corpus it is from with --corpus DIR; askiraq sources lists its articles")


def _check_location(index: Index, spec: str) -> None:
    """An indexed article's name with something after ":" or "#" that is no location ("file.txt:abc") is a bad
    location, not an unknown article."""
    for separator in ("#", ":"):
        name, found, location = spec.rpartition(separator)
        if found and name and _names_article(index, name):
            raise CitationError(f"{location!r} in {spec!r} is not a line or passage number",
                                f"write {name}:LINE, {name}:START-END or {name}#N")


def _names_article(index: Index, name: str) -> bool:
    try:
        _article(index, name)
    except ArticleNotIndexed:
        return False
    return True


def _at_location(index: Index, doc: DocRecord, passages: list[PassageRecord], match: re.Match[str],
                 citation: str) -> PassageRecord:
    line = int(match.group("line"))
    if match.group("end") and int(match.group("end")) < line:
        raise CitationError(f"{citation!r} ends before it starts", "write the lower line first, e.g. file.txt:56-60")
    if match.group("column"):
        text = index.texts.text(doc.doc_id)
        line_start = 0 if line == 1 else _nth_newline(text, line - 1) + 1
        offset = line_start + int(match.group("column")) - 1
        found = [p for p in passages if p.start <= offset < p.end or (p.start == offset)]
    else:
        end = int(match.group("end") or line)
        found = [p for p in passages if (p.line_start, p.line_end) == (line, end)] or [
            p for p in passages if p.line_start <= line <= p.line_end]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CitationError(f"no passage at {citation!r} in {doc.rel}",
                            "use a citation printed by askiraq ask, e.g. file.txt:7 or file.txt#2")
    choices = ", ".join(cite(index, p).location for p in found)
    raise CitationError(f"line {line} of {doc.rel} holds {len(found)} passages", f"name one: {choices}")


def _nth_newline(text: str, n: int) -> int:
    """Offset of the n-th newline (1-based), or len(text) when there are fewer."""
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at
