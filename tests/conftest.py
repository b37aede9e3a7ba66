"""Shared fixtures. Every test gets its own index folder (ASKIRAQ_INDEX_DIR) so nothing touches
the user's cache and tests never see each other's indexes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = PROJECT / "corpus"
DEV_QUESTIONS = PROJECT / "tests" / "data" / "questions-dev.jsonl"


@pytest.fixture(autouse=True)
def isolated_index_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    index_root = tmp_path_factory.mktemp("index")
    monkeypatch.setenv("ASKIRAQ_INDEX_DIR", str(index_root))
    for name in ("ASKIRAQ_CORPUS", "ASKIRAQ_TOP", "ASKIRAQ_EXPANSIONS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    yield index_root


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus, for tests that edit articles."""
    target = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target
