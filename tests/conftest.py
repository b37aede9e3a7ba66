"""Shared fixtures. Every test gets its own index folder (ASKIRAQ_INDEX_DIR) so nothing touches
the user's cache and tests never see each other's indexes."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from askiraq.index import Index, open_index

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = PROJECT / "corpus"
DEV_QUESTIONS = PROJECT / "tests" / "data" / "questions-dev.jsonl"


@pytest.fixture(autouse=True)
def isolated_index_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    index_root = tmp_path_factory.mktemp("index")
    monkeypatch.setenv("ASKIRAQ_INDEX_DIR", str(index_root))
    for name in ("ASKIRAQ_CORPUS", "ASKIRAQ_TOP", "ASKIRAQ_EXPANSIONS", "ASKIRAQ_SEMANTIC",
                 "NO_COLOR"):
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


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (they are programs, not a package), with the scripts it imports."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, PROJECT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    for needed in ("evalsets",) if name in ("evaluate", "train_answerer") else ():
        load_script(needed)
    spec.loader.exec_module(module)
    return module


def index_of(tmp_path: Path, files: dict[str, str]) -> Index:
    """The index of a made-up corpus: a folder of the given files (name -> text), indexed in tmp_path."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return open_index(folder, tmp_path / "index").index


def many_articles(folder: Path, count: int = 600) -> Path:
    """A folder of `count` made-up reports, enough to build the index in worker processes; report i holds zq{i}x."""
    folder.mkdir()
    for i in range(count):
        body = " ".join(f"The committee number {i} discussed the harbour budget on Monday." for _ in range(30))
        (folder / f"{i:04d}.txt").write_text(f"Report {i}\n{body}\nThe marker word is zq{i}x.\n", encoding="utf-8")
    return folder


def finish(process: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    """stdout and stderr of a process started with start_new_session=True, waiting at most `timeout` seconds: a run
    that hangs (or leaves a child holding its pipes) is killed with its whole process group and the test fails."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{process.args} did not finish within {timeout} s")


def wait_for_workers(pid: int, timeout: float = 60) -> bool:
    """Whether process `pid` came to have child processes (its build's workers) before it ended: the campaign's own
    wait (scripts/faults.py)."""
    waited: bool = load_script("faults").wait_for_workers(pid, timeout)
    return waited


def pytest_configure(config: pytest.Config) -> None:
    """The tests that send Ctrl-C to askiraq need it to reach it, also when pytest runs as a background job (as a CI
    script may start it), which ignores Ctrl-C for itself and every process it starts."""
    load_script("faults").take_ctrl_c_back()


def generation_of(index_dir: str | Path) -> Path:
    """The index's live generation folder, as its CURRENT file names it."""
    folder = Path(index_dir)
    return folder / (folder / "CURRENT").read_text().strip()
