"""Stage 5 (search), citations: where a passage or sentence is, a location an editor opens and `show` resolves.

A location is `path:line` or `path:start-end`. The path is relative to the current folder when the
article lies under it, else absolute (the shipped corpus lives inside the installed package), so a
terminal or editor can open it from where askiraq was run. When another passage of the article starts
or ends on the same line (a long paragraph on one line, cut into runs), the location is
`path:line:column` instead (1-based column, in characters), which names exactly one passage.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from typing import TYPE_CHECKING, NamedTuple

from askiraq.errors import ArticleNotIndexed, CitationError
from askiraq.files import printable_name, unescape_name
from askiraq.memo import lazy_pattern
from askiraq.records import DocRecord, PassageRecord

if TYPE_CHECKING:
    from askiraq.index import Index

# (re.S: a file name may hold a newline)
_LOCATION = lazy_pattern(r"(?P<name>.+?):(?P<line>\d+)(?::(?P<column>\d+)|-(?P<end>\d+))?", re.S)
_PASSAGE_ID = lazy_pattern(r"(?P<name>.+)#(?P<number>\d+)", re.S)
_PAGE = lazy_pattern(r"(?P<name>.+?):p(?P<page>\d+)(?::(?P<line>\d+))?", re.S)  # a PDF's page, and a line inside it


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
    url: str = ""
    author: str = ""
    page: int = 0  # a PDF's page (line_start and line_end are then lines inside it); 0 for other files


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
    page = 0
    if doc.stored >= 0:  # read from another format: its lines are the file's (or a PDF page's), where known
        location, page, line_start, line_end = _derived_location(index, doc, record, line_start, line_end)
    else:
        location = f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"
        if _line_shared(index, record, line_start):
            text = index.texts.text(doc.doc_id)
            location = f"{line_start}:{start - (text.rfind(chr(10), 0, start) + 1) + 1}"
    shown = printable_name(display_path(path))  # (a name that is not UTF-8, or holds a newline, is printed escaped)
    meta, name = doc.metadata, printable_name(doc.name)
    return Citation(name, f"{shown}{location}" if location.startswith((":", "#")) else f"{shown}:{location}",
                    printable_name(path), line_start, line_end, f"{name}#{record.number}", doc.title,
                    meta.get("publisher", ""), meta.get("date", ""), meta.get("url", ""), meta.get("author", ""), page)


def _derived_location(index: Index, doc: DocRecord, record: PassageRecord, line_start: int,
                      line_end: int) -> tuple[str, int, int, int]:
    """Where a passage of a document read from another format is, as (location, page, line start, line end): a PDF's
    `p12` (with `:5`, the line inside the page, when the page has several passages), the file's `40` where the
    passage's line is known and its own, else the passage's number in its article, `:part#3` or `#3`."""
    by_number = (f":{doc.part}#{record.number}" if doc.part else f"#{record.number}", 0, 0, 0)
    if doc.pages:
        page = bisect.bisect_right(doc.pages, line_start)
        first = doc.pages[page - 1] if page else 1
        alone = not _on_page(index, record, doc, page)
        inside = (_page_line(doc, line_start, first), _page_line(doc, line_end, first))
        if alone:
            return f"p{page}", page, *inside
        if not _line_shared(index, record, line_start):
            return f"p{page}:{inside[0]}", page, *inside
        return by_number[0], page, *inside
    if line_start <= 0 or _line_shared(index, record, line_start):
        return by_number
    line_end = max(line_end, line_start)
    return (f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"), 0, line_start, line_end


def _page_line(doc: DocRecord, line: int, first: int) -> int:
    """A PDF's text line as the line of its page that pypdf reads there (running headers and all), else (an index
    made before askiraq kept them) as the page's line in askiraq's text."""
    if 0 < line <= len(doc.page_lines) and doc.page_lines[line - 1]:
        return doc.page_lines[line - 1]
    return line - first + 1


def _on_page(index: Index, record: PassageRecord, doc: DocRecord, page: int) -> bool:
    """Whether a neighbouring passage of `record` is on the same PDF page."""
    pid = record.passage_id
    for other in (pid - 1, pid + 1):
        if doc.first_passage <= other < doc.first_passage + doc.passage_count:
            neighbour = index.records.passage(other)
            if page in (bisect.bisect_right(doc.pages, neighbour.line_start),
                        bisect.bisect_right(doc.pages, neighbour.line_end)):
                return True
    return False


def _line_shared(index: Index, record: PassageRecord, line: int) -> bool:
    """Whether another passage of the same article starts or ends on `line` (only neighbours can)."""
    doc = index.records.document(record.doc_id)
    pid = record.passage_id
    before = index.records.passage(pid - 1) if pid > doc.first_passage else None
    after = index.records.passage(pid + 1) if pid + 1 < doc.first_passage + doc.passage_count else None
    return bool((before and before.line_end >= line) or (after and after.line_start <= line))


def find_passage(index: Index, citation: str) -> PassageRecord:
    """The passage a citation names: `file#n`, `path:line`, `path:start-end`, `path:line:column`, a PDF's
    `path:p12` or `path:p12:5`, or an article of a file holding several with its passage, `archive.mbox:120#2`;
    an article's name alone (`report.html`, `archive.mbox:120`, as `sources` prints it) names its first passage.

    The path may be the article's path in the corpus, the corpus folder's name and that path, the
    path as askiraq prints it, or an absolute path. CitationError when nothing (or more than one
    passage) matches.
    """
    name, match = _parsed(citation)
    named = _named_articles(index, citation.strip()) if match is None or "number" not in match.groupdict() else []
    if len(named) == 1 and (match is None or named[0].part):  # an article's name, as `sources` prints it
        return index.records.passage(named[0].first_passage)
    if match is None:
        _check_location(index, citation.strip())
    docs = _articles(index, name)
    if match is None:
        raise CitationError(f"{docs[0].rel} holds {len(docs)} articles",
                            f"name one as askiraq sources does: {', '.join(d.name for d in docs[:3])}")
    if "number" in match.groupdict():
        return _numbered(index, docs, int(match.group("number")))
    passages = [index.records.passage(p) for d in docs
                for p in range(d.first_passage, d.first_passage + d.passage_count)]
    if "page" in match.groupdict():
        return _on_page_location(index, docs, passages, match, citation)
    return _at_location(index, docs, passages, match, citation)


def _numbered(index: Index, docs: list[DocRecord], number: int) -> PassageRecord:
    """`ARTICLE#n`: the n-th passage of the one article named (a file of several articles needs its part)."""
    whole = [d for d in docs if not d.part] if len(docs) > 1 else docs
    if len(whole) != 1:
        examples = ", ".join(f"{d.name}#{number}" for d in docs[:3])
        raise CitationError(f"{printable_name(docs[0].rel)} holds {len(docs)} articles", f"name one: {examples}")
    doc = whole[0]
    if 1 <= number <= doc.passage_count:
        return index.records.passage(doc.first_passage + number - 1)
    raise CitationError(f"{printable_name(doc.name)} has passages #1 to #{doc.passage_count}, not #{number}",
                        "use a citation printed by askiraq ask")


def cited_file(citation: str) -> str | None:
    """The file a citation names, when it is a path to an existing file (else None); a name printed escaped
    (`bad\\xffname.txt`) is read back."""
    name, _ = _parsed(citation)
    for file_name, _part in _splits(name):
        if os.path.isfile(file_name):
            return file_name
    return None if unescape_name(name) == name else cited_file(unescape_name(citation))


def missing_cited_file(citation: str) -> str | None:
    """The file a citation names when there is no such file but the folder it names is there (the file was deleted
    or moved since it was cited), else None."""
    name, _ = _parsed(citation)
    for file_name, _part in _splits(name):
        if not os.path.lexists(file_name) and os.path.isdir(os.path.dirname(os.path.abspath(file_name))):
            return file_name
    return None


def _parsed(citation: str) -> tuple[str, re.Match[str] | None]:
    """A citation's article part, and its match as a passage id or a location (None: an article alone)."""
    spec = citation.strip()
    match = _PASSAGE_ID().fullmatch(spec) or _PAGE().fullmatch(spec) or _LOCATION().fullmatch(spec)
    return (match.group("name") if match else spec), match


def _splits(name: str) -> list[tuple[str, str]]:
    """The ways to read `name` as a file and the part of it named after a colon: "a.mbox:120" is the file
    "a.mbox:120" or the part "120" of "a.mbox"."""
    found = [(name, "")]
    at = name.rfind(":")
    while at > 0:
        found.append((name[:at], name[at + 1:]))
        at = name.rfind(":", 0, at)
    return found


def _articles(index: Index, name: str) -> list[DocRecord]:
    """The articles `name` (as printed, escaped or not) names: every article of a file, or the one part of it named
    after a colon. A link to a file is the article it is in the corpus (only the folders it is in are resolved: a
    file link in the corpus is an article of its own), else the article it points to."""
    root = os.path.realpath(index.corpus_root)
    docs = index.records.documents()
    for file_name, part in dict.fromkeys([*_splits(name), *_splits(unescape_name(name))]):
        exists = os.path.lexists(file_name)
        for wanted in (_resolved_folder(file_name), os.path.realpath(file_name)) if exists else (None,):
            found = [d for d in docs if (not part or d.part == part) and _names_file(root, d.rel, file_name, wanted)]
            if found:
                return found
    for line in index.generation.meta.get("skipped", []):  # (a Notice: "a.txt: skipped: cannot read (...)", the
        shown, skipped, why = str(line).partition(": skipped")  # name as printable_name shows it, perhaps with ": ")
        if skipped and any(_names_file(root, shown, file_name, None) for file_name, _ in _splits(name)):
            raise ArticleNotIndexed(f"{shown} was left out of the index (skipped{why})",
                                    "askiraq info lists the files left out and why")
    raise ArticleNotIndexed(f"no indexed article matches {name!r} in {index.corpus_root}",
                            "pass the corpus it is from with --corpus DIR; askiraq sources lists its articles")


def _resolved_folder(path: str) -> str:
    """`path` with the folders it is in resolved, and its last part kept (a file link stays itself)."""
    absolute = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))


def _names_file(root: str, rel: str, name: str, wanted: str | None) -> bool:
    full = os.path.join(root, rel)
    return name in (rel, f"{os.path.basename(root)}/{rel}", full) or wanted == full


def _check_location(index: Index, spec: str) -> None:
    """An indexed article's name with something after ":" or "#" that is no location ("file.txt:abc") is a bad
    location, not an unknown article."""
    for separator in ("#", ":"):
        name, found, location = spec.rpartition(separator)
        if found and name and _names_article(index, name):
            raise CitationError(f"{location!r} in {spec!r} is not a line or passage number",
                                f"write {name}:LINE, {name}:START-END or {name}#N")


def _names_article(index: Index, name: str) -> bool:
    return bool(_named_articles(index, name))


def _named_articles(index: Index, name: str) -> list[DocRecord]:
    """The articles `name` names as a whole (see `_articles`), none when it names no article."""
    try:
        return _articles(index, name)
    except ArticleNotIndexed:
        return []


def _on_page_location(index: Index, docs: list[DocRecord], passages: list[PassageRecord], match: re.Match[str],
                      citation: str) -> PassageRecord:
    """`report.pdf:p12` (the page's one passage) or `report.pdf:p12:5` (the passage at line 5 of the page)."""
    doc = docs[0]
    page = int(match.group("page"))
    if not doc.pages or not 1 <= page <= len(doc.pages):
        raise CitationError(f"{doc.name} has no page {page}" if doc.pages else f"{doc.name} has no pages",
                            "use a citation printed by askiraq ask")
    first = doc.pages[page - 1]
    last = doc.pages[page] - 1 if page < len(doc.pages) else 1 << 62
    if match.group("line"):
        wanted = int(match.group("line"))
        lines = [first + wanted - 1] if not doc.page_lines else [
            n for n in range(first, min(last, len(doc.page_lines)) + 1) if doc.page_lines[n - 1] == wanted]
        found = [p for p in passages if any(p.line_start <= line <= p.line_end for line in lines)]
    else:
        found = [p for p in passages if p.line_start <= last and p.line_end >= first]
    return _one(index, found, doc, citation, f"page {page}")


def _at_location(index: Index, docs: list[DocRecord], passages: list[PassageRecord], match: re.Match[str],
                 citation: str) -> PassageRecord:
    line = int(match.group("line"))
    if match.group("end") and int(match.group("end")) < line:
        raise CitationError(f"{citation!r} ends before it starts", "write the lower line first, e.g. file.txt:56-60")
    if match.group("column"):
        doc = docs[0]
        if doc.stored >= 0:
            raise CitationError(f"{doc.name} is not a text file: its passages have no columns",
                                f"write {doc.name}:LINE or {doc.name}#N")
        text = index.texts.text(doc.doc_id)
        line_start = 0 if line == 1 else _nth_newline(text, line - 1) + 1
        line_end = _nth_newline(text, line)
        column = int(match.group("column"))
        if line_start > len(text):
            lines = text.count("\n") + (not text.endswith("\n"))
            raise CitationError(f"no passage at {citation!r}: {printable_name(doc.rel)} has {lines} lines",
                                "use a citation printed by askiraq ask")
        if not 1 <= column <= line_end - line_start:
            raise CitationError(f"no passage at {citation!r}: line {line} of {printable_name(doc.rel)} has "
                                f"{line_end - line_start} characters",
                                f"name a column of that line, or {printable_name(doc.name)}:{line}")
        offset = line_start + column - 1
        found = [p for p in passages if p.start <= offset < p.end or (p.start == offset)]
    else:
        end = int(match.group("end") or line)
        found = [p for p in passages if (p.line_start, p.line_end) == (line, end)] or [
            p for p in passages if p.line_start <= line <= p.line_end]
    return _one(index, found, docs[0], citation, f"line {line}")


def _one(index: Index, found: list[PassageRecord], doc: DocRecord, citation: str, where: str) -> PassageRecord:
    if len(found) == 1:
        return found[0]
    if not found:
        raise CitationError(f"no passage at {citation!r} in {printable_name(doc.rel)}",
                            f"use a citation printed by askiraq ask ({printable_name(doc.name)}#1 is its first "
                            "passage), or an article's name as askiraq sources prints it")
    choices = ", ".join(cite(index, p).location for p in found[:5]) + (f" (and {len(found) - 5} more)"
                                                                         if len(found) > 5 else "")
    raise CitationError(f"{where} of {printable_name(doc.rel)} holds {len(found)} passages", f"name one: {choices}")


def _nth_newline(text: str, n: int) -> int:
    """Offset of the n-th newline (1-based), or len(text) when there are fewer."""
    at = -1
    for _ in range(n):
        at = text.find("\n", at + 1)
        if at < 0:
            return len(text)
    return at
