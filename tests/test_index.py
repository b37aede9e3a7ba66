"""The index: where it lives, when it is rebuilt, what a cold question loads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS

import askiraq.index as index_module
from askiraq.errors import CorpusError
from askiraq.index import default_index_root, open_index
from askiraq.memo import lazy_pattern
from askiraq.search import SearchOptions, search


def ask(corpus: Path, question: str) -> list[str]:
    opened = open_index(corpus)
    return [hit.citation.source for hit in search(opened.index, question, SearchOptions(top=5)).hits]


def test_index_lives_in_the_folder_named_by_the_environment(isolated_index_dir: Path) -> None:
    opened = open_index(SHIPPED_CORPUS)
    assert Path(opened.index_dir).parent == isolated_index_dir
    assert (Path(opened.index_dir) / "CURRENT").exists()
    assert not any(SHIPPED_CORPUS.glob("*.npy"))


def test_default_index_folder_is_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ASKIRAQ_INDEX_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = {"linux": tmp_path / "xdg" / "askiraq", "darwin": tmp_path / "home" / "Library" / "Caches" / "askiraq",
                "win32": tmp_path / "local" / "askiraq"}
    for platform, folder in expected.items():
        monkeypatch.setattr(sys, "platform", platform)
        assert Path(default_index_root()) == folder, platform


def test_second_open_reuses_the_index() -> None:
    assert open_index(SHIPPED_CORPUS).rebuilt
    assert not open_index(SHIPPED_CORPUS).rebuilt


def test_added_edited_and_removed_articles_are_picked_up(corpus_copy: Path) -> None:
    assert ask(corpus_copy, "zorblat wharfage") == []
    article = corpus_copy / "new.txt"
    article.write_text("The zorblat wharfage was closed by the port authority on Monday.\n", encoding="utf-8")
    assert ask(corpus_copy, "zorblat wharfage") == ["new.txt"]
    article.write_text("The quindle bridge was reopened on Tuesday after repairs.\n", encoding="utf-8")
    assert ask(corpus_copy, "zorblat wharfage") == []
    assert ask(corpus_copy, "quindle bridge") == ["new.txt"]
    article.unlink()
    assert ask(corpus_copy, "quindle bridge") == []


def test_only_changed_articles_are_split_again(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_index(corpus_copy)
    import askiraq.passages

    split_files: list[int] = []
    original = askiraq.passages.split_document
    monkeypatch.setattr(askiraq.passages, "split_document",
                        lambda text, *a, **k: split_files.append(len(text)) or original(text, *a, **k))
    edited = corpus_copy / "002_ea14664ba9abae13.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nThe quindle bridge was reopened.\n", encoding="utf-8")
    assert open_index(corpus_copy).rebuilt
    assert len(split_files) == 1
    assert ask(corpus_copy, "quindle bridge") == ["002_ea14664ba9abae13.txt"]


def test_large_corpora_check_folder_times_and_catch_edits_on_read(
        corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above QUICK_CHECK_FROM articles only folder times are compared; an in-place edit is caught
    when the changed article is read, and the CLI then refreshes the index and answers again."""
    from click.testing import CliRunner

    from askiraq.cli import cli

    monkeypatch.setattr(index_module, "QUICK_CHECK_FROM", 1)
    open_index(corpus_copy)
    (corpus_copy / "added.txt").write_text("The zorblat wharfage was closed on Monday.\n", encoding="utf-8")
    assert ask(corpus_copy, "zorblat wharfage") == ["added.txt"]  # a new file changes its folder's time
    article = corpus_copy / "added.txt"
    stat = article.stat()
    article.write_text("The zorblat wharfage was reopened on Friday.\n", encoding="utf-8")
    os.utime(corpus_copy, ns=(stat.st_atime_ns, corpus_copy.stat().st_mtime_ns))
    result = CliRunner().invoke(cli, ["ask", "--corpus", str(corpus_copy), "--json", "zorblat wharfage"])
    assert result.exit_code == 0, result.output
    assert "reopened on Friday" in result.stdout


def python_run(code: str, index_dir: Path) -> str:
    """What a fresh Python process running `code` prints (its indexes in `index_dir`)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "ASKIRAQ_INDEX_DIR": str(index_dir)}).stdout


def test_a_cold_question_imports_neither_nltk_nor_numpy(isolated_index_dir: Path) -> None:
    open_index(SHIPPED_CORPUS)
    code = ("import sys\nfrom askiraq.cli import cli\n"
            "try:\n    cli.main(['why does Iraq rely on US waivers?'], prog_name='askiraq')\n"
            "except SystemExit as exit:\n    code = exit.code\n"
            "print('RESULT', code, 'nltk' in sys.modules, 'numpy' in sys.modules)\n"
            "from askiraq import citations, render\n"
            "print('PATTERNS', render._STRONG.cache_info().currsize, citations._LOCATION.cache_info().currsize)\n"
            "print('PATHLIB', 'pathlib' in sys.modules)")
    out = python_run(code, isolated_index_dir)
    assert "electric" in out
    result, patterns, pathlib_line = out.strip().splitlines()[-3:]
    assert result == "RESULT 0 False False"
    # (compiling every module's patterns at import cost a cold question ~4 ms: Markdown's and a hand-typed
    # citation's wait until they are used)
    assert patterns == "PATTERNS 0 0"
    bare = subprocess.run([sys.executable, "-c", "import sys; print('pathlib' in sys.modules)"],
                          capture_output=True, text=True, check=True).stdout.strip()
    if bare == "False":  # (an editable install's import hook loads pathlib at start-up)
        assert pathlib_line == "PATHLIB False"  # ~4 ms to import: the query path uses os.path
    command = ("import sys\nsys.argv = ['askiraq', 'why does Iraq rely on US waivers?']\n"
               "from askiraq.__main__ import main\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
               "print('SIGNAL', 'signal' in sys.modules)")
    # (the signal module's enums cost 1 ms: the command takes over SIGTERM and SIGHUP with the C module)
    assert python_run(command, isolated_index_dir).splitlines()[-1] == "SIGNAL False"


def test_numpy_is_imported_once_the_questions_of_a_run_add_up_to_a_large_one(isolated_index_dir: Path) -> None:
    """A batch of medium questions pays for importing NumPy as one large question does: the postings scored in plain
    Python are added up over the run (thresholds scaled down to the shipped corpus's postings)."""
    open_index(SHIPPED_CORPUS)
    code = ("import sys\nimport askiraq.postings as p\nfrom askiraq.index import open_index\n"
            "from askiraq.search import SearchOptions, search\n"
            "p.NUMPY_WARM_FROM_POSTINGS, p.NUMPY_FROM_POSTINGS = 20, 120\n"
            f"index = open_index({str(SHIPPED_CORPUS)!r}).index\nseen = []\n"
            "for question in ['Iraq militia attacks', 'US forces in Iraq', 'Iran militias attack US bases'] * 3:\n"
            "    seen.append([pid for pid, _ in index.postings.ranked([(t, 1.0) for t in question.lower().split()],"
            " 5)])\n    print('numpy' in sys.modules)\n"
            "print(seen[0] == seen[3] == seen[6], seen[1] == seen[4] == seen[7])")
    lines = python_run(code, isolated_index_dir).split()
    assert lines[0] == "False" and lines[-3] == "True"  # (plain Python first, NumPy once the run's postings add up)
    assert lines[-2:] == ["True", "True"]  # the same question ranks alike on either path


def test_a_folder_with_nothing_to_index_leaves_no_index_folder(isolated_index_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    with pytest.raises(CorpusError, match="nothing to index"):
        open_index(empty)
    assert list(isolated_index_dir.iterdir()) == []
    (empty / "note.txt").write_text("The harbour opened in 1901.\n", encoding="utf-8")
    assert open_index(empty).index.passage_count == 1  # and an index folder once there is something to index
    assert len(list(isolated_index_dir.iterdir())) == 1


def test_each_integer_array_is_stored_in_the_narrowest_type_that_holds_it(isolated_index_dir: Path,
                                                                          tmp_path: Path) -> None:
    """Term counts of a small folder fit a byte, its term ids two; a count above 255 widens only its own array, and
    the index answers as before (the store reads every width)."""
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "ferry.txt").write_text("The island ferry leaves every hour from the north quay.\n", encoding="utf-8")
    (corpus / "chant.txt").write_text("Quay " * 300 + "\n\nThe harbour chant repeats one word.\n", encoding="utf-8")
    opened = open_index(corpus)
    widths = {name: opened.index.generation.array(name).itemsize for name in ("fwd_term", "fwd_tf", "sterm")}
    assert widths == {"fwd_term": 1, "fwd_tf": 2, "sterm": 1}  # (300 > 255: two bytes)
    hits = search(opened.index, "island ferry quay", SearchOptions(top=2)).hits
    assert [hit.citation.source for hit in hits] == ["ferry.txt", "chant.txt"]


def test_a_refresh_that_takes_the_vocabulary_past_two_bytes_keeps_every_article_findable(isolated_index_dir: Path,
                                                                                          tmp_path: Path) -> None:
    """The first build stores term ids in two bytes; an added article takes the vocabulary past 65,536 words, and
    the refresh joins the reused articles' two-byte ids with four-byte ones."""
    corpus = tmp_path / "words"
    corpus.mkdir()
    letters = "bcdfghjklmnpqrstvwxz"

    def made_up(n: int) -> str:  # (distinct, unstemmable words: a consonant spelling of n)
        return "q" + "".join(letters[int(d)] for d in str(n)) + "q"

    lines = (" ".join(made_up(n) for n in range(start, start + 20)) for start in range(0, 65_000, 20))
    (corpus / "wordlist.txt").write_text("\n\n".join(lines) + "\n\nThe harbour ferry leaves hourly.\n",
                                         encoding="utf-8")
    first = open_index(corpus)
    assert first.index.generation.array("fwd_term").itemsize == 2
    (corpus / "more.txt").write_text(" ".join(made_up(n) for n in range(65_000, 66_000)) +
                                     "\n\nThe island quay opened in spring.\n", encoding="utf-8")
    refreshed = open_index(corpus)
    assert refreshed.index.generation.array("fwd_term").itemsize == 4
    for question, source in (("harbour ferry", "wordlist.txt"), ("island quay", "more.txt"),
                             (made_up(64_999), "wordlist.txt"), (made_up(65_999), "more.txt")):
        assert search(refreshed.index, question, SearchOptions(top=1)).hits[0].citation.source == source


def test_a_lazy_pattern_is_compiled_once_when_first_used() -> None:
    pattern = lazy_pattern(r"(?i)piers? (\d+)")
    found = pattern().search("Pier 7 closed")
    assert found is not None and found.group(1) == "7"
    assert pattern() is pattern()
