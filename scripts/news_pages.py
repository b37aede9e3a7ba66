"""Do saved news pages answer as well as the same articles as clean text? (issue 22's target: answer@1 within 5
points, and no answer or listed passage quoting script, markup, navigation or a comment.)

Two sets, each asked twice, of a folder of clean .txt articles and of the same articles as .html pages:

- shipped (always): the five shipped articles wrapped in the furniture of a real news page (a cookie banner,
  navigation, share buttons, JSON-LD and tracking scripts, related links to the other articles, a comments section
  whose comments talk about the same things with other figures, a footer), asked the dev and dev2 questions;
- aeb (with --aeb PATH): the article-extraction-benchmark's 181 real pages of as many sites
  (github.com/scrapinghub/article-extraction-benchmark, MIT licence; PATH holds its html/ and ground-truth.json),
  their ground-truth article bodies as the .txt folder, asked questions derived from the ground truth: a sentence of
  each article as keywords, without one of its figures or names, which the answer must hold.

    python scripts/news_pages.py [--aeb PATH] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from evalsets import DEV2_QUESTIONS, DEV_QUESTIONS, SHIPPED_CORPUS, read_questions  # noqa: E402

from askiraq.expansions import load_thesaurus  # noqa: E402
from askiraq.index import open_index  # noqa: E402
from askiraq.search import SearchOptions, search  # noqa: E402

# What must never be quoted from a page: markup, script, the page's furniture, and the comments' own words.
LEAKS = ("<", "{\"", "window.", "function(", "cookies", "Accept all", "Share on", "Sign up", "Most read",
         "All rights reserved", "commenter", "Reply", "gleaned from a cousin", "my uncle", "Log in")
COMMENTS = (
    "I read somewhere there are 12,000 American troops in Iraq, not 2,000. Reply",
    "My uncle in Baghdad says the waivers ended in 2019 and Iraq pays Iran in gold now. Reply",
    "Al-Sudani came to power in 2021, gleaned from a cousin who works in the ministry. Reply",
)
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | The Desert Ledger</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="The Desert Ledger">
<link rel="canonical" href="https://ledger.example/world/{slug}">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
"description": "{lead}"}}</script>
<script>window.dataLayer = window.dataLayer || []; function(){{ track("{slug}"); }}</script>
<style>.cookie {{ position: fixed; }}</style>
</head><body>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to personalise content and ads. Accept all cookies or
manage your choices.</p><button>Accept all</button><button>Manage</button></div>
<header><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>
<a href="/middle-east">Middle East</a></li><li><a href="/opinion">Opinion</a></li><li><a href="/login">Log in</a></li>
</ul></nav></header>
<main><article class="story">
<h1>{title}</h1>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
{body}
</article>
<aside class="related"><h2>Most read</h2><ul>{related}</ul></aside>
<section class="comments" id="comments"><h2>Comments</h2>{comments}</section>
<div class="newsletter"><p>Sign up for our morning briefing on the Middle East, every weekday.</p></div>
</main>
<footer><p>&copy; 2024 The Desert Ledger. All rights reserved.</p><p><a href="/privacy">Privacy</a></p></footer>
</body></html>
"""


def _page(title: str, paragraphs: list[str], slug: str, others: list[str]) -> str:
    """A news page holding the article's paragraphs among the furniture of a real site."""
    body = "\n".join(f"<h2>{html.escape(p)}</h2>" if _is_heading(p) else f"<p>{html.escape(p)}</p>"
                     for p in paragraphs)
    related = "".join(f'<li><a href="/world/{i}">{html.escape(t)}</a></li>' for i, t in enumerate(others))
    comments = "".join(f'<div class="comment"><span class="commenter">reader{i}</span><p>{html.escape(c)}</p></div>'
                       for i, c in enumerate(COMMENTS))
    lead = html.escape(paragraphs[0][:150]) if paragraphs else ""
    return PAGE.format(title=html.escape(title), slug=slug, body=body, related=related, comments=comments, lead=lead)


def _is_heading(paragraph: str) -> bool:
    return len(paragraph) < 120 and not paragraph.rstrip().endswith((".", "”", '"', ":"))


def _paragraphs(text: str) -> tuple[str, list[str]]:
    """A clean article's headline and its paragraphs (blank-line separated, or one a line)."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if len(blocks) == 1:
        blocks = [line.strip() for line in text.splitlines() if line.strip()]
    return blocks[0], blocks[1:]


def shipped_set(target: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    """The shipped articles as .txt and as news pages, and the dev and dev2 questions."""
    texts, pages = target / "shipped-txt", target / "shipped-html"
    texts.mkdir(parents=True)
    pages.mkdir(parents=True)
    articles = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SHIPPED_CORPUS.glob("*.txt"))}
    titles = {stem: _paragraphs(text)[0] for stem, text in articles.items()}
    for stem, text in articles.items():
        (texts / f"{stem}.txt").write_text(text, encoding="utf-8")
        title, paragraphs = _paragraphs(text)
        others = [t for s, t in titles.items() if s != stem]
        (pages / f"{stem}.html").write_text(_page(title, paragraphs, stem, others), encoding="utf-8")
    questions = read_questions(DEV_QUESTIONS) + read_questions(DEV2_QUESTIONS)
    return texts, pages, [q for q in questions if q["evidence"]]


_SENTENCE = re.compile(r"[^.!?]{60,400}[.!?]")
_ANSWER = re.compile(r"\b(?:\d[\d,.]*\d|\d|[A-Z][a-z]{3,})\b")


def aeb_set(source: Path, target: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    """The benchmark's pages and their ground-truth bodies, and a question or two derived from each body."""
    truth = json.loads((source / "ground-truth.json").read_text(encoding="utf-8"))
    texts, pages = target / "aeb-txt", target / "aeb-html"
    texts.mkdir(parents=True)
    pages.mkdir(parents=True)
    questions: list[dict[str, Any]] = []
    for key, record in sorted(truth.items()):
        found = [p for p in (source / "html" / f"{key}.html.gz", source / "html" / f"{key}.html") if p.exists()]
        body = record.get("articleBody") or ""
        if not found or len(body) < 400:
            continue
        data = gzip.decompress(found[0].read_bytes()) if found[0].suffix == ".gz" else found[0].read_bytes()
        (pages / f"{key}.html").write_bytes(data)
        (texts / f"{key}.txt").write_text(body, encoding="utf-8")
        questions += _derived(key, body)
    return texts, pages, questions


def _derived(key: str, body: str) -> list[dict[str, Any]]:
    """Up to two questions from an article: a sentence from its second quarter and one from its third, as its
    words without a figure or a name (not the sentence's first word), which is the answer."""
    sentences = [" ".join(m.group().split()) for m in _SENTENCE.finditer(body)]
    picked: list[str] = []
    questions: list[dict[str, Any]] = []
    for share in (0.3, 0.6):
        if not sentences:
            break
        sentence = sentences[int(len(sentences) * share)]
        answers = [m.group() for m in _ANSWER.finditer(sentence) if m.start() > 0]
        if not answers or sentence in picked:
            continue
        answer = max(answers, key=lambda a: (a[0].isdigit(), len(a)))
        words = [w for w in re.findall(r"[\w'’-]+", sentence) if answer not in w][:14]
        picked.append(sentence)
        question = {"id": f"{key[:8]}-{share}", "question": " ".join(words), "answer_terms": [answer],
                    "evidence": [{"source": f"{key}.txt"}]}
        questions.append(question)
    return questions


def _clean_text(clean: Path, source: str) -> str:
    """The clean .txt of the article a page citation comes from (a mark its own text holds is no leak)."""
    path = clean / (Path(source.split(":")[0]).stem + ".txt")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _score(corpus: Path, questions: list[dict[str, Any]], cache: Path, clean: Path) -> dict[str, Any]:
    """answer@1 (the first passage from the right article holds an answer term), answer sentence (the answer holds
    one and cites the right article), and every quoted or listed text that leaks a page's furniture (a mark that
    the article's clean text does not hold)."""
    index = open_index(corpus, cache).index
    options = SearchOptions(top=3, thesaurus=load_thesaurus())
    at1 = sentence = 0
    leaks: list[str] = []
    for q in questions:
        result = search(index, q["question"], options)
        wanted = {Path(e["source"]).stem for e in q["evidence"]}
        terms = [t.casefold() for t in q["answer_terms"]]
        if result.hits:
            top = result.hits[0]
            sources = {Path(c.source.split(":")[0]).stem for c in (top.citation, *top.also_in)}
            at1 += bool(sources & wanted and any(t in top.text.casefold() for t in terms))
        if result.answer is not None:
            cited = {Path(s.citation.source).stem for s in result.answer.sentences}
            sentence += bool(cited & wanted and any(t in result.answer.text.casefold() for t in terms))
        shown = [(h.citation.source, h.text) for h in result.hits]
        shown += [(s.citation.source, s.text) for s in (result.answer.sentences if result.answer else ())]
        leaks += [f"{q['id']}: {text[:100]}" for source, text in shown for mark in LEAKS
                  if mark in text and mark not in _clean_text(clean, source)]
    count = max(len(questions), 1)
    return {"questions": len(questions), "answer@1": at1 / count, "answer_sentence": sentence / count,
            "leaks": leaks, "articles": index.document_count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--aeb", type=Path, help="an article-extraction-benchmark checkout (html/, ground-truth.json)")
    parser.add_argument("--keep", type=Path, help="write the generated folders here (else a temporary folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="askiraq-pages-"))
    sets = {"shipped": shipped_set(work)}
    if args.aeb is None:
        print("(no --aeb PATH: the article-extraction-benchmark set is left out)", file=sys.stderr)
    elif not (args.aeb / "ground-truth.json").exists():
        print(f"(no ground-truth.json in {args.aeb}: the article-extraction-benchmark set is left out)",
              file=sys.stderr)
    else:
        sets["aeb"] = aeb_set(args.aeb, work)
    print("| set | questions | articles | answer@1 .txt | answer@1 .html | change | answer sentence .txt | "
          "answer sentence .html | quoted furniture (.html) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (texts, pages, questions) in sets.items():
        plain = _score(texts, questions, work / "index", texts)
        page = _score(pages, questions, work / "index", texts)
        print(f"| {name} | {plain['questions']} | {page['articles']} of {plain['articles']} | {plain['answer@1']:.3f} "
              f"| {page['answer@1']:.3f} | {page['answer@1'] - plain['answer@1']:+.3f} | "
              f"{plain['answer_sentence']:.3f} | {page['answer_sentence']:.3f} | {len(page['leaks'])} |")
        for leak in page["leaks"][:10]:
            print(f"    leak: {leak}", file=sys.stderr)


if __name__ == "__main__":
    main()
