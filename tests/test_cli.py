"""The command line as scripts and analysts use it: formats, exit codes, batches, citations, help."""

import csv
import io
import json
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import PROJECT

from askiraq.cli import cli

SCHEMA = json.loads((PROJECT / "askiraq" / "data" / "answer.schema.json").read_text(encoding="utf-8"))
WAIVERS = "why does Iraq rely on US waivers?"


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def test_a_bare_question_means_ask() -> None:
    bare, explicit = run(WAIVERS), run("ask", WAIVERS)
    assert bare.exit_code == explicit.exit_code == 0
    assert bare.stdout == explicit.stdout
    assert bare.stdout.startswith("Answer:") and "corpus/00" in bare.stdout


def test_top_sets_the_number_of_results_and_reads_the_environment() -> None:
    def count(result: Result) -> int:
        return len(json.loads(result.stdout)["results"])

    assert count(run("ask", "--json", "-k", "5", "militia attacks")) == 5
    assert count(run("ask", "--json", "--top", "1", "militia attacks")) == 1
    assert count(run("ask", "--json", "militia attacks", env={"ASKIRAQ_TOP": "2"})) == 2
    assert count(run("ask", "--json", "-k", "4", "militia attacks", env={"ASKIRAQ_TOP": "2"})) == 4


def test_json_output_validates_and_cites_an_evidence_file() -> None:
    result = run("ask", "--json", WAIVERS)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["results"][0]["source"] in {"001_235cbf4e9e3a2056.txt", "003_6c8c47967f33c65d.txt"}
    assert "electric" in payload["answer"]["text"]
    assert payload["answer"]["citations"][0].startswith("corpus/")


def test_no_answer_is_null_in_json_and_exit_status_1() -> None:
    result = run("ask", "--json", "What is the capital of Australia?")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["answer"] is None and payload["results"] == [] and payload["no_answer_reason"]
    text = run("What is the capital of Australia?")
    assert text.exit_code == 1 and text.stdout.startswith("No answer in the corpus")


def test_jsonl_is_one_valid_line() -> None:
    result = run("ask", "--format", "jsonl", WAIVERS)
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    jsonschema.validate(json.loads(lines[0]), SCHEMA)


def test_csv_has_a_header_and_quoted_rows() -> None:
    result = run("ask", "--format", "csv", "-k", "3", WAIVERS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    assert rows[0]["question"] == WAIVERS and rows[0]["rank"] == "1"
    assert "," in rows[0]["text"] and rows[0]["citation"].startswith("corpus/")


def test_markdown_is_ready_for_a_report() -> None:
    out = run("ask", "--format", "markdown", WAIVERS).stdout
    assert out.startswith(f"## {WAIVERS}\n")
    assert "[^1]" in out
    footnote = next(line for line in out.splitlines() if line.startswith("[^1]:"))
    assert "corpus/00" in footnote and ":" in footnote and "*" in footnote  # file:lines and *title*


@pytest.mark.parametrize("args", [
    [],  # no question at all
    ["ask"],
    ["ask", "--top", "0", "x"],
    ["ask", "--no-such-option", "x"],
    ["ask", "   "],
    ["ask", "--", "-Hezbollah"],
    ["ask", "--corpus", "/no/such/folder", "x"],
    ["show", "nowhere.txt:3"],
])
def test_usage_and_input_errors_exit_2_with_one_line(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output and result.stderr.strip()


def test_engine_errors_are_one_line_with_a_hint() -> None:
    for args in (["ask", "   "], ["ask", "--", "-Hezbollah"], ["ask", "--corpus", "/no/such/folder", "x"]):
        result = run(*args)
        assert result.stderr.startswith("askiraq: error:"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "hint:" in result.stderr


def test_colour_only_when_asked_and_never_with_no_color() -> None:
    assert "\x1b[" in run("ask", "--color", "always", WAIVERS).stdout
    assert "\x1b[" not in run("ask", "--color", "never", WAIVERS).stdout
    assert "\x1b[" not in run(WAIVERS).stdout  # not a terminal
    assert "\x1b[" not in run(WAIVERS, env={"NO_COLOR": "1"}).stdout


def test_explain_shows_contributions_and_expansions() -> None:
    out = run("ask", "--explain", "How many American troops are based in Iraq?").stdout
    assert "Expansions:" in out and "American -> United States" in out
    assert "matched:" in out and "(expansion x0.5)" in out


def test_batch_keeps_order_and_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "w", "question": WAIVERS}),
        "{not json",
        "Who is the Iraqi prime minister?",
        json.dumps({"id": 7, "question": "What is the capital of Australia?"}),
    ]) + "\n", encoding="utf-8")
    result = run("ask", "--batch", str(batch))
    assert result.exit_code == 2  # a line failed
    assert "line 2" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["w", "3", "7"]
    for line in lines:
        jsonschema.validate(line, SCHEMA)
    assert lines[2]["answer"] is None and "Sudani" in lines[1]["answer"]["text"]


def test_batch_from_stdin_and_its_exit_status() -> None:
    good = run("ask", "--batch", "-", stdin=f"{WAIVERS}\nWho is Iyad al-Anbar?\n")
    assert good.exit_code == 0 and len(good.stdout.splitlines()) == 2
    none = run("ask", "--batch", "-", stdin="What is the capital of Australia?\n")
    assert none.exit_code == 1


def test_batch_csv_has_one_header() -> None:
    result = run("ask", "--batch", "-", "--format", "csv", stdin=f"{WAIVERS}\nWho is Iyad al-Anbar?\n")
    assert result.stdout.count("id,question,rank") == 1


def test_show_prints_a_cited_passage_in_its_paragraph() -> None:
    payload = json.loads(run("ask", "--json", WAIVERS).stdout)
    first = payload["results"][0]
    for citation in (first["citation"], first["passage_id"]):
        result = run("show", citation)
        assert result.exit_code == 0, result.output
        assert first["text"] in result.stdout
        assert result.stdout.startswith(first["citation"])


def test_sources_lists_the_articles() -> None:
    text = run("sources").stdout
    assert text.count(".txt") == 5 and "Iraq struggles to contain fighting" in text
    listed = json.loads(run("sources", "--json").stdout)
    assert len(listed) == 5 and all(item["passages"] > 0 for item in listed)
    assert listed[3]["source"] == "003_6c8c47967f33c65d.txt" and listed[3]["title"].startswith("Iraq struggles")


def test_index_and_info(corpus_copy: Path) -> None:
    built = run("index", "--corpus", str(corpus_copy))
    assert built.exit_code == 0 and "5 documents" in built.stdout
    info = json.loads(run("info", "--corpus", str(corpus_copy), "--json").stdout)
    assert info["state"] == "fresh" and info["documents"] == 5
    article = corpus_copy / "000_76e013e02a5755fe.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert run("config", "--corpus", str(corpus_copy), "--json").stdout.count('"stale') == 1


def test_version_and_help_for_every_command() -> None:
    assert run("--version").stdout.startswith("askiraq, version ")
    for flag in ("-h", "--help"):
        assert "Exit status" in run(flag).stdout
    group = cli
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        assert command.help, name
        for flag in ("-h", "--help"):
            result = run(name, flag)
            assert result.exit_code == 0 and "Usage:" in result.stdout, name
