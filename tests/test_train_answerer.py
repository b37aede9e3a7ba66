"""scripts/train_answerer.py on a small made-up training set: it learns a model that reads back, the same model twice,
and it never reads the evaluation sets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

from askiraq.selector import model_from_json

TOWNS = ["Arvel", "Brisk", "Calder", "Dunmore", "Elgin", "Farrow", "Glenby", "Harlow"]


def made_up_data(folder: Path) -> Path:
    """Eight articles about made-up towns, each with five facts, and a question on each fact."""
    (folder / "corpus").mkdir(parents=True)
    questions = []
    for at, town in enumerate(TOWNS):
        facts = [(f"When was the {town} bridge opened?", f"The {town} bridge was opened in {1900 + at}.",
                  f"{1900 + at}"),
                 (f"How many people live in {town}?", f"About {3000 + 100 * at} people live in {town}.",
                  f"{3000 + 100 * at}"),
                 (f"Who founded {town}?", f"{town} was founded by a miller called Tom {town}son.", f"Tom {town}son"),
                 (f"What does {town} export?", f"{town} exports wool and cheese to the coast.", "wool"),
                 (f"Which river runs through {town}?", f"The river Oss runs through {town} from the hills.", "Oss")]
        name = f"{at:02d}_{town}.txt"
        text = f"{town}\n\n{town} is a small town in the hills.\n\n" + "\n\n".join(f for _, f, _ in facts) + "\n"
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
        questions += [{"id": f"{town}-{i}", "question": q, "answers": [a], "source": name, "context": fact}
                      for i, (q, fact, a) in enumerate(facts)]
    (folder / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions), encoding="utf-8")
    return folder


def train(data: Path, output: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PROJECT / "scripts" / "train_answerer.py"), "--data", str(data),
                           "--output", str(output), "--report", str(output.with_suffix(".report.json")),
                           "--cache", str(cache)], capture_output=True, text=True)


def test_the_script_learns_a_model_that_reads_back_and_the_same_one_twice(tmp_path: Path) -> None:
    data = made_up_data(tmp_path / "data")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    done = train(data, first, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert train(data, second, tmp_path / "cache").returncode == 0  # (its corpora and indexes read back)
    assert first.read_bytes() == second.read_bytes()  # deterministic: same data, same weights
    model = model_from_json(json.loads(first.read_text(encoding="utf-8")))
    assert 0 < model.threshold < 1 and model.weights != tuple(0.0 for _ in model.weights)
    report = json.loads(first.with_suffix(".report.json").read_text(encoding="utf-8"))
    assert report["held_back_articles"] == ["03_Dunmore.txt", "07_Harlow.txt"]  # every fourth, never fitted on
    assert set(report["held_back"]) == {"present", "without article", "without paragraph"}


def test_the_script_says_where_its_data_should_be(tmp_path: Path) -> None:
    done = train(tmp_path / "nowhere", tmp_path / "model.json", tmp_path / "cache")
    assert done.returncode != 0 and "no training data at" in done.stderr and not (tmp_path / "model.json").exists()
