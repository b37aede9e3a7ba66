"""Stage 4 (index), the inverted index: the vocabulary; each term's passages with their BM25 score.

Scores are exactly rank-bm25's BM25Okapi. A term's contribution to a passage does not depend on the
rest of the query, so it is computed once at index time (askiraq.build) and stored beside the
passage id; a question only adds up the postings of its own terms. Each term's passage ids are in
ascending order, which `contribution` relies on (askiraq.build writes them so with a stable sort).
"""

import bisect
import heapq
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from askiraq import store
from askiraq.errors import CorruptIndex
from askiraq.memo import Memo

if TYPE_CHECKING:
    import numpy as np

NUMPY_FROM_POSTINGS = 200_000  # below this many postings, plain Python is faster than importing NumPy: 0.3-0.5 us a
# posting against 60-200 ms for the import (scripts/bench.py machine, 2026-12). Counted over the questions of a run:
# a batch of many medium questions pays for the import as one large question does
NUMPY_WARM_FROM_POSTINGS = 200  # ...and than NumPy itself once it is imported (batches, large corpora): at 10k
# passages a question of 128-256 postings took 0.115 ms in plain Python and 0.067 with NumPy, of 1-2k 0.45 and 0.08
TERM_IDS_MEMO = 100_000  # distinct words a batch looks up, kept
SAMPLE_STRIDE = 16  # _floor_of_the_best: a sample of 1 passage in 16 (any stride gives the same, exact, ranking)
PREFIX_MATCHES = 50  # at most this many words of one family (askiraq.search word families)

_PostingsList = tuple[memoryview, memoryview, float]  # passage ids, BM25 contributions, the term's weight


class Postings:
    """Terms, their idf, and their postings in one generation. CorruptIndex on inconsistent data."""

    def __init__(self, generation: store.Generation, passage_count: int) -> None:
        self.passage_count = passage_count
        self._vocab = generation.strings("vocab")
        self._ptr = generation.array("post_ptr")
        self._passages = generation.array("post_passage")
        self._weights = generation.array("post_weight")
        self._idf = generation.array("idf")
        if len(self._ptr) != len(self._vocab) + 1 or (
                self._ptr[-1] != len(self._passages) or len(self._weights) != len(self._passages)):
            raise CorruptIndex(f"{generation.label}: postings sizes disagree")
        self.term_id = Memo(self._vocab.find, TERM_IDS_MEMO)  # a term's id, or -1 when no passage has it
        self._scored_in_python = 0  # postings of questions NumPy would take once imported, added up in plain Python

    def term(self, term_id: int) -> str:
        return self._vocab[term_id]

    def vocabulary(self) -> list[str]:
        """Every term, in id order (what an incremental build starts from)."""
        return list(self._vocab)

    def terms_with_prefix(self, prefix: str) -> list[str]:
        """Terms of the corpus that start with `prefix` (at most PREFIX_MATCHES, in sorted order)."""
        first = self._vocab.lower_bound(prefix)
        found = []
        for i in range(first, min(first + PREFIX_MATCHES, len(self._vocab))):
            term = self._vocab[i]
            if not term.startswith(prefix):
                break
            found.append(term)
        return found

    def idf(self, term_id: int) -> float:
        return float(self._idf[term_id])

    @property
    def max_idf(self) -> float:
        """The idf a term would have if one passage held it (for words the corpus lacks)."""
        return math.log(self.passage_count + 0.5) - math.log(1.5)

    def postings(self, term_id: int) -> tuple[memoryview, memoryview]:
        """Passage ids (ascending) and BM25 contributions of one term."""
        start, end = self._ptr[term_id], self._ptr[term_id + 1]
        if not start <= end <= len(self._passages):
            raise CorruptIndex("postings pointers out of range")
        return self._passages[start:end], self._weights[start:end]

    def contribution(self, term_id: int, passage_id: int) -> float:
        """The term's BM25 contribution to the passage (0.0 when the passage does not hold it)."""
        ids, contributions = self.postings(term_id)
        at = bisect.bisect_left(ids, passage_id)
        return float(contributions[at]) if at < len(ids) and ids[at] == passage_id else 0.0

    def bm25(self, query_terms: Sequence[str]) -> dict[int, float]:
        """BM25Okapi scores of every passage sharing a term with the query (others score 0).

        Like rank-bm25, a term repeated in the query counts once per occurrence.
        """
        return self.scores([(term, 1.0) for term in query_terms])

    def scores(self, weighted_terms: Sequence[tuple[str, float]]) -> dict[int, float]:
        """Sum of `weight * BM25 contribution` over the given terms, per passage."""
        totals, matched = self._accumulate(self._lists(weighted_terms))
        return {pid: totals[pid] for pid in matched}

    def dense_scores(self, weighted_terms: Sequence[tuple[str, float]]) -> "np.ndarray":
        """`scores` for every passage (0.0 where none of the terms is), as one float64 array: what the semantic
        mode's hybrid weighs against the cosines, which it has for every passage (NumPy is loaded there anyway)."""
        return _totals_numpy(self._lists(weighted_terms), self.passage_count)

    def sums(self, weighted_terms: Sequence[tuple[str, float]]) -> list[float]:
        """`dense_scores` in plain Python (a small index's, without importing NumPy): the same floats."""
        return self._accumulate(self._lists(weighted_terms))[0]

    def ranked(self, weighted_terms: Sequence[tuple[str, float]], limit: int | None) -> list[tuple[int, float]]:
        """The `limit` best (passage, score) pairs by `scores`, best first (ties: lower id first)."""
        lists = self._lists(weighted_terms)
        postings = sum(len(ids) for ids, _, _ in lists)
        if postings > NUMPY_WARM_FROM_POSTINGS:
            if "numpy" in sys.modules or self._scored_in_python + postings > NUMPY_FROM_POSTINGS:
                return _ranked_numpy(lists, self.passage_count, limit)
            self._scored_in_python += postings
        totals, matched = self._accumulate(lists)
        score = totals.__getitem__
        if limit is not None and limit < len(matched):  # the limit-th best score, among bare floats (no key: quick)
            floor = heapq.nlargest(limit, map(score, matched))[-1]
            matched = [pid for pid in matched if totals[pid] >= floor]  # (passages tied at the cut stay)
        best = sorted(matched, key=lambda pid: (-score(pid), pid))[:limit]  # (ties: the lower id first, always)
        return [(pid, totals[pid]) for pid in best]

    def _lists(self, weighted_terms: Sequence[tuple[str, float]]) -> list[_PostingsList]:
        lists = []
        for term, weight in weighted_terms:
            tid = self.term_id(term)
            if tid >= 0:
                ids, contributions = self.postings(tid)
                lists.append((ids, contributions, weight))
        return lists

    def _accumulate(self, lists: list[_PostingsList]) -> tuple[list[float], list[int]]:
        """Every passage's sum (a list over all of them: indexing it is quicker than a dict's get and set) and the
        passages matched, in the order first met. Contributions are positive, so a passage is met first while its sum
        is 0."""
        totals = [0.0] * self.passage_count
        matched: list[int] = []
        met = matched.append
        try:
            for ids, contributions, weight in lists:
                if weight == 1.0:
                    for pid, value in zip(ids, contributions, strict=True):
                        if not totals[pid]:
                            met(pid)
                        totals[pid] += value
                else:
                    for pid, value in zip(ids, contributions, strict=True):
                        if not totals[pid]:
                            met(pid)
                        totals[pid] += weight * value
        except IndexError:
            raise CorruptIndex("a posting names a passage that does not exist") from None
        return totals, matched


def _totals_numpy(lists: list[_PostingsList], size: int) -> "np.ndarray":
    """Every passage's sum, as `Postings._accumulate` adds it up (term by term, in the same order: the same floats)."""
    import numpy as np

    if not lists:
        return np.zeros(size)
    ids = np.concatenate([np.asarray(i) for i, _, _ in lists])  # (the index's narrowest type for passage ids)
    values = np.concatenate([np.frombuffer(c, dtype="<f8") if w == 1.0 else np.frombuffer(c, dtype="<f8") * w
                             for _, c, w in lists])
    totals = np.bincount(ids, weights=values, minlength=size)
    if totals.size != size:
        raise CorruptIndex("a posting names a passage that does not exist")
    return totals


def _ranked_numpy(lists: list[_PostingsList], size: int, limit: int | None) -> list[tuple[int, float]]:
    """`Postings.ranked` vectorised for long postings lists (large corpora): same sums, same order."""
    import numpy as np

    totals = _totals_numpy(lists, size)
    floor = _floor_of_the_best(totals, limit) if limit is not None else 0.0
    hit = np.flatnonzero(totals >= floor) if floor > 0 else np.flatnonzero(totals > 0)
    if limit is not None and limit < hit.size:
        kth = np.partition(totals[hit], hit.size - limit)[hit.size - limit]
        hit = hit[totals[hit] >= kth]  # every passage tied at the cut stays, so ties break by id below
    order = np.lexsort((hit, -totals[hit]))[:limit]
    return list(zip(hit[order].tolist(), totals[hit[order]].tolist(), strict=True))


def _floor_of_the_best(totals: "np.ndarray", limit: int) -> float:
    """A score that at least `limit` passages reach: the limit-th best of every SAMPLE_STRIDE-th passage (those
    passages are in `totals` too), or 0. Selecting the best among the passages at or above it, instead of among
    every passage that matched, costs a fraction: at 100,000 articles half a million passages match a question.
    The sample's zeros (most of it: the passages the question does not touch) are dropped first: NumPy's partition
    is up to ten times slower on an array of mostly equal values, and a floor of 0 keeps every match anyway."""
    import numpy as np

    sample = totals[::SAMPLE_STRIDE]
    sample = sample[sample > 0]
    if sample.size <= limit:
        return 0.0
    return float(np.partition(sample, sample.size - limit)[sample.size - limit])
