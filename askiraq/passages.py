"""Stage 2: split one article into paragraphs, sentences and passages for the BM25 index.

Paragraphs come from the file's structure, not its lines. Blank-line-separated blocks are
paragraphs, their hard-wrapped lines joined; a block of long lines (a news archive with one
paragraph per line) is one paragraph per line; Markdown headings, list items and table rows
stand alone. A heading is a single short line without closing punctuation (or a Markdown
heading): never a wrapped line that happens to be short.

Nothing readable is dropped: every word of the body ends up in a passage, or in a title or
heading that is indexed with the passages beneath it. Page furniture, photo credits, captions
and bylines stay searchable but are not *quotable* (never chosen as an answer sentence), and a
dateline ("BAGHDAD (AP) —") is a sentence of its own, also not quotable.

Sentences come from NLTK Punkt with our own parameters (no data download). A paragraph is one
passage unless it is longer than `max_passage_chars`, when it is cut into runs of whole
sentences. Every span is an exact offset into the original text.
"""

from __future__ import annotations

import functools
import re
import sys
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from askiraq.answers import QUESTION_MARKS, asks
from askiraq.corpus import MONTHS
from askiraq.tuning import (
    CAPTION_MAX_CHARS,
    CREDIT_CAPITALS,
    FURNITURE_MAX_CHARS,
    HEADING_MAX_CHARS,
    HEADING_MAX_WORDS,
    MAX_PASSAGE_CHARS,
    SHORT_TAIL_CHARS,
    TITLE_MAX_CHARS,
    TITLE_MIN_WORDS,
    WRAPPED_LINE_MAX,
)

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

PUNKT_CHUNK_CHARS = 20_000  # Punkt never sees more than this at once (memory, not quality)

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
_LINE_END = re.compile(r"\n")  # a lone carriage return is whitespace, as in most tools
_CLOSERS = "\"'\u201d\u2019\u00bb)]*_`"  # closing quotes, brackets and Markdown emphasis
_OPENERS = "\"'\u201c\u2018\u00ab([\u2014\u2013-*_`"  # opening quotes, brackets, dashes, emphasis
_ATX_HEADING = re.compile(r"(#{1,6})(?:[ \t]+|$)")
_SETEXT_UNDERLINE = re.compile(r"(?:=+|-+)[ \t]*")
_LIST_ITEM = re.compile(r"(?:[-*+\u2022]|\d{1,3}[.)])[ \t]+\S")
_TABLE_ROW = re.compile(r"\|")
_LABEL = re.compile(r"[A-Z][\w'.-]*(?: [\w'.-]+){0,2}:[ \t]+\S")  # "Moderator: ...", "Date of birth: ..."
_CODE_FENCE = re.compile(r"(?:```+|~~~+)[\w+.-]*")  # a Markdown code block's fence, with its language
_TABLE_RULE = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*\|?\s*")  # |---|:---:| under a table's header
# E-mail: a header block of "Field: value" lines, a reply's attribution ("On Tue, ... Jonas wrote:").
_MAIL_HEADER = re.compile(r"(?:from|to|cc|bcc|date|sent|subject|reply-to|message-id|in-reply-to|references"
                          r"|organi[sz]ation|importance):[ \t]", re.I)
_SIGNATURE_BELOW = re.compile(r"[ \t]*(?:\r?\n[ \t]*)+--[ \t]?\r?\n")  # blank lines, then a signature's "-- " line
_MAIL_SUBJECT = re.compile(r"^[ \t]*subject:[ \t]*(\S[^\n]*?)[ \t]*$", re.I | re.M)
# A digital library's end marker ("*** END OF THE PROJECT GUTENBERG EBOOK ... ***"): what follows is its licence.
_END_OF_TEXT = re.compile(r"^[ \t]*\*{3}[ \t]*END OF\b[^\n]*\*{3}[ \t]*$", re.I | re.M)
_FURNITURE = re.compile(
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
    r"|all\s+rights\s+reserved|copyright\s*©|©\s*\d{4}",
    re.I,
)
_BYLINE = re.compile(r"by\s+(?=[A-Z])(?:[^.!?]|\b[A-Z]\.){1,140}", re.I)  # "By Edith M. Carrow": initials too
_CREDIT_MARK = re.compile(r"/|\b(?:AP|AFP|EPA|PRESS|REUTERS|GETTY|IMAGES?|PHOTO(?:GRAPH)?S?|POOL|VIA|COURTESY|STAFF"
                          r"|HANDOUT|SHUTTERSTOCK|ALAMY)\b")
# A caption's credit in brackets at its end: "(Reuters/Javier Ocaña)", "(Talgrano handout via Reuters)".
_BRACKETED_CREDIT_END = re.compile(r"\((?:[A-Z][\w.&'\u2019 -]{0,30}/[^()]{1,60}|[^()]{0,60}\b(?:handout|courtesy)\b"
                                   r"[^()]{0,60})\)\s*$", re.I)
# A salutation's or sign-off's comma (Latin, Arabic, full-width), and what a greeting line never holds.
_COMMAS = (",", "\u060c", "\uff0c")
_SENTENCE_MARK = re.compile(r"[!?:;]")  # (a period may be an abbreviation's: "Dear Dr. Saleh,")
GREETING_MAX_WORDS = 4  # "Dear colleagues,", "With best regards," (and a signature's lines up to two more)
# A date ending a line: "25 November 2024", "March 12, 2024", "Nov. 25, 2024", "2024-11-25".
_DATE_AT_END = re.compile(r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9}\.?),?"
                          r"|(?P<month_first>[A-Za-z]{3,9}\.?)\s+\d{1,2}(?:st|nd|rd|th)?,?)\s+\d{4}[ \t]*$"
                          r"|(?<![\w-])\d{4}-\d{2}-\d{2}[ \t]*$")
_NUMBERED_PART = re.compile(r"(?:chapter|part|book|section|act|scene)\s+(?:[ivxlcdm]+|\d+)\.?", re.I)
_PHOTO_MARK = re.compile(r"\((?:[A-Z]{2,10}\s+)?(?:photo|picture|image)\b[^)]{0,80}\)", re.I)
# "… March 19, 2024. REUTERS/Toby Melville", "… AFP/Getty Images": an agency's photo credit ends a caption.
# The credit follows the caption's last sentence and ends the paragraph, without closing punctuation.
_PHOTO_CREDIT_END = re.compile(r"(?:^|[.!?]\s+)[A-Z]{2,}(?:\s+[Pp]hoto)?\s*/\s*[A-Z][a-z][\w.'\u2019 -]{0,60}"
                               r"(?<![.!?])\s*$")
# "BAGHDAD (AP) — ", "BEIRUT, Lebanon (Reuters) - ", "WASHINGTON -- ": a place in capitals, then a dash.
_DATELINE = re.compile(r"[A-Z][A-Z.'\u2019 -]{2,40}(?:,\s*[A-Z][\w.' -]{1,30})?\s*(?:\([\w .&/-]{1,30}\)\s*)?"
                       r"(?:\u2014|\u2013|--?)\s+(?=[\"\u201c\u2018'A-Z0-9])")


class Sentence(NamedTuple):
    start: int
    end: int  # text[start:end] is the sentence exactly
    line_start: int  # 1-based lines of start and end - 1
    line_end: int
    quotable: bool  # may be chosen as an answer (not a caption, credit, byline, dateline or furniture)


class Passage(NamedTuple):
    paragraph: int  # 0-based index among the document's passage-bearing paragraphs
    start: int  # text[start:end] is the passage text exactly
    end: int
    line_start: int  # 1-based lines of start and end - 1
    line_end: int
    sentences: tuple[Sentence, ...]
    heading: tuple[int, int]  # span of the section heading it sits under; (0, 0) if none
    above: tuple[int, int]  # span of what frames it from right above: an FAQ question, its table's header row
    # span of the Markdown heading a level up that the section heading is under, when not right above it
    # ("## 2.3.0" over "### Fixed", a few sections down); (0, 0) if none
    parent: tuple[int, int] = (0, 0)
    kind: str = "text"  # one of records.PASSAGE_KINDS


class SplitDocument(NamedTuple):
    title: str
    title_span: tuple[int, int]  # where the headline is; (0, 0) when the title is a stand-in
    title_line: int | None  # 1-based line of the headline, None when the title is a stand-in
    passages: tuple[Passage, ...]


class _Paragraph(NamedTuple):
    start: int
    end: int
    kind: str  # one of the _KINDS below
    single_line: bool
    row: bool = False  # a table's row or header row (Markdown's "| a | b |", or columns aligned with spaces)


# Paragraph kinds. TEXT and LIST are quotable; CAPTION, CREDIT, BYLINE and FURNITURE are searchable
# only; HEADING and QUESTION are indexed with the passages below them (a passage if nothing follows).
TEXT, LIST, HEADING, QUESTION, CAPTION, CREDIT, BYLINE, FURNITURE = (
    "text", "list", "heading", "question", "caption", "credit", "byline", "furniture")
_CONTENT = (TEXT, LIST, CAPTION)
# A passage's kind is its paragraph's, or: a row of a table under its header row, the answer under an FAQ question.
TABLE_ROW, ANSWER = "table row", "answer"


# ---------------------------------------------------------------- spans


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


def _collapsed(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


# ---------------------------------------------------------------- lines and blocks


def _blocks(text: str, body_start: int) -> list[list[tuple[int, int]]]:
    """Runs of consecutive non-blank lines of the body, as stripped line spans."""
    blocks: list[list[tuple[int, int]]] = [[]]
    position = body_start
    for match in [*_LINE_END.finditer(text, body_start), None]:
        line_end = match.start() if match else len(text)
        span = _strip(text, position, line_end)
        if span[0] < span[1]:
            blocks[-1].append(span)
        elif blocks[-1]:
            blocks.append([])
        position = match.end() if match else len(text)
    return [block for block in blocks if block]


_CELL = re.compile(r"\S+(?: \S+)*")  # a cell of a table aligned with spaces: words one space apart
_COLUMN_GAP = re.compile(r"\S(?: {2,}|\t)\S")
_DIGIT = re.compile(r"\d")
_SENTENCE_GAP = re.compile(r"[.!?][\"”’')]*(?: {2,}|\t)\S")  # "… in 1965.  It ran …"


def _is_aligned_table(text: str, block: list[tuple[int, int]]) -> bool:
    """A plain-text table: a header line over two rows or more, each line cut by runs of spaces into the same number
    of cells (two or more), each row holding a figure, and the rows' cells lined up by their left or right edges. (In
    prose with two spaces after its full stops, a "cell" ends with the full stop.)"""
    if len(block) < 3 or not all(_COLUMN_GAP.search(text, s, e) for s, e in block):  # (most blocks stop here)
        return False
    if not all(_DIGIT.search(text, s, e) for s, e in block[1:]) or any(_SENTENCE_GAP.search(text, s, e)
                                                                        for s, e in block):
        return False
    lines = [_cell_columns(text, s, e) for s, e in block]
    count = len(lines[0])
    if count < 2 or any(len(cells) != count for cells in lines):
        return False
    for column in range(1, count):
        starts, ends = zip(*(cells[column] for cells in lines[1:]), strict=True)
        if max(starts) - min(starts) > 1 and max(ends) - min(ends) > 1:
            return False
    return True


def _cell_columns(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of a line (runs of words one space apart) as the columns they start and end at."""
    line_start = text.rfind("\n", 0, start) + 1
    return [(cell.start() - line_start, cell.end() - line_start) for cell in _CELL.finditer(text, start, end)]


def _ends_sentence(line: str) -> bool:
    """True when a line ends like a sentence (or a quotation / colon-introduced block)."""
    if line[-1] in '"”':
        return True
    return line.rstrip(_CLOSERS)[-1:] in (".", "!", *QUESTION_MARKS, ":", ";", "…")


def _is_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """Hard-wrapped prose: short lines, most of them ending in the middle of a sentence."""
    inner = lines[:-1]
    if not inner or any(e - s > WRAPPED_LINE_MAX for s, e in inner):
        return False
    open_ends = sum(not _ends_sentence(text[s:e]) for s, e in inner)
    return 2 * open_ends >= len(inner)


def _joined(text: str, lines: list[tuple[int, int]], header: bool = False) -> list[_Paragraph]:
    """Wrapped lines as paragraphs: one, or one per Markdown list item; in a file's `header` block, also one per
    labelled line ("Moderator: Hannah Cho" under a transcript's title; a block of nothing but labelled lines, an
    e-mail's header, stays one)."""
    labelled = [bool(_LABEL.match(text, s)) for s, _ in lines] if header else [False] * len(lines)
    split_labels = header and not all(labelled)
    paragraphs: list[_Paragraph] = []
    for (s, e), label in zip(lines, labelled, strict=True):
        item = bool(_LIST_ITEM.match(text, s))
        if paragraphs and not item and not (label and split_labels):
            last = paragraphs[-1]
            paragraphs[-1] = _Paragraph(last.start, e, last.kind, False)
        else:  # (a labelled line is one of a block's lines, never a heading)
            paragraphs.append(_Paragraph(s, e, LIST if item else TEXT, not label))
    return paragraphs


def _ends_short(text: str, line: tuple[int, int], following: tuple[int, int], width: int) -> bool:
    """A line that stops before half the width with no closing punctuation ("Café Müller" above its story): it
    ended there on purpose, since wrapping would have pulled the next line's first word up onto it. (Half:
    some archives wrap unevenly, and the first line of a paragraph can be indented or cut short.)"""
    first_word = len(text[following[0]:following[1]].split(maxsplit=1)[0])
    length = line[1] - line[0]
    return 2 * length <= width and length + 1 + first_word <= width and not _ends_sentence(text[line[0]:line[1]])


def _run_paragraphs(text: str, lines: list[tuple[int, int]], header: bool = False) -> list[_Paragraph]:
    if len(lines) > 1 and all(text.startswith(">", s) for s, _ in lines[1:]):
        return _quoted_paragraphs(text, lines)
    if _is_attribution(text, lines[:2]) and all(text.startswith(">", s) for s, _ in lines[2:]):
        attribution = _Paragraph(lines[0][0], lines[1][1], TEXT, False)  # "On Mon, ... Ahmed Kareem" / "<...> wrote:"
        return [attribution, *(_quoted_paragraphs(text, lines[2:]) if lines[2:] else [])]
    if _is_indented_list(text, lines):
        return _joined(text, lines)
    if _is_label_block(text, lines):
        return _joined(text, lines, header)
    width = max(e - s for s, e in lines)
    if len(lines) > 1 and not _LIST_ITEM.match(text, lines[0][0]) and _ends_short(text, lines[0], lines[1], width):
        return [_Paragraph(*lines[0], TEXT, True), *_run_paragraphs(text, lines[1:], header)]  # a title over its text
    if _is_wrapped(text, lines):
        return _joined(text, lines, header)
    return [_Paragraph(s, e, LIST if _LIST_ITEM.match(text, s) else TEXT, True) for s, e in lines]


def _is_label_block(text: str, lines: list[tuple[int, int]]) -> bool:
    """Lines that each give a field ("Date: 3 July 2024", "Present: ...", "Apologies: ..." in minutes, however long),
    most of them not ending like a sentence: one paragraph, as an e-mail's header is (none of them is a heading)."""
    if len(lines) < 2 or not all(_LABEL.match(text, s) for s, _ in lines):
        return False
    return 2 * sum(not _ends_sentence(text[s:e]) for s, e in lines) >= len(lines)


def _is_indented_list(text: str, lines: list[tuple[int, int]]) -> bool:
    """List items, each line under one indented (it goes on with that item, as Markdown reads it, whatever the line
    before it ends with: "- The dam needs grouting." over "  Its cost is ..."); at least one such line."""
    if not _LIST_ITEM.match(text, lines[0][0]):
        return False
    items = [bool(_LIST_ITEM.match(text, s)) for s, _ in lines]
    return not all(items) and all(item or text[s - 1] in " \t" for (s, _), item in zip(lines, items, strict=True))


def _is_attribution(text: str, lines: list[tuple[int, int]]) -> bool:
    """A reply's attribution wrapped over two lines ("On Mon, 3 Mar 2025 at 09:12, Ahmed Kareem" / "<a@b.org>
    wrote:"): one paragraph, never a heading over the quotation."""
    return len(lines) == 2 and text.startswith("On ", lines[0][0]) and text[lines[1][0]:lines[1][1]].endswith(
        "wrote:") and not text.startswith(">", lines[1][0])


def _quoted_paragraphs(text: str, lines: list[tuple[int, int]]) -> list[_Paragraph]:
    """Quoted lines ("> " in e-mail replies and Markdown) under an optional attribution line ("On ... wrote:"):
    each run of them between lines of a bare ">" is one paragraph, however its lines end."""
    found = [] if text.startswith(">", lines[0][0]) else [_Paragraph(*lines[0], TEXT, True)]
    quoted = lines[len(found):]
    run: list[tuple[int, int]] = []
    for s, e in [*quoted, (0, 0)]:
        if e and text[s:e].strip("> \t"):
            run.append((s, e))
        elif run:
            found.append(_Paragraph(run[0][0], run[-1][1], TEXT, len(run) == 1))
            run = []
    return found


def _block_paragraphs(text: str, block: list[tuple[int, int]], header: bool = False) -> list[_Paragraph]:
    """Markdown headings and table rows stand alone; the lines between them are joined or not (`header`: the
    file's first block)."""
    if _is_aligned_table(text, block):  # its header row frames each row below it, as a Markdown table's does
        names, *rows = block
        return [_Paragraph(*names, FURNITURE, True, True), *(_Paragraph(*row, LIST, True, True) for row in rows)]
    paragraphs: list[_Paragraph] = []
    run: list[tuple[int, int]] = []
    for s, e in block:
        atx = _ATX_HEADING.match(text, s)
        if _CODE_FENCE.fullmatch(text, s, e):  # ```yaml: it opens or closes code, and is neither text nor a heading
            paragraphs += _run_paragraphs(text, run) if run else []
            run = []
        elif _TABLE_RULE.fullmatch(text, s, e) and paragraphs and paragraphs[-1].kind == LIST:
            paragraphs[-1] = paragraphs[-1]._replace(kind=FURNITURE)  # a table's header: found, never quoted
        elif atx or _TABLE_ROW.match(text, s):
            paragraphs += _run_paragraphs(text, run) if run else []
            run = []
            start, end = _strip(text, atx.end(), e) if atx else (s, e)
            if atx:  # the heading's own text, without its closing #s
                end = start + len(text[start:end].rstrip("#").rstrip())
            paragraphs.append(_Paragraph(start, end, HEADING if atx else LIST, True, not atx))  # (a row is a list item)
        elif _SETEXT_UNDERLINE.fullmatch(text, s, e) and len(run) == 1:
            paragraphs.append(_Paragraph(*run[0], HEADING, True))
            run = []
        else:
            run.append((s, e))
    return paragraphs + (_run_paragraphs(text, run, header) if run else [])


# ---------------------------------------------------------------- kinds of paragraphs


def _is_furniture(line: str) -> bool:
    if len(line) > FURNITURE_MAX_CHARS:
        return False
    bare = line.strip(" .!:*|\u00b7\u2022\u2013\u2014>\u00bb-")
    return bool(_FURNITURE.fullmatch(bare) or _FURNITURE_ANYWHERE.search(line))


def _credit_kind(line: str) -> str:
    """BYLINE for "By A and B", CREDIT for a photo or agency credit (mostly capitals), else ""."""
    if len(line) > FURNITURE_MAX_CHARS or _ends_sentence(line):
        return ""
    if _BYLINE.fullmatch(line):
        return BYLINE
    letters = [c for c in line if c.isalpha()]
    capitals = len(letters) >= 2 and sum(c.isupper() for c in letters) >= CREDIT_CAPITALS * len(letters)
    # An agency or photographer's credit says so ("JOHN SMITH/POOL VIA AP", "ASSOCIATED PRESS"); a line in capitals
    # that does not is a heading ("THE GREAT GALE", a book's chapter title).
    return CREDIT if capitals and _CREDIT_MARK.search(line) else ""


def _is_caption(line: str, after_credit: bool) -> bool:
    """A short paragraph under a photo credit, or one marked "(AP Photo/…)" or ending "REUTERS/…"; never a
    story's dateline lead."""
    if _PHOTO_MARK.search(line) or (len(line) <= CAPTION_MAX_CHARS and (
            _PHOTO_CREDIT_END.search(line) or _BRACKETED_CREDIT_END.search(line))):
        return True
    return after_credit and len(line) <= CAPTION_MAX_CHARS and not _DATELINE.match(line)


def _is_greeting(lines: list[str]) -> bool:
    """A salutation or a sign-off, alone or over the name that signs it: a first line of a few words ending with a
    comma, in any language ("Hi all,", "Dear colleagues,", "Best regards,", "Bonjour à tous,", "مع التحية،"), then
    at most three short lines without closing punctuation ("Huda", "Ahmed Kareem", "Ports Briefing"). Never a
    sentence: furniture, found but never quoted, and never the lead paragraph that counts the headline's words."""
    first = lines[0].strip()
    if not first.endswith(_COMMAS) or len(first.split()) > GREETING_MAX_WORDS or _SENTENCE_MARK.search(first):
        return False
    rest = [line.strip() for line in lines[1:]]
    return len(rest) <= 3 and all(len(line.split()) <= GREETING_MAX_WORDS + 2 and not _ends_sentence(line)
                                  and not line.endswith(_COMMAS) for line in rest)


def _is_dateline(line: str) -> bool:
    """A line that only dates what follows: a date written out or in ISO form at its end, after at most a place and
    a weekday in capitalised words, and no label ("Baghdad, 25 November 2024", "Monday, March 12, 2024",
    "2024-11-25"). Not a heading over the text below (its words would count in every passage there): furniture."""
    found = _DATE_AT_END.search(line)
    if not found:
        return False
    month = (found.group("month") or found.group("month_first") or "").lower().rstrip(".")
    if month and not any(name.startswith(month) for name in MONTHS if len(month) >= 3):
        return False
    words = line[:found.start()].replace(",", " ").split()  # (a labelled line, "Date: ...", is text as it was)
    return len(words) <= 3 and all(word[:1].isupper() and ":" not in word for word in words)


# A list of terms ("Keywords: soil; nitrate") or an e-mail address ("Corresponding author: ...@...")
_NEVER_IN_HEADINGS = (";", "@")


def _is_heading_shaped(line: str) -> bool:
    """Short, without closing punctuation, not ending in a comma ("Best regards," "Hi all," open what follows) and
    holding none of _NEVER_IN_HEADINGS; or a book's "CHAPTER XIV." / "Part 2.", whatever it ends with."""
    return (len(line) < HEADING_MAX_CHARS and not _ends_sentence(line) and len(line.split()) <= HEADING_MAX_WORDS
            and not line.endswith(",") and not any(mark in line for mark in _NEVER_IN_HEADINGS)) \
        or bool(_NUMBERED_PART.fullmatch(line))


def _is_question(line: str) -> bool:
    return len(line) < TITLE_MAX_CHARS and line.rstrip(_CLOSERS).endswith(QUESTION_MARKS)


def _first_kind(paragraph: _Paragraph, line: str, after_credit: bool, lines: list[str]) -> str:
    """What a paragraph is, from its own text (headings and questions are settled later)."""
    if paragraph.kind == HEADING:
        return HEADING
    if paragraph.kind == LIST and paragraph.row:  # a table row, even one of codes in capitals ("| RAU |")
        return LIST
    if _is_furniture(line) or (paragraph.kind == TEXT and (_is_greeting(lines) or _is_dateline(line))):
        return FURNITURE
    credit = _credit_kind(line)
    if credit:
        return credit
    if _is_caption(line, after_credit):
        return CAPTION
    if paragraph.kind == TEXT and paragraph.single_line:
        if _is_question(line):
            return QUESTION
        if _is_heading_shaped(line):
            return HEADING
    return paragraph.kind


_NUMBERED = re.compile(r"\d{1,2}\.[ \t]+(\S.*)")
_SMALL_WORDS = frozenset(("a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"))


_ONLY_SPACE = re.compile(r"\s*\Z")


def _stands_alone(text: str, p: _Paragraph) -> bool:
    """Whether a paragraph has a blank line (or the start or end of the file) above and below it. (Read around the
    paragraph only: no copy of the text before or after it, which made a long list quadratic.)"""
    above = p.start
    while above and text[above - 1] in " \t":
        above -= 1
    below = p.end
    while below < len(text) and text[below] in " \t":
        below += 1
    return (not above or text.endswith("\n\n", 0, above)) and (
        text.startswith(("\n\n", "\r\n\r\n"), below) or _ONLY_SPACE.match(text, below) is not None)


def _is_numbered_heading(line: str, over_text: bool) -> bool:
    """A numbered section title on a line of its own: "7. CHARGES AND PAYMENT", "1. Introduction" (heading-shaped,
    every word but a small one capitalised), or, `over_text` (a paragraph of sentences under it, not the next item),
    minutes' "2. Review of the June strike"; not a loose list's "1. Preheat the oven to 220 °C" over "2. ..."."""
    match = _NUMBERED.fullmatch(line)
    if not match or not _is_heading_shaped(match.group(1)):
        return False
    words = [w for w in match.group(1).split() if any(c.isalpha() for c in w)]
    return bool(words) and (over_text or all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words))


def _over_text(text: str, paragraphs: list[_Paragraph], at: int) -> bool:
    """Whether the paragraph after paragraphs[at] is prose (ends like a sentence), not a list item."""
    if at + 1 >= len(paragraphs):
        return False
    below = paragraphs[at + 1]
    return not _LIST_ITEM.match(text, below.start) and _ends_sentence(text[below.start:below.end])


def _kinds(text: str, paragraphs: list[_Paragraph]) -> list[str]:
    """Each paragraph's kind from its own text and the credit line above it."""
    kinds: list[str] = []
    replies = "\n--" in text or "wrote:" in text  # (signatures and quoted replies: looked for only where they can be)
    end = _END_OF_TEXT.search(text) if "***" in text else None
    licence = end.start() if end else len(text)
    for i, p in enumerate(paragraphs):
        if p.start >= licence or _is_mail_furniture(text, p, replies):
            kinds.append(FURNITURE)
            continue
        after_credit = i > 0 and kinds[-1] == CREDIT
        kind = _first_kind(p, _collapsed(text, p.start, p.end), after_credit, text[p.start:p.end].splitlines())
        if kind == LIST and p.single_line and _stands_alone(text, p) and _is_numbered_heading(
                text[p.start:p.end], _over_text(text, paragraphs, i)):
            kind = HEADING  # "7. CHARGES AND PAYMENT" between blank lines; not an agenda's "2. Minutes of the AGM"
        if kind == HEADING and replies and _SIGNATURE_BELOW.match(text, p.end):
            kind = FURNITURE  # a sign-off ("Margaret" over "-- "), not a heading over the next message
        kinds.append(kind)
    return kinds


def _lines_above(text: str, start: int, max_lines: int = 40) -> Iterator[str]:
    """The lines above `start` in its block (up to a blank line), nearest first, stripped."""
    for _ in range(max_lines):
        if start <= 0:
            return
        line_start = text.rfind("\n", 0, start - 1) + 1
        line = text[line_start:start].strip()
        if not line:
            return
        yield line
        start = line_start


def _mail_subject(text: str, start: int, end: int) -> str:
    """The value of the "Subject:" line of an e-mail header block at text[start:end] ("" if it is none)."""
    found = _MAIL_SUBJECT.search(text, start, end) if _MAIL_HEADER.match(text, start) else None
    return " ".join(found.group(1).split()) if found else ""


def _is_mail_furniture(text: str, p: _Paragraph, replies: bool) -> bool:
    """An e-mail's header block, its signature (the lines after a "-- " line) or a quoted earlier message ("On ...
    wrote:" and "> " lines): searchable, never quoted as an answer."""
    if _MAIL_HEADER.match(text, p.start):
        lines = text[p.start:p.end].splitlines()
        return len(lines) >= 2 and all(_MAIL_HEADER.match(line.strip()) for line in lines)
    if text.startswith("On ", p.start) and text[p.start:p.end].rstrip().endswith("wrote:"):
        return True  # a reply's attribution line
    if not replies:
        return False
    above = list(_lines_above(text, p.start))
    return "--" in above or (text.startswith(">", p.start) and any(line.endswith("wrote:") for line in above))


def _settle_headings(kinds: list[str]) -> list[str]:
    """A heading or question with no content below it is a passage of its own (furniture or text)."""
    settled = list(kinds)
    following = ""
    for i in range(len(settled) - 1, -1, -1):  # backwards: each heading knows what follows it
        kind = settled[i]
        if kind in (HEADING, QUESTION) and following not in _CONTENT and not (
                kind == HEADING and following in (QUESTION, HEADING)):  # (a chapter over its first section)
            settled[i] = FURNITURE if kind == HEADING else TEXT
        if settled[i] != FURNITURE:
            following = settled[i]
    return settled


def _is_title(text: str, first: _Paragraph, kind: str) -> bool:
    """The headline: a first paragraph that is a heading, or of a few words, short, without closing punctuation."""
    if kind in (CREDIT, BYLINE, FURNITURE):
        return False
    if kind == HEADING:
        return True
    line = _collapsed(text, first.start, first.end)
    return len(line) < TITLE_MAX_CHARS and not _ends_sentence(line) and len(line.split()) >= TITLE_MIN_WORDS


# ---------------------------------------------------------------- sentences


# Punkt decides whether a sentence ends at a full stop, question or exclamation mark by tokenising and annotating
# the few words around it. With no parameters learned but the abbreviations (no collocations, sentence starters or
# orthographic statistics), its answer for the commonest cases is known: "word. Next" (a word of two or more letters,
# or letters with inner stops, "a.m.") ends a sentence unless the word is an abbreviation, and then "Dr. Smith" and
# "Oct. 7," do not; "word? Next" does. askiraq gives those answers at once and asks Punkt about the rest (initials,
# numbers, quotes, accented words).
_PLAIN_END = re.compile(r"([A-Za-z]{2,}|[A-Za-z]+(?:\.[A-Za-z]+)+)\.\s+(\S+)")
_PLAIN_NEXT = re.compile(r"[A-Za-z0-9]+[.,;:]?")  # after an abbreviation: no break in "Dr. Smith", "Oct. 7,"
_ASKED = re.compile(r"[A-Za-z]+[?!](?:\s+\S+|[\"'\u201d\u2019)\]])")  # "word? Next", "word?”": a break


@functools.cache
def _tokenizer() -> PunktSentenceTokenizer:
    # Importing NLTK imports SciPy when it is installed (the semantic extra brings it), for statistics Punkt
    # never uses: 0.7 s more on every index refresh. NLTK falls back when SciPy cannot be imported.
    blocked = "scipy" not in sys.modules
    if blocked:
        sys.modules["scipy"] = None  # type: ignore[assignment]
    try:
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    finally:
        if blocked:
            del sys.modules["scipy"]

    class Tokenizer(PunktSentenceTokenizer):  # type: ignore[misc]  # (NLTK has no type hints)
        """Punkt, answering its commonest question itself (the same spans: tests/test_passages.py; half its time)."""

        def text_contains_sentbreak(self, text: str) -> bool:
            if (plain := _PLAIN_END.fullmatch(text)) is not None:
                if plain.group(1).lower() not in ABBREVIATIONS:
                    return True
                if _PLAIN_NEXT.fullmatch(plain.group(2)):
                    return False
            elif _ASKED.fullmatch(text):
                return True
            return bool(super().text_contains_sentbreak(text))

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return Tokenizer(params)


def _punkt(text: str, start: int, end: int) -> list[tuple[int, int]]:
    try:
        spans = _tokenizer().span_tokenize(text[start:end])
        return [(start + int(a), start + int(b)) for a, b in spans]
    except Exception:  # Punkt is third-party: never let it break indexing
        return [(start, end)]


_FOOTNOTE_MARK = re.compile(r"\[\^?\d{1,3}\]")  # "each.[5] This ...": the [5] ends the sentence before
_LIST_NUMBER = re.compile(r"\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]")  # "3." or "b)" is no sentence of its own


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


def _closes_emphasis(text: str, previous: tuple[int, int], start: int) -> bool:
    """A "sentence" opening with the "**" that closes a bold lead-in label ("**Autolyse.** Mix the flours ...") goes
    with the label: the label alone is no sentence, and the "**" no start of one."""
    marker = text[start:start + 2]
    return marker in ("**", "__") and text.count(marker, *previous) % 2 == 1


def _sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph [start, end), each at most `max_chars` long."""
    raw: list[tuple[int, int]] = []
    for chunk_start, chunk_end in _cut(text, start, end, PUNKT_CHUNK_CHARS):
        raw.extend(_punkt(text, chunk_start, chunk_end))
    merged: list[tuple[int, int]] = []
    for span in raw:
        s, e = _strip(text, *span)
        if merged and s == merged[-1][1] and (mark := _FOOTNOTE_MARK.match(text, s, e)):
            merged[-1] = (merged[-1][0], mark.end())
            s, e = _strip(text, mark.end(), e)
        if s >= e:
            continue
        if merged and (_no_break_after(text, *merged[-1]) or _continues(text, s, e)
                       or _LIST_NUMBER.fullmatch(text, *merged[-1]) or _closes_emphasis(text, merged[-1], s)):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [piece for s, e in merged for piece in _cut(text, s, e, max_chars)]


def _paragraph_sentences(text: str, paragraph: _Paragraph, kind: str, max_chars: int,
                         line_starts: list[int]) -> list[Sentence]:
    quotable = kind in (TEXT, LIST)
    start = paragraph.start
    spans: list[tuple[int, int, bool]] = []
    dateline = _DATELINE.match(text, start, paragraph.end) if quotable else None
    if dateline:
        spans += [(s, e, False) for s, e in _cut(text, *_strip(text, start, dateline.end()), max_chars)]
        start = dateline.end()
    # A sentence that is itself a question ("Could I ask that item 8 include the bonfire rules?") is never an answer.
    spans += [(s, e, quotable and not asks(text[s:e])) for s, e in _sentences(text, start, paragraph.end, max_chars)]
    return [Sentence(s, e, bisect_right(line_starts, s), bisect_right(line_starts, e - 1), q) for s, e, q in spans]


def _group(sentences: list[Sentence], max_chars: int) -> list[list[Sentence]]:
    """Runs of whole sentences of at most `max_chars` (a paragraph that fits is one run)."""
    groups: list[list[Sentence]] = []
    for sentence in sentences:
        if groups and sentence.end - groups[-1][0].start <= max_chars:
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    if len(groups) >= 2 and len(groups[-1]) == 1:
        tail = groups[-1][0]
        if tail.end - tail.start < SHORT_TAIL_CHARS and tail.end - groups[-2][0].start <= max_chars:
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


def paragraphs(text: str, body_start: int = 0, markdown: bool = False) \
        -> tuple[tuple[int, int] | None, list[_Paragraph], list[str]]:
    """The headline's span (if any), then the body's other paragraphs (with a word in them) and their kinds. Code
    (between fences, or indented in a Markdown file) is text, never a heading or a headline."""
    found = [p for i, block in enumerate(_blocks(text, body_start)) for p in _block_paragraphs(text, block, i == 0)
             if _WORD.search(text, p.start, p.end)]
    kinds = _kinds(text, found)
    code = _code_spans(text, body_start, markdown) if "```" in text or "~~~" in text or markdown else []
    if code:
        inside = [any(s <= p.start < e for s, e in code) for p in found]
        kinds = [TEXT if hidden and kind in (HEADING, QUESTION) else kind for kind, hidden in zip(kinds, inside,
                                                                                                  strict=True)]
    title = None
    if len(found) > 1 and _is_title(text, found[0], kinds[0]) and not (code and inside[0]):  # (a lone line: text)
        title, found, kinds = (found[0].start, found[0].end), found[1:], kinds[1:]
    return title, found, _settle_headings(kinds)


_INDENTED = re.compile(r"(?: {4}|\t)[ \t]*\S")


def _code_spans(text: str, body_start: int, markdown: bool) -> list[tuple[int, int]]:
    """The spans of code: between a fence line and the next (```, ~~~), and in a Markdown file runs of lines
    indented four spaces or a tab after a blank line (not under a list item, whose paragraphs are indented)."""
    spans: list[tuple[int, int]] = []
    opened = -1
    indented = -1
    blank_before, in_list = True, False
    position = body_start
    for match in [*_LINE_END.finditer(text, body_start), None]:
        end = match.start() if match else len(text)
        line = text[position:end]
        stripped = line.strip()
        if _CODE_FENCE.fullmatch(stripped):
            if opened < 0:
                opened = end
            else:
                spans.append((opened, position))
                opened = -1
        elif opened < 0 and markdown:
            if indented < 0 and blank_before and not in_list and _INDENTED.match(line):
                indented = position
            elif indented >= 0 and stripped and not _INDENTED.match(line):
                spans.append((indented, position))
                indented = -1
            if stripped and not _INDENTED.match(line):
                in_list = bool(_LIST_ITEM.match(stripped))
        blank_before = not stripped
        position = match.end() if match else len(text)
    if indented >= 0:
        spans.append((indented, len(text)))
    return spans


def _parent_heading(text: str, heading: _Paragraph, opening: int, levels: list[tuple[int, tuple[int, int]]]) \
        -> tuple[int, int]:
    """The Markdown heading a level up from `heading` (its span), when the section does not open with it: every
    "### Fixed" of a changelog is under its "## 2.3.0", not the first alone. `levels` (the headings open above) is
    updated; a heading without #s has no level, and no parent."""
    line_start = text.rfind("\n", 0, heading.start) + 1
    atx = _ATX_HEADING.match(text, line_start)
    if not atx:
        return (0, 0)
    level = len(atx.group(1))
    while levels and levels[-1][0] >= level:
        levels.pop()
    parent = levels[-1][1] if levels and levels[-1][1][0] < opening else (0, 0)
    levels.append((level, (heading.start, heading.end)))
    return parent


def split_document(text: str, body_start: int = 0, *, max_passage_chars: int = MAX_PASSAGE_CHARS,
                   markdown: bool = False) -> SplitDocument:
    """Split `text[body_start:]` into passages; all offsets are absolute in `text` (`markdown`: the file is
    Markdown, where lines indented four spaces are code)."""
    max_chars = max(1, max_passage_chars)
    body_start = min(max(0, body_start), len(text))
    title_span, found, kinds = paragraphs(text, body_start, markdown)
    line_starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
    passages: list[Passage] = []
    seen: set[str] = set()
    section = question = header = parent = (0, 0)
    levels: list[tuple[int, tuple[int, int]]] = []  # the Markdown headings open above, outermost first
    number = 0
    for i, (paragraph, kind) in enumerate(zip(found, kinds, strict=True)):
        if kind == HEADING:  # a heading right under another ("7 Tariffs", "7.1 Water") is framed by both
            opening = section[0] if i and kinds[i - 1] == HEADING else paragraph.start
            section, question, header = (opening, paragraph.end), (0, 0), (0, 0)
            parent = _parent_heading(text, paragraph, opening, levels)
            continue
        if kind == QUESTION:
            question = (paragraph.start, paragraph.end)
            continue
        row = paragraph.row
        if row and kind == FURNITURE:  # a table's header row: it frames the rows below it
            header = (paragraph.start, paragraph.end)
            if i + 1 < len(found) and kinds[i + 1] == LIST and found[i + 1].row:
                continue  # indexed with each row, not a passage of its own
        elif not (row and kind == LIST):
            header = (0, 0)
        above = header if row and kind == LIST and header[1] else question
        passage_kind = TABLE_ROW if above is header and header[1] else ANSWER if above[1] else kind
        key = _collapsed(text, paragraph.start, paragraph.end).casefold()
        if key in seen:
            continue  # a paragraph repeated in one article is indexed once
        seen.add(key)
        for group in _group(_paragraph_sentences(text, paragraph, kind, max_chars, line_starts), max_chars):
            first, last = group[0], group[-1]
            passages.append(Passage(number, first.start, last.end, first.line_start, last.line_end, tuple(group),
                                    section, above, parent, passage_kind))
        number += 1
        question = (0, 0)
    if title_span:
        title = _collapsed(text, *title_span)
        return SplitDocument(title, title_span, bisect_right(line_starts, title_span[0]), tuple(passages))
    # No headline: the title shown is an e-mail's subject, or the first words. (Either only stands in: it names no
    # article's subject, as a headline may.)
    lead = next((p for p in passages if any(s.quotable for s in p.sentences)), passages[0]) if passages else None
    stand_in = (_mail_subject(text, passages[0].start, passages[0].end)  # (a greeting stands in for nothing)
                or _opening_words(text[lead.start:lead.end])) if lead is not None else ""
    return SplitDocument(stand_in, (0, 0), None, tuple(passages))
