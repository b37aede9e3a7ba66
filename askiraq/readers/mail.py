"""Reader: e-mail, as .eml files, mbox files (each message an article) and files without a usual suffix that are
messages (MH folders, mail corpora), recognised by their content; every file in a Maildir's cur/ and new/ is a message,
whatever the dots in its name (a host name: "1700000000.M1P2Q3.host.example.com").

The standard library's `email` package does the MIME work: parts, charsets, quoted-printable and base64. A
message's text is its text/plain part, else its HTML part through the HTML reader; attachments of a format
askiraq reads are articles of their own. Headers are metadata and never text: Subject is the title, From the
author, Date the date, and Message-ID / In-Reply-To / References name the thread. Quoted replies ("> " lines,
an "On ... wrote:" line, "-----Original Message-----" and what follows), signatures and mailing-list footers
stay searchable but are never quoted as an answer. An mbox is read a message at a time, so its size does not
matter; a citation names the line of the file where the paragraph is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from askiraq.corpus import Document, Notice, Origin, SourceFile, file_kind, sidecar_metadata, source_kind
from askiraq.readers import MissingLibrary, Progress, ReaderSettings

_HEAD_BYTES = 8192  # of a file without a usual suffix, read to tell whether it is an e-mail
# Header fields that only mail has: a file starting with a block of "Field: value" lines holding two is a message.
_MAIL_FIELDS = re.compile(rb"^(?:from|to|cc|date|subject|message-id|received|return-path|delivered-to|mime-version"
                          rb"|in-reply-to|references|x-mailer|reply-to|sender):", re.I | re.M)
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")  # a field name (printable, no colon) then its colon
_MBOX_FROM = re.compile(rb"From \S+")  # an mbox's separator line, "From sender@example.org Thu Aug 22 12:36:23 2002"
_ASCTIME = re.compile(r"(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) [\d:]{5,8}(?: [A-Z]{3,4})? (\d{4})")
# A reply's quotation: "> " lines, the line introducing them, Outlook's "Original Message" and what follows it.
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.M)
_ATTRIBUTION = re.compile(r"^[ \t]*(?:On [^\n]{0,200}\n?[^\n]{0,120}wrote:"
                          r"|[^\n]{1,120} (?:wrote|writes|schrieb|a écrit)\s?:)[ \t]*$", re.M)
_QUOTED_REST = re.compile(r"^[ \t]*(?:-{3,} ?Original Message ?-{3,}|_{20,}|-- ?)[ \t]*$", re.M | re.I)
# An mbox's escape of a body line that starts "From " (">From the start, ..."; ">>From" for one that had ">From"):
# taken off, one level, as mboxrd readers do, so that the line reads as written and is not taken for a quotation.
_ESCAPED_FROM = re.compile(r"^>(>*From )", re.M)
_ATTACHMENT_KINDS = frozenset({"text", "html", "pdf", "docx", "json", "jsonl", "mail"})


def read(root: str, source: SourceFile, notices: list[Notice], settings: ReaderSettings,
         progress: Progress | None = None) -> Iterator[Document]:
    import os

    path = os.path.join(root, source.rel)
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    kind = source_kind(root, source.rel)
    if kind == "sniff" and not is_message(head):
        notices.append(Notice(source.rel, "skipped: not an e-mail, and no suffix askiraq reads"))
        return
    if not head.strip():
        notices.append(Notice(source.rel, "skipped: empty file"))
        return
    sidecar = sidecar_metadata(root, source.rel, notices)
    if kind == "mbox" or _MBOX_FROM.match(head):
        yield from _mbox_messages(path, source.rel, notices, progress, sidecar)
        return
    with open(path, "rb") as handle:
        data = handle.read()
    for document in message_documents(data, source.rel, "", 1, notices):
        yield document._replace(metadata={**document.metadata, **sidecar}) if not document.part else document


def is_message(head: bytes) -> bool:
    """Whether a file's first bytes are an e-mail: an mbox "From " line, or a block of header lines at the very top
    holding two fields only mail has (From, Date, Subject, Received, Message-ID...)."""
    head = head.lstrip(b"\r\n")
    if _MBOX_FROM.match(head):
        return True
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    lines = block.splitlines()
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    fields = all(_HEADER_LINE.match(line) or line[:1] in (b" ", b"\t") for line in lines)
    return fields and len(_MAIL_FIELDS.findall(block)) >= 2


def _mbox_messages(path: str, rel: str, notices: list[Notice], progress: Progress | None,
                   sidecar: dict[str, str]) -> Iterator[Document]:
    """Each message of an mbox, read one at a time (a message starts at a "From " line after a blank line), named by
    the line of its "From " line (`list.mbox:1`) however many the file holds, so that a message keeps its name as
    the file grows; a sidecar's metadata is that of a file of one message. A file that ends in the middle of a line
    was cut off (a copy that stopped): its last message is read up to the cut, with a warning, and the sentence the
    cut runs through is never quoted."""
    pending: tuple[bytes, int] | None = None
    several = False
    for data, first_line, position in _split_mbox(path):
        if pending is not None:
            several = True
            yield from _mbox_message(*pending, rel, notices)
        pending = (data, first_line)
        if progress is not None:
            progress(position)
    if pending is None:
        return
    data, first_line = pending
    cut = not data.endswith(b"\n")
    if cut:
        notices.append(Notice(rel, f"cut off in the middle of a line of its last message (line {first_line}): that "
                                   "message is read up to the cut, its last sentence never quoted"))
    for document in _mbox_message(data, first_line, rel, notices, cut):
        own = not several and ":" not in document.part  # (an attachment has metadata of its own)
        yield document._replace(metadata={**document.metadata, **sidecar}) if own else document


def _mbox_message(data: bytes, first_line: int, rel: str, notices: list[Notice], cut: bool = False) \
        -> Iterator[Document]:
    part = str(first_line)
    try:
        yield from message_documents(data, rel, part, first_line, notices, cut, in_mbox=True)
    except Exception as err:  # one damaged message is left out, never the rest of the mbox
        notices.append(Notice(f"{rel}:{part}", f"skipped: a message that cannot be read ({type(err).__name__}: {err})"))


def _split_mbox(path: str) -> Iterator[tuple[bytes, int, int]]:
    """(message bytes with its "From " line, the line it starts at, bytes read so far) for each message."""
    lines: list[bytes] = []
    first = position = 0
    blank_before = True
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if blank_before and line.startswith(b"From ") and _MBOX_FROM.match(line):
                if lines:
                    yield b"".join(lines), first, position
                lines, first = [], number
            lines.append(line)
            position += len(line)
            blank_before = not line.strip()
    if lines:
        yield b"".join(lines), first or 1, position


def message_documents(data: bytes, rel: str, part: str, first_line: int, notices: list[Notice],
                      cut: bool = False, in_mbox: bool = False) -> Iterator[Document]:
    """A message's article (its own text, with its headers as metadata) and one for each readable attachment. The
    last line of a message `cut` off is never quoted; a message `in_mbox` has its escaped "From " lines back."""
    import email
    import email.policy

    message: Any = email.message_from_bytes(data, policy=email.policy.default)
    metadata = _metadata(message, data)
    body = message.get_body(preferencelist=("plain", "html"))
    text = _content(body) if body is not None else ""
    name = f"{rel}:{part}" if part else rel
    if body is not None and body.get_content_type() == "text/html":
        from askiraq.readers.html import page_document

        page = page_document(text, rel, [], part, locate=False)
        text = page.text if page is not None else ""
    if text.strip():
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        raw = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        if in_mbox:
            text, raw = _ESCAPED_FROM.sub(r"\1", text), _ESCAPED_FROM.sub(r"\1", raw)
        lines = _source_lines(text, raw.split("\n"), first_line)
        cut_line = ((text.rstrip().rfind("\n") + 1, len(text)),) if cut else ()
        yield Document(rel, text, 0, metadata, part, Origin(lines), tuple(sorted(reply_spans(text) + cut_line)))
    elif not any(True for _ in message.iter_attachments()):
        notices.append(Notice(name, "skipped: a message with no text"))
    inherited = {k: v for k, v in metadata.items() if k in ("date", "author", "thread", "message_id")}
    for attachment in _attachments(message, rel, part, notices):  # dated and threaded as its message
        yield attachment._replace(metadata={**inherited, **attachment.metadata})


def _content(part: Any) -> str:
    """A MIME part's text, decoded (transfer encoding and charset); an unknown charset is read as UTF-8."""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AssertionError, ValueError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def _metadata(message: Any, data: bytes) -> dict[str, str]:
    """Subject as the title, From as the author, Date as the date, and the message's place in its thread."""
    from email.utils import getaddresses, parsedate_to_datetime

    def header(name: str) -> str:
        try:
            value = message.get(name)
        except (ValueError, TypeError, IndexError):
            return ""
        return " ".join(str(value).split()) if value is not None else ""

    metadata: dict[str, str] = {}
    if header("subject"):
        metadata["title"] = header("subject")
    sender = getaddresses([header("from")]) if header("from") else []
    if sender and (sender[0][0] or sender[0][1]):
        metadata["author"] = sender[0][0] or sender[0][1]
    try:
        metadata["date"] = parsedate_to_datetime(header("date")).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        dated = _mbox_date(data)
        if dated:
            metadata["date"] = dated
    ids = {key: header(field) for key, field in (("message_id", "message-id"), ("in_reply_to", "in-reply-to"))}
    metadata.update({key: value for key, value in ids.items() if value})
    references = header("references").split()
    thread = references[0] if references else ids["in_reply_to"] or ids["message_id"]
    if thread:
        metadata["thread"] = thread
    return metadata


def _mbox_date(data: bytes) -> str:
    """The date of an mbox "From " line ("From a@b.org  Thu Aug 22 12:36:23 2002"), "" when it has none."""
    from datetime import datetime

    first = data.split(b"\n", 1)[0].decode("ascii", "replace")
    found = _ASCTIME.search(first) if first.startswith("From ") else None
    if not found:
        return ""
    try:
        return datetime.strptime(" ".join(found.groups()), "%b %d %Y").date().isoformat()
    except ValueError:
        return ""


def _source_lines(text: str, raw_lines: list[str], first_line: int) -> tuple[int, ...]:
    """The file's line of each line of a message's text, found in order among the message's raw lines (0 where a
    transfer encoding changed it beyond recognition: base64, or quoted-printable's soft breaks)."""
    found: list[int] = []
    cursor = 0
    for line in text.split("\n"):
        probe = line.strip()
        at = -1
        if probe:
            at = next((i for i in range(cursor, len(raw_lines)) if raw_lines[i].strip() == probe), -1)
        if at >= 0:
            cursor = at + 1
        found.append(first_line + at if at >= 0 else 0)
    return tuple(found)


def reply_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of a message's text that are not its own: quoted lines, the line introducing them, and from an
    "Original Message" line, a signature's "-- " line or a mailing list's footer rule to the end."""
    spans = [(m.start(), m.end()) for m in _QUOTED_LINE.finditer(text)]
    spans += [(m.start(), m.end()) for m in _ATTRIBUTION.finditer(text)]
    rest = _QUOTED_REST.search(text)
    if rest:
        spans.append((rest.start(), len(text)))
    return tuple(sorted(spans))


def _attachments(message: Any, rel: str, part: str, notices: list[Notice]) -> Iterator[Document]:
    """Each attachment of a format askiraq reads, as an article of its own named by its file name."""
    for number, attachment in enumerate(message.iter_attachments(), 1):
        filename = attachment.get_filename() or f"attachment-{number}"
        kind = file_kind(filename)
        if attachment.get_content_type() == "message/rfc822":
            kind = "mail"
        if kind not in _ATTACHMENT_KINDS:
            continue
        name = f"{part}:{filename}" if part else filename
        try:
            yield from _attachment_documents(attachment, kind, rel, name, notices)
        except MissingLibrary as missing:
            notices.append(missing.notice(f"{rel}:{name}"))
        except Exception as err:  # a damaged attachment is left out, never its message
            notices.append(Notice(f"{rel}:{name}", f"skipped: an attachment that cannot be read ({err})"))


def _attachment_documents(attachment: Any, kind: str | None, rel: str, name: str,
                          notices: list[Notice]) -> Iterator[Document]:
    from askiraq.readers import attachment_documents

    if kind == "mail":
        inner = attachment.get_content()
        data = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(attachment.get_payload(decode=True) or b"")
        for document in message_documents(data, rel, name, 0, notices):
            yield document._replace(origin=Origin())
        return
    payload = attachment.get_payload(decode=True) or b""
    yield from attachment_documents(payload, kind or "", rel, name, notices)
