"""Stage 6: turn a SearchResult into text for people or JSON/JSONL/Markdown/CSV for scripts.

Pure string building: no Click, no terminal detection (the CLI decides `color`).
"""

import io
import json
from typing import Any, NamedTuple

from askiraq.search import Citation, Hit, SearchResult

SCHEMA_VERSION = 2
FORMATS = ("text", "json", "jsonl", "markdown", "csv")
# One row per result; answer and confidence (the question's) repeat on each. New columns go last, so
# scripts reading columns by position keep working.
CSV_COLUMNS = ("id", "question", "rank", "score", "source", "citation", "line_start", "line_end",
               "title", "text", "answer", "confidence")

_BOLD, _DIM, _MATCH, _CITE, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[35m", "\x1b[0m"


class Style(NamedTuple):
    color: bool = False
    explain: bool = False
    query_id: str | None = None  # batch input id, carried into every format
    csv_header: bool = True


def render(result: SearchResult, fmt: str, style: Style = Style()) -> str:
    """The result in one of FORMATS; text ends with a newline, jsonl is exactly one line."""
    if fmt == "text":
        return _text(result, style)
    if fmt == "json":
        return json.dumps(to_json(result, style.query_id), ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return json.dumps(to_json(result, style.query_id), ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(result, style)
    if fmt == "csv":
        return _csv(result, style)
    raise ValueError(f"unknown format {fmt!r}")


def _citation_json(c: Citation) -> dict[str, Any]:
    return {"source": c.source, "citation": c.location, "path": c.path, "passage_id": c.passage_id,
            "line_start": c.line_start, "line_end": c.line_end, "title": c.title,
            "publisher": c.publisher or None, "date": c.date or None}


def to_json(result: SearchResult, query_id: str | None = None) -> dict[str, Any]:
    """The documented JSON object (askiraq/data/answer.schema.json)."""
    answer = None
    if result.answer is not None:
        answer = {
            "text": result.answer.text,
            "citations": [s.citation.location for s in result.answer.sentences],
            "sentences": [{"text": s.text, **_citation_json(s.citation)} for s in result.answer.sentences],
            "conflicting": result.answer.conflicting,
        }
    payload: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    if query_id is not None:
        payload["id"] = query_id
    payload.update({
        "question": result.question,
        "answer": answer,
        "confidence": round(result.confidence, 3),
        "no_answer_reason": result.reason or None if result.answer is None else None,
        "results": [{
            "rank": h.rank, "score": round(h.score, 6), "bm25": round(h.bm25, 6), **_citation_json(h.citation),
            "heading": h.heading or None, "text": h.text,
            "also_in": [_citation_json(c) for c in h.also_in],
            "matched_terms": [{"term": m.term, "weight": m.weight, "contribution": round(m.contribution, 6)}
                              for m in h.matches],
        } for h in result.hits],
        "expansions": [{"term": e.term, "weight": e.weight, "trigger": e.trigger, "form": e.form}
                       for e in result.expansions],
        "undated_left_out": result.undated_left_out,
        "warnings": list(result.warnings),
    })
    return payload


def _no_answer(result: SearchResult) -> str:
    """One line saying why there is no answer, and whether the passages below come close."""
    if not result.hits:
        return f"No answer in the corpus: {result.reason}."
    return (f"No confident answer in the corpus: {result.reason} (confidence {result.confidence:.0%}). "
            "The closest passages:")


def _paint(text: str, code: str, style: Style) -> str:
    return f"{code}{text}{_RESET}" if style.color else text


def _highlight(hit: Hit, style: Style) -> str:
    if not style.color:
        return hit.text
    out, last = [], 0
    for start, end in hit.highlights:
        out.append(hit.text[last:start])
        out.append(_paint(hit.text[start:end], _MATCH, style))
        last = end
    out.append(hit.text[last:])
    return "".join(out)


def _text(result: SearchResult, style: Style) -> str:
    lines: list[str] = []
    if result.answer is None:
        lines.append(_paint(_no_answer(result), _BOLD, style))
    else:
        label = "Answer (the sources disagree):" if result.answer.conflicting else "Answer:"
        lines.append(_paint(label, _BOLD, style))
        for sentence in result.answer.sentences:
            lines.append(f"  {sentence.text} [{_paint(sentence.citation.location, _CITE, style)}]")
    if style.explain and result.expansions:
        lines.append("")
        lines.append("Expansions: " + ", ".join(
            f"{e.trigger} -> {e.form} ({e.term} x{e.weight:g})" for e in result.expansions))
    if result.undated_left_out:
        lines.append(f"({result.undated_left_out} article(s) without a date left out by the date filter)")
    for hit in result.hits:
        lines.append("")
        score = _paint(f"score {hit.score:.2f}", _DIM, style)
        lines.append(f"{hit.rank}. {_paint(hit.citation.location, _CITE, style)}  {score}")
        title = hit.citation.title + (f" — {hit.heading}" if hit.heading else "")
        extra = ", ".join(x for x in (hit.citation.publisher, hit.citation.date) if x)
        lines.append("   " + _paint(title + (f" ({extra})" if extra else ""), _BOLD, style))
        lines.append("   " + _highlight(hit, style))
        if hit.also_in:
            lines.append("   also in: " + ", ".join(c.location for c in hit.also_in))
        if style.explain:
            parts = [f"{m.term} {m.contribution:.3f}" + ("" if m.weight == 1 else f" (expansion x{m.weight:g})")
                     for m in hit.matches]
            lines.append("   matched: " + (", ".join(parts) if parts else "(phrase only)"))
    return "\n".join(lines) + "\n"


def _markdown(result: SearchResult, style: Style) -> str:
    prefix = f"{style.query_id}-" if style.query_id else ""
    lines = [f"## {result.question}", ""]
    notes: list[Citation] = []

    def note(c: Citation) -> str:
        if c not in notes:
            notes.append(c)
        return f"[^{prefix}{notes.index(c) + 1}]"

    if result.answer is None:
        lines.append(f"*{_no_answer(result)}*")
    else:
        lines.append(" ".join(f"{s.text}{note(s.citation)}" for s in result.answer.sentences))
    if result.hits:
        lines += ["", "Passages:", ""]
        for hit in result.hits:
            refs = "".join(note(c) for c in (hit.citation, *hit.also_in))
            lines.append(f"{hit.rank}. {hit.text}{refs}")
    if notes:
        lines.append("")
        for number, c in enumerate(notes, 1):
            extra = "".join(f", {x}" for x in (c.publisher, c.date) if x)
            lines.append(f"[^{prefix}{number}]: `{c.location}` — *{c.title}*{extra}")
    return "\n".join(lines) + "\n"


def _csv(result: SearchResult, style: Style) -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if style.csv_header:
        writer.writerow(CSV_COLUMNS)
    question = (style.query_id or "", result.question)
    answer = (result.answer.text if result.answer else "", f"{result.confidence:.3f}")
    for hit in result.hits:
        c = hit.citation
        writer.writerow((*question, hit.rank, f"{hit.score:.6f}", c.source, c.location, c.line_start,
                         c.line_end, c.title, hit.text, *answer))
    if not result.hits:  # the question still has its row (in a batch, every question is in the table)
        writer.writerow((*question, *[""] * (len(CSV_COLUMNS) - 4), *answer))
    return buffer.getvalue()
