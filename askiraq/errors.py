"""Domain errors. The engine raises these; `cli.py` turns them into one line on stderr.

Each error carries the exit code the CLI uses and a fix-it hint, so the message a user sees
is decided where the problem is understood, not in the CLI.
"""

from __future__ import annotations

EXIT_ANSWERED = 0
EXIT_NO_ANSWER = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a command killed by SIGINT


class AskiraqError(Exception):
    """Base class: something the user can fix. `hint` says how."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class CorpusError(AskiraqError):
    """The corpus folder is missing, unreadable, or has nothing that can be indexed."""


class QueryError(AskiraqError):
    """The question cannot be searched as written (empty, only exclusions, bad filter)."""


class CitationError(AskiraqError):
    """`askiraq show` was given a citation that names no passage."""


class ArticleNotIndexed(CitationError):
    """The citation's article is not in the index asked (it may be in another corpus)."""


class IndexStoreError(AskiraqError):
    """The index folder could not be written (or vanished) and the index could not be kept."""


class StaleIndex(AskiraqError):
    """An article changed after the index was checked (found when reading it): refresh the index and retry.

    The CLI does that itself; the error reaches a user only if the corpus keeps changing under it.
    """

    def __init__(self, detail: str, path: str = "") -> None:
        super().__init__(f"the corpus changed while askiraq was reading it ({detail})", "run the command again")
        self.detail = detail
        self.path = path  # the article that changed (relative to the corpus folder)


class CorruptIndex(AskiraqError):
    """A stored index failed a check. Inside the index layer it means "rebuild"; it reaches a user only
    when an index is found damaged in the middle of a question."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the index is damaged: {detail}", "rebuild it with askiraq index --force")
        self.detail = detail


class OutdatedIndex(CorruptIndex):
    """A stored index in another format version (built by another askiraq): rebuilt, not reported as damage."""


class SemanticUnavailable(AskiraqError):
    """--semantic was asked for, but the model shipped in the package is missing or damaged (a broken install)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "reinstall askiraq: pip install --force-reinstall askiraq")


class Stopped(BaseException):
    """SIGTERM or SIGHUP arrived (a service manager, a closed terminal): raised wherever askiraq is, as Ctrl-C raises
    KeyboardInterrupt, so that a build stops its workers and leaves the index as it was. Not an Exception: nothing
    catches it on the way out (the exit status is 128 + the signal's number, as a shell reports it)."""

    def __init__(self, signum: int, word: str) -> None:
        super().__init__(signum, word)
        self.signum = signum
        self.word = word  # what the one line says: "terminated", "hung up"
