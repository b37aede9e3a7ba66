"""Every number that tunes splitting, ranking and answering, in one place, with the figure that chose it.

The figures come from `python scripts/evaluate.py --sweep NAME=V1,V2,...`, which scores askiraq on all
four evaluation sets in one run: dev (20 questions), dev2 (45), CISI (76 judged queries) and the
re-wrapped shipped corpus. They are quoted as dev answer@1 / dev2 answer@1 / CISI MAP / CISI nDCG@10
unless said otherwise. A stage or value stays only if it is not worse on any set and better on at
least one; a change smaller than 0.005 on CISI is noise, and one question is 5 points on dev and
2.6 on dev2 (noise too, unless another set agrees). Speed settings and hard limits live beside
their code; they do not change what is found.
"""

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

# ----------------------------------------------------------------------- BM25 (build time)
# rank-bm25's BM25Okapi defaults. b 0.5 or k1 1.2 won one dev2 question and lost 0.004-0.011 CISI MAP.
# BM25+ (every matched word adds delta x idf, so long paragraphs are not over-penalised): delta 0.25 gains
# dev @3 +0.05 and re-wrapped @3 +0.017 but loses CISI nDCG -0.011; 0.05-0.15 gain nothing and lose CISI
# nDCG up to -0.007. Left out.
K1 = 1.5
B = 0.75
# idf floor (x the average idf) for a word in more than half the passages, as rank-bm25; EPSILON itself
# when the average idf is not positive (a corpus of a few passages, where rank-bm25 would match nothing).
EPSILON = 0.25

# ----------------------------------------------------------------------- paragraphs and passages (build time)
# A paragraph longer than this is cut into runs of whole sentences. 800 lost a question on dev and on
# dev2 and 0.004 MAP; 1000, 2000 and 3000 tie with 1500 (CISI nDCG +0.003 at 3000, within noise).
MAX_PASSAGE_CHARS = 1500
HEADING_WEIGHT = 1  # times a heading's (or FAQ question's) words count in its passages; 2 changed nothing
# Times the headline counts in every passage; 0 means once, in the lead (so every word stays findable).
# 1 lost a question on dev (@1 0.90 -> 0.85) and on dev2 (@3), for CISI nDCG +0.003.
TITLE_WEIGHT = 0
# A headline of at most this many words, naming one thing (no "and", commas or "&": not "Lisbon and Porto"),
# names the article's subject ("George Stephenson", "Voyager 1"), which its paragraphs and sentences call "he" or
# "the probe": its words count in every passage of text of the article (build time; not in its furniture, credits
# or captions) and in every sentence (when answers are picked); a longer headline summarises a story ("Iraq struggles
# to contain fighting between ...") and counts as above. 0 turns both off. Against 0, both on:
# gk answer@1 +0.091, @3 +0.030, answer sentence +0.091; CISI nDCG +0.001 (+0.003 before headlines naming
# several things were left out, a change within CISI's noise that a trial's wrong answer asked for); no other
# set moves. In passages
# alone: gk @1 +0.061; in sentences alone: gk @1 +0.030, sentence +0.061 (the lead sentence, naming the subject,
# was quoted for "Where was he born?"). 3: part of the gain; 4 to 8 tie; 12 reaches the news headlines (dev @1
# -0.15, dev2 @3 -0.051), and so does any headline in sentences (dev2 answer sentence -0.051). The implied words
# do not lengthen a passage: counted in its length, they pushed a short table row below a shorter note.
SUBJECT_HEADLINE_WORDS = 6
SHORT_TAIL_CHARS = 60  # a lone last sentence shorter than this joins the run before it
# Hard-wrapped text keeps its lines at most this long: CISI's longest is 84, e-mail and Gutenberg wrap at
# 70-80, Markdown and code editors at up to 120. (Most of a block's lines must also end mid-sentence; a
# line-per-paragraph archive's lines end like sentences, and its headings are short lines among long ones.)
WRAPPED_LINE_MAX = 160
HEADING_MAX_CHARS = 120  # a heading: one short line without closing punctuation...
HEADING_MAX_WORDS = 12  # ...of at most twelve words
# A headline: the first paragraph when it is a heading, or else shorter than this and of three words or more.
TITLE_MAX_CHARS = 200
TITLE_MIN_WORDS = 3
CAPTION_MAX_CHARS = 400  # a photo caption under a credit is a sentence or two; a longer paragraph is the story
FURNITURE_MAX_CHARS = 400  # page furniture and credits are short lines
CREDIT_CAPITALS = 0.8  # share of capital letters that makes a line a photo or agency credit
# A header block under a title line of its own ("Rowing Club - Committee Meeting" over "Date: ...") dates its file as
# one at the top does: no set moves (no evaluation file has one); a trial's minutes had been left out by --since.
# A numbered section title between blank lines ("7. CHARGES AND PAYMENT", "3. Results") is a heading, and a line holding
# a semicolon ("Keywords: cover crops; nitrate leaching") or an e-mail address ("Corresponding author: ...@...") is
# none: no set moves; in a trial's contracts and papers each clause had been under no heading and every section after
# "2.4 Ethics" under that heading (its answers: one more question's passage in the top 3, one answer from another
# clause holding the same words, 93 right against 94). Without "between blank lines" an agenda's tight list ("2.
# Minutes of the 2023 AGM") became headings, and an earlier trial lost two answers.
# A bold lead-in label ("**Autolyse.** Mix the flours ...") is part of the sentence after it, not a sentence of its own:
# no set moves; a trial's recipes had quoted "**Autolyse." for "autolyse", and "**" had leaked into 5 of 151 answers.

# ----------------------------------------------------------------------- answer types
# A figure counts what its next three words (stop words aside) name: "2,000 U.S. troops", "91 attacks on". For other
# number questions ("how much will the plant cost?") a question word among those three words or right before the
# figure ("will cost ¥300 million") will do: no set moves; a trial's Osaka question quoted a sentence without the cost.
# (Any of the three words before it: gk's unanswerable volleyball question is answered by "played by two teams".)
# (And "how many X" ends X at its first plural noun: without that, gk answered 0.955, answer sentence -0.030.)
# The kind is read from a question word that opens the question or a clause (perhaps after a preposition: "In what
# year"), not from one inside a clause ("reports about how many vessels ..."): no question set moves (CISI nDCG
# -0.001); a trial's long question had been refused for want of a count it only mentioned.
# "Who" wants two capitalised words, which may open the sentence when the first is not a stop word ("William
# Caxton printed ..."; not "The Golden ..."): gk answer sentence +0.015, no other set moves.
# "Which X" (any X) wanting a name, as "which group" does: gk answered +0.015 but MRR -0.004 and CISI MAP
# -0.002 / nDCG -0.003, no set clearly better; left out.
# "Where" wanting a place (a capitalised word after in/at/to/from/near ...): no answer on any set changes (re-wrapped
# confidence AUC -0.003), though a trial's "Where did Silas Crane flee to?" would quote "fled to Roscoff"; left out.
# Digits in brackets restating a figure ("thirty (30) days", contract style) count what follows them, and a year before
# 1900 after a dating word ("built in 1868") is no amount: no set moves; in a trial's contracts "How many days does
# Northwind have to pay an invoice?" had been refused, and "How much did Greystone pay for the chapel?" (unanswerable)
# answered by "The chapel was built in 1868".
# A time of day ("4 pm", "16:30") is what a "when" question wants, as a date is: no set moves; a trial's "When does the
# library close on Sundays?" had quoted "Nominations close on 20 May 2024" over "It closes at 4 pm."
# One capitalised word inside a sentence as a name ("awarded to Nordmarine"): gk answer sentence -0.015, re-wrapped
# MRR +0.003, CISI nDCG +0.001; left out.
# A count never disagrees with an average, a rate or a limit ("an average of 23 passengers", "certified for 312"): no
# set moves; a trial's "How many passengers can the Kestrel carry?" had said the sources disagree.
# A figure followed by no noun ("voted 41 to 6") counts the noun among the three words before it in its clause: no set
# moves; a trial's "How many members voted to accept?" had been refused. Right after a colon, the label before it
# ("the borehole had dried up: 19"): no set moves; a trial's "How many boreholes dried up?" had been refused.
# Years from 1000 as dates (not 1800-2099 only): gk answer sentence -0.030 (an earlier year beside the question's
# words outranks the sentence with the full date); left out.
# "Since when" and "which year / date / day / month" ask for a date like "when" and "what year": no set moves; a
# trial's "Since when has Mr Pritchard had plot 17?" quoted the sentence without the year.
# A plain-text table (columns aligned with spaces, a figure in each row) is a header row over rows, like a Markdown
# one: no set moves (no evaluation file holds one, nor is taken for one); a trial's report annex had been one glued
# paragraph.
# Tried and left out: a list item without closing punctuation ("2. The new water tank", an agenda's) never quoted as an
# answer: gk answer@1 -0.015 and answer sentence -0.015 ("- Symphony No. 9 "From the New World" (1893)" answers
# "What is the nickname of the Ninth Symphony?"), though a trial's "When is the AGM?" had quoted "Minutes of the 2023
# AGM".
# A sentence that is itself a question ends in "?" and is never quoted as an answer: no set moves; a trial's "What was
# the vote on the bonfire rules?" had quoted "Could I ask that item 8 include ... the bonfire rules?".
FIGURE_NOUN_WORDS = 3

ANALYSIS_VERSION = 40  # bump whenever splitting or analysis changes what is indexed


class BuildSettings(NamedTuple):
    """What the index is built with (a change rebuilds it). scripts/evaluate.py can override each field."""

    max_passage_chars: int = MAX_PASSAGE_CHARS
    heading_weight: int = HEADING_WEIGHT
    title_weight: int = TITLE_WEIGHT
    subject_headline_words: int = SUBJECT_HEADLINE_WORDS  # ...and in each of its passages
    # Passage vectors for the semantic mode: True builds them, False leaves them out, None keeps what the
    # stored index has (so a question uses what the index was built with).
    semantic: bool | None = None
    # JSON records' field names when they are not the usual ones: "text=story,title=headline" (askiraq.readers);
    # None keeps what the stored index was built with, as `semantic` does.
    json_fields: str | None = None

    def record(self) -> dict[str, int | bool | str | None]:
        """The settings as an index stores them (with the analysis version): a different record means rebuild."""
        return {"analysis": ANALYSIS_VERSION, **self._asdict()}


class RankingParams(NamedTuple):
    """Query-time parameters (frozen and typed). Every one can be overridden by scripts/evaluate.py."""

    # Thesaurus expansions (data/expansions.txt). Off: 0.70 / 0.615 / 0.224 (dev -0.20, dev2 -0.026,
    # CISI +0.001). Weight 0.3: dev -0.10; 0.7: ties on the question sets, CISI nDCG -0.003.
    expand: bool = True
    expansion_weight: float = 0.5
    # Word families: corpus words sharing a question word's first five letters (founded -> founder,
    # advisers -> advisory, harbour -> harbor), searched at 0.2. Off: 0.85 / 0.590 / 0.220 (all three
    # worse). 0.1: dev2 -0.026; 0.3: CISI nDCG -0.005. Prefix 4: dev2 @3 -0.026; prefix 6: as off.
    family_weight: float = 0.2
    family_prefix: int = 5
    # General synonyms (data/synonyms.txt: WordNet 3.1, the three most frequent senses of each word), searched at
    # this weight to rank passages; no sentence score, answer-type check or confidence counts them. Against 0:
    # dev2 answer@3 0.795 -> 0.846 and re-wrapped @3 0.847 -> 0.881 ("go-between function" finds "role", "want"
    # finds "need"),
    # CISI MAP +0.003, gk MRR +0.003 and confidence AUC +0.010; below one question's worth elsewhere: dev MRR
    # -0.002, AUC dev2 -0.006 and re-wrapped -0.004, CISI P@10 -0.008 (nDCG unchanged). 0.25: dev2 @1 +0.026 but
    # a dev2 answer lost and gk @1 -0.015; 0.3: dev @1 -0.10; 0.1-0.15: no gain. Counted in the answer's sentences
    # too: every confidence AUC falls (gk 0.703 -> 0.678). Two senses: gk @3 -0.015; one: no gain.
    synonym_weight: float = 0.2
    # Typing slips: a question word of at least `typo_min_letters` letters that is neither in the corpus nor an
    # English word (WordNet's, data/synonyms.txt) also searches the `typo_matches` commonest corpus words one slip
    # away (a letter left out, added or changed, or two swapped: "mayr" finds mayor, and "mar"), at this weight, and
    # counts as them for the no-answer rule, like a thesaurus expansion. No set moves; a trial's "Who is the mayr of
    # Lodz?" and "minimum pasword lenght" had been refused. Without the English-word check, English words the corpus
    # lacks were "corrected" ("bridge" searched "bring"): confidence AUC dev2 +0.015, re-wrapped +0.009, but junk
    # passages for off-topic questions. Weight 1.0 (without the check): dev2 answer@3 -0.051.
    typo_weight: float = 0.5
    typo_min_letters: int = 4
    typo_matches: int = 3
    # Questions that want a count, a date, a name or a place: the first `rerank_pool` passages are
    # re-ranked by BM25 + sentence_weight x their best sentence's idf-weighted question words. Applied to
    # every question it cost CISI 0.018 MAP / 0.07 nDCG; to typed questions only it costs CISI nothing.
    # Off: 0.80 / 0.513 (dev -0.10, dev2 -0.128); 0.5: dev2 -0.026; 2 and 3: dev -0.05, dev2 -0.026.
    # Pools of 5, 10, 20 and 40 tie; 10 does the least work.
    # A sentence's score times (1 + p x its matched words / the narrowest window holding them): p 0.1 changes
    # no set, 0.25 and 0.5 lose dev @1 (-0.05) and 0.5 a dev answer sentence; left out.
    sentence_weight: float = 1.0
    rerank_pool: int = 10
    # Other questions of at most `short_question_terms` terms (keyword queries, short questions) are re-ranked the
    # same way at this weight. Against 0: answer@3 dev +0.05 and dev2 0.846 -> 0.872, answer sentence dev +0.05 and
    # dev2 +0.026, no other headline figure moves (gk MRR -0.003, a question from rank 2 to 3; CISI nDCG -0.001 at
    # 0.2, within noise). Confidence AUC dev 0.882 -> 0.833 (it is taken over answered questions, and q18's answer,
    # wrong before, is now right at 0.72, below a wrong one at 0.79), dev2 +0.022. Weights 0.2-0.5 tie; 0.1 gains
    # nothing; 0.35 loses re-wrapped same top -0.015, 1.0 gk @3 -0.015. Held out, the sixth session's trial (162
    # answerable questions over a novel, e-mail, a changelog, a report): answer@1 119 -> 121, @3 135 -> 139, right
    # answers 108 -> 107 (one lost, "On what night did the storm come?", to the stem gap between "come" and "came";
    # one gained). In the hybrid (semantic_sentence_weight x this, on the share of the question's idf): no figure
    # moves by more than 0.008 MRR, so it is off there. The term limit is a knife edge on dev2: 5 loses its @3 gain;
    # 7 and more gain dev2 @1 +0.026 but lose two paraphrases from the top 3 (dev2 @3 -0.051, re-wrapped same top
    # -0.015) and, from 10, CISI nDCG -0.007 (a paragraph's best sentence is no guide). Weight scaled by 6 / the
    # number of terms instead of a limit: dev2 @3 -0.051 and CISI nDCG -0.004 to -0.006.
    short_question_sentence_weight: float = 0.25
    short_question_terms: int = 6
    # In that re-ranking, a sentence without the kind of thing asked for (a count that counts X, a date, a name) weighs
    # this share of its score (1: off). 0.2.0, with the "how many X" check beside it: off, dev -0.05, dev2 -0.051;
    # 0.2 tied; 0.7: dev -0.05, dev2 -0.026.
    wanted_missing: float = 0.4
    # "How" before any other word that is not a stop word, a name or a plural ("how big", "how deadly", "how low")
    # asks for a figure, as "how far" does (answers.wanted; not for the amount check: "the largest in Europe" can
    # answer "how big"). Against off: dev2 answer@1 0.641 -> 0.667 and answer sentence +0.026, re-wrapped @1 +0.017
    # (both "How deadly were the American counter-strikes ...?"); no other figure moves. Held out: the sixth
    # session's trial's "How big is the Broughton tank?" quotes the 2,500-litre tank; its other "how big" and "how
    # low" questions, and the fifth session's, are unchanged.
    degree_questions: bool = True
    # (The amount and date checks, 0.2.0's refusal rules, are gates of the answer model now: askiraq.features.GATES,
    # kept or not by the training data.)
    # Near-duplicate passages (term-set Jaccard) are folded into one hit citing both. Off: dev -0.10.
    # 0.2: CISI -0.003 MAP / -0.010 nDCG and a dev answer sentence; 0.4 and 0.5: dev -0.10.
    fold_duplicates: bool = True
    duplicate_jaccard: float = 0.3
    # A passage none of whose sentences holds a question word counts its FAQ question's (or heading's) words in its
    # first sentence, which answers it: no set moves; a trial's FAQ answers had been passed over. Counting an FAQ
    # question's words in its answer's first sentence always: dev2 answer sentence -0.026, re-wrapped -0.017.
    # Tried and left out, each for every question:
    # - the article as context (the first 20 passages + w x their article's best contribution of each
    #   question word, relative to the best article): w 0.1 loses dev2 @1 -0.026 and sentence -0.051,
    #   0.3 and 0.5 lose more (dev2 @1 -0.051, re-wrapped @1 -0.034); summing instead of the best is worse;
    # - a word and its expansions as one term (the best of them counts, not their sum): dev @1 -0.10,
    #   dev2 @1 -0.051, re-wrapped @1 -0.068, for CISI nDCG +0.007;
    # - irregular verb forms and plurals (a list of 160: "came" -> "come", "met" -> "meet", "children" -> "child", which
    #   Snowball does not join) as the same term in analysis: gk @1 +0.030 and MRR +0.015, CISI nDCG +0.002, but dev2
    #   @1 -0.026 and re-wrapped @1 -0.017 ("Where did Blinken and al-Sudani meet?" finds "Blinken met with al-Sudani
    #   in Baghdad" before the caption naming the airport); as expansions, both ways: at 0.2 and 0.5 gk @1 +0.015
    #   alone (one question; two trials unchanged), at 1.0 dev2 @1 -0.026 and re-wrapped @1 -0.017;
    # - month abbreviations read as months ("Oct." as "October"): dev2 @1 -0.026, re-wrapped @1 -0.017;
    # - word families for 4-letter words ("high" -> "highest"): gk sentence +0.030 but dev2 @3 -0.026 and
    #   gk @1 -0.015;
    # - "why" as a typed question wanting a reason ("because", "so", "due to", ...): gk sentence +0.030,
    #   dev sentence -0.05, re-wrapped sentence -0.017;
    # - "how long / far / much" taking any measured quantity ("four kilometres", "£500") as what is asked:
    #   no set moves, and the confidence AUC falls on gk (0.714 -> 0.696);
    # - pseudo-relevance feedback (the 10 best terms of the 5 best passages added, weighted by their share):
    #   for every question, CISI MAP +0.003 to +0.013 but dev @1 -0.20 to -0.30; for long queries only (10, 15
    #   or 20 terms and more: none of the question sets), CISI MAP +0.002 to +0.005 and nDCG -0.003 to 0,
    #   within CISI's noise;
    # - an expansion counting at most what the word asked for would (its weight x the asked word's idf / its own
    #   idf, when it is the rarer): dev @1 -0.05, dev2 @1 -0.026, re-wrapped @1 -0.068, for dev2 @3 +0.026;
    # - term proximity (the first 20 passages + w x the smaller idf of each pair of consecutive question words
    #   found within n words of each other): n 4, w 0.25: dev2 @1 -0.051, re-wrapped @1 -0.034, gk @1 +0.015;
    #   w 0.5 and 1.0 lose more (CISI nDCG -0.007 and -0.020); adjacent words only (n 2) or n 8 lose as well;
    # - coordination (the first 20 passages x 1 + w x the share of the question's idf they hold): w 0.25 loses CISI
    #   MAP -0.004 / nDCG -0.006, re-wrapped same top -0.015 and gk @1 -0.015 for nothing; 0.5 gains dev @3 and dev2
    #   @3 (+0.05, +0.026) but loses dev @1 -0.05 and CISI; 1.0 loses more;
    # - a capital standing for its country (thesaurus lines "Tehran => Iran", "Baghdad => Iraq", "capital of
    #   Lebanon => Beirut"): dev2 MRR +0.007, no question crosses rank 3; the gold passages of the paraphrases
    #   they were for stay at ranks 2, 10 and 19;
    # - captions and credits ranked lower (score x f): 0.8 gains dev2 @1 +0.026 but loses dev @1 -0.05
    #   (a caption holds that answer); 0.6 and 0.4 lose on dev, dev2 @3 and re-wrapped.
    # (0.2.0's no-answer rule, two of the question's words in one of the best passages, is a gate of the answer
    # model now: askiraq.features.GATES.)
    # An article's subject (a short headline, SUBJECT_HEADLINE_WORDS) counts in each of its sentences. (So do
    # a table header's words in its rows, changing no set; an FAQ question's words in the answer below it
    # lost dev2 answer sentence -0.026, so they do not.)
    subject_headline_words: int = SUBJECT_HEADLINE_WORDS
    # (0.2.0 counted the question words of the sentence before that a sentence lacks at half weight in its score; the
    # answer model reads them itself now (context_missing) and may quote the two sentences together (quote_previous):
    # in the re-ranking it moved one dev question's answer, against two of the held-back training questions; gone.)
    # Candidate answers come from the first `answer_from` hits that can be quoted (0.2.0: 1 lost 6% of answerable
    # questions their answer, 5 tied with 3).
    answer_from: int = 3
    # For "how many X": candidates at least this share as likely to be right as the best (and passing the gates) that
    # count X differently in two articles or more are each quoted, as sources that disagree. (No evaluation figure
    # measures it: a conflict question is answered right by either figure. A second sentence from another article
    # joining every answer, 0.2.0's rule, moved no set once the answer model chose: it is gone.)
    alternative_share: float = 0.6
    conflicting_counts: bool = True
    # A sentence that goes on from the one before it (opens with a stop word, lacks question words that one holds) is
    # also a candidate quoted with it ("Ali Hassan spoke on Tuesday. He said the deal collapsed.").
    quote_previous: bool = True
    # Semantic mode (an index built with --semantic): score = (1 - w) x BM25 / the best BM25 + w x cosine.
    # 0.5 against BM25 alone (evaluate --semantic): dev2 @1 +0.051, CISI MAP +0.010 / nDCG +0.008,
    # re-wrapped @1 +0.017, dev @3 +0.05 but @1 -0.05 (one question moves from rank 1 to 2).
    # 0.2-0.4 lose the dev2 gain (0.641), 0.7 loses it too and the re-wrapped layout's top passages. Since general
    # synonyms (both modes): dev2 @1 +0.051 but @3 -0.026, CISI MAP +0.009, gk @1 +0.045 (README, Semantic search).
    semantic_weight: float = 0.5
    # ...where every passage gets a cosine in an index of up to `semantic_exact_up_to` passages, and above that only
    # BM25's best `semantic_candidates` (the others count 0): the exact cosine keeps 1 KB a passage in memory (1 GB at
    # 10^6 passages) and converts them all on a cold question. No evaluation set has 100,000 passages, so none moves;
    # what pools of 50, 20 and 10 passages cost on them (a paraphrase sharing no word with its passage is what a pool
    # loses), and the time saved at 100,000 passages: README, Semantic search.
    semantic_exact_up_to: int = 100_000
    semantic_candidates: int = 5_000
    # There, typed questions re-rank by the share of the question's idf in the best sentence times this.
    # 0: dev2 @1 -0.103; 0.25: -0.026; 1: re-wrapped same top -0.015; 2: dev @1 -0.05.
    semantic_sentence_weight: float = 0.5
    # There, the first `sentence_cosine_pool` passages of the hybrid take the mean of the passage's cosine and
    # its best sentence's: one vector for a long passage blurs the sentence that answers. 0 (the passage's
    # alone): dev @1 -0.05 (0.90 -> 0.85, below BM25's), re-wrapped @1 -0.017, CISI nDCG +0.001, dev2 the same.
    # Pools of 5, 10, 20 and 40 tie on the question sets (CISI nDCG 0.407, 0.405, 0.408, 0.408); 5 costs
    # nothing measurable at 10,000 articles (warm question 31 ms, as with 0), 20 costs 8 ms. The best
    # sentence's cosine instead of the mean: dev2 sentence -0.026, and at weights 0.4 / 0.6 dev2 @1 -0.051
    # or CISI nDCG -0.007.
    sentence_cosine_pool: int = 5
    # A question word's weight in the answer model's coverage features is its idf, at least this (a word of more than
    # half the passages has a floor of its own, see EPSILON).
    min_coverage_idf: float = 0.05
    # Features and gates of the answer model's table switched off (comma-separated names of askiraq.features' FEATURES
    # and GATES): a feature then counts as its training mean, a gate is not applied. For ablations
    # (scripts/evaluate.py --ablate) and the table's tests; none in use.
    table_off: str = ""


DEFAULT_PARAMS = RankingParams()

Settings = TypeVar("Settings", RankingParams, BuildSettings)
_CONVERT: dict[Any, Callable[[str], Any]] = {bool: lambda v: v.lower() in ("1", "true", "yes", "on"), int: int,
                                             float: float, str: str}
_CONVERT[bool | None] = _CONVERT[bool]
_CONVERT[str | None] = str


def overridden(defaults: Settings, overrides: Mapping[str, str]) -> Settings:
    """`defaults` with the overrides (name -> value as text, as scripts and the feature table give them) that name its
    fields, each converted to the field's type; the others are left to the other settings."""
    fields = type(defaults).__annotations__
    return defaults._replace(**{k: _CONVERT[fields[k]](v) for k, v in overrides.items() if k in fields})
