"""Citations name exactly one passage, open in an editor from where askiraq runs, and `show` resolves them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS

from askiraq.citations import cite, display_path, find_passage
from askiraq.errors import CitationError
from askiraq.index import Index, open_index

SENTENCE = "The committee met in Basra on Monday to discuss the harbour, the roads and the new school. "


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The shipped articles plus one long line cut into several passages, and a hard-wrapped file."""
    folder = tmp_path / "news"
    shutil.copytree(SHIPPED_CORPUS, folder)
    (folder / "long.txt").write_text("Short headline here\n" + SENTENCE * 60 + "\nA last line.\n", encoding="utf-8")
    (folder / "wrapped.txt").write_text("First paragraph starts here and\nwraps onto a second line.\n\n"
                                        "Second paragraph, one line.\n", encoding="utf-8")
    return folder


def passages(index: Index) -> list[tuple[str, int]]:
    return [(cite(index, index.records.passage(p)).location, p) for p in range(index.passage_count)]


def test_every_passage_has_its_own_citation_and_show_finds_it(corpus: Path, tmp_path: Path) -> None:
    index = open_index(corpus, tmp_path / "index").index
    cited = passages(index)
    assert len({location for location, _ in cited}) == len(cited)
    for location, pid in cited:
        assert find_passage(index, location).passage_id == pid, location
        record = index.records.passage(pid)
        passage_id = cite(index, record).passage_id
        assert find_passage(index, passage_id).passage_id == pid


def test_passages_sharing_a_line_are_cited_by_line_and_column(corpus: Path, tmp_path: Path) -> None:
    index = open_index(corpus, tmp_path / "index").index
    on_line_two = [location for location, _ in passages(index) if "long.txt:2" in location]
    assert len(on_line_two) > 1
    assert on_line_two[0].endswith("long.txt:2:1")
    column = int(on_line_two[1].rsplit(":", 1)[1])
    line = (corpus / "long.txt").read_text(encoding="utf-8").splitlines()[1]
    assert line[column - 1:].startswith("The committee met")
    with pytest.raises(CitationError, match=r"holds \d+ passages"):
        find_passage(index, "long.txt:2")


def test_a_column_past_its_line_or_a_line_past_the_file_names_no_passage(corpus: Path, tmp_path: Path) -> None:
    index = open_index(corpus, tmp_path / "index").index
    width = len((corpus / "long.txt").read_text(encoding="utf-8").splitlines()[1])
    assert find_passage(index, f"long.txt:2:{width - 1}").line_start == 2  # (its last full stop)
    with pytest.raises(CitationError, match=rf"line 2 of long\.txt has {width} characters"):
        find_passage(index, f"long.txt:2:{width + 2}")  # (not the passage on the next line)
    with pytest.raises(CitationError, match=r"long\.txt has 3 lines"):
        find_passage(index, "long.txt:9:1")
    (corpus / "longer.txt").write_text("Short headline here\n" + SENTENCE * 120 + "\n", encoding="utf-8")
    index = open_index(corpus, tmp_path / "index").index
    with pytest.raises(CitationError, match=r"line 2 of longer\.txt holds (\d+) passages") as caught:
        find_passage(index, "longer.txt:2")
    shown, held = caught.value.hint.count("longer.txt:2:"), int(str(caught.value).split()[-2])
    assert shown == 5 and caught.value.hint.endswith(f"(and {held - 5} more)")


def test_a_multi_line_passage_is_cited_by_its_line_range(corpus: Path, tmp_path: Path) -> None:
    index = open_index(corpus, tmp_path / "index").index
    assert [location.rsplit("/", 1)[1] for location, _ in passages(index) if "wrapped.txt" in location] == [
        "wrapped.txt:1-2", "wrapped.txt:4"]
    assert find_passage(index, "wrapped.txt:2").line_start == 1


def test_paths_are_relative_under_the_current_folder_and_absolute_elsewhere(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    index = open_index(corpus, tmp_path / "index").index
    location = cite(index, index.records.passage(0)).location
    assert location.startswith("news/") and Path(location.split(":")[0]).is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    location = cite(index, index.records.passage(0)).location
    assert os.path.isabs(location.split(":")[0]) and Path(location.split(":")[0]).is_file()
    assert display_path(str(corpus / "long.txt")) == str(corpus / "long.txt")


def test_show_accepts_every_spelling_of_an_article(corpus: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    index = open_index(corpus, tmp_path / "index").index
    for name in ("wrapped.txt", "news/wrapped.txt", str(corpus / "wrapped.txt")):
        assert find_passage(index, f"{name}:4").line_start == 4
        assert find_passage(index, name) == find_passage(index, "wrapped.txt#1")  # an article alone: its first


@pytest.mark.parametrize(("citation", "message"), [
    ("nowhere.txt:1", "no indexed article matches"),
    ("wrapped.txt#9", "has passages #1 to #2"),
    ("wrapped.txt:99", "no passage at"),
    ("wrapped.txt:abc", "'abc' in 'wrapped.txt:abc' is not a line or passage number"),
    ("news/wrapped.txt#first", "'first' in .* is not a line or passage number"),
    ("wrapped.txt:6-4", "ends before it starts"),
])
def test_citations_that_name_no_passage(corpus: Path, tmp_path: Path, citation: str, message: str) -> None:
    index = open_index(corpus, tmp_path / "index").index
    with pytest.raises(CitationError, match=message):
        find_passage(index, citation)
