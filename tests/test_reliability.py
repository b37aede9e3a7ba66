"""Nothing breaks, nothing is lost, nothing runs that should not."""

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SHIPPED_CORPUS, finish, many_articles, wait_for_workers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askiraq.cli import cli
from askiraq.errors import CorpusError, QueryError
from askiraq.index import Index, index_dir_for, open_index
from askiraq.passages import split_document
from askiraq.search import SearchOptions, search
from askiraq.tuning import MAX_PASSAGE_CHARS

COMMAND = shutil.which("askiraq", path=str(Path(sys.executable).parent)) or shutil.which("askiraq")


def ask(corpus: Path, question: str, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["ask", "--corpus", str(corpus), "--json", *extra, question])


def sources_of(result: Result) -> set[str]:
    return {r["source"] for r in json.loads(result.stdout)["results"]}


# --- bad corpus input ----------------------------------------------------------------------------
def test_other_encodings_are_decoded_with_a_warning(corpus_copy: Path) -> None:
    (corpus_copy / "win.txt").write_bytes(b"The \x93zorblat\x94 wharfage reopened on Monday, officials said.\n")
    (corpus_copy / "latin.txt").write_bytes("The quindle caf\xe9 closed on Tuesday after a fire.".encode("latin-1"))
    result = ask(corpus_copy, "zorblat wharfage")
    assert sources_of(result) == {"win.txt"}
    assert "win.txt: not UTF-8; decoded as cp1252" in result.stderr
    assert "“zorblat”" in json.loads(result.stdout)["results"][0]["text"]
    assert sources_of(ask(corpus_copy, "quindle cafe")) == {"latin.txt"}


def test_utf8_text_with_a_stray_byte_stays_utf8(corpus_copy: Path) -> None:
    menu = "The “special” is smoked grumpfish at £9.\n".encode() + b"\xff broken here.\n"
    (corpus_copy / "menu.txt").write_bytes(menu)
    result = ask(corpus_copy, "smoked grumpfish")
    assert "menu.txt: not UTF-8; decoded as UTF-8 with 1 bad byte replaced" in result.stderr
    assert json.loads(result.stdout)["results"][0]["text"] == "The “special” is smoked grumpfish at £9."
    (corpus_copy / "cafe.txt").write_bytes("The grumpfish café opens at nine".encode() + b", \xa39 a plate.\n")
    tie = ask(corpus_copy, "grumpfish cafe opens")  # (one character of each: still UTF-8, the é kept)
    assert "cafe.txt: not UTF-8; decoded as UTF-8 with 1 bad byte replaced" in tie.stderr
    assert json.loads(tie.stdout)["results"][0]["text"].startswith("The grumpfish café opens")


def test_utf16_text_with_its_byte_order_mark_is_read(corpus_copy: Path) -> None:
    """What Windows Notepad saves as "Unicode": full of zero bytes, but text."""
    (corpus_copy / "notepad.txt").write_bytes("The brindlewick ferry to Tromsø sails at dawn.\n".encode("utf-16"))
    result = ask(corpus_copy, "brindlewick ferry Tromso")
    assert sources_of(result) == {"notepad.txt"}
    assert "Tromsø" in json.loads(result.stdout)["results"][0]["text"]


def test_classic_mac_line_endings_end_lines(corpus_copy: Path) -> None:
    """A file whose lines end in a carriage return alone (no line feed anywhere) has an editor's lines."""
    (corpus_copy / "mac.txt").write_bytes(b"Old Mac File\r\rThe quindle refinery was rebuilt in 2019.\r\r"
                                          b"A second paragraph on the ziggurat.\r")
    hit = json.loads(ask(corpus_copy, "quindle refinery").stdout)["results"][0]
    sentence = "The quindle refinery was rebuilt in 2019."
    assert (hit["source"], hit["line_start"], hit["text"]) == ("mac.txt", 3, sentence)
    shown = CliRunner().invoke(cli, ["show", "--corpus", str(corpus_copy), hit["citation"]])
    assert "\r" not in shown.stdout and sentence in shown.stdout


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "binary"),
    ("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("nul.txt", b"text with a \x00 NUL byte in it", "binary"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n   ", "empty"),
])
def test_unusable_files_are_skipped_with_a_warning(corpus_copy: Path, name: str, data: bytes, reason: str) -> None:
    (corpus_copy / name).write_bytes(data)
    result = ask(corpus_copy, "why does Iraq rely on US waivers?")
    assert result.exit_code == 0
    assert f"{name}: skipped: {reason}" in result.stderr
    assert len(json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(corpus_copy), "--json"]).stdout)) == 5


def test_huge_files_and_lines_are_indexed_in_bounded_passages(tmp_path: Path) -> None:
    corpus = tmp_path / "big"
    corpus.mkdir()
    sentence = "The committee reviewed the budget of the eastern province on Monday. "
    (corpus / "long-line.txt").write_text(sentence * 75_000 + "The zorblat clause was dropped.", encoding="utf-8")
    paragraphs = "\n".join(sentence * 20 for _ in range(6_000))  # ~8 MB of ordinary text
    (corpus / "large.txt").write_text(paragraphs + "\nThe quindle clause was added.\n", encoding="utf-8")
    started = time.perf_counter()
    index = open_index(corpus).index
    assert time.perf_counter() - started < 120
    for pid in range(index.passage_count):
        record = index.records.passage(pid)
        assert record.end - record.start <= MAX_PASSAGE_CHARS
    top = search(index, "zorblat clause", SearchOptions(top=1)).hits
    assert [h.citation.source for h in top] == ["long-line.txt"]
    assert [h.citation.source for h in search(index, "quindle clause", SearchOptions(top=1)).hits] == ["large.txt"]


def test_links_and_permissions(corpus_copy: Path) -> None:
    (corpus_copy / "dangling.txt").symlink_to(corpus_copy / "nowhere.txt")
    (corpus_copy / "loop-a.txt").symlink_to(corpus_copy / "loop-b.txt")
    (corpus_copy / "loop-b.txt").symlink_to(corpus_copy / "loop-a.txt")
    locked = corpus_copy / "locked.txt"
    locked.write_text("The zorblat wharfage is locked.", encoding="utf-8")
    locked.chmod(0)
    result = ask(corpus_copy, "why does Iraq rely on US waivers?")
    assert result.exit_code == 0
    assert "dangling.txt: skipped: broken or looping symbolic link" in result.stderr
    assert "loop-a.txt: skipped: broken or looping symbolic link" in result.stderr
    if not os.access(locked, os.R_OK):  # root can read anything
        assert "locked.txt: skipped: cannot read" in result.stderr


def test_a_file_linked_in_from_outside_the_corpus_is_indexed_and_cited_as_the_link(corpus_copy: Path,
                                                                                   tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "harbour.txt"
    outside.parent.mkdir()
    outside.write_text("The quindle harbour reopened on Monday after dredging.\n", encoding="utf-8")
    (corpus_copy / "linked.txt").symlink_to(outside)
    (corpus_copy / "garden").mkdir()
    (corpus_copy / "garden" / "again.txt").symlink_to(corpus_copy / "linked.txt")
    result = ask(corpus_copy, "When did the quindle harbour reopen?")
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)["results"]
    assert hits[0]["source"] == "garden/again.txt" and hits[0]["citation"].endswith("garden/again.txt:1")
    assert [a["source"] for a in hits[0]["also_in"]] == ["linked.txt"]  # a link cites itself, not its target
    assert ask(corpus_copy, "why does Iraq rely on US waivers?").exit_code == 0


def _unreadable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make one article unreadable as chmod 000 would for a user who is not root (tests may run as root)."""
    import builtins

    real_open, real_os_open = builtins.open, os.open

    def refuse(file: object) -> None:
        if str(file).endswith(name):
            raise PermissionError(13, "Permission denied", str(file))

    def refusing(file: object, *args: object, **kwargs: object) -> object:
        refuse(file)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def refusing_os(file: str, *args: int, **kwargs: int) -> int:
        refuse(file)
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refusing)
    monkeypatch.setattr(os, "open", refusing_os)


def test_an_article_unreadable_since_indexing_is_left_out_not_quoted_empty(corpus_copy: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    question = "why does Iraq rely on US waivers?"
    first = json.loads(ask(corpus_copy, question).stdout)
    cited = first["results"][0]["source"]
    _unreadable(monkeypatch, cited)
    result = ask(corpus_copy, question)
    assert result.exit_code in (0, 1) and f"{cited}: skipped: cannot read (Permission denied)" in result.stderr
    answer = json.loads(result.stdout)
    assert cited not in {r["source"] for r in answer["results"]} and all(r["text"] for r in answer["results"])
    assert answer["answer"] is None or answer["answer"]["text"]


def test_an_article_readable_again_is_indexed_again(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus_copy / "locked.txt").write_text("The zorblat wharfage reopened on Monday.\n", encoding="utf-8")
    with monkeypatch.context() as locked:
        _unreadable(locked, "locked.txt")
        assert "locked.txt: skipped: cannot read" in ask(corpus_copy, "zorblat wharfage").stderr
        assert ask(corpus_copy, "zorblat wharfage").exit_code == 1  # still unreadable: not rebuilt, not said again
    result = ask(corpus_copy, "zorblat wharfage")  # the permissions changed, not the file's size or time
    assert result.exit_code == 0 and sources_of(result) == {"locked.txt"}


@pytest.mark.parametrize("setup", ["missing", "empty", "only-bad"])
def test_nothing_to_index_is_one_error_line(tmp_path: Path, setup: str) -> None:
    corpus = tmp_path / "corpus"
    if setup != "missing":
        corpus.mkdir()
    if setup == "only-bad":
        (corpus / "a.txt").write_bytes(b"\x00\x01\x02")
        (corpus / "b.txt").write_text("   ", encoding="utf-8")
    result = ask(corpus, "anything")
    assert result.exit_code == 2
    error = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error) == 1 and error[0].startswith("askiraq: error:") and "Traceback" not in result.output


def test_hidden_folders_and_editor_files_are_ignored(corpus_copy: Path) -> None:
    (corpus_copy / ".git").mkdir()
    for path in (corpus_copy / ".git" / "x.txt", corpus_copy / ".#draft.txt", corpus_copy / "draft.txt~",
                 corpus_copy / ".draft.txt.swp", corpus_copy / "#draft.txt#"):
        path.write_text("The zorblat wharfage reopened.", encoding="utf-8")
    assert ask(corpus_copy, "zorblat wharfage").exit_code == 1


# --- bad questions ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "codes"), [
    ("   ", {2}), ("the of and", {1}), ("?!?...", {1}), ("\x00\x07 Iraq \x1b[31m", {0, 1}),
    ("من هو رئيس وزراء العراق؟", {1}), ("🙂🇮🇶🔥", {1}), ("Iraq " * 30_000, {0, 1}),
])
def test_bad_questions_never_crash(question: str, codes: set[int]) -> None:
    result = CliRunner().invoke(cli, ["ask", question])
    assert result.exit_code in codes, result.output
    assert "internal error" not in result.stderr and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no exception escaped
    if result.exit_code == 2:
        assert result.stderr.startswith("askiraq: error: ") and result.stderr.count("\n") == 1


def test_long_questions_are_cut_with_a_warning() -> None:
    result = CliRunner().invoke(cli, ["ask", "militia attacks " * 10_000])
    assert "askiraq: warning: question cut to its first 2000 characters" in result.stderr


def test_arabic_text_is_searchable(corpus_copy: Path) -> None:
    arabic = "قال رئيس الوزراء محمد شياع السوداني إن الهجمات مرفوضة.\n"
    (corpus_copy / "arabic.txt").write_text(arabic, encoding="utf-8")
    assert sources_of(ask(corpus_copy, "السوداني")) == {"arabic.txt"}


# --- the index survives ---------------------------------------------------------------------------
@pytest.mark.skipif(COMMAND is None, reason="the askiraq command is not installed")
def test_sigkill_while_indexing_leaves_a_usable_index(tmp_path: Path, isolated_index_dir: Path) -> None:
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus")
    env = os.environ.copy()
    subprocess.run([COMMAND, "index", "--corpus", str(corpus)], env=env, check=True, capture_output=True)
    for delay in (0.05, 0.2, 0.4, 0.8, 1.2):
        writer = subprocess.Popen([COMMAND, "index", "--force", "--corpus", str(corpus)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
        done = subprocess.run([COMMAND, "ask", "--json", "--corpus", str(corpus), "zq123x"], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["results"][0]["source"] == "0123.txt"
    index_dir = Path(index_dir_for(corpus, isolated_index_dir))
    open_index(corpus, isolated_index_dir, force=True)  # the next writer clears what killed ones left
    left = [p.name for p in index_dir.iterdir() if p.name.startswith(("gen-", "tmp-"))]
    assert len(left) == 1 and left[0].startswith("gen-")


@pytest.mark.skipif(COMMAND is None, reason="the askiraq command is not installed")
def test_ctrl_c_while_indexing_is_one_line_and_exit_130(tmp_path: Path, isolated_index_dir: Path) -> None:
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus")
    subprocess.run([COMMAND, "index", "--corpus", str(corpus)], check=True, capture_output=True, timeout=120)
    for delay in (0.0, 0.3, 0.6):
        writer = subprocess.Popen([COMMAND, "index", "--force", "--corpus", str(corpus)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, start_new_session=True)
        wait_for_workers(writer.pid)  # (on a slow machine a fixed delay may still find Python starting)
        time.sleep(delay)
        os.killpg(writer.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
        _, stderr = finish(writer)  # (a worker left behind would hold the pipe open: never wait forever)
        if writer.returncode == 0:
            continue  # it finished first
        assert "Traceback" not in stderr and "Aborted" not in stderr
        if writer.returncode == -signal.SIGINT:  # the signal came as Python was leaving: the shell says 130 too
            continue
        assert writer.returncode == 130 and stderr.splitlines() == ["askiraq: interrupted"], stderr
        done = subprocess.run([COMMAND, "ask", "--json", "--corpus", str(corpus), "zq123x"], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0 and json.loads(done.stdout)["results"][0]["source"] == "0123.txt"


def damage(folder: str, how: str) -> None:
    index_dir = Path(folder)
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    if how == "truncated":
        path = generation / "post_weight.npy"
        path.write_bytes(path.read_bytes()[:-16])
    elif how == "flipped":
        path = generation / "post_weight.npy"
        data = bytearray(path.read_bytes())
        data[-3] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "garbage-meta":
        (generation / "meta.json").write_text("{not json", encoding="utf-8")
    elif how == "old-version":
        meta = json.loads((generation / "meta.json").read_text())
        meta["version"] = 0
        (generation / "meta.json").write_text(json.dumps(meta))
    elif how == "missing-generation":
        (index_dir / "CURRENT").write_text("gen-" + "0" * 32)
    elif how == "foreign":
        (generation / "meta.json").write_text(json.dumps({"format": "something-else"}))


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage-meta", "old-version", "missing-generation",
                                 "foreign"])
def test_a_damaged_index_is_rebuilt_with_a_notice(corpus_copy: Path, isolated_index_dir: Path, how: str) -> None:
    opened = open_index(corpus_copy)
    damage(opened.index_dir, how)
    result = ask(corpus_copy, "why does Iraq rely on US waivers?")
    assert result.exit_code == 0
    if how == "old-version":
        assert "built by another version of askiraq, rebuilding it" in result.stderr, result.stderr
    elif how != "missing-generation":
        assert "index is damaged, rebuilding it" in result.stderr, result.stderr
    assert "electric" in json.loads(result.stdout)["answer"]["text"]
    assert not open_index(corpus_copy).rebuilt


def test_a_read_only_index_folder_answers_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    try:
        (read_only / "probe").touch()
        pytest.skip("this user can write to a read-only folder (root)")
    except PermissionError:
        pass
    monkeypatch.setenv("ASKIRAQ_INDEX_DIR", str(read_only))
    result = CliRunner().invoke(cli, ["ask", "--json", "why does Iraq rely on US waivers?"])
    assert result.exit_code == 0
    assert "in-memory index" in result.stderr


def test_an_unwritable_index_folder_answers_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as a read-only folder, for users (like root) whom chmod does not stop."""
    import askiraq.store

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(askiraq.store, "write_generation", refuse)
    result = CliRunner().invoke(cli, ["ask", "--json", "why does Iraq rely on US waivers?"])
    assert result.exit_code == 0
    assert "using an in-memory index for this run" in result.stderr
    assert "electric" in json.loads(result.stdout)["answer"]["text"]
    built = CliRunner().invoke(cli, ["index"])  # nothing is kept: `index` must not say it built one
    assert built.exit_code == 2 and "Index built" not in built.stdout
    assert built.stderr.splitlines()[-1].startswith("askiraq: error: the index was built but cannot be kept:")


@pytest.mark.skipif(COMMAND is None, reason="the askiraq command is not installed")
def test_two_writers_and_a_reader(tmp_path: Path, isolated_index_dir: Path) -> None:
    assert COMMAND
    corpus = many_articles(tmp_path / "corpus", 300)
    env = os.environ.copy()
    subprocess.run([COMMAND, "index", "--corpus", str(corpus)], env=env, check=True, capture_output=True)
    writers = [subprocess.Popen([COMMAND, "index", "--force", "--corpus", str(corpus)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    answers = []
    while any(w.poll() is None for w in writers) or len(answers) < 3:
        done = subprocess.run([COMMAND, "ask", "--json", "--corpus", str(corpus), "zq42x"], env=env,
                              capture_output=True, text=True)
        answers.append((done.returncode, json.loads(done.stdout)["results"][0]["source"] if done.stdout else None))
    assert all(w.wait() == 0 for w in writers)
    assert set(answers) == {(0, "0042.txt")}
    index_dir = Path(index_dir_for(corpus, isolated_index_dir))
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) == 1
    assert not [p for p in index_dir.iterdir() if p.name.startswith("tmp-")]


class Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {MARKER}",))


MARKER = Path("/tmp/askiraq-pickle-marker")


def test_a_crafted_pickle_never_runs(corpus_copy: Path) -> None:
    MARKER.unlink(missing_ok=True)
    opened = open_index(corpus_copy)
    index_dir = Path(opened.index_dir)
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    evil = pickle.dumps(Payload())
    (generation / "post_weight.npy").write_bytes(evil)
    (generation / "idf.npy").write_bytes(b"\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, "
                                         b"'shape': (1,), }" + b" " * 60 + b"\n" + evil)
    result = ask(corpus_copy, "why does Iraq rely on US waivers?")
    assert result.exit_code == 0 and not MARKER.exists()
    rebuilt = index_dir / (index_dir / "CURRENT").read_text().strip()
    (rebuilt / "meta.json").write_bytes(evil)
    assert ask(corpus_copy, "why does Iraq rely on US waivers?").exit_code == 0 and not MARKER.exists()


@pytest.mark.parametrize("evil_path", ["../../../../etc/passwd", "linked-folder/passwd"])
def test_a_tampered_path_cannot_leave_the_corpus(corpus_copy: Path, evil_path: str) -> None:
    (corpus_copy / "linked-folder").symlink_to("/etc")  # never followed by indexing: only a forger can name it
    opened = open_index(corpus_copy)
    index_dir = Path(opened.index_dir)
    generation = index_dir / (index_dir / "CURRENT").read_text().strip()
    blob_path = generation / "docs.blob.npy"
    blob = blob_path.read_bytes()
    name = b'"rel": "001_235cbf4e9e3a2056.txt"'
    evil = b'"rel": "' + evil_path.encode() + b'"'
    evil += b" " * (len(name) - len(evil))
    assert name in blob and len(evil) == len(name)
    blob_path.write_bytes(blob.replace(name, evil))
    meta = json.loads((generation / "meta.json").read_text())
    import zlib

    meta["arrays"]["docs.blob"]["crc32"] = zlib.crc32(blob_path.read_bytes())  # a careful forger
    (generation / "meta.json").write_text(json.dumps(meta))
    result = ask(corpus_copy, "why does Iraq rely on US waivers?")
    assert "root:" not in result.stdout and "Traceback" not in result.output
    assert result.exit_code == 2
    assert result.stderr.startswith("askiraq: error: the index is damaged: index names a file outside the corpus")


# --- properties ------------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.text())
def test_passage_spans_always_map_back(text: str) -> None:
    split = split_document(text)
    for passage in split.passages:
        assert 0 <= passage.start < passage.end <= len(text)
        assert text[passage.start:passage.end].strip() == text[passage.start:passage.end]
        for sentence in passage.sentences:
            assert passage.start <= sentence.start < sentence.end <= passage.end


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_any_bytes_as_a_corpus_file_never_raise(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    corpus = tmp_path_factory.mktemp("bytes")
    (corpus / "file.txt").write_bytes(data)
    try:
        index = open_index(corpus, tmp_path_factory.mktemp("idx")).index
    except CorpusError:
        return
    search(index, "anything at all", SearchOptions())


@pytest.fixture(scope="module")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return open_index(SHIPPED_CORPUS, tmp_path_factory.mktemp("prop")).index


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_question_returns_or_is_a_query_error(shipped_index: Index, question: str) -> None:
    try:
        result = search(shipped_index, question, SearchOptions())
    except QueryError:
        return
    assert result.answer is None or result.hits  # an answer always comes with the passages it is from
    assert result.answer is not None or result.reason  # no answer always says why
