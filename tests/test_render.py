"""render.py on its own: every format comes from here, batches included, with the id passed explicitly."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import SHIPPED_CORPUS, index_of

from askiraq.citations import cite
from askiraq.expansions import load_thesaurus
from askiraq.index import Index, open_index
from askiraq.render import CSV_COLUMNS, FORMATS, BatchWriter, Style, render, render_passage, shown, shown_headings
from askiraq.search import SearchOptions, SearchResult, search


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Index:
    return open_index(SHIPPED_CORPUS, tmp_path_factory.mktemp("render")).index


@pytest.fixture(scope="module")
def results(index: Index) -> list[SearchResult]:
    options = SearchOptions(top=2, thesaurus=load_thesaurus())
    questions = ("why does Iraq rely on US waivers?", "What is the capital of Australia?")
    return [search(index, q, options) for q in questions]


def test_style_is_presentation_only() -> None:
    assert Style._fields == ("color", "explain")


def test_a_batch_in_json_is_exactly_the_array_of_its_answers(results: list[SearchResult]) -> None:
    for count in range(len(results) + 1):
        writer = BatchWriter("json")
        out = "".join(writer.add(r, f"q{n}") for n, r in enumerate(results[:count])) + writer.close()
        objects = [json.loads(render(r, "json", query_id=f"q{n}")) for n, r in enumerate(results[:count])]
        assert out == json.dumps(objects, ensure_ascii=False, indent=2) + "\n"


def test_every_batch_format_puts_the_id_where_the_format_keeps_it(results: list[SearchResult]) -> None:
    for fmt in FORMATS:
        writer = BatchWriter(fmt)
        out = writer.add(results[0], "first") + writer.add(results[1], "second") + writer.close()
        if fmt == "jsonl":
            assert [json.loads(line)["id"] for line in out.splitlines()] == ["first", "second"]
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(out)))
            assert [row["id"] for row in rows] == ["first", "first", "second"]  # no passage: one row
            assert out.count(",".join(CSV_COLUMNS)) == 1
        elif fmt == "markdown":
            assert re.search(r"\[\^first-[0-9a-f]{6}-1\]", out) and "[^second-" not in out  # (no passage)
        elif fmt == "text":
            assert out.startswith("[first] why does") and "\n\n[second] What is the capital" in out
        else:
            assert [item["id"] for item in json.loads(out)] == ["first", "second"]
    with pytest.raises(ValueError, match="unknown format"):
        BatchWriter("xml")


def test_a_single_answer_has_no_id_unless_given(results: list[SearchResult]) -> None:
    assert "id" not in json.loads(render(results[0], "json"))
    assert json.loads(render(results[0], "jsonl", query_id="7"))["id"] == "7"
    assert [row["id"] for row in csv.DictReader(io.StringIO(render(results[0], "csv")))] == ["", ""]
    assert re.search(r"\[\^[0-9a-f]{6}-1\]", render(results[0], "markdown"))
    assert re.search(r"\[\^7-[0-9a-f]{6}-1\]", render(results[0], "markdown", query_id="7"))


def test_markdown_keeps_the_corpus_text_as_text_and_odd_ids_as_labels(tmp_path: Path) -> None:
    index = index_of(tmp_path, {"web.txt": "The zorblat page said <img src=x onerror=alert(1)> and *really* meant "
                                           "it.\n[^1]: a zorblat footnote made up by the page.\n"})
    result = search(index, "what did the zorblat page say?", SearchOptions(top=2))
    out = render(result, "markdown", query_id="q 1]x")
    assert not re.search(r"(?<!\\)<", out) and "\\<img src=x onerror=alert(1)\\>" in out  # no HTML tag
    assert not re.search(r"^\[\^1\]:", out, re.M)  # the article's "[^1]:" line is no footnote of the report
    labels = re.findall(r"^\[\^([^\]]+)\]:", out, re.M)
    assert labels and all(re.fullmatch(r"q-1-x-[0-9a-f]{6}-\d", label) for label in labels)
    assert out.startswith("## \\[q 1\\]x\\] what did the zorblat page say?\n")


def test_the_passage_is_bold_inside_its_paragraph_only_with_colour(index: Index) -> None:
    record = index.records.passage(3)
    text = index.texts.text(record.doc_id)
    citation = cite(index, record)
    paragraph = (record.start - 5, record.end + 3)  # any span around the passage
    plain = render_passage(citation, text, (record.start, record.end), paragraph)
    assert plain == (f"{citation.location}  ({citation.passage_id})\n{citation.title}\n\n"
                     f"{text[paragraph[0]:paragraph[1]]}\n")
    bold = render_passage(citation, text, (record.start, record.end), paragraph, Style(color=True))
    assert bold == plain.replace(text[record.start:record.end], f"\x1b[1m{text[record.start:record.end]}\x1b[0m")


@pytest.mark.parametrize(("raw", "markdown_shown"), [
    ("- **Night Owl**: dark roast", "Night Owl: dark roast"),
    ("3. Free grinder loan for *large* orders", "Free grinder loan for large orders"),
    ("Run `askiraq index` as [the guide](https://example.org/guide) says.", "Run askiraq index as the guide says."),
    ("A 2*3 grid and snake_case_names stay as they are.", "A 2*3 grid and snake_case_names stay as they are."),
    ("2023 was a dry year.", "2023 was a dry year."),
    ("> She is 78.4 metres long, with a speed\n> of 13.5 knots.", "She is 78.4 metres long, with a speed of 13.5 knots."
     ),
    ("Speeds > 13 knots\nneed a pilot.", "Speeds > 13 knots need a pilot."),  # only markers opening a line go
    ("[^1]: The archive is run by the Trust.", "The archive is run by the Trust."),  # a footnote, and a reference:
    ("Records go to the archive.[^1] It opens daily.", "Records go to the archive. It opens daily."),
])
def test_markdown_markup_is_not_shown_and_plain_text_is_shown_as_it_is(raw: str, markdown_shown: str) -> None:
    assert shown(raw, markdown=True) == markdown_shown
    assert shown(raw) == " ".join(raw.split())  # (a plain-text file: only its whitespace differs)


def test_a_plain_text_file_s_quotes_and_labels_are_its_own() -> None:
    news = "``We will not leave,'' the minister said, and `the talks' went on.\nA: Yes, **really**."
    assert shown(news) == "``We will not leave,'' the minister said, and `the talks' went on. A: Yes, **really**."


def test_a_table_row_is_shown_with_its_column_names() -> None:
    header = "| Product | 250 g | 1 kg |"
    assert shown("| Night Owl | £8.75 | £29.00 |", True, header) == "Product: Night Owl; 250 g: £8.75; 1 kg: £29.00"
    assert shown("| Decaf |  | £31.00 |", True, header) == "Product: Decaf; 1 kg: £31.00"  # an empty cell left out
    assert shown("| Night Owl | £8.75 |", True, header) == "| Night Owl | £8.75 |"  # columns that do not line up
    assert shown("Luvale    58", False, "Ward      Visited") == "Ward: Luvale; Visited: 58"  # a plain-text table


def test_headings_are_shown_without_markdown_markup_in_markdown_only() -> None:
    assert shown_headings(["**Q:** Can I run two brokers on one host?"], True) == \
        "Q: Can I run two brokers on one host?"
    assert shown_headings(["# Guide\n\n## [Install](install.md) with `hmctl`"], True) == "Guide › Install with hmctl"
    assert shown_headings(["2.3.0 (2024-05-02)", "Fixed"]) == "2.3.0 (2024-05-02) › Fixed"
    assert shown_headings(["**Q:** Can I run two brokers?"]) == "**Q:** Can I run two brokers?"
