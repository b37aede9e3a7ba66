"""Train askiraq's answer selector (askiraq/data/answerer.json) from labelled questions.

    python scripts/train_answerer.py --data ../shared/train/squad11 [--data DIR ...]
                                     [--output askiraq/data/answerer.json] [--report answerer-report.json]

Each --data folder holds `corpus/` (articles) and `questions.jsonl` (`id`, `question`, `answers`: a right answer
contains one; `source`: the article's file; `context`: the paragraph the question was written on). Every question is
asked three ways, each through askiraq's own search, and every candidate answer it offers (askiraq.features) is a
labelled row, right when it holds one of the answers:

- present: against the whole corpus;
- without its article: against the corpus without the source article ("not in the folder": nothing is right, unless
  another article happens to say the same);
- without its paragraph: against the corpus without the paragraph it was written on and every fifth one after it
  (the same article, on the same subject, without the answer: the hard case of "not in the folder").

The two ways without count a tenth each (CONDITION_WEIGHT): the model assumes that five questions in six that people
ask of their folder are answered in it, and its probabilities are calibrated for that mix.

Articles are split: every fourth (by name, scripts/evalsets.py) is held back and only reported on. On the rest:
1. the gates (askiraq.features.GATES) whose failing candidates are right at most GATE_MAX_ODDS as often as those
   passing them are kept; candidates failing a kept gate are never quoted, so the rest is fitted without them;
2. the candidates' model, a logistic regression over the features (held to their 0.5th-99.5th percentiles,
   standardised, L2 penalty RIDGE), is fitted on every candidate;
3. the calibration of the best candidate's score (a second logistic regression over its logit and its lead on the
   best candidate quoting other sentences) is fitted on the scores of models that never saw its article (FOLDS);
4. the threshold is the probability that best tells what to answer from what to refuse on those scores: the share
   of present questions with a right best candidate answered, less the share of the questions without their answer
   answered (Youden's J);
5. a gate's value becomes how often the best candidate of a question whose every candidate fails it is right (the
   confidence of such a refusal).
The report (--report) gives the figures of the training and held-back articles. Deterministic: same data, same
weights. The SQuAD v2.0 development set is never used, and the evaluation sets (scripts/evalsets.py) never are.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from evalsets import held_back

from askiraq.analysis import normalize
from askiraq.expansions import load_thesaurus
from askiraq.features import FEATURE_NAMES, GATE_MAX_ODDS, GATES, failed_gates, rivals, vectors
from askiraq.index import Index, open_index
from askiraq.search import SearchOptions, answer_candidates
from askiraq.selector import NO_SECOND_MARGIN, AnswerModel, decide, model_from_json, runner_up
from askiraq.tuning import BuildSettings

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPH_GROUPS = 5  # "without its paragraph" leaves out every fifth paragraph from the question's on
CONDITIONS = ("present", "without article", "without paragraph")
CONDITION_WEIGHT = {"present": 1.0, "without article": 0.1, "without paragraph": 0.1}  # five in six answerable
RIDGE = 1.0  # L2 penalty on the standardised weights (the bias is free)
FOLDS = 5
GATE_MIN_FAILING = 100  # candidates failing a gate, at least, for its share of right ones to be trusted


class Question(NamedTuple):
    set_name: str
    qid: str
    text: str
    answers: tuple[str, ...]
    source: str
    context: str


class Group(NamedTuple):
    """One question asked one way: its candidates' features and labels."""

    question: Question
    condition: str
    rows: list[list[float]]
    labels: list[bool]
    ranks: list[int]
    texts: list[str]
    rivals: list[list[int]]  # for each candidate, those quoting other sentences


def folded(text: str) -> str:
    return " ".join(normalize(text).casefold().split())


def holds(text: str, answers: Iterable[str]) -> bool:
    """Whether a text holds one of the answers (the evaluation's rule: folded, case-insensitive)."""
    text = folded(text)
    return any(folded(a) in text for a in answers if a.strip())


def read_questions(folder: Path) -> list[Question]:
    rows = [json.loads(line) for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [Question(folder.name, str(r["id"]), str(r["question"]), tuple(map(str, r["answers"])), str(r["source"]),
                     str(r.get("context", ""))) for r in rows]


# ---------------------------------------------------------------------------- corpora


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n")]


def _group_of(article: str, context: str) -> int | None:
    """The paragraph group ("every fifth paragraph") of a question's context paragraph, or None if not found."""
    wanted = folded(context)
    for at, paragraph in enumerate(_paragraphs(article)):
        if at and folded(paragraph) == wanted:
            return at % PARAGRAPH_GROUPS
    return None


def _write_without(source: Path, target: Path, article: str | None, group: int | None) -> None:
    """The corpus without one article, or without one paragraph group of every article (the title stays)."""
    for path in sorted(source.iterdir()):
        if path.name == article:
            continue
        text = path.read_text(encoding="utf-8")
        if group is not None:
            text = "\n\n".join(p for at, p in enumerate(_paragraphs(text)) if not at or at % PARAGRAPH_GROUPS != group)
        (target / path.name).write_text(text, encoding="utf-8")


def corpus_for(cache: Path, source: Path, article: str | None = None, group: int | None = None) -> Path:
    """A generated corpus folder (cached while the source is unchanged)."""
    digest = 0
    for path in sorted(source.iterdir()):
        digest = zlib.crc32(path.read_bytes(), digest)
    name = f"{source.parent.name}-{digest:08x}-a{zlib.crc32((article or '').encode()):08x}-g{group}"
    folder = cache / "corpora" / name
    if not folder.is_dir():
        tmp = folder.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        _write_without(source, tmp, article, group)
        tmp.rename(folder)
    return folder


# ---------------------------------------------------------------------------- candidates


def collect(folder: Path, cache: Path, semantic: bool = False) -> list[Group]:
    """Every question of a data folder asked the three ways, as labelled candidate groups."""
    questions = read_questions(folder)
    source = folder / "corpus"
    indexes: dict[Path, Index] = {}
    options = SearchOptions(thesaurus=load_thesaurus())

    def index_for(corpus: Path) -> Index:
        if corpus not in indexes:
            indexes[corpus] = open_index(corpus, cache / "indexes", settings=BuildSettings(semantic=semantic)).index
        return indexes[corpus]

    groups: list[Group] = []
    for at, question in enumerate(questions):
        if at % 1000 == 0:
            print(f"  {folder.name}: {at}/{len(questions)} questions", file=sys.stderr)
        paragraph_group = _group_of((source / question.source).read_text(encoding="utf-8"), question.context)
        ways = {"present": corpus_for(cache, source), "without article": corpus_for(cache, source, question.source)}
        if paragraph_group is not None:
            ways["without paragraph"] = corpus_for(cache, source, None, paragraph_group)
        for condition, corpus in ways.items():
            found = answer_candidates(index_for(corpus), question.text, options)
            if found is None:
                groups.append(Group(question, condition, [], [], [], [], []))
                continue
            rows = vectors(found.question, found.candidates)
            labels = [holds(c.text, question.answers) for c in found.candidates]
            groups.append(Group(question, condition, rows, labels, [c.rank for c in found.candidates],
                                [c.text for c in found.candidates], rivals(found.candidates)))
    return groups


# ---------------------------------------------------------------------------- fitting


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, ridge: float) -> tuple[np.ndarray, float]:
    """Weighted logistic regression by Newton's method, an L2 penalty on the weights (not the bias)."""
    rows, columns = x.shape
    design = np.hstack([x, np.ones((rows, 1))])
    beta = np.zeros(columns + 1)
    penalty = np.full(columns + 1, ridge)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -30, 30)))
        gradient = design.T @ (weight * (p - y)) + penalty * beta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(penalty) + 1e-9 * np.eye(columns + 1)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def _matrix(groups: list[Group]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = [row for g in groups for row in g.rows]
    labels = [float(label) for g in groups for label in g.labels]
    weights = [CONDITION_WEIGHT[g.condition] for g in groups for _ in g.rows]
    return np.array(rows, dtype=float).reshape(-1, len(FEATURE_NAMES)), np.array(labels), np.array(weights)


class Fitted(NamedTuple):
    """The candidates' model as fitted: each feature's range, mean and scale, the weights and the bias."""

    low: np.ndarray
    high: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def logits(self, rows: list[list[float]]) -> np.ndarray:
        x = np.clip(np.array(rows, dtype=float), self.low, self.high)
        return ((x - self.mean) / self.scale) @ self.weights + self.bias


def fit_candidates(groups: list[Group]) -> Fitted:
    """The candidates' model: features held to their 0.5th to 99.5th percentiles, standardised, then weighted."""
    x, y, w = _matrix(groups)
    low, high = np.percentile(x, 0.5, axis=0), np.percentile(x, 99.5, axis=0)
    x = np.clip(x, low, high)
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((x - mean) / scale, y, w, RIDGE)
    return Fitted(low, high, mean, scale, weights, bias)


def _logits(groups: list[Group], fitted: Fitted) -> list[np.ndarray]:
    return [fitted.logits(g.rows) if g.rows else np.array([]) for g in groups]


class Top(NamedTuple):
    """A question's best candidate by some model: its logit, its lead on the next, and whether it is right."""

    best: float
    margin: float
    right: bool
    condition: str


def tops(groups: list[Group], logits: list[np.ndarray], no_second: float) -> list[Top | None]:
    found: list[Top | None] = []
    for group, scores in zip(groups, logits, strict=True):
        if not len(scores):
            found.append(None)
            continue
        best = int(np.argsort(-scores, kind="stable")[0])
        second = runner_up(scores.tolist(), group.rivals[best])
        margin = float(scores[best] - second) if second is not None else no_second
        found.append(Top(float(scores[best]), margin, group.labels[best], group.condition))
    return found


def out_of_fold_tops(groups: list[Group], no_second: float) -> list[Top | None]:
    """Each question's best candidate as a model that never saw its article scores it (folds by article)."""
    articles = sorted({g.question.source for g in groups})
    fold_of = {name: at % FOLDS for at, name in enumerate(articles)}
    found: list[Top | None] = [None] * len(groups)
    for fold in range(FOLDS):
        fitted = fit_candidates([g for g in groups if fold_of[g.question.source] != fold])
        scored = [at for at, g in enumerate(groups) if fold_of[g.question.source] == fold]
        fold_tops = tops([groups[at] for at in scored], _logits([groups[at] for at in scored], fitted), no_second)
        for at, top in zip(scored, fold_tops, strict=True):
            found[at] = top
    return found


def fit_calibration(found: list[Top | None]) -> tuple[float, float, float]:
    known = [t for t in found if t is not None]
    x = np.array([[t.best, t.margin] for t in known])
    y = np.array([float(t.right) for t in known])
    w = np.array([CONDITION_WEIGHT[t.condition] for t in known])
    (a, b), c = fit_logistic(x, y, w, 1e-3)
    return float(a), float(b), c


def choose_threshold(tops: list[Top], probabilities: list[float]) -> float:
    """The probability that best tells the questions to answer from those to refuse: the most of the present ones whose
    best candidate is right answered, less the share of the absent ones answered (Youden's J). Present questions
    with a wrong best candidate count neither way."""
    answer = [p for p, t in zip(probabilities, tops, strict=True) if t.condition == "present" and t.right]
    refuse = [p for p, t in zip(probabilities, tops, strict=True) if t.condition != "present"]
    best, threshold = -math.inf, 0.5
    for candidate in sorted({round(p, 3) for p in probabilities}):
        gain = sum(p >= candidate for p in answer) / len(answer) - sum(p >= candidate for p in refuse) / len(refuse)
        if gain > best:
            best, threshold = gain, candidate
    return threshold


# ---------------------------------------------------------------------------- report


def figures(groups: list[Group], model: AnswerModel) -> dict[str, Any]:
    """The model's figures on groups, per condition: answered, refused, right when answered; how often the best
    candidate is right; and (when a candidate of the top passage is right) how often the best one is."""
    report: dict[str, Any] = {}
    for condition in CONDITIONS:
        chosen = [g for g in groups if g.condition == condition]
        if not chosen:
            continue
        answered = right = top_holds = top_right = 0
        best_right, probabilities = [], []
        for group in chosen:
            selection = decide(group.rows, group.rivals, model)
            if not selection.order:
                continue
            good = group.labels[selection.order[0]]
            probabilities.append(selection.confidence)
            best_right.append(good)
            answered += selection.answered
            right += selection.answered and good
            if any(label and rank == 0 for label, rank in zip(group.labels, group.ranks, strict=True)):
                top_holds += 1
                top_right += good
        report[condition] = {
            "questions": len(chosen), "answered": answered / len(chosen), "refused": 1 - answered / len(chosen),
            "right_when_answered": right / answered if answered else None,
            "best_right": sum(best_right) / len(chosen),
            "sentence_when_top_passage_holds": top_right / top_holds if top_holds else None,
            "mean_confidence": sum(probabilities) / len(probabilities) if probabilities else None,
        }
    return report


def kept_gates(groups: list[Group]) -> dict[str, float]:
    """The gates whose failing candidates are right at most GATE_MAX_ODDS as often as those passing them (the
    candidates it applies to: for a question of the kind it asks of), over GATE_MIN_FAILING failing candidates at
    least; each with the share of its failing candidates that are right."""
    kept = {}
    for gate in GATES:
        at = FEATURE_NAMES.index(gate.feature)
        applies = [(gate.fails(row[at]), label) for g in groups for row, label in zip(g.rows, g.labels, strict=True)
                   if row[at] != 0 or gate.fails(row[at])]
        failing = [label for fails, label in applies if fails]
        passing_ = [label for fails, label in applies if not fails]
        if len(failing) < GATE_MIN_FAILING or not passing_:
            continue
        right_failing, right_passing = sum(failing) / len(failing), sum(passing_) / len(passing_)
        if right_failing <= GATE_MAX_ODDS * right_passing:
            kept[gate.name] = right_failing
    return kept


def refused_by_gates(groups: list[Group], model: AnswerModel) -> dict[str, float]:
    """For the questions whose every candidate fails a gate: how often the one quoted would have been right, by the
    gate that stops it (the confidence of such a refusal); a gate with too few such questions keeps its share of
    right candidates."""
    outcomes: dict[str, list[bool]] = {}
    for group in groups:
        selection = decide(group.rows, group.rivals, model)
        if selection.order and selection.gated:
            best = selection.order[0]
            gate = min(failed_gates(group.rows[best], model.gates.keys()), key=lambda g: model.gates[g.name])
            outcomes.setdefault(gate.name, []).append(group.labels[best])
    return {name: sum(outcomes[name]) / len(outcomes[name]) if len(outcomes.get(name, ())) >= GATE_MIN_FAILING
            else share for name, share in model.gates.items()}


def passing(group: Group, gates: dict[str, float]) -> Group:
    """The group with only the candidates that pass the gates (their rivals renumbered)."""
    keep = [at for at, row in enumerate(group.rows) if not failed_gates(row, gates.keys())]
    new = {old: at for at, old in enumerate(keep)}
    return group._replace(rows=[group.rows[at] for at in keep], labels=[group.labels[at] for at in keep],
                          ranks=[group.ranks[at] for at in keep], texts=[group.texts[at] for at in keep],
                          rivals=[[new[k] for k in group.rivals[at] if k in new] for at in keep])


def train(groups: list[Group]) -> tuple[AnswerModel, dict[str, Any]]:
    """The model fitted on the groups of articles not held back, and the report of its figures."""
    held = held_back(sorted({g.question.source for g in groups}))
    train = [g for g in groups if g.question.source not in held and g.rows]
    gates = kept_gates(train)
    gated = [passing(g, gates) for g in train]
    train = [g for g in gated if g.rows]
    out_of_fold = out_of_fold_tops(train, NO_SECOND_MARGIN)
    calibration = fit_calibration(out_of_fold)
    fitted = fit_candidates(train)
    a, b, c = calibration
    known = [t for t in out_of_fold if t is not None]
    probabilities = [1 / (1 + math.exp(-(a * t.best + b * t.margin + c))) for t in known]
    refused = [Top(-math.inf, 0.0, False, g.condition) for g in gated if not g.rows]
    threshold = choose_threshold(known + refused, probabilities + [0.0] * len(refused))
    model = AnswerModel(FEATURE_NAMES, *(tuple(column.tolist()) for column in fitted[:5]), fitted.bias,
                        calibration, threshold, gates)
    model = model._replace(gates=refused_by_gates([g for g in groups if g.question.source not in held and g.rows],
                                                  model))
    report = {"held_back_articles": sorted(held), "gates": gates,
              "training": figures([g for g in groups if g.question.source not in held], model),
              "held_back": figures([g for g in groups if g.question.source in held], model),
              "weights": dict(zip(FEATURE_NAMES, fitted.weights.tolist(), strict=True)), "threshold": threshold,
              "calibration": calibration}
    return model, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, action="append", required=True, help="a training data folder")
    parser.add_argument("--output", type=Path, default=ROOT / "askiraq" / "data" / "answerer.json")
    parser.add_argument("--report", type=Path, default=ROOT / "answerer-report.json")
    parser.add_argument("--cache", type=Path, default=ROOT / "train-data")
    parser.add_argument("--semantic", action="store_true",
                        help="index the training folders with passage vectors, so that the cosine is a feature")
    args = parser.parse_args()
    groups: list[Group] = []
    for folder in args.data:
        if not (folder / "questions.jsonl").is_file():
            raise SystemExit(f"no training data at {folder} (see ../shared/train/README.md)")
        groups += collect(folder, args.cache, args.semantic)
    model, report = train(groups)
    model_from_json(model.to_json())  # (it must read back)
    about = {"about": f"askiraq's answer model, written by scripts/train_answerer.py from the questions of "
                      f"{', '.join(f.name for f in args.data)} (squad11: SQuAD v1.1, CC BY-SA 4.0; README.md, Data)"}
    args.output.write_text(json.dumps({**about, **model.to_json()}, indent=1) + "\n", encoding="utf-8")
    report = {"data": [str(f) for f in args.data], **report}
    args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("training", "held_back", "threshold")}, indent=2))
    print(f"written to {args.output} and {args.report}", file=sys.stderr)


if __name__ == "__main__":
    main()
