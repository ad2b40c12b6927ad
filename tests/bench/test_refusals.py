"""The refusal bench (``python -m bench refusals``) at a tiny scale: a row for every hostile shape.

Each shape is refused as the hostile-query tests expect (the bench fails otherwise); no test
asserts a timing: the figures are measured and recorded by the bench itself (bench/results/).
"""

from __future__ import annotations

from pathlib import Path

import orjson

from bench import refusals, report
from tests.support.hostile import gzip_bomb, hostile_requests

QUICK = ("--repetitions", "2", "--warmup", "1", "--settle", "0", "--bomb-mib", "8", "--catalogue", "5")


def test_every_hostile_shape_gets_a_row_and_is_refused_as_expected(tmp_path: Path) -> None:
    code = refusals.main([*QUICK, "--results-dir", str(tmp_path)])

    (path,) = tmp_path.glob("refusals-*.json")
    doc = orjson.loads(path.read_bytes())
    shapes = [hostile.name for hostile in hostile_requests(gzip_bomb(8))]
    assert code == 0
    assert doc["scenario"] == "refusals"
    assert list(doc["targets"]) == shapes
    for name, row in doc["targets"].items():
        assert row["errors"] == 0, (name, row["wrong_answers"])
        assert row["cpu_ms"].keys() >= {"n", "min", "p50", "p95", "max", "mean"}
        assert row["cpu_ms"]["n"] == 2
    assert doc["reference"]["errors"] == 0
    rows = [line for line in (tmp_path / report.SUMMARY).read_text().splitlines() if "| refusals |" in line]
    assert len(rows) == len(shapes)
    assert all(line.count("|") == 16 for line in rows)  # the table's 15 columns
