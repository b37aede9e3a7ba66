"""The fault and fuzz campaign of issue 24 at full length: every fault a new user or a hostile one can cause, many
times over, and what must hold each time. Prints a Markdown table (README.md, Reliability).

    python scripts/faults.py                  # the full campaign (10 to 30 minutes on two cores)
    python scripts/faults.py --scale 0.2      # a quicker pass: a fifth of every count

tests/test_faults.py runs a bounded version of the same faults in CI. Every case runs the installed `askiraq`
command (or the CLI in this process, for the thousands of fuzzed questions) on a copy of the shipped corpus or on
made-up reports, each in its own index folder, and compares with a clean build where answers must not change.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "corpus"
WAIVERS = "why does Iraq rely on US waivers?"
QUESTIONS = [WAIVERS, "How many American troops are based in Iraq?", "Who is Iyad al-Anbar?"]


class Outcome(NamedTuple):
    fault: str
    cases: int
    failures: int
    holds: str  # what must hold in every case
    notes: list[str]  # the first few failures, to look into


def take_ctrl_c_back() -> None:
    """Run from a background job (`cmd &` in a script, nohup), this process ignores Ctrl-C, and so would every askiraq
    it starts (an ignored signal stays ignored across exec, and Python then installs no handler): a campaign that
    sends SIGINT needs it handled again, as in a terminal."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def command() -> list[str]:
    found = shutil.which("askiraq", path=str(Path(sys.executable).parent)) or shutil.which("askiraq")
    return [found] if found else [sys.executable, "-m", "askiraq"]


def askiraq(args: list[str], index: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(index)}
    return subprocess.run([*command(), *args], env=env, capture_output=True, text=True, timeout=timeout)


def start(args: list[str], index: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(index)}
    return subprocess.Popen([*command(), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def clean_output(result: subprocess.CompletedProcess[str]) -> bool:
    """No traceback, no internal error, every line of stderr askiraq's own."""
    return "Traceback" not in result.stderr and "internal error" not in result.stderr and all(
        line.startswith("askiraq: ") for line in result.stderr.splitlines())


def reports(folder: Path, count: int) -> Path:
    """Made-up reports, enough for a build in worker processes; report i holds the word zq{i}x."""
    folder.mkdir(parents=True)
    for i in range(count):
        body = " ".join(f"The committee number {i} discussed the harbour budget on Monday." for _ in range(30))
        (folder / f"{i:04d}.txt").write_text(f"Report {i}\n{body}\nThe marker word is zq{i}x.\n", encoding="utf-8")
    return folder


def answers(corpus: Path, index: Path, questions: list[str]) -> list[tuple[int, str]]:
    return [(done.returncode, done.stdout) for done in
            (askiraq(["ask", "--json", "--corpus", str(corpus), q], index) for q in questions)]


def wait_for_workers(pid: int, timeout: float = 60) -> bool:
    """Whether process `pid` came to have children (a build's workers) before it ended (False too when /proc
    cannot say)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if children.read_text().split():
                return True
        except OSError:
            return False
        time.sleep(0.01)
    return False


# --- kills and signals ------------------------------------------------------------------------------------------
def kills(work: Path, count: int, chance: random.Random) -> Outcome:
    corpus = reports(work / "kills", 300)
    questions = ["zq7x", "zq123x", "harbour budget committee"]
    index = work / "kills-index"
    askiraq(["index", "--corpus", str(corpus)], index)
    clean: list[tuple[int, str]] = []
    failures, notes = 0, []
    for case in range(count):
        refresh = case % 2 == 1
        if refresh:
            (corpus / "0007.txt").write_text(f"Report 7\nRevised {case}: the marker word is zq7x.\n", encoding="utf-8")
        writer = start(["ask", "--corpus", str(corpus), "zq7x"] if refresh else
                       ["index", "--force", "--corpus", str(corpus)], index)
        time.sleep(chance.uniform(0.05, 2.0))
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
        if refresh or not clean:
            clean = answers(corpus, work / f"kills-clean-{case}", questions)
        after = answers(corpus, index, questions)
        leftovers = [p.name for p in next(index.iterdir()).iterdir() if p.name.startswith(("tmp-", "CURRENT."))]
        if after != clean or leftovers:
            failures += 1
            notes.append(f"kill {case}: answers differ from a clean build or leftovers {leftovers}")
    return Outcome("SIGKILL during a build or a refresh", count, failures,
                   "every answer afterwards byte-identical to a clean build's; no tmp-* left", notes)


def signals(work: Path, count: int, chance: random.Random) -> Outcome:
    corpus = reports(work / "signals", 300)
    index = work / "signals-index"
    expected = {signal.SIGINT: (130, "askiraq: interrupted"), signal.SIGTERM: (143, "askiraq: terminated"),
                signal.SIGHUP: (129, "askiraq: hung up")}
    failures, notes, cases = 0, [], 0
    for stop, (status, line) in expected.items():
        for _ in range(count):
            cases += 1
            writer = start(["index", "--force", "--corpus", str(corpus)], index)
            wait_for_workers(writer.pid)
            time.sleep(chance.uniform(0.0, 0.8))
            os.killpg(writer.pid, stop)
            stderr = finish(writer)
            done = askiraq(["ask", "--json", "--corpus", str(corpus), "zq123x"], index)
            one_line = (writer.returncode, stderr.splitlines()) in ((status, [line]), (0, []))
            if not one_line or done.returncode != 0:
                failures += 1
                notes.append(f"{stop.name}: status {writer.returncode}, {len(stderr.splitlines())} lines")
    return Outcome("SIGINT, SIGTERM, SIGHUP during a parallel build", cases, failures,
                   "one line and 130/143/129 (or the build finished first); the index answers", notes)


def finish(process: subprocess.Popen[str], timeout: float = 60) -> str:
    try:
        return process.communicate(timeout=timeout)[1] or ""
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return "Traceback: did not finish (a process left holding the pipe)"


def orphaned_workers(work: Path, count: int, chance: random.Random) -> Outcome:
    corpus = reports(work / "orphans", 300)
    failures, notes = 0, []
    for case in range(count):
        writer = start(["index", "--force", "--corpus", str(corpus)], work / "orphans-index")
        wait_for_workers(writer.pid)
        time.sleep(chance.uniform(0.0, 0.8))
        writer.kill()  # the parent alone
        stderr = finish(writer, timeout=30)
        if stderr:
            failures += 1
            notes.append(f"case {case}: {stderr.splitlines()[-1][:80]}")
    return Outcome("SIGKILL of the builder alone (its workers orphaned)", count, failures,
                   "the workers end at once and print nothing", notes)


# --- tampered indexes -------------------------------------------------------------------------------------------
META_TAMPERING: dict[str, Callable[[dict[str, object]], object]] = {
    "passages missing": lambda m: m.pop("passages"),
    "passages a string": lambda m: m.update(passages="5"),
    "passages null": lambda m: m.update(passages=None),
    "vectors without dims": lambda m: m.update(vectors={"model": "x"}),
    "idf bytes a string": lambda m: m["arrays"]["idf"].update(bytes="many"),  # type: ignore[index]
    "idf a list": lambda m: m["arrays"].update(idf=[1, 2]),  # type: ignore[attr-defined]
    "array ../../../evil": lambda m: m["arrays"].update({"../../../evil": m["arrays"]["idf"]}),  # type: ignore
    "unreadable /etc/shadow": lambda m: m.update(unreadable=["/etc/shadow", "../../../../etc/shadow"]),
    "folder outside the corpus": lambda m: m["folders"].update({"/etc": 0}),  # type: ignore[attr-defined]
    "documents negative": lambda m: m.update(documents=-1),
    "arrays missing": lambda m: m.pop("arrays"),
    "skipped a number": lambda m: m.update(skipped=7),
}


def tampered(work: Path, count: int, chance: random.Random) -> Outcome:
    """Hostile metadata (every kind, with intact checksums), then byte flips and truncations of random arrays."""
    from click.testing import CliRunner

    from askiraq.cli import cli

    corpus = work / "tampered"
    shutil.copytree(SHIPPED, corpus)
    clean = CliRunner().invoke(cli, ["ask", "--json", "--corpus", str(corpus), WAIVERS],
                               env={"ASKIRAQ_INDEX_DIR": str(work / "tampered-clean")}).stdout
    cases = [*META_TAMPERING, "meta.json of 100,000 ["] + [f"flip {n}" for n in range(count // 2)] + \
        [f"truncate {n}" for n in range(count - count // 2)]
    failures, notes = 0, []
    for case, how in enumerate(cases):
        env = {"ASKIRAQ_INDEX_DIR": str(work / f"tampered-{case}")}
        CliRunner().invoke(cli, ["index", "--corpus", str(corpus)], env=env)
        index_dir = next(Path(env["ASKIRAQ_INDEX_DIR"]).iterdir())
        generation = index_dir / (index_dir / "CURRENT").read_text().strip()
        damage(generation, how, chance)
        info = CliRunner().invoke(cli, ["info", "--corpus", str(corpus)], env=env)
        done = CliRunner().invoke(cli, ["ask", "--json", "--corpus", str(corpus), WAIVERS], env=env)
        fresh_claim = how in META_TAMPERING and "state:            fresh" in info.stdout
        if done.exit_code != 0 or done.stdout != clean or "internal error" in done.output or fresh_claim:
            failures += 1
            notes.append(f"{how}: exit {done.exit_code}, {done.stderr.strip()[:80]}")
    return Outcome("tampered or damaged index (metadata, flipped bytes, truncations)", len(cases), failures,
                   "rebuilt with a one-line notice, the same answer as a clean build; info never says fresh", notes)


def damage(generation: Path, how: str, chance: random.Random) -> None:
    if how in META_TAMPERING:
        meta = json.loads((generation / "meta.json").read_text())
        META_TAMPERING[how](meta)
        (generation / "meta.json").write_text(json.dumps(meta))
        return
    if how.startswith("meta.json"):
        (generation / "meta.json").write_text("[" * 100_000)
        return
    array = chance.choice(sorted(generation.glob("*.npy")))
    data = bytearray(array.read_bytes())
    at = chance.randrange(len(data))
    if how.startswith("flip"):
        data[at] ^= 1 << chance.randrange(8)
    else:
        del data[at:]
    array.write_bytes(bytes(data))


def large_index_flips(work: Path, count: int, chance: random.Random) -> Outcome:
    """Indexes over 64 MiB are not CRC-checked on open: `askiraq index --verify` must find every flipped bit."""
    from click.testing import CliRunner

    from askiraq import store
    from askiraq.cli import cli

    corpus = work / "large"
    shutil.copytree(SHIPPED, corpus)
    below, store.VERIFY_ALL_BELOW_BYTES = store.VERIFY_ALL_BELOW_BYTES, 0  # (every index counts as large)
    failures, notes = 0, []
    try:
        for case in range(count):
            env = {"ASKIRAQ_INDEX_DIR": str(work / f"large-{case}")}
            CliRunner().invoke(cli, ["index", "--corpus", str(corpus)], env=env)
            index_dir = next(Path(env["ASKIRAQ_INDEX_DIR"]).iterdir())
            damage(index_dir / (index_dir / "CURRENT").read_text().strip(), f"flip {case}", chance)
            verified = CliRunner().invoke(cli, ["index", "--verify", "--corpus", str(corpus)], env=env)
            if verified.exit_code != 0 or "index is damaged, rebuilding it" not in verified.stderr:
                failures += 1
                notes.append(f"flip {case} not found: {verified.output.strip()[:80]}")
    finally:
        store.VERIFY_ALL_BELOW_BYTES = below
    return Outcome("a flipped bit in an index over 64 MiB", count, failures,
                   "askiraq index --verify finds it and rebuilds", notes)


# --- fuzzed input -----------------------------------------------------------------------------------------------
ALPHABET = ("abcdefghijklmnopqrstuvwxyz IRAQUS-\"'*?.,:;()[]{}#@/\\0123456789\t\x00\x07\x1b\x85\u2028"
            "éøßقالعراق🙂\ufffd\ufeff")
HOSTILE_LINES = ['{"id": "a", "question": "Iraq \\ud800 troops"}', '{"id": "\\udfff", "question": "Iraq"}',
                 '{"q": ' + "[" * 50_000 + "]" * 50_000 + "}", "{not json", '{"question": 7}', '{"id": [1]}',
                 "[draft] who signed the deal?", "x" * 1_200_000, '{"id": 1, "question": "' + "Iraq " * 1000 + '"}']


def random_question(chance: random.Random) -> str:
    if chance.random() < 0.02:
        return chance.choice(HOSTILE_LINES)
    length = chance.choice([0, 1, 3, 10, 40, 200, 3000])
    return "".join(chance.choice(ALPHABET) for _ in range(length)).replace("\n", " ")


def fuzzed_batches(work: Path, count: int, chance: random.Random) -> Outcome:
    """`count` fuzzed questions as batch lines (100 a batch), and one in fifty also asked alone."""
    from click.testing import CliRunner

    from askiraq.cli import cli

    env = {"ASKIRAQ_INDEX_DIR": str(work / "fuzz-index")}
    failures, notes, asked = 0, [], 0
    while asked < count:
        lines = [random_question(chance) for _ in range(min(100, count - asked))]
        asked += len(lines)
        batch = work / "batch.txt"
        batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done = CliRunner().invoke(cli, ["ask", "--batch", str(batch), "-k", "2"], env=env)
        reported = [line for line in done.stderr.splitlines() if line.startswith("askiraq: error: batch line")]
        binary = done.stderr.startswith("askiraq: error: the batch file is not text")
        expected = sum(1 for n, line in enumerate(lines) if (line.removeprefix("\ufeff") if n == 0 else line).strip())
        accounted = binary or done.stdout.count("\n") + len(reported) == expected
        if done.exit_code not in (0, 1, 2) or "internal error" in done.stderr or not accounted or (
                done.exception is not None and not isinstance(done.exception, SystemExit)):
            failures += 1
            notes.append(f"batch at {asked}: exit {done.exit_code}, {done.stderr.strip()[:80]}")
        for question in lines[::50]:
            alone = CliRunner().invoke(cli, ["ask", "--", question], env=env)
            if alone.exit_code not in (0, 1, 2) or "internal error" in alone.stderr:
                failures += 1
                notes.append(f"{question[:40]!r}: exit {alone.exit_code}")
    return Outcome("fuzzed questions and batch lines", count, failures,
                   "exit 0, 1 or 2; every batch line answered or reported with its number", notes)


# --- names, files, folders --------------------------------------------------------------------------------------
def names_and_files(work: Path) -> Outcome:
    """The file names, folders, devices and FIFOs the campaign found."""
    checks: dict[str, Callable[[Path], bool]] = {
        "a name that is not UTF-8": lambda w: _name(w, os.fsdecode(b"bad\xffname.txt"), "bad\\xffname.txt"),
        "a name with a newline": lambda w: _name(w, "new\nline.txt", "new\\nline.txt"),
        "folders 990 deep": _deep,
        "show a file link by its own name": _link,
        "--expansions /dev/zero": lambda w: _refused(w, "/dev/zero"),
        "--expansions a FIFO": lambda w: _refused(w, _fifo(w / "fifo")),
        "--batch /dev/zero": lambda w: askiraq(["ask", "--batch", "/dev/zero"], w / "i", 60).returncode == 2,
        "a sidecar that is a FIFO": _sidecar_fifo,
    }
    failures, notes = 0, []
    for case, (name, check) in enumerate(checks.items()):
        folder = work / f"names-{case}"
        folder.mkdir()
        try:
            passed = check(folder)
        except (subprocess.TimeoutExpired, OSError) as err:
            passed, name = False, f"{name} ({err})"
        if not passed:
            failures += 1
            notes.append(name)
    return Outcome("hostile file names, deep folders, links, devices, FIFOs", len(checks), failures,
                   "indexed and shown (names escaped), or refused in one line at once", notes)


def _name(work: Path, name: str, printed: str) -> bool:
    corpus = work / "c"
    shutil.copytree(SHIPPED, corpus)
    (corpus / name).write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
    done = askiraq(["ask", "--json", "--corpus", str(corpus), "When did the quindle bridge reopen?"], work / "i")
    citation = json.loads(done.stdout)["results"][0]["citation"] if done.returncode == 0 else ""
    shown = askiraq(["show", citation], work / "i")
    return printed in citation and shown.returncode == 0 and "quindle" in shown.stdout and clean_output(done)


def _deep(work: Path) -> bool:
    corpus = inner = work / "c"
    corpus.mkdir()
    try:
        for _ in range(990):
            inner = inner / "d"
            inner.mkdir()
        (inner / "a.txt").write_text("The quindle bridge reopened on Monday.\n", encoding="utf-8")
        done = askiraq(["ask", "--corpus", str(corpus), "quindle bridge"], work / "i")
        return done.returncode == 0 and clean_output(done)
    finally:  # (shutil.rmtree would recurse as deep)
        (inner / "a.txt").unlink(missing_ok=True)
        while inner != work:
            inner.rmdir()
            inner = inner.parent


def _link(work: Path) -> bool:
    (work / "outside.txt").write_text("The quindle ledger lists every harbour pilot.\n", encoding="utf-8")
    corpus = work / "c"
    shutil.copytree(SHIPPED, corpus)
    (corpus / "odd").mkdir()
    (corpus / "odd" / "passwd.txt").symlink_to(work / "outside.txt")
    askiraq(["index", "--corpus", str(corpus)], work / "i")
    shown = askiraq(["show", str(corpus / "odd" / "passwd.txt") + ":1"], work / "i")
    return shown.returncode == 0 and "quindle ledger" in shown.stdout


def _fifo(path: Path) -> str:
    os.mkfifo(path)
    return str(path)


def _refused(work: Path, path: str) -> bool:
    done = askiraq(["--expansions", path, "Iraq"], work / "i", timeout=60)
    return done.returncode == 2 and done.stderr.count("\n") == 1 and clean_output(done)


def _sidecar_fifo(work: Path) -> bool:
    corpus = work / "c"
    shutil.copytree(SHIPPED, corpus)
    os.mkfifo(corpus / "003_6c8c47967f33c65d.meta.json.fifo")
    os.replace(corpus / "003_6c8c47967f33c65d.meta.json.fifo", corpus / "003_6c8c47967f33c65d.meta.json")
    done = askiraq(["--corpus", str(corpus), WAIVERS], work / "i", timeout=60)
    return done.returncode == 0 and clean_output(done)


# --- churn, leftovers, full disks -------------------------------------------------------------------------------
def churn(work: Path, readers: int, questions: int) -> Outcome:
    """Readers asking while one article is rewritten every 0.2 s."""
    corpus = work / "churn"
    shutil.copytree(SHIPPED, corpus)
    index = work / "churn-index"
    askiraq(["index", "--corpus", str(corpus)], index)
    article = corpus / "003_6c8c47967f33c65d.txt"
    original = article.read_text(encoding="utf-8")
    stop = threading.Event()
    statuses: list[tuple[int, str]] = []

    def edit() -> None:
        edits = 0
        while not stop.is_set():
            edits += 1
            article.write_text(original + f"\nEdit {edits}: Baghdad relies on waivers.\n", encoding="utf-8")
            time.sleep(0.2)

    def read() -> None:
        for _ in range(questions):
            done = askiraq(["--corpus", str(corpus), WAIVERS], index)
            statuses.append((done.returncode, done.stderr.strip()[:80]))

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        threads = [threading.Thread(target=read) for _ in range(readers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        editor.join()
    failed = [f"exit {code}: {err}" for code, err in statuses if code != 0]
    return Outcome(f"{readers} readers while an article is rewritten every 0.2 s", len(statuses), len(failed),
                   "every question answered (a refresh and a retry when it changed)", failed)


def leftovers(work: Path, count: int) -> Outcome:
    corpus = work / "leftovers"
    shutil.copytree(SHIPPED, corpus)
    failures, notes = 0, []
    for case in range(count):
        index = work / f"leftovers-{case}"
        askiraq(["index", "--corpus", str(corpus)], index)
        folder = next(index.iterdir())
        live = (folder / "CURRENT").read_text().strip()
        (folder / f"tmp-{case:032x}").mkdir()
        (folder / f"tmp-{case:032x}" / "post_weight.npy").write_bytes(b"\0" * 65536)
        (folder / f"gen-{case + 1:032x}").mkdir()
        (folder / f"CURRENT.{case:032x}.tmp").write_bytes(b"")
        done = askiraq(["--corpus", str(corpus), WAIVERS], index)
        left = sorted(p.name for p in folder.iterdir())
        if done.returncode != 0 or left != ["CURRENT", live, "lock"]:
            failures += 1
            notes.append(f"case {case}: {left}")
    return Outcome("leftovers of killed writers (tmp-*, gen-*, CURRENT.*.tmp)", count, failures,
                   "removed by the next run", notes)


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[bool]:
    path.mkdir()
    mounted = shutil.which("mount") is not None and os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], capture_output=True)


def full_disks(work: Path, sizes: list[str]) -> Outcome:
    """A first build and a refresh on small tmpfs disks that cannot hold them."""
    corpus = work / "disk-corpus"
    shutil.copytree(SHIPPED, corpus)
    big = " ".join(f"Report {n} of the quindle harbour board on cargo volume {n * 7}." for n in range(8000))
    failures, notes, cases = 0, [], 0
    for number, size in enumerate(sizes):
        with small_disk(work / f"disk-{number}", size) as mounted:
            if not mounted:
                return Outcome("a full disk (small tmpfs)", 0, 0, "skipped: cannot mount a tmpfs here", [])
            (corpus / "big.txt").unlink(missing_ok=True)
            first = askiraq(["--corpus", str(corpus), WAIVERS], work / f"disk-{number}")
            (corpus / "big.txt").write_text(big + "\n", encoding="utf-8")
            stale = askiraq(["--corpus", str(corpus), "quindle harbour board cargo"], work / f"disk-{number}")
            for done in (first, stale):
                cases += 1
                full = "No space left on device" in done.stderr
                if done.returncode != 0 or not clean_output(done) or (full and "in-memory" not in done.stderr):
                    failures += 1
                    notes.append(f"{size}: exit {done.returncode}, {done.stderr.strip()[:80]}")
            left = [p.name for f in (work / f"disk-{number}").iterdir() for p in f.iterdir()
                    if p.name.startswith(("tmp-", "CURRENT."))]
            if left:
                failures += 1
                notes.append(f"{size}: left {left}")
    return Outcome("a full disk (small tmpfs): a first build, a refresh", cases, failures,
                   "answered from memory with a warning; the old index kept, nothing left behind", notes)


def table(outcomes: list[Outcome]) -> str:
    lines = ["| fault | cases | failures | what must hold |", "|---|---|---|---|"]
    lines += [f"| {o.fault} | {o.cases:,} | {o.failures} | {o.holds} |" for o in outcomes]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (0.2: a quick pass)")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    take_ctrl_c_back()

    def scaled(n: int) -> int:
        return max(1, round(n * args.scale))

    chance = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="askiraq-faults-") as temporary:
        work = Path(temporary)
        runs: list[Callable[[], Outcome]] = [
            lambda: kills(work, scaled(24), chance),
            lambda: signals(work, scaled(8), chance),
            lambda: orphaned_workers(work, scaled(10), chance),
            lambda: tampered(work, scaled(100), chance),
            lambda: large_index_flips(work, scaled(30), chance),
            lambda: fuzzed_batches(work, scaled(10_000), chance),
            lambda: names_and_files(work),
            lambda: churn(work, 8, scaled(25)),
            lambda: leftovers(work, scaled(10)),
            lambda: full_disks(work, ["64k", "128k", "256k", "512k"]),
        ]
        outcomes = []
        for run in runs:
            started = time.perf_counter()
            outcome = run()
            outcomes.append(outcome)
            print(f"{outcome.fault}: {outcome.cases} cases, {outcome.failures} failures "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
            for note in outcome.notes[:5]:
                print(f"  {note}", file=sys.stderr)
    print(table(outcomes))
    raise SystemExit(1 if any(o.failures for o in outcomes) else 0)


if __name__ == "__main__":
    main()
