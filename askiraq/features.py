"""Stage 5 (search), the one table of what decides an answer: the answer selector's features, its gates, and the rules
of ranking and quoting, each with its name, what it does, made-up examples it must fire on and must not, and a switch.

- FEATURES: what a candidate answer is measured by. The answer model (askiraq.selector) weighs them; the weights are
  learned by scripts/train_answerer.py, never set by hand. A feature is a number, 0 when it does not fire; its
  switch is its name in `RankingParams.table_off` (it then counts as its training mean: it weighs nothing).
- GATES: conditions right answers rarely fail, over a feature; the training data decides which are kept (see Gate).
- RULES: the stages of ranking and quoting, each switched off by the RankingParams (or BuildSettings) values given.

tests/test_table.py is generated from the examples, and scripts/evaluate.py --ablate switches each entry off in turn.
"""

import functools
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from askiraq import answers
from askiraq.tuning import FIGURE_NOUN_WORDS

WordWeights = tuple[tuple[float, frozenset[int]], ...]  # each distinct question word: its weight, the ids that count


class QuestionFacts(NamedTuple):
    """What the features need to know of a question (built once per question by search)."""

    text: str
    asked: answers.Asked
    words: WordWeights  # each distinct question word: its idf weight and the term ids counting as it (a word the
    # corpus lacks: none, at the weight of a word of one passage, so that no sentence covers it)
    rarest: frozenset[int]  # the ids counting as the question's rarest word (that the corpus has)
    names: tuple[frozenset[int], ...]  # the ids counting as each capitalised question word (a name) the corpus has
    in_words: bool  # asked as a sentence, not as keywords
    unknown: float  # the share of the question's weight in English words the corpus lacks (other words for its own)
    unknown_rare: float  # ...and in other words it lacks (names, codes, jargon: another topic)
    word_count: int  # its distinct words, known or not
    unknown_names: float  # the share of its names that the corpus lacks
    strengths: dict[int, float]  # each searched term id (the question's words and expansions): idf x its weight
    strength_total: float  # their sum (what a sentence holding every one of them holds)
    asked_ids: frozenset[int]  # every term id that counts as one of its words


class CandidateFacts(NamedTuple):
    """One candidate answer: a sentence (or a sentence with the one before it) of one of the best passages."""

    text: str  # as it would be quoted
    opening: str  # for a pair, the sentence before, which `text` starts with; else ""
    terms: frozenset[int]  # its term ids, with its article's subject and its table header
    before: frozenset[int]  # the previous sentence's terms (which it goes on from); none for a pair or a first one
    passage_terms: frozenset[int]  # its passage's term ids (text, headings, headline)
    framing: str  # the headings and FAQ question over its passage
    rank: int  # of its passage among the passages that can be quoted, from 0
    score_ratio: float  # its passage's score over the best passage's
    cosine: float  # its passage's cosine with the question (semantic mode), else 0
    position: int  # of its (last) sentence in the passage, from 0
    lead: bool  # its passage is its article's first
    pair: bool  # it quotes the sentence before too
    corroborated: bool  # its passage has near-duplicates in other articles
    sentences: frozenset[int]  # the ids of the sentences it quotes (two candidates sharing one are rivals of sorts)
    passage: int  # its passage's id


# The table's entries are plain classes, not NamedTuples: defining a NamedTuple class costs a cold start as much as
# reading the model.


class Example:
    """A question, an article, and the start of the candidate looked at; other articles in the folder, if any."""

    __slots__ = ("article", "others", "question", "quote", "semantic")

    def __init__(self, question: str, article: str, quote: str, others: tuple[str, ...] = (),
                 semantic: bool = False) -> None:
        self.question, self.article, self.quote, self.others = question, article, quote, others
        self.semantic = semantic  # asked of an index with passage vectors (the semantic mode)

    def __repr__(self) -> str:
        return f"Example({self.question!r}, quote={self.quote!r})"


class Feature:
    __slots__ = ("computes", "fires_on", "level", "name", "not_on", "value")

    def __init__(self, name: str, computes: str, value: Callable[["Reading"], float],
                 fires_on: tuple[Example, ...], not_on: tuple[Example, ...], level: str = "candidate") -> None:
        self.name, self.computes, self.value = name, computes, value
        self.fires_on, self.not_on = fires_on, not_on  # its value is above 0 for these candidates, 0 or below there
        self.level = level  # what it reads: "question", "passage" (the same for each of its candidates) or "candidate"


# ---------------------------------------------------------------------------- what the features read


def share(words: WordWeights, present: AbstractSet[int],
          before: AbstractSet[int] = frozenset()) -> tuple[float, int, float]:
    """The share of the question's weight found in `present`, how many of its distinct words are in `present`, and
    the share found in `present` or in `before` (the sentence it goes on from): one pass for both shares."""
    total = found = either = 0.0
    matched = 0
    for weight, counted_as in words:
        total += weight
        if not counted_as.isdisjoint(present):
            found += weight
            either += weight
            matched += 1
        elif not counted_as.isdisjoint(before):
            either += weight
    return (found / total if total else 0.0), matched, (either / total if total else 0.0)


def _strength_missing(question: QuestionFacts, present: AbstractSet[int]) -> float:
    strengths, total = question.strengths, question.strength_total
    return 1.0 - sum(map(strengths.__getitem__, strengths.keys() & present)) / total if total else 0.0


def _names_found(question: QuestionFacts, present: AbstractSet[int]) -> float:
    """Share of the question's names among `present` (1 for a question naming nothing)."""
    if not question.names:
        return 1.0
    return (len(question.names) - sum(map(present.isdisjoint, question.names))) / len(question.names)


def _novelty(r: "Reading") -> float:
    """Share of the candidate's own terms that the question does not hold: an answer says something new."""
    terms = r.c.terms  # (the question's ids are fewer: intersect, not subtract)
    return (len(terms) - len(r.q.asked_ids & terms)) / len(terms) if terms else 0.0


class Reading:
    """A candidate as the features read it: the shares of the question and the checks of the kind of answer that
    several features need, each worked out once."""

    __slots__ = ("amount", "c", "context", "date", "figure", "name", "number", "own", "passage", "passage_names", "q",
                 "reason", "type_missing")

    def __init__(self, question: QuestionFacts, candidate: CandidateFacts,
                 passages: dict[int, tuple[tuple[float, int], float]]) -> None:
        self.q, self.c = question, candidate
        words, text = question.words, candidate.text
        if candidate.passage not in passages:  # (the same for every candidate of a passage: worked out once)
            passages[candidate.passage] = (share(words, candidate.passage_terms)[:2] if words else (1.0, 0),
                                           _names_found(question, candidate.passage_terms))
        self.passage, self.passage_names = passages[candidate.passage]
        self.own, _, self.context = share(words, candidate.terms, candidate.before) if words else (1.0, 0, 1.0)
        # Each kind of answer: 1 when the question wants it and the sentence gives it, -1 when not, 0 if not wanted.
        wanted = question.asked.wanted
        number, amount = wanted.kind == "number", wanted.amount
        any_figure = (number or amount) and answers.gives_amount(text, question.asked)
        self.number = _given(answers.has_wanted(text, question.asked, FIGURE_NOUN_WORDS)) if number else 0.0
        self.figure = _given(any_figure) if number else 0.0
        self.amount = _given(any_figure) if amount else 0.0
        self.date = _given(answers.gives_date(text) or answers.gives_date(candidate.framing)) \
            if wanted.kind == "date" else 0.0
        self.name = _given(answers.has_wanted(text, question.asked)) if wanted.kind == "name" else 0.0
        self.reason = _given(answers.gives_reason(text)) if wanted.reason else 0.0
        self.type_missing = self.number < 0 or self.date < 0 or self.amount < 0


def _given(given: bool) -> float:
    return 1.0 if given else -1.0


# ---------------------------------------------------------------------------- the features

_OPENED = "The harbour bridge was opened in 1932 by the mayor, Jane Doyle."
_CARRIES = "It carries 160,000 vehicles a day."
_TOLLS = "Tolls pay for its upkeep."
_STORY = f"The Harbour Bridge\n\n{_OPENED}\n\n{_CARRIES} {_TOLLS}\n"
_FERRY = "The Harbour Ferry\n\nThe ferry to the island leaves every hour. It carries bicycles and cars.\n"
_LONG = ("The harbour bridge was opened in 1932 by the mayor, Jane Doyle, after four years of work by six hundred men "
         "from the town and the valley.")
_ISLAND = "Island Ferry\n\nThe island has one quay. The ferry to the island leaves every hour from it.\n"
_FERRY_TOO = "Island Crossing\n\nA ferry to the island leaves every hour and carries bicycles and cars too.\n"
_CLOSED = "The old bridge was closed to lorries in 1990."
_CRACKED = "Its piers had cracked, so the council closed it to lorries."
_OLD_BRIDGE = f"The Old Bridge\n\n{_CLOSED} {_CRACKED}\n"


def _ex(question: str, quote: str, article: str = _STORY, *others: str, semantic: bool = False) -> Example:
    return Example(question, article, quote, others, semantic)


def _both(question: str, quote: str) -> Example:
    """A question over the bridge story and the ferry story (one of its passages is not the best)."""
    return _ex(question, quote, _STORY, _FERRY)


FEATURES: tuple[Feature, ...] = (
    Feature("passage_rank", "rank / (1 + rank) of the candidate's passage among the passages that can be quoted "
            "(0 for the best)",
            lambda r: r.c.rank / (1 + r.c.rank),
            (_both("Who opened the bridge and the ferry?", "The ferry to the island"),),
            (_both("Who opened the bridge and the ferry?", _OPENED),),
            level="passage"),
    Feature("score_gap", "1 - the passage's ranking score over the best passage's",
            lambda r: 1.0 - r.c.score_ratio,
            (_both("Who opened the bridge and the ferry?", "The ferry to the island"),),
            (_both("Who opened the bridge and the ferry?", _OPENED),),
            level="passage"),
    Feature("passage_missing", "the share of the question's idf-weighted words (those the corpus has) that the "
            "passage lacks",
            lambda r: 1.0 - r.passage[0],
            (_ex("How many vehicles does the island ferry carry?", _CARRIES, _STORY, _FERRY),),
            (_ex("How many vehicles does the bridge carry?", _CARRIES),),
            level="passage"),
    Feature("two_words", "1 when the passage holds two of the question's words (all, for a one-word question)",
            lambda r: float(r.passage[1] >= min(2, r.q.word_count)),
            (_ex("How many vehicles use the tolls?", _CARRIES),),
            (_ex("How many lorries does the bridge carry?", "The harbour bridge", _STORY, "Lorries are heavy."),),
            level="passage"),
    Feature("sentence_missing", "the share of the question's idf-weighted words that the sentence lacks (its "
            "article's subject and its table header count as its own)",
            lambda r: 1.0 - r.own,
            (_ex("Who opened the bridge?", _TOLLS),
             _ex("Who won the harbour regatta?", _OPENED)),  # (words the folder lacks are missing from every sentence)
            (_ex("Who opened the bridge?", _OPENED),)),
    Feature("context_missing", "the same, with the words of the sentence it goes on from",
            lambda r: 1.0 - r.context,
            (_ex("Who opened the bridge?", _TOLLS),),
            (_ex("How many vehicles pay tolls?", _TOLLS),)),
    Feature("strength_missing", "the share of the question's searched weight (idf x weight of its words and "
            "expansions) that the sentence lacks",
            lambda r: _strength_missing(r.q, r.c.terms),
            (_ex("Who opened the bridge?", _TOLLS),),
            (_ex("Who opened the bridge?", _OPENED),)),
    Feature("rarest_in_sentence", "1 when the question's rarest word is in the sentence (or the one it goes on from)",
            lambda r: float(not (r.q.rarest.isdisjoint(r.c.terms) and r.q.rarest.isdisjoint(r.c.before))),
            (_both("Does the ferry carry bicycles?", "It carries bicycles"),),
            (_both("Does the ferry carry bicycles?", _CARRIES),)),
    Feature("rarest_in_passage", "1 when the question's rarest word is in the passage",
            lambda r: float(not r.q.rarest.isdisjoint(r.c.passage_terms)),
            (_both("Does the ferry carry bicycles?", "It carries bicycles"),),
            (_both("Does the ferry carry bicycles?", _CARRIES),),
            level="passage"),
    Feature("names_in_sentence", "the share of the question's names (capitalised words the corpus has) in the "
            "sentence itself (or its article's subject); 1 when it names nothing",
            lambda r: _names_found(r.q, r.c.terms),
            (_ex("When did Jane Doyle open the bridge?", _OPENED),),
            (_ex("When did Jane Doyle pay the tolls?", _TOLLS),)),
    Feature("names_in_passage", "the share of the question's names in the passage; 1 when it names nothing",
            lambda r: r.passage_names,
            (_ex("When did Jane Doyle open the bridge?", _OPENED),),
            (_ex("When did Jane Doyle pay the tolls?", _TOLLS),),
            level="passage"),
    Feature("novelty", "the share of the sentence's words that the question does not hold: an answer adds something",
            _novelty,
            (_ex("Who opened the bridge?", _OPENED),),
            (_ex("Do tolls pay for upkeep?", _TOLLS, f"Notes on the harbour bridge and its traffic over the years\n\n"
                 f"{_TOLLS}\n"),)),  # (a long headline names no subject whose words the sentence would count)
    Feature("first_sentence", "1 for the first sentence of its passage",
            lambda r: float(r.c.position == 0),
            (_ex("How many vehicles cross?", _CARRIES),),
            (_ex("What pays for the upkeep?", _TOLLS),)),
    Feature("lead", "1 when the passage is its article's first",
            lambda r: float(r.c.lead),
            (_ex("Who opened the bridge?", _OPENED),),
            (_ex("How many vehicles cross?", _CARRIES),),
            level="passage"),
    Feature("length", "the sentence's terms beyond ten, over 30 (at most 1)",
            lambda r: min(max(len(r.c.terms) - 10, 0), 30) / 30,
            (_ex("When was the bridge opened?", _LONG, f"The Harbour Bridge\n\n{_LONG}\n"),),
            (_ex("What pays for the upkeep?", _TOLLS),)),
    Feature("pair", "1 when the candidate quotes the sentence before it too (it goes on from it)",
            lambda r: float(r.c.pair),
            (_ex("Does the island ferry carry bicycles?", "The ferry to the island leaves every hour. It carries",
                 _FERRY),),
            (_ex("Does the island ferry carry bicycles?", "It carries", _FERRY),)),
    Feature("corroborated", "1 when another article repeats the passage (a near-duplicate folded into it)",
            lambda r: float(r.c.corroborated),
            (_ex("How often does the island ferry leave?", "The ferry to the island", _FERRY, _FERRY_TOO),),
            (_ex("How often does the island ferry leave?", "The ferry to the island", _FERRY, _STORY),),
            level="passage"),
    Feature("cosine", "the passage's cosine with the question in the semantic mode (else 0)",
            lambda r: r.c.cosine,
            (_ex("Who opened the bridge?", _OPENED, semantic=True),),
            (_ex("Who opened the bridge?", _OPENED),),
            level="passage"),
    Feature("unknown_words", "the share of the question's weight in English words no article has (nor their "
            "expansions): the folder may say it in other words",
            lambda r: r.q.unknown,
            (_ex("How many vehicles cross the viaduct?", _CARRIES),),
            (_ex("How many vehicles does the Zubrowka bridge carry?", _CARRIES),),
            level="question"),
    Feature("unknown_terms", "the share of the question's weight in other words no article has (names, codes, "
            "jargon): the folder may be about something else",
            lambda r: r.q.unknown_rare,
            (_ex("How many vehicles does the Zubrowka bridge carry?", _CARRIES),),
            (_ex("How many vehicles cross the viaduct?", _CARRIES),),
            level="question"),
    Feature("unknown_names", "the share of the question's names that no article has",
            lambda r: r.q.unknown_names,
            (_ex("When did Mark Ellis open the bridge?", _OPENED),),
            (_ex("When did Jane Doyle open the bridge?", _OPENED),),
            level="question"),
    Feature("keywords", "1 for a question put as keywords, not as a sentence",
            lambda r: float(not r.q.in_words),
            (_ex("bridge tolls", _TOLLS),),
            (_ex("What pays for the bridge?", _TOLLS),),
            level="question"),
    Feature("long_question", "the question's distinct words beyond three, over nine (at most 1)",
            lambda r: min(max(r.q.word_count - 3, 0), 9) / 9,
            (_ex("How many vehicles cross the harbour bridge each day?", _CARRIES),),
            (_ex("bridge tolls", _TOLLS),),
            level="question"),
    Feature("number_given", "for a question wanting a figure (how many X, how much, how big): 1 when the sentence "
            "holds a figure that counts X (or near a question word), -1 when not",
            lambda r: r.number,
            (_ex("How many vehicles does the bridge carry?", _CARRIES),),
            (_ex("How many lorries does the bridge carry?", _CARRIES),
             _ex("Who opened the bridge?", _CARRIES))),
    Feature("figure_present", "for a question wanting a figure: 1 when the sentence holds any figure (not a year, "
            "a date or a figure of the question), whatever it counts, -1 when it holds none",
            lambda r: r.figure,
            (_ex("How many lorries does the bridge carry?", _CARRIES),),
            (_ex("How many vehicles pay the tolls?", _TOLLS),
             _ex("Who opened the bridge?", _CARRIES))),
    Feature("amount_given", "for a question for an amount (how much, how far, what percentage): 1 when the sentence "
            "holds a figure (not a year, a date or a figure of the question), -1 when not",
            lambda r: r.amount,
            (_ex("How much traffic does the bridge carry?", _CARRIES),),
            (_ex("How much traffic does the bridge carry?", _OPENED),)),
    Feature("date_given", "for a question for a date (when, what year, since when): 1 when the sentence or the "
            "heading over it can say when, -1 when not",
            lambda r: r.date,
            (_ex("When was the bridge opened?", _OPENED),),
            (_ex("When do tolls pay for the bridge?", _TOLLS),)),
    Feature("name_given", "for a question for a name (who, which group): 1 when the sentence holds a name, -1 when not",
            lambda r: r.name,
            (_ex("Who opened the bridge?", _OPENED),),
            (_ex("Who pays for the upkeep?", _TOLLS),)),
    Feature("reason_given", "for a question asking why (why, how come): 1 when the sentence gives a reason or a "
            "purpose (because, due to, so that, in order to, \", so\" ...), -1 when not",
            lambda r: r.reason,
            (_ex("Why was the old bridge closed to lorries?", _CRACKED, _OLD_BRIDGE),),
            (_ex("Why was the old bridge closed to lorries?", _CLOSED, _OLD_BRIDGE),
             _ex("When was the old bridge closed to lorries?", _CRACKED, _OLD_BRIDGE))),
    Feature("type_missing", "1 when the question wants a figure, an amount or a date and the sentence has none",
            lambda r: float(r.type_missing),
            (_ex("When do tolls pay for the bridge?", _TOLLS),),
            (_ex("When was the bridge opened?", _OPENED),
             _ex("What pays for the upkeep?", _TOLLS))),
    Feature("coverage_if_type_missing", "the context coverage of a sentence that lacks the figure or date asked for "
            "(so that words alone cannot make up for it)",
            lambda r: r.context if r.type_missing else 0.0,
            (_ex("When do the tolls pay for the upkeep?", _TOLLS),),
            (_ex("When was the bridge opened?", _OPENED),)),
    Feature("margin", "the candidate's context coverage minus the best of the candidates quoting other sentences",
            lambda r: 0.0,  # (listwise: filled in by `vectors`)
            (_ex("Who opened the bridge?", _OPENED),),
            (_ex("Who opened the bridge?", _TOLLS),)),
    Feature("best_in_passage", "1 when no candidate of its passage has a higher context coverage",
            lambda r: 0.0,  # (listwise: filled in by `vectors`)
            (_ex("How often does the ferry to the island leave?", "The ferry to the island", _ISLAND),),
            (_ex("How often does the ferry to the island leave?", "The island has one quay.", _ISLAND),)),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
_MARGIN = FEATURE_NAMES.index("margin")
_BEST_IN_PASSAGE = FEATURE_NAMES.index("best_in_passage")


def vectors(question: QuestionFacts, candidates: Sequence[CandidateFacts],
            rival_lists: Sequence[Sequence[int]] | None = None,
            needed: AbstractSet[int] | None = None) -> list[list[float]]:
    """Each candidate's features, in FEATURES order (`rival_lists`: `rivals(candidates)`, when already known; only
    those `needed`, when given: the others are 0). A question's features are worked out once, a passage's once for
    all its candidates."""
    passages: dict[int, tuple[tuple[float, int], float]] = {}
    readings = [Reading(question, c, passages) for c in candidates]
    asked, per_passage, per_candidate = _plan(None if needed is None else frozenset(needed))
    of_question = [(at, value(readings[0])) for at, value in asked] if readings else []
    of_passages: dict[int, list[tuple[int, float]]] = {}
    rows = []
    for r in readings:
        row = [0.0] * len(FEATURES)
        for at, x in of_question:
            row[at] = x
        if (known := of_passages.get(r.c.passage)) is None:
            known = of_passages[r.c.passage] = [(at, value(r)) for at, value in per_passage]
        for at, x in known:
            row[at] = x
        for at, value in per_candidate:
            row[at] = value(r)
        rows.append(row)
    covered = [r.context for r in readings]
    best: dict[int, float] = {}
    for cover, c in zip(covered, candidates, strict=True):
        best[c.passage] = max(best.get(c.passage, 0.0), cover)
    for row, cover, c, others in zip(rows, covered, candidates, rival_lists or rivals(candidates), strict=True):
        row[_MARGIN] = cover - max(map(covered.__getitem__, others), default=0.0)
        row[_BEST_IN_PASSAGE] = float(cover >= best[c.passage])
    return rows


_Plan = list[tuple[int, Callable[["Reading"], float]]]


@functools.lru_cache(maxsize=8)
def _plan(needed: frozenset[int] | None) -> tuple[_Plan, _Plan, _Plan]:
    """The features to work out (all, or those `needed`), by what they read: the question, the passage, the
    candidate (the listwise ones are filled in by `vectors`)."""
    chosen = [(at, f) for at, f in enumerate(FEATURES) if (needed is None or at in needed)
              and at not in (_MARGIN, _BEST_IN_PASSAGE)]
    asked, per_passage, per_candidate = ([(at, f.value) for at, f in chosen if f.level == level]
                                         for level in ("question", "passage", "candidate"))
    return asked, per_passage, per_candidate


def rivals(candidates: Sequence[CandidateFacts]) -> list[list[int]]:
    """For each candidate, the candidates that quote none of its sentences (a sentence alone and the same sentence
    with the one before it are one answer, not two)."""
    return [[k for k, other in enumerate(candidates) if other.sentences.isdisjoint(c.sentences)] for c in candidates]


# ---------------------------------------------------------------------------- the gates


class Gate:
    """A condition right answers rarely fail. scripts/train_answerer.py measures, on the training questions, how often
    a candidate failing it is right anyway, and the model keeps the gates whose failing candidates are at most
    GATE_MAX_ODDS as often right as those passing them: a candidate failing a kept gate is never quoted (a linear
    model cannot say "whatever else it has"), and when every candidate fails one, that share is the confidence. Its
    switch is its name in `RankingParams.table_off`."""

    __slots__ = ("fails", "feature", "fires_on", "name", "not_on", "reason")

    def __init__(self, name: str, feature: str, fails: Callable[[float], bool], reason: str,
                 fires_on: tuple[Example, ...], not_on: tuple[Example, ...]) -> None:
        self.name, self.feature, self.fails = name, feature, fails  # (the feature it reads, and when it fails)
        self.reason = reason  # why there is no answer when every candidate fails it
        self.fires_on, self.not_on = fires_on, not_on  # candidates failing it, and candidates passing it


GATE_MAX_ODDS = 1 / 3
GATES: tuple[Gate, ...] = (
    Gate("two words", "two_words", lambda v: v == 0, "no passage that can be quoted holds two of the question's words",
         (_ex("Which football team won in the harbour last night?", "The harbour bridge", _STORY,
              "Football results."),),
         (_ex("Who opened the harbour bridge?", _OPENED),)),
    Gate("a date", "date_given", lambda v: v < 0, "the best passages give no date",
         (_ex("When do tolls pay for the bridge?", _TOLLS),),
         (_ex("When was the bridge opened?", _OPENED), _ex("What pays for the bridge?", _TOLLS))),
    Gate("a figure", "number_given", lambda v: v < 0, "no passage gives a figure for what the question asks about",
         (_ex("How many lorries does the bridge carry?", _CARRIES),),
         (_ex("How many vehicles does the bridge carry?", _CARRIES),)),
    Gate("an amount", "amount_given", lambda v: v < 0, "the best passages give no figure for the amount asked",
         (_ex("How much traffic does the bridge carry?", _OPENED),),
         (_ex("How much traffic does the bridge carry?", _CARRIES),)),
    Gate("a name", "name_given", lambda v: v < 0, "the best passages name no one",
         (_ex("Who pays for the upkeep?", _TOLLS),),
         (_ex("Who opened the bridge?", _OPENED),)),
)


GATE_FEATURES = [(gate, FEATURE_NAMES.index(gate.feature)) for gate in GATES]  # each gate and the feature it reads


def failed_gates(row: Sequence[float], kept: AbstractSet[str]) -> list[Gate]:
    """The kept gates a candidate (its feature row) fails."""
    return [gate for gate, at in GATE_FEATURES if gate.name in kept and gate.fails(row[at])]


# ---------------------------------------------------------------------------- the rules of ranking and quoting


class Case:
    """A folder of made-up articles, a question, and what the rule makes of it: with the rule on, `looks_at` (the
    answer's text, or "" for none; "top" or "second", the first or second result's file; "conflicting", "yes" or "no"
    as the answer says the sources disagree) is `expect`; with it off, it is not. For a case the rule must not fire
    on, on and off agree."""

    __slots__ = ("expect", "files", "looks_at", "question")

    def __init__(self, files: tuple[tuple[str, str], ...], question: str, looks_at: str, expect: str) -> None:
        self.files, self.question, self.looks_at, self.expect = files, question, looks_at, expect

    def __repr__(self) -> str:
        return f"Case({self.question!r})"


class Rule:
    __slots__ = ("does", "fires_on", "name", "not_on", "off")

    def __init__(self, name: str, does: str, off: dict[str, str], fires_on: tuple[Case, ...],
                 not_on: tuple[Case, ...]) -> None:
        self.name, self.does, self.off = name, does, off  # (off: the RankingParams and BuildSettings values)
        self.fires_on, self.not_on = fires_on, not_on


def _case(question: str, looks_at: str, expect: str, **files: str) -> Case:
    return Case(tuple((f"{name}.txt", text) for name, text in files.items()), question, looks_at, expect)


_PLOTS = {f"plot{n}": f"Plot {n} grows beans and onions by the shed." for n in range(4)}  # (for the idf of the rest)
_QUAY = {"vague": "The Basra quay will open to container ships. The Basra quay is long and the quay is busy.",
         "dated": "Officials said the container quay in Basra opens on 12 March 2024."}
_DREDGING = {"spread": "The harbour was quiet that week. Dredging had stopped for the holiday. Basra slept.",
             "together": "In Basra the harbour dredging resumed after the winter storms had passed over the gulf "
                         "coast."}
_STEPHENSON = ("George Stephenson\n\nGeorge Stephenson was an English engineer who built early steam locomotives.\n"
               "He was born in 1781 in Wylam, a mining village on the River Tyne.\n")
_LORELEI = "Near the town of Goarshausen the river passes the Lorelei, a slate cliff 130 metres high."
_WRECKED = "Here the channel is narrow and rocky, so many boats were wrecked on this bend."
_RHINE = f"Rivers of Europe\n\n{_LORELEI} {_WRECKED}\n"
_WORKERS = {"a": "Some 2,000 workers built the Basra quay, the ministry said.",
            "b": "Around 3,500 workers built the Basra quay over two years, unions say.",
            "c": "Five ships visited the Basra quay, and 40 trucks left it."}
RULES: tuple[Rule, ...] = (
    Rule("thesaurus", "the question's words also search their forms and synonyms in data/expansions.txt (at 0.5)",
         {"expand": "false"},
         (_case("How many American soldiers are in Iraq?", "answer",
                "About 2,000 U.S. troops are based in Iraq under an agreement with Baghdad.",
                a="About 2,000 U.S. troops are based in Iraq under an agreement with Baghdad.", **_PLOTS),),
         (_case("How many plots grow onions?", "top", "plot0.txt", **_PLOTS),)),
    Rule("word families", "a question word also searches the corpus words sharing its first five letters (at 0.2)",
         {"family_weight": "0"},
         (_case("Who founded Acme?", "answer", "Acme's founder was Jane Roe, a chemist.",
                a="Acme's founder was Jane Roe, a chemist.", b="Acme was a small firm in the old town.",
                c="The town had a mill."),),
         (_case("How many plots grow onions?", "top", "plot0.txt", **_PLOTS),)),
    Rule("general synonyms", "a question word also searches its WordNet synonyms (at 0.2, for ranking only)",
         {"synonym_weight": "0"},
         (_case("Which arena did the club move to?", "top", "b.txt",
                a="The club moved to a new office near the river last spring.",
                b="The club moved into a stadium by the sea after years of talks, its fans say.",
                **{n: f"Article {n} is about the weather in the hills." for n in "cdefgh"}),),
         (_case("How many plots grow onions?", "top", "plot0.txt", **_PLOTS),)),
    Rule("typing slips", "a question word that is neither in the corpus nor an English word also searches the corpus "
         "words one slip away (at 0.5)",
         {"typo_weight": "0"},
         (_case("Who is the mayr of Lodz?", "answer", "The mayor of Lodz, Hanna Zdanowska, signed the tram contract.",
                a="The mayor of Lodz, Hanna Zdanowska, signed the tram contract.", **_PLOTS),),
         (_case("Who is the mayor of Lodz?", "answer", "The mayor of Lodz, Hanna Zdanowska, signed the tram contract.",
                a="The mayor of Lodz, Hanna Zdanowska, signed the tram contract.", **_PLOTS),)),
    Rule("sentence re-ranking", "a typed question (when, how many, who ...) re-ranks its best ten passages by BM25 "
         "plus their best sentence's question words",
         {"sentence_weight": "0"},
         (_case("When does the Basra container quay open?", "top", "dated.txt", **_QUAY),),
         (_case("Basra harbour dredging quiet stopped slept resumed pause", "top", "spread.txt", **_DREDGING,
                **_PLOTS),)),
    Rule("answer types in re-ranking", "in that re-ranking, a sentence without the kind of thing asked for (a count, a "
         "date, a name) counts 0.4 of its question words", {"wanted_missing": "1"},
         (_case("When does the Basra container quay open?", "top", "dated.txt", **_QUAY),),
         (_case("Basra container quay", "top", "vague.txt", **_QUAY),)),
    Rule("short-question re-ranking", "other questions of six terms at most are re-ranked the same way, at a quarter "
         "of that weight", {"short_question_sentence_weight": "0"},
         (_case("Basra harbour dredging", "top", "together.txt", **_DREDGING, **_PLOTS),),
         (_case("Basra harbour dredging quiet stopped slept resumed pause", "top", "spread.txt", **_DREDGING,
                **_PLOTS),)),
    Rule("degree questions", "\"how\" before a word asking for a degree (how big, how deadly) wants a figure",
         {"degree_questions": "false"},
         (_case("How big is the Broughton tank?", "top", "sized.txt",
                vague="The Broughton tank stands by the north gate.",
                sized="Broughton Plumbing offered a 2,500-litre tank, fitted and connected to the mains supply.",
                **_PLOTS),),
         (_case("How did the Broughton tank leak?", "top", "vague.txt",
                vague="The Broughton tank stands by the north gate.",
                sized="Broughton Plumbing offered a 2,500-litre tank, fitted and connected to the mains supply.",
                **_PLOTS),)),
    Rule("near-duplicate folding", "a passage of another article repeating a better one (term-set Jaccard >= 0.3) is "
         "cited under it (\"also in\"), not listed again", {"fold_duplicates": "false"},
         (_case("When will the Basra quay open to container ships?", "second", "c.txt",
                a="The harbour authority in Basra said the new quay would open to container ships in the spring, "
                  "after two years of dredging and repairs to the breakwater.",
                b="The harbour authority in Basra announced the new quay would open to container ships in the "
                  "spring, after twenty-four months of dredging and repairs to the breakwater.",
                c="A fish market opens at dawn every day in Basra, traders say."),),
         (_case("Basra harbour dredging", "second", "spread.txt", **_DREDGING, **_PLOTS),)),
    Rule("article subject", "a headline of six words at most names the article's subject, whose words count in each of "
         "its passages and sentences", {"subject_headline_words": "0"},
         (_case("Where was George Stephenson born?", "answer",
                "He was born in 1781 in Wylam, a mining village on the River Tyne.", stephenson=_STEPHENSON),),
         (_case("Where was George Stephenson born?", "top", "stephenson.txt",
                stephenson=_STEPHENSON.replace("George Stephenson\n\n", "Engineers of the steam age\n\n")),)),
    Rule("quote the sentence before", "a sentence that goes on from the one before it (opening with a stop word, "
         "lacking question words that one holds) is also a candidate quoted with it", {"quote_previous": "false"},
         (_case("Why did so many boats come to grief at the Lorelei?", "answer", f"{_LORELEI} {_WRECKED}",
                rhine=_RHINE),),
         (_case("How high is the Lorelei?", "answer", _LORELEI, rhine=_RHINE),)),
    Rule("sources that disagree", "for \"how many X\", likely candidates of two articles or more counting X "
         "differently are each quoted, the answer marked as conflicting", {"conflicting_counts": "false"},
         (_case("How many workers built the Basra quay?", "conflicting", "yes", **_WORKERS),),
         (_case("How many ships visited the Basra quay?", "conflicting", "no", **_WORKERS),)),
)
