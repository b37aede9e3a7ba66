"""Stage 5 (search), query syntax: "exact phrases", -exclusions and -"excluded phrases"; the rest is plain text.

Parsed before analysis so that the question's own words, its phrases and its exclusions can be
treated differently. An unclosed quote is taken literally; a hyphen inside a word (Iran-backed,
al-Sudani) or before a digit (-5) is not an exclusion.
"""

import re
from typing import NamedTuple

from askiraq.analysis import normalize

_TOKEN = r'(?P<neg>(?<!\S)-)?"(?P<phrase>[^"]*)"|(?<!\S)-(?P<word>[^\W\d_][^\s"]*)'


class ParsedQuery(NamedTuple):
    text: str  # the words to score: the question without its exclusions (phrases included)
    phrases: tuple[str, ...]
    excluded_words: tuple[str, ...]
    excluded_phrases: tuple[str, ...]

    @property
    def has_positive_part(self) -> bool:
        return bool(self.text.strip())


def parse_query(question: str) -> ParsedQuery:
    """Split a question into plain text, required phrases and exclusions."""
    folded = normalize(question)  # same length: offsets in `folded` are offsets in `question`
    if '"' not in folded and "-" not in folded:
        return ParsedQuery(" ".join(question.split()), (), (), ())
    phrases: list[str] = []
    excluded_words: list[str] = []
    excluded_phrases: list[str] = []
    kept: list[str] = []
    last = 0
    for match in re.finditer(_TOKEN, folded):
        kept.append(question[last:match.start()])
        last = match.end()
        if match.group("word"):
            excluded_words.append(question[match.start("word"):match.end("word")])
        elif match.group("neg"):
            if match.group("phrase").strip():
                excluded_phrases.append(question[match.start("phrase"):match.end("phrase")])
        else:
            phrase = question[match.start("phrase"):match.end("phrase")]
            if len(phrase.split()) > 1:  # one quoted word is emphasis or a scare quote, not a phrase
                phrases.append(phrase)
            kept.append(" " + phrase + " ")
    kept.append(question[last:])
    text = " ".join("".join(kept).split())
    return ParsedQuery(text, tuple(phrases), tuple(excluded_words), tuple(excluded_phrases))
