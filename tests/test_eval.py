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
def results(evaluate: Any) -> dict[str, Any]:
    """Every set: those inside the project as the README's cog block asks for them (so that, in CI, cog reads back
    the figures these tests made: evaluate.py keeps them in eval-data/ under a checksum of code and data), then the
    sets of public data where ../shared has them."""
    cache = evaluate.ROOT / "eval-data"
    report: dict[str, Any] = {**evaluate.evaluate(evaluate.PROJECT_SETS, {}, cache),
                              **evaluate.evaluate(("cisi", "heldout"), {}, cache)}
    print("\n" + evaluate.format_table(report))
    return report


def public(results: dict[str, Any], name: str) -> None:
    """Skip, saying why, where a set of public data is not on this machine (it never enters the repository)."""
    if name not in results:
        pytest.skip(f"{name}: its data is not here (see scripts/evalsets.py)")


def figure(results: dict[str, Any], name: str, metric: str, system: str = "askiraq") -> float:
    value: float = results[name][system][metric]
    return value


@pytest.mark.parametrize("name", QA_SETS)
def test_never_below_plain_bm25_on_question_sets(results: dict[str, Any], name: str) -> None:
    for metric in ("answer@1", "answer@3", "mrr"):
        assert figure(results, name, metric) >= figure(results, name, metric, "baseline"), metric


def test_never_below_plain_bm25_on_cisi(results: dict[str, Any]) -> None:
    public(results, "cisi")
    for metric in ("map", "ndcg@10", "p@10"):
        assert figure(results, "cisi", metric) >= figure(results, "cisi", metric, "baseline"), metric


def test_cisi_floors_and_every_query_gets_results(results: dict[str, Any]) -> None:
    public(results, "cisi")
    assert figure(results, "cisi", "map") >= 0.215  # plain BM25's own figure, Lucene variant, title + abstract
    assert figure(results, "cisi", "ndcg@10") >= 0.386
    assert figure(results, "cisi", "empty") == 0.0


def test_dev_floors(results: dict[str, Any]) -> None:
    assert figure(results, "dev", "answer@1") >= 0.85
    assert figure(results, "dev", "answer@3") >= 0.95


def test_dev2_floors(results: dict[str, Any]) -> None:
    # The targets of 0.2.0 (0.667 / 0.872 now: one question above each)
    assert figure(results, "dev2", "answer@1") >= 0.65
    assert figure(results, "dev2", "answer@3") >= 0.85


@pytest.mark.parametrize("name", (*QA_SETS, "heldout"))
def test_the_sentence_chosen_from_a_right_top_passage_is_right(results: dict[str, Any], name: str) -> None:
    # The target is 0.92 on every set; dev 0.889 (one question), gk 0.875, heldout 0.920 (of 526)
    public(results, name)
    assert figure(results, name, "sentence_top") >= 0.87


@pytest.mark.parametrize("name", (*QA_SETS, "heldout"))
def test_the_confidence_separates_right_answers_from_wrong_ones(results: dict[str, Any], name: str) -> None:
    # The target is an AUC of 0.85 and a calibration error of 0.08 on every set; gk is at 0.745, and dev's
    # 20 questions at 0.206 (one question in a bin moves it by 0.05)
    public(results, name)
    assert figure(results, name, "confidence_auc") >= 0.72
    assert figure(results, name, "calibration_error") <= 0.21


def test_confidence_auc_counts_pairs_of_right_and_wrong_answers(evaluate: Any) -> None:
    rows = [{"candidate": "a", "right": 1.0, "confidence": 0.9},
            {"candidate": "b", "right": 0.0, "confidence": 0.5},
            {"candidate": "c", "right": 0.0, "confidence": 0.9},  # an unanswerable question's candidate: wrong
            {"candidate": None, "right": 0.0, "confidence": 0.1}]  # nothing to quote: not counted
    assert evaluate.confidence_auc(rows) == 0.75  # (1 win + 1 tie) of 2 pairs
    assert evaluate.confidence_auc(rows[:1]) is None


def test_calibration_error_is_the_gap_between_confidence_and_the_share_right(evaluate: Any) -> None:
    rows = [{"candidate": "a", "right": 1.0, "confidence": 0.85}, {"candidate": "b", "right": 0.0, "confidence": 0.85},
            {"candidate": "c", "right": 0.0, "confidence": 0.05}, {"candidate": "d", "right": 0.0, "confidence": 0.05}]
    assert evaluate.reliability(rows) == [(0.0, 0.05, 2, 0.0), (0.8, 0.85, 2, 0.5)]
    assert evaluate.calibration_error(rows) == pytest.approx((2 * 0.05 + 2 * 0.35) / 4)


def test_the_layout_does_not_change_the_answers(results: dict[str, Any]) -> None:
    assert results["rewrapped"]["same_top"] >= 0.95


@pytest.mark.parametrize("name", (*QA_SETS, "heldout"))
def test_questions_the_folder_cannot_answer_are_refused(results: dict[str, Any], name: str) -> None:
    """Asked without the article that answers them: the issue's target is 85% refused; dev2 is at 79%, rewrapped at
    80%, dev at 82%, the others above."""
    public(results, name)
    assert results[name]["absent"]["refused"] >= 0.75


def test_unanswerable_questions_are_refused(results: dict[str, Any]) -> None:
    unanswerable = [r for name in ("dev", "dev2", "gk") for r in results[name]["askiraq"]["rows"]
                    if "answered" not in r]
    assert sum(r["refused"] for r in unanswerable) >= 0.8 * len(unanswerable)  # (12 of 14 now)


def test_the_script_prints_both_tables_and_writes_its_figures(tmp_path: Path) -> None:
    output = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "evaluate.py"), "--sets", "dev", "--ablate",
                           "--set", "rerank_pool=10", "--output", str(output), "--cache", str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert "| dev | 0." in done.stdout and "(BM25 0." in done.stdout
    assert "| thesaurus |" in done.stdout and "| gate: a date |" in done.stdout
    assert '"ablation"' in output.read_text()


def test_unknown_parameters_are_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "evaluate.py"), "--sets", "dev",
                           "--set", "no_such_thing=1", "--output", str(tmp_path / "x.json")],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "no_such_thing" in done.stderr
