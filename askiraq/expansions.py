"""Stage 5 (search), query-side expansion: aliases and domain synonyms, so questions need not use the article's words.

Groups live in a plain text file shipped with the package (`data/expansions.txt`); users add
their own file in the same format. Expansions are matched and emitted as analysed terms, so
"U.S.", "US" and "United States" or "Kata'ib" and "Kataib" behave as one form.
"""

import os
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from askiraq.analysis import analyze
from askiraq.errors import QueryError
from askiraq.files import read_regular_file

MAX_EXPANSIONS_BYTES = 16 * 1024 * 1024  # a user's groups: the shipped synonyms, all of WordNet's, are 1.3 MB

if TYPE_CHECKING:
    import mmap


class Expansion(NamedTuple):
    """One extra search term, and the word of the question that brought it in."""

    term: str
    weight: float
    trigger: str
    form: str


class _Rule(NamedTuple):
    triggers: tuple[tuple[tuple[str, ...], str], ...]  # (analysed terms, surface form)
    targets: tuple[tuple[tuple[str, ...], str], ...]


class Thesaurus(NamedTuple):
    rules: tuple[_Rule, ...]

    def expand(self, query_terms: list[str], weight: float) -> list[Expansion]:
        """Extra terms, at `weight`, for a question's analysed terms (none that it already has)."""
        have = set(query_terms)
        found: dict[str, Expansion] = {}
        by_first_term = _rules_by_first_term(self.rules)
        candidates = sorted({i for term in have for i in by_first_term.get(term, ())})
        for rule in (self.rules[i] for i in candidates):
            trigger = next((surface for terms, surface in rule.triggers
                            if terms[0] in have and _contains(query_terms, terms)), None)
            if trigger is None:
                continue
            for terms, surface in rule.targets:
                for term in terms:
                    if term not in have and term not in found:
                        found[term] = Expansion(term, weight, trigger, surface)
        return list(found.values())


@lru_cache(maxsize=8)
def _rules_by_first_term(rules: tuple[_Rule, ...]) -> dict[str, tuple[int, ...]]:
    """Which rules a question term can trigger (rule order kept): expanding looks only at those."""
    index: dict[str, list[int]] = {}
    for i, rule in enumerate(rules):
        for terms, _surface in rule.triggers:
            if i not in index.setdefault(terms[0], []):
                index[terms[0]].append(i)
    return {term: tuple(ids) for term, ids in index.items()}


def _contains(haystack: list[str], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(tuple(haystack[i:i + n]) == needle for i in range(len(haystack) - n + 1))


def _forms(text: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    forms = ((tuple(analyze(form)), form.strip()) for form in text.split(","))
    return tuple((terms, surface) for terms, surface in forms if terms)


def parse_rules(text: str, origin: str) -> tuple[_Rule, ...]:
    """Rules from the expansions file format; QueryError names the bad line."""
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        triggers = _forms(left)
        targets = _forms(right) if arrow else triggers
        if not triggers or (arrow and not targets):
            raise QueryError(f"{origin}:{number}: expansion line has no searchable words",
                             "write groups as 'a, b, c' or 'a => b'")
        rules.append(_Rule(triggers, targets))
    return tuple(rules)


@cache
def _shipped_rules() -> tuple[_Rule, ...]:
    with open(os.path.join(os.path.dirname(__file__), "data", "expansions.txt"), encoding="utf-8") as handle:
        text = handle.read()
    return parse_rules(text, "expansions.txt")


@cache
def _synonym_table() -> "mmap.mmap":
    """The shipped synonyms file (sorted lines `term<TAB>synonym ...`), memory-mapped: a lookup reads a few pages of
    its 1.3 MB, not all of it."""
    import mmap

    with open(os.path.join(os.path.dirname(__file__), "data", "synonyms.txt"), "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


@lru_cache(maxsize=4096)  # (a batch asks the same words again)
def synonyms(term: str) -> tuple[str, ...]:
    """General synonyms of an analysed term (WordNet 3.1, its word's three most frequent senses), by a binary
    search of the sorted file: a question looks up a few terms, so nothing is parsed or loaded per word."""
    return tuple(found.decode("utf-8").split()) if (found := _lookup(_synonym_table(), term.encode("utf-8"))) else ()


@lru_cache(maxsize=4096)
def is_english_word(term: str) -> bool:
    """Whether an analysed term is a word WordNet knows (every one of its one-word lemmas has a line in the
    synonyms file, with or without synonyms): a question word that is one is never taken for a typing slip."""
    return _lookup(_synonym_table(), term.encode("utf-8")) is not None


def _lookup(table: "bytes | mmap.mmap", key: bytes) -> bytes | None:
    """The text after the tab of the line whose key is `key`, in lines sorted by key (comment lines first)."""
    low, high = 0, len(table)
    while low < high:
        start = table.rfind(b"\n", 0, (low + high) // 2) + 1  # the line around the middle
        end = table.find(b"\n", start)
        end = len(table) if end < 0 else end
        tab = table.find(b"\t", start, end)
        line_key = table[start:tab] if tab >= 0 else table[start:end]
        if line_key == key and tab >= 0:
            return table[tab + 1:end]
        if line_key <= key:
            low = end + 1
        else:
            high = start
    return None


def load_thesaurus(extra: "str | os.PathLike[str] | None" = None, *, enabled: bool = True) -> Thesaurus:
    """The shipped groups plus the user's (`extra`, else ASKIRAQ_EXPANSIONS); empty if disabled."""
    if not enabled:
        return Thesaurus(())
    rules = _shipped_rules()
    extra = extra or os.environ.get("ASKIRAQ_EXPANSIONS") or None
    if extra is not None:
        try:
            data = read_regular_file(os.fspath(extra), MAX_EXPANSIONS_BYTES)
            if len(data) > MAX_EXPANSIONS_BYTES:
                raise ValueError(f"larger than {MAX_EXPANSIONS_BYTES >> 20} MiB")
            text = data.decode("utf-8")
        except OSError as err:
            raise QueryError(f"cannot read expansions file {extra}: {err.strerror}",
                             "check the path given by --expansions or ASKIRAQ_EXPANSIONS") from err
        except ValueError as err:  # (UnicodeDecodeError is one)
            raise QueryError(f"cannot read expansions file {extra}: {err}",
                             "check the path given by --expansions or ASKIRAQ_EXPANSIONS") from err
        if "\x00" in text:
            raise QueryError(f"expansions file {extra} is not text (it holds NUL bytes)",
                             "check the path given by --expansions or ASKIRAQ_EXPANSIONS")
        rules = rules + parse_rules(text, os.fspath(extra))
    return Thesaurus(rules)
