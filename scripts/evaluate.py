"""Score askiraq and a plain-BM25 baseline, side by side in one run, on every evaluation set.

    python scripts/evaluate.py [--sets dev,dev2,cisi,rewrapped,gk] [--ablate] [--set NAME=VALUE ...]
                               [--misses] [--output eval-results.json]

Sets (see scripts/evalsets.py): dev and dev2 (gold questions over the shipped corpus), cisi
(1,460 hard-wrapped abstracts, 76 judged queries, scored per document), rewrapped (the shipped
corpus re-wrapped at 72 columns, asked the dev and dev2 questions), gk (general-knowledge articles in
three layouts, with their own questions).

The baseline is rank-bm25's BM25Okapi over the very same passages askiraq indexed, each analysed
alone (Snowball stems, the stop list): no expansions, no headings or titles, no re-ranking, never
"no answer". Question sets are scored with answer@1, answer@3 and MRR (a correct passage holds one
of the question's answer terms and cites an evidence file, itself or as "also in"), answer sentence
(an answer term in askiraq's answer), confidence AUC (does askiraq's confidence figure put its right
answers above its wrong ones?), and the no-answer decision; CISI with MAP, nDCG@10 and P@10
(trec_eval definitions, depth 1000, a document ranked where its best passage is).

`--set NAME=VALUE` overrides one parameter (a field of askiraq.tuning.RankingParams, or of the index's
BuildSettings); `--sweep NAME=V1,V2` prints every set's figures for each value;
`--ablate` turns each stage off in turn and prints what that does to every set.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from evalsets import JudgedSet, QuestionSet, cisi_set, question_sets

from askiraq.analysis import analyze, normalize
from askiraq.expansions import load_thesaurus
from askiraq.index import Index, open_index
from askiraq.search import MAX_QUESTION_CHARS, SearchOptions, search
from askiraq.tuning import DEFAULT_PARAMS, BuildSettings, RankingParams

ROOT = Path(__file__).resolve().parent.parent
ALL_SETS = ("dev", "dev2", "cisi", "rewrapped", "gk")
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


System = Callable[[str, int], Run]


# ---------------------------------------------------------------------------- the two systems


def _converted(defaults: Any, overrides: dict[str, str]) -> Any:
    """`defaults` (a NamedTuple) with the overrides that name its fields, each converted to the field's type."""
    fields = type(defaults).__annotations__
    convert: dict[Any, Callable[[str], Any]] = {bool: lambda v: v.lower() in ("1", "true", "yes", "on"),
                                                int: int, float: float, bool | None: lambda v: convert[bool](v)}
    return defaults._replace(**{k: convert[fields[k]](v) for k, v in overrides.items() if k in fields})


def check_overrides(overrides: dict[str, str]) -> None:
    known = {*RankingParams.__annotations__, *BuildSettings.__annotations__}
    unknown = set(overrides) - known
    if unknown:
        raise SystemExit(f"unknown parameter(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")


def ranking_params(overrides: dict[str, str]) -> RankingParams:
    params: RankingParams = _converted(DEFAULT_PARAMS, overrides)
    return params


def build_settings(overrides: dict[str, str]) -> BuildSettings:
    settings: BuildSettings = _converted(BuildSettings(), overrides)
    return settings


def askiraq_system(index: Index, overrides: dict[str, str]) -> System:
    options = SearchOptions(thesaurus=load_thesaurus(), params=ranking_params(overrides))

    def ask(question: str, depth: int) -> Run:
        result = search(index, question, options._replace(top=depth))
        ranking = [Ranked((h.citation.source, *(c.source for c in h.also_in)), h.text) for h in result.hits]
        return Run(ranking, result.answer.text if result.answer else None, result.confidence, result.reason)

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
        return Run(ranking, ranking[0].text if ranking else None)

    return ask


# ---------------------------------------------------------------------------- judging


def _folded(text: str) -> str:
    return " ".join(normalize(text).casefold().split())


def _has_term(text: str, terms: list[str]) -> bool:
    folded = _folded(text)
    return any(_folded(t) in folded for t in terms)


def judge_question(question: dict[str, Any], run: Run) -> dict[str, float]:
    """Scores of one run against its gold question (answerable or not)."""
    if not question["evidence"]:
        return {"refused": float(run.answer is None)}
    evidence = {e["source"] for e in question["evidence"]}
    terms = question["answer_terms"]
    ranks = [rank for rank, r in enumerate(run.ranking, 1) if evidence & set(r.sources) and _has_term(r.text, terms)]
    first = min(ranks) if ranks else None
    return {
        "answer@1": float(first == 1),
        "answer@3": float(first is not None and first <= 3),
        "mrr": 1.0 / first if first else 0.0,
        "answer_sentence": float(run.answer is not None and _has_term(run.answer, terms)),
        "answered": float(run.answer is not None),
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
    """How well the confidence figure ranks right answers above wrong ones, over the answered questions: the
    chance that a right answer (its sentence holds an answer term) has the higher figure than a wrong one (a
    wrong sentence, or any answer to an unanswerable question); ties count half. None without both kinds."""
    answered = [r for r in rows if r["answer"] is not None]
    right = [r["confidence"] for r in answered if r.get("answer_sentence")]
    wrong = [r["confidence"] for r in answered if not r.get("answer_sentence")]
    if not right or not wrong:
        return None
    wins = sum((a > b) + 0.5 * (a == b) for a in right for b in wrong)
    return wins / (len(right) * len(wrong))


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
                         "top": _folded(run.ranking[0].text) if run.ranking else None, "answer": run.answer,
                         "confidence": round(run.confidence, 3), "reason": run.reason})
        report[name] = {"rows": rows, **{m: _mean(rows, m) for m in QA_METRICS}}
    report["askiraq"]["confidence_auc"] = confidence_auc(report["askiraq"]["rows"])
    return report


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


QA_METRICS = ("answer@1", "answer@3", "mrr", "answer_sentence", "answered", "refused")
IR_METRICS = ("map", "ndcg@10", "p@10", "empty", "answered")


def evaluate(sets: Iterable[str], overrides: dict[str, Any], cache: Path, with_baseline: bool = True) -> dict[str, Any]:
    """Every requested set, askiraq (with `overrides`) and the baseline on the same passages."""
    results: dict[str, Any] = {}
    qsets = question_sets(cache)
    with tempfile.TemporaryDirectory() as index_root:
        indexes: dict[Path, Index] = {}

        def index_for(corpus: Path) -> Index:
            if corpus not in indexes:
                indexes[corpus] = open_index(corpus, index_root, settings=build_settings(overrides)).index
            return indexes[corpus]

        for name in sets:
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
        if "rewrapped" in results:
            results["rewrapped"]["same_top"] = _same_top(qsets, results["rewrapped"], overrides, index_for)
    return results


def _same_top(qsets: dict[str, QuestionSet], rewrapped: dict[str, Any], overrides: dict[str, Any],
              index_for: Callable[[Path], Index]) -> float:
    """Share of questions whose top passage reads the same on the original and the re-wrapped corpus."""
    system = askiraq_system(index_for(qsets["dev"].corpus), overrides)
    original = {q["id"]: system(q["question"], 1) for q in qsets["rewrapped"].questions}
    same = [(_folded(original[row["id"]].ranking[0].text) if original[row["id"]].ranking else None) == row["top"]
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
    """One row per set: askiraq's figures, each with plain BM25's of the same run in brackets."""
    lines = ["| set | answer@1 | answer@3 | MRR | answer sentence | confidence AUC | answered / refused |",
             "|---|---|---|---|---|---|---|"]
    for name, report in results.items():
        if name in ("cisi", "ablation", "semantic"):
            continue
        ours = report["askiraq"]
        tail = f"; same top passage {_cell(report['same_top'])}" if "same_top" in report else ""
        no_answer = f"{_cell(ours['answered'])} / {_cell(ours['refused'])}{tail}"
        lines.append(f"| {name} | {_pair(report, 'answer@1')} | {_pair(report, 'answer@3')} | {_pair(report, 'mrr')} "
                     f"| {_cell(ours['answer_sentence'])} | {_cell(ours['confidence_auc'])} | {no_answer} |")
    if "cisi" in results:
        report = results["cisi"]
        empty = sum(r["empty"] for r in report["askiraq"]["rows"])
        lines += ["", "| set | MAP | nDCG@10 | P@10 | queries with no results |", "|---|---|---|---|---|",
                  f"| cisi | {_pair(report, 'map')} | {_pair(report, 'ndcg@10')} | {_pair(report, 'p@10')} "
                  f"| {empty:.0f} of {len(report['askiraq']['rows'])} |"]
    return "\n".join(lines)


# Each stage, and the overrides that turn it off.
STAGES = {
    "expansions": {"expand": "false"},
    "word families": {"family_weight": "0"},
    "general synonyms": {"synonym_weight": "0"},
    "typing slips": {"typo_weight": "0"},
    "sentence re-ranking": {"sentence_weight": "0"},
    "short-question re-ranking": {"short_question_sentence_weight": "0"},
    "answer-type checks": {"answer_types": "false"},
    "degree questions": {"degree_questions": "false"},
    "amount check": {"amount_check": "false"},
    "date check": {"date_check": "false"},
    "near-duplicate folding": {"fold_duplicates": "false"},
    "no-answer rule": {"no_answer": "false"},
    "article subject": {"subject_headline_words": "0"},
    "previous sentence": {"previous_sentence_weight": "0"},
}
ABLATION_COLUMNS = (("dev", "answer@1"), ("dev", "answer@3"), ("dev", "answer_sentence"), ("dev", "refused"),
                    ("dev2", "answer@1"), ("dev2", "answer@3"), ("dev2", "answer_sentence"), ("dev2", "refused"),
                    ("cisi", "map"), ("cisi", "ndcg@10"), ("rewrapped", "answer@1"), ("rewrapped", "same_top"),
                    ("gk", "answer@1"), ("gk", "answer@3"), ("gk", "answer_sentence"), ("gk", "refused"),
                    ("all", "answered"))


def ablate(sets: list[str], overrides: dict[str, str], cache: Path) -> dict[str, dict[str, Any]]:
    """askiraq with each stage turned off in turn (no baseline: it does not change)."""
    return {stage: evaluate(sets, {**overrides, **off}, cache, with_baseline=False) for stage, off in STAGES.items()}


def _figure(results: dict[str, Any], name: str, metric: str) -> float | None:
    if name == "all":  # answerable questions of every set that got an answer
        rows = [r for report in results.values() for r in report["askiraq"]["rows"] if "answered" in r]
        return _mean(rows, metric)
    report = results.get(name, {})
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
    parser.add_argument("--ablate", action="store_true", help="turn each stage off in turn")
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
    if args.ablate:
        ablated = ablate(sets, overrides, args.cache)
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
