"""Large files of other formats: how long `askiraq index` takes on a 10,000-message mbox and a 1,000-page PDF, and its
peak memory, beside the same text as .txt files (one a message, one a page), in one run.

    python scripts/bench_formats.py [--messages 10000] [--pages 1000] [--data-dir DIR]

The files are generated (seeded): messages of three to six paragraphs of made-up words, with headers, and some
quoting the one before; pages of forty lines with a running header and a page number. Peak memory is the largest
process's (the indexer), read from getrusage in a wrapper process for each build.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_WRAPPER = ("import resource, subprocess, sys, time\nstarted = time.perf_counter()\n"
            "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
            "done.returncode)\nsys.stderr.write(done.stderr[-2000:])")


def _sentence(rng: random.Random, words: list[str]) -> str:
    chosen = rng.choices(words, k=rng.randint(8, 22))
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random, words: list[str]) -> str:
    return " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 5)))


def _wrapped(text: str, width: int = 72) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def write_mbox(path: Path, count: int, rng: random.Random, words: list[str], plain: Path) -> None:
    """An mbox of `count` messages (every third quoting the one before), and the same bodies as .txt files."""
    plain.mkdir(parents=True, exist_ok=True)
    previous = ""
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            body = "\n\n".join("\n".join(_wrapped(_paragraph(rng, words))) for _ in range(rng.randint(3, 6)))
            if number % 3 == 2 and previous:
                body += "\n\nOn Mon, 8 Jan 2024, someone wrote:\n" + "\n".join("> " + line for line in
                                                                               previous.splitlines()[:6])
            day = 1 + number % 28
            out.write(f"From sender{number % 50}@example.org Mon Jan {day:2d} 10:00:00 2024\n"
                      f"From: Sender {number % 50} <sender{number % 50}@example.org>\nTo: list@example.org\n"
                      f"Subject: Thread {number // 3}\nDate: Mon, {day} Jan 2024 10:00:00 +0000\n"
                      f"Message-ID: <m{number}@example.org>\nContent-Type: text/plain; charset=utf-8\n\n"
                      f"{body}\n\n")
            (plain / f"m{number:05d}.txt").write_text(f"Thread {number // 3}\n\n{body}\n", encoding="utf-8")
            previous = body


def write_pdf(path: Path, count: int, rng: random.Random, words: list[str], plain: Path) -> None:
    """A PDF of `count` pages of forty lines (a running header and a page number on each), and each page's text
    as a .txt file."""
    plain.mkdir(parents=True, exist_ok=True)
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for number in range(1, count + 1):
        lines: list[str] = []
        while len(lines) < 40:
            lines += [*_wrapped(_paragraph(rng, words), 90), ""]
        lines = lines[:40]
        (plain / f"p{number:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        drawn = ["Annual review of the synthetic corpus", *lines, str(number)]
        stream = "".join(f"BT /F1 9 Tf 60 {770 - 18 * i} Td ({t}) Tj ET\n" for i, t in enumerate(drawn) if t)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(out.tell())
            out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
        xref = out.tell()
        out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
        out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
        out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())


def index_once(corpus: Path) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit status) of a fresh `askiraq index --force` of `corpus`."""
    env = {**os.environ, "ASKIRAQ_INDEX_DIR": tempfile.mkdtemp(prefix="askiraq-bench-index-")}
    done = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "askiraq", "index", "--force",
                           "--corpus", str(corpus)], capture_output=True, text=True, env=env, check=True)
    seconds, peak_kib, status = done.stdout.split()
    shutil.rmtree(env["ASKIRAQ_INDEX_DIR"], ignore_errors=True)
    return float(seconds), int(peak_kib) / 1024, int(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "bench-data" / "formats")
    args = parser.parse_args()
    rng = random.Random(22)
    words = [("".join(rng.choices("abcdefghiklmnoprstuvw", k=rng.randint(2, 9)))) for _ in range(5000)]
    data = args.data_dir
    shutil.rmtree(data, ignore_errors=True)
    (data / "mbox").mkdir(parents=True)
    (data / "pdf").mkdir(parents=True)
    started = time.perf_counter()
    write_mbox(data / "mbox" / "list.mbox", args.messages, rng, words, data / "mbox-txt")
    write_pdf(data / "pdf" / "review.pdf", args.pages, rng, words, data / "pdf-txt")
    print(f"(files written in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    rows = []
    for label, folder in ((f"{args.messages:,}-message mbox", data / "mbox"),
                          (f"the same {args.messages:,} messages as .txt files", data / "mbox-txt"),
                          (f"{args.pages:,}-page PDF", data / "pdf"),
                          (f"the same {args.pages:,} pages as .txt files", data / "pdf-txt")):
        size = sum(f.stat().st_size for f in folder.iterdir()) / (1 << 20)
        seconds, peak, status = index_once(folder)
        rows.append({"what": label, "MiB": round(size, 1), "seconds": round(seconds, 1), "peak_mib": round(peak),
                     "status": status})
    print("| what | size | index build | peak memory |\n|---|---|---|---|")
    for row in rows:
        print(f"| {row['what']} | {row['MiB']} MiB | {row['seconds']} s | {row['peak_mib']} MiB |")
    (data.parent / "bench-formats.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
