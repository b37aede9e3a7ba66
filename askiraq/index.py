"""Stage 4: the BM25 index — built from passages, kept on disk, refreshed when the corpus changes.

Scores are exactly rank-bm25's BM25Okapi (k1=1.5, b=0.75, epsilon=0.25). Because a term's
contribution to a passage does not depend on the rest of the query, it is computed once here,
at index time, and stored in the postings; a query only adds up the postings of its own terms.

Building is incremental: the forward index (each passage's terms) is kept, so after an edit only
the changed articles are read, split and analysed again; the inverted index is then re-derived
with a few vectorised NumPy operations. NumPy and NLTK are imported only when building.
"""

import bisect
import contextlib
import errno
import heapq
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from askiraq import store
from askiraq.analysis import analyze
from askiraq.corpus import CorpusScan, Notice, SourceFile, content_key, folders_unchanged, read_document, scan_corpus
from askiraq.errors import CorpusError, CorruptIndex, IndexStoreError, OutdatedIndex, StaleIndex
from askiraq.tuning import EPSILON, HEADING_WEIGHT, K1, MAX_PASSAGE_CHARS, TITLE_WEIGHT, B

if TYPE_CHECKING:
    import numpy as np

ANALYSIS_VERSION = 4  # bump whenever splitting or analysis changes what is indexed
# Columns of the passage_rows array: paragraph, start, end, line_start, line_end, heading start,
# heading end, question start, question end.
PASSAGE_ROW = 9
# Columns of the sentence_rows array: start, end, line_start, line_end, quotable (1) or not (0).
SENTENCE_ROW = 5
PARALLEL_MIN_FILES = 64
PARALLEL_WINDOW = 2048
QUICK_CHECK_FROM = 20_000  # articles; see open_index
NUMPY_FROM_POSTINGS = 50_000  # below this many postings in a query, plain Python is faster than importing NumPy
NUMPY_WARM_FROM_POSTINGS = 2_000  # ...and than NumPy itself once it is imported (batches, large corpora)

Progress = Callable[[int, int], None]
StrPath = str | os.PathLike[str]  # paths come in as str or pathlib.Path; askiraq keeps them as str
_Postings = tuple[memoryview, memoryview, float]  # passage ids, BM25 contributions, query weight


class BuildSettings(NamedTuple):
    """What the index is built with; a change forces a rebuild."""

    max_passage_chars: int = MAX_PASSAGE_CHARS
    heading_weight: int = HEADING_WEIGHT
    title_weight: int = TITLE_WEIGHT

    def as_dict(self) -> dict[str, int]:
        return {"analysis": ANALYSIS_VERSION, "max_passage_chars": self.max_passage_chars,
                "heading_weight": self.heading_weight, "title_weight": self.title_weight}


class DocRecord(NamedTuple):
    """An indexed article as stored in the index."""

    doc_id: int
    rel: str
    title: str
    title_line: int | None
    metadata: dict[str, str]
    first_passage: int
    passage_count: int
    size: int = 0
    mtime_ns: int = 0
    sidecar_mtime_ns: int = 0


class SentenceRecord(NamedTuple):
    """One sentence of a passage: its id in the index, span, lines, and whether it may be an answer."""

    sentence_id: int
    start: int
    end: int
    line_start: int
    line_end: int
    quotable: bool


def _sentence_record(sentence_id: int, row: memoryview) -> SentenceRecord:
    start, end, line_start, line_end, quotable = row
    return SentenceRecord(sentence_id, start, end, line_start, line_end, bool(quotable))


class PassageRecord(NamedTuple):
    """Where a passage is: its article, character span, lines, sentences and section heading."""

    passage_id: int
    doc_id: int
    number: int  # 1-based position within its article
    paragraph: int
    start: int
    end: int
    line_start: int
    line_end: int
    heading: tuple[int, int]  # character span of the section heading, (0, 0) when none
    question: tuple[int, int]  # character span of the FAQ question above it, (0, 0) when none
    sentences: tuple[SentenceRecord, ...]
    first_sentence: int  # index of its first sentence in the index (for Index.sentence_terms)


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


def _analyse_file(job: tuple[str, SourceFile, BuildSettings]) -> tuple[_Analysed | None, list[Notice]]:
    from askiraq.passages import split_document  # imports NLTK: only ever needed to build

    root, source, settings = job
    notices: list[Notice] = []
    document = read_document(root, source, notices)
    if document is None:
        return None, notices
    text = document.text
    split = split_document(text, document.body_start, max_passage_chars=settings.max_passage_chars)
    title = document.metadata.get("title") or split.title
    # The body's headline is indexed (every word of the body is); else a title given as metadata.
    # A stand-in title only repeats the first passage.
    headline = analyze(split.title if split.title_line else document.metadata.get("title", ""))
    rows: list[tuple[int, ...]] = []
    sentences: list[list[tuple[int, ...]]] = []
    terms: list[Counter[str]] = []
    sentence_terms: list[list[str]] = []
    field_terms: dict[tuple[int, int], list[str]] = {}
    lead = next((i for i, p in enumerate(split.passages) if any(s.quotable for s in p.sentences)), 0)
    for number, passage in enumerate(split.passages):
        counts: Counter[str] = Counter()
        for sentence in passage.sentences:  # the sentences cover the passage: analyse each once
            analysed = analyze(text[sentence.start:sentence.end])
            counts.update(analysed)
            sentence_terms.append(list(dict.fromkeys(analysed)))
        for span in (passage.heading, passage.question):
            if span[1] and span not in field_terms:
                field_terms[span] = analyze(text[span[0]:span[1]])
        counts.update(field_terms.get(passage.heading, []) * settings.heading_weight)
        counts.update(field_terms.get(passage.question, []) * settings.heading_weight)
        # The headline is a field of every passage, or (weight 0) of the lead only: every word is findable.
        counts.update(headline * (settings.title_weight or (number == lead)))
        rows.append((passage.paragraph, passage.start, passage.end, passage.line_start, passage.line_end,
                     *passage.heading, *passage.question))
        sentences.append([(x.start, x.end, x.line_start, x.line_end, int(x.quotable)) for x in passage.sentences])
        terms.append(counts)
    if not rows:
        notices.append(Notice(source.rel, "skipped: no text left after removing boilerplate"))
        return None, notices
    return _Analysed(source, title, split.title_line, dict(document.metadata), rows, sentences, terms,
                     sentence_terms), notices


def _analyse_all(root: str, sources: Sequence[SourceFile], settings: BuildSettings,
                 progress: Progress | None) -> Iterator[tuple[_Analysed | None, list[Notice]]]:
    jobs = [(root, source, settings) for source in sources]
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2:
        results: Iterable[tuple[_Analysed | None, list[Notice]]] = map(_analyse_file, jobs)
        pool = None
    else:
        import multiprocessing

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        pool = multiprocessing.get_context(method).Pool(workers)
        # A window at a time, so finished articles cannot pile up in memory faster than we merge them.
        results = (result for start in range(0, len(jobs), PARALLEL_WINDOW)
                   for result in pool.imap(_analyse_file, jobs[start:start + PARALLEL_WINDOW], chunksize=16))
    try:
        for done, result in enumerate(results, 1):
            if progress:
                progress(done, len(jobs))
            yield result
    finally:
        if pool is not None:
            pool.terminate()


class _Builder:
    """Collects per-passage arrays in passage order, from old generations and fresh analysis."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        self.vocab: list[str] = []
        self.term_ids: dict[str, int] = {}
        self.docs: list[dict[str, Any]] = []
        self.parts: dict[str, list[Any]] = {k: [] for k in (
            "rows", "sent_count", "sentence_rows", "fwd_count", "fwd_term", "fwd_tf", "sterm_count", "sterm")}

    def add_reused(self, old: "Index", record: DocRecord, old_to_new: "np.ndarray") -> None:
        np = self.np
        gen = old.generation
        p0, p1 = record.first_passage, record.first_passage + record.passage_count
        rows = np.frombuffer(gen.array("passage_rows"), dtype="<u8").reshape(-1, PASSAGE_ROW)[p0:p1]
        sent_ptr = np.frombuffer(gen.array("sent_ptr"), dtype="<u8")
        fwd_ptr = np.frombuffer(gen.array("fwd_ptr"), dtype="<u8")
        spans = np.frombuffer(gen.array("sentence_rows"), dtype="<u8")
        s0, s1 = int(sent_ptr[p0]), int(sent_ptr[p1])
        f0, f1 = int(fwd_ptr[p0]), int(fwd_ptr[p1])
        self.parts["rows"].append(rows)
        self.parts["sent_count"].append(np.diff(sent_ptr[p0:p1 + 1]))
        self.parts["sentence_rows"].append(spans[SENTENCE_ROW * s0:SENTENCE_ROW * s1])
        self.parts["fwd_count"].append(np.diff(fwd_ptr[p0:p1 + 1]))
        self.parts["fwd_term"].append(old_to_new[np.frombuffer(gen.array("fwd_term"), dtype="<u4")[f0:f1]])
        self.parts["fwd_tf"].append(np.frombuffer(gen.array("fwd_tf"), dtype="<u4")[f0:f1])
        sterm_ptr = np.frombuffer(gen.array("sterm_ptr"), dtype="<u8")
        t0, t1 = int(sterm_ptr[s0]), int(sterm_ptr[s1])
        self.parts["sterm_count"].append(np.diff(sterm_ptr[s0:s1 + 1]))
        self.parts["sterm"].append(old_to_new[np.frombuffer(gen.array("sterm"), dtype="<u4")[t0:t1]])
        self._add_doc(record.rel, record.title, record.title_line, record.metadata, record.passage_count,
                      record.size, record.mtime_ns, record.sidecar_mtime_ns)

    def add_fresh(self, doc: _Analysed) -> None:
        np = self.np
        ids, tfs, counts = [], [], []
        term_ids, vocab = self.term_ids, self.vocab
        for counter in doc.terms:
            for term, tf in counter.items():
                tid = term_ids.get(term)
                if tid is None:
                    tid = term_ids[term] = len(vocab)
                    vocab.append(term)
                ids.append(tid)
                tfs.append(tf)
            counts.append(len(counter))
        self.parts["sterm_count"].append(np.array([len(s) for s in doc.sentence_terms], dtype="<u8"))
        self.parts["sterm"].append(np.array([term_ids[t] for s in doc.sentence_terms for t in s], dtype="<u4"))
        self.parts["rows"].append(np.array(doc.rows, dtype="<u8").reshape(-1, PASSAGE_ROW))
        self.parts["sent_count"].append(np.array([len(s) for s in doc.sentences], dtype="<u8"))
        self.parts["sentence_rows"].append(np.array([x for s in doc.sentences for row in s for x in row], dtype="<u8"))
        self.parts["fwd_count"].append(np.array(counts, dtype="<u8"))
        self.parts["fwd_term"].append(np.array(ids, dtype="<u4"))
        self.parts["fwd_tf"].append(np.array(tfs, dtype="<u4"))
        s = doc.source
        self._add_doc(s.rel, doc.title, doc.title_line, doc.metadata, len(doc.rows),
                      s.size, s.mtime_ns, s.sidecar_mtime_ns)

    def _add_doc(self, rel: str, title: str, title_line: int | None, metadata: dict[str, str],
                 count: int, size: int, mtime_ns: int, sidecar_mtime_ns: int) -> None:
        first = self.docs[-1]["p0"] + self.docs[-1]["n"] if self.docs else 0
        self.docs.append({"rel": rel, "title": title, "title_line": title_line, "meta": metadata,
                          "p0": first, "n": count, "size": size, "mtime_ns": mtime_ns,
                          "sidecar_mtime_ns": sidecar_mtime_ns})

    def finish(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Derive the inverted index and BM25 weights; return (meta, encoded arrays)."""
        np = self.np

        def cat(name: str, dtype: str) -> Any:
            parts = self.parts.pop(name)  # each part is freed once it is merged
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

        row_parts = self.parts.pop("rows")
        rows = np.concatenate(row_parts) if row_parts else np.zeros((0, PASSAGE_ROW), "<u8")
        del row_parts
        n_passages = rows.shape[0]
        fwd_count, fwd_term, fwd_tf = cat("fwd_count", "<u8"), cat("fwd_term", "<u4"), cat("fwd_tf", "<u4")
        # Keep only terms still in use, numbered in sorted order (binary search at query time).
        df = np.bincount(fwd_term, minlength=len(self.vocab)) if len(self.vocab) else np.zeros(0, "<i8")
        used = np.flatnonzero(df > 0)
        order = sorted(used.tolist(), key=self.vocab.__getitem__)
        remap = np.zeros(len(self.vocab), dtype="<u4")
        remap[order] = np.arange(len(order), dtype="<u4")
        fwd_term = remap[fwd_term]
        vocab = [self.vocab[i] for i in order]
        df = df[order]
        passage_of = np.repeat(np.arange(n_passages, dtype="<u4"), fwd_count.astype("<i8"))
        doc_len = np.bincount(passage_of, weights=fwd_tf, minlength=n_passages).astype("<f8")
        avgdl = float(doc_len.sum()) / n_passages if n_passages else 0.0
        idf = np.log(n_passages - df + 0.5) - np.log(df + 0.5)
        average_idf = float(idf.sum()) / len(idf) if len(idf) else 0.0
        idf[idf < 0] = EPSILON * average_idf
        # Group postings by term; each term's passages stay in ascending order (stable sort).
        by_term = np.argsort(fwd_term, kind="stable")
        post_passage = passage_of[by_term]
        del passage_of
        weight = fwd_tf[by_term].astype("<f8")  # tf, turned into the BM25 contribution in place
        post_term = fwd_term[by_term]
        del by_term
        norm = doc_len[post_passage]  # K1 * (1 - B + B * dl / avgdl), computed in place
        norm *= B / avgdl if avgdl else 0.0
        norm += 1 - B
        norm *= K1
        norm += weight
        weight *= K1 + 1
        weight /= norm
        del norm
        weight *= idf[post_term]
        del post_term
        post_ptr = np.concatenate([[0], np.cumsum(df)]).astype("<u8")
        arrays = {
            "passage_rows": rows.astype("<u8").ravel(),
            "sent_ptr": np.concatenate([[0], np.cumsum(cat("sent_count", "<u8"))]).astype("<u8"),
            "sentence_rows": cat("sentence_rows", "<u8"),
            "fwd_ptr": np.concatenate([[0], np.cumsum(fwd_count)]).astype("<u8"),
            "sterm_ptr": np.concatenate([[0], np.cumsum(cat("sterm_count", "<u8"))]).astype("<u8"),
            "sterm": remap[cat("sterm", "<u4")].astype("<u4"),
            "fwd_term": fwd_term.astype("<u4"),
            "fwd_tf": fwd_tf,
            "doc_len": doc_len.astype("<f8"),
            "idf": idf.astype("<f8"),
            "post_ptr": post_ptr,
            "post_passage": post_passage.astype("<u4"),
            "post_weight": weight.astype("<f8"),
        }
        encoded = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
        encoded.update(_string_table("vocab", vocab, np))
        encoded.update(_string_table("docs", [json.dumps(d, ensure_ascii=False) for d in self.docs], np))
        encoded["doc_first"] = np.array([d["p0"] for d in self.docs], dtype="<u8")
        meta = {"passages": n_passages, "documents": len(self.docs), "terms": len(vocab), "avgdl": avgdl}
        return meta, encoded


def _string_table(name: str, values: list[str], np: Any) -> dict[str, Any]:
    encoded = [v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype="<u8")
    offsets[1:] = np.cumsum([len(e) for e in encoded]) if encoded else []
    blob = np.frombuffer(b"".join(encoded), dtype="<u1")
    return {f"{name}.offsets": offsets, f"{name}.blob": blob}


class Index:
    """A read-only view of one index generation, read lazily through memory maps."""

    def __init__(self, generation: store.Generation, corpus_root: StrPath) -> None:
        self.generation = generation
        self.corpus_root = os.fspath(corpus_root)
        meta = generation.meta
        self.passage_count: int = int(meta["passages"])
        self.document_count: int = int(meta["documents"])
        self.avgdl: float = float(meta["avgdl"])
        self._vocab = generation.strings("vocab")
        self._docs_table = generation.strings("docs")
        self._docs: dict[int, DocRecord] = {}
        self._texts: dict[int, str] = {}
        self._term_ids: dict[str, int] = {}  # memos, bounded: batches ask about the same passages
        self._passages: dict[int, PassageRecord] = {}
        self._sentence_terms: dict[int, frozenset[int]] = {}
        self._passage_terms: dict[int, frozenset[int]] = {}
        self._paths: dict[int, str] = {}
        self._resolved_root = os.path.realpath(corpus_root)
        self.corpus_name = os.path.basename(self._resolved_root)  # citations are relative to its parent
        self._post_ptr = generation.array("post_ptr")
        self._post_passage = generation.array("post_passage")
        self._post_weight = generation.array("post_weight")
        self._idf = generation.array("idf")
        self._rows = generation.array("passage_rows")
        if len(self._rows) != PASSAGE_ROW * self.passage_count or len(self._docs_table) != self.document_count:
            raise CorruptIndex(f"{generation.label}: table sizes disagree with meta.json")
        if len(self._post_ptr) != len(self._vocab) + 1 or (
                self._post_ptr[-1] != len(self._post_passage) or len(self._post_weight) != len(self._post_passage)):
            raise CorruptIndex(f"{generation.label}: postings sizes disagree")

    # --- terms -------------------------------------------------------------------------------
    def term_id(self, term: str) -> int:
        """The term's id, or -1 when no passage has it (memoised: batches ask for the same terms)."""
        tid = self._term_ids.get(term)
        if tid is None:
            tid = self._vocab.find(term)
            if len(self._term_ids) > 100_000:
                self._term_ids.clear()
            self._term_ids[term] = tid
        return tid

    def terms_with_prefix(self, prefix: str, limit: int = 50) -> list[str]:
        """Terms of the corpus that start with `prefix` (at most `limit`)."""
        first = self._vocab.lower_bound(prefix)
        found = []
        for i in range(first, min(first + limit, len(self._vocab))):
            term = self._vocab[i]
            if not term.startswith(prefix):
                break
            found.append(term)
        return found

    def term(self, term_id: int) -> str:
        return self._vocab[term_id]

    def idf(self, term_id: int) -> float:
        return float(self._idf[term_id])

    @property
    def max_idf(self) -> float:
        """The idf a term would have if one passage held it (for words the corpus lacks)."""
        import math

        return math.log(self.passage_count + 0.5) - math.log(1.5)

    def postings(self, term_id: int) -> tuple[memoryview, memoryview]:
        """Passage ids (ascending) and BM25 contributions of one term."""
        start, end = self._post_ptr[term_id], self._post_ptr[term_id + 1]
        if not start <= end <= len(self._post_passage):
            raise CorruptIndex("postings pointers out of range")
        return self._post_passage[start:end], self._post_weight[start:end]

    def bm25(self, query_terms: Sequence[str]) -> dict[int, float]:
        """BM25Okapi scores of every passage sharing a term with the query (others score 0).

        Like rank-bm25, a term repeated in the query counts once per occurrence.
        """
        return self.weighted_scores([(term, 1.0) for term in query_terms])

    def ranked(self, weighted_terms: Sequence[tuple[str, float]], limit: int | None) -> list[tuple[int, float]]:
        """The `limit` best (passage, score) pairs by `weighted_scores`, best first (ties: lower id)."""
        lists = self._postings_lists(weighted_terms)
        postings = sum(len(ids) for ids, _, _ in lists)
        if postings > NUMPY_FROM_POSTINGS or (postings > NUMPY_WARM_FROM_POSTINGS and "numpy" in sys.modules):
            return _ranked_numpy(lists, self.passage_count, limit)
        scores = self._accumulate(lists).items()
        key = _BEST_FIRST
        return sorted(scores, key=key) if limit is None else heapq.nsmallest(limit, scores, key=key)

    def weighted_scores(self, weighted_terms: Sequence[tuple[str, float]]) -> dict[int, float]:
        """Sum of `weight * BM25 contribution` over the given terms, per passage."""
        return self._accumulate(self._postings_lists(weighted_terms))

    def _postings_lists(self, weighted_terms: Sequence[tuple[str, float]]) -> list[_Postings]:
        lists = []
        for term, weight in weighted_terms:
            tid = self.term_id(term)
            if tid >= 0:
                ids, contributions = self.postings(tid)
                lists.append((ids, contributions, weight))
        return lists

    def _accumulate(self, lists: list[_Postings]) -> dict[int, float]:
        scores: dict[int, float] = {}
        get = scores.get
        for ids, contributions, weight in lists:
            if weight == 1.0:
                for pid, value in zip(ids, contributions, strict=True):
                    scores[pid] = get(pid, 0.0) + value
            else:
                for pid, value in zip(ids, contributions, strict=True):
                    scores[pid] = get(pid, 0.0) + weight * value
        if any(pid >= self.passage_count for pid in scores):
            raise CorruptIndex("a posting names a passage that does not exist")
        return scores

    def passage_term_set(self, passage_id: int) -> frozenset[int]:
        """The distinct term ids of one passage (memoised)."""
        terms = self._passage_terms.get(passage_id)
        if terms is None:
            terms = frozenset(self.passage_terms(passage_id))
            if len(self._passage_terms) > 100_000:
                self._passage_terms.clear()
            self._passage_terms[passage_id] = terms
        return terms

    def passage_terms(self, passage_id: int) -> memoryview:
        """The term ids of one passage (its forward-index row)."""
        ptr = self.generation.array("fwd_ptr")
        return self.generation.array("fwd_term")[ptr[passage_id]:ptr[passage_id + 1]]

    # --- passages and documents -------------------------------------------------------------
    def passage(self, passage_id: int) -> PassageRecord:
        record = self._passages.get(passage_id)
        if record is None:
            record = self._read_passage(passage_id)
            if len(self._passages) > 100_000:
                self._passages.clear()
            self._passages[passage_id] = record
        return record

    def _read_passage(self, passage_id: int) -> PassageRecord:
        if not 0 <= passage_id < self.passage_count:
            raise CorruptIndex(f"no passage {passage_id}")
        at = PASSAGE_ROW * passage_id
        paragraph, start, end, line_start, line_end, hs, he, qs, qe = self._rows[at:at + PASSAGE_ROW]
        doc_id = self.doc_of_passage(passage_id)
        sent_ptr = self.generation.array("sent_ptr")
        rows = self.generation.array("sentence_rows")
        s0, s1 = sent_ptr[passage_id], sent_ptr[passage_id + 1]
        sentences = tuple(_sentence_record(i, rows[SENTENCE_ROW * i:SENTENCE_ROW * (i + 1)]) for i in range(s0, s1))
        number = passage_id - self.document(doc_id).first_passage + 1
        return PassageRecord(passage_id, doc_id, number, paragraph, start, end, line_start, line_end,
                             (hs, he), (qs, qe), sentences, s0)

    def sentence_terms(self, sentence: int) -> frozenset[int]:
        """The distinct term ids of one sentence (stored at index time: no analysis per query)."""
        terms = self._sentence_terms.get(sentence)
        if terms is None:
            ptr = self.generation.array("sterm_ptr")
            terms = frozenset(self.generation.array("sterm")[ptr[sentence]:ptr[sentence + 1]])
            if len(self._sentence_terms) > 200_000:
                self._sentence_terms.clear()
            self._sentence_terms[sentence] = terms
        return terms

    def doc_of_passage(self, passage_id: int) -> int:
        """The article holding a passage: binary search over articles' first passages."""
        return max(bisect.bisect_right(self.generation.array("doc_first"), passage_id) - 1, 0)

    def document(self, doc_id: int) -> DocRecord:
        record = self._docs.get(doc_id)
        if record is None:
            try:
                raw = json.loads(self._docs_table[doc_id])
                record = DocRecord(doc_id, str(raw["rel"]), str(raw["title"]), raw["title_line"],
                                   {str(k): str(v) for k, v in raw["meta"].items()}, int(raw["p0"]),
                                   int(raw["n"]), int(raw["size"]), int(raw["mtime_ns"]),
                                   int(raw["sidecar_mtime_ns"]))
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                raise CorruptIndex(f"document record {doc_id} is damaged: {err}") from err
            self._docs[doc_id] = record
        return record

    def documents(self) -> list[DocRecord]:
        return [self.document(i) for i in range(self.document_count)]

    def source_path(self, doc_id: int) -> str:
        """The article's file, refusing any stored path that would leave the corpus folder."""
        path = self._paths.get(doc_id)
        if path is None:
            rel = self.document(doc_id).rel
            root = self._resolved_root
            path = os.path.realpath(os.path.join(root, rel))
            if (os.path.isabs(rel) or ".." in rel.replace("\\", "/").split("/")
                    or os.path.commonpath([root, path]) != root):
                raise CorruptIndex(f"index names a file outside the corpus: {rel!r}")
            if len(self._paths) > 10_000:
                self._paths.clear()
            self._paths[doc_id] = path
        return path

    def text(self, doc_id: int) -> str:
        """The article's full text as decoded at index time (passage spans index into it)."""
        text = self._texts.get(doc_id)
        if text is None:
            record = self.document(doc_id)
            notices: list[Notice] = []
            try:
                st = os.stat(self.source_path(doc_id))
            except OSError as err:
                raise StaleIndex(f"{record.rel}: {err.strerror}") from err
            if (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns):
                raise StaleIndex(f"{record.rel} changed since it was indexed")
            source = SourceFile(record.rel, record.size, record.mtime_ns, record.sidecar_mtime_ns)
            document = read_document(self.corpus_root, source, notices)
            text = document.text if document else ""
            if len(self._texts) > 256:
                self._texts.clear()
            self._texts[doc_id] = text
        return text

    def passage_text(self, record: PassageRecord) -> str:
        return self.text(record.doc_id)[record.start:record.end]


def _best_first(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


_BEST_FIRST = _best_first


def _ranked_numpy(lists: list[_Postings], size: int,
                  limit: int | None) -> list[tuple[int, float]]:
    """`Index.ranked` vectorised for long postings lists (large corpora): same sums, same order."""
    import numpy as np

    ids = np.concatenate([np.frombuffer(i, dtype="<u4") for i, _, _ in lists])
    values = np.concatenate([np.frombuffer(c, dtype="<f8") if w == 1.0 else np.frombuffer(c, dtype="<f8") * w
                             for _, c, w in lists])
    totals = np.bincount(ids, weights=values, minlength=size)
    if totals.size != size:
        raise CorruptIndex("a posting names a passage that does not exist")
    hit = np.flatnonzero(totals > 0)  # (a boolean mask is ~10x faster to scan than the floats)
    if limit is not None and limit < hit.size:
        kth = np.partition(totals[hit], hit.size - limit)[hit.size - limit]
        hit = hit[totals[hit] >= kth]  # every passage tied at the cut stays, so ties break by id below
    order = np.lexsort((hit, -totals[hit]))[:limit]
    return list(zip(hit[order].tolist(), totals[hit[order]].tolist(), strict=True))


# --- opening and refreshing ------------------------------------------------------------------
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


class OpenedIndex(NamedTuple):
    index: Index  # type: ignore[assignment]  # (shadows tuple.index, which nobody calls here)
    root: str
    index_dir: str
    rebuilt: bool
    notices: list[Notice]


def _is_fresh(generation: store.Generation, scan: CorpusScan, settings: BuildSettings) -> bool:
    return bool(generation.meta.get("fingerprint") == scan.fingerprint
                and generation.meta.get("settings") == settings.as_dict())


def _try_open(index_dir: str, corpus_root: str, notices: list[Notice]) -> Index | None:
    try:
        generation = store.read_current(index_dir)
        return Index(generation, corpus_root) if generation else None
    except OutdatedIndex:
        notices.append(Notice("", "index was built by another version of askiraq, rebuilding it"))
        return None
    except CorruptIndex as err:
        notices.append(Notice("", f"index is damaged, rebuilding it ({err.detail})"))
        return None


def open_index(corpus_root: StrPath, index_root: StrPath | None = None, *,
               settings: BuildSettings = BuildSettings(), force: bool = False, full_check: bool = False,
               progress: Progress | None = None) -> OpenedIndex:
    """The corpus's index, (re)built first if it is missing, stale, damaged, or `force` is set.

    Freshness: every article's size and time are compared with the index's (one stat each). Above
    QUICK_CHECK_FROM articles that alone would exceed a cold question's budget, so only folder
    times are compared (catching added, removed and renamed files) unless `full_check`; an
    article edited in place is then caught when it is read (StaleIndex) or by `askiraq index`.
    """
    corpus_root = os.fspath(corpus_root)
    index_dir = index_dir_for(corpus_root, index_root or default_index_root())
    notices: list[Notice] = []
    if not force and not full_check:
        current = _try_open(index_dir, corpus_root, notices)
        meta = current.generation.meta if current else {}
        if (current is not None and meta.get("settings") == settings.as_dict()
                and int(meta.get("files", 0)) >= QUICK_CHECK_FROM and isinstance(meta.get("folders"), dict)
                and folders_unchanged(corpus_root, meta["folders"])):
            return OpenedIndex(current, corpus_root, index_dir, False, notices)
    scan = scan_corpus(corpus_root)
    notices.extend(scan.notices)
    if not force:
        current = _try_open(index_dir, corpus_root, notices)
        if current is not None and _is_fresh(current.generation, scan, settings):
            return OpenedIndex(current, corpus_root, index_dir, False, notices)
    try:
        with store.writer_lock(index_dir):
            current = _try_open(index_dir, corpus_root, [])  # another process may have just built it
            if current is not None and not force and _is_fresh(current.generation, scan, settings):
                return OpenedIndex(current, corpus_root, index_dir, False, notices)
            meta, arrays = build(scan, settings, None if force else current, notices, progress)
            store.write_generation(index_dir, meta, arrays)
            fresh = store.read_current(index_dir)
            if fresh is None:
                raise IndexStoreError(f"index vanished while opening it: {index_dir}")
            return OpenedIndex(Index(fresh, corpus_root), corpus_root, index_dir, True, notices)
    except PermissionError as err:
        notices.append(Notice("", f"cannot write the index ({err.strerror}: {index_dir}); "
                                  "answering from an in-memory index"))
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES):
            raise IndexStoreError(f"cannot write the index in {index_dir}: {err.strerror}",
                              "set ASKIRAQ_INDEX_DIR to a writable folder") from err
        notices.append(Notice("", f"cannot write the index ({err.strerror}: {index_dir}); "
                                  "answering from an in-memory index"))
    meta, arrays = build(scan, settings, None, notices, progress)
    return OpenedIndex(Index(store.in_memory(meta, arrays), corpus_root), corpus_root, index_dir, True, notices)


def build(scan: CorpusScan, settings: BuildSettings, previous: Index | None,
          notices: list[Notice], progress: Progress | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build index arrays for `scan`, reusing `previous` for articles whose file did not change."""
    reusable: dict[str, DocRecord] = {}
    old_to_new = None
    builder = _Builder()
    np = builder.np
    if previous is not None and previous.generation.meta.get("settings") == settings.as_dict():
        with contextlib.suppress(CorruptIndex):
            reusable = {d.rel: d for d in previous.documents()}
            old_vocab = list(previous._vocab)
            builder.vocab = old_vocab
            builder.term_ids = {t: i for i, t in enumerate(old_vocab)}
            old_to_new = np.arange(len(old_vocab), dtype="<u4")
    plan: list[SourceFile | DocRecord] = []
    for source in scan.files:
        old = reusable.get(source.rel)
        same = old is not None and (old.size, old.mtime_ns, old.sidecar_mtime_ns) == (
            source.size, source.mtime_ns, source.sidecar_mtime_ns)
        plan.append(old if same and old is not None else source)
    fresh_sources = [p for p in plan if isinstance(p, SourceFile)]
    analysed = _analyse_all(scan.root, fresh_sources, settings, progress)
    for item in plan:
        if isinstance(item, DocRecord):
            builder.add_reused(cast(Index, previous), item, cast(Any, old_to_new))
            continue
        result, file_notices = next(analysed)
        notices.extend(file_notices)
        if result is not None:
            builder.add_fresh(result)
    if not builder.docs:
        raise CorpusError(f"nothing to index in {scan.root}: no readable .txt or .md articles",
                          "add UTF-8 .txt or .md files, or pass --corpus DIR")
    meta, arrays = builder.finish()
    meta.update(fingerprint=scan.fingerprint, settings=settings.as_dict(), files=len(scan.files), folders=scan.folders,
                corpus=os.path.realpath(scan.root), k1=K1, b=B, epsilon=EPSILON)
    return meta, arrays


def describe_index(corpus_root: StrPath, index_root: StrPath | None = None) -> dict[str, Any]:
    """Where the corpus's index is and whether it is fresh, without building anything."""
    index_dir = index_dir_for(corpus_root, index_root or default_index_root())
    report: dict[str, Any] = {"corpus": os.path.realpath(corpus_root), "index": index_dir}
    scan = scan_corpus(corpus_root)
    report["files"] = len(scan.files)
    try:
        generation = store.read_current(index_dir)
    except CorruptIndex as err:
        report["state"] = f"damaged ({err.detail}); rebuilt on next use"
        return report
    if generation is None:
        report["state"] = "missing; built on first use"
        return report
    report["state"] = "fresh" if _is_fresh(generation, scan, BuildSettings()) else "stale; rebuilt on next use"
    for key in ("documents", "passages", "terms"):
        report[key] = generation.meta.get(key)
    report["format_version"] = generation.meta.get("version")
    return report
