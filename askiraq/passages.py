"""Stage 2: split one article into passages for the BM25 index.

A paragraph is one non-blank line. Boilerplate lines (page furniture, photo credits, bylines)
are dropped, the headline and section headings are recognised, and each remaining paragraph is
cut into sentences (NLTK Punkt with our own parameters, no data download) that are grouped into
passages of a few sentences. Every span is an exact offset into the original text.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

DEFAULT_SENTENCES_PER_PASSAGE = 3
DEFAULT_MAX_PASSAGE_CHARS = 1500
PUNKT_CHUNK_CHARS = 20_000  # Punkt never sees more than this at once
SHORT_TAIL_CHARS = 60  # a lone last sentence shorter than this joins the previous passage

_ABBREVIATION_LIST = """
jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
mr mrs ms messrs dr prof gen col lt sgt capt cmdr adm maj gov sen rep pres st rev hon
u.s u.k u.n e.u u.a.e e.g i.e etc vs v inc corp ltd co bros jr sr no nos approx dept
est fig figs vol ed eds ave blvd mt ft al cf ca p pp gov't
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_LIST.split())  # lower case, without the final period

_LAST_SPACE = re.compile(r".*\s", re.S)  # greedy: match end is just past the last whitespace
_LAST_NONSPACE = re.compile(r".*\S", re.S)
_NONSPACE = re.compile(r"\S")
_WORD = re.compile(r"\w")
_CLOSERS = "\"'\u201d\u2019\u00bb)]"  # straight and curly closing quotes, brackets
_OPENERS = "\"'\u201c\u2018\u00ab([\u2014\u2013-"  # opening quotes, brackets, dashes
_FURNITURE_LINE = re.compile(
    r"(?:leave|post|add)\s+a\s+(?:reply|comment)|\d*\s*comments?|faq|related(?:\s+\w+)?"
    r"|advertisement|sponsored(?:\s+content)?|share(?:\s+this\b.*|\s+on\b.*)?|back\s+to\s+top"
    r"|read\s+more\b.*|continue\s+reading\b.*|tags?\b.*|print|e-?mail|menu|home|search"
    r"|skip\s+to\s+(?:main\s+)?content|click\s+here\b.*|subscribe\b.*|sign\s+up\s+for\b.*"
    r"|follow\s+us\b.*|(?:photo|image)\s*(?:credit)?:.*",
    re.I,
)
_FURNITURE_ANYWHERE = re.compile(
    r"your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked"
    r"|have\s+comments\?\s*learn\s+more|submit\s+your\s+[\w\s]{0,40}?news"
    r"|all\s+rights\s+reserved|copyright\s*©|©\s*\d{4}"
    r"|contributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)"
    r"|^(?:reporting|writing|editing)\s+by\b"
    r"|^[\w'\u2019.-]+(?:\s+[\w'\u2019.-]+){0,3}\s+reported\s+from\s+[\w\s,'\u2019.-]{1,60}\.",
    re.I,
)
_MAX_FURNITURE_CHARS = 400


@dataclass(frozen=True)
class Passage:
    paragraph: int  # 0-based index among the kept paragraphs of the document
    start: int  # text[start:end] is the passage text exactly
    end: int
    line_start: int  # 1-based lines of start and end - 1
    line_end: int
    sentences: tuple[tuple[int, int], ...]  # absolute spans of the sentences, in order
    heading: str  # section heading (or FAQ question) the passage sits under; "" if none


@dataclass(frozen=True)
class SplitDocument:
    title: str
    title_line: int | None  # 1-based line of the headline, None when the title is a stand-in
    passages: tuple[Passage, ...]


# ---------------------------------------------------------------- line classification


def _ends_sentence(line: str) -> bool:
    """True when a line ends like a sentence (or a quotation / colon-introduced block)."""
    if line[-1] in '"”':
        return True
    return line.rstrip(_CLOSERS)[-1:] in (".", "!", "?", ":", ";", "…")


def _is_question(line: str) -> bool:
    return len(line) < 200 and line.rstrip(_CLOSERS).endswith("?")


def _is_boilerplate(line: str) -> bool:
    if len(line) > _MAX_FURNITURE_CHARS:
        return False
    bare = line.strip(" .!:*|\u00b7\u2022\u2013\u2014>\u00bb-")
    if _FURNITURE_LINE.fullmatch(bare) or _FURNITURE_ANYWHERE.search(line):
        return True
    if _ends_sentence(line):
        return False
    letters = [c for c in line if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(letters) >= 2 and upper >= 0.8 * len(letters)  # photo credit, agency line


def _is_heading_shaped(line: str) -> bool:
    return len(line) < 120 and not _ends_sentence(line) and len(line.split()) <= 12


def _is_headline(line: str) -> bool:
    return len(line) < 200 and not _ends_sentence(line) and len(line.split()) >= 3


# ---------------------------------------------------------------- spans and sentences


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) to exclude surrounding whitespace; empty spans come back as (x, x)."""
    first = _NONSPACE.search(text, start, end)
    if first is None:
        return start, start
    last = _LAST_NONSPACE.match(text, first.start(), end)
    return first.start(), last.end() if last else first.end()


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut a stripped span into stripped pieces of at most `limit` chars, at whitespace if can."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        space = _LAST_SPACE.match(text, start, start + limit + 1)
        cut = space.end() - 1 if space and space.end() - 1 > start else start + limit
        piece = _strip(text, start, cut)
        if piece[0] < piece[1]:
            pieces.append(piece)
        start, end = _strip(text, cut, end)
    if start < end:
        pieces.append((start, end))
    return pieces


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


def _punkt(text: str, start: int, end: int) -> list[tuple[int, int]]:
    try:
        spans = _tokenizer().span_tokenize(text[start:end])
        return [(start + int(a), start + int(b)) for a, b in spans]
    except Exception:  # Punkt is third-party: never let it break indexing
        return [(start, end)]


def _no_break_after(text: str, start: int, end: int) -> bool:
    """A split right after an initial ("U.", "J.") or a known abbreviation is not a real one."""
    token = text[max(start, end - 40) : end].rsplit(None, 1)[-1].lstrip(_OPENERS)
    if not token.endswith("."):
        return False
    core = token[:-1]
    return (len(core) == 1 and core.isupper()) or core.casefold() in ABBREVIATIONS


def _continues(text: str, start: int, end: int) -> bool:
    """A "sentence" starting in lower case continues the previous one (e.g. "Israel. and its")."""
    head = text[start : min(end, start + 40)].lstrip(_OPENERS)
    return head[:1].isalpha() and head[:1].islower()


def _sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph [start, end), each at most `max_chars` long."""
    raw: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _cut(text, start, end, PUNKT_CHUNK_CHARS):
        raw.extend(_punkt(text, chunk_start, chunk_end))
    merged: list[tuple[int, int]] = []
    for span in raw:
        s, e = _strip(text, *span)
        if s >= e:
            continue
        if merged and (_no_break_after(text, *merged[-1]) or _continues(text, s, e)):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [piece for s, e in merged for piece in _cut(text, s, e, max_chars)]


def _group(
    sentences: list[tuple[int, int]], per_passage: int, max_chars: int
) -> list[list[tuple[int, int]]]:
    groups: list[list[tuple[int, int]]] = []
    for span in sentences:
        last = groups[-1] if groups else None
        if last and len(last) < per_passage and span[1] - last[0][0] <= max_chars:
            last.append(span)
        else:
            groups.append([span])
    if len(groups) >= 2 and len(groups[-1]) == 1:
        tail = groups[-1][0]
        if tail[1] - tail[0] < SHORT_TAIL_CHARS and tail[1] - groups[-2][0][0] <= max_chars:
            groups[-2].append(groups.pop()[0])
    return groups


# ---------------------------------------------------------------- the document


def _opening_words(line: str, words: int = 10, max_chars: int = 80) -> str:
    parts = line[: max_chars * 4].split()
    opening = " ".join(parts[:words])
    if len(opening) > max_chars:
        cut = opening.rfind(" ", 0, max_chars + 1)
        opening = opening[: cut if cut > 0 else max_chars]
    return opening + ("…" if len(opening) < len(line) else "")


def split_document(
    text: str,
    body_start: int = 0,
    *,
    sentences_per_passage: int = DEFAULT_SENTENCES_PER_PASSAGE,
    max_passage_chars: int = DEFAULT_MAX_PASSAGE_CHARS,
) -> SplitDocument:
    """Split `text[body_start:]` into passages; all offsets are absolute in `text`."""
    per_passage = max(1, sentences_per_passage)
    max_chars = max(1, max_passage_chars)
    body_start = min(max(0, body_start), len(text))
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def line_of(offset: int) -> int:
        return bisect_right(line_starts, offset)

    # Non-blank, non-boilerplate lines of the body as stripped spans.
    lines: list[tuple[int, int]] = []
    for number in range(line_of(body_start) - 1, len(line_starts)):
        line_end = line_starts[number + 1] - 1 if number + 1 < len(line_starts) else len(text)
        s, e = _strip(text, max(line_starts[number], body_start), line_end)
        if s < e and _WORD.search(text, s, e) and not _is_boilerplate(text[s:e]):
            lines.append((s, e))

    title, title_line = "", None
    if lines and _is_headline(text[lines[0][0] : lines[0][1]]):
        title, title_line = text[lines[0][0] : lines[0][1]], line_of(lines[0][0])
        lines.pop(0)

    # Backwards, so each line knows what follows it: "heading", "question", "drop" or "content".
    kinds: list[str] = []
    next_kind = "end"
    for s, e in reversed(lines):
        line = text[s:e]
        if _is_question(line) and next_kind == "content":
            kind = "question"
        elif _is_heading_shaped(line):
            kind = "heading" if next_kind == "content" else "drop"
        else:
            kind = "content"
        kinds.append(kind)
        next_kind = kind if kind != "drop" else next_kind
    kinds.reverse()

    passages: list[Passage] = []
    seen: set[str] = set()
    paragraph = -1
    section, question = "", ""
    for (s, e), kind in zip(lines, kinds, strict=True):
        if kind == "heading":
            section, question = text[s:e], ""
            continue
        if kind == "question":
            question = text[s:e]
            continue
        if kind == "drop":
            continue
        key = " ".join(text[s:e].split()).casefold()
        if key in seen:
            continue
        seen.add(key)
        if not title:
            title = _opening_words(text[s:e])
        heading, question = question or section, ""
        paragraph += 1
        for group in _group(_sentences(text, s, e, max_chars), per_passage, max_chars):
            start, end = group[0][0], group[-1][1]
            lines_ = line_of(start), line_of(end - 1)
            passages.append(Passage(paragraph, start, end, *lines_, tuple(group), heading))
    return SplitDocument(title, title_line, tuple(passages))
