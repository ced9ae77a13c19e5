"""The benchmark suite at its smoke size: every figure is measured and written as JSON.

Timings are not judged here (they belong to bench/, see docs/performance.md); this checks
that the suite runs end to end against real servers and reports what it promises.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed"),
]


def test_the_suite_measures_every_figure_at_smoke_size(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [written] = tmp_path.glob("*-smoke.json")
    document = json.loads(written.read_text())
    assert document["size"] == "smoke" and document["machine"]["cpus"] >= 1
    rows = {row["figure"]: row for row in document["rows"]}
    expected = [
        "answer PUT, 32 connections (SQLite, 1 worker)",
        "answer PUT p99, 8 connections (SQLite, 1 worker)",
        "GET analyse p99, 8 connections (SQLite, 1 worker)",
        "GET vergelijking p99, 8 connections (SQLite, 1 worker)",
        "server memory after the load (SQLite, 1 worker)",
        "cached PDF download (SQLite, 1 worker)",
        "gap analysis of one assessment (score + analyse, pure)",
        "one PDF report against bare WeasyPrint on the same HTML",
        "national benchmark read at 1x",
    ]
    assert set(expected) <= set(rows), sorted(rows)
    for row in document["rows"]:
        assert row["project"] > 0, row
        if row["ceiling"] is not None:
            assert row["ratio"] == pytest.approx(row["project"] / row["ceiling"])
    put = rows["answer PUT, 32 connections (SQLite, 1 worker)"]
    assert put["note"].endswith(" 0 refused"), put
    assert rows["cached PDF download (SQLite, 1 worker)"]["note"] == "repeat with ETag: 304"
    assert any(r.startswith("report --all speed-up, 2 reports") for r in rows)
    assert any(r.startswith("national benchmark publish at 1x") for r in rows)
    table = done.stdout
    assert "figure" in table and "ceiling" in table and str(written) in table
