"""Stage 5 (search), the answer selector: which candidate sentence to quote, and the chance that it is right.

One small learned model over the named features of askiraq.features: a logistic regression scores every candidate,
and a second one turns the best candidate's score and its margin over the next into a calibrated probability that
the quoted answer is right (its `confidence`). Below the model's threshold there is no answer ("not in the folder"),
with a reason read from the features that pulled the probability down. The weights are data
(askiraq/data/answerer.json, written by scripts/train_answerer.py); inference is plain Python.
"""

import functools
import json
import math
import os
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, NamedTuple

from askiraq.errors import AskiraqError
from askiraq.features import FEATURE_NAMES, GATE_FEATURES, GATES, CandidateFacts, QuestionFacts, rivals, vectors

MODEL_FORMAT = 1
MODEL_FILE = os.path.join(os.path.dirname(__file__), "data", "answerer.json")


_GateCheck = tuple[int, Callable[[float], bool], tuple[float, str]]  # the feature read, when it fails, what it gives


class AnswerModel(NamedTuple):
    """Features held to the range training saw (a linear model must not extrapolate), standardised (x - mean) / scale
    and weighted; then the calibration of the best candidate's score."""

    features: tuple[str, ...]
    low: tuple[float, ...]  # each feature's range in training (its 0.5th and 99.5th percentiles)
    high: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    calibration: tuple[float, float, float]  # a, b, c: P(right) = σ(a x best logit + b x margin + c)
    threshold: float  # no answer below this probability
    gates: dict[str, float]  # the gates kept (askiraq.features.GATES), each with how often its failures are right

    def logits(self, rows: Sequence[Sequence[float]], off: AbstractSet[str] = frozenset()) -> list[float]:
        """Each candidate's score (a logit); a feature switched off counts as its training mean (weighs nothing)."""
        columns = zip(self.features, self.weights, self.scale, self.mean, self.low, self.high, strict=True)
        used = [(at, w / s, lo, hi) for at, (name, w, s, m, lo, hi) in enumerate(columns) if name not in off and w]
        base = self.bias - sum(w * self.mean[at] for at, w, _, _ in used)  # (the means, taken out once)
        scores = []
        for row in rows:  # (plain loops: this runs for every candidate of every question)
            total = base
            for at, w, lo, hi in used:
                x = row[at]
                total += w * (lo if x < lo else hi if x > hi else x)
            scores.append(total)
        return scores

    @property
    def needed(self) -> frozenset[int]:
        """The features the model reads (by FEATURES position): those it weighs and those of the gates it keeps."""
        return _features_read(self.weights, frozenset(self.gates))

    def confidence(self, best: float, second: float | None) -> float:
        """The calibrated probability that the best candidate is right, from its logit and its lead on the next."""
        a, b, c = self.calibration
        margin = best - second if second is not None else NO_SECOND_MARGIN
        return _sigmoid(a * best + b * margin + c)

    def to_json(self) -> dict[str, Any]:
        fields = {k: list(v) if isinstance(v, tuple) else v for k, v in self._asdict().items()}
        return {"format": MODEL_FORMAT, **fields}

    def gate(self, row: Sequence[float], off: AbstractSet[str] = frozenset()) -> tuple[float, str] | None:
        """For a candidate failing kept gates: the least share of right answers among them, and why; else None."""
        return _first_failed(row, self.gate_checks(off))

    def gate_checks(self, off: AbstractSet[str] = frozenset()) -> list[_GateCheck]:
        """The kept gates not switched off, least often right first (worked out once per model and switches)."""
        return _gate_checks(tuple(self.gates.items()), frozenset(off))


@functools.lru_cache(maxsize=8)
def _gate_checks(kept: tuple[tuple[str, float], ...], off: frozenset[str]) -> list[_GateCheck]:
    """The kept gates not switched off, least often right first: the feature each reads, when it fails, and what a
    candidate failing it gets (the share of such candidates right, and the reason)."""
    shares = dict(kept)
    checks = [(at, g.fails, (shares[g.name], g.reason)) for g, at in GATE_FEATURES
              if g.name in shares and g.name not in off]
    return sorted(checks, key=lambda check: check[2])


def _first_failed(row: Sequence[float], checks: list[_GateCheck]) -> tuple[float, str] | None:
    """What the first check a candidate fails gives it (the checks come least often right first), or None."""
    for at, fails, outcome in checks:
        if fails(row[at]):
            return outcome
    return None


@functools.lru_cache(maxsize=8)
def _features_read(weights: tuple[float, ...], gates: frozenset[str]) -> frozenset[int]:
    gated = {g.feature for g in GATES if g.name in gates}
    return frozenset(at for at, (name, w) in enumerate(zip(FEATURE_NAMES, weights, strict=True)) if w or name in gated)


LIKELY = 0.5  # a withheld answer at least this likely is withheld for the threshold, not for what it lacks


NO_SECOND_MARGIN = 5.0  # a lone candidate leads by this much (logit units; beyond it the margin hardly matters)


def runner_up(scores: Sequence[float], rivals: Sequence[int]) -> float | None:
    """The best score among the best candidate's rivals (candidates quoting other sentences), if any."""
    return max((scores[k] for k in rivals), default=None)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


class ModelError(AskiraqError):
    """The shipped answer model cannot be read (a broken install)."""


def model_from_json(raw: Any) -> AnswerModel:
    """An AnswerModel from its JSON form, checked against the feature table. ModelError when it does not fit."""
    try:
        if raw["format"] != MODEL_FORMAT:
            raise ValueError(f"format {raw['format']}, expected {MODEL_FORMAT}")
        low, high, mean, scale, weights = (tuple(map(float, raw[key])) for key in
                                           ("low", "high", "mean", "scale", "weights"))
        a, b, c = map(float, raw["calibration"])
        model = AnswerModel(tuple(map(str, raw["features"])), low, high, mean, scale, weights, float(raw["bias"]),
                            (a, b, c), float(raw["threshold"]), {str(k): float(v) for k, v in raw["gates"].items()})
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ModelError(f"the answer model is damaged: {err}", "reinstall askiraq") from err
    columns = (model.low, model.high, model.mean, model.scale, model.weights)
    if model.features != FEATURE_NAMES or model.gates.keys() - {g.name for g in GATES} \
            or any(len(column) != len(FEATURE_NAMES) for column in columns):
        raise ModelError("the answer model does not fit this version's features", "reinstall askiraq")
    return model


@functools.cache
def shipped_model() -> AnswerModel:
    """The model that ships with the package (read once)."""
    try:
        with open(MODEL_FILE, encoding="utf-8") as handle:
            return model_from_json(json.load(handle))
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read the answer model: {err}", "reinstall askiraq") from err


class Selection(NamedTuple):
    """The candidates' probabilities of being right, best first, and the decision."""

    order: tuple[int, ...]  # candidate indexes, best first (those failing a gate last)
    probabilities: tuple[float, ...]  # each candidate's own probability of being right (by candidate index)
    rows: tuple[tuple[float, ...], ...]  # each candidate's features (by candidate index)
    confidence: float  # the calibrated probability that the best candidate is right
    answered: bool  # confidence reaches the model's threshold
    gated: str = ""  # why not, when every candidate fails a gate


def select(question: QuestionFacts, candidates: Sequence[CandidateFacts], model: AnswerModel,
           off: AbstractSet[str] = frozenset()) -> Selection:
    """Score every candidate, pick the best that passes the gates, and say how likely it is to be right."""
    others = rivals(candidates)
    return decide(vectors(question, candidates, others, model.needed), others, model, off)


def decide(rows: Sequence[Sequence[float]], rival_lists: Sequence[Sequence[int]], model: AnswerModel,
           off: AbstractSet[str] = frozenset()) -> Selection:
    """`select` on the candidates' features and rivals."""
    if not rows:
        return Selection((), (), (), 0.0, False)
    scores = model.logits(rows, off)
    checks = model.gate_checks(off)
    gates = [_first_failed(row, checks) for row in rows]
    probabilities = tuple(_sigmoid(score) if gate is None else gate[0] for score, gate in zip(scores, gates,
                                                                                              strict=True))
    order = tuple(sorted(range(len(rows)), key=lambda i: (gates[i] is not None, -scores[i], i)))
    table = tuple(map(tuple, rows))
    if (gate := gates[order[0]]) is not None:  # (each fails a gate: the share of such candidates right is its chance)
        return Selection(order, probabilities, table, gate[0], False, gate[1])
    others = [k for k in rival_lists[order[0]] if gates[k] is None]
    confidence = model.confidence(scores[order[0]], runner_up(scores, others))
    return Selection(order, probabilities, table, confidence, confidence >= model.threshold)


# Why the best candidate falls short, by the feature that pulled its score down most (others: a generic reason): each
# reason with when it is true of the candidate. A feature is the reason only then: a weight learned beside a
# correlated feature can have either sign, a kind of answer not asked for counts 0, and a sentence that holds the
# question's words must never be said to lack them, nor an answer to a question not asking when to lack a date.
_SHORTFALLS: dict[str, tuple[str, Callable[[float], bool]]] = {
    "two_words": ("no passage that can be quoted holds two of the question's words", lambda v: v == 0),
    "passage_missing": ("the best passages hold few of the question's words", lambda v: v >= 0.5),
    "sentence_missing": ("no sentence holds the question's main words", lambda v: v >= 0.5),
    "context_missing": ("no sentence holds the question's main words", lambda v: v >= 0.5),
    "rarest_in_sentence": ("no sentence holds the question's rarest word", lambda v: v == 0),
    "rarest_in_passage": ("no passage that can be quoted holds the question's rarest word", lambda v: v == 0),
    "names_in_sentence": ("no sentence names what the question names", lambda v: v < 0.5),
    "names_in_passage": ("no passage that can be quoted names what the question names", lambda v: v < 0.5),
    "number_given": ("no passage gives a figure for what the question asks about", lambda v: v < 0),
    "amount_given": ("the best passages give no figure for the amount asked", lambda v: v < 0),
    "date_given": ("the best passages give no date", lambda v: v < 0),
    "name_given": ("the best passages name no one", lambda v: v < 0),
    "reason_given": ("the best passages give no reason", lambda v: v < 0),
}


def shortfall(selection: Selection, model: AnswerModel, off: AbstractSet[str] = frozenset()) -> str:
    """Why the best candidate is not a confident answer, in words."""
    if not selection.order:
        return "no sentence of the best passages can be quoted as an answer"
    if selection.gated:  # (whatever the threshold: a candidate failing a gate is never quoted)
        return f"{selection.gated} (confidence {selection.confidence:.0%})"
    if selection.confidence >= LIKELY:  # (nothing pulled it down: the bar was set higher, --min-confidence)
        return f"the best sentence found is {selection.confidence:.0%} likely to answer it, below {model.threshold:.0%}"
    row = selection.rows[selection.order[0]]
    pulls = [(w / s * (x - m), name) for at, (name, w, s, m, lo, hi) in
             enumerate(zip(model.features, model.weights, model.scale, model.mean, model.low, model.high, strict=True))
             if name in _SHORTFALLS and name not in off and _SHORTFALLS[name][1](x := min(max(row[at], lo), hi))]
    worst = min(pulls, default=(0.0, ""))
    why = _SHORTFALLS[worst[1]][0] if worst[0] < 0 else "the best sentence found is unlikely to answer it"
    return f"{why} (confidence {selection.confidence:.0%}, below {model.threshold:.0%})"
