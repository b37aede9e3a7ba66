"""scripts/bench.py --peers (scripts/bench_peers.py): askiraq beside tantivy and bm25s. The peers are development
dependencies (askiraq[bench]); CI does not install them, so the run itself is skipped there, and the missing-peer
path is what it checks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, load_script

bench_peers = load_script("bench_peers")


def test_a_missing_peer_is_one_line_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        bench_peers.require_peers(["tantivy", "no_such_peer_library"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_peer_library" in err and "askiraq[bench]" in err


def test_lucene_says_why_it_is_left_out() -> None:
    note = bench_peers.lucene_note()
    assert note.startswith("Lucene (pyserini) left out: ") and "\n" not in note


def test_the_table_names_askiraq_against_the_best_peer() -> None:
    engines = {"askiraq": {"build_s": 4.0, "batch_qps": 50.0}, "tantivy": {"build_s": 1.0, "batch_qps": 200.0},
               "bm25s": {"build_s": 2.0, "batch_qps": 100.0}}
    table = bench_peers.format_table([{"passages": 1234, "floor_ms": 40.0, "engines": engines}])
    assert "| 1,234 | build | 4.00 s | 1.00 s | 2.00 s | 4.00x tantivy |" in table
    assert "| 1,234 | batch (askiraq: full answers; peers: top-10) | 50.0 q/s | 200 q/s | 100 q/s | 0.25x tantivy |" \
        in table


def test_the_hybrid_has_a_column_of_its_own_only_when_it_was_measured() -> None:
    engines = {"askiraq": {"build_s": 4.0}, "tantivy": {"build_s": 1.0}, "bm25s": {"build_s": 2.0}}
    plain = bench_peers.format_table([{"passages": 1234, "floor_ms": 40.0, "engines": engines}])
    assert "askiraq semantic" not in plain
    both = bench_peers.format_table([{"passages": 1234, "floor_ms": 40.0,
                                      "engines": {**engines, "askiraq semantic": {"build_s": 9.0}}}])
    assert both.splitlines()[0] == ("| passages | figure | askiraq | askiraq semantic | tantivy | bm25s "
                                    "| askiraq ÷ best peer |")
    assert both.splitlines()[1] == "|---|---|---|---|---|---|---|"
    assert "| 1,234 | build | 4.00 s | 9.00 s | 1.00 s | 2.00 s | 4.00x tantivy |" in both
    assert "| 1,234 | warm top-10, median | — | — | — | — | — |" in both


def test_peers_benchmark_on_a_tiny_corpus(tmp_path: Path) -> None:
    missing = bench_peers.missing_peers()
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (pip install 'askiraq[bench]'): the peers run is skipped")
    output = tmp_path / "peers.json"
    env = {k: v for k, v in os.environ.items() if k != "ASKIRAQ_INDEX_DIR"}
    done = subprocess.run([sys.executable, str(PROJECT / "scripts" / "bench.py"), "--peers", "--sizes", "300",
                           "--repeat", "3", "--data-dir", str(tmp_path / "data"), "--output", str(output)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Lucene (pyserini) left out: ")
    assert "| passages | figure | askiraq | tantivy | bm25s | askiraq ÷ best peer |" in lines
    rows = [line.split(" | ") for line in lines if line.startswith("| ") and "---" not in line][1:]
    labels = [label for _, label, _, _ in bench_peers.FIGURES]
    assert len(rows) == len(labels) and all(row[1].startswith(label) for row, label in zip(rows, labels, strict=True))
    result = json.loads(output.read_text())["sizes"][0]
    assert 200 <= result["passages"] <= 400 and all(row[0] == f"| {result['passages']:,}" for row in rows)
    for engine in ("askiraq", "tantivy", "bm25s"):
        figures = result["engines"][engine]
        assert all(figures[key] > 0 for key in ("build_s", "build_peak_mib", "index_mib", "warm_median_ms",
                                                "warm_p95_ms", "cold_ms", "batch_qps"))
    assert "full_question_ms" in result["engines"]["askiraq"] and "full_question_ms" not in result["engines"]["tantivy"]
    assert all(row[5].rstrip(" |").endswith(("x tantivy", "x bm25s", "—")) for row in rows)
