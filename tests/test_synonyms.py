"""General synonyms: a binary search of a sorted file, so that a question loads nothing per word."""

from __future__ import annotations

from pathlib import Path

import pytest

from askiraq import expansions
from askiraq.analysis import analyze

SHIPPED = Path(expansions.__file__).parent / "data" / "synonyms.txt"


@pytest.mark.parametrize(("key", "found"), [
    (b"apple", b"pome"), (b"kiwi", b"chinese gooseberry"), (b"zebra", b"quagga"),  # first, middle, last
    (b"aardvark", None), (b"fig", None), (b"zz", None), (b"", None), (b"# about", None),  # absent, or a comment
])
def test_looking_up_a_sorted_table(key: bytes, found: bytes | None) -> None:
    table = b"# about\n#\napple\tpome\nkiwi\tchinese gooseberry\nzebra\tquagga"
    assert expansions._lookup(table, key) == found


def test_every_shipped_line_is_found_where_a_binary_search_looks() -> None:
    lines = [line for line in SHIPPED.read_bytes().split(b"\n") if line and not line.startswith(b"#")]
    keys = [line.split(b"\t", 1)[0] for line in lines]
    assert keys == sorted(set(keys)) and all(b"\t" in line for line in lines)  # sorted, unique, well formed
    for line in lines[::997]:
        key, _, words = line.partition(b"\t")
        assert expansions.synonyms(key.decode()) == tuple(words.decode().split())


def test_synonyms_are_analysed_terms() -> None:
    assert "attack" in expansions.synonyms(analyze("assault")[0])
    assert expansions.synonyms("no-such-term") == ()


def test_every_english_word_is_known_even_without_synonyms() -> None:
    assert expansions.is_english_word(analyze("bridge")[0]) and expansions.is_english_word(analyze("aardvark")[0])
    assert not expansions.is_english_word("mayr") and not expansions.is_english_word("zorblat")

