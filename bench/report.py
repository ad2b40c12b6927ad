"""Results: one JSON file per run, a markdown table of every run (newest first), a text summary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from domain.clock import Clock

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SUMMARY = "SUMMARY.md"
FORMAT_VERSION = 1

SUMMARY_HEADER = """# Benchmark results

Written by `python -m bench` (see [../README.md](../README.md)); newest first. One row per target
of a run; the JSON file holds everything else (machine, setup, CPU per process, agency calls,
error kinds). `hub ÷ limit` compares the hub's requests per second with the hand-written limit's
in the same run. `target CPU` is the cores the measured server process used (for a peer gateway, "+ N
subgraphs": the cores of the subgraphs it called, in the same window); `other CPU` is what
processes outside the benchmark used meanwhile (they competed for the same cores: a run with a high
figure there is disturbed).

What a row counts depends on its scenario (the JSON file's `load.unit` says it too):
`judgment-360` and `inbox-polling`: one request, `conc.` requests in flight (for inbox-polling one
client per office); `submit-ack`: one submitJudgment + acknowledgeTransfer pair (latencies of the
pair, `req/s` = pairs per second), one row per database; `fanout`: one event delivered to one
subscriber (`conc.` = subscribers, `req/s` = deliveries per second, latency from the court sending
the judgment to the subscriber receiving the event, `errors` = lost or duplicated deliveries);
`national-report`: one committee report (no p99 recorded, `duration` = the warm series);
`refusals`: one refused hostile request, one row per shape (`target`), the hub in the bench's
process: `p50`/`p95` are CPU ms per refusal (not latency), `req/s` the refusals one core makes per
second at the median, `errors` the answers that were not the refusal expected.

| run (UTC) | scenario | target | commit | conc. | duration | req/s | p50 ms | p95 ms | p99 ms | errors | target CPU | other CPU | hub ÷ limit | file |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def document(
    *,
    scenario: str,
    started_at: datetime,
    machine: dict[str, Any],
    git: dict[str, Any],
    setup: dict[str, Any],
    load: dict[str, Any],
    comparison: dict[str, Any],
    targets: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "scenario": scenario,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": Clock().now().isoformat(timespec="seconds"),
        "git": git,
        "machine": machine,
        "setup": setup,
        "load": load,
        "same_answer_check": comparison,
        "targets": targets,
    }
    hub, limit = targets.get("hub"), targets.get("limit")
    if hub and limit and limit["rps"]:
        doc["hub_vs_limit"] = {
            "rps_ratio": round(hub["rps"] / limit["rps"], 3),
            "p50_ratio": _ratio(hub["latency_ms"]["p50"], limit["latency_ms"]["p50"]),
            "p99_ratio": _ratio(hub["latency_ms"]["p99"], limit["latency_ms"]["p99"]),
        }
    return doc


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _stamp(doc: dict[str, Any]) -> str:
    return datetime.fromisoformat(doc["started_at"]).strftime("%Y%m%dT%H%M%SZ")


def write(doc: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{doc['scenario']}-{_stamp(doc)}.json"
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    return path


def _commit(doc: dict[str, Any]) -> str:
    commit = doc["git"].get("short") or "?"
    return commit + " (dirty)" if doc["git"].get("dirty") else commit


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def summary_rows(doc: dict[str, Any], path: Path) -> list[str]:
    if doc["scenario"] == "national-report":
        return national_report_rows(doc, path)
    if doc["scenario"] == "refusals":
        return refusals_rows(doc, path)
    when = datetime.fromisoformat(doc["started_at"]).strftime("%Y-%m-%d %H:%M")
    commit = _commit(doc)
    ratio = (doc.get("hub_vs_limit") or {}).get("rps_ratio")
    rows = []
    for name, t in doc["targets"].items():
        latency = t["latency_ms"]
        rows.append(
            "| "
            + " | ".join(
                [
                    when,
                    doc["scenario"],
                    name,
                    f"`{commit}`",
                    str(doc["load"]["concurrency"]),
                    f"{t['elapsed_s']:.0f} s",
                    f"{t['rps']:.1f}",
                    _ms(latency["p50"]),
                    _ms(latency["p95"]),
                    _ms(latency["p99"]),
                    f"{t['errors']} / {t['requests']}",
                    _with_subgraphs(t["cpu"], name),
                    _cores(t["cpu"].get("other_processes")),
                    f"{ratio:.2f}" if name == "hub" and ratio is not None else "",
                    f"[{path.name}]({path.name})",
                ]
            )
            + " |"
        )
    return rows


def _cores(entry: dict[str, float] | None) -> str:
    return f"{entry['cores']:.2f}" if entry else "?"


def _with_subgraphs(cpu: dict[str, dict[str, float]], name: str) -> str:
    """A target's own cores, and for a peer gateway the cores of the subgraphs it used (``subgraph.<name>``)."""
    subgraphs = [entry["cores"] for key, entry in cpu.items() if key.startswith("subgraph.")]
    own = _cores(cpu.get(name))
    return f"{own} + {sum(subgraphs):.2f} subgraphs" if subgraphs else own


def national_report_rows(doc: dict[str, Any], path: Path) -> list[str]:
    """``national-report`` documents (bench/national_report.py): one row per warm series, in process and over HTTP."""
    when = datetime.fromisoformat(doc["started_at"]).strftime("%Y-%m-%d %H:%M")
    series = [("in process", doc.get("in_process"), "this_process_cores"), ("hub (HTTP)", doc.get("http"), "hub_cores")]
    rows = []
    for name, figures, own in series:
        if not figures:
            continue
        warm, cpu = figures["warm_ms"], figures.get("cpu_warm") or {}
        seconds = cpu.get("seconds") or warm["n"] * warm["mean"] / 1000
        errors = f"{figures['error_count']} / {warm['n'] + 1}" if "error_count" in figures else "–"
        cells = [
            when,
            doc["scenario"],
            name,
            f"`{_commit(doc)}`",
            "1",
            f"{seconds:.0f} s",
            f"{warm['n'] / seconds:.2f}" if seconds else "–",
            _ms(warm["p50"]),
            _ms(warm["p95"]),
            "–",
            errors,
            f"{cpu[own]:.2f}" if own in cpu else "?",
            f"{cpu['other_cores']:.2f}" if "other_cores" in cpu else "?",
            "",
            f"[{path.name}]({path.name})",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def refusals_rows(doc: dict[str, Any], path: Path) -> list[str]:
    """``refusals`` documents (bench/refusals.py): one row per hostile shape, CPU ms per refusal."""
    when = datetime.fromisoformat(doc["started_at"]).strftime("%Y-%m-%d %H:%M")
    window = doc["window"]
    database = doc["setup"].get("database", "sqlite")
    rows = []
    for name, t in doc["targets"].items():
        cpu = t["cpu_ms"]
        cells = [
            when,
            doc["scenario"],
            name if database == "sqlite" else f"{name} ({database})",
            f"`{_commit(doc)}`",
            "1",
            f"{window['seconds']:.0f} s",
            f"{1000 / cpu['p50']:.0f}" if cpu["p50"] else "–",
            f"{cpu['p50']:.2f}",
            f"{cpu['p95']:.2f}",
            "–",
            f"{t['errors']} / {cpu['n']}",
            f"{window['this_process_cores']:.2f}",
            f"{window['other_cores']:.2f}" if window.get("other_cores") is not None else "?",
            "",
            f"[{path.name}]({path.name})",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def update_summary(doc: dict[str, Any], path: Path, results_dir: Path) -> Path:
    """Insert this run's rows at the top of the table (the header is rewritten, older rows kept)."""
    summary = results_dir / SUMMARY
    old_rows: list[str] = []
    if summary.exists():
        lines = summary.read_text(encoding="utf-8").splitlines()
        separator = next((i for i, line in enumerate(lines) if line.startswith("|---")), None)
        if separator is not None:
            old_rows = [line for line in lines[separator + 1 :] if line.startswith("|")]
    summary.write_text(SUMMARY_HEADER + "\n".join([*summary_rows(doc, path), *old_rows]) + "\n", encoding="utf-8")
    return summary


def render_text(doc: dict[str, Any]) -> str:
    lines = [
        f"\n{doc['scenario']} — {doc['setup']['distinct_requests']} distinct requests of {doc['setup']['page_size']} "
        f"judgments, concurrency {doc['load']['concurrency']}, agency latency {doc['setup']['agency_latency_ms']} ms",
        f"{'target':<10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>9}"
        f"{'calls/req (c/e/p)':>20}{'CPU cores: target (+ its subgraphs) / load gen / others':>58}",
    ]
    for name, t in doc["targets"].items():
        latency, calls, cpu = t["latency_ms"], t["agency_calls"], t["cpu"]
        per = "/".join(f"{calls[a]['per_request']:.2f}" for a in ("court", "enforcement", "procuracy"))
        cores = " / ".join(
            [_with_subgraphs(cpu, name), *(_cores(cpu.get(key)) for key in ("load_generator", "other_processes"))]
        )
        lines.append(
            f"{name:<10}{t['rps']:>9.1f}{latency['p50']:>9.1f}{latency['p95']:>9.1f}{latency['p99']:>9.1f}"
            f"{t['errors']:>9}{per:>20}{cores:>58}"
        )
    if "hub_vs_limit" in doc:
        lines.append(f"hub ÷ limit: {doc['hub_vs_limit']['rps_ratio']:.2f} of the limit's requests per second")
    check = doc["same_answer_check"]
    lines.append(
        f"same answers as the hub: {'yes' if check['same_data'] else 'NO'} "
        f"({check['requests_compared']} requests compared"
        + "".join(f"; {n}: {'yes' if same else 'NO'}" for n, same in check.get("same_data_per_target", {}).items())
        + ")"
    )
    return "\n".join(lines)
