"""The hub-only bench scenarios (inbox-polling, submit-ack, fanout) end to end at a tiny scale.

Each runs exactly as ``python -m bench <scenario>`` does — agency services, ``lienthong serve``,
the load, the results file and its SUMMARY.md row — with a handful of offices for a second or
two. Only the machinery and the correctness figures are checked (nothing lost, the ledger
holds what clients were told); no test asserts a timing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from bench import fanout, inbox_polling, report, submit_ack, suite
from tests.fixtures.databases import PostgresServer

TINY_WORLD = ("--catalogue", "200", "--seed", "3")
TARGET_KEYS = {"requests", "ok", "errors", "elapsed_s", "rps", "latency_ms", "cpu"}
LATENCY_KEYS = {"n", "min", "p50", "p90", "p95", "p99", "max", "mean"}


def only_result(results: Path, scenario: str) -> dict[str, Any]:
    (path,) = results.glob(f"{scenario}-*.json")
    doc: dict[str, Any] = orjson.loads(path.read_bytes())
    assert {"format", "scenario", "started_at", "git", "machine", "setup", "load", "targets"} <= doc.keys()
    assert doc["scenario"] == scenario
    rows = [line for line in (results / report.SUMMARY).read_text().splitlines() if f"| {scenario} |" in line]
    assert len(rows) == len(doc["targets"])
    assert all(line.count("|") == 16 for line in rows)  # the table's 15 columns
    return doc


def test_inbox_polling_reads_every_office_inbox_without_error(tmp_path: Path) -> None:
    argv = ["--offices", "5", "--per-office", "2", "--acknowledged", "0.5", "--duration", "1", "--warmup", "0"]
    code = inbox_polling.main([*argv, "--settle", "0", *TINY_WORLD, "--results-dir", str(tmp_path)])

    doc = only_result(tmp_path, "inbox-polling")
    hub = doc["targets"]["hub"]
    assert code == 0
    assert hub.keys() >= TARGET_KEYS
    assert hub["latency_ms"].keys() >= LATENCY_KEYS
    assert hub["requests"] > 0
    assert hub["errors"] == 0
    assert hub["mean_transfers_per_answer"] == 1  # 2 submitted, 1 acknowledged: one new transfer per inbox
    assert doc["setup"]["offices"] == 5
    assert len(set(doc["setup"]["office_codes"])) == 5
    assert doc["setup"]["ledger"]["transfers"] == 10
    assert "hub" in hub["cpu"]
    assert "load_generator" in hub["cpu"]


def test_submit_ack_on_sqlite_finds_every_acknowledged_transfer_in_the_ledger(tmp_path: Path) -> None:
    argv = ["--databases", "sqlite", "--offices", "3", "--concurrency", "3", "--duration", "1", "--warmup", "0"]
    code = submit_ack.main([*argv, "--settle", "0", *TINY_WORLD, "--results-dir", str(tmp_path)])

    doc = only_result(tmp_path, "submit-ack")
    hub = doc["targets"]["hub-sqlite"]
    check = hub["ledger_check"]
    assert code == 0
    assert hub.keys() >= TARGET_KEYS
    assert {"submit_latency_ms", "acknowledge_latency_ms", "transfers_per_s"} <= hub.keys()
    assert hub["ok"] > 0
    assert hub["errors"] == 0
    assert check["ok"]
    assert check["registers_gapless"]
    assert check["acknowledged_in_ledger_with_the_same_number"] == check["acknowledged_told_to_clients"] > 0
    assert check["transfers_in_ledger"] == check["submitted_told_to_clients"]


@pytest.mark.postgres
def test_submit_ack_on_postgresql_finds_every_acknowledged_transfer_in_the_ledger(
    postgres_server: PostgresServer,
) -> None:
    server = postgres_server.url_for(postgres_server.admin_url.database or "postgres")
    argv = ["--databases", "postgresql", "--server", server, "--offices", "2", "--concurrency", "2"]
    code = submit_ack.main([*argv, "--duration", "1", "--warmup", "0", "--settle", "0", *TINY_WORLD, "--no-record"])

    assert code == 0


def test_fanout_delivers_every_event_to_every_subscriber_once(tmp_path: Path) -> None:
    argv = ["--subscribers", "20", "--offices", "4", "--rate", "5", "--duration", "1", "--idle", "0.5"]
    code = fanout.main([*argv, "--drain", "15", *TINY_WORLD, "--results-dir", str(tmp_path)])

    doc = only_result(tmp_path, "fanout")
    hub = doc["targets"]["hub"]
    assert code == 0
    assert hub.keys() >= TARGET_KEYS
    assert hub["latency_ms"].keys() >= LATENCY_KEYS
    assert hub["subscribers"]["connected"] == 20
    assert hub["subscribers"]["failed_to_connect"] == 0
    assert hub["events_submitted"] == 5
    assert hub["requests"] == 5 * 20 // 4  # each event goes to the 5 subscribers of its office
    assert hub["events_lost"] == 0
    assert hub["duplicates"] == 0
    assert hub["errors"] == 0
    assert hub["readiness"]["lost"] == 0
    assert hub["latency_ms"]["n"] == hub["requests"]


def test_national_report_documents_get_summary_rows(tmp_path: Path) -> None:
    warm = {"n": 3, "min": 90.0, "p50": 100.0, "p95": 120.0, "max": 120.0, "mean": 105.0}
    doc = {
        "scenario": "national-report",
        "started_at": "2026-11-26T08:10:50+00:00",
        "git": {"short": "abc", "dirty": False},
        "in_process": {"warm_ms": warm, "cpu_warm": {"this_process_cores": 0.6, "other_cores": 0.0, "seconds": 1.0}},
        "http": {"warm_ms": warm, "error_count": 0, "cpu_warm": {"hub_cores": 0.7, "other_cores": 0.0, "seconds": 1.0}},
    }
    path = tmp_path / "national-report-20261126T081050Z.json"

    rows = report.summary_rows(doc, path)

    assert [row.split(" | ")[2] for row in rows] == ["in process", "hub (HTTP)"]
    assert all(row.count("|") == 16 for row in rows)
    assert "| 0 / 4 |" in rows[1]


def test_bench_all_quick_shortens_every_scenario(tmp_path: Path) -> None:
    args = suite.parse_args(["--quick", "--only", "judgment-360,fanout", "--results-dir", str(tmp_path)])

    judgment_argv, _ = suite.scenario_argv("judgment-360", args)
    fanout_argv, cannot = suite.scenario_argv("fanout", args)

    assert "--duration" in judgment_argv
    assert judgment_argv[-2:] == ["--targets", "hub,limit"]
    assert cannot is None
    assert fanout_argv[:2] == ["--subscribers", "100"]
    assert set(suite.QUICK) == set(suite.ORDER)
