"""askiraq beside the engines a user could pick instead: tantivy (its Python binding) and bm25s (issue 25).

    python scripts/bench.py --peers                          # 10,000 and 100,000 passages
    python scripts/bench.py --peers --sizes 10000            # a quicker run (sizes are passages here)

Every engine indexes the same texts, askiraq's own passages read back from the index askiraq built, and answers the
same questions of the synthetic corpus (scripts/make_corpus.py). The machine is shared and noisy, so the engines take
turns: a warm question goes to each engine in turn (the order rotating), and so do cold questions and batches. Builds,
cold questions and batches run in fresh processes; a peer's process is this script itself (`build`, `cold` and
`batch` below), importing only its own library. Lucene (pyserini) is left out, with a line saying why.

The peers are development dependencies only (`pip install 'askiraq[bench]'`).
"""

from __future__ import annotations

import json
import os
import sys
import time

# A peer's cold question runs this script: its top imports are only what that process needs (json, os, sys, time,
# all but json loaded by Python's start anyway), so that the cold figure is the peer's and not this script's. The
# benchmark's own tools are imported where they are used.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path
    from typing import Any

    Search = Callable[[str], list[int]]  # a question -> the ids of its best TOP passages
    MakeCorpus = Callable[[Path, int], tuple[Path, Path]]  # (data dir, articles) -> (corpus folder, questions file)
    Figures = dict[str, dict[str, float]]  # engine -> figure -> value

SCRIPT = os.path.abspath(__file__)
PEERS = ("tantivy", "bm25s")
ENGINES = ("askiraq", *PEERS)
SEMANTIC = "askiraq semantic"  # with --semantic: askiraq's hybrid (BM25 and passage vectors) in the same run
TOP = 10
PASSAGES_PER_ARTICLE = 11.43  # make_corpus: 10,000 articles give 114,291 passages (README, Performance)
WARMUP = 10  # questions each engine answers before the warm timings


def missing_peers(modules: Sequence[str] = PEERS) -> list[str]:
    """The peer libraries that cannot be imported (looked up without importing them)."""
    from importlib.util import find_spec

    return [name for name in modules if find_spec(name) is None]


def require_peers(modules: Sequence[str] = PEERS) -> None:
    """One clear line and exit status 2 when a peer is missing: a benchmark without a peer measures nothing."""
    missing = missing_peers(modules)
    if missing:
        print(f"bench.py --peers needs {', '.join(missing)}: pip install 'askiraq[bench]'", file=sys.stderr)
        raise SystemExit(2)


def lucene_note() -> str:
    """Why Lucene is not among the engines: Anserini's Python binding needs both Java and pyserini, and its adapter
    is not written yet (it could not be tried on a machine without them)."""
    import shutil
    from importlib.util import find_spec

    missing = [what for what, found in (("java", shutil.which("java")), ("pyserini", find_spec("pyserini")))
               if not found]
    reason = f"{' and '.join(missing)} not installed" if missing else "no adapter for pyserini yet"
    return f"Lucene (pyserini) left out: {reason}."


def articles_for(passages: int) -> int:
    """How many synthetic articles give about `passages` passages."""
    return max(1, round(passages / PASSAGES_PER_ARTICLE))


# The engines. Each adapter is what a user of that engine would write: its own analysis (tantivy's English stemmer,
# bm25s's stopwords and PyStemmer), its own BM25, the ids of the best TOP passages.

def _words(question: str) -> str:
    """The question as plain lower-case words: tantivy's query parser would read quotes, colons, + and - as syntax
    (its lenient mode too)."""
    return "".join(c if c.isalnum() else " " for c in question.lower()).strip()


TANTIVY_ANALYZER = "en_stop_stem"


def _tantivy_analyzer(index: Any) -> None:
    """tantivy's own en_stem (simple tokenizer, long tokens dropped, lower case, Snowball English) with its English
    stop words dropped too, as askiraq and bm25s drop theirs: else every question scores "the" and "did". tantivy
    does not store a custom analyser, so it is registered on every open."""
    import tantivy

    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.stopword("english"))
                .filter(tantivy.Filter.stemmer("english")).build())
    index.register_tokenizer(TANTIVY_ANALYZER, analyzer)


def build_tantivy(texts: Iterable[str], out: str) -> None:
    """tantivy, stop words dropped and words stemmed; term frequencies without positions, since BM25 needs no more
    (askiraq's index keeps no positions either). The passage id is stored, as an application needs it back. The
    passages are streamed in, as a user of tantivy would: its peak memory is its own."""
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("body", tokenizer_name=TANTIVY_ANALYZER, index_option="freq")
    schema.add_unsigned_field("pid", stored=True)
    os.makedirs(out)
    index = tantivy.Index(schema.build(), path=out)
    _tantivy_analyzer(index)
    writer = index.writer()
    for pid, text in enumerate(texts):
        writer.add_document(tantivy.Document(body=text, pid=pid))
    writer.commit()
    writer.wait_merging_threads()


def open_tantivy(index_dir: str) -> Search:
    """A searcher over a built tantivy index: the question's words OR'ed, BM25, top TOP."""
    import tantivy

    index = tantivy.Index.open(index_dir)
    _tantivy_analyzer(index)
    searcher = index.searcher()

    def search(question: str) -> list[int]:
        words = _words(question)
        if not words:
            return []
        hits = searcher.search(index.parse_query(words, ["body"]), TOP).hits
        return [int(searcher.doc(address)["pid"][0]) for _, address in hits]

    return search


def build_bm25s(texts: Iterable[str], out: str) -> None:
    """bm25s with English stopwords and the Snowball stemmer askiraq also uses (PyStemmer), saved without the
    corpus. bm25s tokenises a list, so every passage is held in memory while it builds."""
    import bm25s
    import Stemmer

    tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=Stemmer.Stemmer("english"), show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    retriever.save(out, show_progress=False)


def open_bm25s(index_dir: str, mmap: bool = False) -> Search:
    """A bm25s retriever loaded from disk (memory-mapped in a fresh process, the quicker start), one thread."""
    import bm25s
    import Stemmer

    retriever = bm25s.BM25.load(index_dir, mmap=mmap, show_progress=False)
    stemmer = Stemmer.Stemmer("english")
    size = min(TOP, int(retriever.scores["num_docs"]))

    def search(question: str) -> list[int]:
        tokens = bm25s.tokenize([question], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
        known = [[word for word in tokens[0] if word in retriever.vocab_dict]]
        if not known[0]:
            return []
        ids, _ = retriever.retrieve(known, k=size, show_progress=False, n_threads=1)
        return [int(pid) for pid in ids[0]]

    return search


def open_askiraq(corpus: Path, index_root: str) -> tuple[Search, Search]:
    """askiraq's top TOP (its analysis, then its postings' exact BM25) and its full question (search and answer)."""
    from askiraq.analysis import analyze
    from askiraq.expansions import load_thesaurus
    from askiraq.index import open_index
    from askiraq.search import SearchOptions, search

    index = open_index(corpus, index_root).index
    options = SearchOptions(top=3, thesaurus=load_thesaurus())

    def top(question: str) -> list[int]:
        return [pid for pid, _ in index.postings.ranked([(term, 1.0) for term in analyze(question)], TOP)]

    def full(question: str) -> list[int]:
        return [hit.rank for hit in search(index, question, options).hits]  # (the answer is what costs)

    return top, full


BUILDERS: dict[str, Callable[[Iterable[str], str], None]] = {"tantivy": build_tantivy, "bm25s": build_bm25s}


def open_peer(engine: str, index_dir: str, fresh: bool = False) -> Search:
    return open_tantivy(index_dir) if engine == "tantivy" else open_bm25s(index_dir, mmap=fresh)


def child_main(argv: Sequence[str]) -> None:
    """A peer in a process of its own: `build ENGINE PASSAGES OUT`, `cold ENGINE INDEX QUESTION` (prints the ids)
    or `batch ENGINE INDEX` (questions on stdin, one JSON line of ids each). No argparse: it would cost the cold
    question its import."""
    job, engine, *paths = [*argv, "", ""][:max(2, len(argv))]
    if engine not in PEERS or len(paths) != {"build": 2, "cold": 2, "batch": 1}.get(job):
        raise SystemExit(f"usage: bench_peers.py build|cold|batch {'|'.join(PEERS)} PATH... (got {list(argv)})")
    if job == "build":
        with open(paths[0], encoding="utf-8") as passages:
            BUILDERS[engine]((json.loads(line) for line in passages), paths[1])
    elif job == "cold":
        print(open_peer(engine, paths[0], fresh=True)(paths[1]))
    else:
        search = open_peer(engine, paths[0], fresh=True)
        for line in sys.stdin:
            print(json.dumps(search(line.strip())))


# The measurements, in the benchmark's own process.

def peer_command(job: str, engine: str, *paths: str) -> list[str]:
    return [sys.executable, SCRIPT, job, engine, *paths]


def timed_build(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds for a build command and the largest resident set of any process it ran (MiB), from a probe process
    of its own, so that RUSAGE_CHILDREN holds that build alone."""
    import subprocess

    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def folder_mib(path: str) -> float:
    return sum(os.path.getsize(os.path.join(folder, name)) for folder, _, names in os.walk(path) for name in names) \
        / 2**20


def export_passages(corpus: Path, index_root: str, out: str) -> tuple[int, str]:
    """askiraq's passages, as its index has them (each passage's span of its article's text), written to `out` as
    JSON lines in passage-id order: what every peer indexes. Their count, and askiraq's index folder."""
    from askiraq.index import open_index

    opened = open_index(corpus, index_root)
    index = opened.index
    with open(out, "w", encoding="utf-8") as handle:
        for pid in range(index.passage_count):
            handle.write(json.dumps(index.texts.passage_text(index.records.passage(pid))) + "\n")
    return index.passage_count, opened.index_dir


def build_all(corpus: Path, work: str, env: dict[str, str], askiraq: Sequence[str],
              semantic_env: dict[str, str] | None = None) -> tuple[Figures, int]:
    """Each engine's build (seconds, peak MiB) and index size (MiB), one after the other; the passage count. With
    `semantic_env` (an index folder of its own), askiraq's build with passage vectors too."""
    figures: Figures = {}
    seconds, peak = timed_build([*askiraq, "index", "--force", "--corpus", str(corpus)], env)
    passages_file = os.path.join(work, "passages.jsonl")
    passages, index_dir = export_passages(corpus, env["ASKIRAQ_INDEX_DIR"], passages_file)
    figures["askiraq"] = {"build_s": seconds, "build_peak_mib": peak, "index_mib": folder_mib(index_dir)}
    if semantic_env is not None:
        seconds, peak = timed_build([*askiraq, "index", "--force", "--semantic", "--corpus", str(corpus)],
                                    semantic_env)
        figures[SEMANTIC] = {"build_s": seconds, "build_peak_mib": peak,
                             "index_mib": folder_mib(semantic_env["ASKIRAQ_INDEX_DIR"])}
    for engine in PEERS:
        index_dir = os.path.join(work, engine)
        seconds, peak = timed_build(peer_command("build", engine, passages_file, index_dir), env)
        figures[engine] = {"build_s": seconds, "build_peak_mib": peak, "index_mib": folder_mib(index_dir)}
    return figures, passages


def rotated(names: Sequence[str], turn: int) -> list[str]:
    """The engines in turn order for round `turn`: each goes first as often as the others."""
    shift = turn % len(names)
    return [*names[shift:], *names[:shift]]


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def warm_timings(searchers: dict[str, Search], questions: list[str]) -> dict[str, dict[str, float]]:
    """Every question to every engine, the engines taking turns; median and p95 in milliseconds."""
    import statistics

    names = list(searchers)
    for question in questions[:WARMUP]:
        for name in names:
            searchers[name](question)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for turn, question in enumerate(questions):
        for name in rotated(names, turn):
            started = time.perf_counter()
            searchers[name](question)
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: {"median": statistics.median(s), "p95": percentile(s, 0.95)} for name, s in samples.items()}


def _run(command: Sequence[str], env: dict[str, str], stdin: str | None = None) -> float:
    """Seconds a command took; it must succeed (askiraq's exit status 1, no confident answer, is a success here)."""
    import subprocess

    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[:4])}... failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds


def cold_and_batch(commands: dict[str, tuple[list[str], list[str]]], questions: list[str], rounds: int,
                   env: dict[str, str], envs: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, float]]:
    """Cold questions (with the `import click` floor among them) and batches, in fresh processes taking turns.
    `commands`: engine -> (its command for one question, appended; its batch command, questions on stdin); `envs`:
    an engine's own environment, where it is not `env`."""
    envs = envs or {}
    import statistics

    floor = [sys.executable, "-c", "import click"]
    cold: dict[str, list[float]] = {name: [] for name in ["floor", *commands]}
    for turn in range(rounds):
        question = questions[turn % len(questions)]
        for name in rotated(list(cold), turn):
            cold[name].append(_run(floor if name == "floor" else [*commands[name][0], question],
                                   envs.get(name, env)))
    batch_rounds = max(2, rounds // 3)
    batch: dict[str, list[float]] = {name: [] for name in commands}
    stdin = "\n".join(questions) + "\n"
    for turn in range(batch_rounds):
        for name in rotated(list(commands), turn):
            batch[name].append(_run(commands[name][1], envs.get(name, env), stdin))
    out = {name: {"cold_ms": statistics.median(times) * 1000} for name, times in cold.items()}
    for name, times in batch.items():
        out[name]["batch_qps"] = len(questions) / statistics.median(times)
    return out


def measure_size(passages: int, data_dir: Path, make_corpus: MakeCorpus, env: dict[str, str], repeat: int,
                 askiraq: Sequence[str], semantic: bool = False) -> dict[str, Any]:
    """Every figure of every engine at one size: builds, then warm, cold and batch questions taking turns (with
    `semantic`, askiraq's hybrid too: its build, index, full question, cold question and batch)."""
    import tempfile

    articles = articles_for(passages)
    corpus, questions_file = make_corpus(data_dir, articles)
    questions = [json.loads(line)["question"] for line in questions_file.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory(dir=data_dir) as work:
        semantic_env = {**env, "ASKIRAQ_INDEX_DIR": os.path.join(work, "askiraq-semantic")} if semantic else None
        figures, count = build_all(corpus, work, env, askiraq, semantic_env)
        top, full = open_askiraq(corpus, env["ASKIRAQ_INDEX_DIR"])
        searchers = {"askiraq": top, "askiraq full": full,
                     **{engine: open_peer(engine, os.path.join(work, engine)) for engine in PEERS}}
        ask = [*askiraq, "ask", "--corpus", str(corpus)]
        commands = {"askiraq": (ask, [*ask, "--batch", "-", "--format", "jsonl"])}
        if semantic_env is not None:
            searchers[f"{SEMANTIC} full"] = open_askiraq(corpus, semantic_env["ASKIRAQ_INDEX_DIR"])[1]
            commands[SEMANTIC] = commands["askiraq"]  # (the index remembers the mode: its own index folder)
        warm = warm_timings(searchers, questions)
        for engine in PEERS:
            commands[engine] = (peer_command("cold", engine, os.path.join(work, engine)),
                                peer_command("batch", engine, os.path.join(work, engine)))
        fresh = cold_and_batch(commands, questions, repeat, env, {SEMANTIC: semantic_env} if semantic_env else None)
    for engine in ENGINES:
        figures[engine].update({"warm_median_ms": warm[engine]["median"], "warm_p95_ms": warm[engine]["p95"]})
    for engine in figures:
        figures[engine].update(fresh[engine], cold_vs_floor=fresh[engine]["cold_ms"] / fresh["floor"]["cold_ms"])
    for mode in ("askiraq", SEMANTIC):
        if mode in figures:
            figures[mode]["full_question_ms"] = warm[f"{mode} full"]["median"]
    return {"target_passages": passages, "articles": articles, "passages": count, "questions": len(questions),
            "floor_ms": fresh["floor"]["cold_ms"], "engines": figures}


# (figure key, row label, unit, lower is better)
FIGURES = (
    ("build_s", "build", "s", True),
    ("build_peak_mib", "build peak memory", "MiB", True),
    ("index_mib", "index size on disk", "MiB", True),
    ("warm_median_ms", "warm top-10, median", "ms", True),
    ("warm_p95_ms", "warm top-10, p95", "ms", True),
    ("full_question_ms", "full question with answer, warm (median)", "ms", True),
    ("cold_ms", "cold question (fresh process)", "ms", True),
    ("cold_vs_floor", "cold question ÷ `import click` floor", "x", True),
    ("batch_qps", "batch (askiraq: full answers; peers: top-10)", "q/s", False),
)


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:,.1f} {unit}" if value >= 10 else \
        f"{value:.2f} {unit}"


def _versus_best(engines: Figures, key: str, lower: bool) -> str:
    """askiraq's value over the best peer's on this row, naming that peer ("4.2x tantivy")."""
    values = {peer: engines[peer][key] for peer in PEERS if key in engines[peer]}
    if key not in engines["askiraq"] or not values:
        return "—"
    best = (min if lower else max)(values, key=lambda peer: values[peer])
    return f"{engines['askiraq'][key] / values[best]:.2f}x {best}" if values[best] else "—"


def format_table(results: list[dict[str, Any]]) -> str:
    """One Markdown table: a row per figure and size, a column per engine (and askiraq's hybrid, when measured), and
    askiraq against the best peer."""
    names = ["askiraq", *([SEMANTIC] if any(SEMANTIC in r["engines"] for r in results) else []), *PEERS]
    lines = [f"| passages | figure | {' | '.join(names)} | askiraq ÷ best peer |", "|---" * (len(names) + 3) + "|"]
    for result in results:
        engines = result["engines"]
        for key, label, unit, lower in FIGURES:
            if key == "cold_ms":
                label += f" (`import click` floor {result['floor_ms']:.0f} ms)"
            cells = [_cell(engines.get(name, {}).get(key), unit) for name in names]
            lines.append(f"| {result['passages']:,} | {label} | {' | '.join(cells)} | "
                         f"{_versus_best(engines, key, lower)} |")
    return "\n".join(lines)


def run(sizes: Sequence[int], data_dir: Path, make_corpus: MakeCorpus, env: dict[str, str], repeat: int,
        askiraq: Sequence[str], output: Path, semantic: bool = False) -> list[dict[str, Any]]:
    """The whole comparison (bench.py --peers [--semantic]): each size in turn, the table printed after each, JSON at
    the end."""
    require_peers()
    print(lucene_note(), flush=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    for passages in sizes:
        results.append(measure_size(passages, data_dir, make_corpus, env, repeat, askiraq, semantic))
        print(format_table(results), flush=True)
    versions = {name: _version(name) for name in ENGINES}
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform}
    output.write_text(json.dumps({"machine": machine, "versions": versions, "lucene": lucene_note(),
                                  "sizes": results}, indent=2) + "\n", encoding="utf-8")
    print(f"written to {output}", file=sys.stderr)
    return results


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    child_main(sys.argv[1:])
