"""Reader: exports from news APIs and scrapers, .json and .jsonl: each record with a text is an article, cited by
the line its record starts on (`export.jsonl:7`).

A record's text is its `text`, `body`, `content`, `article`... field (HTML in it is read as text), under its
title; its date, author, URL and source are metadata. Field names that are not the usual ones are given with
`--json-fields text=story,title=headline` (ASKIRAQ_JSON_FIELDS). A .json file is one record, an array of them, or
an object holding one array of them ({"articles": [...]}, as news APIs answer). A JSON lines file is read a line
at a time; lines that are not JSON are counted in one notice.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

from askiraq.corpus import Document, Notice, Origin, SourceFile, decode_text, file_kind, parse_date
from askiraq.readers import Progress, ReaderSettings

# Each field, and the names records give it, most usual first (NewsAPI, news-please, JSON-LD, scrapers, CMS).
FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "articleBody", "article_body", "maintext", "full_text",
             "fulltext", "body_text", "story", "contents"),
    "title": ("title", "headline", "name", "subject"),
    "date": ("date", "published", "published_at", "publishedAt", "date_publish", "datePublished", "pubDate",
             "publication_date", "created_at", "created", "time", "timestamp"),
    "author": ("author", "authors", "byline", "creator", "by"),
    "url": ("url", "link", "canonical_url", "source_url", "permalink", "href"),
    "publisher": ("publisher", "source", "site", "sitename", "site_name", "source_name", "domain"),
}
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|li|ul|ol|em|strong|b|i|blockquote)\b[^>]*>", re.I)


def read(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings,
         progress: Progress | None = None) -> Iterator[Document]:
    fields = field_names(settings.json_fields)
    path = os.path.join(root, source.rel)
    if file_kind(source.rel) == "jsonl":
        with open(path, "rb") as handle:
            yield from _records(_json_lines(handle, source.rel, notices, progress), source.rel, fields, notices)
        return
    with open(path, "rb") as handle:
        data = handle.read()
    yield from from_bytes(data, source.rel, "", notices, "json", fields)


def from_bytes(data: bytes, rel: str, part: str, notices: list[Notice], kind: str,
               fields: dict[str, tuple[str, ...]] | None = None) -> Iterator[Document]:
    fields = fields or FIELDS
    if kind == "jsonl":
        yield from _records(_json_lines(io_lines(data), rel, notices, None), rel, fields, notices, part)
        return
    decoded = decode_text(data)
    if decoded is None:
        notices.append(Notice(rel, "skipped: not JSON (not text)"))
        return
    try:
        records = list(_json_records(decoded[0]))
    except ValueError as err:
        notices.append(Notice(rel, f"skipped: not JSON ({err})"))
        return
    if len(records) == 1 and records[0][0] == 0:  # the file is one record: the article is the file
        document = record_document(records[0][1], fields, rel, part, 1)
        if document is not None:
            yield document
            return
    yield from _records(iter(records), rel, fields, notices, part)


def io_lines(data: bytes) -> Iterator[bytes]:
    yield from data.splitlines(keepends=True)


def bad_field_item(setting: str) -> str:
    """The first item of a field-names setting (`text=story,title=headline`) that is not FIELD=NAME with FIELD one of
    FIELDS' ("" when every item is; empty items, as after a trailing comma, are none)."""
    for pair in setting.split(","):
        key, equals, name = pair.partition("=")
        if pair.strip() and not (equals and key.strip().lower() in FIELDS and name.strip()):
            return pair.strip()
    return ""


def field_names(setting: str) -> dict[str, tuple[str, ...]]:
    """The usual field names, with the user's own (`text=story,title=headline`) tried first."""
    names = dict(FIELDS)
    for pair in setting.split(","):
        key, _, name = pair.partition("=")
        key, name = key.strip().lower(), name.strip()
        if key in names and name:
            names[key] = (name, *names[key])
    return names


def _json_lines(lines: Any, rel: str, notices: list[Notice], progress: Progress | None) -> Iterator[tuple[int, Any]]:
    """(line number, value) of each JSON line; the lines that are not JSON counted in one notice at the end."""
    bad: list[int] = []
    position = 0
    for number, raw in enumerate(lines, 1):
        position += len(raw)
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except ValueError:
            bad.append(number)
        if progress is not None and number % 256 == 0:
            progress(position)
    if bad:
        notices.append(Notice(rel, f"{len(bad)} line{'s' if len(bad) > 1 else ''} not JSON, left out (line "
                                   f"{', '.join(map(str, bad[:5]))}{' ...' if len(bad) > 5 else ''})"))


def _json_records(text: str) -> Iterator[tuple[int, Any]]:
    """(line, record) of a JSON document: its array's items, the items of the one array an object holds, or the
    object itself (line 0). Each item's line is where it starts (found by decoding the array an item at a time)."""
    value = json.loads(text)
    if isinstance(value, dict):
        key = next((k for k, v in value.items() if isinstance(v, list) and v and isinstance(v[0], dict)), None)
        if key is None:
            yield 0, value  # (line 0: the file is this one record)
            return
        opening = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
        start = opening.end() if opening else None
    else:
        stripped = len(text) - len(text.lstrip())
        start = stripped + 1 if isinstance(value, list) else None
    if start is None:
        items = value[key] if isinstance(value, dict) else value
        yield from ((1, item) for item in items)
        return
    yield from _array_items(text, start)


def _array_items(text: str, at: int) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    line = _line(text, at)
    last = at
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return
        item, end = decoder.raw_decode(text, at)
        line += text.count("\n", last, at)
        last = at
        yield line, item
        at = end


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _records(records: Iterator[tuple[int, Any]], rel: str, fields: dict[str, tuple[str, ...]],
             notices: list[Notice], part: str = "") -> Iterator[Document]:
    """Each record with a text as an article; records without one are counted, and their fields named, so that the
    user can say which field holds the text."""
    without: list[int] = []
    seen_fields: set[str] = set()
    made = 0
    for line, record in records:
        document = record_document(record, fields, rel, str(line) if not part else f"{part}:{line}", line)
        if document is None:
            without.append(line)
            if isinstance(record, dict):
                seen_fields.update(k for k, v in record.items() if isinstance(v, str))
            continue
        made += 1
        yield document
    if not without:
        return
    names = ", ".join(sorted(seen_fields)[:8]) or "none"
    counted = f"{len(without)} record{'s' if len(without) > 1 else ''}"
    if made:  # (the file is indexed: a warning about the records it lacks)
        notices.append(Notice(rel, f"{counted} with no text field left out (their text fields: {names})"))
    else:  # (the file is left out: its reason first, as every file left out says it)
        notices.append(Notice(rel, f"skipped: no text field in its records ({counted}; their text fields: {names}); "
                                   "name the text field with --json-fields text=FIELD"))


def record_document(record: Any, fields: dict[str, tuple[str, ...]], rel: str, part: str,
                    line: int) -> Document | None:
    """One record as an article: its title over its text, the other fields as metadata; None without a text."""
    if not isinstance(record, dict):
        return None
    body = _text(_first(record, fields["text"]))
    if not body.strip():
        return None
    metadata = {key: value for key in ("title", "author", "url", "publisher")
                if (value := _text(_first(record, fields[key]), names=True).strip())}
    dated = _date(_first(record, fields["date"]))
    if dated:
        metadata["date"] = dated
    title = " ".join(metadata.get("title", "").split())
    text = (f"{title}\n\n" if title else "") + body.strip().replace("\r\n", "\n") + "\n"
    return Document(rel, text, 0, metadata, part, Origin((line,) * (text.count("\n") + 1) if part else ()))


def _first(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first of `names` the record has (a dotted name reaches into an object: source.name)."""
    for name in names:
        value: Any = record
        for key in name.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value not in (None, "", []):
            return value
    return None


def _text(value: Any, names: bool = False) -> str:
    """A field's value as text: a string (HTML read as text), a list of strings (paragraphs; names joined with
    commas), an object's name ({"name": "Reuters"})."""
    if isinstance(value, str):
        return _html_text(value) if _HTML_TAG.search(value) else value
    if isinstance(value, list):
        parts = [_text(item, names) for item in value]
        return (", " if names else "\n\n").join(part for part in parts if part.strip())
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("title") or value.get("rendered") or "", names)
    return ""


def _html_text(value: str) -> str:
    """HTML in a record's field as paragraphs of text."""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (ValueError, TypeError):
        return value
    blocks = []
    for element in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote"):
        words = " ".join(element.text_content().split())
        if words:
            blocks.append(words)
    return "\n\n".join(blocks) if blocks else " ".join(root.text_content().split())


def _date(value: Any) -> str:
    """A record's date as YYYY-MM-DD: ISO, as mail writes it, written out, or seconds since 1970."""
    from datetime import datetime, timezone

    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return ""
    if not isinstance(value, str):
        return ""
    iso = parse_date(value)
    if iso is not None:
        return iso.isoformat()
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return ""
