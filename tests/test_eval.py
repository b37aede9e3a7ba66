"""Quality floors on the dev gold questions (the project's copy of them), measured by scripts/evaluate.py."""

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import DEV_QUESTIONS, PROJECT, SHIPPED_CORPUS


def load_evaluate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate", PROJECT / "scripts" / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    evaluate = load_evaluate()
    result: dict[str, Any] = evaluate.evaluate(DEV_QUESTIONS, SHIPPED_CORPUS)
    print("\n" + evaluate.format_table(result))
    return result


def test_retrieval_floors(report: dict[str, Any]) -> None:
    overall = report["by_kind"]["all"]
    assert overall["answer@1"] >= 0.85
    assert overall["answer@3"] >= 0.95
    assert overall["mrr"] >= 0.85
    assert report["by_kind"]["paraphrase"]["answer@3"] >= 0.85


def test_answer_sentence_floor(report: dict[str, Any]) -> None:
    assert report["by_kind"]["all"]["answer_sentence"] >= 0.80


def test_no_answer_exactly_for_the_unanswerable(report: dict[str, Any]) -> None:
    for row in report["rows"]:
        if row["kind"] == "unanswerable":
            assert row["answer"] is None, row["id"]
        else:
            assert row["answer"] is not None, row["id"]


def test_evaluate_script_writes_its_figures(tmp_path: Path) -> None:
    import subprocess
    import sys

    output = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "evaluate.py"), "--output", str(output)],
                          capture_output=True, text=True, check=True)
    assert "| all" in done.stdout and "answer@1" in done.stdout
    assert '"by_kind"' in output.read_text()
