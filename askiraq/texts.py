"""Stage 4 (index), the articles' text read back from the corpus folder when a passage is shown or an answer quoted.

The index keeps spans, not text: the text is read again from the article, which must be the very file
that was indexed (same size, time and CRC-32 of its bytes, else StaleIndex, so the caller refreshes the
index and asks again) and must lie inside the corpus folder (else CorruptIndex: a tampered index cannot make askiraq
read anything else).
"""

import os
from collections.abc import Callable

from askiraq.corpus import file_checksum, read_text
from askiraq.errors import CorruptIndex, StaleIndex
from askiraq.files import printable_name
from askiraq.memo import Memo
from askiraq.records import DocRecord, PassageRecord, Records
from askiraq.store import Generation, StringTable

TEXTS_MEMO = 256  # whole articles; an answer reads at most a few, a batch reuses the ones it just read
PATHS_MEMO = 10_000


def path_in_corpus(resolved_root: str, rel: str,
                   realpath: Callable[[str], str] = os.path.realpath) -> str | None:
    """The absolute path of `rel` (read from an index) in the corpus folder `resolved_root` (a realpath), or None
    when it would leave the folder: absolute, through `..`, or through a folder link (indexing never follows one,
    so such a path comes from a tampered index). A file link the user put in the corpus may point anywhere.
    `realpath` resolves the file's folder (a run's questions remember each folder's: one lstat per part of it)."""
    path = os.path.join(resolved_root, rel)
    climbs = ".." in rel.replace("\\", "/").split("/")
    if os.path.isabs(rel) or climbs or "\0" in rel:
        return None
    folder = realpath(os.path.dirname(path))
    return os.path.normpath(path) if os.path.commonpath([resolved_root, folder]) == resolved_root else None


def _realpath(folder: str) -> str:
    """os.path.realpath of a folder name (one signature, for the memo of a run's folders)."""
    return os.path.realpath(folder)


class SourceTexts:
    """Each indexed article's path and text, checked unchanged since indexing."""

    def __init__(self, corpus_root: str, records: Records, generation: Generation) -> None:
        self.corpus_root = corpus_root
        self._generation = generation
        self._texts: StringTable | None = None
        self._resolved_root = os.path.realpath(corpus_root)
        self._records = records
        self.path = Memo(self._checked_path, PATHS_MEMO)
        self._real_folder: Memo[str, str] = Memo(_realpath, PATHS_MEMO)
        self.text = Memo(self._read, TEXTS_MEMO)
        self._file_checksum = Memo(self._checksum_now, PATHS_MEMO)  # (an mbox's messages: its file read once)
        self._just_read: dict[str, tuple[int, str | None]] = {}

    def remember(self, read_back: dict[str, tuple[int, str | None]]) -> None:
        """Files a refresh has just read and indexed (path in the corpus -> the CRC-32 of their bytes, and a text
        file's text), quoted as read rather than read once more: an article that keeps changing is quoted as the
        index saw it a moment ago, not refused."""
        self._just_read.update(read_back)

    def passage_text(self, record: PassageRecord) -> str:
        """The passage exactly as it is in its article. StaleIndex, CorruptIndex as `text`."""
        return self.text(record.doc_id)[record.start:record.end]

    def stored_text(self, record: DocRecord) -> str:
        """The text a reader made of an article's file, as the index keeps it. CorruptIndex when it has none."""
        table = self._stored()
        if not 0 <= record.stored < len(table):
            raise CorruptIndex(f"document record {record.doc_id} points at a text the index does not have")
        return table[record.stored]

    def _stored(self) -> StringTable:
        if self._texts is None:
            self._texts = self._generation.strings("texts")
        return self._texts

    def _checked_path(self, doc_id: int) -> str:
        """The article's absolute path; CorruptIndex for a stored path that would leave the corpus folder."""
        rel = self._records.document(doc_id).rel
        path = path_in_corpus(self._resolved_root, rel, self._real_folder)
        if path is None:
            raise CorruptIndex(f"index names a file outside the corpus: {rel!r}")
        return path

    def _read(self, doc_id: int) -> str:
        """The article's full text as decoded at index time (passage spans index into it)."""
        record = self._records.document(doc_id)
        just_read = self._just_read.get(record.rel)
        if just_read is not None and just_read[0] == record.checksum:
            if record.stored >= 0:
                return self.stored_text(record)
            if just_read[1] is not None:
                return just_read[1]
        name = printable_name(record.rel)
        try:
            st = os.stat(self.path(doc_id))
        except OSError as err:
            raise StaleIndex(f"{name}: {err.strerror}", record.rel) from err
        if (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns):
            raise StaleIndex(f"{name} changed since it was indexed", record.rel)
        if record.stored >= 0:  # a reader's text (the file is HTML, e-mail, PDF...): kept in the index
            if self._file_checksum(record.rel) != record.checksum:  # edited, its size and time kept (or put back)
                raise StaleIndex(f"{name} changed since it was indexed", record.rel)
            return self.stored_text(record)
        read = read_text(self.corpus_root, record.rel)
        if read is None:  # unreadable now (permissions), or no longer text
            raise StaleIndex(f"{name} can no longer be read", record.rel)
        text, checksum = read
        if checksum != record.checksum:  # edited, its size and time kept (or put back)
            raise StaleIndex(f"{name} changed since it was indexed", record.rel)
        return text

    def _checksum_now(self, rel: str) -> int:
        """The CRC-32 of a file's bytes as they are now (-1 when it cannot be read)."""
        found = file_checksum(self.corpus_root, rel)
        return found[0] if found is not None else -1
