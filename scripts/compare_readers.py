"""Why askiraq reads web pages with trafilatura and PDFs with pypdf: each compared with alternatives on real files.

    python scripts/compare_readers.py html PATH   # PATH: an article-extraction-benchmark checkout
    python scripts/compare_readers.py pdf FILE...  # PDF reports

html: the article-extraction-benchmark's pages (github.com/scrapinghub/article-extraction-benchmark, 181 real news
and blog pages of as many sites, with each page's article body written by a person; MIT licence), extracted by
trafilatura (as askiraq calls it), readability-lxml and jusText. Scored as that benchmark does, on words: precision
(the share of the extracted words that are the article's), recall (the share of the article's words extracted),
F1, per page then averaged; with the time per page and the pages each got nothing from. The alternatives are
installed for this comparison only (pip install readability-lxml justext).

pdf: pypdf (as askiraq calls it) and pdfminer.six, each file's time and characters, and whether the words of a
two-column page come column by column (the share of each page's lines the other library has in the same order).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

_WORDS = re.compile(r"\w+")


def _trafilatura(page: str) -> str:
    import trafilatura

    found = trafilatura.bare_extraction(page, with_metadata=True, include_comments=False, include_tables=True,
                                        deduplicate=False)
    return (found.text or "") if found is not None else ""


def _readability(page: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(page).summary(html_partial=True)
    return str(lxml.html.fromstring(summary).text_content()) if summary.strip() else ""


def _justext(page: str) -> str:
    import justext

    paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


HTML_EXTRACTORS: dict[str, Callable[[str], str]] = {"trafilatura": _trafilatura, "readability-lxml": _readability,
                                                   "jusText": _justext}


def _prf(extracted: str, truth: str) -> tuple[float, float, float]:
    got, want = Counter(_WORDS.findall(extracted.lower())), Counter(_WORDS.findall(truth.lower()))
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if common else 0.0


def compare_html(source: Path) -> None:
    from trafilatura.utils import decode_file

    truth = json.loads((source / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for key, record in truth.items():
        for path in (source / "html" / f"{key}.html.gz", source / "html" / f"{key}.html"):
            if path.exists():
                data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
                pages[key] = (decode_file(data), record.get("articleBody") or "")
    print(f"{len(pages)} pages\n")
    print("| extractor | precision | recall | F1 | pages with nothing | ms a page |")
    print("|---|---|---|---|---|---|")
    for name, extract in HTML_EXTRACTORS.items():
        scores, empty, started = [], 0, time.perf_counter()
        try:
            for page, body in pages.values():
                try:
                    text = extract(page)
                except Exception:  # an extractor that fails on a page got nothing from it
                    text = ""
                empty += not text.strip()
                scores.append(_prf(text, body))
        except ImportError as err:
            print(f"| {name} | not installed ({err.name}) | | | | |")
            continue
        elapsed = (time.perf_counter() - started) * 1000 / max(len(pages), 1)
        mean = [sum(s[i] for s in scores) / len(scores) for i in range(3)]
        print(f"| {name} | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.3f} | {empty} | {elapsed:.0f} |")


def _pypdf_pages(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def _pdfminer_pages(path: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(str(path)).split("\f")


def compare_pdf(files: list[Path]) -> None:
    import logging

    logging.disable(logging.WARNING)  # both libraries warn about fonts on real files
    print("| file | pages | pypdf s | pdfminer.six s | pypdf chars | pdfminer.six chars | lines in the same order |")
    print("|---|---|---|---|---|---|---|")
    for path in files:
        started = time.perf_counter()
        ours = _pypdf_pages(path)
        middle = time.perf_counter()
        theirs = _pdfminer_pages(path)
        done = time.perf_counter()
        print(f"| {path.name} | {len(ours)} | {middle - started:.2f} | {done - middle:.2f} | "
              f"{sum(map(len, ours)):,} | {sum(map(len, theirs)):,} | {_same_order(ours, theirs):.2f} |")


def _same_order(ours: list[str], theirs: list[str]) -> float:
    """The share of pypdf's lines (of 20 characters or more) that pdfminer.six has in the same order, page by page:
    1.0 when both read the columns in the same order."""
    import difflib

    kept = total = 0
    for a, b in zip(ours, theirs, strict=False):
        left = [" ".join(line.split()) for line in a.splitlines() if len(line.strip()) >= 20]
        right = [" ".join(line.split()) for line in b.splitlines() if len(line.strip()) >= 20]
        matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
        kept += sum(block.size for block in matcher.get_matching_blocks())
        total += len(left)
    return kept / total if total else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("html").add_argument("path", type=Path)
    sub.add_parser("pdf").add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    if args.what == "html":
        if not (args.path / "ground-truth.json").exists():
            sys.exit(f"no ground-truth.json in {args.path}: give an article-extraction-benchmark checkout")
        compare_html(args.path)
    else:
        compare_pdf([path for path in args.files if path.exists()])


if __name__ == "__main__":
    main()
