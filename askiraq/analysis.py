"""Stage 3: text → terms. Used identically for passages at index time and questions at query time.

Lowercase word tokens, typographic quotes folded, possessives dropped, the United States in any
spelling (U.S., U. S., US, USA, United States) as one term, shipped English stop words, Snowball
stemming. No NLTK or NumPy here: this module is on the cold query path.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import NamedTuple

import Stemmer

COUNTRY_TERM = "usa"

_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'", "“": '"', "”": '"', "„": '"',
                       "″": '"', "–": "-", "—": "-", "\u00a0": " "})
_WORD = re.compile(
    r"(?P<country>\bU\.\s?S\.(?:\s?A\.)?|\bUSA?\b|\b[Uu]nited\s+[Ss]tates\b)"
    r"|(?P<word>[^\W_](?:[^\W_]|(?<=\d)[.,](?=\d)|'(?=[^\W_]))*)"
)
_STEMMER = Stemmer.Stemmer("english")
_STEMS: dict[str, str] = {}
_TERMS: dict[str, str] = {}


class Token(NamedTuple):
    term: str
    start: int
    end: int
    stop: bool


def normalize(text: str) -> str:
    """Fold typographic quotes, apostrophes and dashes to ASCII; same length as the input."""
    return text.translate(_FOLD)


@cache
def stopwords() -> frozenset[str]:
    text = (Path(__file__).parent / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.split("#", 1)[0].strip().lower()))


def stem(word: str) -> str:
    """Snowball stem of a lowercase word (numbers and non-Latin words are returned as they are)."""
    stemmed = _STEMS.get(word)
    if stemmed is None:
        stemmed = _STEMMER.stemWord(word) if word.isascii() and word.isalpha() else word
        if len(_STEMS) < 1_000_000:
            _STEMS[word] = stemmed
    return stemmed


def _surface(word: str) -> str:
    """A lowercase word as matched: possessive and inner apostrophes dropped, digit groups joined."""
    if "'" in word:
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
    if word and word[0].isdigit():
        return word.replace(",", "")
    return word


def _term(lowered: str) -> str:
    """The index term of a lowercase word, "" for a stop word (cached: the hot path of indexing)."""
    term = _TERMS.get(lowered)
    if term is None:
        word = _surface(lowered)
        term = "" if not word or word in stopwords() else stem(word)
        if len(_TERMS) < 1_000_000:
            _TERMS[lowered] = term
    return term


def tokenize(text: str) -> list[Token]:
    """All word tokens of `text` with their spans; stop words flagged, not removed."""
    tokens = []
    for match in _WORD.finditer(normalize(text)):
        if match.lastgroup == "country":
            tokens.append(Token(COUNTRY_TERM, match.start(), match.end(), False))
            continue
        lowered = match.group().lower()
        term = _term(lowered)
        if term:
            tokens.append(Token(term, match.start(), match.end(), False))
        elif word := _surface(lowered):
            tokens.append(Token(word, match.start(), match.end(), True))
    return tokens


def analyze(text: str) -> list[str]:
    """The index and query terms of `text`: stemmed, stop words removed (same as tokenize, faster)."""
    terms = []
    get = _TERMS.get
    for country, word in _WORD.findall(text.translate(_FOLD)):
        if country:
            terms.append(COUNTRY_TERM)
            continue
        lowered = word.lower()
        term = get(lowered)
        if term is None:
            term = _term(lowered)
        if term:
            terms.append(term)
    return terms
