"""Scores equal rank-bm25's BM25Okapi (k1=1.5, b=0.75, epsilon=0.25) on the same analysed passages."""

import math
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from askiraq.analysis import analyze
from askiraq.build import idf_floor
from askiraq.index import Index, open_index


def analysed_passages(index: Index) -> list[list[str]]:
    """Each passage's terms with their counts, as the index stores them (its forward index)."""
    return [[index.postings.term(t) for t, n in index.records.term_counts(p) for _ in range(n)]
            for p in range(index.passage_count)]


class Oracle(BM25Okapi):  # type: ignore[misc]
    """rank-bm25's BM25Okapi, with askiraq's documented change for tiny corpora (askiraq.build.idf_floor):
    a word in half the passages or more gets the floor, which is EPSILON when the average idf is not positive."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        super()._calc_idf(nd)
        for word, freq in nd.items():
            if math.log(self.corpus_size - freq + 0.5) - math.log(freq + 0.5) <= 0:
                self.idf[word] = idf_floor(self.average_idf)


def assert_same_scores(index: Index, questions: list[str]) -> None:
    oracle = Oracle(analysed_passages(index), k1=1.5, b=0.75, epsilon=0.25)
    for question in questions:
        terms = analyze(question)
        expected = oracle.get_scores(terms)
        got = index.postings.bm25(terms)
        for pid, score in enumerate(expected):
            assert got.get(pid, 0.0) == pytest.approx(score, abs=1e-6), (question, pid)


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return open_index(SHIPPED_CORPUS, tmp_path_factory.mktemp("bm25")).index


def test_scores_equal_rank_bm25_on_the_shipped_corpus(shipped_index: Index) -> None:
    assert_same_scores(shipped_index, [
        "why does Iraq rely on US waivers?", "How many American troops are based in Iraq?",
        "Iraq Iraq Iraq attacks",  # repeated query terms count once per occurrence, as in rank-bm25
        "Kataib Hezbollah Najaf funeral", "zzz unknown words only",
    ])


def test_every_passage_s_score_at_once_is_the_same_sum(shipped_index: Index) -> None:
    """The semantic mode's BM25 side (one array over every passage) adds up exactly what a question's ranking does,
    expansions at their weights included; a passage no term is in scores 0, and so does every one without terms."""
    weighted = [("iraq", 1.0), ("waiver", 1.0), ("electr", 0.5), ("sanction", 0.2), ("nosuchterm", 1.0)]
    sums = shipped_index.postings.scores(weighted)
    dense = shipped_index.postings.dense_scores(weighted)
    assert dense.shape == (shipped_index.passage_count,) and 0 < len(sums) < shipped_index.passage_count
    assert all(dense[pid] == sums.get(pid, 0.0) for pid in range(shipped_index.passage_count))  # equal, not close
    assert not shipped_index.postings.dense_scores([("nosuchterm", 1.0)]).any()


def test_forward_index_is_the_analysis_of_the_passage_text(shipped_index: Index) -> None:
    """The analysed passages BM25 sees are the passage text's terms, plus its section heading's and FAQ
    question's, plus the headline's in the article's lead (its first quotable passage)."""
    leads = set()
    records = shipped_index.records
    for doc in records.documents():
        passages = [records.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.passage_count)]
        leads.add(next(p.passage_id for p in passages if any(s.quotable for s in p.sentences)))
    for pid, terms in enumerate(analysed_passages(shipped_index)):
        record = records.passage(pid)
        text = shipped_index.texts.text(record.doc_id)
        expected = Counter(analyze(shipped_index.texts.passage_text(record)))
        for span in (record.parent, record.heading, record.above):
            expected += Counter(analyze(text[span[0]:span[1]]))
        doc = records.document(record.doc_id)
        if pid in leads and doc.title_line:
            expected += Counter(analyze(doc.title))
        assert Counter(terms) == expected


WORDS = ["militia", "attack", "base", "troops", "Iraq", "waiver", "electricity", "Sudani", "drone", "rocket",
         "embassy", "funeral", "the", "of", "U.S."]
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
article = st.lists(st.lists(sentence, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=5).map("\n".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(article, min_size=1, max_size=6), st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
@example(["Militia.\nMilitia attack base troops.\nWaiver.\nMilitia attack base iraq.",
          "Militia attack base troops.\nMilitia attack base iraq."], ["militia"])  # (an average idf of 1e-17)
def test_scores_equal_rank_bm25_on_random_corpora(articles: list[str], query: list[str]) -> None:
    assume(any(analyze(text) for text in articles))  # rank-bm25 divides by zero on a corpus with no terms
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus")
        corpus.mkdir()
        for number, text in enumerate(articles):
            (corpus / f"{number}.txt").write_text(text, encoding="utf-8")
        index = open_index(corpus, Path(tmp, "index")).index
        assert_same_scores(index, [" ".join(query)])


def test_the_vectorised_path_ranks_exactly_like_the_plain_one(shipped_index: Index,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import askiraq.postings

    weighted = [("iraq", 1.0), ("attack", 1.0), ("usa", 0.5), ("militia", 1.0)]
    plain = shipped_index.postings.ranked(weighted, None)
    monkeypatch.setattr(askiraq.postings, "NUMPY_FROM_POSTINGS", 0)
    monkeypatch.setattr(askiraq.postings, "NUMPY_WARM_FROM_POSTINGS", 0)
    vectorised = shipped_index.postings.ranked(weighted, None)
    assert [pid for pid, _ in vectorised] == [pid for pid, _ in plain]
    assert [s for _, s in vectorised] == pytest.approx([s for _, s in plain], abs=1e-9)
    assert shipped_index.postings.ranked(weighted, 3) == vectorised[:3]


def test_the_plain_path_s_best_k_are_the_first_k_of_its_full_ranking_ties_included(tmp_path: Path) -> None:
    """Many passages tied on a few scores: every cut keeps the ties in passage-id order."""
    corpus = tmp_path / "ties"
    corpus.mkdir()
    for number in range(12):
        text = ["The ferry leaves the quay.", "The ferry leaves.", "A quay."][number % 3]
        (corpus / f"{number:02}.txt").write_text(f"{text}\n\nGulls.\n", encoding="utf-8")
    postings = open_index(corpus, tmp_path / "index").index.postings
    for weighted in ([("ferri", 1.0), ("quay", 1.0)], [("quay", 0.5)], [("gull", 1.0), ("ferri", 0.2)]):
        full = postings.ranked(weighted, None)
        assert len({score for _, score in full}) < len(full)  # (ties)
        for limit in range(1, len(full) + 2):
            assert postings.ranked(weighted, limit) == full[:limit]


@pytest.mark.parametrize("stride", [1, 2, 3, 16])
def test_the_best_k_are_the_first_k_of_the_full_ranking_whatever_the_sample(
        shipped_index: Index, monkeypatch: pytest.MonkeyPatch, stride: int) -> None:
    import askiraq.postings

    monkeypatch.setattr(askiraq.postings, "NUMPY_FROM_POSTINGS", 0)
    monkeypatch.setattr(askiraq.postings, "NUMPY_WARM_FROM_POSTINGS", 0)
    monkeypatch.setattr(askiraq.postings, "SAMPLE_STRIDE", stride)
    for weighted in ([("iraq", 1.0), ("attack", 1.0), ("usa", 0.5)], [("said", 1.0)], [("militia", 0.2)]):
        full = shipped_index.postings.ranked(weighted, None)
        for limit in range(1, 40):
            assert shipped_index.postings.ranked(weighted, limit) == full[:limit]


@pytest.mark.parametrize("limit", [1, 10, 30, 100])
def test_the_floor_of_the_best_is_reached_by_the_best_k_on_mostly_unmatched_tied_scores(limit: int) -> None:
    """Most passages unmatched (0) and the rest on a few tied scores, as a one- or two-word question gives: the floor
    is the limit-th best of the sample, so at least `limit` passages reach it and no better passage is below it."""
    import numpy as np

    from askiraq.postings import SAMPLE_STRIDE, _floor_of_the_best

    rng = np.random.default_rng(7)
    totals = np.zeros(200_000)
    matched = rng.choice(totals.size, totals.size // 8, replace=False)
    totals[matched] = rng.integers(1, 5, matched.size) * 1.7
    floor = _floor_of_the_best(totals, limit)
    sample = np.sort(totals[::SAMPLE_STRIDE])[::-1]
    assert floor == sample[limit - 1] > 0
    assert np.count_nonzero(totals >= floor) >= limit
    assert _floor_of_the_best(np.zeros(1000), limit) == 0.0
