"""Stage 4 (index), one bounded memo for the read side: batches ask about the same terms and passages again.

A memo that reaches its bound is simply emptied: cheaper than LRU bookkeeping on every lookup, and
a long batch keeps flat memory. Each user says why its bound is what it is. And regular expressions compiled when
first needed, not at import.
"""

import functools
import re
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Values computed once per key, at most `limit` of them at a time."""

    __slots__ = ("_compute", "_limit", "_values")

    def __init__(self, compute: Callable[[K], V], limit: int) -> None:
        self._compute = compute
        self._limit = limit
        self._values: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        value = self._values.get(key)
        if value is None:
            value = self._compute(key)
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[key] = value
        return value


def lazy_pattern(source: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A regular expression compiled when first used, then kept: compiled at import, the patterns for text a question
    may never meet (Markdown markup, e-mail headers, a citation typed by hand) cost every cold question milliseconds."""
    return functools.cache(lambda: re.compile(source, flags))
