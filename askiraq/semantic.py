"""Stage 4/5 (optional): sentence vectors for passages and questions, from the static model shipped in the package.

The model is all-MiniLM-L6-v2 distilled by model2vec into *static* token vectors (PCA to 256 dimensions): a text's
vector is the normalised mean of its WordPiece tokens' vectors. scripts/build_model.py builds it once, with PyTorch,
into askiraq/data/static-*: each token's vector as 256 signed bytes times one float32 scale, its vocabulary and a
description. Using it needs this module's WordPiece tokenizer and NumPy (or, for a question on a small index, plain
Python alone): no PyTorch, nothing downloaded, ever.
"""

from __future__ import annotations

import functools
import json
import math
import mmap
import operator
import os
import re
import unicodedata
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from askiraq import store
from askiraq.errors import CorruptIndex, SemanticUnavailable

if TYPE_CHECKING:
    import numpy as np

    from askiraq.index import Index

MODEL_NAME = "all-MiniLM-L6-v2, model2vec static 256, int8"
MODEL_FORMAT = 2  # 1: float16 vectors distilled on the user's machine (askiraq 0.2)
DIMS = 256  # 384 and no PCA kept no more of the hybrid's gain (scripts in the prototype)
MODEL_DIR = os.path.join(os.path.dirname(__file__), "data")
VECTORS_FILE, SCALES_FILE = "static-vectors.npy", "static-scales.npy"
VOCAB_FILE, META_FILE = "static-vocab.txt", "static-model.json"
PLAIN_PYTHON_UP_TO = 2_000  # passages: a question's cosines in plain Python rather than importing NumPy (60-200 ms)
MAX_TOKENS = 512  # per text; a longer passage is represented by its first 512 tokens
MAX_WORD_CHARS = 100  # as BERT's WordPiece: a longer "word" is one unknown token


class Encoder:
    """Texts to unit vectors with the static model: many at once with NumPy (building an index, large indexes), one
    in plain Python (a question on a small index, which then never imports NumPy)."""

    def __init__(self, folder: str) -> None:
        try:
            with open(os.path.join(folder, META_FILE), encoding="utf-8") as handle:
                meta = json.load(handle)
            with open(os.path.join(folder, VOCAB_FILE), encoding="utf-8") as handle:
                tokens = handle.read().split("\n")[:-1]
            with open(os.path.join(folder, VECTORS_FILE), "rb") as handle:  # mapped: a question reads a few rows
                rows = store.npy_view("vectors", mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
            with open(os.path.join(folder, SCALES_FILE), "rb") as handle:
                scales = cast("list[float]", store.npy_view("scales", handle.read()).tolist())  # (float32s)
            if meta.get("format") != MODEL_FORMAT or len(rows) != len(tokens) * DIMS or len(scales) != len(tokens):
                raise ValueError("its files disagree")
        except (OSError, ValueError, KeyError, CorruptIndex) as err:
            raise SemanticUnavailable(f"the semantic model in {folder} cannot be read ({err})") from err
        self.name: str = meta["name"]
        self.dims = DIMS
        self._rows: memoryview = rows  # signed bytes, DIMS a token
        self._scales: list[float] = scales
        self._tokenizer = WordPiece(tokens, meta["unknown"])

    @functools.cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        return np.frombuffer(self._rows, dtype=np.int8).reshape(-1, DIMS), np.array(self._scales, dtype=np.float32)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text (zeros for a text with no known token)."""
        import numpy as np

        vectors, scales = self._arrays
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self._tokenizer.ids(text)[:MAX_TOKENS]
            if ids:
                out[row] = (vectors[ids].astype(np.float32) * scales[ids, None]).mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)

    def vector(self, text: str) -> list[float]:
        """What `encode` gives for one text, in plain Python (in float64: equal to about 1e-7)."""
        total = [0.0] * DIMS
        for token in self._tokenizer.ids(text)[:MAX_TOKENS]:
            start, scale = token * DIMS, self._scales[token]
            total = [sum_ + scale * byte for sum_, byte in zip(total, self._rows[start:start + DIMS], strict=True)]
        norm = math.sqrt(sum(map(operator.mul, total, total)))
        return [x / norm for x in total] if norm else total


def encoder() -> Encoder:
    """The shipped model, loaded once per process. SemanticUnavailable when its files are missing or damaged."""
    return _loaded(MODEL_DIR)


@functools.cache
def _loaded(folder: str) -> Encoder:
    return Encoder(folder)


def in_plain_python(index: Index) -> bool:
    """Whether the index is small enough for a question's cosines in plain Python (decided by its size alone, so
    that a question gets the same figures whatever was asked before it)."""
    return index.passage_count <= PLAIN_PYTHON_UP_TO


def similarities(index: Index, question: str, among: Collection[int] | None = None) -> np.ndarray | list[float]:
    """The cosine of the question with every passage of the index, or with those `among` (the others get 0): one
    matrix product, or in plain Python a dot product a passage for a small index."""
    asked = _question_vector(encoder(), question)
    if in_plain_python(index):
        rows, scales = _passage_rows(index)
        plain = [0.0] * index.passage_count
        for pid in range(index.passage_count) if among is None else among:
            plain[pid] = scales[pid] * sum(map(operator.mul, asked, rows[pid * DIMS:(pid + 1) * DIMS]))
        return plain
    import numpy as np

    vector = np.array(asked, dtype=np.float32)
    if among is None:
        return np.asarray(_passage_vectors(index) @ vector, dtype=np.float64)
    chosen = np.sort(np.fromiter(among, dtype=np.int64, count=len(among)))  # (the stored rows, not a copy of all)
    ints, factors = _passage_arrays(index)
    cosines = np.zeros(index.passage_count)
    cosines[chosen] = (ints[chosen].astype(np.float32) @ vector) * factors[chosen]
    return cosines


@functools.lru_cache(maxsize=1)  # asked for by both the passage and the sentence cosines of one question
def _question_vector(model: Encoder, question: str) -> list[float]:
    return model.vector(question)


def best_sentence_similarities(index: Index, question: str, passage_ids: list[int]) -> list[float]:
    """Each passage's best cosine between the question and one of its sentences. Sentences are encoded
    now, not stored: the static model encodes one in microseconds, and only a few passages are asked."""
    model = encoder()
    texts: list[str] = []
    owners: list[int] = []
    for number, pid in enumerate(passage_ids):
        record = index.records.passage(pid)
        text = index.texts.text(record.doc_id)
        texts += [text[s.start:s.end] for s in record.sentences]
        owners += [number] * len(record.sentences)
    best = [-1.0] * len(passage_ids)
    if not texts:
        return best
    asked = _question_vector(model, question)
    if in_plain_python(index):
        cosines = [sum(map(operator.mul, asked, model.vector(text))) for text in texts]
    else:
        import numpy as np

        cosines = (model.encode(texts) @ np.array(asked, dtype=np.float32)).tolist()
    for number, cosine in zip(owners, cosines, strict=True):
        best[number] = max(best[number], cosine)
    return best


def _stored_vectors(index: Index) -> tuple[memoryview, memoryview, int]:
    """The index's passage vectors as stored (signed bytes, `dims` a passage), their float32 scales, and `dims`."""
    if index.vectors is None:
        raise SemanticUnavailable("the index has no passage vectors")
    return index.generation.array("vectors"), index.generation.array("vector_scales"), index.vectors.dims


def _passage_rows(index: Index) -> tuple[memoryview, list[float]]:
    """The stored vectors and their scales, for plain Python."""
    rows, scales, _ = _stored_vectors(index)
    return rows, cast("list[float]", scales.tolist())


def _passage_arrays(index: Index) -> tuple[np.ndarray, np.ndarray]:
    """The same as NumPy arrays (one row a passage), without a copy."""
    import numpy as np

    rows, scales, dims = _stored_vectors(index)
    return np.frombuffer(rows, dtype=np.int8).reshape(-1, dims), np.frombuffer(scales, dtype="<f4")


@functools.lru_cache(maxsize=1)  # the open index's vectors (a batch, or a session, asks of one index)
def _passage_vectors(index: Index) -> np.ndarray:
    """The index's passage vectors as float32 (converted once per open index, for the exact product)."""
    import numpy as np

    ints, scales = _passage_arrays(index)
    vectors: np.ndarray = ints.astype(np.float32) * scales[:, None]
    return vectors


def quantised(vectors: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each row as signed bytes times one float32 scale (its largest absolute component / 127; 0 for a zero row): the
    shipped model's token vectors and the index's passage vectors are kept so."""
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    scales = (np.abs(vectors).max(axis=1, initial=0.0) / 127).astype(np.float32)
    safe = np.where(scales > 0, scales, 1.0)[:, None]
    return np.clip(np.rint(vectors / safe), -127, 127).astype(np.int8), scales


# ----------------------------------------------------------------------- BERT's uncased WordPiece


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cf", "Co")


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    return 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126 or (
        unicodedata.category(ch).startswith("P"))


def _is_cjk(code: int) -> bool:
    return any(low <= code <= high for low, high in (
        (0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


# In ASCII, BERT's clean-up drops the control characters but tab, newline and return (which become spaces), and
# every printable character that is neither a letter, a digit nor a space is punctuation, a word of its own.
_ASCII_CLEAN = {code: None for code in (*range(32), 127)} | {ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}
_ASCII_WORD = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


def ascii_words(text: str) -> list[str]:
    """The words WordPiece splits an ASCII text into, as `WordPiece._words_of(WordPiece._normalise(text))` gives
    them, by one regular expression instead of a Python test per character (a tenth of the time)."""
    return _ASCII_WORD.findall(text.translate(_ASCII_CLEAN).lower())


class WordPiece:
    """The model's tokenizer (BERT uncased: clean text, split CJK, strip accents, lowercase, WordPiece),
    in plain Python: it gives the same token ids as Hugging Face `tokenizers` for this model."""

    def __init__(self, tokens: list[str], unknown: str) -> None:
        self._ids = dict(zip(tokens, range(len(tokens)), strict=True))  # (in C: a third of a comprehension's time)
        self._unknown = self._ids[unknown]
        self._words: dict[str, list[int]] = {}

    def ids(self, text: str) -> list[int]:
        """The text's token ids, unknown words left out (as model2vec encodes)."""
        ids: list[int] = []
        words = ascii_words(text) if text.isascii() else self._words_of(self._normalise(text))
        for word in words:
            pieces = self._words.get(word)
            if pieces is None:
                pieces = self._words[word] = self._pieces(word)
            ids.extend(pieces)
        return ids

    @staticmethod
    def _normalise(text: str) -> str:
        if text.isascii():
            return "".join(" " if c in "\t\n\r" else c for c in text if c in "\t\n\r" or not _is_control(c)).lower()
        out = []
        for ch in text:
            if ch in "\x00\ufffd" or _is_control(ch):
                continue
            out.append(" " if ch.isspace() else f" {ch} " if _is_cjk(ord(ch)) else ch)
        decomposed = unicodedata.normalize("NFD", "".join(out))
        return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()

    @staticmethod
    def _words_of(text: str) -> list[str]:
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for ch in chunk:
                if _is_punctuation(ch):
                    words += [current, ch] if current else [ch]
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        """Greedy longest-match WordPiece; an unknown word gives no ids."""
        if len(word) > MAX_WORD_CHARS:
            return []
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in self._ids:
                end -= 1
            if end == start:
                return []
            pieces.append(self._ids[word[start:end] if start == 0 else "##" + word[start:end]])
            start = end
        return [p for p in pieces if p != self._unknown]
