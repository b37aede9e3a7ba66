"""No word of a readable file is left out of the index, whatever the file's layout."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS, load_script

from askiraq.analysis import analyze
from askiraq.corpus import parse_front_matter
from askiraq.index import Index, open_index

MARKDOWN = textwrap.dedent("""\
    ---
    title: Field notes
    ---
    # Field notes from Erbil

    ## Logistics

    Convoys left at dawn and
    reached the checkpoint by noon.

    * Fuel: scarce
    * Water: rationed, two litres
      a day per person

    | Item | Count |
    |------|-------|
    | Tents | 40 |

    ### Dangling heading with nothing below
    """)
FURNITURE = "Quarterly bulletin\n\nPHOTO: JANE DOE/EXAMPLE WIRE\n\nA caption about the harbour.\n\nBack to top\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every layout the tests know: line per paragraph, hard-wrapped, Markdown, furniture, CISI abstracts (where
    ../shared has them), the general-knowledge articles."""
    root = tmp_path_factory.mktemp("findable")
    shutil.copytree(SHIPPED_CORPUS, root / "shipped")
    evalsets = load_script("evalsets")
    shutil.copytree(evalsets.GK_CORPUS, root / "gk")
    cache = tmp_path_factory.mktemp("generated")
    shutil.copytree(evalsets.rewrapped_corpus(cache), root / "rewrapped")
    if evalsets.missing("cisi") is None:
        cisi = evalsets.cisi_set(cache).corpus
        (root / "cisi").mkdir()
        for path in sorted(cisi.iterdir())[:200]:
            shutil.copy(path, root / "cisi" / path.name)
    (root / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    (root / "bulletin.txt").write_text(FURNITURE, encoding="utf-8")
    return root


def indexed_terms(index: Index, doc_id: int) -> set[str]:
    doc = index.records.document(doc_id)
    terms: set[str] = set()
    for pid in range(doc.first_passage, doc.first_passage + doc.passage_count):
        terms |= {index.postings.term(t) for t in index.records.passage_terms(pid)}
    return terms


def test_every_content_word_of_every_file_is_in_its_passages(corpus: Path, tmp_path: Path) -> None:
    index = open_index(corpus, tmp_path).index
    files = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.suffix in (".txt", ".md")}
    assert {d.rel for d in index.records.documents()} == files
    for doc in index.records.documents():
        text = (corpus / doc.rel).read_text(encoding="utf-8")
        _, body_start = parse_front_matter(text)
        missing = set(analyze(text[body_start:])) - indexed_terms(index, doc.doc_id)
        assert not missing, (doc.rel, sorted(missing)[:10])


def test_a_word_broken_after_a_hyphen_by_the_wrapping_is_found_whole(tmp_path: Path) -> None:
    from askiraq.search import SearchOptions, search

    notes = tmp_path / "canal"
    notes.mkdir()
    (notes / "a.txt").write_text("Canal notes\n\nToday fourteen miles of the old canal are navi-\ngable again,\n"
                                 "and the sea-\nlevel lock works.\n", encoding="utf-8")
    (notes / "b.txt").write_text("Railway notes\n\nThe railway opened in 1847.\n", encoding="utf-8")
    index = open_index(notes, tmp_path / "index").index
    for question in ("navigable", "navi gable", "sea level lock", "sealevel"):
        hits = search(index, question, SearchOptions()).hits
        assert [h.citation.source for h in hits] == ["a.txt"], question
