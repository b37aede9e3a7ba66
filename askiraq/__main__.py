"""The `askiraq` command (and `python -m askiraq`). The signals that stop askiraq are taken over first, before the
package is imported, so that even a slow start that is stopped ends in one line and the shell's status: Ctrl-C
"askiraq: interrupted" (130), SIGTERM "askiraq: terminated" (143), SIGHUP "askiraq: hung up" (129)."""

import contextlib
import signal
import sys
from typing import NoReturn

from askiraq.errors import EXIT_INTERRUPTED, Stopped

_STOP_SIGNALS = {"SIGTERM": "terminated", "SIGHUP": "hung up"}


def _stop(signum: int, _frame: object) -> None:
    for name in _STOP_SIGNALS:  # one is enough: nothing interrupts the clean-up it starts
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Stopped(signum, _STOP_SIGNALS[signal.Signals(signum).name])


def _said(line: str, status: int) -> NoReturn:
    with contextlib.suppress(OSError):  # (after SIGHUP the terminal may be gone)
        print(f"askiraq: {line}", file=sys.stderr, flush=True)
    raise SystemExit(status)


def main() -> NoReturn:
    for name in _STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    try:
        from askiraq.cli import main as run

        run()
    except KeyboardInterrupt:  # (while starting: once a command runs, the CLI says it itself)
        _said("interrupted", EXIT_INTERRUPTED)
    except Stopped as stopped:
        _said(stopped.word, 128 + stopped.signum)


if __name__ == "__main__":
    main()
