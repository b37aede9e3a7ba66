"""Stage 7: the command line. Parses options, calls the engine, prints, and maps errors to exit codes.

Exit codes: 0 an answer was found (or the command did its job), 1 no confident answer (the closest
passages are still listed), 2 a usage, input or corpus error. Every error is one line on stderr;
`--debug` prints its traceback first.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple, NoReturn, TextIO, TypeVar

import click
from click.core import ParameterSource
from click_default_group import DefaultGroup

from askiraq import __version__
from askiraq.citations import cite, cited_file, find_passage, missing_cited_file
from askiraq.corpus import Notice, default_corpus
from askiraq.errors import (
    EXIT_ANSWERED,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO_ANSWER,
    ArticleNotIndexed,
    AskiraqError,
    CitationError,
    IndexStoreError,
    QueryError,
    StaleIndex,
)
from askiraq.expansions import load_thesaurus
from askiraq.files import printable_name
from askiraq.index import (
    Index,
    OpenedIndex,
    describe_index,
    had_article,
    indexed_folder_of,
    left_out_summary,
    open_index,
    read_with_warnings,
)
from askiraq.records import table_header
from askiraq.render import (
    FORMATS,
    BatchWriter,
    QueryId,
    Style,
    counted,
    render,
    render_passage,
    render_report,
    render_sources,
)
from askiraq.search import SearchOptions, SearchResult, search
from askiraq.tuning import DEFAULT_PARAMS, BuildSettings

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EXIT_CODES_HELP = ("Exit status: 0 answered, 1 no confident answer in the corpus, 2 usage or input error, "
                   "129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).")


class CliError(click.ClickException):
    """An AskiraqError as Click shows it: one line, with the fix-it hint, and its exit code."""

    def __init__(self, error: AskiraqError) -> None:
        super().__init__(error.message + (f" (hint: {error.hint})" if error.hint else ""))
        self.exit_code = error.exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(f"askiraq: error: {printable_name(self.format_message())}", err=True)  # (always one line)


_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())  # Click 8.2+


class UsageHint(click.UsageError):
    """A usage error askiraq finds itself (options that contradict each other), with its own fix-it hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _usage_error(err: click.UsageError) -> CliError:
    """Click's usage error (usage line, "Try --help", message) as our one line with a hint."""
    path = err.ctx.command_path if err.ctx else "askiraq"
    hint = getattr(err, "hint", "") or f"see {path} --help"
    if isinstance(err, click.NoSuchOption) and not err.option_name.startswith("--"):
        hint += "; a question that starts with -word goes after --, or needs another word"
    return CliError(AskiraqError(err.format_message(), hint))


def _option_arity(params: list[click.Parameter]) -> dict[str, int]:
    """Every option name of a command, and how many of the following words are its value."""
    return {name: 0 if param.is_flag or param.count else param.nargs
            for param in params if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)}


def _past_options(args: list[str], at: int, arity: dict[str, int]) -> int:
    """Where the words from `at` that are options of `arity` (with their values) end."""
    while at < len(args):
        name, equals, _ = args[at].partition("=")
        if args[at] in arity:
            at += 1 + arity[args[at]]
        elif args[at].startswith("--") and equals and name in arity:
            at += 1
        else:
            break
    return min(at, len(args))


def _taken(options: list[str], arity: dict[str, int], names: Iterable[str]) -> tuple[list[str], list[str]]:
    """A run of options (each with as many values as `arity` says) split in two, each kept in order: those among
    `names`, and the others."""
    wanted = set(names)
    taken: list[str] = []
    other: list[str] = []
    at = 0
    while at < len(options):
        name = options[at].partition("=")[0] if options[at].startswith("--") else options[at]
        width = 1 if name != options[at] else 1 + arity.get(name, 0)
        (taken if name in wanted else other).extend(options[at:at + width])
        at += width
    return taken, other


def _is_question(word: str) -> bool:
    return word.startswith("-") and not word.startswith("--") and any(c.isspace() for c in word)


def _questions_last(args: list[str], arity: dict[str, int]) -> list[str]:
    """The arguments with every question that starts with - moved after `--`, where Click reads it as
    QUESTION and not as options (`-Hezbollah attacks` would be -H, -e, -z ... and -h, the help).

    A question here is a word that starts with a single - and has a space in it: no option has a space,
    so `askiraq '-Hezbollah attacks'` and `askiraq -k 2 '-Hezbollah attacks' --json` search for attacks.
    Known options work anywhere, and the word after an option that takes a value is that value
    (`--source '-x y'`). Everything else is left to Click: a lone `-word` with no space is ambiguous
    (an option, a cluster like -k3, or a one-word question), so it is read as an option and an unknown
    one is a usage error (`askiraq --nope`, `askiraq -Hezbollah`); `askiraq -- -word` makes it the question.
    """
    kept: list[str] = []
    moved: list[str] = []
    at = 0
    while at < len(args) and args[at] != "--":
        word = args[at]
        name, equals, _ = word.partition("=")
        if word in arity or (word.startswith("--") and equals and name in arity):
            taken = 1 + arity.get(word, 0)  # (0 more with --name=value)
            kept += args[at:at + taken]
            at += taken
            continue
        (moved if _is_question(word) else kept).append(word)
        at += 1
    if not moved:
        return args
    return [*kept, "--", *moved, *args[at + 1:]]


class Probability(click.FloatRange):
    """A number from 0 to 1. NaN compares false with both ends, so that FloatRange alone lets it through."""

    def __init__(self) -> None:
        super().__init__(0.0, 1.0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # NaN
            self.fail(f"{value} is not in the range {self.min}<=x<={self.max}.", param, ctx)
        return number


class IsoDate(click.DateTime):
    """A day as YYYY-MM-DD (in Arabic-Indic digits too); one written so that is no day ("2024-02-30") is said to be
    none, not a wrong format."""

    def __init__(self) -> None:
        super().__init__(["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import datetime

        from askiraq.analysis import plain_digits

        if isinstance(value, str):
            value = plain_digits(value)  # ("٢٠٢٤-٠٣-٠٧", as the dates read are)
            day = value.strip()
            if len(day) == 10 and day[4] == day[7] == "-" and (day[:4] + day[5:7] + day[8:]).isdigit():
                try:
                    datetime.date.fromisoformat(day)
                except ValueError as err:
                    self.fail(f"{value} is no day of the calendar ({err})", param, ctx)
        return super().convert(value, param, ctx)


class QuestionCommand(click.Command):
    """A command whose QUESTION may start with an exclusion: see `_questions_last`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = _questions_last(args, _option_arity(self.get_params(ctx)))
        rest: list[str] = super().parse_args(ctx, args)
        return rest


class AskiraqGroup(DefaultGroup):
    """The one place where engine errors become CLI errors (and stray exceptions one clean line).

    Words that are not the group's own options or a command's name are the default command's
    (`askiraq -k 2 "…"` is `askiraq ask -k 2 "…"`): its name is put in front of them before parsing,
    so the group never reads the question's words as its own options.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = _debug_first(args)
        at = _past_options(args, 0, _option_arity(self.get_params(ctx)))
        if at < len(args) and args[at] not in self.commands:
            args = [*args[:at], *self._not_a_command(ctx, args[at:])]
        rest: list[str] = super().parse_args(ctx, args)
        return rest

    def _not_a_command(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The words from the first one that names no command. Options before a command's name are the command's
        (`--corpus DIR info` is `info --corpus DIR`; --debug is the group's, wherever it is); then `help
        [COMMAND]` is --help, a one-word near miss of a command's name (`sorces`) a usage error, and anything else
        the default command's question."""
        help_names = set(ctx.help_option_names)  # (-h after a command's options is that command's help)
        group = _option_arity([p for p in self.get_params(ctx) if not help_names & set(getattr(p, "opts", ()))])
        arity = {**self._commands_options(ctx), **group}
        at = _past_options(args, 0, arity)
        ahead, options = _taken(args[:at], arity, group)
        word, rest = (args[at], args[at + 1:]) if at < len(args) else ("", [])
        if word in self.commands:
            return [*ahead, *self._options_after_command(ctx, word, options), *rest]
        if word == "help" and len(rest) <= 1:
            if rest and (rest[0] == "help" or rest[0] in help_names):
                rest = []  # ("askiraq help -h", "askiraq help help": the overview)
            if rest and rest[0] not in self.commands:
                raise UsageHint(f"no such command {rest[0]!r}", self._commands_hint(rest[0]))
            return [*ahead, *rest, "--help"]
        if word and not word.startswith("-") and not any(c.isspace() for c in word):
            close = _closest(word, [*self.commands, "help"], cutoff=0.8)
            if close:
                raise UsageHint(f"no such command {word!r}", f"did you mean {close!r}? To ask it as a "
                                f"question: askiraq ask {shlex.quote(word)}")
        return [*ahead, self.default_cmd_name, *options, *args[at:]]

    def _commands_options(self, ctx: click.Context) -> dict[str, int]:
        """Every option of every command, and how many words its value takes."""
        return {name: count for command in self.commands.values()
                for name, count in _option_arity(command.get_params(ctx)).items()}

    def _options_after_command(self, ctx: click.Context, name: str, options: list[str]) -> list[str]:
        """The command's name, then the options given before it (a usage error names one it does not take)."""
        own = _option_arity(self.commands[name].get_params(ctx))
        taken, other = _taken(options, {**self._commands_options(ctx), **own}, own)
        if other:
            raise UsageHint(f"{other[0].partition('=')[0]} is not an option of {name}",
                            f"askiraq {name} --help lists its options; to ask {name!r} as a question: "
                            f"askiraq ask {shlex.join([*options, name])}")
        return [name, *taken]

    def _commands_hint(self, word: str) -> str:
        close = _closest(word, list(self.commands), cutoff=0.6)
        return f"did you mean {close!r}?" if close else "the commands are " + ", ".join(sorted(self.commands))

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        try:
            context: click.Context = super().make_context(info_name, args, parent=parent, **extra)
            return context
        except _NO_ARGS_IS_HELP:
            raise  # bare `askiraq`: the help screen, exit 2
        except click.UsageError as err:
            raise _usage_error(err) from err

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            raise _usage_error(err) from err
        except AskiraqError as err:
            _traceback_if_debugging(ctx)
            raise CliError(err) from err
        except BrokenPipeError:
            _reader_left()
            raise SystemExit(EXIT_ANSWERED) from None
        except KeyboardInterrupt:
            # Ctrl-C: one line and the shell's code, not Click's "Aborted!" with 1 (which reads as "no answer").
            click.echo("askiraq: interrupted", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:
            _traceback_if_debugging(ctx)
            raise CliError(AskiraqError(f"internal error: {type(err).__name__}: {err}",
                                        "run again with --debug for the traceback and report it")) from err


def _closest(word: str, names: list[str], cutoff: float) -> str | None:
    """The name `word` looks most like a misspelling of, if any is close enough."""
    import difflib  # only on this path: a question of several words never needs it

    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=cutoff)
    return close[0] if close else None


def _reader_left() -> None:
    """`askiraq ... | head -1`: the reader has what it wanted and closed the pipe. What is left to print goes
    nowhere (no "Broken pipe" noise at exit), and the exit status is the one the output so far earned, as when
    the whole output fits in the pipe before the reader leaves (a shell's 141 would depend on output size)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _debug_first(args: list[str]) -> list[str]:
    """--debug is the group's wherever it is given before a "--" (`askiraq ask --debug "..."`), so it goes first."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" not in args[:end]:
        return args
    return ["--debug", *(arg for arg in args[:end] if arg != "--debug"), *args[end:]]


def _traceback_if_debugging(ctx: click.Context) -> None:
    """With --debug, the traceback of the error being handled goes to stderr before its one line.

    The exit status stays the documented one (2), not Python's 1 for an uncaught exception, which
    would read as "no answer". Usage errors stay one line: their traceback is Click's parser.
    """
    if ctx.find_root().params.get("debug"):
        import traceback  # only on this path: it is not needed for a cold question

        click.echo(traceback.format_exc(), err=True, nl=False)


def warn(message: str | Notice) -> None:
    click.echo(f"askiraq: warning: {printable_name(str(message))}", err=True)


def corpus_option(func: F) -> F:
    return click.option(
        "--corpus", type=click.Path(), metavar="DIRECTORY", envvar="ASKIRAQ_CORPUS",
        default=None, show_envvar=True,
        help="Folder of articles: .txt, .md, .html, e-mail, .pdf, .docx, .json/.jsonl (see README). Default: "
             "the five articles shipped with askiraq.")(func)


def semantic_option(func: F) -> F:
    return click.option(
        "--semantic/--no-semantic", default=None, envvar="ASKIRAQ_SEMANTIC", show_envvar=True,
        help="Rank by BM25 and meaning together: passage vectors are built once. "
             "--no-semantic ranks without them (index --no-semantic drops them). Default: as the index was "
             "built.")(func)


def json_fields_option(func: F) -> F:
    return click.option(
        "--json-fields", metavar="FIELD=NAME,...", envvar="ASKIRAQ_JSON_FIELDS", show_envvar=True, default=None,
        callback=_checked_json_fields,
        help="Field names of JSON/JSONL records when they are not the usual ones (text, body, content, article; "
             "title, date, author, url), e.g. text=story,title=headline. Default: as the index was built.")(func)


def _checked_json_fields(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A --json-fields setting whose every item is FIELD=NAME with a field askiraq knows, else a usage error (before
    anything is built: a bad setting never replaces the one the index keeps)."""
    if not value:
        return value
    from askiraq.readers.exports import FIELDS, bad_field_item

    bad = bad_field_item(value)
    if bad:
        raise click.BadParameter(f"{bad!r} is not FIELD=NAME, with FIELD one of {', '.join(FIELDS)} "
                                 "(e.g. text=story,title=headline)", ctx, param)
    return value


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def _open(corpus: str | None, force: bool = False, full_check: bool = False,
          semantic: bool | None = None, recheck: frozenset[str] = frozenset(),
          json_fields: str | None = None, verify: bool = False) -> OpenedIndex:
    progress = _progress("indexing") if sys.stderr.isatty() else None
    started = time.perf_counter()
    settings = BuildSettings(semantic=semantic, json_fields=json_fields)
    opened = open_index(corpus or default_corpus(), settings=settings, force=force,
                        full_check=full_check, progress=progress, recheck=recheck, verify=verify)
    if opened.rebuilt:
        for notice in opened.notices:
            warn(notice)
        if sys.stderr.isatty():
            click.echo(f"askiraq: indexed {counted(opened.index.document_count, 'document')} "
                       f"({counted(opened.index.passage_count, 'passage')}) in {time.perf_counter() - started:.1f} s",
                       err=True)
    return opened


# Tries of one question while the corpus keeps changing under it, each after refreshing the index and a pause
# (STALE_PAUSE seconds more each time: an editor finishes saving), before it is an error. With an article edited
# every 0.2 s under 8 readers, one try in four or five meets a change (scripts/faults.py); ten tries, none failed.
STALE_RETRIES = 10
STALE_PAUSE = 0.05


class _Session:
    """The open index for a run of questions, refreshed when an article turns out to have changed since it was
    indexed, and the question asked again (a few times: the corpus may be changing all the while)."""

    def __init__(self, corpus: str | None, semantic: bool | None, json_fields: str | None = None) -> None:
        self.corpus = corpus
        self.semantic = semantic
        self.json_fields = json_fields
        self.opened = _open(corpus, semantic=semantic, json_fields=json_fields)

    def search(self, question: str, options: SearchOptions) -> SearchResult:
        return self.run(lambda index: search(index, question, options))

    def run(self, action: Callable[[Index], T]) -> T:
        """`action` on the index, refreshed and run again when an article it reads changed (StaleIndex)."""
        changed: set[str] = set()
        for attempt in range(STALE_RETRIES):
            try:
                return action(self.opened.index)
            except StaleIndex as stale:
                if attempt == STALE_RETRIES - 1:
                    raise
                changed.add(stale.path)
                time.sleep(STALE_PAUSE * attempt)
                self.opened = _open(self.corpus, full_check=True, semantic=self.semantic,
                                    recheck=frozenset(changed - {""}), json_fields=self.json_fields)
        raise AssertionError("unreachable")


def _progress(label: str) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr: the share of the files' bytes analysed (a 1,000-page PDF or a
    10,000-message mbox moves it as it is read)."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != shown[0]:
            shown[0] = percent
            bar = "#" * (percent // 5)
            click.echo(f"\raskiraq: {label} [{bar:<20}] {percent:3d}%", err=True, nl=percent >= 100)
    return report


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group("askiraq", cls=AskiraqGroup, default="ask", default_if_no_args=False, context_settings=CONTEXT_SETTINGS,
             epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="askiraq")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (before its one line).")
def cli(debug: bool) -> None:
    """Ask questions of a folder of news articles; get a short answer with the exact source to cite.

    \b
      askiraq "why does Iraq rely on US waivers?"
      askiraq ask -k 5 --json "how many US troops are in Iraq?"
      askiraq ask --batch questions.txt > answers.jsonl
    """


# --no-expand: the question's own words, without word families, general synonyms or typing slips (the thesaurus is
# turned off where it is loaded).
_OWN_WORDS_ONLY = DEFAULT_PARAMS._replace(family_weight=0.0, synonym_weight=0.0, typo_weight=0.0)
DEFAULT_TOP = 3
# The settings a question reads from the environment when no option gives them, and what it does without either
# (`askiraq info` says which applies here).
_QUESTION_SETTINGS = (("top", "ASKIRAQ_TOP", f"default ({DEFAULT_TOP})"),
                      ("expansions", "ASKIRAQ_EXPANSIONS", "default (the shipped expansions only)"),
                      ("min_confidence", "ASKIRAQ_MIN_CONFIDENCE", "default (the answer model's threshold)"),
                      ("semantic", "ASKIRAQ_SEMANTIC", "default (as the index was built)"))


@cli.command(cls=QuestionCommand, context_settings=CONTEXT_SETTINGS, epilog=EXIT_CODES_HELP)
@click.argument("question", required=False)
@click.option("-k", "--top", type=click.IntRange(min=1), default=DEFAULT_TOP, envvar="ASKIRAQ_TOP", show_envvar=True,
              show_default=True, help="How many passages to show (more than match: all that match).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (default: text; jsonl with --batch).")
@json_option
@corpus_option
@click.option("--batch", type=click.File("r", encoding="utf-8", errors="replace"), default=None,
              help="Answer every question in FILE ('-' for stdin): one per line, or JSON lines "
                   "{\"id\": ..., \"question\": ...}.")
@click.option("--explain", is_flag=True, help="Show matched terms, their BM25 contributions and expansions.")
@click.option("--source", "sources", multiple=True, metavar="GLOB",
              help="Only articles whose file name matches GLOB (repeatable).")
@click.option("--exclude-source", "exclude_sources", multiple=True, metavar="GLOB",
              help="Leave out articles whose file name matches GLOB (repeatable).")
@click.option("--since", type=IsoDate(), default=None,
              help="Only articles dated on or after DATE (YYYY-MM-DD); undated ones are left out.")
@click.option("--until", type=IsoDate(), default=None,
              help="Only articles dated on or before DATE (YYYY-MM-DD); undated ones are left out.")
@click.option("--expansions", type=click.Path(dir_okay=False), envvar="ASKIRAQ_EXPANSIONS",
              show_envvar=True, default=None, help="Extra expansion groups file (see README).")
@click.option("--no-expand", is_flag=True,
              help="Search only the question's own words (no thesaurus, word families, synonyms or slips).")
@click.option("--min-confidence", type=Probability(), envvar="ASKIRAQ_MIN_CONFIDENCE", show_envvar=True,
              default=None, metavar="P",
              help="Answer only at confidence P or above, 0 to 1 (default: the answer model's threshold, about "
                   "0.5); below it, no answer (exit 1), the sentence withheld shown with --explain.")
@semantic_option
@json_fields_option
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour and bold in text output (auto: only on a terminal, never with NO_COLOR).")
def ask(question: str | None, top: int, fmt: str | None, as_json: bool, corpus: str | None,
        batch: TextIO | None, explain: bool, sources: tuple[str, ...], exclude_sources: tuple[str, ...],
        since: Any, until: Any, expansions: str | None, no_expand: bool, min_confidence: float | None,
        semantic: bool | None, json_fields: str | None, color: str) -> None:
    """Answer QUESTION from the corpus (the default command: `askiraq "..."` means `askiraq ask "..."`).

    \b
    Query syntax:
      "exact phrase"   only passages with those words together
      -word            drop passages containing word (its stem)
      -"some phrase"   drop passages containing the phrase
    Hyphenated words (Iran-backed) and negative numbers are not exclusions.
    A question may start with an exclusion ('-Hezbollah attacks'); a lone
    -word is read as an option (ask it as: askiraq -- -word).
    """
    if question is None and batch is None:
        raise UsageHint("no question given",
                        'put it in quotes: askiraq "QUESTION" (or ask a file of them: --batch FILE)')
    if question is not None and batch is not None:
        raise click.UsageError("give a QUESTION or --batch FILE, not both")
    if as_json and fmt not in (None, "json"):
        raise UsageHint(f"--json and --format {fmt} ask for two formats",
                        f"use --format {fmt} alone, or --json alone")
    fmt = "json" if as_json else fmt
    if since is not None and until is not None and since > until:
        raise QueryError(f"--since {since:%Y-%m-%d} is after --until {until:%Y-%m-%d}", "swap the two dates")
    style = Style(color=_use_color(color), explain=explain)
    options = SearchOptions(top=top, sources=sources, exclude_sources=exclude_sources,
                            since=_date(since), until=_date(until),
                            thesaurus=load_thesaurus(expansions, enabled=not no_expand),
                            params=_OWN_WORDS_ONLY if no_expand else DEFAULT_PARAMS, min_confidence=min_confidence)
    if semantic is False:  # this question without the vectors; the index keeps them
        options = options._replace(params=options.params._replace(semantic_weight=0.0))
    session = _Session(corpus, semantic or None, json_fields)
    if batch is not None:
        status = _run_batch(session, batch, options, fmt or "jsonl", style)
    else:
        status = _answer_one(session, question or "", options, fmt or "text", style)
    click.get_current_context().exit(status)


def _answer_one(session: _Session, question: str, options: SearchOptions, fmt: str, style: Style) -> int:
    result = session.search(question, options)
    for message in (*result.run_warnings, *result.warnings):
        warn(message)
    try:
        click.echo(render(result, fmt, style), nl=False, color=style.color)
    except BrokenPipeError:
        _reader_left()
    return EXIT_ANSWERED if result.answer is not None else EXIT_NO_ANSWER


def _date(value: Any) -> date | None:
    return value.date() if value is not None else None


_BINARY_PEEK = 8192  # bytes of a batch file looked at for NUL before the first question is answered
_BATCH_HINT = "give a text file of questions, one a line (or JSON lines)"
MAX_BATCH_LINE = 1 << 20  # characters: a longer line is reported and skipped (a question is cut to 2,000 anyway)


def _holds_surrogate(text: str) -> bool:
    """A lone surrogate cannot be written out (a regular expression for it would cost every start 0.5 ms)."""
    return not text.isascii() and any("\ud800" <= char <= "\udfff" for char in text)


def _batch_lines(stream: TextIO) -> Iterator[tuple[int, str, str]]:
    """(line number, line, error) for each line of a batch; a line longer than MAX_BATCH_LINE is an error and
    is never held whole in memory (a file without newlines, or a device, cannot exhaust it)."""
    number = 0
    while True:
        line = stream.readline(MAX_BATCH_LINE)
        if not line:
            return
        number += 1
        if len(line) == MAX_BATCH_LINE and not line.endswith("\n"):
            while (rest := stream.readline(MAX_BATCH_LINE)) and not rest.endswith("\n"):
                pass  # (the rest of the line, read and dropped a piece at a time)
            yield number, "", f"longer than {MAX_BATCH_LINE:,} characters"
            continue
        yield number, line, ""


def _batch_questions(stream: TextIO) -> Iterator[tuple[int, QueryId, str | None, str]]:
    """(line number, id, question, error) for each input line but blank ones and comments (the id is the line
    number, as text, unless a JSON line gives one: kept as it is, a string or a number). An id that another line
    already has (the same as text: 3 and "3" are one in CSV) is answered, with a warning."""
    peek = getattr(getattr(stream, "buffer", None), "peek", None)  # a binary file fails before any answer
    if peek is not None and b"\x00" in peek(_BINARY_PEEK)[:_BINARY_PEEK]:
        raise QueryError("the batch file is not text (it holds NUL bytes)", _BATCH_HINT)
    first_line_of: dict[str, int] = {}
    for number, line, error in _batch_lines(stream):
        line = (line.removeprefix("\ufeff") if number == 1 else line).strip()  # a BOM (Windows editors)
        if error:
            yield number, str(number), None, error
            continue
        if not line or line == "#" or (line[0] == "#" and line[1].isspace()):  # "# weekly": a comment; "#Basra" asks
            continue
        query_id, question, error = _batch_line(line, number)
        if question is not None:
            first = first_line_of.setdefault(str(query_id), number)
            if first != number:
                warn(f"batch lines {first} and {number} have the same id "
                     f"{json.dumps(str(query_id), ensure_ascii=False)}")
        yield number, query_id, question, error


def _batch_line(line: str, number: int) -> tuple[QueryId, str | None, str]:
    """(id, question, error) of one stripped, non-blank batch line: a question, or a JSON object with one."""
    if "\x00" in line:
        return str(number), None, "holds a NUL byte, not text"
    if "\ufffd" in line:  # read with errors="replace"
        return str(number), None, "not UTF-8 text"
    if not line.startswith(("{", "[")):
        return str(number), line, ""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as err:
        if line.startswith("[") and not isinstance(err, RecursionError):  # "[draft] who signed the deal?"
            return str(number), line, ""
        return str(number), None, f"not valid JSON ({'nested too deeply' if isinstance(err, RecursionError) else err})"
    if not isinstance(record, dict):
        return str(number), None, "a JSON line must be an object with a \"question\""
    question = record.get("question")
    if not isinstance(question, str):
        return str(number), None, "no \"question\" string"
    raw_id = record.get("id")
    if raw_id is None:
        raw_id = str(number)
    elif not _is_id(raw_id):
        kind = "an object" if isinstance(raw_id, dict) else "a list" if isinstance(raw_id, list) else json.dumps(raw_id)
        return str(number), None, f"the \"id\" must be a string or a number, not {kind}"
    if _holds_surrogate(question) or _holds_surrogate(str(raw_id)):  # "\ud800" escaped: decodes to no character
        return str(number), None, "a lone surrogate escape (\\ud800-\\udfff) is not text"
    return raw_id, question, ""


def _is_id(value: Any) -> bool:
    """Whether a JSON line's "id" can be one: a string or a number (not true or false; not NaN or Infinity, which
    Python's JSON reads but no JSON reader after it would)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, str | int) or (isinstance(value, float) and math.isfinite(value))


class _LineWarnings:
    """A batch's warnings, each with its line number; one said for many lines (a question cut, a phrase no passage
    holds) is said for the first LINE_WARNINGS of them, then counted, and the count said at the end. A warning of
    the options (a glob that matches no article, the semantic model missing) is said once."""

    def __init__(self) -> None:
        self.lines: dict[str, list[int]] = {}
        self.said: set[str] = set()

    def once(self, messages: tuple[str, ...]) -> None:
        """Warnings of the run's options (the same for every question): each said once, with no line number."""
        for message in messages:
            if message not in self.said:
                self.said.add(message)
                warn(message)

    def add(self, number: int, message: str) -> None:
        lines = self.lines.setdefault(message, [])
        lines.append(number)
        if len(lines) <= LINE_WARNINGS:
            warn(f"batch line {number}: {message}")

    def close(self) -> None:
        for message, lines in self.lines.items():
            more = lines[LINE_WARNINGS:]
            if more:
                warn(f"batch lines {more[0]} to {more[-1]} ({len(more)} more): {message}")


LINE_WARNINGS = 10  # lines a warning is said for, with their numbers, before it is only counted


def _run_batch(session: _Session, stream: TextIO, options: SearchOptions, fmt: str, style: Style) -> int:
    failed = answered = done = 0
    writer = BatchWriter(fmt, style)
    warnings = _LineWarnings()
    show_progress = sys.stderr.isatty()
    try:
        for number, query_id, question, error in _batch_questions(stream):
            try:
                if error or question is None:
                    raise QueryError(error)
                result = session.search(question, options)
            except QueryError as err:
                failed += 1
                click.echo(f"askiraq: error: batch line {number}: {printable_name(err.message)}", err=True)
                continue
            warnings.once(result.run_warnings)
            for message in result.warnings:
                warnings.add(number, message)
            done += 1
            answered += result.answer is not None
            click.echo(writer.add(result, query_id), nl=False, color=style.color)
            if show_progress and done % 100 == 0:
                click.echo(f"\raskiraq: {done} questions", err=True, nl=False)
        click.echo(writer.close(), nl=False, color=style.color)
    except BrokenPipeError:  # `| head`: the questions not yet read are not asked
        _reader_left()
    if show_progress and done >= 100:
        click.echo("", err=True)
    warnings.close()
    if not done and not failed:
        raise QueryError("the batch file has no questions", "give one question a line (or JSON lines)")
    if failed:
        return EXIT_ERROR
    return EXIT_ANSWERED if answered else EXIT_NO_ANSWER


@cli.command(context_settings=CONTEXT_SETTINGS)
@corpus_option
@click.option("--force", is_flag=True, help="Rebuild from scratch even if the index is up to date.")
@click.option("--verify", is_flag=True,
              help="Check every array's CRC-32 first (done on every open up to 64 MiB); rebuild if one fails.")
@semantic_option
@json_fields_option
def index(corpus: str | None, force: bool, verify: bool, semantic: bool | None, json_fields: str | None) -> None:
    """Build (or refresh) the index now; it is otherwise built on first use."""
    started = time.perf_counter()
    opened = _open(corpus, force=force, full_check=True, semantic=semantic, json_fields=json_fields, verify=verify)
    if not opened.kept:
        raise IndexStoreError(f"the index was built but cannot be kept: {opened.index_dir} cannot be written",
                              "set ASKIRAQ_INDEX_DIR to a writable folder")
    idx = opened.index
    state = "built" if opened.rebuilt else "verified and up to date" if verify else "already up to date"
    click.echo(f"Index {state}: {counted(idx.document_count, 'document')}, {counted(idx.passage_count, 'passage')} "
               f"from {printable_name(opened.root)} ({time.perf_counter() - started:.2f} s)")
    click.echo(f"Index folder: {printable_name(opened.index_dir)}")
    left_out = left_out_summary(list(idx.generation.meta.get("skipped", [])), opened.unsupported)
    if left_out:
        click.echo(f"Left out: {printable_name(left_out)} (askiraq info lists them)")
    warned = read_with_warnings(idx.generation.meta)
    if warned:
        click.echo(f"Warnings: {counted(len(warned), 'warning')} about files indexed all the same (askiraq info "
                   "lists them)")


@cli.command(context_settings=CONTEXT_SETTINGS)
@corpus_option
@json_option
def sources(corpus: str | None, as_json: bool) -> None:
    """List the indexed articles: file, title, passages (and publisher/date where known)."""
    click.echo(render_sources(_open(corpus).index.records.documents(), as_json), nl=False)


@cli.command(context_settings=CONTEXT_SETTINGS)
@click.argument("citation")
@corpus_option
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Bold the passage inside its paragraph (auto: only on a terminal).")
def show(citation: str, corpus: str | None, color: str) -> None:
    """Print the passage a CITATION names, in its paragraph.

    CITATION is a passage id (`003_6c8c47967f33c65d.txt#4`) or a location as printed by
    `askiraq ask`: `path:line`, `path:start-end`, or `path:line:column` where a line holds
    several passages.
    """
    cited = cited_file(citation) if corpus is None else None
    gone = _gone_file(citation) if corpus is None and cited is None else None
    folder = indexed_folder_of(cited) if cited else gone.folder if gone else None  # the corpus a citation is from
    style = Style(color=_use_color(color))

    def shown(idx: Index) -> str:
        try:
            record = find_passage(idx, citation)
        except ArticleNotIndexed as err:
            if gone is not None:
                raise gone.error() from err
            if corpus is None and folder is None:
                raise _not_in_shipped_corpus(citation, cited) from err
            raise
        text = idx.texts.text(record.doc_id)
        return render_passage(cite(idx, record), text, (record.start, record.end),
                              idx.records.paragraph_span(record), style, table_header(text, record))

    click.echo(_Session(corpus or folder, None).run(shown), nl=False, color=style.color)


class _GoneFile(NamedTuple):
    """A file a citation names, not there (any more), in a folder that an indexed corpus holds."""

    path: str
    folder: str  # the indexed corpus folder it is (or was) in
    indexed: bool  # the index, as last built, had it: it was deleted or moved since

    def error(self) -> ArticleNotIndexed:
        hint = f"askiraq sources --corpus {shlex.quote(self.folder)} lists its articles"
        if self.indexed:
            return ArticleNotIndexed(f"{printable_name(self.path)} is no longer there (deleted or moved since it "
                                     f"was indexed), and the index of {printable_name(self.folder)} no longer has "
                                     "it", hint)
        return ArticleNotIndexed(f"{printable_name(self.path)}: no such file, and the index of "
                                 f"{printable_name(self.folder)} has no article of that name", hint)


def _gone_file(citation: str) -> _GoneFile | None:
    """The file a citation names when it is not there and an indexed corpus holds its folder, and either that index
    had it or the citation names a folder (a bare name, `003_….txt#4`, is still looked for in the shipped corpus)."""
    path = missing_cited_file(citation)
    folder = indexed_folder_of(path) if path is not None else None
    if path is None or folder is None:
        return None
    indexed = had_article(folder, path)
    return _GoneFile(path, folder, indexed) if indexed or "/" in path or os.sep in path else None


def _not_in_shipped_corpus(citation: str, cited: str | None) -> CitationError:
    """`show` without --corpus: the citation's article is neither in an index nor one of the shipped articles,
    which were looked in as the default (the package's folder is not one the user ever named)."""
    hint = f"pass the corpus it is from: askiraq show --corpus FOLDER {shlex.quote(citation)}"
    if cited is not None:
        return CitationError(f"{printable_name(cited)} exists but is in no index, and the shipped sample corpus "
                             "(searched by default) does not have it", hint)
    return CitationError(f"no article of the shipped sample corpus (searched by default) matches {citation!r}, "
                         "and no such file is found from this folder", hint)


def _origin(param: str, envvar: str, default: str) -> str:
    """Where the current command's `param` came from: its option, its environment variable, or the default."""
    source = click.get_current_context().get_parameter_source(param)
    if source is ParameterSource.COMMANDLINE:
        return "--" + param.replace("_", "-")
    if source is ParameterSource.ENVIRONMENT:
        return envvar
    return default


@cli.command(context_settings=CONTEXT_SETTINGS)
@corpus_option
@json_option
def info(corpus: str | None, as_json: bool) -> None:
    """Show the corpus, where its index is kept, whether it is fresh, and counts."""
    report = describe_index(corpus or default_corpus())
    report["corpus_from"] = _origin("corpus", "ASKIRAQ_CORPUS", "default (shipped articles)")
    # No option sets the index folder: it comes from the environment (as index.default_index_root reads it).
    report["index_root_from"] = "ASKIRAQ_INDEX_DIR" if os.environ.get("ASKIRAQ_INDEX_DIR") else "default (user cache)"
    for name, envvar, default in _QUESTION_SETTINGS:  # (an option of `ask` beats each, question by question)
        value = os.environ.get(envvar)
        report[f"{name}_from"] = f"{envvar}={value}" if value else default
        if value and (problem := _invalid_setting(envvar, value)):
            report[f"{name}_from"] += f" (invalid: {problem})"
            warn(f"{envvar}={value} is invalid: {problem}; askiraq ask stops on it (exit 2)")
    click.echo(render_report(report, as_json), nl=False)


def _invalid_setting(envvar: str, value: str) -> str:
    """Why `ask` would refuse a setting from the environment ("" when it takes it), as its option reads it (and an
    expansions file, as `ask` loads it)."""
    option = next(p for p in ask.params if isinstance(p, click.Option) and p.envvar == envvar)
    try:
        converted = option.type.convert(value, option, None)
        if option.name == "expansions":
            load_thesaurus(converted)
    except click.BadParameter as err:
        return err.message.rstrip(".")
    except QueryError as err:
        return err.message
    return ""


def main() -> NoReturn:
    """Run the command line (`askiraq.__main__` takes over the stop signals first)."""
    cli.main(prog_name="askiraq")
    raise SystemExit(0)
