"""Stage 4: the corpus's index: opened from disk, (re)built when the corpus changed, read by job.

An `Index` is one generation read through three views: `postings` (terms and BM25 scores),
`records` (articles, passages, sentences) and `texts` (the articles' text, read back from the
corpus and checked unchanged). `open_index` is the entry point: it finds the corpus's index
folder, checks the index is fresh, and builds or refreshes it (askiraq.build) when it is not.
"""

import errno
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from askiraq import store
from askiraq.analysis import analyze, names_and_figures
from askiraq.corpus import CorpusScan, Notice, content_key, folders_unchanged, scan_corpus, suffix_counts
from askiraq.errors import CorruptIndex, IndexStoreError, OutdatedIndex
from askiraq.files import open_regular_file
from askiraq.memo import Memo
from askiraq.postings import Postings
from askiraq.records import Records, table_header
from askiraq.texts import SourceTexts, path_in_corpus
from askiraq.tuning import BuildSettings

QUICK_CHECK_FROM = 20_000  # articles; see open_index
TITLE_TERMS_MEMO = 100_000  # articles whose headline terms a batch looked up (a few hundred bytes each)
HEADER_TERMS_MEMO = 100_000  # table rows whose header row a batch looked up (the same)
PASSAGE_FACTS_MEMO = 100_000  # passages a batch compared with a near-duplicate (a few names each)

StrPath = str | os.PathLike[str]  # paths come in as str or pathlib.Path; askiraq keeps them as str
Progress = Callable[[int, int], None]  # (bytes of the files analysed, bytes to analyse) while building


class Index:
    """A read-only view of one index generation, read lazily through memory maps.

    Every method of its views raises CorruptIndex when the stored data does not hold together;
    `texts` also raises StaleIndex when an article changed since it was indexed.
    """

    def __init__(self, generation: store.Generation, corpus_root: StrPath) -> None:
        self.generation = generation
        self.corpus_root = os.fspath(corpus_root)
        self.records = Records(generation)
        self.postings = Postings(generation, self.records.passage_count)
        self.texts = SourceTexts(self.corpus_root, self.records, generation)
        self.vectors = _vectors_info(generation, self.records.passage_count)
        self.headline_terms = Memo(self._headline_terms, TITLE_TERMS_MEMO)
        self.header_terms = Memo(self._header_terms, HEADER_TERMS_MEMO)
        self.passage_facts = Memo(self._passage_facts, PASSAGE_FACTS_MEMO)

    def _headline_terms(self, doc_id: int) -> frozenset[int]:
        """The term ids of an article's headline; none when its title is only an excerpt of its first line."""
        doc = self.records.document(doc_id)
        return self.term_ids(doc.title) if doc.title_line is not None else frozenset()

    def _header_terms(self, passage_id: int) -> frozenset[int]:
        """The term ids of the header row of the Markdown table a row passage belongs to (else none)."""
        record = self.records.passage(passage_id)
        if not record.above[1]:  # (no framing above it: no need to read the article)
            return frozenset()
        return self.term_ids(table_header(self.texts.text(record.doc_id), record))

    def _passage_facts(self, passage_id: int) -> frozenset[str]:
        """A passage's names and figures (near-duplicates must agree on them): tokenising a passage costs more than
        the rest of a near-duplicate check, and a batch meets the same passages again."""
        return names_and_figures(self.texts.passage_text(self.records.passage(passage_id)))

    def term_ids(self, text: str) -> frozenset[int]:
        """The ids of the corpus terms in `text` (its words the corpus lacks have none)."""
        return frozenset(tid for tid in map(self.postings.term_id, analyze(text)) if tid >= 0)

    @property
    def passage_count(self) -> int:
        return self.records.passage_count

    @property
    def document_count(self) -> int:
        return self.records.document_count


class VectorsInfo(NamedTuple):
    """The passage vectors an index holds (the semantic mode): which model made them, their size."""

    model: str
    dims: int


def _vectors_info(generation: store.Generation, passages: int) -> VectorsInfo | None:
    """What the generation's passage vectors are, if it has any. OutdatedIndex for float16 ones (askiraq 0.2: the
    index is built again, vectors and all), CorruptIndex when they do not match the passages."""
    vectors = generation.meta.get("vectors")
    if not isinstance(vectors, dict):
        return None
    if vectors.get("format") != store.VECTORS_FORMAT:
        raise OutdatedIndex(f"{generation.label}: passage vectors of format {vectors.get('format', 1)}")
    info = VectorsInfo(str(vectors["model"]), int(vectors["dims"]))
    if len(generation.array("vectors")) != info.dims * passages or len(generation.array("vector_scales")) != passages:
        raise CorruptIndex(f"{generation.label}: passage vectors and passages disagree")
    return info


class OpenedIndex(NamedTuple):
    index: Index  # type: ignore[assignment]  # (shadows tuple.index, which nobody calls here)
    root: str
    index_dir: str
    rebuilt: bool
    notices: list[Notice]
    kept: bool = True  # False: the index folder could not be written, and this index lives in memory only
    unsupported: tuple[str, ...] = ()  # files of a type askiraq does not read (when the folder was scanned)


def default_index_root() -> str:
    """ASKIRAQ_INDEX_DIR, else the user's cache folder (XDG on Linux, Caches on macOS, LOCALAPPDATA)."""
    override = os.environ.get("ASKIRAQ_INDEX_DIR")
    if override:
        return os.path.expanduser(override)
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(home, ".cache")
    return os.path.join(base, "askiraq")


def index_dir_for(corpus_root: StrPath, index_root: StrPath) -> str:
    """Each corpus folder gets its own index folder, named after its absolute path."""
    resolved = os.path.realpath(corpus_root)
    digest = content_key(resolved)[:16]
    return os.path.join(index_root, f"{os.path.basename(resolved) or 'corpus'}-{digest}")


def indexed_folder_of(path: StrPath, index_root: StrPath | None = None) -> str | None:
    """The nearest folder above `path` that has an index: the corpus a printed citation came from."""
    root = index_root if index_root is not None else default_index_root()
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))  # (a file link: the folder it is in)
    while True:
        if store.has_generation(index_dir_for(folder, root)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def had_article(folder: str, path: StrPath, index_root: StrPath | None = None) -> bool:
    """Whether the index of the corpus `folder`, as it was last built (not refreshed), has an article of the file
    `path` (which may be gone since)."""
    absolute = os.path.abspath(path)
    real = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    rel = os.path.relpath(real, folder).replace(os.sep, "/")
    try:
        generation = store.read_current(index_dir_for(folder, index_root or default_index_root()))
        return generation is not None and any(doc.rel == rel for doc in Records(generation).documents())
    except CorruptIndex:
        return False


def _is_fresh(generation: store.Generation, scan: CorpusScan, settings: BuildSettings) -> bool:
    return bool(generation.meta.get("fingerprint") == scan.fingerprint
                and generation.meta.get("settings") == settings.record()
                and not any(_readable(scan.root, rel) for rel in generation.meta.get("unreadable", []))
                and not now_importable(generation.meta))


def now_importable(meta: dict[str, Any]) -> frozenset[str]:
    """The files skipped (or read in part: an e-mail's PDF attachment) because a library they need was not installed,
    which can now be imported (`pip install 'askiraq[formats]'` since): they are read again. One look for each
    library (importlib's find_spec, which imports nothing), only when the index has such files."""
    needs = meta.get("needs")
    if not needs or not isinstance(needs, dict):
        return frozenset()
    from importlib.util import find_spec

    def installed(module: str) -> bool:
        try:
            return find_spec(module) is not None
        except (ImportError, ValueError):
            return False

    found = {module: installed(module) for module in set(needs.values())}
    return frozenset(rel for rel, module in needs.items() if found[module])


def _readable(root: str, rel: str) -> bool:
    """Whether a file left out as unreadable can be read now (its permissions changed, not its time). A name
    that would leave the corpus folder (a tampered index) is never opened."""
    path = path_in_corpus(os.path.realpath(root), rel)
    if path is None:
        return False
    try:
        os.close(open_regular_file(path))
    except OSError:
        return False
    return True


def _try_open(index_dir: str, corpus_root: str, notices: list[Notice], verify: bool = False) -> Index | None:
    """The stored index, or None (with a notice) when there is none or it must be rebuilt. `verify`: check the
    CRC-32 of every array, however large the index (`askiraq index --verify`)."""
    try:
        generation = store.read_current(index_dir)
        if generation is not None and verify:
            store.verify(generation, full=True)
        return Index(generation, corpus_root) if generation else None
    except OutdatedIndex:
        notices.append(Notice("", "index was built by another version of askiraq, rebuilding it"))
        return None
    except CorruptIndex as err:
        notices.append(Notice("", f"index is damaged, rebuilding it ({err.detail})"))
        return None


def _unchanged_folders(current: Index, corpus_root: str, settings: BuildSettings) -> bool:
    """Above QUICK_CHECK_FROM articles: whether no folder of the corpus changed since `current` was built."""
    meta = current.generation.meta
    return (meta.get("settings") == settings.record() and int(meta.get("files", 0)) >= QUICK_CHECK_FROM
            and isinstance(meta.get("folders"), dict) and folders_unchanged(corpus_root, meta["folders"]))


def open_index(corpus_root: StrPath, index_root: StrPath | None = None, *,
               settings: BuildSettings = BuildSettings(), force: bool = False, full_check: bool = False,
               progress: Progress | None = None, recheck: frozenset[str] = frozenset(),
               verify: bool = False) -> OpenedIndex:
    """The corpus's index, (re)built first if it is missing, stale, damaged, or `force` is set.

    Freshness: every article's size and time are compared with the index's (one stat each). Above
    QUICK_CHECK_FROM articles that alone would exceed a cold question's budget, so only folder
    times are compared (catching added, removed and renamed files) unless `full_check`; an
    article edited in place is then caught when it is read (StaleIndex) or by `askiraq index`. Articles
    in `recheck` (found changed or unreadable when read) are read again even if their size and time are the same.
    `verify` checks every array's CRC-32 first, as an index up to 64 MiB is on every open.
    CorpusError for a missing or empty corpus; IndexStoreError when the index folder fails.
    """
    corpus_root = os.fspath(corpus_root)
    index_dir = index_dir_for(corpus_root, index_root or default_index_root())
    store.remove_leftovers(index_dir)
    notices: list[Notice] = []
    current = None if force else _try_open(index_dir, corpus_root, notices, verify)
    force = force or (verify and current is None)  # (a damaged array passes every check but the one just made)
    # What the user did not set is kept from the stored index, even one that is built again (older vectors, say).
    stored = store.settings_of(current.generation.meta) if current is not None else store.recorded_settings(index_dir)
    if settings.semantic is None:
        settings = settings._replace(semantic=current.vectors is not None if current is not None
                                     else bool(stored.get("semantic")))
    if settings.json_fields is None:
        settings = settings._replace(json_fields=str(stored.get("json_fields") or ""))
    if current is not None and not full_check and not recheck and _unchanged_folders(current, corpus_root, settings) \
            and not now_importable(current.generation.meta):
        return OpenedIndex(current, corpus_root, index_dir, False, notices)
    scan = scan_corpus(corpus_root)
    notices.extend(scan.notices)
    if current is not None and not recheck and _is_fresh(current.generation, scan, settings):
        return OpenedIndex(current, corpus_root, index_dir, False, notices, unsupported=scan.unsupported)
    read_back: dict[str, tuple[int, str | None]] = {}  # (a corpus changing all the while: quote what was just read)
    try:
        index = _rebuild(index_dir, scan, settings, force, notices, progress, recheck, read_back)
        kept = True
    except _NotKept:
        from askiraq.build import build  # NumPy and NLTK come with it: only when something is built

        meta, arrays = build(scan, settings, current, notices, progress, recheck, read_back)
        index, kept = Index(store.in_memory(meta, arrays), corpus_root), False
    index.texts.remember(read_back)
    return OpenedIndex(index, corpus_root, index_dir, True, notices, kept, unsupported=scan.unsupported)


class _NotKept(Exception):
    """The index folder cannot be written (read-only, or its disk is full): answer from an index built in memory."""


# Why a write fails without anything being wrong with askiraq: the folder is read-only or not ours, or the disk
# (or the user's quota) is full. The question is then answered from memory, with a warning.
_CANNOT_KEEP = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT)


def _rebuild(index_dir: str, scan: CorpusScan, settings: BuildSettings, force: bool, notices: list[Notice],
             progress: Progress | None, recheck: frozenset[str], read_back: dict[str, tuple[int, str | None]]) -> Index:
    """Build (or refresh) the index under the writer lock and make it current."""
    try:
        with store.writer_lock(index_dir):
            current = _try_open(index_dir, scan.root, [])  # another process may have just built it
            if current is not None and not force and not recheck and _is_fresh(current.generation, scan, settings):
                return current
            from askiraq.build import build

            if current is not None:  # (an mbox unchanged since, whose PDF attachment needed pypdf, is read again)
                recheck |= now_importable(current.generation.meta)

            meta, arrays = build(scan, settings, None if force else current, notices, progress, recheck, read_back)
            store.write_generation(index_dir, meta, arrays)
            fresh = store.read_current(index_dir)
            if fresh is None:
                raise IndexStoreError(f"index vanished while opening it: {index_dir}")
            return Index(fresh, scan.root)
    except OSError as err:
        if err.errno not in _CANNOT_KEEP:
            raise IndexStoreError(f"cannot write the index in {index_dir}: {err.strerror}",
                                  "set ASKIRAQ_INDEX_DIR to a writable folder") from err
        notices.append(Notice("", f"cannot write the index ({err.strerror}: {index_dir}); "
                                  "using an in-memory index for this run"))
        raise _NotKept from err


def read_with_warnings(meta: dict[str, Any]) -> list[str]:
    """What went wrong inside the files that were indexed all the same ("export.jsonl: 1 line not JSON, left out
    (line 2)", a message of an mbox that cannot be read), one line each, by file."""
    warned = meta.get("warnings")
    return [line for _, lines in sorted(warned.items()) for line in lines] if isinstance(warned, dict) else []


UNSUPPORTED_REASON = "of a type askiraq does not read"


def left_out_counts(skipped: list[str], unsupported: tuple[str, ...]) -> dict[str, int]:
    """How many files were left out of the index for each reason, most first ({"binary file, not text": 2}), those
    of a type askiraq does not read last, under UNSUPPORTED_REASON (for scripts: `info --json`'s `left_out_counts`)."""
    from collections import Counter

    counts = dict(Counter(_reason(line) for line in skipped).most_common())
    if unsupported:
        counts[UNSUPPORTED_REASON] = len(unsupported)
    return counts


def left_out_summary(skipped: list[str], unsupported: tuple[str, ...]) -> str:
    """The files left out of the index, counted by reason ("2 binary file, not text"), and those of a type askiraq
    does not read counted by suffix: one line, "" when none."""
    parts = [f"{count} {reason}" for reason, count in left_out_counts(skipped, ()).items()]
    if unsupported:
        parts.append(f"{len(unsupported)} {UNSUPPORTED_REASON} ({suffix_counts(unsupported)})")
    return "; ".join(parts)


def _reason(notice: str) -> str:
    """A skipped file's reason without its details: "a.pdf: skipped: cannot read (Permission denied)" → "cannot
    read". A reason that holds a count of its own ("3 records with no text field left out", as an index built by an
    earlier askiraq has it) loses it: the summary counts files."""
    reason = notice.rpartition("skipped")[2]
    reason = reason.split(": ", 1)[1] if reason.startswith(" after ") and ": " in reason else reason.lstrip(": ")
    reason = reason.split(" (", 1)[0].removesuffix(" left out")
    return re.sub(r"^\d[\d,]* ", "", reason)


def describe_index(corpus_root: StrPath, index_root: StrPath | None = None) -> dict[str, Any]:
    """Where the corpus's index is and whether it is fresh, without building anything."""
    index_dir = index_dir_for(corpus_root, index_root or default_index_root())
    report: dict[str, Any] = {"corpus": os.path.realpath(corpus_root), "index": index_dir}
    scan = scan_corpus(corpus_root)
    # Every file of the folder: read, left out, or of another type (a broken link, a device: left out at the scan).
    left_at_scan = sum(notice.message.startswith("skipped") for notice in scan.notices)
    report["files"] = len(scan.files) + len(scan.unsupported) + left_at_scan
    try:
        generation = store.read_current(index_dir)
        if generation is not None:
            Index(generation, corpus_root)  # (its tables must hold together too)
    except OutdatedIndex:
        report["state"] = "built by another version of askiraq; rebuilt on next use"
        return report
    except CorruptIndex as err:
        report["state"] = f"damaged ({err.detail}); rebuilt on next use"
        return report
    if generation is None:
        report["state"] = "missing; built on first use"
        return report
    vectors = generation.meta.get("vectors")
    stored = store.settings_of(generation.meta)
    settings = BuildSettings(semantic=isinstance(vectors, dict), json_fields=str(stored.get("json_fields") or ""))
    report["state"] = "fresh" if _is_fresh(generation, scan, settings) else "stale; rebuilt on next use"
    for key in ("documents", "passages", "terms"):
        report[key] = generation.meta.get(key)
    size = sum(int(generation.meta["arrays"].get(name, {}).get("bytes", 0)) for name in ("vectors", "vector_scales"))
    report["vectors"] = (f"{vectors['model']}, {vectors['dims']} dimensions, {size / 1024:,.0f} KiB"
                         if isinstance(vectors, dict) else "none (BM25 only; askiraq index --semantic adds them)")
    report["skipped"] = list(generation.meta.get("skipped", []))  # files found but not indexed, and why
    report["warnings"] = read_with_warnings(generation.meta)  # what went wrong inside files indexed
    report["unsupported"] = list(scan.unsupported)  # files of a type askiraq does not read
    report["left_out"] = left_out_summary(report["skipped"], scan.unsupported)  # (one line, for people)
    report["left_out_counts"] = left_out_counts(report["skipped"], scan.unsupported)  # (by reason, for scripts)
    report["format_version"] = generation.meta.get("version")
    return report
