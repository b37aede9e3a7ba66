"""Stage 4 (index), the articles' text read back from the corpus folder when a passage is shown or an answer quoted.

The index keeps spans, not text: the text is read again from the article, which must be the very file
that was indexed (same size and time, else StaleIndex, so the caller refreshes the index and asks
again) and must lie inside the corpus folder (else CorruptIndex: a tampered index cannot make askiraq
read anything else).
"""

import os

from askiraq.corpus import SourceFile, read_document
from askiraq.errors import CorruptIndex, StaleIndex
from askiraq.memo import Memo
from askiraq.records import DocRecord, PassageRecord, Records
from askiraq.store import Generation, StringTable

TEXTS_MEMO = 256  # whole articles; an answer reads at most a few, a batch reuses the ones it just read
PATHS_MEMO = 10_000


class SourceTexts:
    """Each indexed article's path and text, checked unchanged since indexing."""

    def __init__(self, corpus_root: str, records: Records, generation: Generation) -> None:
        self.corpus_root = corpus_root
        self._generation = generation
        self._texts: StringTable | None = None
        self._resolved_root = os.path.realpath(corpus_root)
        self._records = records
        self.path = Memo(self._checked_path, PATHS_MEMO)
        self.text = Memo(self._read, TEXTS_MEMO)

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
        root = self._resolved_root
        # The folder it is in must be inside the corpus, wherever the file itself points: a user may link a file in
        # (indexing never follows a folder link, so a path through one comes from a tampered index).
        path = os.path.join(root, rel)
        folder = os.path.realpath(os.path.dirname(path))
        climbs = ".." in rel.replace("\\", "/").split("/")
        if os.path.isabs(rel) or climbs or os.path.commonpath([root, folder]) != root:
            raise CorruptIndex(f"index names a file outside the corpus: {rel!r}")
        return os.path.normpath(path)

    def _read(self, doc_id: int) -> str:
        """The article's full text as decoded at index time (passage spans index into it)."""
        record = self._records.document(doc_id)
        try:
            st = os.stat(self.path(doc_id))
        except OSError as err:
            raise StaleIndex(f"{record.rel}: {err.strerror}", record.rel) from err
        if (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns):
            raise StaleIndex(f"{record.rel} changed since it was indexed", record.rel)
        if record.stored >= 0:  # a reader's text (the file is HTML, e-mail, PDF...): kept in the index
            return self.stored_text(record)
        source = SourceFile(record.rel, record.size, record.mtime_ns, record.sidecar_mtime_ns)
        document = read_document(self.corpus_root, source, [])
        if document is None:  # unreadable now (permissions), or no longer text
            raise StaleIndex(f"{record.rel} can no longer be read", record.rel)
        return document.text
