"""The command line as scripts and analysts use it: formats, exit codes, batches, citations."""

import csv
import io
import json
import os
import re
import shlex
import shutil
import textwrap
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner, Result
from conftest import PROJECT, SHIPPED_CORPUS

from askiraq.cli import cli
from askiraq.index import open_index
from askiraq.render import CSV_COLUMNS

SCHEMA_FILE = PROJECT / "askiraq" / "data" / "answer.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
WAIVERS = "why does Iraq rely on US waivers?"
EVIDENCE = {"001_235cbf4e9e3a2056.txt", "003_6c8c47967f33c65d.txt"}
NO_ANSWER = "What is the capital of Australia?"


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env)


def ask_json(*args: str) -> dict:
    result = run("ask", "--json", *args)
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    return payload


def test_the_schema_is_valid_and_closed() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    payload = ask_json(WAIVERS)
    payload["results"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, SCHEMA)


def test_a_bare_question_means_ask() -> None:
    bare, explicit = run(WAIVERS), run("ask", WAIVERS)
    assert bare.exit_code == explicit.exit_code == 0
    assert bare.stdout == explicit.stdout == run("ask", "--format", "text", WAIVERS).stdout
    assert re.match(r"Answer \(confidence \d+%\):\n", bare.stdout) and "[corpus/00" in bare.stdout


def test_top_sets_the_number_of_results_and_reads_the_environment() -> None:
    def count(*args: str, env: dict[str, str] | None = None) -> int:
        return len(json.loads(run("ask", "--json", *args, env=env).stdout)["results"])

    assert count("-k", "5", "militia attacks") == 5
    assert count("--top", "1", "militia attacks") == 1
    assert count("militia attacks") == 3  # the default
    assert count("militia attacks", env={"ASKIRAQ_TOP": "2"}) == 2
    assert count("-k", "4", "militia attacks", env={"ASKIRAQ_TOP": "2"}) == 4  # the option wins


def test_top_has_no_upper_bound_and_a_deep_run_lists_every_matching_passage() -> None:
    payload = ask_json("--no-expand", "-k", "100000", "Iraq")
    assert [r["rank"] for r in payload["results"]] == list(range(1, len(payload["results"]) + 1))
    listed = len(payload["results"]) + sum(len(r["also_in"]) for r in payload["results"])  # duplicates fold
    index = open_index(SHIPPED_CORPUS).index
    assert listed == len(index.postings.postings(index.postings.term_id("iraq"))[0]) > 30
    bad = run("ask", "-k", "0", "Iraq")
    assert bad.exit_code == 2 and "0 is not in the range x>=1" in bad.stderr


def test_a_run_deeper_than_a_hundred(tmp_path: Path) -> None:
    """A TREC-style run: 150 different passages hold the word, -k 1000 returns every one."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    letters = "bcdfghjklmnpqrstvwxz"
    for i in range(150):
        words = " ".join(f"{letters[i // 20]}{letters[i % 20]}{letters[j]}o" for j in range(6))
        (corpus / f"{i:03}.txt").write_text(f"The zorblat {words} report.\n", encoding="utf-8")
    result = run("ask", "--corpus", str(corpus), "--json", "-k", "1000", "zorblat")
    assert len(json.loads(result.stdout)["results"]) == 150
    assert len(json.loads(run("ask", "--corpus", str(corpus), "--json", "-k", "101", "zorblat").stdout)[
        "results"]) == 101


def test_json_output_validates_and_cites_an_evidence_file() -> None:
    result = run("ask", "--json", WAIVERS)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["schema_version"] == 3 and payload["question"] == WAIVERS
    assert payload["results"][0]["source"] in EVIDENCE
    assert re.search(r"electric(ity| power)", payload["answer"]["text"])
    assert payload["answer"]["citations"][0].startswith("corpus/")
    sentence = payload["answer"]["sentences"][0]
    assert sentence["citation"] == payload["answer"]["citations"][0]
    assert sentence["text"] in payload["answer"]["text"]


def test_no_answer_is_null_in_json_and_exit_status_1() -> None:
    result = run("ask", "--json", NO_ANSWER)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["answer"] is None and payload["results"] == [] and payload["no_answer_reason"]
    text = run(NO_ANSWER)
    assert text.exit_code == 1 and text.stdout.startswith("No answer in the corpus")


def test_an_unconfident_answer_is_null_but_the_closest_passages_are_listed() -> None:
    question = "Who won the 2022 World Cup?"
    result = run("ask", "--json", question)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    jsonschema.validate(payload, SCHEMA)
    assert payload["answer"] is None and payload["results"] and payload["no_answer_reason"]
    assert 0 < payload["confidence"] < 1
    text = run(question)
    assert text.exit_code == 1
    first = text.stdout.splitlines()[0]
    assert first.startswith("No confident answer in the corpus: ") and "closest passages" in first
    assert payload["no_answer_reason"] in first and "\n1. corpus/" in text.stdout


def test_jsonl_is_one_valid_line_equal_to_the_json() -> None:
    result = run("ask", "--format", "jsonl", WAIVERS)
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 1
    jsonschema.validate(json.loads(lines[0]), SCHEMA)
    assert json.loads(lines[0]) == json.loads(run("ask", "--json", WAIVERS).stdout)


def test_csv_has_a_header_and_keeps_commas_and_quotes_in_the_text() -> None:
    question = "who signed the attacks as Islamic Resistance in Iraq?"
    result = run("ask", "--format", "csv", "-k", "3", question)
    assert result.exit_code in (0, 1) and not result.stderr  # (answered or not, the passages are the table)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["id", "question", "rank"] and len(rows) == 4
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    expected = ask_json("-k", "3", question)["results"]
    assert [r["text"] for r in records] == [r["text"] for r in expected]
    assert [r["citation"] for r in records] == [r["citation"] for r in expected]
    assert records[0]["question"] == question and records[0]["rank"] == "1"
    assert any('"Islamic Resistance in Iraq."' in r["text"] and "," in r["text"] for r in records)


def test_csv_carries_the_answer_and_confidence_of_its_question() -> None:
    rows = list(csv.DictReader(io.StringIO(run("ask", "--format", "csv", WAIVERS).stdout)))
    payload = ask_json(WAIVERS)
    assert len(rows) == len(payload["results"]) == 3
    assert {row["answer"] for row in rows} == {payload["answer"]["text"]}
    assert {row["confidence"] for row in rows} == {f"{payload['confidence']:.3f}"}
    assert re.fullmatch(r"\d\.\d{3}", rows[0]["confidence"])
    unsure = list(csv.DictReader(io.StringIO(run("ask", "--format", "csv", "Who won the 2022 World Cup?").stdout)))
    assert unsure and {row["answer"] for row in unsure} == {""} and float(unsure[0]["confidence"]) > 0
    nothing = list(csv.DictReader(io.StringIO(run("ask", "--format", "csv", NO_ANSWER).stdout)))
    assert [(row["question"], row["rank"], row["answer"], row["confidence"]) for row in nothing] == [
        (NO_ANSWER, "", "", "0.000")]  # a question with no passage still has its row


def test_csv_ends_with_the_heading_over_each_passage(tmp_path: Path) -> None:
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "CHANGELOG.md").write_text("# Changelog\n\n## 2.3.0\n\n### Added\n\n- A Kafka output.\n\n"
                                         "### Fixed\n\n- A memory leak in the Kafka output.\n", encoding="utf-8")
    rows = list(csv.reader(io.StringIO(run("ask", "--corpus", str(corpus), "--format", "csv", "kafka").stdout)))
    assert rows[0][-1] == "heading" and rows[0][:-1] == list(CSV_COLUMNS[:-1])  # a new column goes last
    headings = {row[rows[0].index("text")]: row[-1] for row in rows[1:]}
    assert headings == {"A Kafka output.": "2.3.0 › Added", "A memory leak in the Kafka output.": "2.3.0 › Fixed"}


def test_an_answer_says_which_heading_it_is_under(tmp_path: Path) -> None:
    """A release note's bullet says when only in the heading over it: the answer carries that heading (text: after
    its citation; JSON: each sentence's `heading`), and an answer under none has none."""
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "release-notes.md").write_text(
        "# Release notes\n\n## 4.2 (2026-11-03)\n\n- The export now writes a header row.\n\n"
        "## 4.1 (2026-09-15)\n\n- Removed the old XML export, which nobody had used since 2023.\n", encoding="utf-8")
    (corpus / "news.txt").write_text("Ferry news\n\nThe island ferry now leaves from the north quay, the harbour "
                                     "master said.\n", encoding="utf-8")
    question = "When was the XML export removed?"
    text = run("--corpus", str(corpus), question)
    assert text.exit_code == 0
    assert text.stdout.splitlines()[1].endswith("release-notes.md:9 — 4.1 (2026-09-15)]"), text.stdout
    sentence = ask_json("--corpus", str(corpus), question)["answer"]["sentences"][0]
    assert sentence["heading"] == "4.1 (2026-09-15)" and sentence["text"].startswith("Removed the old XML export")
    report = run("--corpus", str(corpus), "--format", "markdown", question).stdout
    assert "release-notes.md:9` — *Release notes › 4.1 (2026-09-15)*" in report  # (its footnote)
    ferry = ask_json("--corpus", str(corpus), "Where does the island ferry leave from?")["answer"]["sentences"][0]
    assert ferry["heading"] is None and ferry["source"] == "news.txt"
    assert run("--corpus", str(corpus), "Where does the island ferry leave from?").stdout.splitlines()[1].endswith(
        "news.txt:3]")


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "markdown", "text"])
def test_json_with_another_format_is_refused(fmt: str) -> None:
    result = run("ask", "--json", "--format", fmt, WAIVERS)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"askiraq: error: --json and --format {fmt} ask for two formats "
                             f"(hint: use --format {fmt} alone, or --json alone)\n")
    agreeing = run("ask", "--json", "--format", "json", WAIVERS)
    assert agreeing.exit_code == 0 and json.loads(agreeing.stdout) == ask_json(WAIVERS)


def test_markdown_is_ready_for_a_report() -> None:
    out = run("ask", "--format", "markdown", WAIVERS).stdout
    assert out.startswith(f"## {WAIVERS}\n")
    answer = out.splitlines()[2]
    label = re.search(r"\[\^[0-9a-f]{6}-1\]$", answer)  # the question's checksum: answers appended never clash
    assert "electric" in answer and label
    footnote = next(line for line in out.splitlines() if line.startswith(label.group() + ":"))
    # `file:line` (or file:start-end) and the *title*
    assert re.fullmatch(r"\[\^[0-9a-f]{6}-1\]: `corpus/00\d_[0-9a-f]+\.txt:\d+(-\d+)?` — \*[^*]+\*.*", footnote)
    other = run("ask", "--format", "markdown", "Who is Iyad al-Anbar?").stdout
    assert not set(re.findall(r"\[\^[^\]]+\]:", out)) & set(re.findall(r"\[\^[^\]]+\]:", other))
    assert "Iraq" in footnote.split("*")[1]
    unsure = run("ask", "--format", "markdown", "-k", "2", "Who won the 2022 World Cup?").stdout.splitlines()
    assert unsure[2].startswith("*No confident answer in the corpus:")
    assert re.search(r"\(confidence \d+%(, below \d+%)?\)\.\*$", unsure[2])
    assert unsure.count("The closest passages:") == 1 and "Passages:" not in unsure  # said once


def test_one_question_appended_with_other_filters_never_reuses_a_label_for_another_source() -> None:
    """A footnote label is the question's and its footnotes' checksum: the same question asked of other articles
    (another filter, a folder since changed) gets labels of its own; asked again alike, the same section."""
    def labels(out: str) -> dict[str, str]:
        return dict(re.findall(r"^(\[\^[^\]]+\]): (.*)$", out, re.M))

    first = run("ask", "--format", "markdown", "-k", "1", "--source", "001*", "Baghdad").stdout
    second = run("ask", "--format", "markdown", "-k", "1", "--source", "003*", "Baghdad").stdout
    assert labels(first) and labels(second) and not labels(first).keys() & labels(second).keys()
    assert run("ask", "--format", "markdown", "-k", "1", "--source", "001*", "Baghdad").stdout == first


@pytest.mark.parametrize("args", [
    ["ask"],  # no question
    ["ask", "--top", "0", "x"],
    ["ask", "--no-such-option", "x"],
    ["--no-such-option", "x"],
    ["ask", "--format", "xml", "x"],
    ["ask", "--json", "--format", "csv", "x"],
    ["--batch", "-", "--json", "--format", "csv"],
    ["ask", "--since", "yesterday", "x"],
    ["ask", "--since", "2024-08-01", "--until", "2024-03-01", "x"],
    ["ask", "--until", "2024-02-30", "x"],
    ["ask", "   "],
    ["ask", "--", "-Hezbollah"],
    ["ask", "--corpus", "/no/such/folder", "x"],
    ["show", "nowhere.txt:3"],
    ["show"],
    ["sources", "--no-such-option"],
])
def test_usage_and_input_errors_exit_2_with_one_line(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, (args, result.output)
    assert result.stdout == ""
    assert result.stderr.startswith("askiraq: error:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output and "hint:" in result.stderr


def test_a_date_that_is_no_day_is_said_to_be_none() -> None:
    result = run("ask", "--since", "2024-02-30", "x")
    assert "2024-02-30 is no day of the calendar (day is out of range for month)" in result.stderr
    assert json.loads(run("ask", "--json", "--since", "٢٠٢٣-١١-٠١", "x").stdout)["no_answer_reason"] == \
        "no article matches --since 2023-11-01"  # (Arabic-Indic digits read as the dates are)


def test_a_missing_question_and_a_file_given_as_the_corpus_say_what_to_do(tmp_path: Path) -> None:
    nothing = run("ask")
    assert nothing.stderr == ('askiraq: error: no question given (hint: put it in quotes: askiraq "QUESTION" '
                              "(or ask a file of them: --batch FILE))\n")
    article = tmp_path / "notes.txt"
    article.write_text("The quay opens in May.\n", encoding="utf-8")
    one_file = run("ask", "--corpus", str(article), "When does the quay open?")
    assert one_file.exit_code == 2
    assert f"corpus is not a folder: {article}" in one_file.stderr and "--source 'notes.txt'" in one_file.stderr


def test_usage_lines_and_hints_name_askiraq() -> None:
    assert cli.name == "askiraq"
    assert run("--help").stdout.startswith("Usage: askiraq [OPTIONS] COMMAND")
    for name in cli.commands:
        assert run(name, "--help").stdout.startswith(f"Usage: askiraq {name} [OPTIONS]"), name
    assert run("ask", "--no-such-option", "x").stderr.rstrip().endswith("(hint: see askiraq ask --help)")
    assert "(hint: see askiraq --help)" in run("--debug").stderr  # a group without a command
    assert "Usage: askiraq [OPTIONS]" in run().stderr
    assert "cli" not in run("--version").stdout + run("ask", "--format", "xml", "x").stderr


def test_debug_shows_the_traceback_and_keeps_the_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = run("--corpus", "/no/such/folder", "q")
    debug = run("--debug", "--corpus", "/no/such/folder", "q")
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.stderr and len(plain.stderr.splitlines()) == 1
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert "CorpusError: corpus folder not found: /no/such/folder" in debug.stderr
    assert "in scan_corpus" in debug.stderr  # where it was raised, inside the engine
    assert debug.stderr.splitlines()[-1] == plain.stderr.strip()  # and the usual line last
    for after_the_command in (("ask", "--debug", "--corpus", "/no/such/folder", "q"),
                              ("info", "--corpus", "/no/such/folder", "--debug")):
        late = run(*after_the_command)  # (--debug is the group's wherever it is given)
        assert late.exit_code == 2 and late.stderr.startswith("Traceback (most recent call last):"), late.stderr
        assert late.stderr.splitlines()[-1] == plain.stderr.strip()
    as_text = run("--", "--debug")  # (after "--" it is the question's text, not an option)
    assert as_text.exit_code in (0, 1) and "Traceback" not in as_text.stderr

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("askiraq.cli.search", broken)
    bug, bug_debug = run(WAIVERS), run("--debug", WAIVERS)
    assert bug.exit_code == bug_debug.exit_code == 2
    assert bug.stderr == "askiraq: error: internal error: ZeroDivisionError: a bug " \
                         "(hint: run again with --debug for the traceback and report it)\n"
    assert bug_debug.stderr.startswith("Traceback") and "in broken" in bug_debug.stderr


@pytest.mark.parametrize("args", [
    ["-Hezbollah attacks"],
    ["ask", "-Hezbollah attacks"],
    ["-k", "2", "-Hezbollah attacks"],
    ["ask", "-Hezbollah attacks", "-k", "2"],
    ["--debug", "-Hezbollah attacks", "--top=2"],
    ["--", "-Hezbollah attacks"],
])
def test_a_question_may_start_with_an_exclusion(args: list[str]) -> None:
    result = run(*args, "--json") if "--" not in args else run("--json", *args)
    assert result.exit_code in (0, 1) and not result.stderr, result.output  # a question, answered or not
    payload = json.loads(result.stdout)
    assert payload["question"] == "-Hezbollah attacks"
    assert len(payload["results"]) == (2 if "2" in str(args) else 3)
    assert all("hezbollah" not in r["text"].lower() and r["matched_terms"] for r in payload["results"])
    assert "attack" in payload["results"][0]["text"]
    unfiltered = [r["text"].lower() for r in ask_json("-k", "20", "--no-expand", "attacks")["results"]]
    assert any("hezbollah" in text for text in unfiltered)  # so the exclusion did something


def test_a_lone_dash_word_is_an_option_and_the_rest_stays_as_it_was() -> None:
    lone = run("-Hezbollah")  # ambiguous: read as options -H -e -z ..., never as the help its h would show
    assert lone.exit_code == 2 and lone.stdout == ""
    assert lone.stderr.startswith("askiraq: error: No such option '-H'.") and "goes after --" in lone.stderr
    assert "No such option '--nope'" in run("--nope").stderr and run("--nope").exit_code == 2
    forced = run("--", "-Hezbollah")
    assert forced.exit_code == 2 and "only exclusions" in forced.stderr
    assert not run("-help me").stdout.startswith("Usage:")  # a question, not -h
    for value in (["--source", "-x y*"], ["--source=-x y*"]):  # an option's value stays its value
        payload = json.loads(run("--json", *value, "attacks").stdout)
        assert payload["question"] == "attacks" and payload["results"] == []
    two = run("ask", "troops", "-Hezbollah attacks")
    assert two.exit_code == 2 and "unexpected extra argument" in two.stderr


def test_no_arguments_at_all_shows_the_help() -> None:
    result = run()
    assert result.exit_code == 2
    assert "Usage:" in result.stderr and "Traceback" not in result.output


def test_help_is_a_command_and_a_misspelt_command_is_not_a_question() -> None:
    assert run("help").stdout == run("--help").stdout and run("help").exit_code == 0
    assert run("help", "sources").stdout == run("sources", "--help").stdout
    for about_help in (("help", "-h"), ("help", "--help"), ("help", "help")):
        assert run(*about_help).exit_code == 0 and run(*about_help).stdout == run("--help").stdout
    typo = run("sorces", "--corpus", str(SHIPPED_CORPUS))
    assert typo.exit_code == 2 and typo.stdout == ""
    assert typo.stderr == ("askiraq: error: no such command 'sorces' (hint: did you mean 'sources'? "
                           "To ask it as a question: askiraq ask sorces)\n")
    assert run("help", "shwo").stderr == "askiraq: error: no such command 'shwo' (hint: did you mean 'show'?)\n"
    asked = run("ask", "sorces")  # asked as a question, it is one (and a slip of "sources")
    assert asked.exit_code in (0, 1) and not asked.stderr and "1. " in asked.stdout
    one_word = run("Hezbollah")  # no command is close: a one-word question
    assert one_word.exit_code in (0, 1) and not one_word.stderr and "\n1. corpus/" in one_word.stdout


def _sample_value(option: click.Option) -> list[str]:
    """An option as a user would give it: its name, and a value of its type when it takes one."""
    name = option.opts[0]
    if option.is_flag or option.count:
        return [name]
    if isinstance(option.type, click.Choice):
        return [name, str(option.type.choices[-1])]
    if isinstance(option.type, click.DateTime):
        return [name, "2024-01-01"]
    if isinstance(option.type, click.IntRange):
        return [name, "2"]
    return [name, "x"]


def test_every_option_of_every_command_may_come_before_its_name() -> None:
    for name, command in cli.commands.items():
        for option in (p for p in command.params if isinstance(p, click.Option) and p.name != "help"):
            before = run(*_sample_value(option), name, "--help")
            assert before.exit_code == 0, (name, option.opts, before.output)
            assert before.stdout.startswith(f"Usage: askiraq {name} [OPTIONS]"), (name, option.opts)
    wrong = run("-k", "2", "sources")  # an option the command does not take: said so, not asked as a question
    assert wrong.exit_code == 2 and wrong.stderr == (
        "askiraq: error: -k is not an option of sources (hint: askiraq sources --help lists its options; to ask "
        "'sources' as a question: askiraq ask -k 2 sources)\n")


def test_a_command_after_global_options_runs_that_command() -> None:
    corpus = str(SHIPPED_CORPUS)
    info = run("--corpus", corpus, "info")
    assert info.exit_code == 0 and info.stdout == run("info", "--corpus", corpus).stdout and "state:" in info.stdout
    assert run(f"--corpus={corpus}", "--json", "info").stdout == run("info", "--json", "--corpus", corpus).stdout
    indexed = run("--corpus", corpus, "index")
    assert indexed.exit_code == 0 and indexed.stdout.startswith("Index ")
    listed = run("--corpus", corpus, "--debug", "sources")  # --debug is the group's, wherever it is
    assert listed.exit_code == 0 and "003_6c8c47967f33c65d.txt" in listed.stdout
    shown = run("--corpus", corpus, "show", "003_6c8c47967f33c65d.txt#1")
    assert shown.exit_code == 0 and shown.stdout == run("show", "--corpus", corpus, "003_6c8c47967f33c65d.txt#1").stdout
    asked = run("--corpus", corpus, "ask", "-k", "1", WAIVERS)
    assert asked.exit_code == 0 and asked.stdout == run("--corpus", corpus, "-k", "1", WAIVERS).stdout
    assert run("--corpus", corpus, "help", "info").stdout == run("info", "--help").stdout
    assert run("-k", "2", "-h").stdout == run("ask", "--help").stdout  # the help of the command the options are for
    assert run("--corpus", corpus, "-h", "info").stdout == run("info", "--help").stdout
    assert run("--corpus", corpus, "sorces").stderr.startswith("askiraq: error: no such command 'sorces'")


def test_colour_only_when_asked_and_never_with_no_color() -> None:
    assert "\x1b[" in run("ask", "--color", "always", WAIVERS).stdout
    assert "\x1b[" not in run("ask", "--color", "never", WAIVERS).stdout
    assert "\x1b[" not in run(WAIVERS).stdout  # auto, and CliRunner is not a terminal
    assert "\x1b[" not in run(WAIVERS, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run("ask", "--color", "always", "--json", WAIVERS).stdout


def test_explain_shows_contributions_and_expansions() -> None:
    out = run("ask", "--explain", "How many American troops are based in Iraq?").stdout
    assert "Expansions:" in out and "American -> United States" in out
    assert "matched:" in out and "(expansion x0.5)" in out
    assert "matched:" not in run("How many American troops are based in Iraq?").stdout
    first = ask_json("How many American troops are based in Iraq?")["results"][0]
    added = re.search(r"^   BM25 ([\d.]+), \+([\d.]+) for its best sentence$", out, re.M)  # (the re-ranking)
    assert added and float(added.group(1)) + float(added.group(2)) == pytest.approx(first["score"], abs=0.002)


def test_no_expand_searches_only_the_question_s_own_words() -> None:
    question = "who founded Kataib Hezbollah?"
    expanded = ask_json(question)["expansions"]
    assert {e["form"] for e in expanded} >= {"founder"}  # a word family ("found*")
    plain = ask_json("--no-expand", question)
    assert plain["expansions"] == []
    assert {m["weight"] for r in plain["results"] for m in r["matched_terms"]} == {1}


def test_batch_keeps_order_and_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "w", "question": WAIVERS}),
        "{not json",
        "Who is the Iraqi prime minister?",
        json.dumps({"id": 7, "question": NO_ANSWER}),
    ]) + "\n", encoding="utf-8")
    result = run("ask", "--batch", str(batch))
    assert result.exit_code == 2  # a line failed
    assert result.stderr.startswith("askiraq: error: batch line 2:")
    assert len(result.stderr.splitlines()) == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["w", "3", 7]  # (a given id as it was given; a line's number as text)
    questions = [WAIVERS, "Who is the Iraqi prime minister?", NO_ANSWER]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        jsonschema.validate(line, SCHEMA)
    assert lines[0]["results"][0]["source"] in EVIDENCE
    assert "Sudani" in lines[1]["answer"]["text"] and lines[2]["answer"] is None


def test_a_byte_order_mark_does_not_hide_the_first_json_line(tmp_path: Path) -> None:
    lines = json.dumps({"id": "bom", "question": WAIVERS}) + "\nWho is Iyad al-Anbar?\n"
    batch = tmp_path / "notepad.jsonl"
    batch.write_bytes(b"\xef\xbb\xbf" + lines.encode("utf-8"))
    for result in (run("ask", "--batch", str(batch)), run("ask", "--batch", "-", stdin="\ufeff" + lines)):
        assert result.exit_code == 0 and result.stderr == "", result.output
        answers = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(a["id"], a["question"]) for a in answers] == [("bom", WAIVERS), ("2", "Who is Iyad al-Anbar?")]


def test_batch_ids_are_strings_or_numbers_and_a_repeated_one_is_named() -> None:
    stdin = "\n".join([
        json.dumps({"id": "w", "question": WAIVERS}),
        json.dumps({"id": 3, "question": "Who is Iyad al-Anbar?"}),
        "Who is the Iraqi prime minister?",  # line 3: id "3", as line 2's once written as text (CSV)
        json.dumps({"id": {"x": 1}, "question": WAIVERS}),
        json.dumps({"id": True, "question": WAIVERS}),
        json.dumps({"id": "w", "question": NO_ANSWER}),
        json.dumps({"id": None, "question": NO_ANSWER}),
        '{"id": NaN, "question": "troops"}',
        '{"id": 1e999, "question": "troops"}',
        json.dumps({"id": 2.5, "question": NO_ANSWER}),
    ]) + "\n"
    result = run("ask", "--batch", "-", stdin=stdin)
    assert result.exit_code == 2  # four lines failed
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in answers] == ["w", 3, "3", "w", "7", 2.5]  # each id of its own JSON type
    for answer in answers:
        jsonschema.validate(answer, SCHEMA)
    assert result.stderr.splitlines() == [
        'askiraq: warning: batch lines 2 and 3 have the same id "3"',
        'askiraq: error: batch line 4: the "id" must be a string or a number, not an object',
        'askiraq: error: batch line 5: the "id" must be a string or a number, not true',
        'askiraq: warning: batch lines 1 and 6 have the same id "w"',
        'askiraq: error: batch line 8: the "id" must be a string or a number, not NaN',
        'askiraq: error: batch line 9: the "id" must be a string or a number, not Infinity',
    ]
    as_array = json.loads(run("ask", "--batch", "-", "--json", stdin=stdin).stdout)
    assert [a["id"] for a in as_array] == ["w", 3, "3", "w", "7", 2.5]
    table = run("ask", "--batch", "-", "--format", "csv", "-k", "1", stdin=stdin).stdout
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [row["id"] for row in rows] == ["w", "3", "3", "w", "7", "2.5"]  # (CSV has text only)


def test_batch_from_stdin_and_its_exit_status() -> None:
    good = run("ask", "--batch", "-", stdin=f"{WAIVERS}\n\nWho is Iyad al-Anbar?\n")
    assert good.exit_code == 0
    assert [json.loads(line)["id"] for line in good.stdout.splitlines()] == ["1", "3"]
    assert run("ask", "--batch", "-", stdin=f"{NO_ANSWER}\n").exit_code == 1
    both = run("ask", "--batch", "-", WAIVERS, stdin=f"{WAIVERS}\n")
    assert both.exit_code == 2 and both.stderr.startswith("askiraq: error:")


def test_batch_comment_lines_are_skipped_but_a_hashtag_is_asked() -> None:
    result = run("ask", "--batch", "-", stdin=f"# asked every Monday\n#\n{WAIVERS}\n#Hezbollah\n")
    assert result.exit_code == 0, result.output
    asked = [(a["id"], a["question"]) for a in map(json.loads, result.stdout.splitlines())]
    assert asked == [("3", WAIVERS), ("4", "#Hezbollah")]
    assert run("ask", "--batch", "-", stdin="# only a comment\n").exit_code == 2  # (no questions at all)


def test_a_batch_says_a_warning_of_its_options_once() -> None:
    result = run("ask", "--batch", "-", "--exclude-source", "zzz*", stdin="Baghdad\nKirkuk\nBasra\n")
    assert result.exit_code == 0
    assert result.stderr == "askiraq: warning: no article matches --exclude-source 'zzz*'\n"
    single = run("ask", "--exclude-source", "zzz*", "--json", "Baghdad")
    assert json.loads(single.stdout)["warnings"] == ["no article matches --exclude-source 'zzz*'"]


def test_batch_csv_has_one_header_and_json_is_an_array() -> None:
    stdin = f"{WAIVERS}\nWho is Iyad al-Anbar?\n"
    result = run("ask", "--batch", "-", "--format", "csv", "-k", "2", stdin=stdin)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.count("id,question,rank") == 1
    assert [row["id"] for row in rows] == ["1", "1", "2", "2"]
    array = json.loads(run("ask", "--batch", "-", "--json", stdin=stdin).stdout)
    assert [item["id"] for item in array] == ["1", "2"]
    for item in array:
        jsonschema.validate(item, SCHEMA)


def test_a_line_break_in_a_question_or_id_keeps_csv_parseable_and_a_heading_on_one_line() -> None:
    stdin = json.dumps({"id": "c\rr", "question": "Who is Iyad\r al-Anbar?"}) + "\n" + \
        json.dumps({"id": "n\nl", "question": "Who is Iyad\nal-Anbar?"}) + "\n"
    table = run("ask", "--batch", "-", "--format", "csv", "-k", "1", stdin=stdin).stdout
    rows = list(csv.reader(io.StringIO(table, newline="")))
    assert [len(row) for row in rows] == [len(CSV_COLUMNS)] * 3
    assert [row[:2] for row in rows[1:]] == [["c\rr", "Who is Iyad\r al-Anbar?"], ["n\nl", "Who is Iyad\nal-Anbar?"]]
    report = run("ask", "--batch", "-", "--format", "markdown", "-k", "1", stdin=stdin).stdout
    assert "\n## \\[n l\\] Who is Iyad al-Anbar?\n\n" in report and "\nal-Anbar?" not in report
    shown = run("ask", "--batch", "-", "-k", "1", "--format", "text", stdin=stdin).stdout
    assert "[n l] Who is Iyad al-Anbar?\n" in shown


def test_show_prints_a_cited_passage_in_its_paragraph() -> None:
    first = ask_json(WAIVERS)["results"][0]
    assert re.fullmatch(r"corpus/00\d_[0-9a-f]+\.txt:\d+(-\d+)?", first["citation"])
    for citation in (first["citation"], first["passage_id"]):
        result = run("show", citation)
        assert result.exit_code == 0, result.output
        assert first["text"] in result.stdout
        assert result.stdout.startswith(first["citation"])
        assert first["title"] in result.stdout


def test_show_finds_the_corpus_a_printed_citation_comes_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "canal").mkdir()
    (tmp_path / "canal" / "history.txt").write_text("Canal history\n\nThe canal opened in 1804 after "
                                                    "eleven years of digging.\n", encoding="utf-8")
    citation = ask_json("--corpus", "canal", "When did the canal open?")["results"][0]["citation"]
    assert citation == "canal/history.txt:3"
    shown = run("show", citation)  # no --corpus: the cited file's folder has an index
    assert shown.exit_code == 0 and "opened in 1804" in shown.stdout, shown.output
    (tmp_path / "loose.txt").write_text("Not indexed anywhere.\n", encoding="utf-8")
    loose = run("show", "loose.txt:1")  # no folder above it has an index: the shipped corpus is asked
    assert loose.exit_code == 2 and loose.stderr == (
        "askiraq: error: loose.txt exists but is in no index, and the shipped sample corpus (searched by default) "
        "does not have it (hint: pass the corpus it is from: askiraq show --corpus FOLDER loose.txt:1)\n")
    elsewhere = run("show", "wiki/config/reference.md:15")  # cited from another folder: no such path here
    assert elsewhere.exit_code == 2 and elsewhere.stderr == (
        "askiraq: error: no article of the shipped sample corpus (searched by default) matches "
        "'wiki/config/reference.md:15', and no such file is found from this folder (hint: pass the corpus it is "
        "from: askiraq show --corpus FOLDER wiki/config/reference.md:15)\n")
    assert "site-packages" not in elsewhere.stderr and str(SHIPPED_CORPUS) not in elsewhere.stderr
    in_corpus = run("show", "--corpus", "canal", "history.txt:99")  # a corpus the user named is named as before
    assert in_corpus.exit_code == 2 and "no passage at 'history.txt:99' in history.txt" in in_corpus.stderr


def test_an_exclude_source_glob_that_matches_no_article_is_one_warning() -> None:
    result = run("ask", "--exclude-source", "zzz*", WAIVERS)
    assert result.exit_code == 0 and result.stdout.startswith("Answer")
    assert result.stderr == "askiraq: warning: no article matches --exclude-source 'zzz*'\n"
    assert run("ask", "--exclude-source", "000*", WAIVERS).stderr == ""


def test_show_of_a_file_left_out_of_the_index_says_why(tmp_path: Path) -> None:
    (tmp_path / "weir.txt").write_text("The weir was rebuilt in 1990 after the flood.\n", encoding="utf-8")
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    assert run("index", "--corpus", str(tmp_path)).exit_code == 0
    shown = run("show", "--corpus", str(tmp_path), "photo.txt")
    assert shown.exit_code == 2 and shown.stderr.startswith(
        "askiraq: error: photo.txt was left out of the index (skipped: binary file, not text)"), shown.stderr
    assert "no indexed article matches" in run("show", "--corpus", str(tmp_path), "other.txt").stderr


def test_show_of_a_file_gone_since_it_was_cited_names_the_corpus_it_was_in(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "canal").mkdir()
    for name in ("history.txt", "locks.txt"):
        (tmp_path / "canal" / name).write_text(f"Canal {name}\n\nThe canal opened in 1804 after eleven years of "
                                               "digging.\n", encoding="utf-8")
    citation = ask_json("--corpus", "canal", "When did the canal open?")["results"][0]["citation"]
    assert citation == "canal/history.txt:3"
    (tmp_path / "canal" / "history.txt").unlink()
    hint = " (hint: askiraq sources --corpus " + str(tmp_path / "canal") + " lists its articles)\n"
    gone = run("show", citation)  # the index, as last built, had it
    assert gone.exit_code == 2 and gone.stdout == "" and gone.stderr == (
        "askiraq: error: canal/history.txt is no longer there (deleted or moved since it was indexed), and the index "
        f"of {tmp_path / 'canal'} no longer has it" + hint)
    again = run("show", citation)  # the index was refreshed since: the file is in it no longer
    assert again.exit_code == 2 and again.stderr == (
        f"askiraq: error: canal/history.txt: no such file, and the index of {tmp_path / 'canal'} has no article of "
        "that name" + hint)
    assert "opened in 1804" in run("show", "canal/locks.txt:3").stdout  # (the other article is there)


def test_show_bolds_the_passage_only_with_colour() -> None:
    first = ask_json(WAIVERS)["results"][0]
    plain = run("show", first["passage_id"])
    coloured = run("show", "--color", "always", first["passage_id"])
    assert "\x1b[" not in plain.stdout
    assert "\x1b[" not in run("show", first["passage_id"], env={"NO_COLOR": "1"}).stdout
    assert coloured.stdout.count("\x1b[1m") == 1 and f"\x1b[1m{first['text']}\x1b[0m" in coloured.stdout
    assert coloured.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "") == plain.stdout
    header, title, blank, paragraph = plain.stdout.splitlines()
    assert (header, title, blank) == (f"{first['citation']}  ({first['passage_id']})", first["title"], "")
    assert first["text"] in paragraph


def test_show_prints_the_whole_paragraph_when_a_long_one_is_cut_into_passages(tmp_path: Path) -> None:
    corpus = tmp_path / "wrapped"
    corpus.mkdir()
    sentences = [f"Sentence {n} says the zorblat harbour moved item {n} across the bay with many more words "
                 "to make it long." for n in range(1, 31)]
    paragraph = textwrap.fill(" ".join(sentences), 72)
    (corpus / "a.txt").write_text(f"Harbour report for the year\n\n{paragraph}\n\nA short last paragraph.\n",
                                  encoding="utf-8")
    listed = json.loads(run("sources", "--corpus", str(corpus), "--json").stdout)
    assert listed[0]["passages"] >= 3  # the paragraph was cut
    result = run("show", "--corpus", str(corpus), "--color", "always", "a.txt#2")
    assert result.exit_code == 0, result.output
    body = result.stdout.split("\n\n", 1)[1]
    assert body.replace("\x1b[1m", "").replace("\x1b[0m", "") == paragraph + "\n"
    bold = body.split("\x1b[1m")[1].split("\x1b[0m")[0]
    assert bold.startswith("Sentence ") and not bold.startswith("Sentence 1 ") and bold in paragraph
    assert "A short last paragraph" not in result.stdout


def test_show_prints_a_table_row_under_its_header_row(tmp_path: Path) -> None:
    corpus = tmp_path / "wiki"
    corpus.mkdir()
    (corpus / "reference.md").write_text("# Reference\n\n| Option | Default |\n|---|---|\n| listen_port | 7400 |\n"
                                         "| console_port | 7480 |\n", encoding="utf-8")
    result = run("show", "--corpus", str(corpus), "reference.md:6")
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n\n", 1)[1] == "| Option | Default |\n| console_port | 7480 |\n"


def test_an_expansions_file_that_is_not_text_is_an_error(tmp_path: Path) -> None:
    binary = tmp_path / "groups.txt"
    binary.write_bytes(b"harbour, port\n\x00\x00\x01")
    result = run("ask", "--expansions", str(binary), "Which harbour handles grain?")
    assert result.exit_code == 2 and "is not text" in result.stderr and not result.stdout


def test_show_cuts_a_paragraph_of_a_whole_article_on_one_line(tmp_path: Path) -> None:
    corpus = tmp_path / "scraped"
    corpus.mkdir()
    sentences = [f"Sentence {n} tells how the zorblat harbour moved cargo {n} across the wide bay." for n in range(400)]
    (corpus / "page.txt").write_text("Harbour history for the year\n" + " ".join(sentences) + "\n", encoding="utf-8")
    listed = json.loads(run("sources", "--corpus", str(corpus), "--json").stdout)
    middle = listed[0]["passages"] // 2
    result = run("show", "--corpus", str(corpus), "--color", "always", f"page.txt#{middle}")
    assert result.exit_code == 0, result.output
    body = result.stdout.split("\n\n", 1)[1]
    assert body.startswith("…") and body.endswith("…\n") and len(body) < 2 * 2000 + 1600
    assert "Sentence 0 " not in body and "Sentence 399 " not in body
    passage = body.split("\x1b[1m")[1].split("\x1b[0m")[0]
    assert passage.startswith("Sentence ") and passage in " ".join(sentences)  # the whole passage, in bold
    words = set(" ".join(sentences).split())
    assert body[1:].split(" ", 1)[0] in words and body[:-2].rsplit(" ", 1)[-1] in words  # cut between words


def test_batch_in_every_format_carries_the_ids() -> None:
    stdin = json.dumps({"id": "w", "question": WAIVERS}) + "\nWho is Iyad al-Anbar?\n"

    def batch(*args: str) -> str:
        result = run("ask", "--batch", "-", "-k", "2", *args, stdin=stdin)
        assert result.exit_code == 0, result.output
        return result.stdout

    singles = [json.loads(run("ask", "--json", "-k", "2", q).stdout) for q in (WAIVERS, "Who is Iyad al-Anbar?")]
    expected = [{"schema_version": 3, "id": "w", **singles[0]}, {"schema_version": 3, "id": "2", **singles[1]}]
    array = batch("--format", "json")
    assert json.loads(array) == expected
    assert array == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert [json.loads(line) for line in batch().splitlines()] == expected  # jsonl, the default
    markdown = batch("--format", "markdown")
    assert markdown.count("\n## ") == 1 and markdown.startswith(f"## \\[w\\] {WAIVERS}\n")
    assert "\n\n## \\[2\\] Who is Iyad al-Anbar?\n" in markdown
    assert re.search(r"^\[\^w-[0-9a-f]{6}-1\]: `corpus/", markdown, re.M)
    assert re.search(r"^\[\^2-[0-9a-f]{6}-1\]: `corpus/", markdown, re.M)
    text = batch("--format", "text")
    assert text.startswith(f"[w] {WAIVERS}\nAnswer (confidence ")
    assert "\n\n[2] Who is Iyad al-Anbar?\nAnswer (confidence " in text
    assert text.split("\n\n[2] ")[0] + "\n" == f"[w] {WAIVERS}\n" + run("ask", "-k", "2", WAIVERS).stdout


def test_a_batch_of_only_bad_lines_is_still_well_formed() -> None:
    bad = "{not json\n" + json.dumps({"id": 1}) + "\n" + json.dumps(["a list"]) + "\n"
    array = run("ask", "--batch", "-", "--json", stdin=bad)
    assert array.exit_code == 2 and json.loads(array.stdout) == []
    first, second, third = array.stderr.splitlines()
    assert first.startswith("askiraq: error: batch line 1: not valid JSON (")
    assert second == "askiraq: error: batch line 2: no \"question\" string"
    assert third == "askiraq: error: batch line 3: a JSON line must be an object with a \"question\""
    table = run("ask", "--batch", "-", "--format", "csv", stdin=bad)
    assert table.exit_code == 2 and table.stdout.splitlines() == [",".join(CSV_COLUMNS)]


def test_a_binary_or_empty_batch_file_is_one_clear_error(tmp_path: Path) -> None:
    binary = tmp_path / "ls"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\n" * 50)
    pdf = tmp_path / "fake.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01\x02binary\n")
    for path in (binary, pdf):  # no line answered before the NUL byte is met
        done = run("ask", "--batch", str(path))
        assert done.exit_code == 2 and done.stdout == ""
        assert done.stderr == ("askiraq: error: the batch file is not text (it holds NUL bytes) "
                               "(hint: give a text file of questions, one a line (or JSON lines))\n")
    for empty in ("", "\n  \n"):
        nothing = run("ask", "--batch", "-", stdin=empty)
        assert nothing.exit_code == 2 and nothing.stdout == ""
        assert nothing.stderr.startswith("askiraq: error: the batch file has no questions")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(f"{WAIVERS}\nQui a fond\xe9 le parti?\n".encode("latin-1"))
    mixed = run("ask", "--batch", str(latin1))
    assert mixed.exit_code == 2 and [json.loads(line)["id"] for line in mixed.stdout.splitlines()] == ["1"]
    assert mixed.stderr == "askiraq: error: batch line 2: not UTF-8 text\n"
    bracketed = run("ask", "--batch", "-", stdin=f"[draft] {WAIVERS}\n")  # not JSON: a question
    assert bracketed.exit_code == 0 and json.loads(bracketed.stdout)["question"] == f"[draft] {WAIVERS}"


def test_sources_lists_the_articles() -> None:
    text = run("sources")
    assert text.exit_code == 0
    assert len(text.stdout.splitlines()) == 5
    assert "Iraq struggles to contain fighting" in text.stdout
    listed = json.loads(run("sources", "--json").stdout)
    files = sorted(p.name for p in (PROJECT / "corpus").glob("*.txt"))
    assert [item["source"] for item in listed] == files
    assert all(item["passages"] > 0 and item["title"] for item in listed)
    assert listed[3]["title"].startswith("Iraq struggles")
    assert listed[3]["publisher"] == "Associated Press"


def test_one_of_a_thing_is_singular(tmp_path: Path) -> None:
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Short note\n\nThe ferry leaves at noon.\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Long note\n\nThe ferry leaves at noon.\n\nIt returns at six.\n", encoding="utf-8")
    (corpus / "c.txt").write_bytes(b"")
    assert run("sources", "--corpus", str(corpus)).stdout == ("a.txt     1 passage   Short note\n"
                                                             "b.txt     2 passages  Long note\n")
    assert re.search(r"^skipped: +1 file$", run("info", "--corpus", str(corpus)).stdout, re.M)
    built = run("index", "--force", "--corpus", str(corpus)).stdout
    assert built.startswith("Index built: 2 documents, 3 passages from ")


def test_index_and_info(corpus_copy: Path) -> None:
    built = run("index", "--corpus", str(corpus_copy))
    assert built.exit_code == 0 and "5 documents" in built.stdout
    info = json.loads(run("info", "--corpus", str(corpus_copy), "--json").stdout)
    assert info["state"] == "fresh" and info["documents"] == 5
    assert re.search(r"^state:\s+fresh$", run("info", "--corpus", str(corpus_copy)).stdout, re.M)
    article = corpus_copy / "000_76e013e02a5755fe.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    stale = json.loads(run("info", "--corpus", str(corpus_copy), "--json").stdout)
    assert stale["state"].startswith("stale")
    assert "already up to date" not in run("index", "--corpus", str(corpus_copy)).stdout
    single = corpus_copy / "single"
    single.mkdir()
    (single / "note.txt").write_text("One short note.\n", encoding="utf-8")
    assert run("index", "--corpus", str(single)).stdout.startswith("Index built: 1 document, 1 passage from ")


def test_info_names_the_files_left_out_of_the_index(corpus_copy: Path) -> None:
    (corpus_copy / "blank.txt").write_text("  \n", encoding="utf-8")
    (corpus_copy / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    built = run("index", "--corpus", str(corpus_copy))
    assert built.exit_code == 0 and "photo.txt: skipped: binary file, not text" in built.stderr
    info = json.loads(run("info", "--corpus", str(corpus_copy), "--json").stdout)
    assert info["skipped"] == ["blank.txt: skipped: empty file", "photo.txt: skipped: binary file, not text"]
    text = run("info", "--corpus", str(corpus_copy)).stdout  # said again long after the build
    assert re.search(r"^skipped: +2 files\n +blank\.txt: skipped: empty file$", text, re.M), text
    (corpus_copy / "blank.txt").write_text("Now a real article about the harbour.\n", encoding="utf-8")
    again = run("index", "--corpus", str(corpus_copy))
    assert "photo.txt" not in again.stderr  # said when first met, not at every refresh
    refreshed = json.loads(run("info", "--corpus", str(corpus_copy), "--json").stdout)
    assert refreshed["skipped"] == ["photo.txt: skipped: binary file, not text"] and refreshed["documents"] == 6
    assert "photo.txt: skipped" in run("index", "--force", "--corpus", str(corpus_copy)).stderr


def test_info_says_where_the_corpus_and_index_folder_came_from(corpus_copy: Path, tmp_path: Path) -> None:
    def origin(*args: str, env: dict[str, str] | None = None) -> tuple[str, str, str]:
        report = json.loads(run("info", "--json", *args, env=env).stdout)
        return os.path.basename(report["corpus"]), report["corpus_from"], report["index_root_from"]

    other = tmp_path / "other"
    shutil.copytree(corpus_copy, other)
    from_env = {"ASKIRAQ_CORPUS": str(other)}
    assert origin("--corpus", str(corpus_copy), env=from_env)[:2] == ("corpus", "--corpus")
    assert origin(env=from_env)[:2] == ("other", "ASKIRAQ_CORPUS")
    assert origin("--corpus", str(corpus_copy))[1] == "--corpus"
    assert origin()[1].startswith("default")
    assert origin()[2] == "ASKIRAQ_INDEX_DIR"  # conftest sets it for every test
    cache = {"ASKIRAQ_INDEX_DIR": "", "XDG_CACHE_HOME": str(tmp_path / "cache")}  # (never the user's cache)
    assert origin(env=cache)[2].startswith("default")
    text = run("info", "--corpus", str(corpus_copy), env=from_env).stdout
    assert re.search(r"^corpus from:\s+--corpus$", text, re.M), text


def test_a_passage_is_not_shown_under_a_title_that_only_repeats_its_opening(tmp_path: Path) -> None:
    sentence = "The weir was rebuilt in 1990 after the flood."
    (tmp_path / "weir.txt").write_text(sentence + "\n", encoding="utf-8")
    shown = run("ask", "--corpus", str(tmp_path), "When was the weir rebuilt?")
    assert shown.exit_code == 0 and shown.stdout.count(sentence) == 2  # the answer, the passage: not a title too
    titled = run("ask", "--corpus", str(SHIPPED_CORPUS), "-k", "1", WAIVERS).stdout
    assert "\n   Iraq struggles to contain fighting between U. S. troops and Iranian-backed groups (Associated " \
        "Press)\n" in titled


def test_info_says_where_each_question_setting_comes_from(corpus_copy: Path) -> None:
    def report(env: dict[str, str] | None = None) -> dict[str, str]:
        return json.loads(run("info", "--json", "--corpus", str(corpus_copy), env=env).stdout)

    assert run("index", "--corpus", str(corpus_copy)).exit_code == 0
    assert report()["top_from"] == "default (3)" and report()["expansions_from"].startswith("default")
    changed = report({"ASKIRAQ_TOP": "7", "ASKIRAQ_MIN_CONFIDENCE": "0.8", "ASKIRAQ_SEMANTIC": "0"})
    assert (changed["top_from"], changed["min_confidence_from"], changed["semantic_from"]) == \
        ("ASKIRAQ_TOP=7", "ASKIRAQ_MIN_CONFIDENCE=0.8", "ASKIRAQ_SEMANTIC=0")
    text = run("info", "--corpus", str(corpus_copy), env={"ASKIRAQ_TOP": "7"}).stdout
    assert re.search(r"^top from:\s+ASKIRAQ_TOP=7$", text, re.M) and re.search(r"^left out:\s+none$", text, re.M)


def test_info_says_which_settings_ask_would_refuse(corpus_copy: Path) -> None:
    env = {"ASKIRAQ_TOP": "abc", "ASKIRAQ_MIN_CONFIDENCE": "0.8", "ASKIRAQ_EXPANSIONS": str(corpus_copy / "none.txt")}
    result = run("info", "--json", "--corpus", str(corpus_copy), env=env)
    report = json.loads(result.stdout)
    assert report["top_from"].startswith("ASKIRAQ_TOP=abc (invalid: ") and report["min_confidence_from"] == \
        "ASKIRAQ_MIN_CONFIDENCE=0.8"
    assert "(invalid: cannot read expansions file" in report["expansions_from"]
    assert [line.split(" is invalid")[0] for line in result.stderr.splitlines()] == [
        "askiraq: warning: ASKIRAQ_TOP=abc", f"askiraq: warning: ASKIRAQ_EXPANSIONS={corpus_copy / 'none.txt'}"]
    assert run("ask", "--corpus", str(corpus_copy), "Baghdad", env=env).exit_code == 2  # (what info warns of)


def test_info_counts_every_file_of_the_folder_a_broken_link_too(tmp_path: Path) -> None:
    (tmp_path / "weir.txt").write_text("The weir was rebuilt in 1990 after the flood.\n", encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    assert run("index", "--corpus", str(tmp_path)).exit_code == 0
    info = json.loads(run("info", "--json", "--corpus", str(tmp_path)).stdout)
    assert info["files"] == 3 and info["documents"] == 1
    assert info["skipped"] == ["gone.txt: skipped: broken or looping symbolic link"] and info["unsupported"] == \
        ["photo.png"]


def test_the_index_follows_the_corpus_without_running_index(corpus_copy: Path) -> None:
    question = "How many visitors came to the zorblat festival?"

    def ask(*args: str) -> Result:
        return run("ask", "--corpus", str(corpus_copy), "--json", *args)

    assert ask(WAIVERS).exit_code == 0
    assert ask(question).exit_code == 1
    article = corpus_copy / "005_zorblat.txt"
    article.write_text("Zorblat report\n\nThe zorblat festival in Basra drew ten thousand "
                       "visitors in March, organisers said.\n", encoding="utf-8")
    found = ask(question)
    assert found.exit_code == 0
    payload = json.loads(found.stdout)
    assert payload["results"][0]["citation"] == f"{corpus_copy / '005_zorblat.txt'}:3"  # not under the cwd
    assert "ten thousand" in payload["answer"]["text"]
    edited = article.read_text(encoding="utf-8").replace("ten", "fifty")
    article.write_text(edited, encoding="utf-8")
    assert "fifty thousand" in json.loads(ask(question).stdout)["answer"]["text"]
    article.unlink()
    gone = ask(question)
    assert gone.exit_code == 1
    assert all(r["source"] != "005_zorblat.txt" for r in json.loads(gone.stdout)["results"])


def test_info_is_listed_once_and_config_is_gone() -> None:
    assert "config" not in cli.commands
    listed = [line.split()[0] for line in run("--help").stdout.split("Commands:")[1].splitlines()
              if line.startswith("  ") and line.split()]
    assert listed.count("info") == 1 and "config" not in listed
    helps = [command.help for command in cli.commands.values()]
    assert len(helps) == len(set(helps)), "two commands share one help text"


@pytest.mark.parametrize(("words", "expected"), [
    ("askiraq s", {"show", "sources"}),
    ("askiraq ask --for", {"--format"}),
    ("askiraq -k 2 --col", {"--color"}),  # the default command's options, without naming it
    ("askiraq --color al", {"always"}),
    ("askiraq '-Hezbollah attacks' --ex", {"--explain", "--exclude-source", "--expansions"}),
    ("askiraq info --js", {"--json"}),
])
def test_shell_completion(words: str, expected: set[str]) -> None:
    env = {"_ASKIRAQ_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(shlex.split(words)) - 1)}
    result = run(env=env)
    assert result.exit_code == 0, result.output
    assert {line.split(",", 1)[1] for line in result.stdout.splitlines()} == expected


def test_version_and_help_for_every_command() -> None:
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("askiraq, version ")
    declared = re.search(r'^version = "(.+)"$', (PROJECT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert declared is not None and version.stdout == f"askiraq, version {declared.group(1)}\n"  # (one version)
    for flag in ("-h", "--help"):
        group_help = run(flag)
        assert group_help.exit_code == 0 and "Exit status" in group_help.stdout
    assert isinstance(cli, click.Group)
    assert {"ask", "index", "sources", "show", "info"} <= set(cli.commands)
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help text"
        for flag in ("-h", "--help"):
            result = run(name, flag)
            assert result.exit_code == 0 and result.stdout.startswith("Usage:"), name
            assert command.help.split("\n")[0][:30] in result.stdout, name


def test_semantic_with_the_model_missing_from_the_install_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    from askiraq import semantic

    monkeypatch.setattr(semantic, "MODEL_DIR", str(tmp_path / "broken-install"))
    semantic._loaded.cache_clear()
    result = run("ask", "--semantic", WAIVERS)
    semantic._loaded.cache_clear()
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"askiraq: error: the semantic model in {tmp_path / 'broken-install'} cannot be read ([Errno 2] No such "
        f"file or directory: '{tmp_path / 'broken-install' / 'static-model.json'}') (hint: reinstall askiraq: pip "
        "install --force-reinstall askiraq)"]


def test_min_confidence_sets_the_threshold_of_an_answer() -> None:
    """A script that wants fewer wrong answers asks for more confidence; one that wants every likely answer, less."""
    question = "Who is the prime minister of Iraq?"
    answered = ask_json(question)
    assert answered["answer"] is not None and 0.55 < answered["confidence"] < 0.9
    strict = run(question, "--json", "--min-confidence", "0.95")
    assert strict.exit_code == 1
    withheld = json.loads(strict.output)
    assert withheld["answer"] is None and withheld["withheld_answer"] == answered["answer"]
    assert "below 95%" in withheld["no_answer_reason"]
    assert run(question, "-k", "1", env={"ASKIRAQ_MIN_CONFIDENCE": "0.95"}).exit_code == 1


def test_a_low_min_confidence_answers_what_the_default_withholds() -> None:
    question = "When did the attacks start?"
    refused = run(question, "--json")
    assert refused.exit_code == 1 and json.loads(refused.output)["withheld_answer"] is not None
    relaxed = run(question, "--json", "--min-confidence", "0.3")
    assert relaxed.exit_code == 0
    assert json.loads(relaxed.output)["answer"] == json.loads(refused.output)["withheld_answer"]


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "NaN", "inf"])
def test_min_confidence_outside_zero_to_one_is_a_usage_error(value: str) -> None:
    result = run("What happened?", "--min-confidence", value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("askiraq: error: Invalid value for '--min-confidence' (env var: "
                                    f"'ASKIRAQ_MIN_CONFIDENCE'): {value} is not in the range 0.0<=x<=1.0.")
    assert len(result.stderr.splitlines()) == 1
