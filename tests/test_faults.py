"""The fault and fuzz campaign (issue 24), bounded to run in CI: every failure it found stays fixed.

Hostile file names and folders, hostile batch lines, tampered index metadata, edits that hide from size and time,
devices and FIFOs, signals and kills during builds, leftovers, a corpus changing under its readers, a full disk.
`scripts/faults.py` runs the same campaign at full length and prints the table in README.md (Reliability).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import finish, generation_of, index_of, load_script, many_articles, wait_for_workers
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from askiraq import store
from askiraq.cli import cli
from askiraq.files import printable_name, unescape_name
from askiraq.index import index_dir_for, open_index
from askiraq.search import SearchOptions, search

COMMAND = shutil.which("askiraq", path=str(Path(sys.executable).parent)) or shutil.which("askiraq")
needs_command = pytest.mark.skipif(COMMAND is None, reason="the askiraq command is not installed")
WAIVERS = "why does Iraq rely on US waivers?"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def ask(corpus: Path, question: str, *extra: str) -> Result:
    return run("ask", "--corpus", str(corpus), "--json", *extra, question)


def one_line_error(result: Result) -> None:
    """The documented way to fail: exit 2, one line on stderr, no traceback, no internal error."""
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("askiraq: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.output


# --- file names and folders ------------------------------------------------------------------------------------
NOT_UTF8 = os.fsdecode(b"bad\xffname.txt")  # the name as Python sees it: the byte 0xff kept as a lone surrogate


def test_a_file_name_that_is_not_utf8_is_indexed_cited_escaped_and_shown(corpus_copy: Path) -> None:
    (corpus_copy / NOT_UTF8).write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
    result = ask(corpus_copy, "When did the quindle bridge reopen?")
    assert result.exit_code == 0, result.output
    hit = json.loads(result.stdout)["results"][0]
    assert hit["source"] == "bad\\xffname.txt" and hit["citation"].endswith("bad\\xffname.txt:1")
    shown = run("show", hit["citation"])
    assert shown.exit_code == 0 and "quindle bridge reopened" in shown.stdout, shown.output
    assert ask(corpus_copy, WAIVERS).exit_code == 0  # the other files still answer
    assert run("index", "--force", "--corpus", str(corpus_copy)).exit_code == 0
    assert "bad\\xffname.txt" in run("sources", "--corpus", str(corpus_copy)).stdout


def test_a_file_name_with_a_newline_is_cited_on_one_line(corpus_copy: Path) -> None:
    (corpus_copy / "new\nline.txt").write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
    result = run("ask", "--corpus", str(corpus_copy), "When did the quindle bridge reopen?")
    assert result.exit_code == 0, result.output
    cited = re.search(r"\[(.+)\]$", result.stdout.splitlines()[1])
    assert cited and cited.group(1).endswith("new\\nline.txt:1")
    assert run("show", cited.group(1)).exit_code == 0  # as printed
    raw = str(corpus_copy / "new\nline.txt") + ":1"
    assert "quindle" in run("show", raw).stdout  # as the shell passes the real name
    one_line_error(run("show", raw.replace(":1", ":9")))


NAME_CHARACTERS = st.one_of(st.characters(blacklist_categories=["Cs"]),
                            st.sampled_from([chr(c) for c in range(0xDC80, 0xDD00)]))  # (undecodable bytes)


@given(st.text(alphabet=NAME_CHARACTERS, max_size=30))
@example("\\r")  # a backslash and an r (two characters), which read back as a carriage return
@example("notes\\x41.txt")
def test_any_file_name_prints_on_one_line_and_reads_back(name: str) -> None:
    printed = printable_name(name)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]", printed)  # one line, any terminal
    assert unescape_name(printed) == name


@pytest.mark.parametrize(("name", "printed"), [
    ("report 2024.txt", "report 2024.txt"),
    ("café\u00a0notes.md", "café\u00a0notes.md"),
    ("résumé 🙂.txt", "résumé 🙂.txt"),
    ("back\\slash.txt", "back\\slash.txt"),
    ("tab\tand\\.txt", "tab\\tand\\\\.txt"),
    ("bad\udcffname.txt", "bad\\xffname.txt"),
    ("c1\x85.txt", "c1\\xc2\\x85.txt"),
    ("para\u2029.txt", "para\\xe2\\x80\\xa9.txt"),
    ("del\x7f.txt", "del\\x7f.txt"),
])
def test_a_file_name_is_escaped_only_where_it_cannot_be_printed(name: str, printed: str) -> None:
    assert printable_name(name) == printed and unescape_name(printed) == name


def test_folders_a_thousand_deep(tmp_path: Path) -> None:
    corpus = inner = tmp_path / "deep"
    corpus.mkdir()
    try:
        for _ in range(990):  # a path of about 2 KB (one level at a time: mkdir(parents=True) recurses)
            inner = inner / "d"
            inner.mkdir()
        (inner / "a.txt").write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
        (corpus / "b.txt").write_text("The harbour closed for the winter.\n", encoding="utf-8")
        result = ask(corpus, "When did the quindle bridge reopen?")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["results"][0]["source"].endswith("/d/d/a.txt")
    finally:  # (pytest's own clean-up would recurse as deep)
        (inner / "a.txt").unlink(missing_ok=True)
        while inner != corpus:
            inner.rmdir()
            inner = inner.parent


def test_show_a_file_link_in_the_corpus_by_its_own_name(corpus_copy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "elsewhere" / "passwd.txt"
    outside.parent.mkdir()
    outside.write_text("The quindle ledger lists every harbour pilot.\n", encoding="utf-8")
    (corpus_copy / "odd").mkdir()
    (corpus_copy / "odd" / "passwd.txt").symlink_to(outside)
    open_index(corpus_copy)
    monkeypatch.chdir(corpus_copy)
    for citation in ("odd/passwd.txt:1", str(corpus_copy / "odd" / "passwd.txt") + ":1"):
        shown = run("show", citation)
        assert shown.exit_code == 0 and "quindle ledger" in shown.stdout, shown.output


# --- batches ----------------------------------------------------------------------------------------------------
def test_bad_batch_lines_are_reported_with_their_numbers_and_the_rest_answered(tmp_path: Path) -> None:
    lines = [
        '{"id": "a", "question": "why does Iraq rely on US waivers?"}',
        '{"id": "b", "question": "Iraq \\ud800 troops"}',  # a lone surrogate, JSON-escaped
        '{"id": "\\udc00", "question": "Iraq troops"}',
        '{"q": ' + "[" * 50_000 + "]" * 50_000 + "}",  # nested deeper than any parser goes
        "militia attacks on bases " * 400,  # past the first 8 KiB: cut, with a warning
        "Iraq \x00 troops",  # a NUL late in the file
        '{"id": "z", "question": "Who is the Iraqi prime minister?"}',
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("ask", "--batch", str(batch))
    assert result.exit_code == 2 and "internal error" not in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "5", "z"]
    reported = [line for line in result.stderr.splitlines() if line.startswith("askiraq: error: batch line")]
    assert [int(line.split()[4].rstrip(":")) for line in reported] == [2, 3, 4, 6]
    assert "askiraq: warning: batch line 5: question cut to its first 2000 characters" in result.stderr


def test_a_warning_for_many_batch_lines_is_said_ten_times_then_counted(tmp_path: Path) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text(("militia attacks " * 200 + "\n") * 13, encoding="utf-8")
    result = run("ask", "--batch", str(batch))
    assert result.exit_code in (0, 1) and result.stdout.count("\n") == 13
    assert result.stderr.splitlines() == [
        *(f"askiraq: warning: batch line {n}: question cut to its first 2000 characters" for n in range(1, 11)),
        "askiraq: warning: batch lines 11 to 13 (3 more): question cut to its first 2000 characters"]


def test_a_batch_line_too_long_to_hold_is_skipped(tmp_path: Path) -> None:
    batch = tmp_path / "questions.txt"
    batch.write_text("x" * 3_000_000 + "\nWho is the Iraqi prime minister?\n", encoding="utf-8")
    result = run("ask", "--batch", str(batch))
    assert result.exit_code == 2 and "askiraq: error: batch line 1: longer than" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["2"]


BATCH_LINE = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]), max_size=60),
    st.builds(lambda q, i: json.dumps({"id": i, "question": q}), st.text(max_size=40),
              st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2))),
    st.sampled_from(['{"question": "Iraq \\ud83d troops"}', '{"id": "\\udfff", "question": "x"}', "{not json",
                     "[draft] who signed?", '{"q": [[[[]]]]}', "[" * 5000, '{"question": 7}', "\ufeffIraq"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(BATCH_LINE, min_size=1, max_size=8))
def test_fuzzed_batch_lines(tmp_path_factory: pytest.TempPathFactory, lines: list[str]) -> None:
    batch = tmp_path_factory.mktemp("fuzz") / "batch.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("ask", "--batch", str(batch), "-k", "1")
    assert result.exit_code in (0, 1, 2) and "internal error" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert all(line.startswith("askiraq: ") for line in result.stderr.splitlines())
    asked = [line for n, line in enumerate(lines) if (line.removeprefix("\ufeff") if n == 0 else line).strip()]
    failed = [line for line in result.stderr.splitlines() if line.startswith("askiraq: error: batch line ")]
    if result.stderr.startswith("askiraq: error: the batch file is not text"):  # NUL in its first block: binary
        assert b"\0" in batch.read_bytes()[:8192] and result.stderr.count("\n") == 1 and not result.stdout
    elif not asked:
        assert result.exit_code == 2 and "has no questions" in result.stderr
    else:
        assert result.stdout.count("\n") + len(failed) == len(asked)  # each answered (one JSON line) or reported


# --- tampered and hostile metadata ------------------------------------------------------------------------------
def tamper(generation: Path, how: str) -> None:
    """Change meta.json as a careful forger would: its arrays and their checksums stay intact."""
    meta = json.loads((generation / "meta.json").read_text())
    if how == "passages missing":
        del meta["passages"]
    elif how.startswith("passages "):
        meta["passages"] = {"a string": "5", "null": None}[how.removeprefix("passages ")]
    elif how == "vectors without dims":
        meta["vectors"] = {"model": "x"}
    elif how == "idf bytes a string":
        meta["arrays"]["idf"]["bytes"] = "many"
    elif how == "idf a list":
        meta["arrays"]["idf"] = [1, 2]
    elif how == "array outside the folder":
        meta["arrays"]["../../../evil"] = meta["arrays"]["idf"]
    elif how == "unreadable outside the corpus":
        meta["unreadable"] = ["/etc/shadow", "../../../../etc/shadow"]
    elif how == "folders outside the corpus":
        meta["folders"]["/etc"] = 0
    (generation / "meta.json").write_text("[" * 100_000 if how == "100,000 [" else json.dumps(meta))


TAMPERED = ["passages missing", "passages a string", "passages null", "vectors without dims", "idf bytes a string",
            "idf a list", "100,000 [", "array outside the folder", "unreadable outside the corpus",
            "folders outside the corpus"]


@pytest.fixture
def opened_files(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path askiraq opens (through open or os.open) while the test runs."""
    import builtins

    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def recording(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, str | Path):
            opened.append(os.path.abspath(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def recording_os(file: str, *args: int, **kwargs: int) -> int:
        opened.append(os.path.abspath(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording)
    monkeypatch.setattr(os, "open", recording_os)
    yield opened


@pytest.mark.parametrize("how", TAMPERED)
def test_tampered_metadata_is_damage_rebuilt_and_nothing_outside_is_opened(
        corpus_copy: Path, isolated_index_dir: Path, opened_files: list[str], how: str) -> None:
    index_dir = open_index(corpus_copy).index_dir
    # What "../../../evil" names from the generation folder: a valid array, so only its name gives it away.
    (isolated_index_dir.parent / "evil.npy").write_bytes((generation_of(index_dir) / "idf.npy").read_bytes())
    tamper(generation_of(index_dir), how)
    info = run("info", "--corpus", str(corpus_copy))
    assert info.exit_code == 0 and re.search(r"^state: +damaged", info.stdout, re.M), info.output
    result = ask(corpus_copy, WAIVERS)
    assert result.exit_code == 0 and "index is damaged, rebuilding it" in result.stderr, result.output
    assert "electric" in json.loads(result.stdout)["answer"]["text"]
    tamper(generation_of(index_dir), how)
    forced = run("index", "--force", "--corpus", str(corpus_copy))
    assert forced.exit_code == 0 and "Index built" in forced.stdout, forced.output
    allowed = (str(isolated_index_dir / Path(index_dir).name), os.path.realpath(corpus_copy), str(corpus_copy),
               os.path.dirname(os.path.realpath(store.__file__)), sys.prefix, sys.base_prefix)  # (and libraries' data)
    outside = [path for path in opened_files if not path.startswith(allowed)]
    assert not outside


# --- silent wrong results ---------------------------------------------------------------------------------------
def test_an_edit_that_keeps_size_and_time_is_not_quoted_stale(corpus_copy: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    article = corpus_copy / "003_6c8c47967f33c65d.txt"
    assert ask(corpus_copy, WAIVERS).exit_code == 0
    before = article.stat()
    text = article.read_text(encoding="utf-8")  # two words out, as many spaces in at the end: the text after shifts
    article.write_text(text.replace("Baghdad also relies heavily", "Baghdad relies", 1) + " " * 13, encoding="utf-8")
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))  # a restored timestamp
    assert article.stat().st_size == before.st_size
    result = ask(corpus_copy, WAIVERS)
    monkeypatch.setenv("ASKIRAQ_INDEX_DIR", str(tmp_path / "clean"))
    clean = ask(corpus_copy, WAIVERS)
    assert result.exit_code == clean.exit_code == 0
    assert json.loads(result.stdout) == json.loads(clean.stdout)  # what a clean build of the file as it is now says


def test_an_article_that_turned_binary_with_its_size_and_time_kept_is_never_quoted(corpus_copy: Path) -> None:
    """Read back to be quoted, it is no longer text: the index is refreshed, the file left out and said so."""
    article = corpus_copy / "003_6c8c47967f33c65d.txt"
    assert "003_6c8c47967f33c65d.txt" in ask(corpus_copy, WAIVERS).stdout
    before = article.stat()
    article.write_bytes(b"\x00\x01binary" * (before.st_size // 8) + b"\x00" * (before.st_size % 8))
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert article.stat().st_size == before.st_size
    result = ask(corpus_copy, WAIVERS)
    assert result.exit_code in (0, 1), result.output
    assert "003_6c8c47967f33c65d.txt" not in result.stdout  # (neither quoted nor cited)
    assert "003_6c8c47967f33c65d.txt: skipped: binary file, not text" in result.stderr


def test_index_verify_finds_a_flipped_bit_in_a_large_index(corpus_copy: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "VERIFY_ALL_BELOW_BYTES", 0)  # every index is "large": no CRC check on open
    generation = generation_of(open_index(corpus_copy).index_dir)
    weights = generation / "post_weight.npy"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x40
    weights.write_bytes(bytes(data))
    assert not open_index(corpus_copy).rebuilt  # (sizes and structure are all a large index gets on open)
    verified = run("index", "--verify", "--corpus", str(corpus_copy))
    assert verified.exit_code == 0 and "Index built" in verified.stdout
    assert "index is damaged, rebuilding it" in verified.stderr and "post_weight fails its checksum" in verified.stderr
    again = run("index", "--verify", "--corpus", str(corpus_copy))
    assert again.exit_code == 0 and "Index verified and up to date" in again.stdout and not again.stderr


# --- files that never end or never open --------------------------------------------------------------------------
@needs_command
@pytest.mark.parametrize("kind", ["device", "fifo", "too large"])
def test_expansions_from_a_device_a_fifo_or_a_huge_file_are_refused_at_once(tmp_path: Path, kind: str) -> None:
    assert COMMAND
    path = tmp_path / "groups.txt"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "too large":
        with open(path, "wb") as handle:
            handle.truncate(17 * 1024 * 1024)
    started = time.perf_counter()
    done = subprocess.run([COMMAND, "--expansions", "/dev/zero" if kind == "device" else str(path), "Iraq"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("askiraq: error: cannot read expansions file")
    assert done.stderr.count("\n") == 1 and time.perf_counter() - started < 30


@needs_command
def test_a_sidecar_that_is_a_fifo_is_ignored_not_waited_for(corpus_copy: Path) -> None:
    assert COMMAND
    os.mkfifo(corpus_copy / "003_6c8c47967f33c65d.meta.json.tmp")
    os.replace(corpus_copy / "003_6c8c47967f33c65d.meta.json.tmp", corpus_copy / "003_6c8c47967f33c65d.meta.json")
    done = subprocess.run([COMMAND, "--corpus", str(corpus_copy), WAIVERS], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "metadata file 003_6c8c47967f33c65d.meta.json ignored" in done.stderr


# --- signals and kills ------------------------------------------------------------------------------------------
needs_proc = pytest.mark.skipif(not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
                                reason="needs Linux's /proc to see a build's workers")


@needs_command
@needs_proc
@pytest.mark.parametrize(("stop", "status", "line"), [(signal.SIGTERM, 143, "askiraq: terminated"),
                                                      (signal.SIGINT, 130, "askiraq: interrupted"),
                                                      (signal.SIGHUP, 129, "askiraq: hung up")])
def test_a_signal_during_a_parallel_build_is_one_line(tmp_path: Path, stop: int, status: int, line: str) -> None:
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus", 300)
    writer = subprocess.Popen([COMMAND, "index", "--force", "--corpus", str(corpus)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert wait_for_workers(writer.pid), "the build ended before its workers started"
    time.sleep(0.1)
    os.killpg(writer.pid, stop)  # the whole process group, as a terminal or a service manager does
    _, stderr = finish(writer)
    assert writer.returncode == status and stderr.splitlines() == [line], stderr


@needs_command
@needs_proc
def test_workers_end_quietly_when_their_parent_is_killed(tmp_path: Path) -> None:
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus", 300)
    for pause in (0.0, 0.2):
        writer = subprocess.Popen([COMMAND, "index", "--force", "--corpus", str(corpus)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True)
        assert wait_for_workers(writer.pid)
        time.sleep(pause)
        writer.kill()  # the parent alone: its workers are orphaned
        _, stderr = finish(writer, timeout=30)  # every worker gone: nothing holds the pipe open
        assert stderr == "", stderr


def answers(corpus: Path, env: dict[str, str], questions: list[str]) -> list[str]:
    assert COMMAND
    return [subprocess.run([COMMAND, "ask", "--json", "--corpus", str(corpus), q], env=env, capture_output=True,
                           text=True, timeout=120).stdout for q in questions]


@needs_command
def test_kills_at_random_points_of_a_build_and_a_refresh_lose_nothing(tmp_path: Path) -> None:
    """SIGKILL during `index --force` and during a question's refresh after an edit: every answer afterwards is
    byte for byte a clean build's."""
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus", 150)
    questions = ["zq7x", "harbour budget committee"]
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(tmp_path / "index")}
    subprocess.run([COMMAND, "index", "--corpus", str(corpus)], env=env, check=True, capture_output=True, timeout=120)
    chance = random.Random(24)
    for round_number in range(2):  # (scripts/faults.py kills 24 times)
        refresh = round_number % 2 == 1
        if refresh:  # an edit, then a question that refreshes the index
            (corpus / "0007.txt").write_text(f"Report 7\nRevised {round_number}: the marker word is zq7x.\n",
                                             encoding="utf-8")
        args = ["ask", "--corpus", str(corpus), "zq7x"] if refresh else ["index", "--force", "--corpus", str(corpus)]
        writer = subprocess.Popen([COMMAND, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
        time.sleep(chance.uniform(0.1, 1.2))
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
        clean_env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(tmp_path / f"clean{round_number}")}
        if round_number == 0 or refresh:
            clean = answers(corpus, clean_env, questions)
        assert answers(corpus, env, questions) == clean


# --- leftovers, churn, full disks -------------------------------------------------------------------------------
def test_leftovers_of_killed_writers_are_removed_by_the_next_run(corpus_copy: Path) -> None:
    index_dir = Path(open_index(corpus_copy).index_dir)
    live = generation_of(index_dir).name
    (index_dir / ("tmp-" + "1" * 32)).mkdir()
    (index_dir / ("tmp-" + "1" * 32) / "post_weight.npy").write_bytes(b"\0" * 4096)
    (index_dir / ("gen-" + "2" * 32)).mkdir()
    (index_dir / f"CURRENT.{'3' * 32}.tmp").write_bytes(b"")
    assert ask(corpus_copy, WAIVERS).exit_code == 0
    assert sorted(p.name for p in index_dir.iterdir()) == ["CURRENT", live, "lock"]


def test_a_full_disk_while_switching_generations_keeps_the_old_index(corpus_copy: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir = Path(open_index(corpus_copy).index_dir)
    live = generation_of(index_dir).name
    real_write = store._fsync_write

    def full_for_current(path: str, data: bytes) -> None:
        if os.path.basename(path).startswith("CURRENT."):
            raise OSError(28, "No space left on device", path)
        real_write(path, data)

    monkeypatch.setattr(store, "_fsync_write", full_for_current)
    (corpus_copy / "new.txt").write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
    result = ask(corpus_copy, "When did the quindle bridge reopen?")
    assert result.exit_code == 0 and "No space left on device" in result.stderr, result.output
    assert "using an in-memory index for this run" in result.stderr
    assert json.loads(result.stdout)["results"][0]["source"] == "new.txt"
    assert sorted(p.name for p in index_dir.iterdir()) == ["CURRENT", live, "lock"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs, mounted where the machine allows it (root, in a container that permits mounts)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True,
                             timeout=30) if shutil.which("mount") and os.geteuid() == 0 else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and a machine that allows mounts)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, timeout=30)


def test_a_stale_index_on_a_full_disk_answers_from_memory(corpus_copy: Path, small_disk: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKIRAQ_INDEX_DIR", str(small_disk))
    assert ask(corpus_copy, WAIVERS).exit_code == 0  # the first index fits
    index_dir = Path(index_dir_for(corpus_copy, small_disk))
    live = generation_of(index_dir).name
    sentences = " ".join(f"Report {n} of the quindle harbour board on cargo volume {n * 7}." for n in range(6000))
    (corpus_copy / "big.txt").write_text(sentences + "\n", encoding="utf-8")
    result = ask(corpus_copy, "quindle harbour board cargo volume")
    assert result.exit_code == 0, result.output
    assert "No space left on device" in result.stderr and "using an in-memory index for this run" in result.stderr
    assert json.loads(result.stdout)["results"][0]["source"] == "big.txt"
    assert sorted(p.name for p in index_dir.iterdir()) == ["CURRENT", live, "lock"]  # the old index, nothing else
    assert ask(corpus_copy, WAIVERS).exit_code == 0


@needs_command
def test_readers_while_a_refresher_keeps_editing(tmp_path: Path) -> None:
    """Concurrent readers, one article rewritten every 0.2 s: each question answers (refreshing as often as it takes).
    The campaign's own scenario, smaller: 2 readers, 4 questions each (scripts/faults.py: 8 readers, 25 each)."""
    outcome = load_script("faults").churn(tmp_path, readers=2, questions=4)
    assert outcome.cases == 8 and outcome.failures == 0, outcome.notes


# --- near-duplicates --------------------------------------------------------------------------------------------
def test_near_duplicates_must_agree_on_their_names_and_figures(tmp_path: Path) -> None:
    index = index_of(tmp_path, {
        "ohrid.txt": "The Ohrid accord was signed in Skopje in 1999 by the two foreign ministers after long talks.\n",
        "varna.txt": "The Varna accord was signed in Plovdiv in 2004 by the two foreign ministers after long talks.\n",
        "again.txt": "After long talks, the two foreign ministers signed the Ohrid accord in Skopje in 1999.\n",
        "other.txt": "The harbour of Durres handled record cargo volumes this spring.\n",
    })
    hits = search(index, "accord signed by the foreign ministers", SearchOptions(top=5)).hits
    folded = {hit.citation.source: {c.source for c in hit.also_in} for hit in hits}
    assert folded == {"ohrid.txt": {"again.txt"}, "varna.txt": set()} or \
        folded == {"again.txt": {"ohrid.txt"}, "varna.txt": set()}
