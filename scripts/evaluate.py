"""Measure askiraq on a gold question file: per-kind answer@1, answer@3, MRR, answer-sentence
accuracy and unanswerable accuracy. Every change to splitting, analysis or ranking is judged here.

    python scripts/evaluate.py [--questions tests/data/questions-dev.jsonl] [--corpus corpus]
                               [--output eval-results.json]

A passage is correct when its text contains one of the `answer_terms` (case-insensitive,
typographic quotes folded) and it cites one of the question's evidence files (its own source or
a near-duplicate shown as "also in").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from askiraq.analysis import normalize
from askiraq.expansions import load_thesaurus
from askiraq.index import BuildSettings, open_index
from askiraq.search import SearchOptions, SearchResult, search

ROOT = Path(__file__).resolve().parent.parent
METRICS = ("answer@1", "answer@3", "mrr", "answer_sentence", "no_answer_ok")


def _contains_term(text: str, terms: list[str]) -> bool:
    folded = normalize(text).casefold()
    return any(normalize(t).casefold() in folded for t in terms)


def judge(question: dict[str, Any], result: SearchResult) -> dict[str, float]:
    """Scores of one result against its gold question (answerable or not)."""
    if not question["evidence"]:
        return {"no_answer_ok": float(result.answer is None)}
    sources = {e["source"] for e in question["evidence"]}
    terms = question["answer_terms"]
    # A hit cites its own source and the near-duplicates folded into it ("also in").
    ranks = [h.rank for h in result.hits
             if {c.source for c in (h.citation, *h.also_in)} & sources and _contains_term(h.text, terms)]
    first = min(ranks) if ranks else None
    return {
        "answer@1": float(first == 1),
        "answer@3": float(first is not None and first <= 3),
        "mrr": 1.0 / first if first else 0.0,
        "answer_sentence": float(result.answer is not None and _contains_term(result.answer.text, terms)),
        "no_answer_ok": float(result.answer is not None),
    }


def evaluate(questions_path: Path, corpus: Path, settings: BuildSettings = BuildSettings(),
             top: int = 10, expand: bool = True) -> dict[str, Any]:
    """Per-kind and overall means of every metric, plus the per-question rows."""
    questions = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as index_root:
        index = open_index(corpus, Path(index_root), settings=settings).index
        options = SearchOptions(top=top, thesaurus=load_thesaurus(enabled=expand))
        rows = []
        for q in questions:
            result = search(index, q["question"], options)
            rows.append({"id": q["id"], "kind": q["kind"], **judge(q, result),
                         "answer": result.answer.text if result.answer else None})
    by_kind: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for metric in METRICS:
            if metric in row:
                by_kind[row["kind"]][metric].append(row[metric])
                by_kind["all"][metric].append(row[metric])
    table = {kind: {m: round(sum(v) / len(v), 3) for m, v in metrics.items()} | {"n": len(next(iter(metrics.values())))}
             for kind, metrics in sorted(by_kind.items())}
    return {"questions": str(questions_path), "settings": settings.as_dict(), "by_kind": table, "rows": rows}


def format_table(report: dict[str, Any]) -> str:
    header = f"| {'kind':<13}| {'n':>3} | " + " | ".join(f"{m:>15}" for m in METRICS) + " |"
    lines = [header, "|" + "-" * (len(header) - 2) + "|"]
    for kind, values in report["by_kind"].items():
        cells = " | ".join(f"{values[m]:>15.3f}" if m in values else f"{'':>15}" for m in METRICS)
        lines.append(f"| {kind:<13}| {values['n']:>3} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "data" / "questions-dev.jsonl")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--output", type=Path, default=ROOT / "eval-results.json")
    parser.add_argument("--sentences", type=int, default=BuildSettings().sentences_per_passage)
    parser.add_argument("--heading-weight", type=int, default=BuildSettings().heading_weight)
    parser.add_argument("--title-weight", type=int, default=BuildSettings().title_weight)
    parser.add_argument("--no-expand", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the questions missed at 3")
    args = parser.parse_args()
    settings = BuildSettings(args.sentences, args.heading_weight, args.title_weight)
    report = evaluate(args.questions, args.corpus, settings, expand=not args.no_expand)
    print(format_table(report))
    if args.misses:
        for row in report["rows"]:
            if row.get("answer@3") == 0.0 or row.get("answer_sentence") == 0.0 or row.get("no_answer_ok") == 0.0:
                print(f"  miss {row['id']} ({row['kind']}): {row}", file=sys.stderr)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
