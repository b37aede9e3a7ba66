"""Tests for scripts/make_corpus.py, the synthetic benchmark corpus generator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "scripts" / "make_corpus.py"
ARTICLES = 30
SMALL_WORDS = {"a", "an", "the", "and", "but", "or", "for", "of", "to", "in", "on", "at", "by",
               "as", "from", "with", "into", "over", "than"}


def _run(out_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out_dir), "--articles", str(ARTICLES), *extra],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def _snapshot(out_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(out_dir).as_posix(): p.read_bytes()
            for p in sorted(out_dir.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("make_corpus")
    runs = {"a": ("--seed", "0"), "b": ("--seed", "0"), "c": ("--seed", "1")}
    out: dict[str, Path] = {}
    for name, args in runs.items():
        out_dir = base / name / "corpus"
        result = _run(out_dir, *args, "--questions", "12")
        assert f"{ARTICLES} articles" in result.stderr  # one-line summary on stderr
        assert len(result.stderr.strip().splitlines()) == 1
        out[name] = out_dir
    return out


def test_writes_articles_in_numbered_subfolders(corpora: dict[str, Path]) -> None:
    files = sorted(corpora["a"].rglob("*"))
    articles = [p for p in files if p.is_file()]
    assert len(articles) == ARTICLES
    assert [p.relative_to(corpora["a"]).as_posix() for p in articles][:2] == [
        "0000/000000.txt", "0000/000001.txt"]
    assert all(p.suffix == ".txt" for p in articles)  # only articles in the corpus folder


def test_same_seed_is_byte_identical(corpora: dict[str, Path]) -> None:
    assert _snapshot(corpora["a"]) == _snapshot(corpora["b"])
    qa = corpora["a"].with_name("corpus-questions.jsonl").read_bytes()
    qb = corpora["b"].with_name("corpus-questions.jsonl").read_bytes()
    assert qa == qb


def test_different_seed_differs(corpora: dict[str, Path]) -> None:
    a, c = _snapshot(corpora["a"]), _snapshot(corpora["c"])
    assert a.keys() == c.keys()
    assert all(a[name] != c[name] for name in a)


def test_article_shape(corpora: dict[str, Path]) -> None:
    for path in sorted(corpora["a"].rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        headline, *paragraphs = text.rstrip("\n").split("\n\n")
        assert "\n" not in headline
        assert 5 <= len(headline.split()) <= 12
        assert not headline.endswith(".")
        first, *rest = headline.split()
        assert first[0].isupper() or not first[0].isalpha()  # Title Case
        assert all(w[0].isupper() or not w[0].isalpha() or w in SMALL_WORDS for w in rest)
        assert 8 <= len(paragraphs) <= 25
        for paragraph in paragraphs:
            assert paragraph.strip() and "\n" not in paragraph
            assert paragraph[-1] in ".?"  # every paragraph ends a sentence
        assert 150 <= len(text.split()) <= 2500


def test_questions_file(corpora: dict[str, Path]) -> None:
    questions_file = corpora["a"].with_name("corpus-questions.jsonl")
    lines = questions_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 12
    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        assert set(record) == {"id", "question", "source"}
        assert record["id"] == f"s{number:04d}"
        assert (corpora["a"] / record["source"]).is_file()
        words = record["question"].rstrip("?").split()
        assert record["question"].endswith("?")
        assert words[0] in {"What", "Why", "How", "Who", "When"}
        source_text = (corpora["a"] / record["source"]).read_text(encoding="utf-8").lower()
        content = [w for w in words[2:] if w != "the"]
        assert 4 <= len(content) <= 8
        assert all(w.lower() in source_text for w in content)


def test_questions_file_option_and_refuses_non_empty_dir(tmp_path: Path) -> None:
    out_dir = tmp_path / "c"
    qfile = tmp_path / "elsewhere" / "q.jsonl"
    _run(out_dir, "--questions", "3", "--questions-file", str(qfile))
    assert len(qfile.read_text(encoding="utf-8").splitlines()) == 3
    assert not out_dir.with_name("c-questions.jsonl").exists()
    again = subprocess.run(
        [sys.executable, str(SCRIPT), str(out_dir), "--articles", "5"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert again.returncode != 0 and "--overwrite" in again.stderr
    _run(out_dir, "--questions", "3", "--questions-file", str(qfile), "--overwrite")
