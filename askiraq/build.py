"""Stage 4 (index), building a generation: articles → passages → analysed terms → BM25 postings, as arrays.

Building is incremental: the forward index (each passage's terms) is kept, so after an edit only the
changed articles are read, split and analysed again (in worker processes when there are many); the
inverted index is then re-derived with a few vectorised NumPy operations. NumPy and NLTK are
imported only here, and only when something is built.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from askiraq import store
from askiraq.analysis import analyze, broken_words, names_a_subject
from askiraq.corpus import (
    CorpusScan,
    Document,
    Notice,
    Origin,
    SourceFile,
    file_checksum,
    file_kind,
    source_kind,
    suffix_counts,
)
from askiraq.errors import CorpusError, CorruptIndex
from askiraq.records import PASSAGE_KINDS, PASSAGE_ROW, SENTENCE_ROW, DocRecord
from askiraq.tuning import EPSILON, K1, B, BuildSettings

if TYPE_CHECKING:
    from askiraq.index import Index, Progress

PARALLEL_MIN_FILES = 64  # fewer articles are analysed in this process: starting workers costs more
PARALLEL_WINDOW = 2048  # articles handed to the workers at a time, so results cannot pile up in memory
STREAM_FROM_BYTES = 4 << 20  # see _streams
READABLE = (".txt, .md, .html/.htm/.xhtml, e-mail (.eml, .mbox, Maildir), .pdf and .docx (with askiraq[formats]), "
            ".json/.jsonl")

_PARTS = ("rows", "sent_count", "sentence_rows", "fwd_count", "fwd_term", "fwd_tf", "implied", "sterm_count",
          "sterm", "vectors", "vector_scales")


_Pages = tuple[tuple[int, ...], tuple[int, ...]]  # a PDF's first line of each page, and each line's on its page


class _Analysed(NamedTuple):
    """One article after splitting and analysis (what a worker process sends back)."""

    source: SourceFile
    title: str
    title_line: int | None
    metadata: dict[str, str]
    rows: list[tuple[int, ...]]  # PASSAGE_ROW columns per passage
    sentences: list[list[tuple[int, ...]]]  # SENTENCE_ROW columns per sentence
    terms: list[Counter[str]]
    sentence_terms: list[list[str]]  # distinct terms of every sentence, in order
    implied: list[int]  # words of every passage that are implied, not written (its article's subject)
    vectors: bytes  # the vector of every passage as signed bytes (semantic mode), else b""
    part: str = ""  # the article's name among those of its file (an mbox's message, a JSON record)
    pages: tuple[int, ...] = ()  # a PDF's first line of each page
    stored: str | None = None  # a reader's text (not the file's own), kept in the index
    markdown: bool = False  # its text is Markdown
    checksum: int = 0  # CRC-32 of the file's bytes (Document.checksum)
    text: str | None = None  # a text file's text, when the caller keeps what it read (see `build`)
    vector_scales: bytes = b""  # each passage vector's scale (float32), with `vectors`
    page_lines: tuple[int, ...] = ()  # a PDF: each line of its text's line on its page (Origin.lines)


def _analyse_file(job: tuple[str, SourceFile, BuildSettings, bool]) -> tuple[list[_Analysed], list[Notice]]:
    root, source, settings, keep_text = job
    notices: list[Notice] = []
    return list(_analysed_articles(root, source, settings, notices, keep_text=keep_text)), notices


def _analysed_articles(root: str, source: SourceFile, settings: BuildSettings, notices: list[Notice],
                       progress: Callable[[int], None] | None = None, keep_text: bool = False) -> Iterator[_Analysed]:
    """Each article of one file, split and analysed, as it is read (an mbox's messages one at a time), with the CRC-32
    of the file's bytes and the file's size and time as read (for another format, read once more for them)."""
    from askiraq.readers import ReaderSettings, read_articles

    other = source_kind(root, source.rel) != "text" and file_checksum(root, source.rel)
    articles = read_articles(root, source, notices, ReaderSettings(settings.json_fields or ""), progress)
    for document in articles:
        if other:
            document = document._replace(checksum=other[0], read_as=other[1])
        analysed = _analyse_document(document, source, settings)
        if analysed is None:
            name = f"{source.rel}:{document.part}" if document.part else source.rel
            notices.append(Notice(name, "skipped: no text to index"))
        else:
            yield analysed._replace(text=document.text) if keep_text and document.origin is None else analysed


def _analyse_document(document: Document, source: SourceFile, settings: BuildSettings) -> _Analysed | None:
    from askiraq.passages import split_document  # imports NLTK: only ever needed to build

    text = document.text
    split = split_document(text, document.body_start, max_passage_chars=settings.max_passage_chars,
                           markdown=document.markdown)
    # The body's headline is indexed (every word of the body is), else a metadata title (a stand-in repeats passage 1).
    headline = analyze(split.title if split.title_line else document.metadata.get("title", ""))
    lead = next((i for i, p in enumerate(split.passages) if any(s.quotable for s in p.sentences)), 0)
    subject = split.title_line is not None and names_a_subject(split.title, settings.subject_headline_words)
    origin = document.origin
    where, where_end = _line_maps(origin)
    size, mtime_ns = document.read_as  # (what was read: the file may have changed since it was listed)
    analysed = _Analysed(source._replace(size=size, mtime_ns=mtime_ns), document.metadata.get("title") or split.title,
                         split.title_line, dict(document.metadata), [], [], [], [], [], b"", document.part,
                         origin.pages if origin is not None else (), text if origin is not None else None,
                         document.markdown, document.checksum,
                         page_lines=origin.lines if origin is not None and origin.pages else ())
    fields: dict[tuple[int, int], list[str]] = {}
    for number, passage in enumerate(split.passages):
        counts: Counter[str] = Counter()
        for sentence in passage.sentences:  # the sentences cover the passage: analyse each once
            terms = analyze(text[sentence.start:sentence.end])
            terms += _rejoined(text[sentence.start:sentence.end])
            counts.update(terms)
            analysed.sentence_terms.append(list(dict.fromkeys(terms)))
        for span in (passage.parent, passage.heading, passage.above):
            if span[1]:
                if span not in fields:  # a heading heads many passages: analysed once
                    fields[span] = analyze(text[span[0]:span[1]])
                counts.update(fields[span] * settings.heading_weight)
        # The headline is a field of every passage, or (weight 0) of the lead only: every word is findable.
        # A short one names the article's subject, which every passage of text is about (not its furniture,
        # credits and captions: "Share this article" would outrank the story): implied, it does not make
        # the passage longer (BM25's length normalisation).
        about = subject and any(s.quotable for s in passage.sentences)
        counts.update(headline * (settings.title_weight or number == lead or about))
        analysed.implied.append(len(headline) if about and not settings.title_weight and number != lead else 0)
        analysed.rows.append((passage.paragraph, passage.start, passage.end, where(passage.line_start),
                              where_end(passage.line_end), *passage.heading, *passage.above, *passage.parent,
                              PASSAGE_KINDS.index(passage.kind)))
        analysed.sentences.append([(s.start, s.end, where(s.line_start), where_end(s.line_end),
                                    int(s.quotable and not _overlaps(document.quoted, s.start, s.end)))
                                   for s in passage.sentences])
        analysed.terms.append(counts)
    if not analysed.rows:
        return None
    if settings.semantic:
        analysed = _with_vectors(analysed, text, split.passages)
    return analysed


def _overlaps(spans: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans`: a sentence touching a quoted reply is not quoted."""
    return any(span_start < end and span_end > start for span_start, span_end in spans)


def _same_line(line: int) -> int:
    return line


def _line_maps(origin: Origin | None) -> tuple[Callable[[int], int], Callable[[int], int]]:
    """How a line of an article's text becomes the line of its file where that text starts, and where it ends (a
    paragraph of a web page over several lines); a text file's lines and a PDF's are the text's own."""
    if origin is None or origin.pages:
        return _same_line, _same_line
    starts = _file_lines(origin.lines)
    return starts, (_file_lines(origin.ends) if origin.ends else starts)


def _file_lines(lines: tuple[int, ...]) -> Callable[[int], int]:
    """A reader's text line → the line of its file where that text is (0: not found; the citation then names the
    passage's number)."""
    return lambda line: lines[line - 1] if 0 < line <= len(lines) else 0


def _rejoined(text: str) -> list[str]:
    """Words hard wrapping broke after a hyphen ("navi-\ngable"), also as whole words: a reader searches for
    "navigable". Both halves stay indexed, since "sea-\nlevel" may be a compound."""
    return [term for word in broken_words(text) for term in analyze(word)]


def encoded_text(text: str, passage: Any) -> str:
    """What a passage's vector encodes: the FAQ question or table header above it (else its heading), then
    its text. `passage` is a Passage or a PassageRecord of the article `text`."""
    above = passage.above if passage.above[1] else passage.heading
    heading = text[above[0]:above[1]] + "\n" if above[1] else ""
    return heading + text[passage.start:passage.end]


def _with_vectors(analysed: _Analysed, text: str, passages: Sequence[Any]) -> _Analysed:
    """The article with each passage's vector as the index keeps it: signed bytes, and a float32 scale each."""
    from askiraq import semantic

    ints, scales = semantic.quantised(semantic.encoder().encode([encoded_text(text, p) for p in passages]))
    return analysed._replace(vectors=ints.tobytes(), vector_scales=scales.astype("<f4").tobytes())


def _streams(source: SourceFile) -> bool:
    """A large file of another format (an mbox, a JSON export, a long PDF) is read in this process an article at a
    time, its progress shown as it goes, rather than as one worker's result held whole in memory."""
    return source.size >= STREAM_FROM_BYTES and file_kind(source.rel) not in ("text", None)


@contextlib.contextmanager
def _analysed_files(root: str, sources: Sequence[SourceFile], settings: BuildSettings, progress: Progress | None,
                    keep_text: frozenset[str]) -> Iterator[Iterator[tuple[Iterable[_Analysed], list[Notice]]]]:
    """Each file's analysed articles and notices, in order (with its text when the file is in `keep_text`). The
    articles of a streamed file come as they are read: its notices are complete once they have all been taken.
    Progress counts bytes of the files analysed. Worker processes, when there are any, are stopped before this
    block is left, whatever ends the build (done, Ctrl-C, SIGTERM)."""
    jobs = [(root, source, settings, source.rel in keep_text) for source in sources if not _streams(source)]
    workers = min(os.cpu_count() or 1, 8)
    pool = None
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        results: Iterator[tuple[list[_Analysed], list[Notice]]] = map(_analyse_file, jobs)
    else:
        pool = _worker_pool(workers)
        results = (result for start in range(0, len(jobs), PARALLEL_WINDOW)
                   for result in pool.imap(_analyse_file, jobs[start:start + PARALLEL_WINDOW], chunksize=16))
    try:
        yield _in_order(root, sources, settings, progress, results)
    finally:
        if pool is not None:
            pool.terminate()


def _in_order(root: str, sources: Sequence[SourceFile], settings: BuildSettings, progress: Progress | None,
              results: Iterator[tuple[list[_Analysed], list[Notice]]]) -> Iterator[tuple[Iterable[_Analysed],
                                                                                         list[Notice]]]:
    """The files' results in order: a streamed file's read here as it goes, the others' from `results`."""
    total = max(sum(source.size for source in sources), 1)
    done = 0
    for source in sources:
        if _streams(source):
            notices: list[Notice] = []
            within = None if progress is None else functools.partial(_progress_within, progress, done, total,
                                                                     source.size)
            yield _analysed_articles(root, source, settings, notices, within), notices
        else:
            yield next(results)
        done += source.size
        if progress:
            progress(done, total)


def _progress_within(progress: Progress, done: int, total: int, size: int, position: int) -> None:
    progress(done + min(position, size), total)


_PARENT_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")  # what a terminal or a service manager sends to stop askiraq


def _worker_pool(workers: int) -> Any:
    """A pool of worker processes, started with the stop signals blocked: none can reach a worker before it has
    set them to ignore Ctrl-C and to die quietly on SIGTERM and SIGHUP (`_quiet_worker`)."""
    import multiprocessing
    import signal

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    stops = {getattr(signal, name) for name in _PARENT_SIGNALS if hasattr(signal, name)}
    mask = getattr(signal, "pthread_sigmask", None)
    blocked = mask(signal.SIG_BLOCK, stops) if mask else None
    try:
        return multiprocessing.get_context(method).Pool(workers, initializer=_quiet_worker, initargs=(os.getpid(),))
    finally:
        if mask is not None and blocked is not None:
            mask(signal.SIG_SETMASK, blocked)


def _quiet_worker(parent: int) -> None:
    """A worker leaves signals to the parent, which stops it (pool.terminate), and prints no traceback: Ctrl-C is
    ignored, SIGTERM and SIGHUP end it at once (not the parent's handlers, which fork copied), and on Linux it is
    killed when the parent dies (even by SIGKILL: it never writes to a pipe nobody reads, nor waits for work)."""
    import signal

    for name in _PARENT_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN if name == "SIGINT" else signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


class _Builder:
    """Collects per-passage arrays in passage order, from old generations and fresh analysis."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        self.vocab: list[str] = []
        self.term_ids: dict[str, int] = {}
        self.docs: list[dict[str, Any]] = []
        self.texts: list[str] = []  # the text of every article read from another format (HTML, e-mail, PDF...)
        self.parts: dict[str, list[Any]] = {k: [] for k in _PARTS}

    def add_reused(self, old: Index, record: DocRecord) -> None:
        """An unchanged article: its rows copied from the previous generation (whose vocabulary the
        building ids start with, so its term ids stand as they are)."""
        np = self.np
        gen = old.generation

        def view(name: str) -> Any:
            """The previous generation's array, zero-copy (integers in the width they were stored in: the parts are
            joined into one type in `finish`)."""
            return np.asarray(gen.array(name))

        p0, p1 = record.first_passage, record.first_passage + record.passage_count
        sent_ptr, fwd_ptr, sterm_ptr = view("sent_ptr"), view("fwd_ptr"), view("sterm_ptr")
        s0, s1 = int(sent_ptr[p0]), int(sent_ptr[p1])
        f0, f1 = int(fwd_ptr[p0]), int(fwd_ptr[p1])
        t0, t1 = int(sterm_ptr[s0]), int(sterm_ptr[s1])
        self.parts["rows"].append(view("passage_rows").reshape(-1, PASSAGE_ROW)[p0:p1])
        self.parts["sent_count"].append(np.diff(sent_ptr[p0:p1 + 1]))
        self.parts["sentence_rows"].append(view("sentence_rows")[SENTENCE_ROW * s0:SENTENCE_ROW * s1])
        self.parts["fwd_count"].append(np.diff(fwd_ptr[p0:p1 + 1]))
        self.parts["fwd_term"].append(view("fwd_term")[f0:f1])
        self.parts["fwd_tf"].append(view("fwd_tf")[f0:f1])
        self.parts["implied"].append(view("implied_len")[p0:p1])
        self.parts["sterm_count"].append(np.diff(sterm_ptr[s0:s1 + 1]))
        self.parts["sterm"].append(view("sterm")[t0:t1])
        if old.vectors is not None:
            dims = old.vectors.dims
            self.parts["vectors"].append(view("vectors")[dims * p0:dims * p1])
            self.parts["vector_scales"].append(view("vector_scales")[p0:p1])
        stored = old.texts.stored_text(record) if record.stored >= 0 else None
        self._add_doc(record.rel, record.title, record.title_line, record.metadata, record.passage_count,
                      (record.size, record.mtime_ns, record.sidecar_mtime_ns, record.checksum),
                      (record.part, (record.pages, record.page_lines), stored, record.markdown))

    def add_fresh(self, doc: _Analysed) -> None:
        np = self.np
        ids, tfs, counts = [], [], []
        for counter in doc.terms:
            for term, tf in counter.items():
                ids.append(self._term_id(term))
                tfs.append(tf)
            counts.append(len(counter))
        self.parts["sterm_count"].append(np.array([len(s) for s in doc.sentence_terms], dtype="<u8"))
        self.parts["sterm"].append(np.array([self.term_ids[t] for s in doc.sentence_terms for t in s], dtype="<u4"))
        self.parts["rows"].append(np.array(doc.rows, dtype="<u8").reshape(-1, PASSAGE_ROW))
        self.parts["sent_count"].append(np.array([len(s) for s in doc.sentences], dtype="<u8"))
        self.parts["sentence_rows"].append(np.array([x for s in doc.sentences for row in s for x in row], dtype="<u8"))
        self.parts["fwd_count"].append(np.array(counts, dtype="<u8"))
        self.parts["fwd_term"].append(np.array(ids, dtype="<u4"))
        self.parts["fwd_tf"].append(np.array(tfs, dtype="<u4"))
        self.parts["implied"].append(np.array(doc.implied, dtype="<u4"))
        if doc.vectors:
            self.parts["vectors"].append(np.frombuffer(doc.vectors, dtype=np.int8))
            self.parts["vector_scales"].append(np.frombuffer(doc.vector_scales, dtype="<f4"))
        s = doc.source
        self._add_doc(s.rel, doc.title, doc.title_line, doc.metadata, len(doc.rows),
                      (s.size, s.mtime_ns, s.sidecar_mtime_ns, doc.checksum),
                      (doc.part, (doc.pages, doc.page_lines), doc.stored, doc.markdown))

    def _term_id(self, term: str) -> int:
        tid = self.term_ids.get(term)
        if tid is None:
            tid = self.term_ids[term] = len(self.vocab)
            self.vocab.append(term)
        return tid

    def _add_doc(self, rel: str, title: str, title_line: int | None, metadata: dict[str, str],
                 count: int, stat: tuple[int, int, int, int],
                 derived: tuple[str, _Pages, str | None, bool] = ("", ((), ()), None, False)) -> None:
        first = self.docs[-1]["p0"] + self.docs[-1]["n"] if self.docs else 0
        size, mtime_ns, sidecar_mtime_ns, checksum = stat
        record: dict[str, Any] = {"rel": rel, "title": title, "title_line": title_line, "meta": metadata,
                                  "p0": first, "n": count, "size": size, "mtime_ns": mtime_ns,
                                  "sidecar_mtime_ns": sidecar_mtime_ns, "crc32": checksum}
        part, (pages, page_lines), stored, markdown = derived
        if part:
            record["part"] = part
        if markdown:
            record["markdown"] = True
        if pages:
            record["pages"] = list(pages)
        if page_lines:
            record["page_lines"] = list(page_lines)
        if stored is not None:  # a reader's text: kept here, since the file is not text (its spans index into it)
            record["text"] = len(self.texts)
            self.texts.append(stored)
        self.docs.append(record)

    def _joined(self, name: str, dtype: str) -> Any:
        parts = self.parts.pop(name)  # each part is freed once it is merged
        return self.np.concatenate(parts).astype(dtype, copy=False) if parts else self.np.zeros(0, dtype=dtype)

    def finish(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Derive the inverted index and BM25 weights; return (meta, encoded arrays)."""
        np = self.np
        rows = self._joined("rows", "<u8").reshape(-1, PASSAGE_ROW)
        fwd_count, fwd_tf = self._joined("fwd_count", "<u8"), self._joined("fwd_tf", "<u4")
        building_ids = self._joined("fwd_term", "<u4")
        vocab, remap, df = self._sorted_vocabulary(building_ids)
        fwd_term = remap[building_ids]
        del building_ids
        implied = self._joined("implied", "<u4")
        passages = rows.shape[0]
        arrays, avgdl = _bm25_postings(np, fwd_count, fwd_term, fwd_tf, implied, df, passages)
        arrays.update({
            "passage_rows": rows.ravel(),
            "sent_ptr": _pointers(np, self._joined("sent_count", "<u8")),
            "sentence_rows": self._joined("sentence_rows", "<u8"),
            "fwd_ptr": _pointers(np, fwd_count),
            "sterm_ptr": _pointers(np, self._joined("sterm_count", "<u8")),
            "sterm": remap[self._joined("sterm", "<u4")].astype("<u4", copy=False),
            "fwd_term": fwd_term.astype("<u4", copy=False),
            "fwd_tf": fwd_tf,
            "implied_len": implied,
        })
        vectors = self._joined("vectors", "<i1")
        if vectors.size:
            arrays["vectors"], arrays["vector_scales"] = vectors, self._joined("vector_scales", "<f4")
        encoded = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
        del arrays, fwd_term, fwd_tf, rows  # (the encoded arrays are now the only references: narrowed one by one)
        encoded.update(_string_table(np, "vocab", vocab))
        encoded.update(_string_table(np, "docs", [_record_json(d) for d in self.docs]))
        if self.texts:
            encoded.update(_string_table(np, "texts", self.texts))
            self.texts = []
        encoded["doc_first"] = np.array([d["p0"] for d in self.docs], dtype="<u8")
        for name in list(encoded):
            encoded[name] = _narrowest(np, encoded[name])
        meta: dict[str, Any] = {"passages": passages, "documents": len(self.docs), "terms": len(vocab),
                                "avgdl": avgdl}
        if vectors.size:
            from askiraq import semantic

            meta["vectors"] = {"model": semantic.encoder().name, "dims": vectors.size // max(passages, 1),
                               "format": store.VECTORS_FORMAT}
        return meta, encoded

    def _sorted_vocabulary(self, fwd_term: Any) -> tuple[list[str], Any, Any]:
        """The terms still in use in sorted order (binary search at query time), the map from building
        ids to their positions, and each one's document frequency."""
        np = self.np
        df = np.bincount(fwd_term, minlength=len(self.vocab)) if len(self.vocab) else np.zeros(0, "<i8")
        order = sorted(np.flatnonzero(df > 0).tolist(), key=self.vocab.__getitem__)
        remap = np.zeros(len(self.vocab), dtype="<u4")
        remap[order] = np.arange(len(order), dtype="<u4")
        return [self.vocab[i] for i in order], remap, df[order]


def idf_floor(average_idf: float) -> float:
    """rank-bm25's idf for a word in more than half the passages: EPSILON x the average idf.

    Two departures, both for tiny corpora: a word in exactly half the passages gets the floor too
    (rank-bm25 gives it 0, so in a folder of two articles nothing would match), and when the average idf
    is not positive (rank-bm25 would score every passage below zero) the floor is EPSILON itself. An average that
    is zero but for rounding (1e-17: its terms cancel out, summed in another order) is zero."""
    return EPSILON * average_idf if average_idf > 1e-9 else EPSILON


def _narrowest(np: Any, array: Any) -> Any:
    """An unsigned array in the narrowest type that holds its largest value (term counts fit a byte, a small corpus's
    term ids two): the index is read through typed views, whatever the width, so this only saves space."""
    if array.dtype.kind != "u" or array.dtype.itemsize == 1:
        return array
    largest = int(array.max()) if array.size else 0
    width = next(size for size in (1, 2, 4, 8) if largest < 1 << (8 * size))
    return array.astype(f"<u{width}") if width < array.dtype.itemsize else array


def _pointers(np: Any, counts: Any) -> Any:
    """Start offsets (n + 1 of them) of n consecutive runs of the given lengths."""
    return np.concatenate([[0], np.cumsum(counts)]).astype("<u8")


def _bm25_postings(np: Any, fwd_count: Any, fwd_term: Any, fwd_tf: Any, implied: Any, df: Any,
                   n_passages: int) -> tuple[dict[str, Any], float]:
    """Postings grouped by term, each with rank-bm25's BM25Okapi contribution, in place to save memory.
    A passage's length is its written words: `implied` ones (its article's subject) are left out."""
    passage_of = np.repeat(np.arange(n_passages, dtype="<u4"), fwd_count.astype("<i8"))
    doc_len = np.bincount(passage_of, weights=fwd_tf, minlength=n_passages).astype("<f8")
    doc_len -= implied
    avgdl = float(doc_len.sum()) / n_passages if n_passages else 0.0
    idf = np.log(n_passages - df + 0.5) - np.log(df + 0.5)
    average_idf = float(idf.sum()) / len(idf) if len(idf) else 0.0
    idf[idf <= 0] = idf_floor(average_idf)
    by_term = np.argsort(fwd_term, kind="stable")  # each term's passages stay in ascending order
    post_passage = passage_of[by_term]
    del passage_of
    weight = fwd_tf[by_term].astype("<f8")  # tf, turned into the BM25 contribution in place
    post_term = fwd_term[by_term]
    del by_term
    norm = doc_len[post_passage]  # K1 * (1 - B + B * dl / avgdl) + tf, computed in place
    norm *= B / avgdl if avgdl else 0.0
    norm += 1 - B
    norm *= K1
    norm += weight
    weight *= K1 + 1
    weight /= norm
    del norm
    weight *= idf[post_term]
    del post_term
    arrays = {"doc_len": doc_len, "idf": idf.astype("<f8", copy=False), "post_ptr": _pointers(np, df),
              "post_passage": post_passage.astype("<u4", copy=False), "post_weight": weight.astype("<f8", copy=False)}
    return arrays, avgdl


def _record_json(record: dict[str, Any]) -> str:
    """An article's record as JSON text that is valid UTF-8: a file name that is not UTF-8 (decoded with its
    bytes as lone surrogates) is kept as JSON escapes, which read back as the same name."""
    text = json.dumps(record, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record)
    return text


def _string_table(np: Any, name: str, values: list[str]) -> dict[str, Any]:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype="<u8")
    offsets[1:] = np.cumsum([len(e) for e in encoded]) if encoded else []
    blob = np.frombuffer(b"".join(encoded), dtype="<u1")
    return {f"{name}.offsets": offsets, f"{name}.blob": blob}


def _nothing_to_index(scan: CorpusScan, notices: list[Notice]) -> CorpusError:
    """The error for a folder with no article askiraq can read: what it found there (the first file that could not
    be read, and why), and what askiraq reads."""
    listed = suffix_counts(scan.unsupported)
    skipped = [n for n in notices if n.path]
    what = f"found only files askiraq does not read ({listed})" if listed and not scan.files else (
        "no readable articles" + (f" (and {listed}, which askiraq does not read)" if listed else ""))
    if skipped:
        what += f"; {len(skipped)} problem{'s' if len(skipped) > 1 else ''} with files, first {skipped[0]}"
    return CorpusError(f"nothing to index in {scan.root}: {what}",
                       f"askiraq reads {READABLE}; pass --corpus DIR")


def _plan(scan: CorpusScan, settings: BuildSettings, previous: Index | None, builder: _Builder,
          recheck: frozenset[str]) -> list[SourceFile | list[DocRecord]]:
    """Each file to read, or the articles of `previous` to copy for a file that did not change (all the articles
    of a file that holds several: an mbox's messages, a JSON file's records). The builder starts with `previous`'s
    vocabulary when its articles can be reused."""
    reusable: dict[str, list[DocRecord]] = {}
    if previous is not None and previous.generation.meta.get("settings") == settings.record():
        with contextlib.suppress(CorruptIndex):
            for record in previous.records.documents():
                reusable.setdefault(record.rel, []).append(record)
            builder.vocab = list(previous.postings.vocabulary())
            builder.term_ids = {t: i for i, t in enumerate(builder.vocab)}
    plan: list[SourceFile | list[DocRecord]] = []
    for source in scan.files:
        old = reusable.get(source.rel)
        unchanged = old is not None and (old[0].size, old[0].mtime_ns, old[0].sidecar_mtime_ns) == source[1:] \
            and source.rel not in recheck
        plan.append(old if unchanged and old is not None else source)
    return plan


def build(scan: CorpusScan, settings: BuildSettings, previous: Index | None,
          notices: list[Notice], progress: Progress | None = None, recheck: frozenset[str] = frozenset(),
          read_back: dict[str, tuple[int, str | None]] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build index arrays for `scan`, reusing `previous` for articles whose file did not change (and that
    are not in `recheck`: found changed or unreadable since, with the same size and time, or needing a library
    installed since).

    `notices` gets what went wrong with files, less what `previous` already said (said once, when first met;
    `askiraq info` lists them all: the files left out and why, and what went wrong inside files that were read).
    `read_back`, when given, gets each file in `recheck` as it was read and indexed: the CRC-32 of its bytes, and a
    text file's text. CorpusError when nothing in the folder can be indexed.
    """
    if settings.semantic:
        from askiraq import semantic

        semantic.encoder()  # loaded (or found missing) before any worker needs it
    builder = _Builder()
    plan = _plan(scan, settings, previous, builder, recheck)
    fresh = [p for p in plan if isinstance(p, SourceFile)]
    keep = recheck if read_back is not None else frozenset()
    said = _FileNotes.of(previous.generation.meta) if previous is not None else _FileNotes()
    read = _FileNotes()
    with _analysed_files(scan.root, fresh, settings, progress, keep) as analysed:
        for item in plan:
            if not isinstance(item, SourceFile):  # (articles to copy come only from a previous index)
                if previous is not None:
                    for record in item:
                        builder.add_reused(previous, record)
                read.carry(said, item[0].rel)  # (what went wrong inside it is as it was)
                continue
            articles, file_notices = next(analysed)
            for article in articles:
                builder.add_fresh(article)
                if read_back is not None and article.source.rel in keep:
                    read_back[article.source.rel] = (article.checksum, article.text)
            notices.extend(file_notices)  # (complete once its articles are taken)
            read.add(item.rel, file_notices)
    if not builder.docs:
        raise _nothing_to_index(scan, notices)
    meta, arrays = builder.finish()
    _describe_build(meta, scan, settings, {d["rel"] for d in builder.docs}, read, notices)
    if previous is not None:
        before = set(previous.generation.meta.get("skipped", [])) | said.said()
        notices[:] = [n for n in notices if str(n) not in before]
    return meta, arrays


def _describe_build(meta: dict[str, Any], scan: CorpusScan, settings: BuildSettings, indexed: set[str],
                    read: _FileNotes, notices: list[Notice]) -> None:
    """What the index's meta says of how it was built: the folder, the settings, and what went wrong with files."""
    warned = read.warnings(indexed)
    within = {line for lines in warned.values() for line in lines}
    left_out = {n.path: str(n) for n in notices if n.path and n.path not in indexed and str(n) not in within}
    meta.update(fingerprint=scan.fingerprint, settings=settings.record(), files=len(scan.files),
                folders=scan.folders, corpus=os.path.realpath(scan.root), k1=K1, b=B, epsilon=EPSILON,
                skipped=sorted(left_out.values()),  # (a file's last word)
                warnings=warned, needs=read.needs,
                unreadable=sorted(n.path for n in notices if n.retry and n.path not in indexed))


class _FileNotes:
    """What went wrong with each file that was read (its notices), and the library each one skipped for a missing
    library needs; kept in the index's meta, so that `info` lists them after the build and a file left unchanged
    keeps its own."""

    def __init__(self, notes: dict[str, list[str]] | None = None, needs: dict[str, str] | None = None) -> None:
        self.notes = notes or {}
        self.needs = needs or {}

    @classmethod
    def of(cls, meta: dict[str, Any]) -> _FileNotes:
        notes, needs = meta.get("warnings"), meta.get("needs")
        return cls(dict(notes) if isinstance(notes, dict) else {}, dict(needs) if isinstance(needs, dict) else {})

    def add(self, rel: str, notices: list[Notice]) -> None:
        if notices:
            self.notes[rel] = [str(n) for n in notices]
        needed = next((n.needs for n in notices if n.needs), "")
        if needed:
            self.needs[rel] = needed

    def carry(self, previous: _FileNotes, rel: str) -> None:
        if rel in previous.notes:
            self.notes[rel] = previous.notes[rel]
        if rel in previous.needs:
            self.needs[rel] = previous.needs[rel]

    def warnings(self, indexed: set[str]) -> dict[str, list[str]]:
        """The notices of the files that were indexed all the same (a line not JSON, a message that cannot be read,
        a cut-off message): the rest are the files left out."""
        return {rel: lines for rel, lines in sorted(self.notes.items()) if rel in indexed}

    def said(self) -> set[str]:
        return {line for lines in self.notes.values() for line in lines}
