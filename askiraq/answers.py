"""Stage 5 (search), answer heuristics on plain text: what a question wants, whether a sentence has it.

Kept apart from search.py so that each rule can be read, and tested, on a made-up sentence:
"How many X" wants a figure that counts X ("2,000 U.S. troops" counts troops; "Oct. 7" and
"three Iraqi soldiers" do not count American soldiers), "when" wants a date, "who" a name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from askiraq.analysis import analyze, breaks_after_hyphen, plain_digits, stopwords, tokenize
from askiraq.corpus import MONTHS
from askiraq.memo import lazy_pattern
from askiraq.tuning import FIGURE_NOUN_WORDS

# A figure, perhaps with a unit written on to it ("20p", "5km", "2GB"), not a year or a decade ("1990s").
_FIGURE = (r"(?i)(?<![\w.,])(?!(?:19|20)\d\ds?\b)(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
           r"(?:(?!(?:st|nd|rd|th)\b)[^\W\d_]{1,3})?(?!\w|,\d)"
           r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
           r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
           r"thousand|dozens?|hundreds|thousands|million|billion)\b")
_ABBREVIATED_MONTHS = [month[:3].capitalize() for month in MONTHS]  # "Jan" ... "Dec"
_MONTH = rf"(?:{'|'.join(_ABBREVIATED_MONTHS)})[a-z]*\.?"  # "Oct.", "October"
_DAY_OR_TIME = rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}|\b{_MONTH}\s+\d{{1,2}}\b|\b\d{{1,2}}:\d\d\b"
# A year before 1900 after a word that dates ("built in 1868", "since 1602"); later years are never figures.
_OLD_YEAR = r"(?i)\b(?:in|since|from|until|till|by|before|after|around|circa|c\.)\s+1\d\d\d\b"
# Digits in brackets restating the figure in words before them: "thirty (30) days" counts days.
_RESTATED = lazy_pattern(r"\s*\(\s*\d[\d,.]*\s*\)")
_DATE = rf"(?i)\b(1[89]|20)\d\ds?\b|\b{_MONTH}\s+\d|\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
# Capital and small letters of the Latin, Greek and Cyrillic scripts, so that "Jürgen Weiß", "Émile Zola" and
# "Łukasz Nowak" are names too (Python's re has no \p{Lu}).
_LATIN_TO_CYRILLIC = [chr(c) for c in range(0xC0, 0x530)]
_UPPER = "A-Z" + "".join(c for c in _LATIN_TO_CYRILLIC if c.isupper())
_LOWER = "a-z" + "".join(c for c in _LATIN_TO_CYRILLIC if c.islower())
_CAPITALISED = f"[{_UPPER}][{_LOWER}]+"
# Name particles between a name's parts: "Tarcísio de Freitas", "Ludwig van Beethoven", "Hadi al-Amiri".
_PARTICLE = r"(?:(?:al|el|de|da|do|dos|das|di|du|del|della|van|von|der|den|le|la|bin|ibn|ben)[ -])?"
_MORE_PARTS = rf"(?:[ -]{_PARTICLE}{_CAPITALISED})+"  # a name's parts after its first
_NAME = rf"(?<![.!?]\s)(?<!^)\b{_CAPITALISED}{_MORE_PARTS}"
# A name opening the sentence ("William Caxton printed ..."), told from "The Golden ..." or "In March" by its
# first word, which is not a stop word.
_NAME_FIRST = rf"({_CAPITALISED}){_MORE_PARTS}\b"  # (compiled on first use: off the cold path)

_WANTS_AFTER = {  # second word after "how"/"what"/"which" that says what kind of answer is wanted
    "how": {"many": "number", "much": "number", "long": "number", "often": "number", "far": "number",
            "old": "number"},
    "what": {"number": "number", "percentage": "number", "amount": "number", "year": "date", "date": "date",
             "day": "date", "month": "date"},
    "which": {"group": "name", "person": "name", "official": "name", "leader": "name", "camp": "name",
              "party": "name", "organization": "name", "organisation": "name", "year": "date", "date": "date",
              "day": "date", "month": "date"},
}
_WANTS_WORD = {"when": "date", "who": "name", "whom": "name", "whose": "name", "where": "place"}
# Questions for an amount, which only a figure gives. Not "how long" or "how often": "for decades", "since 2003" and
# "every spring" answer them in words (or a year).
_AMOUNTS = frozenset((("how", "much"), ("how", "far"), ("how", "old"), ("what", "amount"), ("what", "percentage"),
                      ("what", "number")))


# Common irregular past tenses: "how many visitors came" counts visitors, not "came" ("-ed" verbs are seen by shape).
_IRREGULAR_PAST = frozenset((
    "became", "began", "bought", "brought", "built", "came", "caught", "chose", "drew", "drove", "fell", "fled",
    "flew", "fought", "found", "gave", "got", "grew", "held", "hid", "hit", "kept", "knew", "led", "left", "lost",
    "made", "met", "paid", "put", "ran", "rang", "rode", "rose", "said", "sang", "sank", "sat", "saw", "sent",
    "shot", "sold", "spent", "spoke", "stood", "stole", "struck", "swam", "swore", "took", "taught", "thought",
    "threw", "told", "tore", "went", "won", "wore", "wrote",
))


class Wanted(NamedTuple):
    """The kind of answer a question asks for, and for "how many X" the analysed terms of X."""

    kind: str  # "number", "date", "name", "place" or ""
    counted: tuple[str, ...]  # X of "how many X" (head noun last); () for any other question
    named: frozenset[str] = frozenset()  # X's capitalised words (American, Kataib): the figure must name them
    amount: bool = False  # "how much", "how far", "what percentage": only a sentence with a figure answers it
    reason: bool = False  # "why", "how come": a sentence giving a reason or a purpose answers it


_QUESTION_WORDS = frozenset((
    "who", "whom", "whose", "what", "when", "where", "which", "why", "how", "is", "are", "was", "were", "do", "does",
    "did", "can", "could", "will", "would", "should", "has", "have", "had",
))


QUESTION_MARKS = ("?", "\u061f")  # and Arabic's, "؟"


def asks(sentence: str) -> bool:
    """Whether a sentence is itself a question ("Could I ask that item 8 include the bonfire rules?")."""
    return sentence.rstrip("\"”’') ").endswith(QUESTION_MARKS)


def is_asked_in_words(question: str) -> bool:
    """A question put as a sentence ("Why did the boats sink?"), not keywords ("election turnout")."""
    words = question.split()
    return bool(words) and (question.rstrip().endswith(QUESTION_MARKS) or words[0].lower() in _QUESTION_WORDS)


_WORD_RE = re.compile(r"[^\W_]+")
_CLAUSE_OPENERS = ".?!:;,(\u2014\"\u201c"


def wanted(question: str, degrees: bool = True) -> Wanted:
    """What kind of answer the question wants, from a question word that opens it or one of its clauses, perhaps
    after a preposition ("How many ...", "In what year ...", "..., and when was it ..."); not one inside a clause
    ("reports about how many vessels ...", "where there was no firm ground"). With `degrees`, "how" before any other
    word that is not a stop word asks for a figure too ("How big ...", "How deadly ...")."""
    matches = list(_WORD_RE.finditer(question.lower()))
    words = [m.group() for m in matches]
    opening = [not at or question[max(0, m.start() - 20):m.start()].rstrip()[-1:] in _CLAUSE_OPENERS
               for at, m in enumerate(matches)]
    stops = stopwords()
    for at, (word, following) in enumerate(zip(words, [*words[1:], ""][:len(words)], strict=True)):
        if not (opening[at] or (opening[at - 1] and (words[at - 1] in stops or words[at - 1] == "since"))):
            continue
        kind = _WANTS_AFTER.get(word, {}).get(following) or _WANTS_WORD.get(word)
        if not kind and degrees and word == "how" and _is_degree(question, matches[at + 1:at + 2], stops):
            kind = "number"
        if kind:
            if (word, following) == ("how", "many"):
                return Wanted(kind, *_counted(question))
            return Wanted(kind, (), amount=(word, following) in _AMOUNTS)
        if word == "why" or (word, following) == ("how", "come"):
            return Wanted("", (), reason=True)
    return Wanted("", ())


def _is_degree(question: str, following: list[re.Match[str]], stops: frozenset[str]) -> bool:
    """Whether the word after "how" asks for a degree, which a figure gives ("how big", "how deadly", "how low"): a
    lower-case word that is not a stop word ("how did", "how the"), a name ("how Iran funds") or "how come" (why)."""
    if not following:
        return False
    word = question[following[0].start():following[0].end()]
    return word.islower() and word not in stops and word != "come" and not _is_plural(word)


def _counted(question: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """X in "how many X …": the words after "many" up to a stop word or a verb; and X's capitalised words."""
    tokens = tokenize(question)
    after = next((i + 1 for i, t in enumerate(tokens) if t.term == "many"), len(tokens))
    counted: list[str] = []
    named: set[str] = set()
    for token in tokens[after:]:
        word = question[token.start:token.end]
        if token.stop or word.lower() in _IRREGULAR_PAST or (len(word) > 4 and word.lower().endswith("ed")):
            break
        counted.append(token.term)
        if word[:1].isupper():
            named.add(token.term)
        if _is_plural(word):  # the thing counted: "how many wooden piles hold up ..." counts piles
            break
    return tuple(counted), frozenset(named)


def _is_plural(word: str) -> bool:
    """A regular plural noun by its shape ("piles", "troops"; not "bus", "glass", "U.S.")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isalpha()


class Figure(NamedTuple):
    """A figure in a sentence (years excepted) and what follows it."""

    value: str  # "2000", "three", "dozens"
    following: tuple[str, ...]  # the terms of the next FIGURE_NOUN_WORDS words (stop words aside)
    counted: tuple[str, ...]  # the terms of the noun phrase it counts: "dozens of attacks on bases" -> attack
    # The terms of the last FIGURE_NOUN_WORDS words before it in its clause: "members voted 41 to 6" counts members.
    preceding: tuple[str, ...] = ()
    measure: str = ""  # "average" ("an average of 23"), "limit" ("up to 312", "a capacity of 312"), or "" (a count)


# A list item's or section's number opening a sentence ("1. Use the fund first", "(3) The board"): no figure.
_NUMBERING = lazy_pattern(r"\s*(?:[-*+\u2022]\s+)?\(?\d{1,3}[.)](?=\s)")


@functools.lru_cache(maxsize=65536)
def figures(sentence: str) -> tuple[Figure, ...]:
    """Each figure in a sentence (years and its opening list number excepted) with the words around it and the kind
    of measure they make it."""
    found = []
    sentence = plain_digits(sentence)
    numbering = _NUMBERING().match(sentence)
    for match in re.compile(_FIGURE).finditer(sentence, numbering.end() if numbering else 0):
        tail = sentence[match.end():match.end() + 60]
        if sentence[match.start() - 1:match.start()] == "(" and tail.startswith(")"):  # the "(30)" of "thirty (30)"
            tail = tail[1:]
        elif restated := _RESTATED().match(tail):
            tail = tail[restated.end():]
        clause = _clause_before(sentence[:match.start()])
        found.append(Figure(match.group().replace(",", "").lower(), tuple(analyze(tail)[:FIGURE_NOUN_WORDS]),
                            _counted_after(tail), tuple(analyze(clause)[-FIGURE_NOUN_WORDS:]), _measure(clause, tail)))
    return tuple(found)


def _clause_before(text: str) -> str:
    """The clause a figure is in, up to the figure; for a figure right after a colon, the label before it ("the
    borehole had dried up: 19", "Not working: 97"), which names what it counts."""
    clauses = _CLAUSE_BREAK().split(text)
    if len(clauses) > 1 and not clauses[-1].strip() and text.rstrip().endswith(":"):
        return clauses[-2]
    return clauses[-1]


def _measure(before: str, after: str) -> str:
    """What kind of figure the words around it make it: "average", "rate", "limit", or "" (a plain count)."""
    after = _CLAUSE_BREAK().split(after)[0]
    return next((name for name, ahead, behind in _measures() if ahead.search(before) or behind.match(after)), "")


_PHRASE_BREAK = frozenset(",;:()[].!?")
# Words right before a figure, or just after its noun, that make it another measure than a plain count: an average,
# a rate ("a day", "per crossing") or a limit ("up to", "a capacity of"). Two measures never disagree.
_NOUN_THEN = r"\W*(?:[\w'.-]+\s+){0,3}?"  # (matched at the start of the text after the figure)
_UNITS = r"day|week|month|year|hour|minute|crossing|trip|flight|journey|sailing|visit|person|head|capita"
_PERIODIC = r"daily|weekly|monthly|yearly|annually|hourly"


@functools.cache
def _measures() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    """(name, words before the figure, words after its noun), compiled on first use: off the cold path."""
    return (
        ("average", re.compile(r"\b(?:averag\w*|mean|median|typically|usually|normally)(?:\s+of)?\s*$", re.I),
         re.compile(_NOUN_THEN + r"on\s+average\b", re.I)),
        ("rate", re.compile(r"\b(?:per|each|every)\s+\w+\s*$", re.I),
         re.compile(_NOUN_THEN + rf"(?:(?:per|a|an|each|every)\s+(?:{_UNITS})|{_PERIODIC})\b", re.I)),
        ("limit", re.compile(r"\b(?:up\s+to|maximum(?:\s+of)?|max\.?|capacity(?:\s+of)?|at\s+most|no\s+more\s+than|"
                             r"certified\s+for|limit(?:ed)?\s+(?:of|to))\s*$", re.I), re.compile(r"(?!)")),
    )


# (Not a thousands comma, "2,000"; nor a full stop, which inside a sentence ends an abbreviation, "U.S.")
_CLAUSE_BREAK = lazy_pattern(r"[;:()\[\]!?]|,(?!\d)")


def _counted_after(tail: str) -> tuple[str, ...]:
    """The terms of the noun phrase a figure counts: a leading "of" skipped, then up to the next stop
    word or punctuation ("dozens of attacks on U.S. bases" counts attacks; "2,000 U.S. troops in" troops)."""
    terms: list[str] = []
    end = 0
    for token in tokenize(tail):
        if (token.stop and terms) or not _PHRASE_BREAK.isdisjoint(tail[end:token.start]):
            break
        end = token.end
        if not token.stop:
            terms.append(token.term)
            if len(terms) == FIGURE_NOUN_WORDS:
                break
    return tuple(terms)


def question_figures(text: str) -> frozenset[str]:
    """Figures the question itself mentions (never an answer to it)."""
    return frozenset(figure.value for figure in figures(text))


class Asked(NamedTuple):
    """What a question asks, as the figure and type checks need it."""

    wanted: Wanted
    terms: frozenset[str]  # the question's terms and their expansions
    synonyms: dict[str, frozenset[str]]  # each question term with its expansions
    numbers: frozenset[str]  # figures in the question itself


def counts(sentence: str, asked: Asked, before: int = 1) -> str | None:
    """The figure in `sentence` that counts what the question asks about ("2000", "four"), or None."""
    figure = counting_figure(sentence, asked, before)
    return figure.value if figure else None


def counting_figure(sentence: str, asked: Asked, before: int = 1) -> Figure | None:
    """The figure in `sentence` that counts what the question asks about, or None.

    For "how many X" the noun phrase the figure counts must name X's head noun (or a synonym), with
    X's capitalised words before it: "2,000 U.S. troops" counts "American troops"; "three Iraqi
    army soldiers" does not, nor does "dozens of attacks on U.S. military bases". For other number
    questions, a question word among the three after the figure, or among the `before` words before it in its clause
    (one: "will cost ¥300 million"; the answer selector reads three: "a monthly pass costs 12 euros" for "how much
    is a monthly pass?"), will do.
    """
    counted = asked.wanted.counted
    head = counted[-1] if counted else ""
    modifiers = [term for term in counted[:-1] if term in asked.wanted.named]
    for figure in figures(sentence):
        if figure.value in asked.numbers:
            continue
        if not head:
            if not asked.terms.isdisjoint(figure.following) or not asked.terms.isdisjoint(figure.preceding[-before:]):
                return figure
            continue
        if _names(figure.counted, head, modifiers, asked):
            return figure
        # A figure that counts no noun after it ("voted 41 to 6", "rose to 12") counts the one just before it.
        if not any(term.isalpha() for term in figure.counted) and _names(figure.preceding, head, modifiers, asked):
            return figure
    return None


_TIME_OF_DAY = r"\b\d{1,2}(?::\d\d|\s?[ap]\.?m\b)"  # "14:00", "4 pm", "9a.m"
# What can say when: a year (from 1000), a month, a weekday, a time of day, a season or a span of time ("last week",
# "the 17th century", "at dawn").
_WHEN = (rf"\b1\d\d\ds?\b|\b(?:{'|'.join(m.capitalize() for m in MONTHS)}|{'|'.join(_ABBREVIATED_MONTHS)}|Sept)\b"
         rf"|{_TIME_OF_DAY}|(?i:\b(?:"
         r"today|yesterday|tomorrow|tonight|now|ago|centur(?:y|ies)|decades?|years?|months?|weeks?|days?|hours?|"
         r"mornings?|evenings?|nights?|noon|midnight|dawn|dusk|spring|summer|autumn|winter|weekends?)\b)")


def gives_date(sentence: str) -> bool:
    """Whether a sentence (or a heading) can say when: a date, or any of _WHEN."""
    return _matches(_DATE, plain_digits(sentence)) or _matches(_WHEN, sentence)


# Words that give a reason or a purpose: what a "why" question asks for ("because", "due to", "so that", ", so").
# Looked up as words, not by a regular expression: compiling one would cost a cold "why" question ~1 ms.
_REASON_WORDS = frozenset(("because", "therefore", "thus", "hence", "cause", "caused", "causes", "causing", "reason",
                           "reasons", "why"))
_REASON_PHRASES = tuple(f" {phrase} " for phrase in (
    "due to", "owing to", "thanks to", "as a result", "so that", "so as to", "in order to", "led to", "lead to",
    "leads to", "leading to", "result in", "results in", "resulted in", "result of", "results of", "result from",
    "results from", "resulted from"))
_WORD_EDGES = "\"'\u201c\u201d\u2018\u2019()[].,;:!?\u2014\u2013-"


def gives_reason(sentence: str) -> bool:
    """Whether a sentence gives a reason or a purpose ("because its piers had cracked", "silting up, so ships ...")."""
    lowered = sentence.lower()
    if ", so " in lowered:
        return True
    words = [word.strip(_WORD_EDGES) for word in lowered.split()]
    if not _REASON_WORDS.isdisjoint(words):
        return True
    text = f" {' '.join(words)} "
    return any(phrase in text for phrase in _REASON_PHRASES)


def gives_amount(sentence: str, asked: Asked) -> bool:
    """Whether a sentence holds a figure to answer "how much": not a year, a date's day, a time of day ("on
    Saturday 22 June at 14:00") or a figure the question itself gives."""
    return any(figure.value not in asked.numbers for figure in _undated_figures(sentence))


@functools.lru_cache(maxsize=65536)
def _undated_figures(sentence: str) -> tuple[Figure, ...]:
    """The figures of a sentence that are no date's day, time of day or old year (worked out once a sentence: each
    candidate of each "how much" question asks)."""
    return figures(re.sub(_OLD_YEAR, " ", re.sub(_DAY_OR_TIME, " ", plain_digits(sentence))))


def _names(phrase: tuple[str, ...], head: str, modifiers: list[str], asked: Asked) -> bool:
    """Whether a figure's noun phrase names X's head noun (or a synonym), with X's capitalised words before it."""
    names = [i for i, term in enumerate(phrase) if term in asked.synonyms.get(head, {head})]
    return bool(names) and all(not asked.synonyms.get(m, {m}).isdisjoint(phrase[:names[0]]) for m in modifiers)


def has_wanted(sentence: str, asked: Asked, before: int = 1) -> bool:
    """Whether a sentence holds the kind of thing the question asks for (a count, a date, a name; `before`: see
    counting_figure)."""
    kind = asked.wanted.kind
    if kind == "number":
        return counts(sentence, asked, before) is not None
    if kind == "date":  # (a time of day answers "when does the library close?")
        plain = plain_digits(sentence)
        return _matches(_DATE, plain) or _matches(_TIME_OF_DAY, plain)
    if kind == "name":
        return _matches(_NAME, sentence) or _opens_with_name(sentence)
    return True


def _opens_with_name(sentence: str) -> bool:
    opening = re.match(_NAME_FIRST, sentence.lstrip("\"“‘'([ "))
    return opening is not None and not tokenize(opening.group(1))[0].stop


@functools.lru_cache(maxsize=65536)
def _matches(pattern: str, sentence: str) -> bool:
    return re.search(pattern, sentence) is not None


_BROKEN_AFTER_HYPHEN = lazy_pattern(r"(?<=\w-)[ \t]*\r?\n\s*(?=\w)")


def one_line(text: str) -> str:
    """Text of hard-wrapped lines as one line: "sea-\nlevel" is "sea-level", other breaks one space."""
    if breaks_after_hyphen(text):
        text = _BROKEN_AFTER_HYPHEN().sub("", text)
    return " ".join(text.split())


def labelled_row(row: str, header: str) -> str:
    """A table row as it reads: its cells with their column names (from `header`, its table's header row), on one
    line ("Product: Night Owl; 1 kg: £29.00", where "| Night Owl | £29.00 |" says nothing alone); the row as it is
    when the columns do not line up."""
    cells, names = _cells(row), _cells(header)
    if len(cells) != len(names):
        return one_line(row)
    return "; ".join(f"{name}: {cell}" if name else cell for name, cell in zip(names, cells, strict=True) if cell)


def _cells(row: str) -> list[str]:
    """A Markdown row's cells ("| a | b |"), or a plain-text row's (columns two spaces or more apart)."""
    row = row.strip()
    parts = row.strip("|").split("|") if row.startswith("|") else _CELL_GAP().split(row)
    return [" ".join(cell.split()) for cell in parts]


_CELL_GAP = lazy_pattern(r"[ \t]{2,}|\t")


def synonyms_of(terms: AbstractSet[str], expansions: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Each question term with the expansion terms it brought in ((term, trigger surface) pairs)."""
    found: dict[str, set[str]] = {term: {term} for term in terms}
    for term, trigger in expansions:
        for trigger_term in analyze(trigger):
            found.setdefault(trigger_term, {trigger_term}).add(term)
    return {term: frozenset(group) for term, group in found.items()}
