"""Stage 3: text analysis: the words of a text as index/query terms, with spans into the original text.

A text is folded typographically (curly quotes and apostrophes, dashes, NBSP; one character
for one character, so offsets stay valid), split into words, lowercased, checked against the
stop list, stripped of accents and stemmed (Latin-script words only: Snowball English). Every
spelling of the United States ("U.S.", "U. S.", all-caps "US", "USA", "United States") becomes
the single term COUNTRY_TERM; the pronoun "us" stays a stop word.

This module is on the cold query path: it imports neither NLTK nor NumPy, and anything
costly (the stop list, the stemmer) is loaded on first use.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from typing import NamedTuple

from askiraq.memo import lazy_pattern

__all__ = ["COUNTRY_TERM", "Token", "analyze", "breaks_after_hyphen", "broken_words", "normalize",
           "opens_with_stop_word", "plain_digits", "rejoined", "stem", "stopwords", "tokenize"]

COUNTRY_TERM = "usa"
_MAX_CACHE = 1_000_000  # entries per cache before it is simply emptied

# One character for one: (typographic form, plain form). Applied with str.replace, which is
# ~10x faster than str.translate on non-ASCII text.
_NORMALIZE = (
    ("\u2019", "'"), ("\u2018", "'"), ("\u201b", "'"), ("\u02bc", "'"), ("\u2032", "'"),
    ("`", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'), ("\u2033", '"'),
    ("\u2013", "-"), ("\u2014", "-"), ("\u2010", "-"), ("\u2011", "-"), ("\u2012", "-"),
    ("\u2212", "-"), ("\u00a0", " "), ("\u2007", " "), ("\u202f", " "),
)

# Combining marks that may continue a word (Python's \w does not match them): Latin
# diacritics, Cyrillic, Hebrew, Arabic and Syriac marks, and the zero-width (non-)joiners.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0711\u0730-\u074a\u200c\u200d"
)
_STRIP_MARKS_RE = lazy_pattern(f"[{_MARKS}\u0640]")  # ...and the Arabic tatweel, from terms

# Inside a word: an apostrophe, a decimal point, or a thousands comma ("2,000" but not "1,2").
_JOIN = r"(?:'|(?<=\d)\.(?=\d)|(?<=\d),(?=\d{3}(?!\d)))"
_WORD = rf"[^\W_]+(?:(?:[{_MARKS}]+{_JOIN}?|{_JOIN})[^\W_]+)*[{_MARKS}]*"
_US = r"(?:(?i:u\.\s?s(?:\.a)?\.?)|USA?|(?i:united\s+states))(?:'[sS])?"
# Group 1: a spelling of the United States; group 2: any other word.
_TOKEN_RE = re.compile(rf"(?=[Uu])({_US})(?![^\W_])|({_WORD})")


class Token(NamedTuple):
    """One word of a text: its term and where its surface form is in the original text."""

    term: str  # normalised term: stemmed, or the lowercase word for a stop word; never ""
    start: int  # offset of the surface form in the original text
    end: int  # end offset (exclusive)
    stop: bool  # a stop word (kept so that phrase matching can see positions)


def normalize(text: str) -> str:
    """Fold typographic quotes, apostrophes, dashes and spaces, and Arabic-Indic digits; the result has len(text)."""
    if text.isascii():
        return text.replace("`", "'") if "`" in text else text
    for typographic, plain in _NORMALIZE:
        if typographic in text:
            text = text.replace(typographic, plain)
    return plain_digits(text)


# Arabic-Indic and Persian digits, and the Arabic decimal and thousands separators: what Arabic news writes "2023",
# "2,500" and "4.5" with. One character for one.
_EASTERN_DIGITS = lazy_pattern("[\u0660-\u066c\u06f0-\u06f9]")
_DIGIT_FOLD = str.maketrans("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u066b\u066c"
                            "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
                            "0123456789.,0123456789")


def plain_digits(text: str) -> str:
    """`text` with Arabic-Indic and Persian digits as 0-9 ("٢٠٢٣" is "2023"), so that figures and years compare."""
    return text.translate(_DIGIT_FOLD) if not text.isascii() and _EASTERN_DIGITS().search(text) else text


@functools.cache
def stopwords() -> frozenset[str]:
    """The stop list (lowercase words, contractions with a straight apostrophe)."""
    # A plain path, not importlib.resources or pathlib (milliseconds to import on the cold path);
    # the package is always installed as files.
    with open(os.path.join(os.path.dirname(__file__), "data", "stopwords.txt"), encoding="utf-8") as handle:
        raw = handle.read()
    words = (normalize(line.split("#", 1)[0]).strip().lower() for line in raw.splitlines())
    return frozenset(w for w in words if w)


@functools.cache
def _stemmer() -> Callable[[str], str]:
    # PyStemmer: the Snowball project's own C implementation; imports in ~1 ms.
    import Stemmer

    stem_word: Callable[[str], str] = Stemmer.Stemmer("english").stemWord
    return stem_word


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of a lowercase word; cached."""
    result = _STEMS.get(word)
    if result is None:
        result = _stemmer()(word) or word
        if len(_STEMS) >= _MAX_CACHE:
            _STEMS.clear()
        _STEMS[word] = result
    return result


# Surface form of a word (as matched, after normalize) -> (term, is stop word).
_WORDS: dict[str, tuple[str, bool]] = {}


def _analyse_word(word: str) -> tuple[str, bool]:
    lower = word.lower()
    key = lower
    if "'" in key:  # possessive 's goes, other apostrophes are removed ("kata'ib" = "kataib")
        if key.endswith("'s"):
            key = key[:-2]
        key = key.replace("'", "")
    if "," in key:  # only ever a thousands separator between digits
        key = key.replace(",", "")
    if not key.isascii():
        key = _STRIP_MARKS_RE().sub("", _compatible(key)) or key
        key = _without_accents(key)
    stops = stopwords()
    if lower in stops or key in stops:
        result = (key, True)
    elif key.isalpha() and max(key) < "\u0250":  # Latin-script letters only: no numbers
        result = (stem(key), False)
    else:
        result = (key, False)
    if len(_WORDS) >= _MAX_CACHE:
        _WORDS.clear()
    _WORDS[word] = result
    return result


def _compatible(word: str) -> str:
    """A word with the characters that only stand for others as those others (Unicode's compatibility forms, NFKC):
    typesetting's ligatures as PDFs made with LaTeX give them ("ﬁnal", "oﬃcials"), the presentation forms of Arabic
    letters that Arabic PDFs give ("ﺑﻐﺪﺍﺩ" is "بغداد"), full-width letters."""
    import unicodedata

    return unicodedata.normalize("NFKC", word)

# Latin letters that are not a base letter plus an accent, so Unicode does not decompose them.
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                               "ı": "i"})


def _without_accents(word: str) -> str:
    """A Latin-script word without its accents ("cafés" is "cafes", "naïve" "naive", "Tromsø" "tromso"), as a
    user types it."""
    if max(word) >= "\u0250":  # other scripts keep their letters
        return word
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return plain.translate(_UNDECOMPOSED) or word


def tokenize(text: str) -> list[Token]:
    """All word tokens of text, in order, with spans into the original text."""
    tokens: list[Token] = []
    append = tokens.append
    make = tuple.__new__  # skips NamedTuple's Python-level __new__: ~2x faster per token
    words = _WORDS
    for match in _TOKEN_RE.finditer(normalize(text)):
        start, end = match.span()
        word = match.group(2)
        if word is None:
            append(make(Token, (COUNTRY_TERM, start, end, False)))
        else:
            term, stop = words.get(word) or _analyse_word(word)
            append(make(Token, (term, start, end, stop)))
    return tokens


def opens_with_stop_word(text: str) -> bool:
    """Whether the first word token of text is a stop word (as `tokenize` would say, without reading the rest)."""
    match = _TOKEN_RE.search(normalize(text))
    if match is None or match.group(2) is None:
        return False
    word = match.group(2)
    return (_WORDS.get(word) or _analyse_word(word))[1]


def analyze(text: str) -> list[str]:
    """The index/query terms of text: the terms of its tokens that are not stop words."""
    terms: list[str] = []
    append = terms.append
    words = _WORDS
    for country, word in _TOKEN_RE.findall(normalize(text)):
        if country:
            append(COUNTRY_TERM)
            continue
        result = words.get(word)
        if result is None:
            result = _analyse_word(word)
        if not result[1]:
            append(result[0])
    return terms


def breaks_after_hyphen(text: str) -> bool:
    """Whether a line of `text` ends with a hyphen, so wrapping may have broken a word (a quick test before
    any regular expression runs)."""
    return "-\n" in text or "-\r\n" in text or "- \n" in text


_BROKEN_WORD = lazy_pattern(r"([^\W\d_]+)-[ \t]*\r?\n[ \t]*([a-z]+)")  # "navi-" at a line's end, "gable" below


def broken_words(text: str) -> list[str]:
    """The words hard wrapping broke after a hyphen ("navi-\ngable"), whole ("navigable")."""
    if not breaks_after_hyphen(text):
        return []
    return [match.group(1) + match.group(2) for match in _BROKEN_WORD().finditer(text)]


def rejoined(text: str) -> str:
    """`text` with the words hard wrapping broke after a hyphen whole again, as a quoted phrase reads them."""
    return _BROKEN_WORD().sub(r"\1\2", text) if breaks_after_hyphen(text) else text


_SEVERAL = lazy_pattern(r"(?i)[,;&/+]|\b(?:and|or|vs)\b")


def names_a_subject(headline: str, max_words: int) -> bool:
    """Whether a headline names what its article is about ("George Stephenson", "Voyager 1"): a few words and
    one thing. A longer one summarises a story; "Lisbon and Porto, April 2025" names several things."""
    return 0 < len(headline.split()) <= max_words and not _SEVERAL().search(headline)


_SENTENCE_START = re.compile(r"(?:^|[.!?][\"'”’)\]]*\s+)[\"'“‘(\[]*")


def names_and_figures(text: str) -> frozenset[str]:
    """The terms of a text's words written with a capital, but a sentence's first word, and of its figures: its names
    ("Skopje", "U.S.") and figures ("2,000", "7th"): what two tellings of one story share, and two stories told in
    one template do not."""
    starts = {match.end() for match in _SENTENCE_START.finditer(text)}
    return frozenset(token.term for token in tokenize(text) if not token.stop and (
        text[token.start].isdigit() or (text[token.start].isupper() and token.start not in starts)))
