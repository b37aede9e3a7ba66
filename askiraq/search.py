"""Stage 5: from a question to ranked, de-duplicated passages and a short extractive answer.

Order of work: parse the query syntax, analyse and expand the words, add up BM25 postings, walk
the candidates best-first applying filters, phrases and exclusions (so filters act before the
top-k cut), re-rank the first few by their best sentence, fold near-duplicate passages into one
hit, pick the answer sentences, and say how confident the answer is. Passages that match are
always listed; an unconfident answer is withheld, never the passages.

Every tuning number is a field of `askiraq.tuning.RankingParams`, with the figure that chose it.
"""

import fnmatch
import itertools
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, NamedTuple

from askiraq import answers, selector
from askiraq.analysis import analyze, breaks_after_hyphen, names_a_subject, opens_with_stop_word, rejoined, tokenize
from askiraq.citations import Citation, cite
from askiraq.corpus import parse_date
from askiraq.errors import QueryError, SemanticUnavailable
from askiraq.expansions import Expansion, Thesaurus, is_english_word, synonyms
from askiraq.features import CandidateFacts, QuestionFacts
from askiraq.index import Index
from askiraq.query import ParsedQuery, parse_query
from askiraq.records import PassageRecord, SentenceRecord, table_header
from askiraq.tuning import DEFAULT_PARAMS, RankingParams

if TYPE_CHECKING:
    from datetime import date

    import numpy as np

_DIGIT = re.compile(r"\d")
MAX_QUESTION_CHARS = 2000
FIRST_BATCH = 512  # passages scored before filters are known to need more (only a speed setting)
FOLD_DEPTH = 100  # near-duplicates are folded into the first 100 hits; deeper runs are left as ranked
# Near-duplicates share more than this share of their names (see _same_facts): a rewrite of a story shares 6 of 7
# (the shipped 001 and 003) or 8 of 10 (001's "at least 84 attacks" since October 7 and 003's "at least 91"), a
# sentence template filled with other names none. The evaluation sets fold the pairs they folded before but one, two
# lines of page furniture ("Leave a Reply", "Leave a Comment"), and no figure moves.
SAME_NAMES_SHARE = 0.5
MAX_FIGURES = 3  # conflicting counts shown at most (a display bound: no set has more than two)


class SearchOptions(NamedTuple):
    top: int = 3
    sources: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    since: "date | None" = None
    until: "date | None" = None
    thesaurus: Thesaurus = Thesaurus(())
    params: RankingParams = DEFAULT_PARAMS
    min_confidence: float | None = None  # answer only at this confidence or above (None: the model's threshold)


class TermMatch(NamedTuple):
    term: str
    weight: float  # 1 for the question's own words, below 1 for expansions
    contribution: float  # weight * BM25 contribution to this passage


class Hit(NamedTuple):
    rank: int
    score: float  # what the hits are ranked by: BM25 (or the semantic hybrid), plus the best-sentence bonus
    bm25: float
    cosine: float | None  # the passage's cosine with the question (semantic mode), else None
    citation: Citation
    text: str  # the passage as its file has it, its lines joined (a table row's columns as they are: render shows it)
    headings: tuple[str, ...]  # the headings over it (outermost first) or the FAQ question above it, as in the file
    matches: tuple[TermMatch, ...]
    also_in: tuple[Citation, ...]
    markdown: bool = False  # from a Markdown file (whose markup is not shown)
    header: str = ""  # a table row's header row, which names its cells


class AnswerSentence(NamedTuple):
    text: str  # as its file has it, its lines joined (askiraq.render shows it)
    citation: Citation
    markdown: bool = False
    header: str = ""
    headings: tuple[str, ...] = ()  # the headings over its passage, as its hit has them ("4.1 (2026-09-15)")


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
    reason: str = ""  # why there is no (confident) answer
    confidence: float = 0.0  # the answer model's probability that the answer (or the one withheld) is right
    undated_left_out: int = 0
    warnings: tuple[str, ...] = ()
    withheld: Answer | None = None  # with no confident answer, the best candidate (what `confidence` is about)
    # Warnings of the options, the same for every question of a run: a filter that matches no article, the semantic
    # model missing (a batch says each once).
    run_warnings: tuple[str, ...] = ()


class _Query(NamedTuple):
    parsed: ParsedQuery
    terms: list[str]  # the question's own analysed words
    weighted: list[tuple[str, float]]
    expansions: list[Expansion]
    excluded: set[str]
    asked: answers.Asked
    params: RankingParams
    # Each weighted term the corpus has, by id: its idf x weight (summed over repeats), what it adds to a sentence.
    strengths: dict[int, float]
    facts: QuestionFacts  # what the answer selector's features read of the question


class _Sentence:
    __slots__ = ("before", "record", "score", "terms")

    def __init__(self, record: SentenceRecord, terms: frozenset[int]) -> None:
        self.record, self.terms = record, terms
        self.before: frozenset[int] = frozenset()  # the previous sentence's terms
        self.score = 0.0


class _Candidate:
    """A passage being ranked: filled in by rerank, collects the near-duplicates folded into it."""

    __slots__ = ("bm25", "cosine", "duplicates", "record", "score", "sentences", "terms")

    def __init__(self, record: PassageRecord, ranking: tuple[int, float, float, float | None],
                 terms: frozenset[int]) -> None:
        self.record, self.terms = record, terms
        _, self.score, self.bm25, self.cosine = ranking
        self.sentences: list[_Sentence] = []
        self.duplicates: list[_Candidate] = []


class _Choice(NamedTuple):
    """A candidate answer: its features' input and where it is (one sentence, or a sentence and the one before)."""

    facts: CandidateFacts
    passage: PassageRecord
    span: tuple[int, int, int, int]  # start, end, line start, line end

    @property
    def doc_id(self) -> int:
        return self.passage.doc_id


def search(index: Index, question: str, options: SearchOptions) -> SearchResult:
    """Answer one question from the index. QueryError for a question that cannot be searched."""
    query, result, hits = _retrieve(index, question, options)
    if not hits:
        return result
    quotable = _quotable(hits)
    chosen, conflicting, reason, confidence = _answer(index, query, quotable, options.min_confidence)
    quoted = Answer(tuple(_quoted(index, c) for c in chosen), conflicting) if chosen else None
    answer, withheld = (None, quoted) if reason else (quoted, None)
    shown = tuple(_hit(index, query, rank, c) for rank, c in enumerate(hits[:options.top], 1))
    return result._replace(answer=answer, hits=shown, reason=reason, confidence=confidence, withheld=withheld)


class CandidateSet(NamedTuple):
    """A question's candidate answers as the answer selector sees them (for training it: scripts/train_answerer.py)."""

    question: QuestionFacts
    candidates: tuple[CandidateFacts, ...]


def answer_candidates(index: Index, question: str, options: SearchOptions) -> CandidateSet | None:
    """The candidate answers `search` would choose from (None when nothing matches the question)."""
    query, _result, hits = _retrieve(index, question, options)
    if not hits:
        return None
    return CandidateSet(query.facts, tuple(c.facts for c in _choices(index, query, _quotable(hits))))


def _retrieve(index: Index, question: str, options: SearchOptions) -> tuple[_Query, SearchResult, list[_Candidate]]:
    """The question prepared, the result so far (warnings, or why nothing matches) and the ranked, folded hits."""
    warnings: list[str] = []
    if not question.strip():
        raise QueryError("the question is empty", 'put your question in quotes: askiraq "QUESTION"')
    if len(question) > MAX_QUESTION_CHARS:
        warnings.append(f"question cut to its first {MAX_QUESTION_CHARS} characters")
        question = question[:MAX_QUESTION_CHARS]
    query = _prepare(index, question, options)
    run: list[str] = []
    if index.vectors is not None and options.params.semantic_weight > 0 and not _semantic_ready(run):
        query = query._replace(params=query.params._replace(semantic_weight=0.0))
    allowed_docs, undated, unmatched = _allowed_documents(index, options)
    if allowed_docs:  # (none left: the reason names the filters)
        run.extend(f"no article matches {glob}" for glob in unmatched)
    result = SearchResult(question, None, (), tuple(query.expansions), undated_left_out=undated,
                          warnings=tuple(warnings), run_warnings=tuple(run))
    if not query.terms:  # (a quoted phrase of stop words alone, "of the", is no more searchable than the words)
        alone = " (a quoted phrase of common words alone is not searched)" if query.parsed.phrases else ""
        return query, result._replace(reason=f"the question has no searchable words{alone}"), []
    if allowed_docs is not None and not allowed_docs:
        return query, result._replace(reason=f"no article matches {_filters(options)}"), []
    params = options.params
    depth = max(options.top, params.answer_from, params.rerank_pool)
    candidates = _candidates(index, query, _ranking(index, query), allowed_docs, depth)
    if not candidates and query.parsed.phrases:  # say so, and show what comes closest
        phrases = " and ".join(f'"{p}"' for p in query.parsed.phrases)
        together = " together" if len(query.parsed.phrases) > 1 else ""
        within = f" of the articles {_filters(options)} leaves" if allowed_docs is not None else ""
        query = query._replace(parsed=query.parsed._replace(phrases=()))
        candidates = _candidates(index, query, _ranking(index, query), allowed_docs, depth)
        result = result._replace(warnings=(*result.warnings, f"no passage{within} holds {phrases}{together}; "
                                           "showing passages without that requirement"))
    ranked = _rerank(index, query, candidates)
    hits = _fold_duplicates(index, ranked, params) if params.fold_duplicates else ranked
    if not hits:  # (the filters named: what matches may be in the articles they left out)
        within = f" among the articles {_filters(options)} leaves ({len(allowed_docs)} of {index.document_count})" \
            if allowed_docs else ""
        result = result._replace(reason=f"nothing in the corpus matches the question{within}"
                                        f"{_excluding(index, query, allowed_docs)}")
    return query, result, hits


def _excluding(index: Index, query: _Query, allowed_docs: set[int] | None) -> str:
    """When exclusions left nothing that the question matches: ", once -pipeline is left out" (else "")."""
    parsed = query.parsed
    if not (parsed.excluded_words or parsed.excluded_phrases):
        return ""
    kept = query._replace(excluded=set(), parsed=parsed._replace(excluded_words=(), excluded_phrases=()))
    if not _candidates(index, kept, _ranking(index, kept), allowed_docs, 1):
        return ""
    excluded = [f"-{w}" for w in parsed.excluded_words] + [f'-"{p}"' for p in parsed.excluded_phrases]
    return f" once {' '.join(excluded)} {'is' if len(excluded) == 1 else 'are'} left out"


def _quotable(hits: list[_Candidate]) -> list[_Candidate]:
    """The hits answers may come from: a "Read more" line, a credit or an e-mail's header block ranked among them
    is never the answer."""
    return [h for h in hits if any(s.quotable for s in h.record.sentences)] or hits[:1]


def _prepare(index: Index, question: str, options: SearchOptions) -> _Query:
    parsed = parse_query(question)
    if not parsed.has_positive_part and (parsed.excluded_words or parsed.excluded_phrases):
        raise QueryError("the question has only exclusions (-word)",
                         "add words to search for, e.g. askiraq \"attacks -Hezbollah\"")
    params = options.params
    terms = analyze(parsed.text)
    expansions = options.thesaurus.expand(terms, params.expansion_weight) if params.expand else []
    have = {*terms, *(e.term for e in expansions)}  # every term searched so far (each expansion adds its own)
    if params.family_weight:
        expansions += _expanded(terms, have, params.family_weight, lambda term: _family(index, term, params))
    if params.typo_weight:
        expansions += _expanded(terms, have, params.typo_weight, lambda term: _corrections(index, term, have, params))
    weighted = [(t, 1.0) for t in terms] + [(e.term, e.weight) for e in expansions]
    excluded = {t for word in parsed.excluded_words for t in analyze(word)}
    asked = answers.Asked(answers.wanted(question, params.degree_questions), frozenset(t for t, _ in weighted),
                          answers.synonyms_of(set(terms), [(e.term, e.trigger) for e in expansions]),
                          answers.question_figures(parsed.text))
    strengths: dict[int, float] = {}
    for term, weight in weighted:
        tid = index.postings.term_id(term)
        if tid >= 0:
            strengths[tid] = strengths.get(tid, 0.0) + index.postings.idf(tid) * weight
    # General synonyms rank passages only: no sentence, answer-type check or confidence counts them.
    general = _expanded(terms, have, params.synonym_weight, lambda term: _in_corpus(index, synonyms(term))) \
        if params.synonym_weight else []
    expansions += general
    weighted += [(e.term, e.weight) for e in general]
    return _Query(parsed, terms, weighted, expansions, excluded, asked, params, strengths,
                  _question_facts(index, parsed.text, asked, params, strengths))


def _question_facts(index: Index, text: str, asked: answers.Asked, params: RankingParams,
                    strengths: dict[int, float]) -> QuestionFacts:
    """The question as the answer selector's features read it: each distinct word with its weight (idf) and the term
    ids that count as it (it or one of its thesaurus expansions or slips; none for a word the corpus lacks, weighed
    as rare as a word of one passage and at least as rare as the rarest it has, so that no sentence covers what the
    folder never mentions); the share of the question's weight in words the corpus lacks; its rarest word; and its
    names (capitalised words, not the question word opening it)."""
    postings = index.postings
    tokens = [t for t in tokenize(text) if not t.stop]
    known: dict[str, tuple[float, frozenset[int]]] = {}
    unknown: set[str] = set()
    for token in tokens:
        ids = frozenset(postings.term_id(t) for t in asked.synonyms.get(token.term, {token.term})) - {-1}
        if not ids:
            unknown.add(token.term)
        elif token.term not in known:
            tid = postings.term_id(token.term)
            known[token.term] = (max(postings.idf(tid) if tid >= 0 else 0.0, params.min_coverage_idf), ids)
    rarest = max(known.values(), key=lambda word: word[0]) if known else (0.0, frozenset[int]())
    absent = max(postings.max_idf, rarest[0], params.min_coverage_idf)  # (the weight of each word it lacks)
    total = absent * len(unknown) + sum(w for w, _ in known.values()) or 1.0
    common = sum(map(is_english_word, unknown))  # ("charge" for "fare": other words; a name or a code: another topic)
    in_words = answers.is_asked_in_words(text)
    names = {t.term for at, t in enumerate(tokens)
             if text[t.start:t.end][:1].isupper() and not (at == 0 and t.start == 0 and in_words)}
    words = (*known.values(), *((absent, frozenset[int]()) for _ in unknown))  # (a word it lacks: found nowhere)
    return QuestionFacts(text, asked, words, rarest[1], tuple(known[n][1] for n in names if n in known),
                         in_words, absent * common / total, absent * (len(unknown) - common) / total,
                         len(known) + len(unknown), len(names & unknown) / len(names) if names else 0.0, strengths,
                         sum(strengths.values()),
                         frozenset().union(*(ids for _, ids in known.values())))


def _expanded(terms: list[str], have: set[str], weight: float,
              related: Callable[[str], Iterable[str]]) -> list[Expansion]:
    """Expansions at `weight`: for each distinct question word, the corpus terms `related` gives for it that are not
    searched yet (each is added to `have`)."""
    found = []
    for term in dict.fromkeys(terms):
        for other in related(term):
            if other not in have:
                have.add(other)
                found.append(Expansion(other, weight, term, other))
    return found


def _in_corpus(index: Index, terms: Iterable[str]) -> list[str]:
    return [term for term in terms if index.postings.term_id(term) >= 0]


def _family(index: Index, term: str, params: RankingParams) -> list[str]:
    """Corpus terms sharing a question word's first letters ("found*" finds founder, "advis*" advisory)."""
    if len(term) < params.family_prefix or _DIGIT.search(term):  # a code ("v00003") has no family
        return []
    return index.postings.terms_with_prefix(term[:params.family_prefix])


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _corrections(index: Index, term: str, have: set[str], params: RankingParams) -> list[str]:
    """For a question word that is neither in the corpus nor an English word, the corpus words one typing slip
    away ("mayr" -> mayor, "lenght" -> length: a letter left out, added, changed or two swapped) not searched yet,
    the `typo_matches` commonest."""
    if len(term) < params.typo_min_letters or not term.isascii() or not term.isalpha() \
            or index.postings.term_id(term) >= 0 or is_english_word(term):  # ("bridge" is no slip of "bring")
        return []
    known = sorted((index.postings.idf(tid), slip) for slip in _slips(term) - have
                   if (tid := index.postings.term_id(slip)) >= 0)
    return [slip for _idf, slip in known[:params.typo_matches]]


def _slips(word: str) -> set[str]:
    """Every string one typing slip from `word`: a letter left out, added or changed, or two letters swapped."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    left_out = {a + b[1:] for a, b in splits if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    changed = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    added = {a + c + b for a, b in splits for c in _LETTERS}
    return left_out | swapped | changed | added


def _allowed_documents(index: Index, options: SearchOptions) -> tuple[set[int] | None, int, list[str]]:
    """Documents passing --source/--exclude-source/--since/--until (None: all), the undated count, and the globs
    that match no article at all (`--exclude-source 'zzz*'`)."""
    if not (options.sources or options.exclude_sources or options.since or options.until):
        return None, 0, []
    allowed: set[int] = set()
    undated = 0
    unmatched = (set(options.sources), set(options.exclude_sources))
    for doc in index.records.documents():
        name = doc.rel
        base = os.path.basename(name)
        excluded = _matches(options.exclude_sources, base, name, unmatched[1])
        if options.sources and not _matches(options.sources, base, name, unmatched[0]):
            continue
        if excluded:
            continue
        if options.since or options.until:
            when = parse_date(doc.metadata.get("date", ""))
            if when is None:
                undated += 1
                continue
            if (options.since and when < options.since) or (options.until and when > options.until):
                continue
        allowed.add(doc.doc_id)
    return allowed, undated, [f"{option} {glob!r}" for option, globs, left in zip(
        ("--source", "--exclude-source"), (options.sources, options.exclude_sources), unmatched, strict=True)
        for glob in dict.fromkeys(globs) if glob in left]


def _matches(globs: tuple[str, ...], base: str, name: str, unmatched: set[str]) -> bool:
    """Whether an article's file name (`base`) or path in the corpus (`name`) matches one of `globs`; each glob it
    matches leaves `unmatched` (every glob is tried while some are in it)."""
    if not unmatched:
        return any(fnmatch.fnmatchcase(base, p) or fnmatch.fnmatchcase(name, p) for p in globs)
    hits = [p for p in globs if fnmatch.fnmatchcase(base, p) or fnmatch.fnmatchcase(name, p)]
    unmatched.difference_update(hits)
    return bool(hits)


def _filters(options: SearchOptions) -> str:
    """The article filters as the user gave them, e.g. `--source '003*' --since 2023-11-01`."""
    given = [f"--source {p!r}" for p in options.sources] + [f"--exclude-source {p!r}" for p in options.exclude_sources]
    given += [f"--since {options.since}"] if options.since else []
    given += [f"--until {options.until}"] if options.until else []
    return " ".join(given)


def _phrase_terms(phrase: str) -> list[str]:
    return [t.term for t in tokenize(phrase)]


def _contains_phrase(text: str, phrase_terms: list[str]) -> bool:
    """Whether the text holds the phrase's terms in a row, as written or with the words hard wrapping broke after a
    hyphen whole again ("navi-" / "gable for ships" holds "navigable for ships")."""
    return _holds(text, phrase_terms) or (breaks_after_hyphen(text) and _holds(rejoined(text), phrase_terms))


def _holds(text: str, phrase_terms: list[str]) -> bool:
    terms = [t.term for t in tokenize(text)]
    n = len(phrase_terms)
    return n > 0 and any(terms[i:i + n] == phrase_terms for i in range(len(terms) - n + 1))


_Ranking = Iterator[tuple[int, float, float, float | None]]  # passage, score, BM25, cosine (semantic mode)


def _semantic_ready(warnings: list[str]) -> bool:
    """Whether the semantic model loads; if not, say so (the index's vectors wait, BM25 answers)."""
    from askiraq import semantic

    try:
        semantic.encoder()
    except SemanticUnavailable as err:
        warnings.append(f"{err.message}: answering with BM25 only ({err.hint})")
        return False
    return True


def _ranking(index: Index, query: _Query) -> _Ranking:
    """Passages best first: by BM25, or in the semantic mode by the hybrid of BM25 and cosine."""
    if index.vectors is not None and query.params.semantic_weight > 0:
        return _hybrid_first(index, query)
    return ((pid, score, score, None) for pid, score in _best_first(index, query.weighted))


def _best_first(index: Index, weighted: list[tuple[str, float]]) -> Iterator[tuple[int, float]]:
    """Passages by descending score, lazily: the first FIRST_BATCH, and all of them only if filters need it."""
    first = index.postings.ranked(weighted, FIRST_BATCH)
    yield from first
    if len(first) == FIRST_BATCH:
        yield from index.postings.ranked(weighted, None)[FIRST_BATCH:]


def _hybrid_first(index: Index, query: _Query) -> _Ranking:
    """(1 - w) x BM25 / its best + w x cosine with the question, over every passage (exact, brute force), or above
    `semantic_exact_up_to` passages with the cosine of BM25's best `semantic_candidates` alone (the others count 0):
    in plain Python lists for a small index (no NumPy to import), in NumPy arrays for a large one.

    The first `sentence_cosine_pool` passages then take as their cosine the mean of the passage's and
    of its best sentence's: one vector for a long passage blurs the sentence that answers.
    """
    from askiraq import semantic

    weight, candidates = query.params.semantic_weight, query.params.semantic_candidates
    pooled = 0 < candidates < index.passage_count and index.passage_count > query.params.semantic_exact_up_to
    among: set[int] | None = None
    if semantic.in_plain_python(index):
        lexical: Any = index.postings.sums(query.weighted)
        if pooled:
            among = set(itertools.islice(_descending_plain(lexical), candidates))
        cosine: Any = semantic.similarities(index, query.parsed.text, among)
        top = max(lexical, default=0.0) or 1.0
        hybrid: Any = [(1 - weight) * (score / top) + weight * similar
                       for score, similar in zip(lexical, cosine, strict=True)]
        order: Callable[[Any], Iterator[int]] = _descending_plain
    else:
        lexical = index.postings.dense_scores(query.weighted)
        if pooled:
            among = set(_best_of(lexical, candidates))
        cosine = semantic.similarities(index, query.parsed.text, among)
        top = lexical.max() or 1.0
        hybrid = (1 - weight) * (lexical / top) + weight * cosine
        order = _descending
    pool = [pid for pid in itertools.islice(order(hybrid), query.params.sentence_cosine_pool)
            if among is None or pid in among]  # (a passage left out of the candidates has no cosine of any kind)
    if pool:
        best = semantic.best_sentence_similarities(index, query.parsed.text, pool)
        for pid, sentence in zip(pool, best, strict=True):
            cosine[pid] = (cosine[pid] + sentence) / 2
            hybrid[pid] = (1 - weight) * (lexical[pid] / top) + weight * cosine[pid]
    for pid in order(hybrid):
        yield pid, float(hybrid[pid]), float(lexical[pid]), float(cosine[pid])


def _best_of(scores: "np.ndarray", count: int) -> list[int]:
    """The `count` best indexes by score, in no order (at the cut, ties go to the lower index)."""
    import numpy as np

    floor = np.partition(scores, len(scores) - count)[len(scores) - count]
    above = np.flatnonzero(scores > floor)
    return [*above.tolist(), *np.flatnonzero(scores == floor)[:count - len(above)].tolist()]


def _descending_plain(scores: list[float]) -> Iterator[int]:
    """`_descending` of a small index's scores, in plain Python."""
    yield from sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _descending(scores: "np.ndarray") -> Iterator[int]:
    """Indexes by descending score (ties: lower index first), lazily: the first FIRST_BATCH without
    sorting them all, and the rest only if the caller (filters, a deep -k) asks for more."""
    import numpy as np

    if len(scores) > FIRST_BATCH:
        best = np.argpartition(-scores, FIRST_BATCH - 1)[:FIRST_BATCH]
        first = best[np.lexsort((best, -scores[best]))].tolist()
        yield from first
        given = set(first)
        yield from (i for i in np.lexsort((np.arange(len(scores)), -scores)).tolist() if i not in given)
        return
    yield from np.lexsort((np.arange(len(scores)), -scores)).tolist()


def _candidates(index: Index, query: _Query, ranked: _Ranking,
                allowed_docs: set[int] | None, wanted: int) -> list[_Candidate]:
    """The best passages by BM25 that pass the filters, phrases and exclusions (best-first, lazily)."""
    phrases = [_phrase_terms(p) for p in query.parsed.phrases]
    excluded_phrases = [_phrase_terms(p) for p in query.parsed.excluded_phrases]
    excluded_ids = {tid for t in query.excluded if (tid := index.postings.term_id(t)) >= 0}
    found: list[_Candidate] = []
    for ranking in ranked:
        pid, score = ranking[0], ranking[1]
        if score <= 0 or len(found) == wanted:
            break
        record = index.records.passage(pid)
        if allowed_docs is not None and record.doc_id not in allowed_docs:
            continue
        terms = index.records.passage_terms(pid)
        if excluded_ids & terms:
            continue
        if phrases or excluded_phrases:
            texts = _searched_texts(index, record)
            if not all(any(_contains_phrase(t, p) for t in texts) for p in phrases):
                continue
            if any(_contains_phrase(t, p) for t in texts for p in excluded_phrases):
                continue
        found.append(_Candidate(record, ranking, terms))
    return found


def _searched_texts(index: Index, record: PassageRecord) -> list[str]:
    """A passage's text, the heading and FAQ question over it, and the article's headline where its words count for
    the passage (the lead's; every passage's under a short one, which names the subject), whose words it is found by
    (each on its own, so that no phrase runs from a heading into the text)."""
    headline = index.headline_terms(record.doc_id)
    counts = bool(headline) and headline <= index.records.passage_terms(record.passage_id)
    title = [index.records.document(record.doc_id).title] if counts else []
    return [index.texts.passage_text(record), *_framing_texts(index, record), *title]


def _framing_texts(index: Index, record: PassageRecord) -> list[str]:
    """The headings (its own, and the one a level up) and the FAQ question or table header over a passage."""
    doc_text = index.texts.text(record.doc_id)
    return [doc_text[start:end] for start, end in (record.parent, record.heading, record.above) if end]


def _rerank(index: Index, query: _Query, candidates: list[_Candidate]) -> list[_Candidate]:
    """For typed questions, and at a lower weight for other short ones: BM25 plus the strength of the passage's best
    sentence, for the first `rerank_pool` passages (answers sit in one sentence). Other questions keep BM25's order."""
    params = query.params
    hybrid = bool(candidates) and candidates[0].cosine is not None
    if query.asked.wanted.kind:
        weight = params.semantic_sentence_weight if hybrid else params.sentence_weight
    else:  # (long untyped questions, CISI's paragraphs among them, rank as BM25 does)
        short = len(query.terms) <= params.short_question_terms and not hybrid
        weight = params.short_question_sentence_weight if short else 0.0
    pool = params.rerank_pool if weight else 0
    mass = query.facts.strength_total or 1.0  # a sentence holding every question word
    for candidate in candidates[:pool]:
        best = max((s.score for s in _scored_sentences(index, query, candidate) if s.record.quotable), default=0.0)
        candidate.score += weight * (best / mass if hybrid else best)
    return sorted(candidates[:pool], key=lambda c: (-c.score, c.record.passage_id)) + candidates[pool:]


def _scored_sentences(index: Index, query: _Query, candidate: _Candidate) -> list[_Sentence]:
    """The passage's sentences with their scores (computed once per candidate)."""
    if not candidate.sentences:
        typed = query.asked.wanted.kind and query.params.wanted_missing < 1
        text = index.texts.text(candidate.record.doc_id) if typed else ""  # read only to check answer types
        # A sentence is about its article's subject; a table row's cells are what its header names.
        framing = _subject_terms(index, candidate.record.doc_id, query.params)
        framing |= index.header_terms(candidate.record.passage_id)
        candidate.sentences = [_Sentence(s, index.records.sentence_terms(s.sentence_id) | framing)
                               for s in candidate.record.sentences]
        for sentence, previous in zip(candidate.sentences[1:], candidate.sentences, strict=False):
            sentence.before = previous.terms
        for sentence in candidate.sentences:
            sentence.score = _sentence_score(query, sentence, text[sentence.record.start:sentence.record.end])
        if not any(sentence.score for sentence in candidate.sentences):
            _frame_first_sentence(index, query, candidate, text)
    return candidate.sentences


def _frame_first_sentence(index: Index, query: _Query, candidate: _Candidate, text: str) -> None:
    """A passage none of whose sentences holds a question word answers the FAQ question (or heading) over it in its
    first sentence ("How do I fix 'address already in use'?" over "Another process is listening on port 7400."):
    that sentence counts the question's (or heading's) words as its own."""
    record = candidate.record
    start, end = record.above if record.above[1] else record.heading
    doc_text = index.texts.text(record.doc_id)
    if not end or not candidate.sentences or table_header(doc_text, record):  # (a table row has its header)
        return
    first = candidate.sentences[0]
    first.terms |= index.term_ids(doc_text[start:end])
    first.score = _sentence_score(query, first, text[first.record.start:first.record.end])


def _subject_terms(index: Index, doc_id: int, params: RankingParams) -> frozenset[int]:
    """The words of a headline that names the article's subject ("George Stephenson", "The Golden Gate Bridge"),
    which its sentences call "he" or "the bridge", so each sentence counts them as its own."""
    if not names_a_subject(index.records.document(doc_id).title, params.subject_headline_words):
        return frozenset()
    return index.headline_terms(doc_id)


def _sentence_score(query: _Query, sentence: _Sentence, text: str) -> float:
    """The idf-weighted question words in a sentence, lowered when it lacks the kind of answer asked for."""
    strengths = query.strengths
    score = sum(map(strengths.__getitem__, strengths.keys() & sentence.terms))
    if text and score and not answers.has_wanted(text, query.asked):
        score *= query.params.wanted_missing
    return score


def _fold_duplicates(index: Index, candidates: list[_Candidate], params: RankingParams) -> list[_Candidate]:
    """A near-duplicate of a better passage from another article (term-set Jaccard, the same names and figures)
    is cited under it, not listed again. Two passages of one article are never one story told twice (rows of a
    table share words)."""
    kept: list[_Candidate] = []
    for candidate in candidates:
        twin = None
        if len(kept) < FOLD_DEPTH:
            twin = next((k for k in kept if k.record.doc_id != candidate.record.doc_id
                         and _jaccard(candidate.terms, k.terms) >= params.duplicate_jaccard
                         and _same_facts(index, candidate.record, k.record)), None)
        if twin is not None:
            twin.duplicates.append(candidate)
        else:
            kept.append(candidate)
    return kept


def _same_facts(index: Index, one: PassageRecord, other: PassageRecord) -> bool:
    """Whether two passages tell one story: more than half the names of one (the one with fewer) are in the other, and
    when both give figures, they give one in common. A rewrite may add a sentence or update a count (then the answer
    shows each count: the sources disagree); passages that only share a template ("The Ohrid accord was signed in
    Skopje in 1999" and "The Varna accord ... in Plovdiv in 2004") do not."""
    first, second = index.passage_facts(one.passage_id), index.passage_facts(other.passage_id)
    figures = [{term.rstrip("abcdefghijklmnopqrstuvwxyz") for term in facts if term[0].isdigit()}  # (7th is 7)
               for facts in (first, second)]
    names = sorted(([facts - found for facts, found in zip((first, second), figures, strict=True)]), key=len)
    return (not (figures[0] and figures[1]) or bool(figures[0] & figures[1])) \
        and (not names[0] or len(names[0] & names[1]) > SAME_NAMES_SHARE * len(names[0]))


def _jaccard(a: AbstractSet[Hashable], b: AbstractSet[Hashable]) -> float:
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def _hit(index: Index, query: _Query, rank: int, candidate: _Candidate) -> Hit:
    record = candidate.record
    doc_text = index.texts.text(record.doc_id)
    header = table_header(doc_text, record)
    matches = []
    for term, weight in query.weighted:
        tid = index.postings.term_id(term)
        if tid in candidate.terms:  # (the passage's term set: no postings lookup for the words it lacks)
            matches.append(TermMatch(term, weight, weight * index.postings.contribution(tid, record.passage_id)))
    also = tuple(cite(index, d.record) for d in candidate.duplicates)
    text = index.texts.passage_text(record)
    return Hit(rank, candidate.score, candidate.bm25, candidate.cosine, cite(index, record),
               text if header else answers.one_line(text), _headings(doc_text, record, header),
               tuple(matches), also, _markdown(index, record), header)


def _headings(doc_text: str, record: PassageRecord, header: str) -> tuple[str, ...]:
    """The headings over a passage (outermost first) or the FAQ question above it; a table row's header is in its
    text, not over it."""
    above = record.above if record.above[1] and not header else record.heading
    over = (record.parent, above) if above == record.heading else (above,)  # "2.3.0 (2024-05-02) › Fixed"
    return tuple(doc_text[a:b] for a, b in over if b)


def _markdown(index: Index, record: PassageRecord) -> bool:
    return index.records.document(record.doc_id).markdown


def _choices(index: Index, query: _Query, hits: list[_Candidate]) -> list[_Choice]:
    """The candidate answers: the quotable sentences of the first `answer_from` hits (and of their near-duplicates,
    whose figures may disagree) that hold a question word or go on from one that does, and each sentence that goes
    on from the one before it with that sentence ("Ali Hassan spoke on Tuesday. He said the deal collapsed.")."""
    params = query.params
    best = hits[0].score or 1.0
    choices = []
    for rank, hit in enumerate(hits[:params.answer_from]):
        for passage in (hit, *hit.duplicates):
            text = index.texts.text(passage.record.doc_id)
            header = table_header(text, passage.record)
            shared = (passage.record, rank, passage.score / best, passage.cosine or 0.0, passage.record.number == 1,
                      bool(hit.duplicates), passage.terms, " ".join(_framing_texts(index, passage.record)))
            previous: tuple[_Sentence, str] | None = None
            for position, sentence in enumerate(_scored_sentences(index, query, passage)):
                s = sentence.record
                quoted = _read(text[s.start:s.end], header) if s.quotable else ""
                if not quoted:
                    previous = None
                    continue
                if sentence.score > 0:
                    choices.append(_choice(shared, position, quoted, sentence.terms, sentence.before, (s, s)))
                if previous is not None and params.quote_previous \
                        and (query.strengths.keys() & sentence.before) - sentence.terms and _goes_on(quoted):
                    first, first_text = previous
                    choices.append(_choice(shared, position, f"{first_text} {quoted}", first.terms | sentence.terms,
                                           frozenset(), (first.record, s), first_text))
                previous = (sentence, quoted)
    return choices


def _read(text: str, header: str) -> str:
    """A sentence as the answer selector reads it: on one line; a table row with its column names."""
    return answers.labelled_row(text, header) if header else answers.one_line(text)


def _goes_on(sentence: str) -> bool:
    """Whether a sentence reads as going on from the one before: it opens with a stop word ("He said ...", "It
    consists of ...", "The station ...")."""
    return opens_with_stop_word(sentence[:40])


def _choice(shared: tuple[PassageRecord, int, float, float, bool, bool, frozenset[int], str], position: int,
            text: str, terms: frozenset[int], before: frozenset[int],
            sentences: tuple[SentenceRecord, SentenceRecord], opening: str = "") -> _Choice:
    record, rank, ratio, cosine, lead, corroborated, passage_terms, framing = shared
    first, last = sentences
    facts = CandidateFacts(text, opening, terms, before, passage_terms, framing, rank, ratio, cosine, position, lead,
                           first is not last, corroborated, frozenset((first.sentence_id, last.sentence_id)),
                           record.passage_id)
    return _Choice(facts, record, (first.start, last.end, first.line_start, last.line_end))


def _answer(index: Index, query: _Query, hits: list[_Candidate],
            min_confidence: float | None) -> tuple[list[_Choice], bool, str, float]:
    """The answer's sentences: the best candidate, or every differing count when the sources disagree (then True);
    when it is not likely enough (below `min_confidence`, or the model's threshold), the best candidate withheld and
    why. And the confidence: the model's probability that the best candidate is right."""
    params = query.params
    model = selector.shipped_model()
    if min_confidence is not None:
        model = model._replace(threshold=min_confidence)
    off = frozenset(params.table_off.split(",")) - {""}
    choices = _choices(index, query, hits)
    selection = selector.select(query.facts, [c.facts for c in choices], model, off)
    ranked = [choices[i] for i in selection.order]
    if not selection.answered:  # (the best candidate is withheld)
        return ranked[:1], False, selector.shortfall(selection, model, off), selection.confidence
    if params.conflicting_counts and query.asked.wanted.counted:
        # Candidates passing the gates, at least `alternative_share` as likely to be right as the best, that count X
        # differently in different articles: sources that disagree, each quoted.
        floor = params.alternative_share * selection.probabilities[selection.order[0]]
        counting = [(c, figure) for i in selection.order if selection.probabilities[i] >= floor
                    and not model.gate(selection.rows[i], off)
                    and (figure := answers.counting_figure((c := choices[i]).facts.text, query.asked))]
        figures = _figures(counting)
        if len(figures) > 1:
            return figures, True, "", selection.confidence
    return ranked[:1], False, "", selection.confidence


def _quoted(index: Index, choice: _Choice) -> AnswerSentence:
    text = index.texts.text(choice.doc_id)
    header = table_header(text, choice.passage)
    start, end = choice.span[:2]
    return AnswerSentence(text[start:end] if header else choice.facts.text, cite(index, choice.passage, choice.span),
                          _markdown(index, choice.passage), header, _headings(text, choice.passage, header))


def _figures(counting: list[tuple[_Choice, answers.Figure]]) -> list[_Choice]:
    """Sentences that count the thing asked about, one per distinct figure (best first); none when all
    the figures come from one article (two counts in one story are two things, not sources disagreeing).
    Only figures of the best one's measure disagree with it: an average or a capacity is not a count."""
    seen: dict[str, _Choice] = {}
    measure = None
    for sentence, figure in counting:
        if measure not in (None, figure.measure):
            continue
        measure = figure.measure
        seen.setdefault(figure.value, sentence)
    if len({s.doc_id for s in seen.values()}) < 2:
        return []
    return list(seen.values())[:MAX_FIGURES]
