"""Generate a deterministic synthetic news-like corpus (and questions) for scale benchmarks.

Why this exists: the real corpus shipped with askiraq is a handful of articles, far too small
to measure how indexing, search and the on-disk store behave at 10,000 or 100,000 articles.
Real news at that scale cannot be redistributed, so this script fabricates text with the
statistical *shape* of news instead: headlines, paragraphs, sentence lengths, a Zipf-distributed
vocabulary of pronounceable pseudo-words mixed with real English function words, proper names,
numbers ("2,000", "at least 91"), abbreviations ("U.S.", "Oct. 7") and hyphenated words. It is
not meant to be read, only to load the pipeline realistically.

Usage::

    python scripts/make_corpus.py OUT_DIR --articles N [--seed 0] [--questions 200]
                                  [--questions-file PATH] [--jobs J] [--overwrite]

Layout: article i goes to ``OUT_DIR/<i // 1000:04d>/<i:06d>.txt`` (1,000 files per folder).
Questions go to ``--questions-file`` (default: ``OUT_DIR`` with ``-questions.jsonl`` appended,
next to the folder) so the corpus folder holds only articles.

Determinism: the word, name and phrase pools come from ``random.Random(seed)``; every block of
1,000 articles is drawn from its own numpy ``Generator`` seeded with ``(seed, block)``. So the
same seed and N give byte-identical files whatever ``--jobs`` is, and the first M articles of a
larger corpus equal a corpus of M articles. (numpy does not promise identical streams across
its versions, so pin numpy if byte-identity across machines matters.)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

BLOCK = 1000  # articles per subfolder, and per generation/seeding unit

# Real English function words with rough relative frequencies (per ~million words of prose).
FUNCTION_WORDS: dict[str, float] = {
    "the": 60000, "of": 30000, "and": 27000, "to": 26000, "a": 22000, "in": 19000,
    "that": 11000, "is": 10000, "was": 9000, "it": 9000, "for": 8800, "he": 7000,
    "with": 7000, "as": 6500, "on": 6500, "his": 5500, "be": 5500, "by": 5000, "at": 4800,
    "they": 4500, "from": 4300, "this": 4300, "had": 4200, "are": 4200, "not": 4000,
    "but": 4000, "have": 3900, "or": 3500, "an": 3400, "were": 3300, "which": 3200,
    "their": 3100, "she": 3000, "has": 3000, "been": 2900, "one": 2800, "its": 2700,
    "would": 2600, "there": 2500, "who": 2500, "will": 2400, "we": 2300, "her": 2200,
    "more": 2100, "all": 2100, "if": 2000, "after": 1900, "about": 1800, "when": 1800,
    "than": 1600, "into": 1500, "them": 1500, "can": 1500, "could": 1400, "also": 1400,
    "other": 1300, "some": 1300, "over": 1200, "what": 1200, "so": 1200, "no": 1100,
    "our": 1100, "out": 1100, "up": 1100, "only": 1000, "new": 1000, "two": 1000,
    "him": 900, "these": 900, "those": 800, "any": 800, "most": 800, "such": 700,
    "against": 700, "between": 700, "under": 600, "during": 600, "while": 600,
    "because": 600, "before": 600, "since": 550, "where": 550, "through": 500,
    "both": 500, "each": 500, "many": 500, "still": 450, "very": 450, "did": 450,
    "may": 450, "should": 400, "without": 400, "us": 400, "then": 400, "being": 400,
    "do": 400, "does": 350, "until": 300, "among": 300, "whether": 250, "although": 250,
    "across": 250, "despite": 200, "within": 200, "toward": 150, "upon": 120,
}

# Share of tokens by category. Function words ~45% as in running English prose.
CATEGORY_SHARE: dict[str, float] = {
    "function": 0.45,
    "content": 0.477,
    "name": 0.035,
    "number": 0.015,
    "abbrev": 0.008,
    "hyphen": 0.015,
}
ZIPF_S = 1.07
# Zipf-Mandelbrot offset: without it the single most common pseudo-word would be ~7% of all
# tokens, more common than "of"; a small shift keeps the head content-word-like.
ZIPF_Q = 2.7

ONSETS = ("b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l",
          "m", "n", "p", "pl", "pr", "qu", "r", "s", "sh", "sk", "sl", "st", "t", "th", "tr",
          "v", "w", "z", "", "")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "ie", "y")
CODAS = ("", "", "", "n", "r", "l", "s", "t", "m", "k", "nd", "rt", "sk", "st", "th", "x",
         "ng", "rn", "ld")
MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec.")
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
TITLES = ("Mr.", "Ms.", "Dr.", "Gen.", "Sen.", "Gov.", "Lt. Col.", "Rep.", "Maj.")
INITIALISMS = ("U.S.", "U.N.", "U.K.", "E.U.", "U.S.", "U.S.")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "ten", "12", "20",
                "30", "100")
UNITS = ("day", "year", "month", "week", "hour", "mile", "member", "point", "story", "page")
QUESTION_WORDS = ("What", "Why", "How", "Who", "When")
AUXILIARIES = ("did", "does", "is", "was", "are", "will", "could")
SAID = ("said", "said", "told reporters", "added", "wrote")
PRONOUN_SPEAKERS = ("he", "she", "officials", "they")
HEADLINE_LOWER = frozenset({"a", "an", "the", "and", "but", "or", "for", "of", "to", "in",
                            "on", "at", "by", "as", "from", "with", "into", "over", "than"})

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class Vocab:
    """Every token the generator can emit, with what it needs to render and count it."""

    plain: ObjArray  # token as written mid-sentence
    table: ObjArray  # shape (4, V): [plain, Capitalised, plain + ",", Capitalised + ","]
    nwords: IntArray  # whitespace-separated words per token
    category: IntArray  # index into CATEGORY_NAMES
    cdf: FloatArray  # cumulative sampling probability over all tokens (prose)
    headline_cdf: FloatArray  # same, tilted towards content words and names
    names: tuple[str, ...]
    name_cdf: FloatArray


CATEGORY_NAMES = tuple(CATEGORY_SHARE)
CAT_FUNCTION = CATEGORY_NAMES.index("function")
CAT_ABBREV = CATEGORY_NAMES.index("abbrev")
QUESTION_CATEGORIES = frozenset(CATEGORY_NAMES.index(c) for c in ("content", "name", "hyphen"))


def _syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)


def _pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct pronounceable lowercase pseudo-words, roughly shortest-first.

    Frequent words are short in real languages, so generation runs through syllable counts
    in increasing order and the Zipf rank follows list order (shuffled within small windows).
    """
    words: list[str] = []
    seen = set(taken)
    shares = ((1, 0.06), (2, 0.40), (3, 0.38), (4, 1.0))
    for syllables, share in shares:
        target = count if syllables == 4 else len(words) + int(count * share)
        tries = 0
        while len(words) < target and tries < 50 * count:
            tries += 1
            word = "".join(_syllable(rng) for _ in range(syllables))
            if 3 <= len(word) <= 14 and word not in seen:
                seen.add(word)
                words.append(word)
    window = 50
    for start in range(0, len(words), window):
        chunk = words[start:start + window]
        rng.shuffle(chunk)
        words[start:start + window] = chunk
    return words[:count]


def _zipf(count: int, s: float = ZIPF_S, q: float = ZIPF_Q) -> FloatArray:
    weights: FloatArray = (np.arange(1, count + 1, dtype=np.float64) + q) ** -s
    probs: FloatArray = weights / weights.sum()
    return probs


def _numbers(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.25:
            text = str(rng.randint(2, 99))
        elif kind < 0.40:
            text = f"{rng.randint(1, 99) * 1000 + rng.choice((0, 0, 500, 200)):,}"
        elif kind < 0.50:
            text = str(rng.randint(1948, 2024))
        elif kind < 0.62:
            text = f"{rng.choice(('at least', 'more than', 'about', 'nearly', 'some'))} " \
                   f"{rng.choice((str(rng.randint(3, 999)), f'{rng.randint(2, 60) * 100:,}'))}"
        elif kind < 0.74:
            text = f"{rng.randint(1, 95)} percent"
        elif kind < 0.84:
            text = f"${rng.randint(1, 900)} {rng.choice(('million', 'billion'))}"
        elif kind < 0.92:
            text = f"{rng.randint(1, 9)}.{rng.randint(1, 9)} million"
        else:
            text = f"{rng.randint(10, 999):,},{rng.randint(0, 999):03d}"
        out.append(text)
    return out


def _abbreviations(rng: random.Random, count: int, surnames: Sequence[str]) -> list[str]:
    out: list[str] = list(INITIALISMS)
    while len(out) < count:
        kind = rng.random()
        if kind < 0.45:
            month = rng.randrange(len(MONTHS))
            out.append(f"{MONTHS[month]} {rng.randint(1, MONTH_DAYS[month])}")
        elif kind < 0.85:
            out.append(f"{rng.choice(TITLES)} {rng.choice(surnames)}")
        elif kind < 0.95:
            out.append(f"{rng.randint(1, 12)} {rng.choice(('a.m.', 'p.m.'))}")
        else:
            out.append(f"{rng.choice(('Corp.', 'Inc.', 'No.', 'St.'))} {rng.randint(1, 40)}")
    return out


def build_vocab(seed: int, content_size: int = 50_000, name_count: int = 5_000) -> Vocab:
    """All token pools, deterministic from `seed` (uses `random.Random(seed)` only)."""
    rng = random.Random(seed)
    content = _pseudo_words(rng, content_size, set(FUNCTION_WORDS))
    extra = _pseudo_words(rng, 8_000, set(content) | set(FUNCTION_WORDS))
    cap = [w.capitalize() for w in extra if len(w) <= 10][:4_000]
    rng.shuffle(cap)
    given, surnames = cap[:1_500], cap[1_500:]
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < name_count:
        roll = rng.random()
        if roll < 0.6:
            name = f"{rng.choice(given)} {rng.choice(surnames)}"
        elif roll < 0.7:
            name = f"{rng.choice(given)} {rng.choice(given)} {rng.choice(surnames)}"
        elif roll < 0.8:
            name = f"{rng.choice(surnames)} {rng.choice(('Ministry', 'Council', 'Front'))}"
        else:
            name = rng.choice(surnames)
        if name not in seen:
            seen.add(name)
            names.append(name)
    numbers = _numbers(rng, 3_000)
    abbrevs = _abbreviations(rng, 2_000, surnames)
    hyphens: list[str] = []
    for _ in range(5_000):
        if rng.random() < 0.3:
            hyphens.append(f"{rng.choice(NUMBER_WORDS)}-{rng.choice(UNITS)}")
        else:
            hyphens.append(f"{rng.choice(content[:5_000])}-{rng.choice(content[:20_000])}")
    hyphens = list(dict.fromkeys(hyphens))

    fw_weights = np.array(list(FUNCTION_WORDS.values()), dtype=np.float64)
    pools: dict[str, tuple[list[str], FloatArray]] = {
        "function": (list(FUNCTION_WORDS), fw_weights / fw_weights.sum()),
        "content": (content, _zipf(len(content))),
        "name": (names, _zipf(len(names), 1.0, 5.0)),
        "number": (numbers, np.full(len(numbers), 1.0 / len(numbers))),
        "abbrev": (abbrevs, _zipf(len(abbrevs), 1.0, 1.0)),
        "hyphen": (hyphens, _zipf(len(hyphens), 1.0, 10.0)),
    }
    tokens: list[str] = []
    cats: list[int] = []
    probs: list[FloatArray] = []
    headline_probs: list[FloatArray] = []
    headline_share = {"function": 0.22, "content": 0.55, "name": 0.12, "number": 0.04,
                      "abbrev": 0.0, "hyphen": 0.07}
    for index, (cat, (pool, within)) in enumerate(pools.items()):
        tokens.extend(pool)
        cats.extend([index] * len(pool))
        probs.append(within * CATEGORY_SHARE[cat])
        headline_probs.append(within * headline_share[cat])

    def cdf(parts: list[FloatArray]) -> FloatArray:
        out = np.cumsum(np.concatenate(parts))
        out /= out[-1]
        return out

    plain = np.array(tokens, dtype=object)
    capital = np.array([t[0].upper() + t[1:] for t in tokens], dtype=object)
    table = np.stack([plain, capital, plain + ",", capital + ","])
    name_cdf = np.cumsum(_zipf(len(names), 1.0, 5.0))
    name_cdf /= name_cdf[-1]
    return Vocab(
        plain=plain,
        table=table,
        nwords=np.array([t.count(" ") + 1 for t in tokens], dtype=np.int64),
        category=np.array(cats, dtype=np.int64),
        cdf=cdf(probs),
        headline_cdf=cdf(headline_probs),
        names=tuple(names),
        name_cdf=name_cdf,
    )


def _sample(rng: np.random.Generator, cdf: FloatArray, size: int) -> IntArray:
    ids: IntArray = np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)
    return np.minimum(ids, len(cdf) - 1)


def _fit_headline(vocab: Vocab, ids: IntArray, target: int) -> IntArray:
    """Leading tokens of `ids` making `target` words (5..12), never more than 12.

    Names and numbers span several words, so token count and word count differ. A headline
    must not end on "U.S." (final period) or a function word, so such an ending is swapped for
    one of the 200 most common content words.
    """
    nwords = vocab.nwords[ids]
    total = np.cumsum(nwords)
    keep = int(np.searchsorted(total, target, side="left")) + 1
    while total[keep - 1] > 12:
        keep -= 1
    out: IntArray = ids[:keep].copy()
    if vocab.category[out[-1]] in (CAT_ABBREV, CAT_FUNCTION):  # both one-word in headlines
        out[-1] = len(FUNCTION_WORDS) + int(out[-1]) % 200
    return out


def _headline(vocab: Vocab, ids: IntArray) -> tuple[str, int]:
    words: list[str] = []
    for position, token in enumerate(vocab.plain[ids].tolist()):
        if position and token in HEADLINE_LOWER:
            words.append(token)
        else:
            words.append(" ".join(w[0].upper() + w[1:] for w in token.split(" ")))
    return " ".join(words), int(vocab.nwords[ids].sum())


@dataclass(frozen=True)
class BlockResult:
    block: int
    count: int
    size_bytes: int
    words: int
    questions: list[tuple[int, str, str]]  # (question index, question, source)


def _question(vocab: Vocab, ids: IntArray, qrng: random.Random) -> str:
    picked = [vocab.plain[i] for i in ids.tolist() if vocab.category[i] in QUESTION_CATEGORIES]
    take = qrng.randint(4, 8)
    if len(picked) > take:
        keep = sorted(qrng.sample(range(len(picked)), take))
        picked = [picked[i] for i in keep]
    if qrng.random() < 0.5 and len(picked) > 2:
        picked.insert(qrng.randint(1, len(picked) - 1), "the")
    return f"{qrng.choice(QUESTION_WORDS)} {qrng.choice(AUXILIARIES)} {' '.join(picked)}?"


def _source(index: int, width: int) -> str:
    return f"{index // BLOCK:04d}/{index:0{width}d}.txt"


def generate_block(
    vocab: Vocab, seed: int, block: int, count: int, out_dir: Path, width: int,
    question_targets: dict[int, int],
) -> BlockResult:
    """Write articles block*BLOCK .. block*BLOCK+count-1; return sizes and any questions."""
    rng = np.random.default_rng([seed, block])
    n_paras = np.clip(np.rint(rng.lognormal(math.log(11.0), 0.3, count)), 8, 25).astype(np.int64)
    n_heads = rng.integers(5, 13, count)
    total_paras = int(n_paras.sum())
    n_sents = rng.choice(np.arange(1, 7), total_paras, p=[0.3, 0.3, 0.18, 0.11, 0.07, 0.04])
    total_sents = int(n_sents.sum())
    # lognormal sentence lengths, mean ~22 words after clipping to 8..35
    lengths = np.clip(np.rint(rng.lognormal(math.log(21.5), 0.36, total_sents)), 8, 35)
    lengths = lengths.astype(np.int64)
    ends = rng.random(total_sents)  # < 0.06 question, < 0.16 quote, else statement
    head_ids = _sample(rng, vocab.headline_cdf, int(n_heads.sum()))
    ids = _sample(rng, vocab.cdf, int(lengths.sum()))
    speakers = np.searchsorted(vocab.name_cdf, rng.random(total_sents), side="right")
    said = rng.integers(0, len(SAID), total_sents)
    pron = rng.random(total_sents)

    starts = np.zeros(total_sents, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    last = starts + lengths - 1
    variant = np.where(rng.random(len(ids)) < 0.055, 2, 0)
    variant[starts] += 1
    variant[last] %= 2  # no comma on a sentence's last token
    tokens: list[str] = vocab.table[variant, ids].tolist()
    token_words = int(vocab.nwords[ids].sum())
    ends_l = ends.tolist()
    starts_l = starts.tolist()
    last_l = last.tolist()
    abbrev_last = (vocab.category[ids[last]] == CAT_ABBREV).tolist()

    sentences: list[str] = []
    extra_words = 0
    names = vocab.names
    for s in range(total_sents):
        body = " ".join(tokens[starts_l[s]:last_l[s] + 1])
        end = ends_l[s]
        if end < 0.06:
            sentences.append(body + "?")
        elif end < 0.16:
            if pron[s] < 0.3:
                speaker = PRONOUN_SPEAKERS[int(pron[s] * 13) % len(PRONOUN_SPEAKERS)]
            else:
                speaker = names[int(speakers[s])]
            verb = SAID[int(said[s])]
            tail = f"{speaker} {verb}" if pron[s] < 0.65 else f"{verb} {speaker}"
            if tail.startswith(("told", "wrote", "added")) and pron[s] < 0.3:
                tail = f"{speaker} {verb}"
            mark = "?" if end < 0.075 else ","
            if abbrev_last[s] and mark == ",":
                body = body[:-1]  # "U.S.," reads as "U.S," in quotes; drop the period
            sentences.append(f"\u201c{body}{mark}\u201d {tail}.")
            extra_words += tail.count(" ") + 1
        else:
            sentences.append(body if abbrev_last[s] else body + ".")

    heads_end = np.cumsum(n_heads).tolist()
    para_end = np.cumsum(n_paras).tolist()
    sent_end = np.cumsum(n_sents).tolist()
    size_bytes = 0
    words = token_words + extra_words
    base = block * BLOCK
    folder = out_dir / f"{block:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    questions: list[tuple[int, str, str]] = []
    head_start = para_start = 0
    for a in range(count):
        hids = _fit_headline(vocab, head_ids[head_start:heads_end[a]], int(n_heads[a]))
        head_start = heads_end[a]
        headline, hwords = _headline(vocab, hids)
        words += hwords
        paras: list[str] = [headline]
        first_sent = sent_end[para_start - 1] if para_start else 0
        for p in range(para_start, para_end[a]):
            lo = sent_end[p - 1] if p else 0
            paras.append(" ".join(sentences[lo:sent_end[p]]))
        last_sent = sent_end[para_end[a] - 1]
        para_start = para_end[a]
        data = ("\n\n".join(paras) + "\n").encode("utf-8")
        size_bytes += len(data)
        index = base + a
        with open(folder / f"{index:0{width}d}.txt", "wb") as fh:
            fh.write(data)
        qi = question_targets.get(index)
        if qi is not None:
            qrng = random.Random(seed * 1_000_003 + qi)
            order = list(range(first_sent, last_sent))
            qrng.shuffle(order)
            best = order[0]
            for s in order:
                sids = ids[starts_l[s]:last_l[s] + 1]
                if np.isin(vocab.category[sids], list(QUESTION_CATEGORIES)).sum() >= 4:
                    best = s
                    break
            sids = ids[starts_l[best]:last_l[best] + 1]
            questions.append((qi, _question(vocab, sids, qrng), _source(index, width)))
    return BlockResult(block, count, size_bytes, words, questions)


_WORKER_VOCAB: Vocab | None = None


def _init_worker(seed: int) -> None:
    global _WORKER_VOCAB
    _WORKER_VOCAB = build_vocab(seed)


def _run_block(args: tuple[int, int, int, Path, int, dict[int, int]]) -> BlockResult:
    seed, block, count, out_dir, width, targets = args
    assert _WORKER_VOCAB is not None
    return generate_block(_WORKER_VOCAB, seed, block, count, out_dir, width, targets)


def _clean(out_dir: Path, force: bool) -> None:
    """Refuse a non-empty OUT_DIR unless --overwrite; then remove only our own layout."""
    if not out_dir.exists():
        return
    entries = list(out_dir.iterdir())
    if not entries:
        return
    if not force:
        sys.exit(f"make_corpus: {out_dir} is not empty; pass --overwrite to replace it")
    ours = re.compile(r"\d{4}")
    for entry in entries:
        if entry.is_dir() and ours.fullmatch(entry.name) and all(
            re.fullmatch(r"\d{6,}\.txt", f.name) for f in entry.iterdir()
        ):
            shutil.rmtree(entry)
        else:
            sys.exit(f"make_corpus: {entry} was not made by this script; not touching it")


def make_corpus(
    out_dir: Path, articles: int, seed: int, questions: int, questions_file: Path, jobs: int,
) -> BlockResult:
    """Write the corpus and questions; return the totals (block = number of blocks)."""
    width = max(6, len(str(articles - 1)))
    picker = random.Random(seed)
    if questions <= articles:
        chosen = picker.sample(range(articles), questions)
    else:
        chosen = [picker.randrange(articles) for _ in range(questions)]
    targets_by_block: dict[int, dict[int, int]] = {}
    for qi, article in enumerate(chosen):
        if article in targets_by_block.get(article // BLOCK, {}):
            continue  # repeat draw when K > N: keep the first question for that article
        targets_by_block.setdefault(article // BLOCK, {})[article] = qi
    n_blocks = (articles + BLOCK - 1) // BLOCK
    tasks = [
        (seed, b, min(BLOCK, articles - b * BLOCK), out_dir, width, targets_by_block.get(b, {}))
        for b in range(n_blocks)
    ]
    results: Iterator[BlockResult]
    if jobs > 1 and n_blocks > 1:
        pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(seed,))
        results = pool.map(_run_block, tasks)
    else:
        pool = None
        vocab = build_vocab(seed)
        results = (generate_block(vocab, *task) for task in tasks)
    size = words = 0
    found: list[tuple[int, str, str]] = []
    try:
        for result in results:
            size += result.size_bytes
            words += result.words
            found.extend(result.questions)
    finally:
        if pool is not None:
            pool.shutdown()
    found.sort()
    questions_file.parent.mkdir(parents=True, exist_ok=True)
    with open(questions_file, "w", encoding="utf-8") as fh:
        for number, (_, question, source) in enumerate(found, start=1):
            record = {"id": f"s{number:04d}", "question": question, "source": source}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return BlockResult(n_blocks, articles, size, words, found)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--articles", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--questions", type=int, default=200, metavar="K")
    parser.add_argument("--questions-file", type=Path, default=None, metavar="PATH",
                        help="default: OUT_DIR-questions.jsonl next to OUT_DIR")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes (output is identical for any value)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a previous corpus made by this script in OUT_DIR")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.questions < 0:
        parser.error("--questions must not be negative")
    if args.seed < 0:
        parser.error("--seed must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    out_dir: Path = args.out_dir
    questions_file: Path = args.questions_file or out_dir.with_name(
        out_dir.name + "-questions.jsonl")
    started = time.perf_counter()
    _clean(out_dir, args.overwrite)
    out_dir.mkdir(parents=True, exist_ok=True)
    totals = make_corpus(out_dir, args.articles, args.seed, args.questions, questions_file,
                         max(1, args.jobs))
    seconds = time.perf_counter() - started
    print(f"make_corpus: {totals.count} articles, {totals.size_bytes / 1e6:.1f} MB, "
          f"{totals.words:,} words, {seconds:.1f} s -> {out_dir} "
          f"({len(totals.questions)} questions in {questions_file})", file=sys.stderr)


if __name__ == "__main__":
    main()
