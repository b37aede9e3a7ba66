"""The readers (askiraq.readers): HTML pages, e-mail, PDF, Word, JSON exports. Each reader on small files made here,
real-world-shaped (a news page with comments and a cookie banner, a reply chain, a two-column PDF, a JSONL export),
then questions end to end over a folder mixing them, citations followed back with `show`, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from askiraq.cli import cli
from askiraq.corpus import Notice, SourceFile, file_kind
from askiraq.errors import CorpusError
from askiraq.index import open_index
from askiraq.readers import read_articles
from askiraq.readers.mail import is_message, reply_spans
from askiraq.readers.pdf import page_text

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Basra port opens new container terminal | The Gulf Courier</title>
<meta property="og:title" content="Basra port opens new container terminal">
<meta property="og:site_name" content="The Gulf Courier">
<link rel="canonical" href="https://courier.example/2024/03/basra-terminal">
<meta name="author" content="Dana Haddad">
<meta property="article:published_time" content="2024-03-14T09:00:00Z">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Basra port opens new container terminal"}
</script>
<script>window.COURIER = {comments: {postTitle: "Basra port"}, tracking: true};</script>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies?
<button>Accept</button></div>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li></ul></nav>
<main>
<article>
<h1>Basra port opens new container terminal</h1>
<p class="byline">By Dana Haddad, March 14, 2024</p>
<p>The port of Umm Qasr near Basra opened a new container terminal on Thursday, adding capacity for
1.5 million containers a year, the transport ministry said.</p>
<p>The terminal was built by a Korean consortium at a cost of $410 million and took four years to complete,
officials said at the opening ceremony.</p>
<p>Iraq hopes the terminal will cut its reliance on ports in neighbouring countries and shorten the time it
takes for imported goods to reach Baghdad.</p>
</article>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Oil exports rise in February</a></li>
<li><a href="/b">New rail link to Turkey planned</a></li></ul></aside>
<section id="comments" class="comments">
<h3>Comments</h3>
<div class="comment"><p>Great news for the south! My cousin says the terminal cost ten billion dollars.</p></div>
<div class="comment"><p>The old port was closed for 20 years, I think.</p></div>
</section>
</main>
<footer><p>Copyright 2024 The Gulf Courier. All rights reserved.</p></footer>
</body>
</html>
"""

REPLY_CHAIN = b"""From dana@courier.example Mon Jan  8 09:15:02 2024
Return-Path: <dana@courier.example>
Received: from mail.courier.example (mail.courier.example [192.0.2.7])
\tby mx.example.net with ESMTP id 4f2a
\tfor <desk@example.net>; Mon, 8 Jan 2024 09:15:02 +0000
From: Dana Haddad <dana@courier.example>
To: desk@example.net
Subject: Ferry timetable for the Shatt al-Arab
Date: Mon, 8 Jan 2024 09:15:02 +0000
Message-ID: <ferry-1@courier.example>
X-Os: Red Hat Linux 7.3
Content-Type: text/plain; charset=utf-8

Hello desk,

The new ferry across the Shatt al-Arab will run every forty minutes from
six in the morning, according to the river authority.

Dana
--\x20
Dana Haddad, river correspondent

From sami@example.net Tue Jan  9 11:00:00 2024
From: Sami Aziz <sami@example.net>
To: dana@courier.example
Subject: Re: Ferry timetable for the Shatt al-Arab
Date: Tue, 9 Jan 2024 11:00:00 +0000
Message-ID: <ferry-2@example.net>
In-Reply-To: <ferry-1@courier.example>
References: <ferry-1@courier.example>
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Thanks. The fare will be 2,000 dinars a crossing, and children under twelve =
travel free, the authority told me this morning.

On Mon, 8 Jan 2024, Dana Haddad wrote:
> The new ferry across the Shatt al-Arab will run every forty minutes from
> six in the morning, according to the river authority.

From dana@courier.example Wed Jan 10 08:00:00 2024
From: Dana Haddad <dana@courier.example>
Subject: Re: Ferry timetable for the Shatt al-Arab
Date: Wed, 10 Jan 2024 08:00:00 +0000
Message-ID: <ferry-3@courier.example>
In-Reply-To: <ferry-2@example.net>
References: <ferry-1@courier.example> <ferry-2@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XYZ"

--XYZ
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

VGhlIGZlcnJ5IGhhcyBzZWF0cyBmb3Igb25lIGh1bmRyZWQgYW5kIGVpZ2h0eSBwYXNzZW5nZXJz
Lg==

--XYZ
Content-Type: text/html; charset=utf-8
Content-Disposition: attachment; filename="briefing.html"

<html><head><title>Ferry briefing</title></head><body><article><h1>Ferry briefing</h1>
<p>The ferry was built in Basra shipyards and is the first of three vessels ordered by the river
authority for the crossing, at a cost of 3.5 billion dinars each.</p>
<p>The second vessel is due in the summer, officials at the shipyard said on Tuesday.</p></article></body></html>
--XYZ--
"""


def _message_line(number: int) -> int:
    """The line of the reply chain's n-th message (its mbox "From " line)."""
    lines = REPLY_CHAIN.decode().split("\n")
    starts = [n for n, line in enumerate(lines, 1) if line.startswith("From ") and (n == 1 or not lines[n - 2])]
    return starts[number - 1]


def _pdf(pages: list[list[tuple[int, int, str]]], encrypt: str = "") -> bytes:
    """A PDF of `pages`, each a list of (x, y, text) drawn in that order with Helvetica 10 (made by hand: the tests
    need no PDF writer; pypdf encrypts it when asked)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        stream = "".join(f"BT /F1 10 Tf {x} {y} Td ({t.replace('(', '[').replace(')', ']')}) Tj ET\n"
                         for x, y, t in lines)
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {len(objects)} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    if encrypt:
        import io

        import pypdf

        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(out)))
        writer.encrypt(encrypt, algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()
    return out


LEFT = ["Water levels in the Tigris fell by a third over the", "summer, the ministry of water resources said in its",
        "annual report, published on Monday after long de-", "lays.",
        "Farmers in Wasit province planted half the usual", "area of rice this year."]
RIGHT = ["Dams upstream in Turkey hold back much of the", "river's flow, and rainfall in the basin was the",
         "lowest in forty years, the report found.", "The ministry asked for new irrigation canals."]


def _two_column_report() -> bytes:
    """Three pages, two columns drawn column by column (as LaTeX and Word write them), a running header and a page
    number on each page, and a word broken after its hyphen at a line's end."""
    pages = []
    for number in (1, 2, 3):
        lines = [(72, 760, "Iraq Water Review 2023 - Ministry of Water Resources")]
        if number == 2:
            lines += [(72, 700 - 14 * i, text) for i, text in enumerate(LEFT)]
            lines += [(320, 700 - 14 * i, text) for i, text in enumerate(RIGHT)]
        else:
            lines += [(72, 700, f"Section {number}: tables and maps of the basin, page after page of figures."),
                      (72, 686, "Nothing here is about rice or canals at all.")]
        lines.append((300, 40, str(number)))
        pages.append(lines)
    return _pdf(pages)


def _docx(path: Path) -> None:
    import docx

    word = docx.Document()
    word.add_heading("Annual Report of the Basra Ferry Company", 0)
    word.add_heading("Passengers", 1)
    word.add_paragraph("The company carried 1.2 million passengers in 2023, a fifth more than in 2022.")
    table = word.add_table(rows=3, cols=2)
    for r, row in enumerate([("Vessel", "Seats"), ("Shatt Star", "180"), ("Faw Pearl", "240")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    word.add_heading("Outlook", 1)
    word.add_paragraph("Two more vessels will join the fleet in 2025.")
    word.save(str(path))


def _export(path: Path) -> None:
    records = [
        {"title": "Rail link to Turkey agreed", "content": "<p>Iraq and Turkey agreed on a <b>rail link</b> "
         "through Mosul.</p><p>The line will be 1,200 kilometres long and open in 2028.</p>",
         "publishedAt": "2024-03-19T08:00:00Z", "source": {"id": None, "name": "Reuters"},
         "url": "https://news.example/rail", "author": "Omar Said"},
        {"title": "Dates harvest", "text": "The date harvest in Basra reached 750,000 tonnes.", "date": "2023-10-02"},
        {"headline": "No body here", "summary": "nothing"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json\n", encoding="utf-8")


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder of what analysts have: a saved page, a mail archive, a report, a Word file, an export, a text."""
    folder = tmp_path / "mixed"
    (folder / "Maildir" / "cur").mkdir(parents=True)
    (folder / "basra-terminal.html").write_text(NEWS_PAGE, encoding="utf-8")
    (folder / "desk.mbox").write_bytes(REPLY_CHAIN)
    (folder / "water-review.pdf").write_bytes(_two_column_report())
    _docx(folder / "ferry-report.docx")
    _export(folder / "export.jsonl")
    (folder / "Maildir" / "cur" / "1704790000.M1P2.host:2,S").write_bytes(
        b"From: Lina <lina@example.org>\nSubject: Dredging contract\nDate: Thu, 11 Jan 2024 10:00:00 +0000\n"
        b"Message-ID: <dredge@example.org>\n\nThe dredging contract for the Khor al-Zubair channel went to a Belgian "
        b"company for 95 million dollars.\n")
    (folder / "notes.txt").write_text("Notes\n\nThe harbour master retires in June.\n", encoding="utf-8")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return folder


def _ask(corpus: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["ask", "--corpus", str(corpus), "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def _read(folder: Path, name: str) -> tuple[list, list[Notice]]:
    path = folder / name
    notices: list[Notice] = []
    stat = path.stat()
    docs = list(read_articles(str(folder), SourceFile(name, stat.st_size, stat.st_mtime_ns, 0), notices))
    return docs, notices


# ---------------------------------------------------------------- which files are read how


def test_files_are_read_by_suffix_and_names_without_a_usual_suffix_are_looked_at() -> None:
    assert [file_kind(n) for n in ("a.txt", "b.MD", "c.html", "d.htm", "e.xhtml", "f.eml", "g.mbox", "h.pdf")] == \
        ["text", "text", "html", "html", "html", "mail", "mbox", "pdf"]
    assert [file_kind(n) for n in ("i.docx", "j.json", "k.jsonl", "photo.jpg", "data.tar.gz", "sheet.xlsx")] == \
        ["docx", "json", "jsonl", None, None, None]
    # Maildir, MH and mail-corpus names: no suffix, or no usual one.
    assert {file_kind(n) for n in ("1704790000.M1P2.host:2,S", "17", "00001.7c53336b37003a9286aba55d2945844c")} \
        == {"sniff"}


def test_a_file_is_an_email_by_its_content() -> None:
    assert is_message(b"From a@b.org Thu Aug 22 12:36:23 2002\nReturn-Path: <a@b.org>\n")
    assert is_message(b"Received: from x\n\tby y\nFrom: A <a@b.org>\nSubject: hi\n\nbody\n")
    assert not is_message(b"Dear diary,\nFrom: the garden\n")
    assert not is_message(b"Title: a recipe\nServes: four\n\nMix the flour.\n")


# ---------------------------------------------------------------- HTML


def test_a_news_page_is_its_article_alone_with_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    docs, notices = _read(tmp_path, "page.html")
    assert notices == [] and len(docs) == 1
    page = docs[0]
    assert "container terminal on Thursday" in page.text and "Korean consortium" in page.text
    for boilerplate in ("cookies", "Accept", "Home", "Related stories", "Oil exports", "ten billion", "cousin",
                        "window.COURIER", "NewsArticle", "All rights reserved"):
        assert boilerplate not in page.text
    assert page.metadata["title"] == "Basra port opens new container terminal"
    assert page.metadata["date"] == "2024-03-14"
    assert page.metadata["author"] == "Dana Haddad"
    assert page.metadata["publisher"] == "The Gulf Courier"
    assert page.metadata["url"] == "https://courier.example/2024/03/basra-terminal"


def test_a_page_s_title_is_said_once_not_again_as_a_heading(mixed: Path) -> None:
    docs, _ = _read(mixed, "basra-terminal.html")
    assert docs[0].text.count("Basra port opens new container terminal") == 1
    result = _ask(mixed, "--source", "*.html", "Korean consortium terminal cost")["results"][0]
    assert result["title"] == "Basra port opens new container terminal" and result["heading"] is None
    shown = CliRunner().invoke(cli, ["ask", "--corpus", str(mixed), "--source", "*.html", "-k", "1",
                                     "Korean consortium terminal cost"]).stdout
    assert "Basra port opens new container terminal — " not in shown


def test_a_short_page_keeps_its_sentence_whole_across_inline_markup(tmp_path: Path, isolated_index_dir: Path) -> None:
    (tmp_path / "party.html").write_text("<html><body><p>The garden party is on 14 June and tickets cost "
                                         "<b>8 pounds</b>, or <a href='/f'>free</a> for <i>children</i>.</p>"
                                         "</body></html>", encoding="utf-8")
    docs, _ = _read(tmp_path, "party.html")
    assert " ".join(docs[0].text.split()) == "The garden party is on 14 June and tickets cost 8 pounds, or free " \
        "for children."
    answer = _ask(tmp_path, "How much do garden party tickets cost?")["answer"]
    assert answer is not None and "8 pounds" in answer["sentences"][0]["text"]


def test_a_page_that_is_all_script_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "app.html").write_text("<html><body><script>" + "var x = 1;" * 20_000 + "</script></body></html>",
                                       encoding="utf-8")
    docs, notices = _read(tmp_path, "app.html")
    assert docs == [] and [n.path for n in notices] == ["app.html"] and "skipped" in notices[0].message


def test_a_saved_page_s_files_folder_is_no_articles_and_is_reported(tmp_path: Path) -> None:
    """A browser saves "Webpage, Complete" as NAME.html and NAME_files/ (images, scripts, the frames of ads)."""
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "Story.html").write_text("<html><body><article><h1>Port reopens</h1><p>The port of Umm "
                                                  "Qasr reopened on Monday after dredging.</p></article></body></html>",
                                                  encoding="utf-8")
    frames = tmp_path / "news" / "Story_files" / "frames"
    frames.mkdir(parents=True)
    (frames / "saved_resource.html").write_text("<p>Subscribe now for unlimited quindle access.</p>", encoding="utf-8")
    (tmp_path / "news" / "Story_files" / "app.js").write_text("var x = 1;", encoding="utf-8")
    (tmp_path / "Old.HTML").write_text("<html><body><article><p>The old quindle page tells of the harbour and its "
                                       "boats.</p></article></body></html>", encoding="utf-8")
    (tmp_path / "Old_files").mkdir()  # (a page saved on Windows: its suffix in capitals)
    (tmp_path / "Old_files" / "ad.htm").write_text("<p>Buy a quindle.</p>", encoding="utf-8")
    (tmp_path / "notes_files").mkdir()  # (no notes.html beside it: an ordinary folder)
    (tmp_path / "notes_files" / "n.txt").write_text("A quindle note on the harbour.", encoding="utf-8")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert "news/Story_files/frames/saved_resource.html: skipped: part of a saved web page (news/Story.html)" \
        in indexed.stderr
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)
    assert sorted(item["source"] for item in listed) == ["Old.HTML", "news/Story.html", "notes_files/n.txt"]
    info = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path), "--json"]).stdout)
    assert info["left_out_counts"] == {"part of a saved web page": 2, "of a type askiraq does not read": 1}


def test_a_page_cites_the_line_of_the_html_file_where_the_paragraph_is(mixed: Path) -> None:
    answer = _ask(mixed, "What did the terminal built by the Korean consortium cost?")["answer"]
    sentence = answer["sentences"][0]
    assert "$410 million" in sentence["text"]
    line = NEWS_PAGE.splitlines()[sentence["line_start"] - 1]
    assert "Korean consortium" in line
    assert sentence["line_end"] == sentence["line_start"] + 1  # (the <p> goes on over the next line)
    assert sentence["citation"].endswith(f"basra-terminal.html:{sentence['line_start']}-{sentence['line_end']}")
    assert sentence["url"] == "https://courier.example/2024/03/basra-terminal"
    assert sentence["author"] == "Dana Haddad"


def test_a_page_s_paragraph_over_several_lines_is_cited_by_all_of_them(tmp_path: Path) -> None:
    lines = ["<html><head><title>Port news</title></head><body><article>", "<h1>Port news</h1>",
             "<p>The port of Umm Qasr reopened on Monday", "after a dredging programme that cost",
             "40 million dollars, officials said.</p>", "<p>Ships of up to 14 metres can now dock.</p>",
             "</article></body></html>"]
    (tmp_path / "port.html").write_text("\n".join(lines) + "\n", encoding="utf-8")
    first = _ask(tmp_path, "How much did the dredging programme cost?")["results"][0]
    assert (first["line_start"], first["line_end"]) == (3, 5) and first["citation"].endswith("port.html:3-5")
    shown = CliRunner().invoke(cli, ["show", "--corpus", str(tmp_path), "port.html:3-5"])
    assert shown.exit_code == 0 and "40 million dollars" in shown.output
    second = _ask(tmp_path, "How deep can ships dock?")["results"][0]
    assert (second["line_start"], second["line_end"]) == (6, 6)
    (tmp_path / "bridge.html").write_text("<html><body><article>\n<h1>Tay bridge</h1>\n<p>The mayor of Dundee\n"
                                          "opened the <a href='x'>new\nbridge</a> across the Tay\non Friday.</p>\n"
                                          "</article></body></html>\n", encoding="utf-8")
    crossing = _ask(tmp_path, "Who opened the bridge across the Tay?")["results"][0]  # (a link's text over two lines)
    assert crossing["citation"].endswith("bridge.html:3-6")
    (tmp_path / "mac.html").write_bytes("\n".join(lines).replace("Umm Qasr", "Safwan").encode().replace(b"\n", b"\r"))
    mac = _ask(tmp_path, "How much did the Safwan dredging programme cost?")["results"][0]  # (classic Mac OS lines)
    assert mac["citation"].endswith("mac.html:3-5")


def test_no_answer_from_a_news_page_quotes_its_comments_or_furniture(mixed: Path) -> None:
    for question in ("How much did the terminal cost?", "How long was the old port closed?",
                     "Do you accept cookies?", "What did the cousin say?"):
        payload = _ask(mixed, "--source", "*.html", question)
        quoted = " ".join(r["text"] for r in payload["results"])
        assert "cousin" not in quoted and "cookies" not in quoted and "20 years" not in quoted
        assert "<" not in quoted and "window." not in quoted


# ---------------------------------------------------------------- e-mail


def test_an_mbox_is_one_article_a_message_with_its_headers_as_metadata(mixed: Path) -> None:
    docs, notices = _read(mixed, "desk.mbox")
    own = [d for d in docs if ":" not in d.part]
    starts = [str(_message_line(n)) for n in (1, 2, 3)]
    assert [d.part for d in own] == starts
    first, reply, last = own
    assert first.metadata["title"] == "Ferry timetable for the Shatt al-Arab"
    assert first.metadata["author"] == "Dana Haddad" and first.metadata["date"] == "2024-01-08"
    assert reply.metadata["thread"] == "<ferry-1@courier.example>" == last.metadata["thread"]
    assert reply.metadata["in_reply_to"] == "<ferry-1@courier.example>"
    for header in ("Received", "X-Os", "Return-Path", "Subject:", "Message-ID"):
        assert header not in first.text
    assert "2,000 dinars a crossing, and children under twelve travel free" in reply.text  # quoted-printable
    assert "one hundred and eighty passengers" in last.text  # base64
    attachment = [d for d in docs if d.part == f"{starts[2]}:briefing.html"]
    assert attachment and "Basra shipyards" in attachment[0].text and notices == []


def test_a_reply_quotes_its_own_text_never_the_message_it_quotes(mixed: Path) -> None:
    payload = _ask(mixed, "--source", "*.mbox", "How often will the ferry across the Shatt al-Arab run?")
    chosen = payload["answer"] or payload["withheld_answer"]  # (the sentence chosen, confident or not)
    assert chosen["sentences"][0]["source"] == "desk.mbox:1"  # Dana's message, not Sami's quotation of it
    reply = reply_spans("Thanks, noted.\n\nOn Mon, Dana wrote:\n> every forty minutes\n-- \nSami\n")
    quoted = "".join("Thanks, noted.\n\nOn Mon, Dana wrote:\n> every forty minutes\n-- \nSami\n"[a:b] for a, b in reply)
    assert "forty minutes" in quoted and "Sami" in quoted and "Thanks" not in quoted


def test_no_mail_answer_quotes_a_header_or_a_signature(mixed: Path) -> None:
    for question in ("Which Linux does Dana run?", "Who is the river correspondent?", "What is the fare?"):
        payload = _ask(mixed, "--source", "*.mbox", question)
        for chosen in (payload["answer"], payload["withheld_answer"]):
            text = chosen["text"] if chosen else ""
            assert "X-Os" not in text and "Red Hat" not in text and "river correspondent" not in text


def test_sources_tie_a_thread_by_its_first_message(mixed: Path) -> None:
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(mixed), "--json"]).stdout)
    thread = [item for item in listed if item.get("thread") == "<ferry-1@courier.example>"]
    assert [item["title"] for item in thread] == ["Ferry timetable for the Shatt al-Arab",
                                                  "Re: Ferry timetable for the Shatt al-Arab",
                                                  "Re: Ferry timetable for the Shatt al-Arab", "Ferry briefing"]
    assert thread[2]["in_reply_to"] == "<ferry-2@example.net>" and "thread" not in listed[-1]
    assert thread[3]["date"] == "2024-01-10"  # an attachment is dated as its message


GREETED = b"""From ahmed@ports.example Mon Mar  3 09:12:00 2025
From: Ahmed Kareem <ahmed@ports.example>
Subject: Umm Qasr container volumes 2024
Date: Mon, 03 Mar 2025 09:12:00 +0300
Message-ID: <m1@ports.example>

Hi all,

The General Company for Ports of Iraq has published its figures. Umm Qasr
handled 1.4 million TEU of containers last year, up 11 percent.

Best,
Ahmed

From huda@customs.example Thu Apr 10 10:00:00 2025
From: Huda Saleh <huda@customs.example>
Subject: Re: Umm Qasr container volumes 2024
Date: Thu, 10 Apr 2025 10:00:00 +0300
In-Reply-To: <m1@ports.example>

Dear colleagues,

Customs revenue at Umm Qasr rose to 1.9 trillion dinars in the first quarter.

Regards,
Huda

On Mon, 3 Mar 2025 at 09:12, Ahmed Kareem
<ahmed@ports.example> wrote:
> Umm Qasr handled 1.4 million TEU of containers last year.
"""


def test_a_message_s_greeting_and_sign_off_are_never_its_lead_nor_quoted(tmp_path: Path) -> None:
    (tmp_path / "list.mbox").write_bytes(GREETED)
    payload = _ask(tmp_path, "-k", "10", "Umm Qasr container volumes 2024")  # the subject's words
    texts = [r["text"] for r in payload["results"]]
    assert {text.split()[0] for text in texts[:2]} == {"The", "Customs"}  # each message's own lead paragraph
    chosen = payload["answer"] or payload["withheld_answer"]
    assert chosen["text"].startswith(("The General Company", "Umm Qasr handled", "Customs revenue"))
    assert not any(text.startswith(("Hi all", "Dear colleagues", "Best", "Regards", "Ahmed", "<")) for text in texts)
    assert all(r["heading"] is None for r in payload["results"])  # the wrapped "On ... wrote:" heads nothing
    for question in ("Hi all", "Regards Huda", "Best Ahmed"):  # found (every word is), never quoted
        found = _ask(tmp_path, question)
        assert found["results"] and found["answer"] is None and found["withheld_answer"] is None, question


def test_mail_is_dated_by_its_date_header(mixed: Path) -> None:
    payload = _ask(mixed, "--since", "2024-01-09", "--until", "2024-01-09", "-k", "10", "ferry")
    assert {r["source"] for r in payload["results"]} == {f"desk.mbox:{_message_line(2)}"}


def test_a_maildir_message_and_a_truncated_mbox_are_read(mixed: Path) -> None:
    payload = _ask(mixed, "Who won the dredging contract for the Khor al-Zubair channel?")
    assert "Belgian company" in payload["answer"]["text"]
    (mixed / "cut.mbox").write_bytes(REPLY_CHAIN[:REPLY_CHAIN.index(b"VGhlIGZlcnJ5")] + b"VGhlIGZl")
    docs, notices = _read(mixed, "cut.mbox")
    assert len([d for d in docs if ":" not in d.part]) >= 2  # the messages before the cut are all there
    assert notices == [Notice("cut.mbox", f"cut off in the middle of a line of its last message (line "
                                          f"{_message_line(3)}): that message is read up to the cut, its last "
                                          "sentence never quoted")]


def _maildir_message(subject: str, body: str) -> bytes:
    return (f"Return-Path: <desk@example.org>\nFrom: Desk <desk@example.org>\nSubject: {subject}\n"
            f"Date: Mon, 06 May 2024 09:00:00 +0000\n\n{body}\n").encode()


def test_every_file_in_a_maildirs_cur_and_new_is_a_message_whatever_the_dots_in_its_name(tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    for folder in ("cur", "new", "tmp"):
        (inbox / folder).mkdir(parents=True)
    (inbox / "new" / "1700000000.M4P5Q6.mail.example.com").write_bytes(
        _maildir_message("Faw port", "The Grand Faw port opens its first berth in June."))
    (inbox / "new" / "1796662337.M784440P6946Q3.vm").write_bytes(
        _maildir_message("Rail link", "The rail link to Turkey carries its first train in 2028."))
    (inbox / "cur" / "1700000001.M1P2Q3.laptop.local:2,S").write_bytes(
        _maildir_message("Dredging", "The dredging of the channel ends in March."))
    (inbox / "cur" / "1700000003.M9P9Q9.host.example.txt").write_bytes(
        _maildir_message("Cranes", "Twelve cranes arrive at the terminal in July."))
    (inbox / "tmp" / "1700000009.M1P1Q1.host.example.com").write_bytes(b"From: Desk <desk@exa")  # being delivered
    (tmp_path / "cur").mkdir()  # a folder named cur/ that is not in a Maildir: its files are read by their suffix
    (tmp_path / "cur" / "chart.png").write_bytes(b"\x89PNG")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert indexed.exit_code == 0, indexed.output
    assert "Index built: 4 documents" in indexed.stdout
    assert "Left out: 1 of a type askiraq does not read (1 .png)" in indexed.stdout and indexed.stderr == ""
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(tmp_path), "--json"]).stdout)
    assert {(d["source"].split("/")[1], d["title"]) for d in listed} == {
        ("new", "Faw port"), ("new", "Rail link"), ("cur", "Dredging"), ("cur", "Cranes")}
    assert "Turkey" in _ask(tmp_path, "When does the rail link to Turkey carry its first train?")["answer"]["text"]
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path), "--json"]).stdout)
    assert report["files"] == 5 and report["unsupported"] == ["cur/chart.png"]  # (tmp/ is not walked)


def test_the_message_an_mbox_is_cut_off_in_is_read_up_to_the_cut_and_its_cut_sentence_never_quoted(
        tmp_path: Path) -> None:
    cut = REPLY_CHAIN[:REPLY_CHAIN.index(b"From dana@courier.example Wed")] + (
        b"From sami@example.net Thu Jan 11 08:00:00 2024\nFrom: Sami Aziz <sami@example.net>\n"
        b"Subject: Ferry fares\nDate: Thu, 11 Jan 2024 08:00:00 +0000\n\n"
        b"The ferry will carry cars from March, the river authority said.\n\n"
        b"The fare for a car will be 10,000 dinars, and the fare for a lorry will be rai")
    (tmp_path / "desk.mbox").write_bytes(cut)
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    warning = f"desk.mbox: cut off in the middle of a line of its last message (line {_message_line(3)})"
    assert indexed.exit_code == 0 and f"askiraq: warning: {warning}" in indexed.stderr
    assert json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path), "--json"]).stdout)[
        "warnings"][0].startswith(warning)
    assert "carry cars from March" in _ask(tmp_path, "When will the ferry carry cars?")["answer"]["text"]
    payload = _ask(tmp_path, "What will the fare for a car be?")
    assert payload["results"][0]["text"].endswith("will be rai")  # found...
    chosen = payload["answer"] or payload["withheld_answer"]
    assert chosen is None or "will be rai" not in chosen["text"]  # ...never quoted


def test_an_mbox_s_escaped_from_line_reads_as_written_and_can_be_quoted(tmp_path: Path) -> None:
    (tmp_path / "list.mbox").write_bytes(
        b"From alice@example.org Mon Jan  8 10:00:00 2024\nFrom: Alice <alice@example.org>\nSubject: Schools\n"
        b"Date: Mon, 8 Jan 2024 10:00:00 +0000\n\nHello all,\n\n"
        b">From the start, the quindle school programme aimed high.\n\n>>From a reply, escaped twice.\n")
    payload = _ask(tmp_path, "What did the quindle school programme aim for from the start?")
    assert payload["answer"]["text"] == "From the start, the quindle school programme aimed high."
    assert payload["answer"]["citations"][0].endswith("list.mbox:8")
    assert ">From a reply" in _ask(tmp_path, "reply escaped twice")["results"][0]["text"]  # (one level taken off)


def test_every_name_sources_prints_is_shown_by_show(mixed: Path) -> None:
    (mixed / "one.mbox").write_bytes(REPLY_CHAIN[:REPLY_CHAIN.index(b"From sami@")])  # an mbox of one message
    listed = json.loads(CliRunner().invoke(cli, ["sources", "--corpus", str(mixed), "--json"]).stdout)
    assert "one.mbox:1" in [item["source"] for item in listed]  # named by its "From " line, as in a longer mbox
    for item in listed:
        shown = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), item["source"]])
        assert shown.exit_code == 0, (item["source"], shown.output)
        assert shown.output.splitlines()[0].endswith(f"({item['source']}#1)"), item["source"]  # its first passage
    second = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), "one.mbox:1#2"])
    assert second.exit_code == 0 and "every forty minutes" in second.output
    several = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), "desk.mbox"])  # a file of several articles
    assert several.exit_code == 2 and "desk.mbox holds 4 articles (hint: name one as askiraq sources does: " \
        f"desk.mbox:1, desk.mbox:{_message_line(2)}, desk.mbox:{_message_line(3)})" in several.stderr


# ---------------------------------------------------------------- PDF


def test_a_two_column_report_reads_column_by_column_without_headers_or_page_numbers(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(_two_column_report())
    docs, notices = _read(tmp_path, "report.pdf")
    assert notices == [] and len(docs) == 1
    text = docs[0].text
    assert text.startswith("Iraq Water Review 2023 - Ministry of Water Resources\n")  # the running header: the title
    assert text.count("Ministry of Water Resources") == 1  # ...once
    assert "\n2\n" not in text  # the page number
    assert "long delays." in text  # "de-" / "lays." made whole
    left, right = text.index("area of rice this year."), text.index("Dams upstream in Turkey")
    assert left < right  # the left column before the right one
    assert len(docs[0].origin.pages) == 3


def test_a_page_of_a_pdf_is_cited_and_shown(mixed: Path) -> None:
    sentence = _ask(mixed, "Why is there less water in the Tigris?")["results"][0]
    assert sentence["page"] == 2 and sentence["citation"].split(":")[-2:][0].startswith("p2")
    shown = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), sentence["citation"]])
    assert shown.exit_code == 0 and sentence["text"][:40] in " ".join(shown.output.split())


def _railway_report(sections: list[tuple[str, str]]) -> bytes:
    """A report of a page a section: a running header over each section's heading and text, a page number below."""
    return _pdf([[(72, 760, "Iraqi Republic Railways - Annual Report 2024"), (72, 730, heading), (72, 700, text),
                  (300, 40, f"Page {number}")] for number, (heading, text) in enumerate(sections, 1)])


def test_a_running_header_is_the_title_once_and_never_a_page_s_heading(tmp_path: Path) -> None:
    four = [("Passenger services", "The overnight service carried 310,000 passengers in 2024."),
            ("Rolling stock", "The railway ordered 100 locomotives from Wabtec."),
            ("Freight", "Freight traffic reached 2.1 million tonnes in 2024."),
            ("Staff", "The company employs 11,500 people across the country.")]
    for count in (2, 4):
        folder = tmp_path / str(count)
        folder.mkdir()
        (folder / "report.pdf").write_bytes(_railway_report(four[:count]))
        docs, _ = _read(folder, "report.pdf")
        assert docs[0].text.startswith("Iraqi Republic Railways - Annual Report 2024\n\nPassenger services\n")
        assert docs[0].text.count("Annual Report 2024") == 1 and "Page 2" not in docs[0].text
        for heading, sentence in four[:count]:
            result = _ask(folder, "-k", "1", sentence)["results"][0]
            assert result["text"] == sentence and result["heading"] == heading, (count, result["heading"])


def test_a_press_release_s_dateline_heads_nothing(tmp_path: Path) -> None:
    (tmp_path / "release.eml").write_bytes(
        b"From: Media Office <media@planning.example>\nSubject: Census results\nDate: Mon, 25 Nov 2024 10:00:00 "
        b"+0300\n\nFOR IMMEDIATE RELEASE\n\nBaghdad, 25 November 2024\n\nThe Ministry of Planning announced that "
        b"Iraq's population stands at 46.1 million people.\n")
    result = _ask(tmp_path, "What is Iraq's population?")["results"][0]
    assert "46.1 million" in result["text"] and result["heading"] is None


def test_page_text_keeps_a_compound_hyphen_and_ends_paragraphs_at_short_lines() -> None:
    text, starts, page_lines = page_text([["A well-", "known fact fills this line of the page up to", "its end.",
                                           "Next paragraph starts here and fills a line", "and ends."]])
    assert "well-\nknown" in text and "its end.\n\nNext" in text and starts == (1,)
    assert page_lines == (1, 2, 3, 0, 4, 5, 0)  # (each line of the text: its line on the page; 0, a blank put in)


def test_a_pdf_citation_names_the_line_of_the_page_as_pypdf_reads_it(tmp_path: Path) -> None:
    import pypdf

    freight = "Freight traffic reached 2.1 million tonnes in 2024."
    header = (72, 760, "Iraqi Republic Railways - Annual Report 2024")
    (tmp_path / "report.pdf").write_bytes(_pdf([
        [header, (72, 730, "Passengers"), (72, 700, "The overnight service carried 310,000 passengers.")],
        [header, (72, 730, "Freight"), (72, 700, "Wagons were repaired in Basra."), (72, 670, freight)]]))
    result = _ask(tmp_path, "-k", "1", "How many tonnes of freight?")["results"][0]
    page = pypdf.PdfReader(tmp_path / "report.pdf").pages[1].extract_text().splitlines()
    line = page.index(freight) + 1  # (4: the running header, which askiraq leaves out, counts as pypdf reads it)
    assert result["citation"].endswith(f"report.pdf:p2:{line}") and result["line_start"] == line == 4
    shown = CliRunner().invoke(cli, ["show", "--corpus", str(tmp_path), f"report.pdf:p2:{line}"])
    assert shown.exit_code == 0 and freight in shown.output


def test_a_scan_an_encrypted_pdf_and_a_damaged_one_are_each_reported(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(_pdf([[], []]))
    (tmp_path / "locked.pdf").write_bytes(_pdf([[(72, 700, "Secret figures.")]], encrypt="pw"))
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    reasons = {}
    for name in ("scan.pdf", "locked.pdf", "damaged.pdf"):
        docs, notices = _read(tmp_path, name)
        assert docs == [] and len(notices) == 1
        reasons[name] = notices[0].message
    assert "no text layer" in reasons["scan.pdf"] and "encrypted" in reasons["locked.pdf"]
    assert reasons["damaged.pdf"].startswith("skipped: not a readable PDF")


def _mail_with_a_pdf(path: Path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = "Lina <lina@example.org>", "The water review"
    message["Date"] = "Thu, 11 Jan 2024 10:00:00 +0000"
    message.set_content("The ministry's annual water review is attached.\n")
    message.add_attachment(_two_column_report(), maintype="application", subtype="pdf", filename="review.pdf")
    path.write_bytes(message.as_bytes())


def test_files_skipped_for_a_missing_library_are_read_once_it_is_installed(mixed: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _mail_with_a_pdf(mixed / "review.eml")
    with monkeypatch.context() as uninstalled:
        uninstalled.setitem(sys.modules, "pypdf", None)
        uninstalled.setitem(sys.modules, "docx", None)
        built = CliRunner().invoke(cli, ["index", "--corpus", str(mixed)])
        assert "water-review.pdf: skipped: reading a PDF needs pypdf" in built.stderr
        assert "review.eml:review.pdf: skipped: reading a PDF needs pypdf" in built.stderr
        assert "ferry-report.docx: skipped: reading a Word document needs python-docx" in built.stderr
        again = CliRunner().invoke(cli, ["index", "--corpus", str(mixed)])  # still not installed: nothing to do
        assert again.stdout.startswith("Index already up to date")
        report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(mixed), "--json"]).stdout)
        assert report["state"] == "fresh" and len(report["skipped"]) == 2
        assert report["warnings"][-1].startswith("review.eml:review.pdf: skipped: reading a PDF needs pypdf")
    # pip install 'askiraq[formats]': the next run reads them, the mail's attachment too (its message unchanged)
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(mixed), "--json"]).stdout)
    assert report["state"].startswith("stale")
    rebuilt = CliRunner().invoke(cli, ["index", "--corpus", str(mixed)])
    assert rebuilt.stdout.startswith("Index built") and "skipped" not in rebuilt.stderr
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(mixed), "--json"]).stdout)
    assert report["skipped"] == [] and [line.split(":")[0] for line in report["warnings"]] == ["export.jsonl"] * 2
    listed = CliRunner().invoke(cli, ["sources", "--corpus", str(mixed)]).stdout
    assert "water-review.pdf" in listed and "ferry-report.docx" in listed and "review.eml:review.pdf" in listed
    assert CliRunner().invoke(cli, ["index", "--corpus", str(mixed)]).stdout.startswith("Index already up to date")


def test_a_question_while_a_library_is_still_missing_neither_rebuilds_nor_imports_it(
        mixed: Path, isolated_index_dir: Path) -> None:
    blocked = "import sys\nsys.modules['pypdf'] = sys.modules['docx'] = None\n"
    run = {"capture_output": True, "text": True, "check": True,
           "env": {**os.environ, "ASKIRAQ_INDEX_DIR": str(isolated_index_dir)}}
    built = subprocess.run([sys.executable, "-c", blocked + "from askiraq.index import open_index\n"
                            f"print(open_index({str(mixed)!r}).notices)"], **run)
    assert "needs='pypdf'" in built.stdout
    code = (blocked + "from askiraq.cli import cli\n"
            f"try:\n    cli.main(['ask', '--corpus', {str(mixed)!r}, 'ferry fare'], prog_name='askiraq')\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('askiraq.build', 'askiraq.readers', 'nltk', 'numpy') "
            "if m in sys.modules), sys.modules['pypdf'])")
    done = subprocess.run([sys.executable, "-c", code], **run)
    assert "2,000 dinars" in done.stdout and done.stdout.strip().splitlines()[-1] == "LOADED [] None"


def test_without_the_formats_extra_a_pdf_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "report.pdf").write_bytes(_two_column_report())
    monkeypatch.setitem(sys.modules, "pypdf", None)
    docs, notices = _read(tmp_path, "report.pdf")
    assert docs == [] and "askiraq[formats]" in notices[0].message


# ---------------------------------------------------------------- Word


def test_a_word_report_has_its_headings_and_tables(mixed: Path) -> None:
    docs, notices = _read(mixed, "ferry-report.docx")
    assert notices == [] and "## Passengers" in docs[0].text and "| Shatt Star | 180 |" in docs[0].text
    payload = _ask(mixed, "How many seats does the Faw Pearl have?")
    assert "240" in payload["answer"]["text"] and payload["answer"]["sentences"][0]["citation"].endswith("#3")


def test_a_passage_with_no_line_has_empty_line_cells_in_csv_as_null_in_json(mixed: Path) -> None:
    import csv
    import io

    question = "How many seats does the Faw Pearl have?"
    cited = _ask(mixed, question)["results"][0]
    assert cited["source"] == "ferry-report.docx" and cited["line_start"] is None and cited["line_end"] is None
    table = CliRunner().invoke(cli, ["ask", "--corpus", str(mixed), "--format", "csv", "-k", "1", question]).stdout
    row = next(csv.DictReader(io.StringIO(table)))
    assert row["source"] == "ferry-report.docx" and row["line_start"] == row["line_end"] == ""


def test_a_word_document_s_title_property_leaves_its_first_heading_a_heading(tmp_path: Path,
                                                                              isolated_index_dir: Path) -> None:
    import docx

    word = docx.Document()
    word.core_properties.title = "Infrastructure memo"
    word.add_heading("Rail project", 1)
    word.add_paragraph("The railway to Najaf will open in 2027.")
    word.add_heading("Power plants", 1)
    word.add_paragraph("Two gas plants will open near Basra in 2026.")
    word.save(str(tmp_path / "memo.docx"))
    results = _ask(tmp_path, "-k", "2", "When will the railway to Najaf open?")["results"]
    assert (results[0]["title"], results[0]["heading"]) == ("Infrastructure memo", "Rail project")
    assert "2027" in results[0]["text"]


def test_a_docx_that_is_another_zip_is_reported(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "fake.docx", "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    docs, notices = _read(tmp_path, "fake.docx")
    assert docs == [] and notices[0].message.startswith("skipped: not a readable Word document")


# ---------------------------------------------------------------- JSON exports


def test_each_record_of_an_export_is_an_article_cited_by_its_line(mixed: Path) -> None:
    docs, notices = _read(mixed, "export.jsonl")
    assert [d.part for d in docs] == ["1", "2"]
    assert docs[0].metadata == {"title": "Rail link to Turkey agreed", "author": "Omar Said",
                                "url": "https://news.example/rail", "publisher": "Reuters", "date": "2024-03-19"}
    assert "<b>" not in docs[0].text and "1,200 kilometres" in docs[0].text
    messages = " | ".join(n.message for n in notices)
    assert "1 line not JSON" in messages and "1 record with no text field" in messages
    answer = _ask(mixed, "How long will the rail link to Turkey be?")["answer"]["sentences"][0]
    assert answer["citation"].split("/")[-1].startswith("export.jsonl:1")
    assert answer["url"] == "https://news.example/rail" and answer["author"] == "Omar Said"


def test_a_json_array_cites_the_line_each_record_starts_on(tmp_path: Path) -> None:
    records = {"status": "ok", "articles": [{"title": "A", "text": "Alpha text about harbours."},
                                            {"title": "B", "text": "Bravo text about canals."}]}
    (tmp_path / "api.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
    docs, _ = _read(tmp_path, "api.json")
    lines = (tmp_path / "api.json").read_text(encoding="utf-8").splitlines()
    assert [lines[int(d.part) - 1].strip() for d in docs] == ["{", "{"]
    assert '"B"' in lines[int(docs[1].part)]


def test_unusual_field_names_are_given_by_the_user(tmp_path: Path) -> None:
    (tmp_path / "feed.jsonl").write_text(json.dumps({"hed": "Canal dug", "copy": "The canal is 40 km long."}) + "\n",
                                         encoding="utf-8")
    result = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "--json-fields text=FIELD" in result.output and "copy" in result.output
    payload = _ask(tmp_path, "--json-fields", "text=copy,title=hed", "How long is the canal?")
    assert payload["answer"]["text"] == "The canal is 40 km long."
    assert payload["results"][0]["title"] == "Canal dug"


@pytest.mark.parametrize("setting", ["text", "foo=bar", "text=", "text=copy,headline"])
def test_a_field_names_setting_that_is_not_field_equals_name_is_a_usage_error(tmp_path: Path, setting: str) -> None:
    (tmp_path / "feed.jsonl").write_text(json.dumps({"hed": "Canal dug", "copy": "The canal is 40 km long."}) + "\n",
                                         encoding="utf-8")
    assert CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path), "--json-fields", "text=copy"]).exit_code == 0
    for command in (["index"], ["ask", "How long is the canal?"]):
        result = CliRunner().invoke(cli, [*command, "--corpus", str(tmp_path), "--json-fields", setting])
        bad = setting.rpartition(",")[2]
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr == (
            f"askiraq: error: Invalid value for '--json-fields' (env var: 'ASKIRAQ_JSON_FIELDS'): {bad!r} is not "
            "FIELD=NAME, with FIELD one of text, title, date, author, url, publisher (e.g. text=story,title=headline) "
            f"(hint: see askiraq {command[0]} --help)\n")
    kept = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])  # the index keeps the setting it had
    assert kept.stdout.startswith("Index already up to date: 1 document")
    assert _ask(tmp_path, "How long is the canal?")["answer"]["text"] == "The canal is 40 km long."


def test_a_json_file_that_is_not_json_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"articles": [1, 2,', encoding="utf-8")
    docs, notices = _read(tmp_path, "broken.json")
    assert docs == [] and notices[0].message.startswith("skipped: not JSON")


# ---------------------------------------------------------------- the folder as a whole


def test_a_mixed_folder_answers_from_every_format(mixed: Path) -> None:
    expected = {
        "When did the new container terminal at Umm Qasr open?": ("basra-terminal.html", "Thursday"),
        "What fare will the Shatt al-Arab ferry charge?": (f"desk.mbox:{_message_line(2)}", "2,000 dinars"),
        "How many passengers did the ferry company carry in 2023?": ("ferry-report.docx", "1.2 million"),
        "Where did farmers plant half the usual area of rice?": ("water-review.pdf", "Wasit"),
        "When will the rail link through Mosul open?": ("export.jsonl:1", "2028"),
        "When does the harbour master retire?": ("notes.txt", "June"),
        "How much did each ferry vessel cost?": (f"desk.mbox:{_message_line(3)}:briefing.html", "3.5 billion"),
    }
    for question, (source, words) in expected.items():
        payload = _ask(mixed, question)
        answer = payload["answer"] or payload["withheld_answer"]  # (the sentence chosen, confident or not)
        assert answer is not None, question
        assert answer["sentences"][0]["source"] == source and words in answer["text"], (question, answer)


def test_every_citation_of_every_format_is_shown_by_show(mixed: Path) -> None:
    payload = _ask(mixed, "-k", "40", "ferry terminal rice rail passengers harbour dredging canal vessel")
    assert len({r["source"].split(":")[0] for r in payload["results"]}) >= 6
    for result in payload["results"]:
        shown = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), result["citation"]])
        assert shown.exit_code == 0, (result["citation"], shown.output)
        assert f"({result['passage_id']})" in shown.output.splitlines()[0], result["citation"]
        by_id = CliRunner().invoke(cli, ["show", "--corpus", str(mixed), result["passage_id"]])
        assert by_id.exit_code == 0 and shown.output == by_id.output


def test_info_and_index_account_for_every_file(mixed: Path) -> None:
    (mixed / "broken.json").write_text("{", encoding="utf-8")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(mixed)])
    assert indexed.exit_code == 0
    assert "Left out: 1 not JSON; 1 of a type askiraq does not read (1 .jpg)" in indexed.stdout
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(mixed), "--json"]).stdout)
    assert report["files"] == 9  # every file of the folder: 7 read, 1 not JSON, 1 photo
    assert report["skipped"] == ["broken.json: skipped: not JSON (Expecting property name enclosed in double "
                                 "quotes: line 1 column 2 (char 1))"]
    assert report["unsupported"] == ["photo.jpg"]
    assert report["left_out"] == "1 not JSON; 1 of a type askiraq does not read (1 .jpg)"
    assert report["left_out_counts"] == {"not JSON": 1, "of a type askiraq does not read": 1}
    assert "left out counts" not in CliRunner().invoke(cli, ["info", "--corpus", str(mixed)]).stdout


def test_a_reason_that_holds_its_own_count_is_said_once_in_the_left_out_summary(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("The harbour master retires in June.\n", encoding="utf-8")
    for name in ("odd.jsonl", "other.jsonl"):
        (tmp_path / name).write_text('{"hed": "Port", "copy": "The port opens."}\n{"hed": "Rail", "copy": "x"}\n',
                                     encoding="utf-8")
    (tmp_path / "blank.txt").write_text("\n", encoding="utf-8")
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)])
    assert "odd.jsonl: skipped: no text field in its records (2 records; their text fields: copy, hed); name the " \
           "text field with --json-fields text=FIELD" in indexed.stderr
    assert "Left out: 2 no text field in its records; 1 empty file (askiraq info lists them)" in indexed.stdout
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path), "--json"]).stdout)
    assert report["left_out_counts"] == {"no text field in its records": 2, "empty file": 1}
    # An index built by an earlier askiraq says the count inside its reason: the summary counts files all the same.
    from askiraq.index import left_out_summary

    earlier = ["odd.jsonl: skipped: 2 records with no text field left out (their text fields: copy, hed); name the "
               "text field with --json-fields text=FIELD"]
    assert left_out_summary(earlier, ("a.png",)) == "1 records with no text field; 1 of a type askiraq does not " \
                                                    "read (1 .png)"


def test_info_lists_what_went_wrong_inside_a_file_that_was_read(mixed: Path) -> None:
    indexed = CliRunner().invoke(cli, ["index", "--corpus", str(mixed)])
    assert "export.jsonl: 1 line not JSON, left out (line 4)" in indexed.stderr
    assert "Warnings: 2 warnings about files indexed all the same (askiraq info lists them)" in indexed.stdout
    expected = ["export.jsonl: 1 line not JSON, left out (line 4)",
                "export.jsonl: 1 record with no text field left out (their text fields: headline, summary)"]
    (mixed / "notes.txt").write_text("Notes\n\nThe harbour master retires in July.\n", encoding="utf-8")
    for _ in range(2):  # long after the build, and after another file changed (the export is not read again)
        report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(mixed), "--json"]).stdout)
        assert report["warnings"] == expected and report["skipped"] == []
        assert "July" in _ask(mixed, "When does the harbour master retire?")["answer"]["text"]
    text = CliRunner().invoke(cli, ["info", "--corpus", str(mixed)]).stdout
    assert f"{'warnings:':22}2 warnings\n{'':22}{expected[0]}\n{'':22}{expected[1]}\n" in text


def test_info_names_the_files_of_a_type_askiraq_does_not_read(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("The harbour master retires in June.\n", encoding="utf-8")
    names = [f"chart-{number:02d}.png" for number in range(25)]
    for name in names:
        (tmp_path / name).write_bytes(b"\x89PNG")
    assert "25 of a type askiraq does not read (25 .png)" in CliRunner().invoke(cli, ["index", "--corpus",
                                                                                   str(tmp_path)]).stdout
    report = json.loads(CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path), "--json"]).stdout)
    assert report["unsupported"] == names  # all of them
    text = CliRunner().invoke(cli, ["info", "--corpus", str(tmp_path)]).stdout
    assert f"{'unsupported:':22}25 files\n{'':22}chart-00.png\n" in text and f"{'':22}chart-18.png\n" in text
    assert "chart-19.png" not in text and f"{'':22}and 6 more (askiraq info --json lists them all)\n" in text


def test_a_folder_of_only_unsupported_files_says_what_it_found_and_what_is_read(tmp_path: Path) -> None:
    for name in ("a.jpg", "b.jpg", "sheet.xlsx"):
        (tmp_path / name).write_bytes(b"\x00\x01")
    with pytest.raises(CorpusError) as caught:
        open_index(tmp_path)
    assert "2 .jpg, 1 .xlsx" in caught.value.message and ".html" in caught.value.hint and ".pdf" in caught.value.hint


def test_a_question_over_pages_and_mail_imports_no_reader_library(mixed: Path, isolated_index_dir: Path) -> None:
    open_index(mixed)
    code = ("import sys\nfrom askiraq.cli import cli\n"
            f"try:\n    cli.main(['ask', '--corpus', {str(mixed)!r}, 'ferry fare'], prog_name='askiraq')\n"
            "except SystemExit as exit:\n    code = exit.code\n"
            "print('LOADED', sorted(m for m in ('trafilatura', 'lxml', 'pypdf', 'docx', 'email.parser', 'nltk', "
            "'numpy', 'askiraq.readers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "ASKIRAQ_INDEX_DIR": str(isolated_index_dir)})
    assert "2,000 dinars" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "LOADED []"


# ---------------------------------------------------------------- Markdown for site generators

SITE_PAGE = """---
title: Release notes
---
## v0.1.0 {#v0-1-0}
{: .changelog}

<h5>Pinned items</h5> <p>Items marked &#34;pinned&#34; stay at the top of the list &amp; never expire.</p>

{% include footer.html %}

Posted by {{ page.author }}: the sync now runs every <b>fifteen minutes</b>.

```html
<div>code &amp; stays as written</div>
```
"""


def test_markdown_html_entities_and_template_tags_never_reach_an_answer(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text(SITE_PAGE, encoding="utf-8")
    payload = _ask(tmp_path, "Which items stay at the top and never expire?")
    answer = payload["answer"]["text"]
    assert answer == 'Pinned items Items marked "pinned" stay at the top of the list & never expire.'
    assert payload["answer"]["sentences"][0]["line_start"] == 7  # the file's own line
    for question in ("How often does the sync run?", "footer include page author", "changelog v0-1-0"):
        quoted = " ".join(r["text"] for r in _ask(tmp_path, "-k", "10", question)["results"])
        assert not any(mark in quoted for mark in ("{%", "{{", "{:", "{#", "&#", "<b>", "<h5>")), quoted
    assert "<div>code &amp; stays as written</div>" in " ".join(
        r["text"] for r in _ask(tmp_path, "-k", "10", "code stays written")["results"])  # code is kept as it is


def test_a_dot_markdown_file_is_read_as_markdown(tmp_path: Path, isolated_index_dir: Path) -> None:
    (tmp_path / "notes.markdown").write_text("# Backups\n\nThe **nightly** job starts at 02:30 UTC.\n",
                                             encoding="utf-8")
    payload = _ask(tmp_path, "When does the nightly backup job start?")
    assert payload["answer"]["text"] == "The nightly job starts at 02:30 UTC."  # (markup is not text)
    assert payload["answer"]["sentences"][0]["citation"].endswith("notes.markdown:3")


def test_a_code_block_is_never_a_heading(tmp_path: Path) -> None:
    from askiraq.passages import split_document

    fenced = "Setup\n\n```\npip install askiraq\n```\n\nThen build the index of the folder once.\n"
    split = split_document(fenced)
    assert [fenced[p.start:p.end] for p in split.passages][-1] == "Then build the index of the folder once."
    assert all(p.heading == (0, 0) for p in split.passages)
    shell = "Intro text of the page.\n\n```bash\n# Build the index\naskiraq index\n```\n\nMore text follows.\n"
    assert all(p.heading == (0, 0) for p in split_document(shell).passages)  # a shell comment is no heading
    indented = "Notes\n\nSome text to read first.\n\n    make build\n\nThe build takes a minute.\n"
    assert all(p.heading == (0, 0) for p in split_document(indented, markdown=True).passages)


def test_a_message_with_raw_8bit_headers_and_bytes_is_indexed(tmp_path: Path) -> None:
    (tmp_path / "raw.eml").write_bytes(b"From: J\xf6rg <j@example.org>\nSubject: Gr\xfc\xdfe aus Basra\n"
                                       b"Date: Fri, 12 Jan 2024 10:00:00 +0000\n\nThe quay wall is 640 metres long "
                                       b"and was finished in \xff\xfe March.\n")
    payload = _ask(tmp_path, "How long is the quay wall?")
    assert "640 metres" in payload["answer"]["text"] and payload["results"][0]["date"] == "2024-01-12"


def test_an_unreadable_mbox_is_read_once_it_can_be(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    (tmp_path / "desk.mbox").write_bytes(REPLY_CHAIN)
    (tmp_path / "notes.txt").write_text("The harbour master retires in June.\n", encoding="utf-8")
    (tmp_path / "desk.mbox").chmod(0)
    try:
        assert "desk.mbox: skipped: cannot read" in CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path)]).output
        (tmp_path / "desk.mbox").chmod(0o644)
        assert _ask(tmp_path, "What fare will the ferry charge?")["answer"]["sentences"][0]["source"] == \
            f"desk.mbox:{_message_line(2)}"
    finally:
        (tmp_path / "desk.mbox").chmod(0o644)


def test_every_package_of_askiraq_is_in_the_install() -> None:
    import re

    project = Path(__file__).resolve().parent.parent
    listed = re.search(r"^packages = \[(.*)\]$", (project / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    assert listed is not None
    packages = {name.strip().strip('"') for name in listed.group(1).split(",")}
    found = {".".join(init.parent.relative_to(project).parts) for init in (project / "askiraq").rglob("__init__.py")}
    assert found <= packages  # (a subpackage left out of the list is missing from a non-editable install)


def test_an_index_built_again_keeps_the_field_names_the_user_gave(tmp_path: Path) -> None:
    """An index askiraq must build again (another version's, here its passage vectors' format) keeps the settings
    it was built with that the user does not give again: the JSON field names, not only the semantic mode."""
    (tmp_path / "feed.jsonl").write_text(json.dumps({"hed": "Canal dug", "copy": "The canal is 40 km long."}) + "\n",
                                         encoding="utf-8")
    assert CliRunner().invoke(cli, ["index", "--corpus", str(tmp_path), "--json-fields", "text=copy,title=hed",
                                    "--semantic"]).exit_code == 0
    meta_file = next(Path(os.environ["ASKIRAQ_INDEX_DIR"]).glob("*/gen-*/meta.json"))
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    del meta["vectors"]["format"]  # as askiraq 0.2 wrote it: the index is built again
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    payload = _ask(tmp_path, "How long is the canal?")
    assert payload["answer"]["text"] == "The canal is 40 km long." and payload["results"][0]["title"] == "Canal dug"
