"""`lienthong demo` (what `make demo` runs) brings up agencies and hub; a printed token works."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from agencies.topology import free_port
from tests.support.printed import printed

pytestmark = pytest.mark.e2e


def test_demo_serves_healthz_and_answers_a_query_with_a_printed_token(tmp_path):
    port = free_port()
    out = tmp_path / "demo.out"
    with out.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gateway.cli",
                "demo",
                "--port",
                str(port),
                "--judgments",
                "400",
                "--var-dir",
                str(tmp_path / "var"),
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        text = printed(out, r"Ctrl-C stops", process)
        assert f"http://127.0.0.1:{port}/graphql" in text
        token = re.search(r"ministry — .* at ministry\.justice .*:\n\s+(\S+)", text).group(1)  # a registered person's
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            assert json.load(r) == {"status": "ok"}
        example_id = re.search(r'judgment\(id: "([^"]+)"\)', text).group(1)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql",
            data=json.dumps({"query": f'{{ judgment(id: "{example_id}") {{ number parties {{ name }} }} }}'}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            body = json.load(r)
        assert "errors" not in body, body
        assert body["data"]["judgment"]["number"] == example_id.split(":", 1)[1]
        assert body["data"]["judgment"]["parties"]
        _report_next_to_the_demo(tmp_path)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode in {0, 130}, out.read_text()  # 130: stopped by Ctrl-C, as documented
    assert not (tmp_path / "var" / "demo.env").exists()  # the demo's settings go with it


def _report_next_to_the_demo(work: Path) -> None:
    """`lienthong report` as the README runs it next to the demo: no variable set, the demo's settings found."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("LIENTHONG_")}
    report = work / "bao-cao.csv"
    command = [sys.executable, "-m", "gateway.cli", "report", "--province", "ha-noi", "--year", "2027"]
    done = subprocess.run(
        [*command, "--months", "12", "--format", "csv", "--out", str(report)],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "settings of the running demo" in done.stderr
    rows = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) > 2
    assert any("Hà Nội" in row for row in rows)


def test_demo_on_a_busy_port_says_so_at_once_without_a_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "demo", "--port", str(port), "--var-dir", str(tmp_path / "var")],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"lienthong demo --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Starting the reference agency services" not in result.stdout  # nothing was started or seeded
    assert not (tmp_path / "var" / "lienthong.db").exists()
