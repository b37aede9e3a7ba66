"""Stage 5: from a question to ranked, de-duplicated passages and a short extractive answer.

Order of work: parse the query syntax, analyse and expand the words, add up BM25 postings, walk
the candidates best-first applying filters, phrases and exclusions (so filters act before the
top-k cut), fold near-duplicate passages into one hit, decide whether the corpus answers at all,
and pick the answer sentences.
"""

import bisect
import fnmatch
import functools
import os
import re
from collections.abc import Hashable, Iterator
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, NamedTuple

from askiraq.analysis import analyze, tokenize
from askiraq.corpus import parse_date
from askiraq.errors import CitationError, QueryError
from askiraq.expansions import Expansion, Thesaurus
from askiraq.index import DocRecord, Index, PassageRecord
from askiraq.query import ParsedQuery, parse_query

if TYPE_CHECKING:
    from datetime import date

MAX_QUESTION_CHARS = 2000
# Term-set Jaccard above which two passages count as saying the same thing. On the shipped corpus
# 99% of passage pairs from different articles stay at or below 0.20, while the closest pairs of
# the AP story and its rewrite (001/003) score 0.31-0.49.
DUPLICATE_JACCARD = 0.3
MIN_COVERAGE = 0.42  # between the best unanswerable (0.39) and worst answerable (0.44) dev questions
CANDIDATE_POOL = 4
RERANK_POOL = 20
FIRST_BATCH = 512
RERANK_WEIGHT = 3.0
WANTED_MISSING = 0.4  # weight of a sentence without the kind of thing asked for (count, date, name)
ANSWER_FROM = 3
SECOND_SENTENCE = 0.75
FIGURE_MIN_SCORE = 0.7


class SearchOptions(NamedTuple):
    top: int = 3
    sources: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    since: "date | None" = None
    until: "date | None" = None
    thesaurus: Thesaurus = Thesaurus(())
    min_coverage: float = MIN_COVERAGE
    highlight: bool = False  # find the spans of matched words in each passage (for colour output)


class Citation(NamedTuple):
    """Where a passage or sentence is: `path:line` text plus the pieces scripts need."""

    source: str  # file path relative to the corpus folder
    location: str  # path relative to the corpus folder's parent, with :line or :start-end
    path: str  # absolute path of the file
    line_start: int
    line_end: int
    passage_id: str
    title: str
    publisher: str = ""
    date: str = ""


class TermMatch(NamedTuple):
    term: str
    weight: float  # 1 for the question's own words, below 1 for expansions
    contribution: float  # weight * BM25 contribution to this passage


class Hit(NamedTuple):
    rank: int
    score: float  # BM25 plus the best-sentence bonus: what the hits are ranked by
    bm25: float
    citation: Citation
    text: str
    heading: str
    highlights: tuple[tuple[int, int], ...]  # spans in `text` of matched words
    matches: tuple[TermMatch, ...]
    also_in: tuple[Citation, ...]


class AnswerSentence(NamedTuple):
    text: str
    citation: Citation


class Answer(NamedTuple):
    sentences: tuple[AnswerSentence, ...]
    conflicting: bool  # the sentences give different figures for the same thing

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class SearchResult(NamedTuple):
    question: str
    answer: Answer | None
    hits: tuple[Hit, ...]
    expansions: tuple[Expansion, ...]
    reason: str = ""  # why there is no answer
    undated_left_out: int = 0
    warnings: tuple[str, ...] = ()


class _Query(NamedTuple):
    parsed: ParsedQuery
    terms: list[str]  # the question's own analysed words
    weighted: list[tuple[str, float]]
    expansions: list[Expansion]
    excluded: set[str]
    wants: str  # "number", "date", "name", "place" or ""
    term_ids: list[tuple[int, float, float]]  # (term id, idf, weight) of the weighted terms in the corpus
    numbers: set[str]  # figures the question itself mentions
    asked: frozenset[str]  # the question's terms and their expansions


class _Sentence:
    __slots__ = ("end", "score", "start", "terms")

    def __init__(self, start: int, end: int, terms: frozenset[int]) -> None:
        self.start, self.end, self.terms = start, end, terms
        self.score = 0.0


class _Candidate:
    """A passage being ranked: filled in by rerank, collects the near-duplicates folded into it."""

    __slots__ = ("bm25", "duplicates", "record", "score", "sentences", "terms")

    def __init__(self, record: PassageRecord, bm25: float, terms: frozenset[int]) -> None:
        self.record, self.bm25, self.terms = record, bm25, terms
        self.sentences: list[_Sentence] = []
        self.score = 0.0
        self.duplicates: list[PassageRecord] = []


_WANTS_AFTER = {  # second word after "how"/"what"/"which" that says what kind of answer is wanted
    "how": {"many": "number", "much": "number", "long": "number", "often": "number", "far": "number",
            "old": "number"},
    "what": {"number": "number", "percentage": "number", "amount": "number", "year": "date", "date": "date",
             "day": "date", "month": "date"},
    "which": {"group": "name", "person": "name", "official": "name", "leader": "name", "camp": "name",
              "party": "name", "organization": "name", "organisation": "name"},
}
_WANTS_WORD = {"when": "date", "who": "name", "whom": "name", "whose": "name", "where": "place"}


def _wants(question: str) -> str:
    """The kind of answer a question asks for: "number", "date", "name", "place" or ""."""
    words = "".join(c if c.isalnum() else " " for c in question.lower()).split()
    for word, following in zip(words, [*words[1:], ""][:len(words)], strict=True):
        kind = _WANTS_AFTER.get(word, {}).get(following) or _WANTS_WORD.get(word)
        if kind:
            return kind
    return ""


_SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", ")")
# Compiled on first use (the re module caches them): a cold single question should not pay for all.
_FIGURE = (r"(?i)(?<![\w.,])(?!(?:19|20)\d\d\b)(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w,])"  # not a year
           r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
           r"fifty|hundred|thousand|dozens?|hundreds|thousands|million|billion)\b")
_DATE = (r"(?i)\b(1[89]|20)\d\d\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d|"
         r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_NAME = (r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:[ -](?:al-)?[A-Z][a-z]+)+")


def search(index: Index, question: str, options: SearchOptions) -> SearchResult:
    """Answer one question from the index. QueryError for a question that cannot be searched."""
    warnings: list[str] = []
    if not question.strip():
        raise QueryError("the question is empty", "ask something, e.g. askiraq \"who leads Iraq?\"")
    if len(question) > MAX_QUESTION_CHARS:
        warnings.append(f"question cut to its first {MAX_QUESTION_CHARS} characters")
        question = question[:MAX_QUESTION_CHARS]
    query = _prepare(index, question, options.thesaurus)
    allowed_docs, undated = _allowed_documents(index, options)
    if not query.terms and not query.parsed.phrases:
        return SearchResult(question, None, (), (), "the question has no searchable words",
                            undated, tuple(warnings))
    ranked = _best_first(index, query.weighted)
    candidates = _rerank(index, query, _candidates(index, query, ranked, allowed_docs, options.top))
    hits = _fold_duplicates(candidates, max(options.top, ANSWER_FROM))  # the answer does not depend on -k
    if not hits:
        reason = "nothing in the corpus matches the question"
        return SearchResult(question, None, (), tuple(query.expansions), reason, undated, tuple(warnings))
    coverage = _coverage(index, query, hits[0].terms)
    if coverage < options.min_coverage and not query.parsed.phrases:
        reason = f"the corpus does not answer this (best passage covers {coverage:.0%} of the question)"
        return SearchResult(question, None, (), tuple(query.expansions), reason, undated, tuple(warnings))
    results = tuple(_hit(index, query, rank, c, options.highlight) for rank, c in enumerate(hits[:options.top], 1))
    answer = _answer(index, query, hits)
    return SearchResult(question, answer, results, tuple(query.expansions), "", undated, tuple(warnings))


def _prepare(index: Index, question: str, thesaurus: Thesaurus) -> _Query:
    parsed = parse_query(question)
    if not parsed.has_positive_part and (parsed.excluded_words or parsed.excluded_phrases):
        raise QueryError("the question has only exclusions (-word)",
                         "add words to search for, e.g. askiraq \"attacks -Hezbollah\"")
    terms = analyze(parsed.text)
    expansions = thesaurus.expand(terms)
    weighted = [(t, 1.0) for t in terms] + [(e.term, e.weight) for e in expansions]
    excluded = {t for word in parsed.excluded_words for t in analyze(word)}
    wants = _wants(question)
    ids = [(index.term_id(t), w) for t, w in weighted]
    term_ids = [(tid, max(index.idf(tid), 0.1), w) for tid, w in ids if tid >= 0]
    numbers = {m.group().replace(",", "").lower() for m in re.finditer(_FIGURE, parsed.text)} if wants else set()
    return _Query(parsed, terms, weighted, expansions, excluded, wants, term_ids, numbers,
                  frozenset(t for t, _ in weighted))


def _allowed_documents(index: Index, options: SearchOptions) -> tuple[set[int] | None, int]:
    """Documents passing --source/--exclude-source/--since/--until (None: all), and undated count."""
    if not (options.sources or options.exclude_sources or options.since or options.until):
        return None, 0
    allowed: set[int] = set()
    undated = 0
    for doc in index.documents():
        name = doc.rel
        base = os.path.basename(name)
        if options.sources and not any(fnmatch.fnmatchcase(base, p) or fnmatch.fnmatchcase(name, p)
                                       for p in options.sources):
            continue
        if any(fnmatch.fnmatchcase(base, p) or fnmatch.fnmatchcase(name, p) for p in options.exclude_sources):
            continue
        if options.since or options.until:
            when = parse_date(doc.metadata.get("date", ""))
            if when is None:
                undated += 1
                continue
            if (options.since and when < options.since) or (options.until and when > options.until):
                continue
        allowed.add(doc.doc_id)
    return allowed, undated


def _phrase_terms(phrase: str) -> list[str]:
    return [t.term for t in tokenize(phrase)]


def _contains_phrase(text: str, phrase_terms: list[str]) -> bool:
    terms = [t.term for t in tokenize(text)]
    n = len(phrase_terms)
    return n > 0 and any(terms[i:i + n] == phrase_terms for i in range(len(terms) - n + 1))


def _best_first(index: Index, weighted: list[tuple[str, float]]) -> Iterator[tuple[int, float]]:
    """Passages by descending score, lazily: the first FIRST_BATCH, and all of them only if filters need it."""
    first = index.ranked(weighted, FIRST_BATCH)
    yield from first
    if len(first) == FIRST_BATCH:
        yield from index.ranked(weighted, None)[FIRST_BATCH:]


def _candidates(index: Index, query: _Query, ranked: Iterator[tuple[int, float]],
                allowed_docs: set[int] | None, top: int) -> list[_Candidate]:
    """The best passages by BM25 that pass the filters, phrases and exclusions (best-first, lazily)."""
    phrases = [_phrase_terms(p) for p in query.parsed.phrases]
    excluded_phrases = [_phrase_terms(p) for p in query.parsed.excluded_phrases]
    excluded_ids = {tid for t in query.excluded if (tid := index.term_id(t)) >= 0}
    wanted = max(RERANK_POOL, top * CANDIDATE_POOL)
    found: list[_Candidate] = []
    for pid, score in ranked:
        if score <= 0 or len(found) == wanted:
            break
        record = index.passage(pid)
        if allowed_docs is not None and record.doc_id not in allowed_docs:
            continue
        terms = index.passage_term_set(pid)
        if excluded_ids & terms:
            continue
        if phrases or excluded_phrases:
            text = index.passage_text(record)
            if not all(_contains_phrase(text, p) for p in phrases):
                continue
            if any(_contains_phrase(text, p) for p in excluded_phrases):
                continue
        found.append(_Candidate(record, score, terms))
    return found


def _sentence_terms(index: Index, record: PassageRecord) -> list[_Sentence]:
    """Each sentence of a passage with its term ids, as stored in the index."""
    return [_Sentence(start, end, index.sentence_terms(record.first_sentence + i))
            for i, (start, end) in enumerate(record.sentences)]


def _rerank(index: Index, query: _Query, candidates: list[_Candidate]) -> list[_Candidate]:
    """BM25 plus the strength of the passage's best sentence: answers sit in one sentence."""
    for candidate in candidates:
        text = index.text(candidate.record.doc_id) if query.wants else ""  # read only to check answer types
        candidate.sentences = _sentence_terms(index, candidate.record)
        for sentence in candidate.sentences:
            sentence.score = _sentence_score(query, sentence.terms, text[sentence.start:sentence.end])
        best = max((x.score for x in candidate.sentences), default=0.0)
        candidate.score = candidate.bm25 + RERANK_WEIGHT * best
    return sorted(candidates, key=lambda c: (-c.score, c.record.passage_id))


def _sentence_score(query: _Query, terms: frozenset[int], text: str) -> float:
    score = sum(idf * weight for tid, idf, weight in query.term_ids if tid in terms)
    if query.wants and score and not _has_wanted(query, text):
        score *= WANTED_MISSING
    return score


def _fold_duplicates(candidates: list[_Candidate], top: int) -> list[_Candidate]:
    """Keep `top` distinct passages; a near-duplicate is cited under the passage it repeats."""
    kept: list[_Candidate] = []
    for candidate in candidates:
        twin = next((k for k in kept if _jaccard(candidate.terms, k.terms) >= DUPLICATE_JACCARD), None)
        if twin is not None:
            twin.duplicates.append(candidate.record)
        elif len(kept) < top:
            kept.append(candidate)
    return kept


def _jaccard(a: AbstractSet[Hashable], b: AbstractSet[Hashable]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def _coverage(index: Index, query: _Query, present: AbstractSet[int]) -> float:
    """Share of the question's idf mass found in a passage (a word counts if it or an expansion is there)."""
    by_trigger: dict[str, set[int]] = {}
    for e in query.expansions:
        for term in _analysed(e.trigger):
            by_trigger.setdefault(term, set()).add(index.term_id(e.term))
    total = found = 0.0
    for term in set(query.terms):
        tid = index.term_id(term)
        weight = max(index.idf(tid) if tid >= 0 else _max_idf(index), 0.05)
        total += weight
        if tid in present or not by_trigger.get(term, set()).isdisjoint(present):
            found += weight
    return found / total if total else 0.0


@functools.lru_cache(maxsize=4096)
def _analysed(text: str) -> tuple[str, ...]:
    return tuple(analyze(text))


def _max_idf(index: Index) -> float:
    import math

    n = index.passage_count
    return math.log(n + 0.5) - math.log(1.5)


def _citation(index: Index, doc: DocRecord, number: int, line_start: int, line_end: int) -> Citation:
    """`path:line` relative to the corpus folder's parent (its name, then the file), plus the parts."""
    path = index.source_path(doc.doc_id)
    shown = f"{index.corpus_name}/{doc.rel}" if index.corpus_name else doc.rel
    lines = f"{line_start}" if line_start == line_end else f"{line_start}-{line_end}"
    return Citation(doc.rel, f"{shown}:{lines}", path, line_start, line_end, f"{doc.rel}#{number}",
                    doc.title, doc.metadata.get("publisher", ""), doc.metadata.get("date", ""))


def passage_citation(index: Index, record: PassageRecord) -> Citation:
    return _citation(index, index.document(record.doc_id), record.number, record.line_start, record.line_end)


def find_passage(index: Index, citation: str) -> PassageRecord:
    """The passage a citation names: a passage id `file#n`, or `path:line` / `path:start-end`."""
    spec = citation.strip()
    id_match = re.fullmatch(r"(.+)#(\d+)", spec)
    line_match = re.fullmatch(r"(.+?):(\d+)(?:-(\d+))?", spec)
    matched = id_match or line_match
    name = matched.group(1) if matched else spec
    root = os.path.realpath(index.corpus_root)
    for doc in index.documents():
        full = os.path.join(root, doc.rel)
        aliases = {doc.rel, f"{os.path.basename(root)}/{doc.rel}", full}
        if name not in aliases and os.path.abspath(name) != full:
            continue
        if id_match and 1 <= int(id_match.group(2)) <= doc.passage_count:
            return index.passage(doc.first_passage + int(id_match.group(2)) - 1)
        if line_match:
            line = int(line_match.group(2))
            for pid in range(doc.first_passage, doc.first_passage + doc.passage_count):
                record = index.passage(pid)
                if record.line_start <= line <= record.line_end:
                    return record
        raise CitationError(f"no passage at {citation!r} in {doc.rel}",
                            "use a citation printed by askiraq ask, e.g. file.txt:7 or file.txt#2")
    raise CitationError(f"no indexed article matches {name!r}",
                        "list the articles with askiraq sources")


def _hit(index: Index, query: _Query, rank: int, candidate: _Candidate, highlight: bool) -> Hit:
    record = candidate.record
    text = index.passage_text(record)
    doc_text = index.text(record.doc_id)
    heading = doc_text[record.heading[0]:record.heading[1]] if record.heading[1] else ""
    wanted = {t for t, _ in query.weighted}
    highlights = tuple((t.start, t.end) for t in tokenize(text) if not t.stop and t.term in wanted) if highlight else ()
    matches = []
    for term, weight in query.weighted:
        tid = index.term_id(term)
        if tid < 0:
            continue
        ids, contributions = index.postings(tid)
        at = bisect.bisect_left(ids, record.passage_id)
        if at < len(ids) and ids[at] == record.passage_id:
            matches.append(TermMatch(term, weight, weight * contributions[at]))
    also = tuple(passage_citation(index, d) for d in candidate.duplicates)
    return Hit(rank, candidate.score, candidate.bm25, passage_citation(index, record), text, heading,
               highlights, tuple(matches), also)


def _answer(index: Index, query: _Query, hits: list[_Candidate]) -> Answer | None:
    """Best one or two sentences of the top passages; every differing figure when they disagree."""
    scored = []
    for rank, hit in enumerate(hits[:ANSWER_FROM]):
        text = index.text(hit.record.doc_id)
        doc = index.document(hit.record.doc_id)
        for sentence in hit.sentences:
            words = text[sentence.start:sentence.end]
            score = sentence.score * (1.0 - 0.1 * rank)
            if len(words.split()) < 6 or not words.endswith(_SENTENCE_ENDS):
                score *= 0.6
            if score > 0:
                line = text.count("\n", 0, sentence.start) + 1
                last = line + text.count("\n", sentence.start, sentence.end)
                citation = _citation(index, doc, hit.record.number, line, last)
                scored.append((score, rank, _clean(words), citation, sentence.terms))
    if not scored:
        return None
    scored.sort(key=lambda s: (-s[0], s[1]))
    best = scored[0]
    if query.wants == "number":
        figures = _figures(query, [(s[0], s[2], s[3]) for s in scored])
        if len(figures) > 1:
            return Answer(tuple(AnswerSentence(s, c) for s, c in figures), True)
    chosen = [best]
    for candidate in scored[1:]:
        if candidate[0] >= SECOND_SENTENCE * best[0] and candidate[3].source != best[3].source and (
                _jaccard(candidate[4], best[4]) < DUPLICATE_JACCARD):
            chosen.append(candidate)
            break
    return Answer(tuple(AnswerSentence(s[2], s[3]) for s in chosen), False)


def _clean(sentence: str) -> str:
    """Drop a quotation mark left open or closed by the sentence cut, so the answer reads alone."""
    for opening, closing in (("“", "”"), ('"', '"')):
        if sentence.startswith(opening) and sentence.count(opening) + sentence.count(closing) == 1:
            sentence = sentence[1:]
        if sentence.endswith(closing) and sentence.count(opening) + sentence.count(closing) == 1:
            sentence = sentence[:-1]
    return sentence.strip()


def _has_wanted(query: _Query, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for (a count, date, name)."""
    wants = query.wants
    if wants == "number":
        return _figure(query, sentence) is not None
    return _matches(_DATE if wants == "date" else _NAME, sentence)


@functools.lru_cache(maxsize=65536)
def _matches(pattern: str, sentence: str) -> bool:
    return re.search(pattern, sentence) is not None


@functools.lru_cache(maxsize=65536)
def _numbers_with_nouns(sentence: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each number in a sentence with the terms of the (up to) three words after it."""
    return tuple((match.group().replace(",", "").lower(),
                  frozenset(analyze(sentence[match.end():match.end() + 40])[:3]))
                 for match in re.finditer(_FIGURE, sentence))


def _figure(query: _Query, sentence: str) -> str | None:
    """A number followed within three words by a term of the question (or an expansion of one):
    "some 2,000 U.S. troops" counts troops; a date such as "Oct. 7" counts nothing."""
    for number, following in _numbers_with_nouns(sentence):
        if number not in query.numbers and not following.isdisjoint(query.asked):
            return number
    return None


def _figures(query: _Query, scored: list[tuple[float, str, Citation]]) -> list[tuple[str, Citation]]:
    """Strong sentences that count the thing asked about, one per distinct figure."""
    seen: dict[str, tuple[str, Citation]] = {}
    best = 0.0
    for score, sentence, citation in scored:
        figure = _figure(query, sentence)
        if figure is None:
            continue
        best = best or score
        if score < FIGURE_MIN_SCORE * best:
            break
        seen.setdefault(figure, (sentence, citation))
    return list(seen.values())[:3]
