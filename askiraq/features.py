"""Stage 5 (search), the answer selector's named features: what a candidate sentence is measured by, in one table.

Every signal that decides which sentence is quoted, and whether any is, is an entry of FEATURES: its name, what it
computes, made-up examples it must fire on and must not (tests/test_features.py is generated from them), and a switch
(`RankingParams.features_off`). The answer model (askiraq.selector) weighs them; the weights are learned from labelled
questions by scripts/train_answerer.py, never set by hand. A feature is a number, mostly 0 to 1; "fires" means it is
above 0 (for a signed feature, its sign says which way it pushes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from askiraq import answers

WordWeights = tuple[tuple[float, frozenset[int]], ...]  # each distinct question word: its weight, the ids that count


class QuestionFacts(NamedTuple):
    """What the features need to know of a question (built once per question by search)."""

    text: str
    asked: answers.Asked
    words: WordWeights  # each distinct question word the corpus has: its idf weight and the term ids counting as it
    rarest: frozenset[int]  # the ids counting as the question's rarest word (that the corpus has)
    names: tuple[frozenset[int], ...]  # the ids counting as each capitalised question word (a name) the corpus has
    in_words: bool  # asked as a sentence, not as keywords
    unknown: float  # the share of the question's weight in English words the corpus lacks (other words for its own)
    unknown_rare: float  # ...and in other words it lacks (names, codes, jargon: another topic)
    word_count: int  # its distinct words, known or not
    unknown_names: float  # the share of its names that the corpus lacks
    strengths: dict[int, float]  # each searched term id (the question's words and expansions): idf x its weight


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


class Example(NamedTuple):
    """A question, an article, and the sentence of it that is the candidate looked at."""

    question: str
    article: str
    quote: str


class Feature(NamedTuple):
    name: str
    computes: str
    value: Callable[[QuestionFacts, CandidateFacts], float]
    fires_on: tuple[Example, ...]
    not_on: tuple[Example, ...]


def share(words: WordWeights, present: AbstractSet[int], before: AbstractSet[int] = frozenset()) -> tuple[float, int]:
    """The share of the question's weight found in `present` (or in `before`, the sentence it goes on from), and how
    many of its distinct words are in `present` itself."""
    total = found = 0.0
    matched = 0
    for weight, counted_as in words:
        total += weight
        if not counted_as.isdisjoint(present):
            found += weight
            matched += 1
        elif not counted_as.isdisjoint(before):
            found += weight
    return (found / total if total else 0.0), matched


def _strength(question: QuestionFacts, present: AbstractSet[int]) -> float:
    total = sum(question.strengths.values())
    return sum(question.strengths[t] for t in question.strengths.keys() & present) / total if total else 0.0


def _names_found(question: QuestionFacts, present: AbstractSet[int]) -> float:
    """Share of the question's names among `present` (1 for a question naming nothing)."""
    if not question.names:
        return 1.0
    return sum(not ids.isdisjoint(present) for ids in question.names) / len(question.names)


def _novelty(question: QuestionFacts, candidate: CandidateFacts) -> float:
    """Share of the candidate's own terms that the question does not hold: an answer says something new."""
    asked = frozenset().union(*(ids for _, ids in question.words))
    return len(candidate.terms - asked) / len(candidate.terms) if candidate.terms else 0.0


def _kind(question: QuestionFacts, kind: str) -> bool:
    return question.asked.wanted.kind == kind


def _gives(question: QuestionFacts, candidate: CandidateFacts, kind: str) -> float:
    """1 when the question wants `kind` and the candidate holds it, -1 when it wants it and the candidate does not."""
    if not _kind(question, kind):
        return 0.0
    if kind == "date":
        given = answers.gives_date(candidate.text) or answers.gives_date(candidate.framing)
    else:
        given = answers.has_wanted(candidate.text, question.asked)
    return 1.0 if given else -1.0


def _type_missing(question: QuestionFacts, candidate: CandidateFacts) -> bool:
    return _gives(question, candidate, "number") < 0 or _gives(question, candidate, "date") < 0 or \
        _amount(question, candidate) < 0


def _amount(question: QuestionFacts, candidate: CandidateFacts) -> float:
    if not question.asked.wanted.amount:
        return 0.0
    return 1.0 if answers.gives_amount(candidate.text, question.asked) else -1.0


def _ex(question: str, article: str, quote: str) -> Example:
    return Example(question, article, quote)


_OPENED = "The harbour bridge was opened in 1932 by the mayor, Jane Doyle."
_STORY = ("The Harbour Bridge\n\nThe harbour bridge was opened in 1932 by the mayor, Jane Doyle.\n\n"
          "It carries 160,000 vehicles a day. Tolls pay for its upkeep.\n")

FEATURES: tuple[Feature, ...] = (
    Feature("rank", "1 / (1 + the rank of the candidate's passage among the passages that can be quoted)",
            lambda q, c: 1.0 / (1 + c.rank),
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            ()),
    Feature("score_ratio", "the passage's ranking score over the best passage's",
            lambda q, c: c.score_ratio,
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            ()),
    Feature("passage_coverage", "the share of the question's idf-weighted words (those the corpus has) in the passage",
            lambda q, c: share(q.words, c.passage_terms)[0],
            (_ex("How many vehicles cross the bridge?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("Who painted the lighthouse?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("two_words", "1 when the passage holds two of the question's words (or all, for a one-word question)",
            lambda q, c: float(share(q.words, c.passage_terms)[1] >= min(2, q.word_count)),
            (_ex("How many vehicles use the tolls?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many lorries use the tolls?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("sentence_coverage", "the share of the question's idf-weighted words in the sentence itself (with its "
            "article's subject and its table header)",
            lambda q, c: share(q.words, c.terms)[0],
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("Who opened the bridge?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("context_coverage", "the same with the words of the sentence it goes on from",
            lambda q, c: share(q.words, c.terms, c.before)[0],
            (_ex("How many vehicles pay tolls?", _STORY, "Tolls pay for its upkeep."),),
            (_ex("Who painted the lighthouse?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("strength", "the share of the question's searched weight (idf x weight of its words and expansions) "
            "in the sentence",
            lambda q, c: _strength(q, c.terms),
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("Who opened the bridge?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("rarest_in_sentence", "1 when the question's rarest word is in the sentence (or the one it goes on from)",
            lambda q, c: float(not q.rarest.isdisjoint(c.terms | c.before)),
            (_ex("How much do the tolls raise?", _STORY, "Tolls pay for its upkeep."),),
            (_ex("How much do the tolls raise?", _STORY,
                 _OPENED),)),
    Feature("rarest_in_passage", "1 when the question's rarest word is in the passage",
            lambda q, c: float(not q.rarest.isdisjoint(c.passage_terms)),
            (_ex("How much do the tolls raise?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How much do the tolls raise?", _STORY,
                 _OPENED),)),
    Feature("names_in_sentence", "the share of the question's names (capitalised words the corpus has) in the "
            "sentence itself (or its article's subject); 1 when it names nothing",
            lambda q, c: _names_found(q, c.terms),
            (_ex("When did Jane Doyle open the bridge?", _STORY,
                 _OPENED),),
            (_ex("When did Jane Doyle open the bridge?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("names_in_passage", "the share of the question's names in the passage; 1 when it names nothing",
            lambda q, c: _names_found(q, c.passage_terms),
            (_ex("When did Jane Doyle open the bridge?", _STORY,
                 _OPENED),),
            (_ex("When did Jane Doyle open the Tolls Bridge?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("novelty", "the share of the sentence's words that the question does not hold: an answer adds something",
            _novelty,
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("Do tolls pay for upkeep?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("first_sentence", "1 for the first sentence of its passage",
            lambda q, c: float(c.position == 0),
            (_ex("How many vehicles cross?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("What pays for the upkeep?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("lead", "1 when the passage is its article's first",
            lambda q, c: float(c.lead),
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("How many vehicles cross?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("length", "the sentence's length in terms, over 40 (at most 1)",
            lambda q, c: min(len(c.terms), 40) / 40,
            (_ex("What pays for the upkeep?", _STORY, "Tolls pay for its upkeep."),),
            ()),
    Feature("pair", "1 when the candidate quotes the sentence before it too (it goes on from it)",
            lambda q, c: float(c.pair),
            (),
            (_ex("Who opened the bridge?", _STORY, _OPENED),)),
    Feature("corroborated", "1 when another article repeats the passage (a near-duplicate folded into it)",
            lambda q, c: float(c.corroborated),
            (),
            (_ex("Who opened the bridge?", _STORY, _OPENED),)),
    Feature("cosine", "the passage's cosine with the question in the semantic mode (else 0)",
            lambda q, c: c.cosine,
            (),
            (_ex("Who opened the bridge?", _STORY, _OPENED),)),
    Feature("unknown_words", "the share of the question's weight in English words no article has (nor their "
            "expansions): the folder may say it in other words",
            lambda q, c: q.unknown,
            (_ex("How many vehicles cross the viaduct?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many vehicles cross the bridge?", _STORY, "It carries 160,000 vehicles a day."),
             _ex("How many vehicles cross the Zubrowka bridge?", _STORY, "It carries 160,000 vehicles a day."))),
    Feature("unknown_terms", "the share of the question's weight in other words no article has (names, codes, "
            "jargon): the folder may be about something else",
            lambda q, c: q.unknown_rare,
            (_ex("How many vehicles cross the Zubrowka bridge?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many vehicles cross the viaduct?", _STORY, "It carries 160,000 vehicles a day."),)),
    Feature("unknown_names", "the share of the question's names that no article has",
            lambda q, c: q.unknown_names,
            (_ex("When did Mark Ellis open the bridge?", _STORY,
                 _OPENED),),
            (_ex("When did Jane Doyle open the bridge?", _STORY,
                 _OPENED),)),
    Feature("keywords", "1 for a question put as keywords, not as a sentence",
            lambda q, c: float(not q.in_words),
            (_ex("bridge tolls", _STORY, "Tolls pay for its upkeep."),),
            (_ex("What pays for the bridge?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("question_words", "the number of the question's distinct words, over 12 (at most 1)",
            lambda q, c: min(q.word_count, 12) / 12,
            (_ex("bridge tolls", _STORY, "Tolls pay for its upkeep."),),
            ()),
    Feature("number_given", "for a question wanting a figure (how many X, how much, how big): 1 when the sentence "
            "holds a figure that counts X (or near a question word), -1 when not",
            lambda q, c: _gives(q, c, "number"),
            (_ex("How many vehicles does the bridge carry?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many vehicles does the bridge carry?", _STORY, "Tolls pay for its upkeep."),
             _ex("Who opened the bridge?", _STORY, "It carries 160,000 vehicles a day."))),
    Feature("figure_present", "for a question wanting a figure: 1 when the sentence holds any figure (not a year, a "
            "date or a figure of the question), whatever it counts, -1 when it holds none",
            lambda q, c: 0.0 if not _kind(q, "number") else 1.0 if answers.gives_amount(c.text, q.asked) else -1.0,
            (_ex("How many lorries does the bridge carry?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many vehicles does the bridge carry?", _STORY, "Tolls pay for its upkeep."),
             _ex("Who opened the bridge?", _STORY, "It carries 160,000 vehicles a day."))),
    Feature("amount_given", "for a question for an amount (how much, how far, what percentage): 1 when the sentence "
            "holds a figure (not a year, a date or a figure of the question), -1 when not",
            _amount,
            (_ex("How much traffic does the bridge carry?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How much traffic does the bridge carry?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("date_given", "for a question for a date (when, what year, since when): 1 when the sentence or the "
            "heading over it can say when, -1 when not",
            lambda q, c: _gives(q, c, "date"),
            (_ex("When was the bridge opened?", _STORY,
                 _OPENED),),
            (_ex("When was the bridge opened?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("name_given", "for a question for a name (who, which group): 1 when the sentence holds a name, -1 when not",
            lambda q, c: _gives(q, c, "name"),
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("Who pays for the upkeep?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("type_missing", "1 when the question wants a figure, an amount or a date and the sentence has none",
            lambda q, c: float(_type_missing(q, c)),
            (_ex("When was the bridge opened?", _STORY, "Tolls pay for its upkeep."),
             _ex("How many vehicles does the bridge carry?", _STORY, "Tolls pay for its upkeep.")),
            (_ex("When was the bridge opened?", _STORY,
                 _OPENED),
             _ex("What pays for the upkeep?", _STORY, "Tolls pay for its upkeep."))),
    Feature("coverage_if_type_missing", "the context coverage of a sentence that lacks the figure or date asked for "
            "(so that words alone cannot make up for it)",
            lambda q, c: share(q.words, c.terms, c.before)[0] if _type_missing(q, c) else 0.0,
            (_ex("When do the tolls pay for the upkeep?", _STORY, "Tolls pay for its upkeep."),),
            (_ex("When was the bridge opened?", _STORY,
                 _OPENED),)),
    Feature("margin", "the candidate's context coverage minus the best of the candidates quoting other sentences",
            lambda q, c: 0.0,  # (listwise: filled in by `vectors`)
            (_ex("Who opened the bridge?", _STORY, _OPENED),),
            (_ex("Who opened the bridge?", _STORY, "Tolls pay for its upkeep."),)),
    Feature("best_in_passage", "1 when no candidate of its passage has a higher context coverage",
            lambda q, c: 0.0,  # (listwise: filled in by `vectors`)
            (_ex("How many vehicles use the bridge?", _STORY, "It carries 160,000 vehicles a day."),),
            (_ex("How many vehicles use the bridge?", _STORY, "Tolls pay for its upkeep."),)),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)


class Gate(NamedTuple):
    """A condition right answers rarely fail. scripts/train_answerer.py measures, on the training questions, how often
    a candidate failing it is right anyway, and the model keeps the gates whose failing candidates are at most
    GATE_MAX_ODDS as often right as those passing them: a candidate failing a kept gate is never quoted (a linear
    model cannot say "whatever else it has"), and when every candidate fails one, that share is the confidence."""

    name: str
    feature: str  # the feature it reads
    fails: Callable[[float], bool]  # on that feature's value
    reason: str  # why there is no answer when every candidate fails it


GATE_MAX_ODDS = 1 / 3
GATES: tuple[Gate, ...] = (
    Gate("two words", "two_words", lambda v: v == 0,
         "no passage that can be quoted holds two of the question's words"),
    Gate("a date", "date_given", lambda v: v < 0, "the best passages give no date"),
    Gate("a figure", "number_given", lambda v: v < 0, "no passage gives a figure for what the question counts"),
    Gate("any figure", "figure_present", lambda v: v < 0, "the best passages give no figure"),
    Gate("an amount", "amount_given", lambda v: v < 0, "the best passages give no figure for the amount asked"),
    Gate("a name", "name_given", lambda v: v < 0, "the best passages name no one"),
)


def failed_gates(row: Sequence[float], kept: AbstractSet[str]) -> list[Gate]:
    """The kept gates a candidate (its feature row) fails."""
    return [g for g in GATES if g.name in kept and g.fails(row[FEATURE_NAMES.index(g.feature)])]


_MARGIN = FEATURE_NAMES.index("margin")
_BEST_IN_PASSAGE = FEATURE_NAMES.index("best_in_passage")
_CONTEXT = FEATURE_NAMES.index("context_coverage")


def vectors(question: QuestionFacts, candidates: Sequence[CandidateFacts]) -> list[list[float]]:
    """Each candidate's features, in FEATURES order."""
    rows = [[feature.value(question, c) for feature in FEATURES] for c in candidates]
    best: dict[int, float] = {}
    for row, c in zip(rows, candidates, strict=True):
        best[c.passage] = max(best.get(c.passage, 0.0), row[_CONTEXT])
    for row, c, others in zip(rows, candidates, rivals(candidates), strict=True):
        row[_MARGIN] = row[_CONTEXT] - max((rows[k][_CONTEXT] for k in others), default=0.0)
        row[_BEST_IN_PASSAGE] = float(row[_CONTEXT] >= best[c.passage])
    return rows


def rivals(candidates: Sequence[CandidateFacts]) -> list[list[int]]:
    """For each candidate, the candidates that quote none of its sentences (a sentence alone and the same sentence
    with the one before it are one answer, not two)."""
    return [[k for k, other in enumerate(candidates) if other.sentences.isdisjoint(c.sentences)] for c in candidates]
