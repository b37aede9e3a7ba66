"""Benchmarks for askiraq: every figure next to a baseline measured in the same run, and the ratio.

    python scripts/bench.py                      # shipped corpus + synthetic 10k and 100k articles
    python scripts/bench.py --sizes 10000        # a quicker run
    python scripts/bench.py --sizes ""           # shipped corpus only
    python scripts/bench.py --semantic 10000     # plus the semantic mode beside BM25 only
    python scripts/bench.py --versus OTHER/bin/askiraq  # the shipped corpus's cold question and batch, this
                                                 # install's askiraq and another's taking turns (a change's cost)
    python scripts/bench.py --peers              # beside tantivy and bm25s (askiraq[bench]), sizes in passages:
                                                 # scripts/bench_peers.py; with --semantic, askiraq's hybrid too

The machine is shared and noisy, so each figure is a median and is set against a baseline taken
in the same run: the `python -c "import click"` floor for cold starts, rank-bm25 and bm25s for
scoring. Synthetic corpora come from scripts/make_corpus.py (deterministic) and are kept in
--data-dir between runs. Results are printed as a Markdown table and written to --output.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions-dev.jsonl"
Row = dict[str, Any]


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def askiraq_command() -> list[str]:
    found = shutil.which("askiraq", path=str(Path(sys.executable).parent)) or shutil.which("askiraq")
    return [found] if found else [sys.executable, "-m", "askiraq"]


def run_cli(args: Sequence[str], env: dict[str, str], stdin: str | None = None,
            command: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(command or askiraq_command()), *args], env=env, input=stdin, capture_output=True,
                          text=True)


def click_floor(repeat: int) -> float:
    return median_seconds(lambda: subprocess.run([sys.executable, "-c", "import click"], check=True), repeat)


def row(name: str, value: float, unit: str, baseline: str = "", base: float | None = None,
        ratio_note: str = "", target: str = "") -> Row:
    ratio = value / base if base else None
    return {"figure": name, "value": value, "unit": unit, "baseline": baseline, "baseline_value": base,
            "ratio": ratio, "ratio_note": ratio_note, "target": target}


def shipped_corpus(repeat: int, env: dict[str, str]) -> list[Row]:
    """Cold single question and batch throughput on the five shipped articles."""
    run_cli(["index"], env)
    floor = click_floor(repeat)
    cold, batch_time = _shipped_timings(repeat, env, askiraq_command(), 3)
    return [
        row("cold question, shipped corpus", cold * 1000, "ms", "python -c 'import click'", floor * 1000,
            target="<= 1.5x floor"),
        row("batch throughput, shipped corpus (5,000 questions, JSONL)", BATCH_SIZE / batch_time, "questions/s",
            target=">= 2,000/s"),
    ]


BATCH_SIZE = 5000


def _shipped_timings(repeat: int, env: dict[str, str], command: Sequence[str], batches: int) -> tuple[float, float]:
    """The median cold question (a dev question each time) and batch of BATCH_SIZE questions, in seconds."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    cycle = iter(questions * repeat)
    cold = median_seconds(lambda: run_cli([next(cycle)], env, command=command), repeat)
    batch = "\n".join((questions * (BATCH_SIZE // len(questions) + 1))[:BATCH_SIZE]) + "\n"
    batch_time = median_seconds(lambda: run_cli(["ask", "--batch", "-", "--format", "jsonl"], env, batch, command),
                                batches)
    return cold, batch_time


def versus(other: str, rounds: int, repeat: int, env: dict[str, str]) -> list[Row]:
    """This install's askiraq and another's (an older version, say) on the shipped corpus, taking turns for `rounds`
    rounds so that both see the same load: medians of the rounds' cold questions and batches."""
    commands = {"this": askiraq_command(), "other": [other]}
    envs = {name: {**env, "ASKIRAQ_INDEX_DIR": os.path.join(env["ASKIRAQ_INDEX_DIR"], name)} for name in commands}
    for name, command in commands.items():  # (each its own index: their formats may differ)
        run_cli(["index"], envs[name], command=command)
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            timings[name].append(_shipped_timings(repeat, envs[name], command, 1))
    cold = {name: statistics.median(t[0] for t in runs) for name, runs in timings.items()}
    batch = {name: BATCH_SIZE / statistics.median(t[1] for t in runs) for name, runs in timings.items()}
    return [row("cold question, shipped corpus", cold["this"] * 1000, "ms", other, cold["other"] * 1000),
            row("batch throughput, shipped corpus", batch["this"], "questions/s", other, batch["other"])]


def make_corpus(data_dir: Path, articles: int) -> tuple[Path, Path]:
    corpus = data_dir / f"c{articles}"
    questions = data_dir / f"c{articles}-questions.jsonl"
    if not (corpus.is_dir() and questions.exists()):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), str(corpus), "--articles",
                        str(articles), "--questions-file", str(questions), "--overwrite"], check=True)
    return corpus, questions


def build_with_peak_memory(corpus: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds for `askiraq index --force`, and the largest resident set of any process it ran (MiB)."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *askiraq_command(), "index", "--force", "--corpus",
                          str(corpus)], env=env, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def semantic_rows(repeat: int, env: dict[str, str], data_dir: Path, sizes: list[int]) -> list[Row]:
    """The semantic mode beside BM25 only, in the same run: cold and warm questions, build time and size."""
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as semantic_root:
        semantic_env = {**env, "ASKIRAQ_INDEX_DIR": semantic_root}
        run_cli(["index", "--semantic"], semantic_env)
        run_cli(["index"], env)
        cycle = iter(questions * 4 * repeat)
        bm25 = median_seconds(lambda: run_cli([next(cycle)], env), repeat)
        hybrid = median_seconds(lambda: run_cli([next(cycle)], semantic_env), repeat)
        rows = [row("cold question, shipped corpus, semantic", hybrid * 1000, "ms", "BM25 only", bm25 * 1000,
                    target="<= 500 ms")]
        for articles in sizes:
            rows += _semantic_at_scale(articles, data_dir, env, semantic_env)
    return rows


def _semantic_at_scale(articles: int, data_dir: Path, env: dict[str, str], semantic_env: dict[str, str]) -> list[Row]:
    from askiraq.expansions import load_thesaurus
    from askiraq.index import open_index
    from askiraq.search import SearchOptions, search

    corpus, questions_file = make_corpus(data_dir, articles)
    questions = [json.loads(line)["question"] for line in questions_file.read_text().splitlines()]
    label = f"{articles:,} articles"
    built: dict[str, tuple[float, float]] = {}
    for mode, mode_env, extra in (("bm25", env, []), ("semantic", semantic_env, ["--semantic"])):
        started = time.perf_counter()
        run_cli(["index", "--force", "--corpus", str(corpus), *extra], mode_env)
        opened = open_index(corpus, Path(mode_env["ASKIRAQ_INDEX_DIR"]))
        size = sum(f.stat().st_size for f in Path(opened.index_dir).rglob("*") if f.is_file()) / 2**20
        built[mode] = (time.perf_counter() - started, size)
    options = SearchOptions(top=3, thesaurus=load_thesaurus())
    warm = {}
    for mode, mode_env in (("bm25", env), ("semantic", semantic_env)):
        index = open_index(corpus, Path(mode_env["ASKIRAQ_INDEX_DIR"])).index
        search(index, questions[0], options)  # the vectors are converted once per open index
        cycle = iter(questions * 2)
        warm[mode] = median_seconds(lambda i=index, c=cycle: search(i, next(c), options),  # type: ignore[misc]
                                    min(len(questions), 100))
    return [
        row(f"index build, {label}, semantic", built["semantic"][0], "s", "BM25 only", built["bm25"][0]),
        row(f"index size, {label}, semantic", built["semantic"][1], "MiB", "BM25 only", built["bm25"][1]),
        row(f"warm question, {label}, semantic", warm["semantic"] * 1000, "ms", "BM25 only", warm["bm25"] * 1000),
    ]


def synthetic_corpus(articles: int, data_dir: Path, repeat: int, env: dict[str, str]) -> list[Row]:
    from askiraq.analysis import analyze
    from askiraq.expansions import load_thesaurus
    from askiraq.index import open_index
    from askiraq.search import SearchOptions, search

    corpus, questions_file = make_corpus(data_dir, articles)
    questions = [json.loads(line)["question"] for line in questions_file.read_text().splitlines()]
    label = f"{articles:,} articles"
    build_seconds, peak_mib = build_with_peak_memory(corpus, env)
    floor = click_floor(repeat)
    cycle = iter(questions)
    cold = median_seconds(lambda: run_cli(["ask", "--corpus", str(corpus), next(cycle)], env), repeat)
    index = open_index(corpus, Path(env["ASKIRAQ_INDEX_DIR"])).index
    options = SearchOptions(top=3, thesaurus=load_thesaurus())
    warm = median_seconds(lambda: search(index, next(cycle), options), min(len(questions) - 2 * repeat, 150))
    query_terms = [analyze(q) for q in questions[:50]]
    terms_cycle = iter(query_terms * 10)

    def ours_topk() -> None:
        index.postings.ranked([(term, 1.0) for term in next(terms_cycle)], 3)

    ours = median_seconds(ours_topk, 50)
    rows = [
        row(f"index build, {label}", build_seconds, "s", target="<= 60 s (10k), <= 600 s (100k)"),
        row(f"index build peak memory (largest process), {label}", peak_mib, "MiB", target="<= 4096 MiB"),
        row(f"cold question, {label}", cold * 1000, "ms", "python -c 'import click'", floor * 1000,
            target="<= 500 ms at 100k"),
        row(f"warm question (full search + answer), {label}", warm * 1000, "ms", target="<= 10 ms at 100k"),
    ]
    rows += _baselines(index, label, query_terms, ours)
    if articles <= 10_000:
        rows.append(_incremental(corpus, env, label))
    return rows


def _analysed_passages(index: Any) -> tuple[list[list[int]], list[str]]:
    """Every passage as the list of term ids BM25 saw (with repeats): the baselines' input."""
    docs = [[term for term, count in index.records.term_counts(p) for _ in range(count)]
            for p in range(index.passage_count)]
    vocabulary = index.postings.vocabulary()
    return docs, vocabulary


def _baselines(index: Any, label: str, query_terms: list[list[str]], ours: float) -> list[Row]:
    """rank-bm25 get_scores and bm25s retrieve over the very same analysed passages."""
    rows: list[Row] = [row(f"BM25 top-3, askiraq, {label}", ours * 1000, "ms")]
    docs, vocab = _analysed_passages(index)
    try:
        import bm25s
        from bm25s.tokenization import Tokenized

        retriever = bm25s.BM25(k1=1.5, b=0.75, method="robertson")
        retriever.index(Tokenized(ids=docs, vocab={t: i for i, t in enumerate(vocab)}), show_progress=False)
        queries = iter([q for q in query_terms if q] * 10)

        def bm25s_topk() -> None:
            retriever.retrieve([next(queries)], k=3, show_progress=False, n_threads=1)

        bm25s_time = median_seconds(bm25s_topk, 50)
        rows.append(row(f"BM25 top-3, bm25s retrieve, {label}", bm25s_time * 1000, "ms", "askiraq", ours * 1000,
                        ratio_note="bm25s / askiraq", target="askiraq not slower (ratio >= 1)"))
    except ImportError:
        pass
    from rank_bm25 import BM25Okapi

    okapi = BM25Okapi([[vocab[t] for t in doc] for doc in docs])
    del docs
    queries = iter(query_terms)
    okapi_time = median_seconds(lambda: okapi.get_scores(next(queries)), 5)
    rows.append(row(f"BM25 scores, rank-bm25 get_scores, {label}", okapi_time * 1000, "ms", "askiraq",
                    ours * 1000, ratio_note="rank-bm25 / askiraq", target="ratio >= 100"))
    return rows


def _incremental(corpus: Path, env: dict[str, str], label: str) -> Row:
    """Edit one article of an indexed copy, then time the next question (which refreshes the index)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "corpus"
        shutil.copytree(corpus, copy)
        run_cli(["index", "--corpus", str(copy)], env)
        article = next(copy.rglob("*.txt"))
        with article.open("a", encoding="utf-8") as handle:
            handle.write("\n\nThe quorvantile committee met on Tuesday to discuss the harbour.\n")
        started = time.perf_counter()
        result = run_cli(["ask", "--corpus", str(copy), "What did the quorvantile committee discuss?"], env)
        seconds = time.perf_counter() - started
        if result.returncode != 0 or "quorvantile" not in result.stdout:
            raise SystemExit(f"incremental update failed: {result.stderr}")
    return row(f"question after editing one article, {label}", seconds, "s", target="<= 5 s")


def format_table(rows: list[Row]) -> str:
    lines = ["| figure | value | baseline (same run) | ratio | target |", "|---|---|---|---|---|"]
    for r in rows:
        value = f"{r['value']:,.1f} {r['unit']}" if r["value"] >= 10 else f"{r['value']:,.3f} {r['unit']}"
        base = f"{r['baseline']}: {r['baseline_value']:,.3f}" if r["baseline_value"] is not None else ""
        ratio = f"{r['ratio']:.2f}x" + (f" ({r['ratio_note']})" if r["ratio_note"] else "") if r["ratio"] else ""
        lines.append(f"| {r['figure']} | {value} | {base} | {ratio} | {r['target']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="synthetic corpus sizes, comma-separated")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench-data")
    parser.add_argument("--repeat", type=int, default=21, help="runs per cold-start median")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--versus", metavar="COMMAND", help="another install's askiraq command, measured in turns with "
                        "this one on the shipped corpus (and nothing else)")
    parser.add_argument("--rounds", type=int, default=7, help="turns with --versus")
    parser.add_argument("--semantic", nargs="?", const="", default=None, metavar="SIZES",
                        help="also measure the semantic mode on the shipped corpus and "
                             "these synthetic sizes, e.g. --semantic 10000; with --peers, at the --sizes")
    parser.add_argument("--peers", action="store_true", help="askiraq beside tantivy and bm25s (needs askiraq[bench]) "
                        "and nothing else; --sizes are then passages (scripts/bench_peers.py)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as index_root:
        env["ASKIRAQ_INDEX_DIR"] = index_root
        if args.peers:
            import bench_peers  # (beside this script: scripts/ is the path's first entry)

            bench_peers.run([int(s) for s in args.sizes.split(",") if s.strip()], args.data_dir, make_corpus, env,
                            args.repeat, askiraq_command(), args.output, semantic=args.semantic is not None)
            return
        if args.versus:
            rows = versus(args.versus, args.rounds, args.repeat, env)
            print(format_table(rows))
            args.output.write_text(json.dumps({"rows": rows}, indent=2) + "\n")
            return
        rows += shipped_corpus(args.repeat, env)
        print(format_table(rows), flush=True)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            rows += synthetic_corpus(size, args.data_dir, max(7, args.repeat // 3), env)
            print(format_table(rows), flush=True)
        if args.semantic is not None:
            sizes = [int(s) for s in args.semantic.split(",") if s.strip()]
            rows += semantic_rows(args.repeat, env, args.data_dir, sizes)
            print(format_table(rows), flush=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform,
               "max_rss_self_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    args.output.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2) + "\n")
    print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
