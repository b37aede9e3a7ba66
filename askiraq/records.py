"""Stage 4 (index), its records: articles, passages and sentences, decoded from one generation's arrays on demand.

A passage is a row of PASSAGE_ROW numbers, a sentence a row of SENTENCE_ROW, an article one JSON
record; each passage's and sentence's distinct term ids are kept too (for near-duplicate checks and
answer picking, so no text is analysed at query time). Everything raises CorruptIndex when the
stored numbers do not hold together.
"""

import bisect
import json
from typing import NamedTuple

from askiraq import store
from askiraq.errors import CorruptIndex
from askiraq.memo import Memo

# passage_rows columns: paragraph, start, end, line_start, line_end, heading start, heading end,
# above start, above end (an FAQ question or a table's header row), parent start, parent end (the Markdown
# heading a level up), kind (its number in PASSAGE_KINDS).
PASSAGE_ROW = 12
# What a passage is, as askiraq.passages tells at build time (never guessed again from its text): a paragraph of
# text, a list item, a table's row (under its header row), the answer under an FAQ question; a caption, credit,
# byline or page furniture (searchable, not quotable); a heading or question with nothing under it.
PASSAGE_KINDS = ("text", "list", "table row", "answer", "caption", "credit", "byline", "furniture", "heading",
                 "question")
# sentence_rows columns: start, end, line_start, line_end, quotable (1) or not (0).
SENTENCE_ROW = 5
# Memo bounds: a batch of thousands of questions touches tens of thousands of passages and sentences;
# these keep the hot ones (a decoded passage is ~1 KB, a term set ~0.5 KB).
PASSAGES_MEMO = 100_000
TERM_SETS_MEMO = 200_000


class DocRecord(NamedTuple):
    """An indexed article as stored in the index."""

    doc_id: int
    rel: str  # POSIX path relative to the corpus folder
    title: str
    title_line: int | None
    metadata: dict[str, str]
    first_passage: int
    passage_count: int
    size: int = 0
    mtime_ns: int = 0
    sidecar_mtime_ns: int = 0
    part: str = ""  # its name among the articles of a file that holds several (an mbox's message, a JSON record)
    pages: tuple[int, ...] = ()  # a PDF: the first line of its text on each page
    stored: int = -1  # a reader's text (HTML, e-mail, PDF...): its row in the index's texts table; -1: the file's own
    markdown: bool = False  # its text is Markdown, whose markup is not shown
    checksum: int = 0  # CRC-32 of the file's bytes when it was indexed
    page_lines: tuple[int, ...] = ()  # a PDF: each line of its text's line on its page (0: a blank line put in)

    @property
    def name(self) -> str:
        """The article as a citation names it: its file, and its part of the file when it is one of several."""
        return f"{self.rel}:{self.part}" if self.part else self.rel


class SentenceRecord(NamedTuple):
    """One sentence of a passage: its id in the index, span, lines, and whether it may be an answer."""

    sentence_id: int
    start: int
    end: int
    line_start: int
    line_end: int
    quotable: bool


class PassageRecord(NamedTuple):
    """Where a passage is: its article, character span, lines, sentences and the headings above it."""

    passage_id: int
    doc_id: int
    number: int  # 1-based position within its article
    paragraph: int
    start: int
    end: int
    line_start: int
    line_end: int
    heading: tuple[int, int]  # character span of the section heading, (0, 0) when none
    above: tuple[int, int]  # span of the FAQ question or table header row right above it, (0, 0) when none
    sentences: tuple[SentenceRecord, ...]
    parent: tuple[int, int] = (0, 0)  # span of the Markdown heading a level up from `heading`, (0, 0) when none
    kind: str = "text"  # one of PASSAGE_KINDS


def table_header(doc_text: str, record: PassageRecord) -> str:
    """The header row of the table a row passage belongs to (Markdown's, or columns aligned with spaces); "" for any
    other passage."""
    return doc_text[record.above[0]:record.above[1]] if record.kind == "table row" else ""


class Records:
    """Articles, passages and sentences of one generation (memoised; CorruptIndex on bad data)."""

    def __init__(self, generation: store.Generation) -> None:
        self._generation = generation
        self.passage_count = int(generation.meta["passages"])
        self.document_count = int(generation.meta["documents"])
        self._rows = generation.array("passage_rows")
        self._docs = generation.strings("docs")
        if len(self._rows) != PASSAGE_ROW * self.passage_count or len(self._docs) != self.document_count:
            raise CorruptIndex(f"{generation.label}: table sizes disagree with meta.json")
        self.passage = Memo(self._read_passage, PASSAGES_MEMO)
        self.document = Memo(self._read_document, PASSAGES_MEMO)
        self.passage_terms = Memo(self._read_passage_terms, TERM_SETS_MEMO)
        self.sentence_terms = Memo(self._read_sentence_terms, TERM_SETS_MEMO)

    def documents(self) -> list[DocRecord]:
        return [self.document(i) for i in range(self.document_count)]

    def paragraph_span(self, record: PassageRecord) -> tuple[int, int]:
        """The whole paragraph a passage is in (a paragraph longer than a passage is cut into several)."""
        doc = self.document(record.doc_id)
        same = [p for p in map(self.passage, range(doc.first_passage, doc.first_passage + doc.passage_count))
                if p.paragraph == record.paragraph]
        return min(p.start for p in same), max(p.end for p in same)

    def doc_of_passage(self, passage_id: int) -> int:
        """The article holding a passage: binary search over articles' first passages."""
        return max(bisect.bisect_right(self._generation.array("doc_first"), passage_id) - 1, 0)

    def _read_passage(self, passage_id: int) -> PassageRecord:
        if not 0 <= passage_id < self.passage_count:
            raise CorruptIndex(f"no passage {passage_id}")
        at = PASSAGE_ROW * passage_id
        paragraph, start, end, line_start, line_end, hs, he, qs, qe, ps, pe, kind = self._rows[at:at + PASSAGE_ROW]
        if kind >= len(PASSAGE_KINDS):
            raise CorruptIndex(f"passage {passage_id} is of no known kind")
        doc_id = self.doc_of_passage(passage_id)
        pointers = self._generation.array("sent_ptr")
        rows = self._generation.array("sentence_rows")
        first, last = pointers[passage_id], pointers[passage_id + 1]
        if not first <= last <= len(rows) // SENTENCE_ROW:
            raise CorruptIndex(f"passage {passage_id} points at sentences that do not exist")
        sentences = tuple(_sentence(i, rows[SENTENCE_ROW * i:SENTENCE_ROW * (i + 1)]) for i in range(first, last))
        number = passage_id - self.document(doc_id).first_passage + 1
        return PassageRecord(passage_id, doc_id, number, paragraph, start, end, line_start, line_end,
                             (hs, he), (qs, qe), sentences, (ps, pe), PASSAGE_KINDS[kind])

    def _read_document(self, doc_id: int) -> DocRecord:
        try:
            raw = json.loads(self._docs[doc_id])
            return DocRecord(doc_id, str(raw["rel"]), str(raw["title"]), raw["title_line"],
                             {str(k): str(v) for k, v in raw["meta"].items()}, int(raw["p0"]), int(raw["n"]),
                             int(raw["size"]), int(raw["mtime_ns"]), int(raw["sidecar_mtime_ns"]),
                             str(raw.get("part", "")), tuple(int(p) for p in raw.get("pages", ())),
                             int(raw.get("text", -1)), raw.get("markdown", False) is True, int(raw["crc32"]),
                             tuple(int(p) for p in raw.get("page_lines", ())))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as err:
            raise CorruptIndex(f"document record {doc_id} is damaged: {err}") from err

    def term_counts(self, passage_id: int) -> list[tuple[int, int]]:
        """Each term id of a passage with how often BM25 counts it there (text, headings, headline)."""
        pointers = self._generation.array("fwd_ptr")
        start, end = pointers[passage_id], pointers[passage_id + 1]
        return list(zip(self._generation.array("fwd_term")[start:end], self._generation.array("fwd_tf")[start:end],
                        strict=True))

    def _read_passage_terms(self, passage_id: int) -> frozenset[int]:
        """The distinct term ids of a passage (its forward-index row)."""
        pointers = self._generation.array("fwd_ptr")
        return frozenset(self._generation.array("fwd_term")[pointers[passage_id]:pointers[passage_id + 1]])

    def _read_sentence_terms(self, sentence_id: int) -> frozenset[int]:
        """The distinct term ids of a sentence (stored at index time: no analysis per query)."""
        pointers = self._generation.array("sterm_ptr")
        return frozenset(self._generation.array("sterm")[pointers[sentence_id]:pointers[sentence_id + 1]])


def _sentence(sentence_id: int, row: memoryview) -> SentenceRecord:
    start, end, line_start, line_end, quotable = row
    return SentenceRecord(sentence_id, start, end, line_start, line_end, bool(quotable))
