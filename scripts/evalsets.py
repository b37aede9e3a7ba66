"""The evaluation sets, as folders of articles plus questions: what scripts/evaluate.py scores.

Four sets inside the project, written for it:

- dev: tests/data/questions-dev.jsonl over the shipped corpus;
- dev2: tests/data/questions-dev2.jsonl over the shipped corpus (keyword queries, paraphrases,
  conflicts, on-topic questions the corpus cannot answer);
- rewrapped: the shipped corpus with every paragraph hard-wrapped at 72 columns and blank lines
  between paragraphs, asked the dev and dev2 questions: the layout must not change the answers;
- gk: tests/data/questions-gk.jsonl over tests/data/gk/, twelve general-knowledge articles (a river, an
  engineer, a spacecraft, ...) in three layouts (a paragraph a line, hard-wrapped, Markdown): askiraq
  must not be tuned to news about Iraq.

Two from public collections, read from ../shared (or ASKIRAQ_SHARED) and left out, with a message, where that is
absent (they never enter the repository):

- cisi: the CISI test collection (../shared/eval/cisi/), one file per abstract, judged at document level;
- heldout: the training data's held-back articles (../shared/train/squad11, every fourth article by name, which
  scripts/train_answerer.py never fits on), their questions over the whole training corpus.

Generated corpora are written once into a cache folder and reused while their source is unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from askiraq.analysis import normalize

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHIPPED_CORPUS = ROOT / "corpus"
DEV_QUESTIONS = DATA / "questions-dev.jsonl"
DEV2_QUESTIONS = DATA / "questions-dev2.jsonl"
SHARED = Path(os.environ.get("ASKIRAQ_SHARED", ROOT.parent / "shared"))
CISI_DIR = SHARED / "eval" / "cisi"
TRAINING_DIR = SHARED / "train" / "squad11"
HELD_BACK_EVERY = 4  # every fourth training article (by name) is held back: reported on, never fitted on
GK_CORPUS = DATA / "gk"
GK_QUESTIONS = DATA / "questions-gk.jsonl"
WRAP_COLUMNS = 72


class QuestionSet(NamedTuple):
    """Gold questions over a corpus: answer terms and evidence files (none: unanswerable)."""

    name: str
    corpus: Path
    questions: list[dict[str, Any]]


class JudgedSet(NamedTuple):
    """An IR test collection: queries and, for each, the files judged relevant."""

    name: str
    corpus: Path
    queries: dict[str, str]
    relevant: dict[str, set[str]]


def read_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fields(text: str) -> list[dict[str, str]]:
    """Records of the SMART format (`.I id`, then `.X` fields) as {field letter: text}."""
    records: list[dict[str, str]] = []
    field = ""
    for line in text.splitlines():
        marker = re.match(r"^\.([A-Z])(?:\s+(.*))?$", line)
        if marker:
            field = marker.group(1)
            if field == "I":
                records.append({"I": (marker.group(2) or "").strip()})
                continue
            records[-1][field] = ""
            continue
        if records and field:
            records[-1][field] += line + "\n"
    return records


def cisi_file(doc_id: str) -> str:
    return f"cisi-{int(doc_id):04d}.txt"


def _write_cisi(target: Path) -> None:
    """Each abstract as a file: its title on one line, a blank line, the abstract as distributed."""
    for record in _fields((CISI_DIR / "CISI.ALL").read_text(encoding="utf-8", errors="replace")):
        title = " ".join(record.get("T", "").split())
        abstract = record.get("W", "").rstrip()
        (target / cisi_file(record["I"])).write_text(f"{title}\n\n{abstract}\n", encoding="utf-8")


def _write_rewrapped(target: Path) -> None:
    """The shipped articles with every paragraph (non-blank line) wrapped at 72 columns."""
    for source in sorted(SHIPPED_CORPUS.iterdir()):
        if source.suffix != ".txt":
            shutil.copy(source, target / source.name)  # sidecars stay as they are
            continue
        lines = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        wrapped = [textwrap.fill(line, WRAP_COLUMNS, break_on_hyphens=False, break_long_words=False)
                   for line in lines]
        (target / source.name).write_text("\n\n".join(wrapped) + "\n", encoding="utf-8")


def _generated(cache: Path, name: str, sources: list[Path], write: Any) -> Path:
    """A generated corpus folder, rebuilt when the files it comes from change."""
    digest = 0
    for source in sources:
        digest = zlib.crc32(source.read_bytes(), digest)
    folder = cache / f"{name}-{digest:08x}"
    if not folder.is_dir():
        tmp = cache / f"{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        write(tmp)
        tmp.rename(folder)
    return folder


def cisi_set(cache: Path) -> JudgedSet:
    corpus = _generated(cache, "cisi", [CISI_DIR / "CISI.ALL"], _write_cisi)
    queries = {r["I"]: " ".join(r.get("W", "").split())
               for r in _fields((CISI_DIR / "CISI.QRY").read_text(encoding="utf-8"))}
    relevant: dict[str, set[str]] = {}
    for line in (CISI_DIR / "CISI.REL").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            relevant.setdefault(parts[0], set()).add(cisi_file(parts[1]))
    return JudgedSet("cisi", corpus, {q: queries[q] for q in sorted(relevant, key=int)}, relevant)


def rewrapped_corpus(cache: Path) -> Path:
    return _generated(cache, "rewrapped", sorted(SHIPPED_CORPUS.iterdir()), _write_rewrapped)


def held_back(articles: list[str]) -> set[str]:
    """The training articles held back from fitting: every HELD_BACK_EVERY-th by name."""
    return {name for at, name in enumerate(sorted(articles)) if at % HELD_BACK_EVERY == HELD_BACK_EVERY - 1}


def training_questions(folder: Path) -> list[dict[str, Any]]:
    """A training data folder's questions in the evaluation sets' form (evidence: the source article; answer terms:
    the crowd's answers)."""
    return [{"id": q["id"], "question": q["question"], "answer_terms": q["answers"], "kind": "squad",
             "evidence": [{"source": q["source"], "quote": q.get("context", "")}]}
            for q in read_questions(folder / "questions.jsonl")]


def heldout_set() -> QuestionSet | None:
    if not (TRAINING_DIR / "questions.jsonl").is_file():
        return None
    questions = training_questions(TRAINING_DIR)
    held = held_back(sorted({q["evidence"][0]["source"] for q in questions}))
    return QuestionSet("heldout", TRAINING_DIR / "corpus", [q for q in questions if q["evidence"][0]["source"] in held])


def missing(name: str) -> str | None:
    """Why a set cannot be scored here (its public data is absent), or None."""
    if name == "cisi" and not (CISI_DIR / "CISI.ALL").is_file():
        return f"cisi left out: no CISI collection at {CISI_DIR}"
    if name == "heldout" and not (TRAINING_DIR / "questions.jsonl").is_file():
        return f"heldout left out: no training data at {TRAINING_DIR}"
    return None


def question_sets(cache: Path) -> dict[str, QuestionSet]:
    dev, dev2 = read_questions(DEV_QUESTIONS), read_questions(DEV2_QUESTIONS)
    sets = {
        "dev": QuestionSet("dev", SHIPPED_CORPUS, dev),
        "dev2": QuestionSet("dev2", SHIPPED_CORPUS, dev2),
        "rewrapped": QuestionSet("rewrapped", rewrapped_corpus(cache), dev + dev2),
        "gk": QuestionSet("gk", GK_CORPUS, read_questions(GK_QUESTIONS)),
    }
    heldout = heldout_set()
    if heldout is not None:
        sets["heldout"] = heldout
    return sets


def folded(text: str) -> str:
    """Text as answers are matched against it: typographic quotes folded, case and spacing ignored."""
    return " ".join(normalize(text).casefold().split())


def absent_sets(cache: Path, qset: QuestionSet) -> list[QuestionSet]:
    """"Not in the folder": each answerable question over its corpus without the articles that answer it, grouped by
    the corpus left. A question is left out when another article also holds one of its answer terms (the shipped
    corpus repeats some facts)."""
    by_evidence: dict[frozenset[str], list[dict[str, Any]]] = {}
    for question in qset.questions:
        if question["evidence"]:
            by_evidence.setdefault(frozenset(e["source"] for e in question["evidence"]), []).append(question)
    sets = []
    for evidence, questions in sorted(by_evidence.items(), key=lambda item: sorted(item[0])):
        sources = sorted(p for p in qset.corpus.iterdir() if p.is_file())

        def write(target: Path, evidence: frozenset[str] = evidence, sources: list[Path] = sources) -> None:
            stems = {e.split(".")[0] for e in evidence}  # (an article's sidecar .meta.json goes with it)
            for path in sources:
                if path.name.split(".")[0] not in stems:
                    shutil.copy(path, target / path.name)

        label = f"{qset.name}-without-{zlib.crc32('|'.join(sorted(evidence)).encode()):08x}"
        corpus = _generated(cache, label, sources, write)
        left = " ".join(folded(p.read_text(encoding="utf-8", errors="replace")) for p in corpus.iterdir())
        kept = [q for q in questions if not any(folded(t) in left for t in q["answer_terms"])]
        if kept:
            sets.append(QuestionSet(f"{qset.name} without its article", corpus, kept))
    return sets
