"""The memory soak (``python -m bench soak``): its verdict from samples alone, and the scenario end to end
at a tiny scale on SQLite (the machinery: every kind of request answered as expected, RSS sampled per
process). No test asserts a timing or a memory figure.

The level is the median of the samples in ``[settle, settle + 60 s]``; every sample from settle on
must stay within ±10 % of it.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from bench import soak

EVERY_S = 30
SETTLE_S = 300.0


def series(values: list[float]) -> list[tuple[float, float]]:
    return [(float(EVERY_S * n), value) for n, value in enumerate(values)]


def test_memory_that_levels_off_after_the_settle_time_is_within() -> None:
    warming = [139.0, 141.0, 143.0, 145.0, 147.0, 148.0, 149.0, 150.0, 150.0, 150.0]  # the first 5 minutes
    level = [150.0, 152.0, 149.0, 151.0, 153.0, 150.0, 148.0, 152.0, 151.0, 150.0] * 5  # the next 25 minutes

    verdict = soak.memory_verdict(series(warming + level), settle_s=SETTLE_S)

    assert verdict["level_mb"] == 150.0  # median of the samples at 300, 330 and 360 s: 150, 152, 149
    assert verdict["max_deviation_percent"] == 2.0
    assert verdict["within_10_percent"] is True
    assert verdict["first_mb"] == 139.0


def test_memory_that_keeps_growing_from_139_to_268_mb_is_not_within() -> None:
    growing = [139.0 + (268.0 - 139.0) * n / 60 for n in range(61)]  # 30 minutes, never levelling off

    verdict = soak.memory_verdict(series(growing), settle_s=SETTLE_S)

    assert verdict["within_10_percent"] is False
    assert 155 < verdict["level_mb"] < 165  # the median at 300–360 s, already above where it started
    assert verdict["max_deviation_percent"] > 60
    assert verdict["last_mb"] == 268.0


def test_a_sample_that_drops_too_far_below_the_level_is_not_within_either() -> None:
    values = [100.0] * 20 + [85.0] + [100.0] * 5

    assert soak.memory_verdict(series(values), settle_s=SETTLE_S)["within_10_percent"] is False


def test_no_sample_in_the_level_window_gives_no_verdict() -> None:
    verdict = soak.memory_verdict(series([100.0, 110.0, 120.0]), settle_s=SETTLE_S)

    assert verdict["level_mb"] is None
    assert verdict["within_10_percent"] is None


def test_overall_is_false_when_one_process_is_not_within_and_none_without_a_verdict() -> None:
    within, growing, unknown = ({"within_10_percent": value} for value in (True, False, None))

    assert soak.overall({"hub": within, "hub.worker1": within}) is True
    assert soak.overall({"hub": within, "hub.worker1": growing, "agency.court": unknown}) is False
    assert soak.overall({"hub": within, "agency.court": unknown}) is None


def test_a_tiny_soak_on_sqlite_answers_every_kind_as_expected_and_samples_every_process(tmp_path: Path) -> None:
    argv = ["--database", "sqlite", "--duration", "4", "--sample-every", "1", "--settle", "1", "--rate", "20"]
    code = soak.main([*argv, "--bomb-mib", "8", "--catalogue", "200", "--seed", "3", "--results-dir", str(tmp_path)])

    (path,) = tmp_path.glob("soak-*.json")
    doc = orjson.loads(path.read_bytes())
    hub = doc["targets"]["hub-sqlite"]
    assert code == 0
    assert hub["errors"] == 0, hub["error_kinds"]
    assert hub["requests_per_kind"].keys() == {"read", "submit", "acknowledge", "hostile", "subscription"}
    assert hub["subscription_events_received"] > 0
    processes = hub["memory"]["processes"]
    assert {"hub", "hub.worker1", "hub.worker2", "agency.court"} <= processes.keys()
    assert all(len(p["samples"]) >= 3 and p["within_10_percent"] is not None for p in processes.values())
    assert doc["within_10_percent"] in {True, False}


def test_kinds_and_hostile_shapes_choose_what_is_sent_to_split_a_growth_by_its_cause() -> None:
    chosen = soak.parse_args(["--kinds", "read, subscription", "--hostile-shapes", "gzip-bomb,body-10mb"])
    every = soak.parse_args([])

    assert chosen.kinds == ["read", "subscription"]
    assert chosen.hostile_shapes == ["gzip-bomb", "body-10mb"]
    assert every.kinds == list(soak.KINDS)
    assert every.hostile_shapes == []


def test_an_unknown_kind_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        soak.parse_args(["--kinds", "read,bombs"])

    assert "--kinds" in capsys.readouterr().err


def test_a_tiny_soak_of_one_kind_sends_only_that_kind(tmp_path: Path) -> None:
    argv = ["--database", "sqlite", "--duration", "3", "--sample-every", "1", "--settle", "1", "--rate", "10"]
    argv += ["--kinds", "hostile", "--hostile-shapes", "body-10mb-chunked,bad-token", "--catalogue", "200"]
    code = soak.main([*argv, "--seed", "3", "--results-dir", str(tmp_path)])

    (path,) = tmp_path.glob("soak-*.json")
    doc = orjson.loads(path.read_bytes())
    hub = doc["targets"]["hub-sqlite"]
    assert code == 0
    assert hub["errors"] == 0, hub["error_kinds"]
    assert hub["requests_per_kind"].keys() == {"hostile"}
    assert doc["load"]["kinds_sent"] == ["hostile"]
    assert doc["load"]["hostile_shapes"] == ["body-10mb-chunked", "bad-token"]
