"""Reader: Markdown written for a site generator (Jekyll, Hugo, MkDocs): inline HTML read as text, entities decoded,
Liquid/Jinja tags (`{% include x.html %}`, `{{ page.title }}`) and kramdown attribute lists (`{: #v0-1-0}`) left
out, so that no answer quotes them. Code blocks are kept as written.

The cleaned text keeps the file's lines one for one (each line is cleaned where it is), so citations still name
the file's own lines. A Markdown file with none of these is read in place, as any text file.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from askiraq.corpus import Document, Origin

# What makes a Markdown file worth cleaning: an HTML tag or entity, a template tag, an attribute list.
NEEDS_CLEANING = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]{2,8});|\{[%{#]|\{:")
_TEMPLATE = re.compile(r"\{%-?.*?-?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)  # Liquid and Jinja tags, comments
_ATTRIBUTES = re.compile(r"\{:[^}\n]*\}|[ \t]*\{[#.][\w.#:=\" -]*\}[ \t]*$", re.M)  # {: #id .class}, "## Title {#id}"
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)", re.M)
_HIDDEN = frozenset({"script", "style", "template", "noscript"})


def cleaned(document: Document) -> Document:
    """The document with its Markdown's HTML, entities, template tags and attribute lists made plain text, line for
    line; itself when it has none (no cleaning, no stored text)."""
    if not NEEDS_CLEANING.search(document.text, document.body_start):
        return document
    head, body = document.text[:document.body_start], document.text[document.body_start:]
    text = head + "".join(_clean(part) if not code else part for part, code in _split_code(body))
    if text == document.text:
        return document
    lines = tuple(range(1, text.count("\n") + 2))
    return document._replace(text=text, origin=Origin(lines))


def _split_code(text: str) -> list[tuple[str, bool]]:
    """The text in pieces, each marked as code (between fences, fences included) or not."""
    pieces: list[tuple[str, bool]] = []
    fences = [m.start() for m in _FENCE.finditer(text)]
    at = 0
    for opening, closing in zip(fences[::2], [*fences[1::2], len(text)], strict=False):
        end = text.find("\n", closing)
        end = len(text) if end < 0 else end + 1
        pieces += [(text[at:opening], False), (text[opening:end], True)]
        at = end
    pieces.append((text[at:], False))
    return pieces


def _clean(text: str) -> str:
    """Template tags and attribute lists out, HTML tags out (their text kept), entities decoded; every newline
    kept where it was, so each line stays the file's line."""
    text = _TEMPLATE.sub(lambda m: "\n" * m.group().count("\n"), text)
    text = _ATTRIBUTES.sub("", text)
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


class _TextOnly(HTMLParser):
    """HTML's text, tags dropped (the newlines inside a tag kept), script and style left out, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in _HIDDEN
        self.out.append("\n" * (self.get_starttag_text() or "").count("\n"))

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in _HIDDEN and self.hidden > 0

    def handle_data(self, data: str) -> None:
        self.out.append(data if not self.hidden else "\n" * data.count("\n"))

    def handle_comment(self, data: str) -> None:
        self.out.append("\n" * data.count("\n"))
