"""Stage 6: every output format. A SearchResult as text for people or JSON/JSONL/Markdown/CSV for
scripts (`render`), a batch of them (`BatchWriter`), a cited passage in its paragraph (`render_passage`),
the article list (`render_sources`) and the index report (`render_report`).

Pure string building: no Click, no terminal detection (the CLI decides `color`).
"""

import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from askiraq.analysis import tokenize
from askiraq.answers import labelled_row, one_line
from askiraq.citations import Citation
from askiraq.files import printable_name
from askiraq.memo import lazy_pattern
from askiraq.records import DocRecord
from askiraq.search import Answer, AnswerSentence, Hit, SearchResult

SCHEMA_VERSION = 3
THREAD_KEYS = ("message_id", "in_reply_to", "thread")  # an e-mail's place in its thread (`sources --json`)
FORMATS = ("text", "json", "jsonl", "markdown", "csv")
QueryId = str | int | float  # a batch input's id, as its JSON line gives it (kept so in JSON; text elsewhere)
REPORT_LIST_LINES = 20  # `info`: lines of a list (files skipped, of another type...) shown before "and N more"
_REPORT_NOUNS = {"warnings": "warning"}  # what `info` counts in each list (else files)
SHOW_CONTEXT = 2000  # `show`: characters of a paragraph kept each side of the passage (a normal paragraph is whole)
# One row per result; answer and confidence (the question's) repeat on each. New columns go last, so
# scripts reading columns by position keep working.
CSV_COLUMNS = ("id", "question", "rank", "score", "source", "citation", "line_start", "line_end",
               "title", "text", "answer", "confidence", "heading")

_BOLD, _DIM, _MATCH, _CITE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[35m", "\x1b[0m"


def plural(number: int, noun: str) -> str:
    """`noun` as a count of `number` takes it: "passage" for 1, "passages" otherwise."""
    return noun if number == 1 else noun + "s"


def counted(number: int, noun: str) -> str:
    """"1 passage", "3 passages"."""
    return f"{number} {plural(number, noun)}"


class Style(NamedTuple):
    """How text output looks (the CLI decides from the terminal and the options)."""

    color: bool = False
    explain: bool = False


# ---------------------------------------------------------------------------- text as it is shown
# A passage, an answer and `show` print the characters of the file: only whitespace differs (lines joined), and in a
# Markdown file its markup (it is not text). A table row is shown with its column names, from its header row.

_QUOTE_MARKERS = lazy_pattern(r"^[ \t]*>[ \t>]*", re.M)
_LIST_MARKER = lazy_pattern(r"^(?:[-*+\u2022]|\d{1,3}[.)])\s+")
_STRONG = lazy_pattern(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = lazy_pattern(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_CODE = lazy_pattern(r"`([^`]+)`")
_LINK = lazy_pattern(r"!?\[([^\]]+)\]\([^)\s]+\)")
_FOOTNOTE = lazy_pattern(r"^\[\^[^\]\s]+\]:\s*|\[\^[^\]\s]+\]")  # a footnote's label, where it is defined or cited
_LIST_STARTS = frozenset("-*+\u20220123456789")
_MARKUP = ("*", "_", "`", "[")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def shown(text: str, markdown: bool = False, header: str = "") -> str:
    """A passage or sentence as askiraq shows it: on one line; a table row under `header` (its table's header row)
    with the column names ("Product: Night Owl; 1 kg: £29.00" reads alone where "| Night Owl | £29.00 |" does not);
    in a Markdown file without its markup (quote and list markers, **bold**, *emphasis*, `code`, [links](...),
    footnote labels)."""
    if markdown and ">" in text and (text.startswith(">") or "\n>" in text or "\n >" in text):
        text = _QUOTE_MARKERS().sub("", text)
    text = labelled_row(text, header) if header else one_line(text)
    if not markdown:
        return text
    if text[:1] in _LIST_STARTS:
        text = _LIST_MARKER().sub("", text)
    return _without_markup(text)


def shown_headings(headings: Sequence[str], markdown: bool = False) -> str:
    """The headings over a passage as one path; a chapter's heading and its first section's (blank lines apart) as
    `7 Tariffs › 7.1 Water`."""
    parts = (one_line(part) for heading in headings for part in _BLANK_LINE.split(heading))
    if markdown:
        parts = (_without_markup(part.lstrip("#").strip()) for part in parts)
    return " › ".join(part for part in parts if part)


def shown_answer(answer: Answer) -> str:
    return " ".join(shown(s.text, s.markdown, s.header) for s in answer.sentences)


def _without_markup(text: str) -> str:
    """Text without Markdown's **bold**, *emphasis*, `code`, [links](...) and footnote labels ([^1])."""
    if any(mark in text for mark in _MARKUP):  # (most text has none: no regex to run, on a hot path)
        for pattern, kept in ((_STRONG, r"\2"), (_EMPHASIS, r"\1"), (_CODE, r"\1"), (_FOOTNOTE, ""),
                              (_LINK, r"\1")):
            text = pattern().sub(kept, text)
    return text


def render(result: SearchResult, fmt: str, style: Style = Style(), query_id: QueryId | None = None) -> str:
    """The result in one of FORMATS; text ends with a newline, jsonl is exactly one line.

    `query_id` (a batch input's id) goes into the JSON object as it is (a number stays a number), the CSV id column
    and the Markdown footnote labels as text. A whole batch is written with `BatchWriter`.
    """
    if fmt == "text":
        return _text(result, style)
    if fmt == "json":
        return json.dumps(to_json(result, query_id), ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return json.dumps(to_json(result, query_id), ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(result, query_id)
    if fmt == "csv":
        return _csv(result, query_id, header=True)
    raise ValueError(f"unknown format {fmt!r}")


class BatchWriter:
    """A batch's output, one question at a time, in input order; print what `add` and `close` return.

    json is one array (streamed: nothing is held back), jsonl one line per question, csv one table
    with its header once, markdown one section per question, text each answer under its id and question.
    """

    def __init__(self, fmt: str, style: Style = Style()) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.fmt, self.style = fmt, style
        self.written = 0

    def add(self, result: SearchResult, query_id: QueryId) -> str:
        first = self.written == 0
        self.written += 1
        if self.fmt == "json":  # exactly json.dumps(whole_list, indent=2), an item at a time
            item = json.dumps(to_json(result, query_id), ensure_ascii=False, indent=2)
            return ("[\n  " if first else ",\n  ") + item.replace("\n", "\n  ")
        if self.fmt == "csv":
            return _csv(result, query_id, header=first)
        gap = "" if first else "\n"
        if self.fmt == "text":
            heading = _paint(one_line(f"[{_id_text(query_id)}] {result.question}"), _BOLD, self.style)
            return f"{gap}{heading}\n{_text(result, self.style)}"
        if self.fmt == "markdown":
            return gap + _markdown(result, query_id)
        return render(result, self.fmt, self.style, query_id)

    def close(self) -> str:
        """What ends the output: the array's closing bracket, or a CSV header when nothing was written."""
        if self.fmt == "json":
            return "\n]\n" if self.written else "[]\n"
        if self.fmt == "csv" and not self.written:
            return _csv_rows([CSV_COLUMNS])
        return ""


def render_passage(citation: Citation, text: str, passage: tuple[int, int], paragraph: tuple[int, int],
                   style: Style = Style(), header: str = "") -> str:
    """`askiraq show`: the citation and passage id, the title, a blank line, then the paragraph
    (`text[paragraph[0]:paragraph[1]]`) with the passage inside it bold when colour is on, under its table's
    `header` row for a table row (which names its columns). Of a very long paragraph (a whole article on one line)
    only SHOW_CONTEXT characters each side are shown, cut at a space."""
    start, end = passage
    around_start, around_end = min(paragraph[0], start), max(paragraph[1], end)
    before, after = text[around_start:start], text[end:around_end]
    if len(before) > SHOW_CONTEXT:
        before = "…" + before[-SHOW_CONTEXT:].split(" ", 1)[-1]
    if len(after) > SHOW_CONTEXT:
        after = after[:SHOW_CONTEXT].rsplit(" ", 1)[0] + "…"
    body = (header + "\n" if header else "") + before + _paint(text[start:end], _BOLD, style) + after
    url = f"\n{citation.url}" if citation.url else ""
    return f"{citation.location}  ({citation.passage_id})\n{citation.title}{url}\n\n{body}\n"


def render_sources(docs: Sequence[DocRecord], as_json: bool = False) -> str:
    """`askiraq sources`: one line per article (file, passages, title, publisher and date), or a JSON array (with an
    e-mail's thread). An article of a file that holds several is named with its part (`archive.mbox:120`,
    `export.jsonl:7`)."""
    if as_json:
        return json.dumps([{"source": printable_name(d.name), "title": d.title, "passages": d.passage_count,
                            **{k: d.metadata.get(k) for k in ("publisher", "date", "url", "author")},
                            **{k: d.metadata[k] for k in THREAD_KEYS if k in d.metadata}}
                           for d in docs], ensure_ascii=False, indent=2) + "\n"
    names = [printable_name(d.name) for d in docs]
    width = max(map(len, names), default=0)
    lines = []
    for d, name in zip(docs, names, strict=True):
        extra = ", ".join(x for x in (d.metadata.get("publisher", ""), d.metadata.get("date", "")) if x)
        passages = f"{d.passage_count:>4} {plural(d.passage_count, 'passage'):<8}"  # the titles stay in one column
        lines.append(f"{name:<{width}}  {passages}  {d.title}" + (f" ({extra})" if extra else ""))
    return "".join(line + "\n" for line in lines)


_LABEL_WIDTH = 22  # "min confidence from: " and a space


def _opens_with(text: str, opening: str) -> bool:
    """Whether `text` starts with `opening`, whitespace aside."""
    return one_line(text).startswith(one_line(opening))


def render_report(report: Mapping[str, Any], as_json: bool = False) -> str:
    """`askiraq info`: one `key: value` line per entry, or the JSON object (every list whole; counts by key, which
    text leaves to the line that says them)."""
    if as_json:
        return json.dumps(report, indent=2) + "\n"
    lines = []
    for key, value in report.items():
        if isinstance(value, dict):  # counts for scripts (left out by reason): a line of their own says them
            continue
        if isinstance(value, list):  # files skipped, warnings...: how many, then one line each (the first ones)
            shown = value if len(value) <= REPORT_LIST_LINES else value[:REPORT_LIST_LINES - 1]
            more = [f"and {len(value) - len(shown)} more (askiraq info --json lists them all)"] if value[len(shown):] \
                else []
            value = "\n".join([counted(len(value), _REPORT_NOUNS.get(key, "file")),
                               *(f"{'':<{_LABEL_WIDTH}}{printable_name(item)}" for item in [*shown, *more])])
        elif isinstance(value, str):
            value = printable_name(value) if value else "none"
        lines.append(f"{key.replace('_', ' ') + ':':<{_LABEL_WIDTH}}{value}\n")
    return "".join(lines)


def _citation_json(c: Citation) -> dict[str, Any]:
    return {"source": c.source, "citation": c.location, "path": c.path, "passage_id": c.passage_id,
            "line_start": c.line_start or None, "line_end": c.line_end or None, "title": c.title,
            "publisher": c.publisher or None, "date": c.date or None, "url": c.url or None,
            "author": c.author or None, "page": c.page or None}


def _answer_json(answer: Answer | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    return {"text": shown_answer(answer), "citations": [s.citation.location for s in answer.sentences],
            "sentences": [{"text": shown(s.text, s.markdown, s.header),
                           "heading": shown_headings(s.headings, s.markdown) or None, **_citation_json(s.citation)}
                          for s in answer.sentences],
            "conflicting": answer.conflicting}


def to_json(result: SearchResult, query_id: QueryId | None = None) -> dict[str, Any]:
    """The documented JSON object (askiraq/data/answer.schema.json)."""
    payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if query_id is not None:
        payload["id"] = query_id
    payload.update({
        "question": result.question,
        "answer": _answer_json(result.answer),
        "confidence": round(result.confidence, 3),
        "no_answer_reason": result.reason or None if result.answer is None else None,
        "withheld_answer": _answer_json(result.withheld),
        "results": [{
            "rank": h.rank, "score": round(h.score, 6), "bm25": round(h.bm25, 6),
            "cosine": None if h.cosine is None else round(h.cosine, 6), **_citation_json(h.citation),
            "heading": shown_headings(h.headings, h.markdown) or None, "text": shown(h.text, h.markdown, h.header),
            "also_in": [_citation_json(c) for c in h.also_in],
            "matched_terms": [{"term": m.term, "weight": m.weight, "contribution": round(m.contribution, 6)}
                              for m in h.matches],
        } for h in result.hits],
        "expansions": [{"term": e.term, "weight": e.weight, "trigger": e.trigger, "form": e.form}
                       for e in result.expansions],
        "undated_left_out": result.undated_left_out,
        "warnings": [*result.run_warnings, *result.warnings],
    })
    return payload


def _no_answer(result: SearchResult) -> str:
    """One line saying why there is no answer (the reason says how likely the best candidate was to be right)."""
    if not result.hits:
        return f"No answer in the corpus: {result.reason}."
    return f"No confident answer in the corpus: {result.reason}."


def _paint(text: str, code: str, style: Style) -> str:
    return f"{code}{text}{_RESET}" if style.color else text


def _highlight(hit: Hit, style: Style) -> str:
    """The passage as shown, its words that matched the question painted."""
    text = shown(hit.text, hit.markdown, hit.header)
    if not style.color:
        return text
    matched = {m.term for m in hit.matches}
    out, last = [], 0
    for token in tokenize(text):
        if not token.stop and token.term in matched:
            out += [text[last:token.start], _paint(text[token.start:token.end], _MATCH, style)]
            last = token.end
    out.append(text[last:])
    return "".join(out)


def _answer_lines(answer: Answer, style: Style) -> list[str]:
    """An answer's sentences (given or withheld), each indented with its citation."""
    return [f"  {shown(s.text, s.markdown, s.header)} [{_paint(s.citation.location, _CITE, style)}{_under(s)}]"
            for s in answer.sentences]


def _under(sentence: AnswerSentence) -> str:
    """The headings over an answer's sentence, after its citation: a release note's bullet says when only there."""
    heading = shown_headings(sentence.headings, sentence.markdown)
    return f" — {heading}" if heading else ""


def _text(result: SearchResult, style: Style) -> str:
    lines: list[str] = []
    if result.answer is None:
        lines.append(_paint(_no_answer(result) + (" The closest passages:" if result.hits else ""), _BOLD, style))
        if style.explain and result.withheld is not None:
            lines.append(f"Withheld (confidence {result.confidence:.0%}):")
            lines += _answer_lines(result.withheld, style)
    else:
        disagree = "the sources disagree; " if result.answer.conflicting else ""
        lines.append(_paint(f"Answer ({disagree}confidence {result.confidence:.0%}):", _BOLD, style))
        lines += _answer_lines(result.answer, style)
    if style.explain and result.expansions:
        lines.append("")
        lines.append("Expansions: " + ", ".join(
            f"{e.trigger} -> {e.form} ({e.term} x{e.weight:g})" for e in result.expansions))
    if result.undated_left_out:
        lines.append(f"({counted(result.undated_left_out, 'article')} without a date left out by the date filter)")
    for hit in result.hits:
        lines.append("")
        score = _paint(f"score {hit.score:.2f}", _DIM, style)
        lines.append(f"{hit.rank}. {_paint(hit.citation.location, _CITE, style)}  {score}")
        heading = shown_headings(hit.headings, hit.markdown)
        title = hit.citation.title + (f" — {heading}" if heading else "")
        extra = ", ".join(x for x in (hit.citation.publisher, hit.citation.date, hit.citation.url) if x)
        if heading or extra or not _opens_with(hit.text, title):  # (a file without a headline is titled by its
            lines.append("   " + _paint(title + (f" ({extra})" if extra else ""), _BOLD, style))  # opening words)
        lines.append("   " + _highlight(hit, style))
        if hit.also_in:
            lines.append("   also in: " + ", ".join(c.location for c in hit.also_in))
        if style.explain:
            parts = [f"{m.term} {m.contribution:.3f}" + ("" if m.weight == 1 else f" (expansion x{m.weight:g})")
                     for m in hit.matches]
            found_by = "(by its meaning: no question word)" if hit.cosine is not None else "(phrase only)"
            lines.append("   matched: " + (", ".join(parts) if parts else found_by))
            if hit.cosine is not None:
                lines.append(f"   hybrid: BM25 {hit.bm25:.3f}, cosine {hit.cosine:.3f}")
            elif round(hit.score - hit.bm25, 3):  # (what the matches add up to, and what ranked it beyond them)
                lines.append(f"   BM25 {hit.bm25:.3f}, {hit.score - hit.bm25:+.3f} for its best sentence")
    return "\n".join(lines) + "\n"


def _markdown(result: SearchResult, query_id: QueryId | None) -> str:
    """One report section. Footnote labels carry the question's id and a checksum of the question and of what its
    footnotes say, so that answers appended to one report (`>> report.md`, run after run, with other filters or
    after the folder changed) share a label only where they say the same; the corpus's text is escaped, so that a
    `<script>`, a `[^1]:` or `*stars*` in an article stay text."""
    import zlib

    question = _md(one_line(result.question))  # (a heading is one line: a question may hold line breaks)
    query_id = one_line(_id_text(query_id))
    lines = [f"## \\[{_md(query_id)}\\] {question}" if query_id else f"## {question}", ""]
    notes: list[tuple[Citation, str]] = []  # each with the headings over it
    unlabelled = "[^\0"  # (a label's place until the checksum is known; escaped text never holds it)

    def note(c: Citation, heading: str = "") -> str:
        if (c, heading) not in notes:
            notes.append((c, heading))
        return f"{unlabelled}{notes.index((c, heading)) + 1}]"

    if result.answer is None:
        lines.append(f"*{_md(_no_answer(result))}*")
    else:
        lines.append(" ".join(f"{_md(shown(s.text, s.markdown, s.header))}"
                              f"{note(s.citation, shown_headings(s.headings, s.markdown))}"
                              for s in result.answer.sentences))
    if result.hits:
        lines += ["", "Passages:" if result.answer else "The closest passages:", ""]
        for hit in result.hits:
            refs = note(hit.citation, shown_headings(hit.headings, hit.markdown))
            refs += "".join(note(c) for c in hit.also_in)
            lines.append(f"{hit.rank}. {_md(shown(hit.text, hit.markdown, hit.header))}{refs}")
    definitions = [_footnote(c, heading) for c, heading in notes]
    lines += [""] + [f"{unlabelled}{number}]: {text}" for number, text in enumerate(definitions, 1)] if notes else []
    said = "\n".join([result.question, *definitions]).encode("utf-8", "replace")
    digest = f"{zlib.crc32(said):08x}"[:6]
    prefix = "".join(c if c.isalnum() or c in "-_" else "-" for c in query_id) + "-" if query_id else ""
    return "\n".join(lines).replace(unlabelled, f"[^{prefix}{digest}-") + "\n"


def _footnote(c: Citation, heading: str) -> str:
    """What a report's footnote says of a citation: where, the title (and the headings over it), publisher, date."""
    extra = "".join(f", {_md(x)}" for x in (c.publisher, c.date) if x) + (f", <{c.url}>" if c.url else "")
    under = f" › {_md(heading)}" if heading else ""
    return f"`{c.location}` — *{_md(c.title)}{under}*{extra}"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>"})


def _md(text: str) -> str:
    """Text as Markdown shows it literally: markup, footnote and link brackets, and HTML tags escaped."""
    return text.translate(_MD_SPECIAL)


def _csv_rows(rows: list[tuple[object, ...]]) -> str:
    import csv

    buffer = io.StringIO()
    minimal, quoted = (csv.writer(buffer, lineterminator="\n", quoting=q) for q in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL))
    for row in rows:  # (a lone carriage return is no line end to the writer: a row holding one is quoted whole)
        (quoted if any("\r" in str(field) for field in row) else minimal).writerow(row)
    return buffer.getvalue()


def _id_text(query_id: QueryId | None) -> str:
    """An id as text (CSV, Markdown, text output): a string as it is, a number as JSON writes it; "" for none."""
    return "" if query_id is None else query_id if isinstance(query_id, str) else json.dumps(query_id)


def _csv(result: SearchResult, query_id: QueryId | None, header: bool) -> str:
    rows: list[tuple[object, ...]] = [CSV_COLUMNS] if header else []
    question = (_id_text(query_id), result.question)
    answer = (shown_answer(result.answer) if result.answer else "", f"{result.confidence:.3f}")
    for hit in result.hits:
        c = hit.citation
        rows.append((*question, hit.rank, f"{hit.score:.6f}", c.source, c.location, c.line_start or "",
                     c.line_end or "", c.title, shown(hit.text, hit.markdown, hit.header), *answer,
                     shown_headings(hit.headings, hit.markdown)))  # (no line known: empty, as null in JSON)
    if not result.hits:  # the question still has its row (in a batch, every question is in the table)
        rows.append((*question, *[""] * (len(CSV_COLUMNS) - 5), *answer, ""))
    return _csv_rows(rows)
