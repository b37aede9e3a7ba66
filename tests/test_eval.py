"""Quality floors on every evaluation set, askiraq beside plain BM25 in one run (scripts/evaluate.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PROJECT, load_script

QA_SETS = ("dev", "dev2", "rewrapped", "gk")


@pytest.fixture(scope="module")
def evaluate() -> Any:
    return load_script("evaluate")


@pytest.fixture(scope="module")
def results(evaluate: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report: dict[str, Any] = evaluate.evaluate(evaluate.ALL_SETS, {}, tmp_path_factory.mktemp("eval-data"))
    print("\n" + evaluate.format_table(report))
    return report


def figure(results: dict[str, Any], name: str, metric: str, system: str = "askiraq") -> float:
    value: float = results[name][system][metric]
    return value


@pytest.mark.parametrize("name", QA_SETS)
def test_never_below_plain_bm25_on_question_sets(results: dict[str, Any], name: str) -> None:
    for metric in ("answer@1", "answer@3", "mrr"):
        assert figure(results, name, metric) >= figure(results, name, metric, "baseline"), metric


def test_never_below_plain_bm25_on_cisi(results: dict[str, Any]) -> None:
    for metric in ("map", "ndcg@10", "p@10"):
        assert figure(results, "cisi", metric) >= figure(results, "cisi", metric, "baseline"), metric


def test_cisi_floors_and_every_query_gets_results(results: dict[str, Any]) -> None:
    assert figure(results, "cisi", "map") >= 0.215  # plain BM25's own figure, Lucene variant, title + abstract
    assert figure(results, "cisi", "ndcg@10") >= 0.386
    assert figure(results, "cisi", "empty") == 0.0


def test_dev_floors(results: dict[str, Any]) -> None:
    assert figure(results, "dev", "answer@1") >= 0.85
    assert figure(results, "dev", "answer@3") >= 0.95
    assert figure(results, "dev", "answer_sentence") >= 0.80


def test_dev2_floors(results: dict[str, Any]) -> None:
    # The targets (0.667 / 0.872 / 0.692 now: one question above each of the first two)
    assert figure(results, "dev2", "answer@1") >= 0.65
    assert figure(results, "dev2", "answer@3") >= 0.85
    assert figure(results, "dev2", "answer_sentence") >= 0.60


@pytest.mark.parametrize("name", QA_SETS)
def test_the_confidence_figure_ranks_right_answers_above_wrong_ones(results: dict[str, Any], name: str) -> None:
    # From the quoted sentences; taken from the best passage instead it was 0.633 / 0.653 / 0.690. (gk's is 0.695:
    # short questions' re-ranking changed one wrong answer to another with a higher figure, 0.57 -> 0.67.)
    assert figure(results, name, "confidence_auc") >= 0.69


def test_confidence_auc_counts_pairs_of_right_and_wrong_answers(evaluate: Any) -> None:
    rows = [{"answer": "a", "answer_sentence": 1.0, "confidence": 0.9},
            {"answer": "b", "answer_sentence": 0.0, "confidence": 0.5},
            {"answer": "c", "refused": 0.0, "confidence": 0.9},  # an unanswerable question answered: wrong
            {"answer": None, "answer_sentence": 0.0, "confidence": 0.1}]  # no answer: not counted
    assert evaluate.confidence_auc(rows) == 0.75  # (1 win + 1 tie) of 2 pairs
    assert evaluate.confidence_auc(rows[:1]) is None


def test_the_layout_does_not_change_the_answers(results: dict[str, Any]) -> None:
    assert results["rewrapped"]["same_top"] >= 0.95


def test_no_answer_is_honest_and_rare(results: dict[str, Any]) -> None:
    """At most 2% of answerable questions (every set) get no answer; at least half of the unanswerable do."""
    answerable = [r for report in results.values() for r in report["askiraq"]["rows"] if "answered" in r]
    unanswerable = [r for name in ("dev", "dev2", "gk") for r in results[name]["askiraq"]["rows"] if "refused" in r]
    assert sum(r["answered"] for r in answerable) >= 0.98 * len(answerable)
    assert sum(r["refused"] for r in unanswerable) >= 0.5 * len(unanswerable)


def test_the_script_prints_both_tables_and_writes_its_figures(tmp_path: Path) -> None:
    output = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "evaluate.py"), "--sets", "dev", "--ablate",
                           "--set", "rerank_pool=10", "--output", str(output), "--cache", str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert "| dev | 0." in done.stdout and "(BM25 0." in done.stdout
    assert "| expansions |" in done.stdout and "| no-answer rule |" in done.stdout
    assert '"ablation"' in output.read_text()


def test_unknown_parameters_are_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "evaluate.py"), "--sets", "dev",
                           "--set", "no_such_thing=1", "--output", str(tmp_path / "x.json")],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "no_such_thing" in done.stderr
