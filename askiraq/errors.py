"""Domain errors. The engine raises these; `cli.py` turns them into one line on stderr.

Each error carries the exit code the CLI uses and a fix-it hint, so the message a user sees
is decided where the problem is understood, not in the CLI.
"""

from __future__ import annotations

EXIT_ANSWERED = 0
EXIT_NO_ANSWER = 1
EXIT_ERROR = 2


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


class IndexError_(AskiraqError):
    """The index could not be written or read and could not be rebuilt."""


class StaleIndex(Exception):
    """An article changed after the index was checked (found when reading it); refresh and retry."""


class CorruptIndex(Exception):
    """Raised inside the index layer when a stored index fails a check; triggers a rebuild."""
