"""The `askiraq` command (and `python -m askiraq`). The signals that stop askiraq are taken over first, before the
package is imported, so that even a slow start that is stopped ends in one line and the shell's status: Ctrl-C
"askiraq: interrupted" (130), SIGTERM "askiraq: terminated" (143), SIGHUP "askiraq: hung up" (129)."""

import _signal  # type: ignore[import-not-found]  # (the C module: `signal` builds three enums on every start, 1 ms)
import contextlib
import sys
from typing import NoReturn

from askiraq.errors import EXIT_INTERRUPTED, Stopped

_STOP_SIGNALS = {"SIGTERM": "terminated", "SIGHUP": "hung up"}


_WORDS = {getattr(_signal, name): word for name, word in _STOP_SIGNALS.items() if hasattr(_signal, name)}


def _stop(signum: int, _frame: object) -> None:
    for number in _WORDS:  # one is enough: nothing interrupts the clean-up it starts
        _signal.signal(number, _signal.SIG_IGN)
    raise Stopped(signum, _WORDS[signum])


def _said(line: str, status: int) -> NoReturn:
    with contextlib.suppress(OSError):  # (after SIGHUP the terminal may be gone)
        print(f"askiraq: {line}", file=sys.stderr, flush=True)
    raise SystemExit(status)


def main() -> NoReturn:
    for number in _WORDS:
        _signal.signal(number, _stop)
    try:
        from askiraq.cli import main as run

        run()
    except KeyboardInterrupt:  # (while starting: once a command runs, the CLI says it itself)
        _said("interrupted", EXIT_INTERRUPTED)
    except Stopped as stopped:
        _said(stopped.word, 128 + stopped.signum)


if __name__ == "__main__":
    main()
