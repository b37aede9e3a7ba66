"""Score askiraq and a plain-BM25 baseline, side by side in one run, on every evaluation set.

    python scripts/evaluate.py [--sets dev,dev2,cisi,rewrapped,gk,heldout] [--ablate [rules|features]]
                               [--set NAME=VALUE ...] [--sweep NAME=V1,V2] [--misses] [--output eval-results.json]

Sets (see scripts/evalsets.py): dev and dev2 (gold questions over the shipped corpus), cisi
(1,460 hard-wrapped abstracts, 76 judged queries, scored per document), rewrapped (the shipped
corpus re-wrapped at 72 columns, asked the dev and dev2 questions), gk (general-knowledge articles in
three layouts, with their own questions), heldout (the answer model's held-back training articles). cisi and
heldout come from ../shared and are left out, with a message, where it is absent. Each question set is also asked
without the articles that answer it ("not in the folder": the share refused).

The baseline is rank-bm25's BM25Okapi over the very same passages askiraq indexed, each analysed
alone (Snowball stems, the stop list): no expansions, no headings or titles, no re-ranking, never
"no answer". Question sets are scored with answer@1, answer@3 and MRR (a correct passage holds one
of the question's answer terms and cites an evidence file, itself or as "also in"), answer sentence
(an answer term in askiraq's answer), the sentence chosen (answered or withheld) when the top passage holds the
answer, confidence AUC (does the confidence put right candidates above wrong ones?) and calibration error (with a
reliability table), and the no-answer decision; CISI with MAP, nDCG@10 and P@10 (trec_eval definitions, depth 1000,
a document ranked where its best passage is).

`--set NAME=VALUE` overrides one parameter (a field of askiraq.tuning.RankingParams, or of the index's
BuildSettings); `--sweep NAME=V1,V2` prints every set's figures for each value;
`--ablate` turns each rule and gate of askiraq.features' table off in turn (`--ablate features`: each feature of
the answer model) and prints what that does to every set.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from evalsets import SHARED, JudgedSet, QuestionSet, absent_sets, cisi_set, folded, missing, question_sets

from askiraq.analysis import analyze
from askiraq.expansions import load_thesaurus
from askiraq.features import FEATURES, GATES, RULES
from askiraq.index import Index, open_index
from askiraq.render import shown, shown_answer
from askiraq.search import MAX_QUESTION_CHARS, SearchOptions, search
from askiraq.tuning import DEFAULT_PARAMS, BuildSettings, RankingParams, overridden

ROOT = Path(__file__).resolve().parent.parent
ALL_SETS = ("dev", "dev2", "cisi", "rewrapped", "gk", "heldout")
PROJECT_SETS = ("dev", "dev2", "rewrapped", "gk")  # the sets inside the project (the others need ../shared)
ABSENT_SETS = ("dev", "dev2", "rewrapped", "gk", "heldout")  # asked again without the articles that answer them
CALIBRATION_BINS = 10
QA_DEPTH = 10
CISI_DEPTH = 1000


class Ranked(NamedTuple):
    """One ranked passage as the judges see it: the files it cites, and its text."""

    sources: tuple[str, ...]  # its own file first, then near-duplicates folded into it
    text: str


class Run(NamedTuple):
    ranking: list[Ranked]
    answer: str | None  # None: "no answer"
    confidence: float = 1.0
    reason: str = ""
    candidate: str | None = None  # the answer, or the one withheld below the threshold (what confidence is about)


System = Callable[[str, int], Run]


# ---------------------------------------------------------------------------- the two systems


def check_overrides(overrides: dict[str, str]) -> None:
    known = {*RankingParams.__annotations__, *BuildSettings.__annotations__}
    unknown = set(overrides) - known
    if unknown:
        raise SystemExit(f"unknown parameter(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")


def ranking_params(overrides: dict[str, str]) -> RankingParams:
    return overridden(DEFAULT_PARAMS, overrides)


def build_settings(overrides: dict[str, str]) -> BuildSettings:
    return overridden(BuildSettings(), overrides)


def askiraq_system(index: Index, overrides: dict[str, str]) -> System:
    options = SearchOptions(thesaurus=load_thesaurus(), params=ranking_params(overrides))

    def ask(question: str, depth: int) -> Run:
        result = search(index, question, options._replace(top=depth))
        ranking = [Ranked((h.citation.source, *(c.source for c in h.also_in)), shown(h.text, h.markdown, h.header))
                   for h in result.hits]
        answer = shown_answer(result.answer) if result.answer else None
        candidate = shown_answer(result.withheld) if result.withheld else answer
        return Run(ranking, answer, result.confidence, result.reason, candidate)

    return ask


def baseline_system(index: Index) -> System:
    """rank-bm25 over the passages askiraq indexed, each analysed on its own."""
    from rank_bm25 import BM25Okapi

    passages = [index.records.passage(pid) for pid in range(index.passage_count)]
    texts = [index.texts.passage_text(p) for p in passages]
    sources = [index.records.document(p.doc_id).rel for p in passages]
    bm25 = BM25Okapi([analyze(t) for t in texts])

    def ask(question: str, depth: int) -> Run:
        terms = analyze(question[:MAX_QUESTION_CHARS])
        if not terms:
            return Run([], None)
        scores = bm25.get_scores(terms)
        order = sorted((i for i in range(len(texts)) if scores[i] > 0), key=lambda i: (-scores[i], i))[:depth]
        ranking = [Ranked((sources[i],), " ".join(texts[i].split())) for i in order]
        answer = ranking[0].text if ranking else None
        return Run(ranking, answer, candidate=answer)

    return ask


# ---------------------------------------------------------------------------- judging


def _has_term(text: str, terms: list[str]) -> bool:
    text = folded(text)
    return any(folded(t) in text for t in terms if t.strip())


def judge_question(question: dict[str, Any], run: Run) -> dict[str, float]:
    """Scores of one run against its gold question (answerable or not). `right`: whether the candidate answer that
    the confidence is about (given or withheld) is right, which no answer to an unanswerable question is."""
    right = {"right": float(bool(question["evidence"]) and run.candidate is not None
                            and _has_term(run.candidate, question["answer_terms"]))}
    if not question["evidence"]:
        return {"refused": float(run.answer is None), **right}
    evidence = {e["source"] for e in question["evidence"]}
    terms = question["answer_terms"]
    ranks = [rank for rank, r in enumerate(run.ranking, 1) if evidence & set(r.sources) and _has_term(r.text, terms)]
    first = min(ranks) if ranks else None
    return {
        "answer@1": float(first == 1),
        "answer@3": float(first is not None and first <= 3),
        "mrr": 1.0 / first if first else 0.0,
        "answer_sentence": float(run.answer is not None and _has_term(run.answer, terms)),
        # the sentence chosen (answered or withheld), when the top passage holds the answer
        **({"sentence_top": right["right"]} if first == 1 else {}),
        "answered": float(run.answer is not None),
        **right,
    }


def ranked_documents(run: Run, depth: int) -> list[str]:
    seen: dict[str, None] = {}
    for ranked in run.ranking:
        for source in ranked.sources:
            seen.setdefault(source, None)
    return list(seen)[:depth]


def judge_ranking(documents: list[str], relevant: set[str]) -> dict[str, float]:
    """trec_eval's map, ndcg_cut_10 (binary gains) and P_10 for one query."""
    hits, precision_sum, dcg = 0, 0.0, 0.0
    for rank, doc in enumerate(documents, 1):
        if doc in relevant:
            hits += 1
            precision_sum += hits / rank
            if rank <= 10:
                dcg += 1 / math.log2(rank + 1)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), 10) + 1))
    return {"map": precision_sum / len(relevant), "ndcg@10": dcg / ideal,
            "p@10": sum(d in relevant for d in documents[:10]) / 10, "empty": float(not documents)}


def confidence_auc(rows: list[dict[str, Any]]) -> float | None:
    """How well the confidence figure ranks right answers above wrong ones, over every question with a candidate
    answer (given, or withheld below the threshold): the chance that a right one (its sentence holds an answer term)
    has the higher figure than a wrong one (a wrong sentence, or any answer to an unanswerable question); ties count
    half. None without both kinds."""
    judged = [r for r in rows if r["candidate"] is not None]
    right = [r["confidence"] for r in judged if r["right"]]
    wrong = [r["confidence"] for r in judged if not r["right"]]
    if not right or not wrong:
        return None
    wins = sum((a > b) + 0.5 * (a == b) for a in right for b in wrong)
    return wins / (len(right) * len(wrong))


def reliability(rows: list[dict[str, Any]]) -> list[tuple[float, float, int, float]]:
    """Confidence in CALIBRATION_BINS equal bins against the share right: (bin start, mean confidence, questions,
    share right) for each bin that has a question."""
    bins: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["candidate"] is not None:
            bins.setdefault(min(int(row["confidence"] * CALIBRATION_BINS), CALIBRATION_BINS - 1), []).append(row)
    return [(at / CALIBRATION_BINS, sum(r["confidence"] for r in chosen) / len(chosen), len(chosen),
             sum(r["right"] for r in chosen) / len(chosen)) for at, chosen in sorted(bins.items())]


def calibration_error(rows: list[dict[str, Any]]) -> float | None:
    """Expected calibration error: the questions-weighted mean gap between confidence and the share right, by bin."""
    table = reliability(rows)
    count = sum(n for _, _, n, _ in table)
    return sum(n * abs(mean - right) for _, mean, n, right in table) / count if count else None


def _mean(rows: Iterable[dict[str, float]], metric: str) -> float | None:
    values = [r[metric] for r in rows if metric in r]
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------------------- running sets


def run_questions(qset: QuestionSet, systems: dict[str, System]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for name, system in systems.items():
        rows = []
        for q in qset.questions:
            run = system(q["question"], QA_DEPTH)
            rows.append({"id": q["id"], "kind": q["kind"], **judge_question(q, run),
                         "top": folded(run.ranking[0].text) if run.ranking else None, "answer": run.answer,
                         "candidate": run.candidate, "confidence": round(run.confidence, 3), "reason": run.reason})
        report[name] = {"rows": rows, **{m: _mean(rows, m) for m in QA_METRICS}}
    ours = report["askiraq"]
    ours["confidence_auc"] = confidence_auc(ours["rows"])
    ours["calibration_error"] = calibration_error(ours["rows"])
    ours["reliability"] = reliability(ours["rows"])
    return report


def run_absent(qset: QuestionSet, cache: Path, index_for: Callable[[Path], Index],
               overrides: dict[str, str]) -> dict[str, Any]:
    """"Not in the folder": the share of answerable questions refused when the articles that answer them are gone."""
    rows = []
    for absent in absent_sets(cache, qset):
        system = askiraq_system(index_for(absent.corpus), overrides)
        for q in absent.questions:
            run = system(q["question"], 1)
            rows.append({"id": q["id"], "refused": float(run.answer is None), "answer": run.answer,
                         "confidence": round(run.confidence, 3)})
    return {"rows": rows, "questions": len(rows), "refused": _mean(rows, "refused")}


def run_judged(jset: JudgedSet, systems: dict[str, System], index: Index) -> dict[str, Any]:
    depth = CISI_DEPTH * max(1, math.ceil(index.passage_count / index.document_count))
    report: dict[str, Any] = {}
    for name, system in systems.items():
        rows = []
        for qid, text in jset.queries.items():
            run = system(text, depth)
            rows.append({"id": qid, **judge_ranking(ranked_documents(run, CISI_DEPTH), jset.relevant[qid]),
                         "answered": float(run.answer is not None), "confidence": round(run.confidence, 3),
                         "reason": run.reason})
        report[name] = {"rows": rows, **{m: _mean(rows, m) for m in IR_METRICS}}
    return report


QA_METRICS = ("answer@1", "answer@3", "mrr", "answer_sentence", "sentence_top", "answered", "refused")
IR_METRICS = ("map", "ndcg@10", "p@10", "empty", "answered")


def evaluate(sets: Iterable[str], overrides: dict[str, Any], cache: Path, with_baseline: bool = True,
             absent: bool = True) -> dict[str, Any]:
    """Every requested set, askiraq (with `overrides`) and the baseline on the same passages; with `absent`, the
    question sets also without the articles that answer them. The figures are kept in `cache` under a fingerprint of
    the code and data they come from, so a second run of the same (the tests, then cog in CI) reads them back."""
    sets = list(sets)
    saved = cache / f"results-{fingerprint([sets, overrides, with_baseline, absent]):08x}.json"
    if saved.is_file():
        results: dict[str, Any] = json.loads(saved.read_text(encoding="utf-8"))
        return results
    results = _evaluate(sets, overrides, cache, with_baseline, absent)
    cache.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(results), encoding="utf-8")
    return results


def fingerprint(what: Any) -> int:
    """A checksum of `what` and of every file the figures depend on: the package, these scripts, the data (as they
    were when this process first asked: the code it runs)."""
    return zlib.crc32(json.dumps(what, sort_keys=True).encode(), _files_checksum())


@functools.cache
def _files_checksum() -> int:
    digest = 0
    for folder in (ROOT / "askiraq", ROOT / "scripts", ROOT / "corpus", ROOT / "tests" / "data", SHARED):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts:
                digest = zlib.crc32(path.read_bytes(), zlib.crc32(str(path.relative_to(folder)).encode(), digest))
    return digest


def _evaluate(sets: list[str], overrides: dict[str, Any], cache: Path, with_baseline: bool,
              absent: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    qsets = question_sets(cache)
    with tempfile.TemporaryDirectory() as index_root:
        indexes: dict[Path, Index] = {}

        def index_for(corpus: Path) -> Index:
            if corpus not in indexes:
                indexes[corpus] = open_index(corpus, index_root, settings=build_settings(overrides)).index
            return indexes[corpus]

        for name in sets:
            if why := missing(name):
                print(why, file=sys.stderr)
                continue
            if name == "cisi":
                jset = cisi_set(cache)
                index = index_for(jset.corpus)
                systems = {"askiraq": askiraq_system(index, overrides)}
                if with_baseline:
                    systems["baseline"] = baseline_system(index)
                results[name] = run_judged(jset, systems, index)
                continue
            qset = qsets[name]
            index = index_for(qset.corpus)
            systems = {"askiraq": askiraq_system(index, overrides)}
            if with_baseline:
                systems["baseline"] = baseline_system(index)
            results[name] = run_questions(qset, systems)
            if absent and name in ABSENT_SETS:
                results[name]["absent"] = run_absent(qset, cache, index_for, overrides)
        if "rewrapped" in results:
            results["rewrapped"]["same_top"] = _same_top(qsets, results["rewrapped"], overrides, index_for)
    return results


def _same_top(qsets: dict[str, QuestionSet], rewrapped: dict[str, Any], overrides: dict[str, Any],
              index_for: Callable[[Path], Index]) -> float:
    """Share of questions whose top passage reads the same on the original and the re-wrapped corpus."""
    system = askiraq_system(index_for(qsets["dev"].corpus), overrides)
    original = {q["id"]: system(q["question"], 1) for q in qsets["rewrapped"].questions}
    same = [(folded(original[row["id"]].ranking[0].text) if original[row["id"]].ranking else None) == row["top"]
            for row in rewrapped["askiraq"]["rows"]]
    return sum(same) / len(same)


# ---------------------------------------------------------------------------- tables


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


HEADLINE = {"qa": ("answer@1", "answer@3", "mrr", "answer_sentence"), "ir": ("map", "ndcg@10", "p@10")}


def _pair(report: dict[str, Any], metric: str) -> str:
    """askiraq's figure with the baseline's of the same run beside it."""
    ours, base = report["askiraq"].get(metric), report.get("baseline", {}).get(metric)
    return _cell(ours) + (f" (BM25 {_cell(base)})" if base is not None else "")


def format_table(results: dict[str, Any]) -> str:
    """Two tables: ranking, one row per set, askiraq's figures each with plain BM25's of the same run in brackets;
    then answers and refusals (BM25 has neither)."""
    qa = [(name, report) for name, report in results.items() if "askiraq" in report and name != "cisi"]
    lines = ["| set | answer@1 | answer@3 | MRR |", "|---|---|---|---|"]
    for name, report in qa:
        lines.append(f"| {name} | {_pair(report, 'answer@1')} | {_pair(report, 'answer@3')} | {_pair(report, 'mrr')} |")
    lines += ["", "| set | answer sentence | sentence, top passage right | confidence AUC | calibration error "
              "| answered | refused: unanswerable | refused: not in the folder |", "|---|---|---|---|---|---|---|---|"]
    for name, report in qa:
        ours = report["askiraq"]
        absent = report.get("absent")
        not_in_folder = f"{_cell(absent['refused'])} of {absent['questions']}" if absent else ""
        same_top = f"; same top passage {_cell(report['same_top'])}" if "same_top" in report else ""
        lines.append(f"| {name} | {_cell(ours['answer_sentence'])} | {_cell(ours['sentence_top'])} "
                     f"| {_cell(ours['confidence_auc'])} | {_cell(ours['calibration_error'])} "
                     f"| {_cell(ours['answered'])}{same_top} | {_cell(ours['refused'])} | {not_in_folder} |")
    if "cisi" in results:
        report = results["cisi"]
        empty = sum(r["empty"] for r in report["askiraq"]["rows"])
        lines += ["", "| set | MAP | nDCG@10 | P@10 | queries with no results |", "|---|---|---|---|---|",
                  f"| cisi | {_pair(report, 'map')} | {_pair(report, 'ndcg@10')} | {_pair(report, 'p@10')} "
                  f"| {empty:.0f} of {len(report['askiraq']['rows'])} |"]
    return "\n".join(lines)


def reliability_table(results: dict[str, Any]) -> str:
    """Each question set's confidence, binned, against the share of its candidate answers that are right."""
    lines = ["| set | " + " | ".join(f"{at / CALIBRATION_BINS:.1f}–{(at + 1) / CALIBRATION_BINS:.1f}"
                                      for at in range(CALIBRATION_BINS)) + " | calibration error |",
             "|---" * (CALIBRATION_BINS + 2) + "|"]
    for name, report in results.items():
        ours = report.get("askiraq", {})
        if "reliability" not in ours:
            continue
        cells = {round(start * CALIBRATION_BINS): f"{right:.2f} ({n})" for start, _, n, right in ours["reliability"]}
        lines.append(f"| {name} | " + " | ".join(cells.get(at, "") for at in range(CALIBRATION_BINS))
                     + f" | {_cell(ours['calibration_error'])} |")
    return "\n".join(lines)


def stages(which: str = "rules") -> dict[str, dict[str, str]]:
    """The entries of askiraq.features' table to switch off in turn, each with the overrides that do it: "rules" (the
    rules of ranking and quoting, and the answer model's gates) or "features" (the model's features)."""
    if which == "features":
        return {f"feature {f.name}": {"table_off": f.name} for f in FEATURES}
    return {**{r.name: r.off for r in RULES}, **{f"gate: {g.name}": {"table_off": g.name} for g in GATES}}


# Ranking (answer@1, answer@3, MAP, the same top passage when re-wrapped), the sentence chosen when the top passage
# holds the answer, answered (answerable questions), refused (unanswerable ones; and "absent": asked without the
# article that answers them), and the confidence's AUC.
ABLATION_COLUMNS = (("dev", "answer@1"), ("dev", "sentence_top"), ("dev", "answered"), ("dev", "absent"),
                    ("dev2", "answer@1"), ("dev2", "answer@3"), ("dev2", "sentence_top"), ("dev2", "answered"),
                    ("dev2", "refused"), ("dev2", "absent"), ("cisi", "map"), ("rewrapped", "same_top"),
                    ("gk", "answer@1"), ("gk", "sentence_top"), ("gk", "answered"), ("gk", "refused"), ("gk", "absent"),
                    ("heldout", "sentence_top"), ("heldout", "answered"), ("heldout", "absent"),
                    ("all", "confidence_auc"))


def ablate(sets: list[str], overrides: dict[str, str], cache: Path, which: str = "rules") -> dict[str, dict[str, Any]]:
    """askiraq with each entry of the table turned off in turn (no baseline: it does not change)."""
    return {stage: evaluate(sets, {**overrides, **off}, cache, with_baseline=False)
            for stage, off in stages(which).items()}


def _figure(results: dict[str, Any], name: str, metric: str) -> float | None:
    if name == "all":  # every question of every set, as one
        rows = [r for report in results.values() for r in report.get("askiraq", {}).get("rows", []) if "right" in r]
        return confidence_auc(rows) if metric == "confidence_auc" else _mean(rows, metric)
    report = results.get(name, {})
    if metric == "absent":
        return report.get("absent", {}).get("refused")
    return report.get(metric) if metric == "same_top" else report.get("askiraq", {}).get(metric)


def ablation_table(full: dict[str, Any], ablated: dict[str, dict[str, Any]], label: str = "without") -> str:
    """Each variant (a stage turned off, or a swept value): every set's figures, and the change from the full system."""
    columns = [(n, m) for n, m in ABLATION_COLUMNS if n == "all" or n in full]
    header = f"| {label} | " + " | ".join(f"{n} {m}" for n, m in columns) + " |"
    lines = [header, "|---" * (len(columns) + 1) + "|"]
    lines.append("| (defaults) | " + " | ".join(_cell(_figure(full, n, m)) for n, m in columns) + " |")
    for stage, results in ablated.items():
        cells = []
        for n, m in columns:
            value, base = _figure(results, n, m), _figure(full, n, m)
            change = "" if value is None or base is None or abs(value - base) < 5e-4 else f" ({value - base:+.3f})"
            cells.append(_cell(value) + change)
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def semantic_table(bm25: dict[str, Any], hybrid: dict[str, Any]) -> str:
    """Every set's figures with askiraq's BM25 ranking and with the semantic hybrid, side by side."""
    lines = ["| set | metric | BM25 (askiraq) | hybrid | change |", "|---|---|---|---|---|"]
    for name in hybrid:
        for metric in (("map", "ndcg@10", "p@10") if name == "cisi" else HEADLINE["qa"] + ("answered", "refused")):
            before, after = _figure(bm25, name, metric), _figure(hybrid, name, metric)
            if before is None or after is None:
                continue
            lines.append(f"| {name} | {metric} | {_cell(before)} | {_cell(after)} | {after - before:+.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(ALL_SETS))
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--ablate", nargs="?", const="rules", choices=("rules", "features"),
                        help="turn each rule and gate (or each feature) of askiraq.features' table off in turn")
    parser.add_argument("--semantic", action="store_true",
                        help="also build passage vectors and print every set with and without the hybrid")
    parser.add_argument("--sweep", action="append", default=[], metavar="NAME=V1,V2,...",
                        help="askiraq with each value of one parameter in turn (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list the questions askiraq gets wrong")
    parser.add_argument("--cache", type=Path, default=ROOT / "eval-data")
    parser.add_argument("--output", type=Path, default=ROOT / "eval-results.json")
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    overrides = dict(item.split("=", 1) for item in args.overrides)
    check_overrides(overrides)
    results = evaluate(sets, overrides, args.cache)
    print(format_table(results))
    print()
    print(reliability_table(results))
    if args.ablate:
        ablated = ablate(sets, overrides, args.cache, args.ablate)
        print()
        print(ablation_table(results, ablated))
        results["ablation"] = {stage: {f"{n} {m}": _figure(r, n, m) for n, m in ABLATION_COLUMNS}
                               for stage, r in ablated.items()}
    if args.semantic:
        with_vectors = {**overrides, "semantic": "true"}
        hybrid = evaluate(sets, with_vectors, args.cache, with_baseline=False)
        print()
        print(semantic_table(results, hybrid))
        results["semantic"] = {name: {m: _figure(hybrid, name, m) for m in (*QA_METRICS, *IR_METRICS)}
                               for name in hybrid}
    for sweep in args.sweep:
        name, _, values = sweep.partition("=")
        check_overrides({name: ""})
        swept = {f"{name}={v}": evaluate(sets, {**overrides, name: v}, args.cache, with_baseline=False)
                 for v in values.split(",")}
        print()
        print(ablation_table(results, swept, label="with"))
    if args.misses:
        for name, report in results.items():
            for row in report.get("askiraq", {}).get("rows", []):
                if row.get("answer@3") == 0.0 or row.get("answer_sentence") == 0.0 or row.get("refused") == 0.0:
                    print(f"  {name} {row['id']}: {row}", file=sys.stderr)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
