"""The installed `askiraq` command, run as a user runs it: from another folder, in a pipe."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = shutil.which("askiraq", path=str(Path(sys.executable).parent)) or shutil.which("askiraq")
pytestmark = pytest.mark.skipif(COMMAND is None, reason="the askiraq command is not installed")


def askiraq(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert COMMAND
    return subprocess.run([COMMAND, *args], cwd=cwd, env=os.environ.copy(), capture_output=True,
                          text=True, timeout=120)


def test_answers_from_any_folder_with_the_shipped_corpus(tmp_path: Path) -> None:
    done = askiraq("why does Iraq rely on US waivers?", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "electric" in done.stdout
    # The shipped articles live inside the installed package: citations are paths an editor opens from here.
    cited = re.search(r"\[(\S+/00\d_[0-9a-f]+\.txt):(\d+)\]", done.stdout)
    assert cited, done.stdout
    lines = (tmp_path / cited.group(1)).read_text(encoding="utf-8").splitlines()
    assert "sanctions waivers" in lines[int(cited.group(2)) - 1]


def test_python_dash_m_is_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "askiraq", "--version"], cwd=tmp_path,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("askiraq, version ")


def test_exit_status_for_no_answer_and_for_errors(tmp_path: Path) -> None:
    assert askiraq("What is the capital of Australia?", cwd=tmp_path).returncode == 1
    bad = askiraq("ask", "--corpus", str(tmp_path / "missing"), "x", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.startswith("askiraq: error: corpus folder not found")
    assert len(bad.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_ends_quietly_with_the_status_of_what_was_printed(tmp_path: Path) -> None:
    assert COMMAND

    def piped(command: str, reader: str = "head -1") -> tuple[str, str, str]:
        """What `reader` printed, the status of askiraq (last in `command`) and stderr of `command | reader`."""
        script = f"{command} | {reader}; echo \"status ${{PIPESTATUS[{command.count('|')}]}}\""
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=os.environ.copy(),
                              capture_output=True, text=True, timeout=120)
        *printed, status = done.stdout.splitlines()
        return "\n".join(printed), status, done.stderr

    # a reader that leaves before askiraq prints: the status is the answer's, as when it has read it all
    assert piped(f"'{COMMAND}' 'why does Iraq rely on US waivers?'", reader="true") == ("", "status 0", "")
    assert piped(f"'{COMMAND}' 'What is the capital of Australia?'", reader="true") == ("", "status 1", "")
    # a batch's output is far more than a pipe holds (64 KiB): the reader leaves while askiraq is printing
    batch = piped(f"yes 'militia attacks on US bases' | head -400 | '{COMMAND}' ask --batch - -k 10")
    assert batch[0].startswith('{"schema_version": 3') and batch[1:] == ("status 0", "")
    unanswered = piped(f"yes 'What is the capital of Australia?' | head -2000 | '{COMMAND}' ask --batch - -k 10")
    assert unanswered[1:] == ("status 1", "")  # no question answered before the reader left


def test_head_of_a_long_answer_has_no_broken_pipe_noise(tmp_path: Path) -> None:
    command = f"'{COMMAND}' 'why does Iraq rely on US waivers?' -k 20 --explain | head -1"
    done = subprocess.run(command, shell=True, cwd=tmp_path, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and re.fullmatch(r"Answer \(confidence \d+%\):\n", done.stdout)
    assert "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr


def test_shell_completion_of_the_installed_command(tmp_path: Path) -> None:
    assert COMMAND
    env = {**os.environ, "_ASKIRAQ_COMPLETE": "bash_complete", "COMP_WORDS": "askiraq ask --for", "COMP_CWORD": "2"}
    done = subprocess.run([COMMAND], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "plain,--format\n", done.stderr
    script = subprocess.run([COMMAND], cwd=tmp_path, env={**os.environ, "_ASKIRAQ_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60)
    assert "_askiraq_completion" in script.stdout and "complete " in script.stdout


def test_a_question_that_starts_with_an_exclusion_and_debug_tracebacks(tmp_path: Path) -> None:
    done = askiraq("-k", "1", "-Hezbollah attacks", cwd=tmp_path)
    assert done.returncode in (0, 1) and "\n1. " in done.stdout and not done.stderr, done.stderr
    assert "Hezbollah" not in done.stdout
    debug = askiraq("--debug", "--corpus", str(tmp_path / "missing"), "q", cwd=tmp_path)
    assert debug.returncode == 2 and debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.splitlines()[-1].startswith("askiraq: error: corpus folder not found")
