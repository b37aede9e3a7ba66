"""Stage 1: find the articles under a corpus folder and read them safely.

Everything a user may drop into a folder is expected here: other encodings, binaries, empty
files, broken links. Each problem becomes a `Notice` and the file is skipped; nothing raises
except a corpus folder that does not exist.
"""

import contextlib
import json
import operator
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from datetime import date

from askiraq.errors import CorpusError
from askiraq.files import printable_name, read_regular_file, read_with_stat
from askiraq.memo import lazy_pattern

MARKDOWN_SUFFIXES = (".md", ".markdown")
ARTICLE_SUFFIXES = (".txt", *MARKDOWN_SUFFIXES)  # plain text, read in place (other formats go through askiraq.readers)
# The formats askiraq.readers reads, by file suffix (a name without a usual suffix is looked at: it may be an e-mail).
READER_SUFFIXES = {".html": "html", ".htm": "html", ".xhtml": "html", ".eml": "mail", ".mbox": "mbox",
                   ".mbx": "mbox", ".pdf": "pdf", ".docx": "docx", ".json": "json", ".jsonl": "jsonl",
                   ".ndjson": "jsonl"}
SIDECAR_SUFFIX = ".meta.json"
# A Maildir's messages are in its cur/ and new/ folders, each file one message whatever its name; tmp/ holds messages
# being delivered (left out: each turns up in new/ once it is whole).
MAILDIR_MESSAGES = ("cur", "new")
MAILDIR_DELIVERY = "tmp"
METADATA_KEYS = ("title", "date", "publisher", "url", "author")
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024  # a few metadata fields; anything larger is not a sidecar

_BACKUP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak")
_IGNORED_PREFIXES = (".", "#")  # hidden files and folders, editor lock files (.#x) and autosaves (#x#)
_SKIPPED_SUFFIXES = (*_BACKUP_SUFFIXES, SIDECAR_SUFFIX)
_BY_NAME = operator.attrgetter("name")
_FRONT_MATTER = r"(?sm)\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n(.*?)^\1[ \t]*(?:\r?\n|\Z)"  # YAML's ---, TOML's +++
_META_LINE = r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$"


class Notice(NamedTuple):
    """A problem with one file that did not stop the run."""

    path: str
    message: str
    retry: bool = False  # the file could not be read: it may become readable without changing (permissions)
    needs: str = ""  # the module, not installed, that reading the file needs: it is read once it can be imported

    def __str__(self) -> str:
        return f"{printable_name(self.path)}: {self.message}" if self.path else self.message


class SourceFile(NamedTuple):
    """One article file as found on disk (no content read yet)."""

    rel: str  # POSIX path relative to the corpus root
    size: int
    mtime_ns: int
    sidecar_mtime_ns: int  # 0 when there is no NAME.meta.json beside it


class CorpusScan(NamedTuple):
    root: str
    files: tuple[SourceFile, ...]
    notices: tuple[Notice, ...]
    folders: dict[str, int]  # modification time of every folder walked, by path relative to root
    unsupported: tuple[str, ...] = ()  # files of a type askiraq does not read (never opened), relative to root

    @property
    def fingerprint(self) -> str:
        """Changes whenever a file is added, removed, edited or its sidecar changes."""
        manifest = "".join(f"{f.rel}\0{f.size}\0{f.mtime_ns}\0{f.sidecar_mtime_ns}\n" for f in self.files)
        return content_key(manifest)


class Origin(NamedTuple):
    """Where the lines of a document read from another format (HTML, e-mail, PDF, JSON...) are in its file."""

    lines: tuple[int, ...] = ()  # the file's line for each line of the text (0: not found, cite a passage number);
    # a PDF's: the line of its page (0: a blank line the reader put between paragraphs)
    pages: tuple[int, ...] = ()  # a PDF: the first line of the text on each page
    ends: tuple[int, ...] = ()  # a web page: the file's line where each line of the text ends (else as `lines`)


class Document(NamedTuple):
    """One decoded article. `text` is the file's text exactly; content starts at `body_start`.

    A document read from another format (`origin` set) has the text its reader made, kept in the index; `part`
    names it among the articles of a file that holds several (an mbox's message, a JSON record, an attachment)."""

    rel: str
    text: str
    body_start: int
    metadata: Mapping[str, str]
    part: str = ""
    origin: Origin | None = None
    quoted: tuple[tuple[int, int], ...] = ()  # spans not the author's own (a reply's quotation): never an answer
    markdown: bool = False  # its text is Markdown (a .md file, a Word file as its reader writes it): markup not text
    checksum: int = 0  # CRC-32 of the file's bytes: an edit that keeps the file's size and time still changes it
    read_as: tuple[int, int] = (0, 0)  # the file's size and modification time as it was read (it may have changed
    # since it was listed: the index records what it read)


def is_markdown(name: str) -> bool:
    """Whether a file is Markdown (its markup is not text: it is never shown, and indented lines are code)."""
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def file_kind(name: str) -> str | None:
    """How a file is read, from its name: "text" (.txt, Markdown), a reader's format, "sniff" (no usual suffix: its
    content may be an e-mail, as in MH folders and mail corpora), or None (a type askiraq does not read)."""
    lower = name.lower()
    if lower.endswith(ARTICLE_SUFFIXES):
        return "text"
    stem, dot, suffix = lower.rpartition(".")
    if not dot or not stem:
        return "sniff"
    kind = READER_SUFFIXES.get("." + suffix)
    if kind is not None:
        return kind
    usual = 1 <= len(suffix) <= 5 and suffix.isalnum() and not suffix.isdigit()
    return None if usual else "sniff"  # "00001.7c53336b37..." (a mail corpus), "1204680122.M1P2.host:2,S"


def source_kind(root: str, rel: str) -> str | None:
    """How a file of the corpus is read: `file_kind`, except that a message of a Maildir is "mail" whatever its name
    ("1700000000.M1P2Q3.host.example.com" has no suffix: the dot is its host name's)."""
    return "mail" if is_maildir_message(root, rel) else file_kind(rel)


def is_maildir_message(root: str, rel: str) -> bool:
    """Whether `rel` is a file in the cur/ or new/ folder of a Maildir (a folder holding both)."""
    folder, _, _ = rel.rpartition("/")
    maildir, _, name = folder.rpartition("/")
    return name in MAILDIR_MESSAGES and is_maildir(os.path.join(root, maildir))


def is_maildir(folder: str) -> bool:
    """Whether `folder` is a Maildir: it holds a cur/ and a new/ folder (and usually tmp/)."""
    return all(os.path.isdir(os.path.join(folder, name)) for name in MAILDIR_MESSAGES)


def content_key(text: str) -> str:
    """A 64-bit key that changes with `text` (change detection, not security; zlib imports fast)."""
    data = text.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"


def default_corpus() -> str:
    """The shipped articles: `askiraq/data/corpus/` when installed, `corpus/` beside the package in a checkout."""
    package = os.path.dirname(os.path.realpath(__file__))
    installed = os.path.join(package, "data", "corpus")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(package), "corpus")


def suffix_counts(paths: "Iterable[str]") -> str:
    """How many of `paths` have each suffix, most first: "30 .png, 5 .zip" ("" for none; the files of a type
    askiraq does not read)."""
    from collections import Counter

    counts = Counter(os.path.splitext(path)[1].lower() or "(no suffix)" for path in paths)
    return ", ".join(f"{count} {suffix}" for suffix, count in counts.most_common())


def _sidecar_path(path: str) -> str:
    return os.path.splitext(path)[0] + SIDECAR_SUFFIX


def _folder_entries(folder: str, prefix: str, notices: list[Notice]) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=_BY_NAME)
    except OSError as err:
        notices.append(Notice(prefix.rstrip("/"), f"cannot read folder ({err.strerror})"))
        return []


# A folder being walked: its entries, its path, its sidecars by name, whether it holds mail, and the saved web page
# whose files it holds ("Story.html" for Story_files/, "" for any other folder).
_Frame = tuple[Iterator[os.DirEntry[str]], str, dict[str, os.DirEntry[str]], bool, str]
_PAGE_FILES = "_files"  # a browser saves a page's images, scripts and frames in a folder NAME_files by NAME.html
# The suffixes askiraq reads a web page by, and in capitals as a browser on Windows may write them.
_HTML_SUFFIXES = tuple(suffix for suffix, kind in READER_SUFFIXES.items() if kind == "html")
_PAGE_SUFFIXES = (*_HTML_SUFFIXES, *(suffix.upper() for suffix in _HTML_SUFFIXES))


def _scan_tree(root: str, files: list[SourceFile], notices: list[Notice], folders: dict[str, int],
               unsupported: list[str]) -> None:
    """Add the articles under `root`, depth first in name order. One stat per article: this runs on every query.

    A stack, not recursion: a corpus may be folders nested a thousand deep. In a Maildir's cur/ and new/ every file
    is a message, whatever its name (`mail` in a folder's frame)."""
    make = tuple.__new__  # SourceFile without the Python-level constructor: 100,000 files per query
    pending = [_frame("", _folder_entries(root, "", notices), mail=False)]
    while pending:
        walking, prefix, sidecars, mail, page = pending.pop()
        for entry in walking:
            name = entry.name
            if name.startswith(_IGNORED_PREFIXES) or (name.endswith(_SKIPPED_SUFFIXES) and not mail):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    inner = _enter_folder(root, entry, prefix, folders, notices, page or _saved_page(entry, prefix))
                    if inner is None:
                        continue
                    pending.append((walking, prefix, sidecars, mail, page))  # the rest of this folder, after it
                    pending.append(inner)
                    break
                if not mail and not name.lower().endswith(ARTICLE_SUFFIXES) and file_kind(name) is None:
                    unsupported.append(prefix + name)
                    continue
                if page:  # (a frame of the page, an ad's page: never an article of its own)
                    notices.append(Notice(prefix + name, f"skipped: part of a saved web page ({page})"))
                    continue
                st = entry.stat()
            except OSError as err:
                reason = "broken or looping symbolic link" if entry.is_symlink() else err.strerror
                notices.append(Notice(prefix + name, f"skipped: {reason}", retry=True))
                continue
            if not stat.S_ISREG(st.st_mode):
                notices.append(Notice(prefix + name, "skipped: not a regular file"))
                continue
            sidecar_mtime = 0
            if sidecars:
                sidecar = sidecars.get(name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
                if sidecar is not None:
                    with contextlib.suppress(OSError):
                        sidecar_mtime = sidecar.stat().st_mtime_ns
            files.append(make(SourceFile, (prefix + name, st.st_size, st.st_mtime_ns, sidecar_mtime)))


def _frame(prefix: str, entries: list[os.DirEntry[str]], mail: bool, page: str = "") -> _Frame:
    return iter(entries), prefix, {e.name: e for e in entries if e.name.endswith(SIDECAR_SUFFIX)}, mail, page


def _saved_page(folder: os.DirEntry[str], prefix: str) -> str:
    """The web page (relative to the corpus) beside which a browser saved `folder`, found in the folder `prefix`
    (NAME.html by NAME_files: its images, scripts and frames), or "". Looked for only for a folder so named: a stat
    or three, not one per file."""
    if not folder.name.endswith(_PAGE_FILES) or len(folder.name) == len(_PAGE_FILES):
        return ""
    stem = folder.path[:-len(_PAGE_FILES)]
    page = next((stem + suffix for suffix in _PAGE_SUFFIXES if os.path.isfile(stem + suffix)), "")
    return prefix + os.path.basename(page) if page else ""


def _enter_folder(root: str, entry: os.DirEntry[str], prefix: str, folders: dict[str, int],
                  notices: list[Notice], page: str = "") -> _Frame | None:
    """The frame of a folder found in the folder `prefix` (its time recorded), or None for a Maildir's tmp/ (never
    walked, and its time not recorded: a delivery in progress changes nothing)."""
    name = entry.name
    in_maildir = name in (*MAILDIR_MESSAGES, MAILDIR_DELIVERY) and is_maildir(os.path.join(root, prefix))
    if in_maildir and name == MAILDIR_DELIVERY:
        return None
    folders[prefix + name] = entry.stat(follow_symlinks=False).st_mtime_ns
    return _frame(prefix + name + "/", _folder_entries(entry.path, prefix + name + "/", notices), in_maildir, page)


def scan_corpus(root: "str | os.PathLike[str]") -> CorpusScan:
    """List the article files under `root` with their sizes and times, cheaply (no reads).

    Hidden files and folders and editor backups are ignored; folder symlinks are not followed
    (no loops); a file that cannot be stat'ed becomes a Notice.
    """
    root = os.fspath(root)
    if not os.path.exists(root):
        raise CorpusError(f"corpus folder not found: {root}", "pass --corpus DIR or set ASKIRAQ_CORPUS")
    if not os.path.isdir(root):
        raise CorpusError(f"corpus is not a folder: {root}",
                          f"pass the folder it is in, with --source {os.path.basename(root)!r} to ask that file alone")
    notices: list[Notice] = []
    files: list[SourceFile] = []
    folders = {"": os.stat(root).st_mtime_ns}
    unsupported: list[str] = []
    _scan_tree(root, files, notices, folders, unsupported)
    return CorpusScan(root, tuple(files), tuple(notices), folders, tuple(unsupported))


def folders_unchanged(root: str, folders: dict[str, int]) -> bool:
    """Whether no file was added, removed or renamed since `folders` was recorded (one stat a folder).

    In-place edits do not change a folder's time; large corpora catch those when the article
    is read (see Index.text) or with `askiraq index`.
    """
    try:
        return all(os.stat(os.path.join(root, rel)).st_mtime_ns == mtime for rel, mtime in folders.items())
    except OSError:
        return False


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # little- and big-endian byte-order marks


def _decode(data: bytes) -> tuple[str, str] | None:
    """`_decoded`, its lines as an editor shows them (`editor_lines`)."""
    decoded = _decoded(data)
    return (editor_lines(decoded[0]), decoded[1]) if decoded is not None else None


def editor_lines(text: str) -> str:
    """A classic Mac OS file's lines (each ending in a carriage return, the file holding no line feed) ended by line
    feeds, as every other file's are: one character for one, so offsets and line numbers are the file's as an editor
    shows them. (A lone carriage return in a file of line feeds stays whitespace.)"""
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


def _decoded(data: bytes) -> tuple[str, str] | None:
    """Text and the encoding used, or None for a binary file: UTF-16 when its byte-order mark says so
    (Windows "Unicode" text, full of zero bytes) and it decodes, else UTF-8 first, then Windows-1252,
    then Latin-1 (which decodes any bytes)."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    if _looks_binary(data):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mended = _mostly_utf8(data)
    if mended is not None:
        return mended
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 text with a few stray bytes ("£9" written right, one byte gone wrong) as UTF-8, each bad byte a
    replacement character, rather than the whole file as Windows-1252 ("Â£9"): when it has valid UTF-8 characters
    beyond ASCII, at least as many as its bad bytes (Windows-1252 text seldom makes even one: "Ã©")."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    wide = sum(1 for char in text if char > "\x7f") - bad
    return (text, f"UTF-8 with {bad} bad byte{'s' if bad > 1 else ''} replaced") if wide >= max(bad, 1) else None


_TEXT_BYTES = bytes([9, 10, 12, 13, *range(32, 256)])


def _looks_binary(data: bytes) -> bool:
    if b"\0" in data[:1 << 20] or data.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04")):
        return True
    sample = data[:8192]
    controls = len(sample.translate(None, _TEXT_BYTES))  # what is left: control characters
    return bool(sample) and controls / len(sample) > 0.05


def parse_front_matter(text: str, problems: list[str] | None = None) -> tuple[dict[str, str], int]:
    """A front-matter block at the very top, `---` over `key: value` lines (Jekyll, MkDocs) or `+++` over TOML
    (Hugo): the metadata and where the body starts (and in `problems`, why TOML that does not parse was not read)."""
    match = re.match(_FRONT_MATTER, text) if text.lstrip("\ufeff").startswith(("---", "+++")) else None
    if not match:
        return {}, 0
    if match.group(1) == "+++":
        return _toml_metadata(match.group(2), [] if problems is None else problems), match.end()
    metadata: dict[str, str] = {}
    for line in match.group(2).splitlines():
        pair = re.match(_META_LINE, line)
        if pair and pair.group(1).lower() in METADATA_KEYS:
            metadata[pair.group(1).lower()] = pair.group(2).strip().strip("\"'")
    return metadata, match.end()


def _toml_metadata(block: str, problems: list[str]) -> dict[str, str]:
    """The metadata fields of a TOML front-matter block (none when it does not parse, said in `problems`: it is still
    not text). A date or time is its day; a list (Hugo's `authors`) its items joined."""
    import datetime

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # (the tomli package, installed with askiraq on Python 3.10, is what became tomllib)
        import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]  # (not installed on 3.11+)
    try:
        table = tomllib.loads(block)
    except (tomllib.TOMLDecodeError, ValueError) as err:
        problems.append(f"its front matter is not TOML ({err}): its title, date and the rest are not read")
        return {}
    metadata: dict[str, str] = {}
    for key, value in table.items():
        key = key.lower().removesuffix("s") if key.lower() == "authors" else key.lower()
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value if isinstance(item, (str, int, float)))
        if key in METADATA_KEYS and isinstance(value, (str, int, float, datetime.date)) and str(value).strip():
            metadata[key] = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    return metadata


def _read_sidecar(path: str, rel: str, notices: list[Notice]) -> dict[str, str]:
    sidecar = _sidecar_path(path)
    name = os.path.basename(sidecar)
    if not os.path.exists(sidecar):
        return {}
    try:
        data = read_regular_file(sidecar, MAX_SIDECAR_BYTES)
        if len(data) > MAX_SIDECAR_BYTES:
            raise ValueError(f"larger than {MAX_SIDECAR_BYTES >> 20} MiB")
        raw = json.loads(data.decode("utf-8"))
    except OSError as err:
        notices.append(Notice(rel, f"metadata file {name} ignored: {err.strerror}"))
        return {}
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        notices.append(Notice(rel, f"metadata file {name} ignored: {err}"))
        return {}
    if not isinstance(raw, dict):
        notices.append(Notice(rel, f"metadata file {name} ignored: not a JSON object"))
        return {}
    return {k: str(v) for k, v in raw.items() if k in METADATA_KEYS and v not in (None, "")}


def read_bytes(root: str, rel: str, notices: list[Notice]) -> bytes | None:
    """A file's bytes (its first MAX_FILE_BYTES); None, with a Notice, when it cannot be read."""
    read = _read_file(root, rel, notices)
    return read[0] if read is not None else None


def _read_file(root: str, rel: str, notices: list[Notice]) -> tuple[bytes, os.stat_result] | None:
    """`read_bytes`, and the file's size and times as it was read. A regular file only (never a FIFO or device)."""
    try:
        data, found = read_with_stat(os.path.join(root, rel), MAX_FILE_BYTES)
    except OSError as err:
        notices.append(Notice(rel, f"skipped: cannot read ({err.strerror})", retry=True))
        return None
    if len(data) > MAX_FILE_BYTES:
        notices.append(Notice(rel, f"only the first {MAX_FILE_BYTES >> 20} MiB indexed"))
        data = data[:MAX_FILE_BYTES]
    return data, found


def file_checksum(root: str, rel: str) -> tuple[int, tuple[int, int]] | None:
    """The CRC-32 of a file's bytes (its first MAX_FILE_BYTES) and its size and time as read; None when it cannot
    be read. (A document a reader made from a file is checked against its file by this.)"""
    read = _read_file(root, rel, [])
    return (zlib.crc32(read[0]), (read[1].st_size, read[1].st_mtime_ns)) if read is not None else None


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Text and the encoding it was decoded with (see `_decode`); None for bytes that are not text."""
    return _decode(data)


def sidecar_metadata(root: str, rel: str, notices: list[Notice]) -> dict[str, str]:
    """The metadata of a file's `NAME.meta.json`, if it has one (its date as `dated_metadata` leaves it)."""
    return dated_metadata(_read_sidecar(os.path.join(root, rel), rel, notices), rel, notices)


def dated_metadata(metadata: dict[str, str], rel: str, notices: list[Notice]) -> dict[str, str]:
    """`metadata` with its date as the date filters read it, ISO ("March 7, 2024" is 2024-03-07, a timestamp its
    day); a date that is none ("soon", "TBD") is left out with a notice, and an empty one quietly, so that the file
    is dated as if it gave none (by its name, say) rather than shown with a date no filter can use."""
    raw = metadata.get("date")
    if raw is None:
        return metadata
    dated = parse_date(raw) or _written_date(raw)
    if dated is None and raw.strip():
        notices.append(Notice(rel, f"its date {raw!r} is not a date askiraq reads (2024-03-07, 7 March 2024): "
                                   "left undated"))
    return {**{k: v for k, v in metadata.items() if k != "date"}, **({"date": dated.isoformat()} if dated else {})}


def read_text(root: str, rel: str) -> tuple[str, int] | None:
    """An article's text decoded as `read_document` decodes it, and the CRC-32 of its bytes; None when it cannot be
    read or is no longer text. What a question needs to quote it (no metadata, no notices: it was indexed)."""
    read = _read_file(root, rel, [])
    decoded = _decode(read[0]) if read is not None else None
    return (decoded[0], zlib.crc32(read[0])) if read is not None and decoded is not None else None


def read_document(root: str, source: SourceFile, notices: list[Notice]) -> Document | None:
    """Read and decode one article; on any problem add a Notice and return None."""
    read = _read_file(root, source.rel, notices)
    if read is None:
        return None
    data, found = read
    decoded = _decode(data)
    if decoded is None:
        notices.append(Notice(source.rel, "skipped: binary file, not text"))
        return None
    text, encoding = decoded
    if encoding != "utf-8":
        notices.append(Notice(source.rel, f"not UTF-8; decoded as {encoding}"))
    if not text.strip():
        notices.append(Notice(source.rel, "skipped: empty file"))
        return None
    problems: list[str] = []
    metadata, body_start = parse_front_matter(text, problems)
    notices.extend(Notice(source.rel, problem) for problem in problems)
    metadata = {**dated_metadata(metadata, source.rel, notices), **sidecar_metadata(root, source.rel, notices)}
    if "date" not in metadata:  # an e-mail's "Date:" header; a news archive's "2024-03-19_rail_deal.txt"
        dated = _header_date(text[body_start:]) or parse_date(os.path.basename(source.rel))
        if dated is not None:
            metadata["date"] = dated.isoformat()
    if not text[body_start:].strip():
        notices.append(Notice(source.rel, "skipped: only front matter, no text"))
        return None
    return Document(source.rel, text, body_start, metadata, markdown=is_markdown(source.rel),
                    checksum=zlib.crc32(data), read_as=(found.st_size, found.st_mtime_ns))


# "From: ...", "Date: ..." lines at the top, perhaps under a title line ("Rowing Club - Committee Meeting"); under a
# title and a blank line, two of them at least (one is a sentence that starts "Date: 1 May, said ...").
_HEADER_BLOCK = lazy_pattern(r"\s*(?:[^\n:]{1,120}\n)?((?:[A-Za-z][\w-]*:[^\n]*\n)+)"
                             r"|\s*[^\n:]{1,120}\n[ \t]*\n((?:[A-Za-z][\w-]*:[^\n]*\n){2,})")
_DATE_HEADER = lazy_pattern(r"^date:[ \t]*(\S[^\n]*?)[ \t]*$", re.I | re.M)


def _header_date(text: str) -> "date | None":
    """The date of an e-mail (a thread saved as text, minutes) from the "Date:" line of the header block it starts
    with, under a title line or not."""
    block = _HEADER_BLOCK().match(text[:4096])
    found = _DATE_HEADER().search(block.group(1) or block.group(2)) if block else None
    if not found:
        return None
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(found.group(1)).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return parse_date(found.group(1)) or _written_date(found.group(1))


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_WRITTEN = lazy_pattern(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?|([A-Za-z]{3,9})\.?\s+(\d{1,2})"
                         r"(?:st|nd|rd|th)?),?\s+(\d{4})\b")


def _written_date(value: str) -> "date | None":
    """A date written out: "15 January 2024", "Monday 15 January 2024", "March 12, 2024"."""
    from datetime import date

    found = _WRITTEN().search(value)
    word = (found.group(2) or found.group(3)).lower() if found else ""
    month = next((number for number, name in enumerate(MONTHS, 1) if name.startswith(word)), None)
    if not found or month is None:
        return None
    try:
        return date(int(found.group(5)), month, int(found.group(1) or found.group(4)))
    except ValueError:
        return None


def parse_date(value: str) -> "date | None":
    """An ISO date (`2023-11-22`, or the date part of a timestamp); None when it is not one."""
    from datetime import date

    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})(?!\d)", value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
