"""`lienthong demo` (what `make demo` runs) signs people in to the console through its demo provider.

The demo runs as a process, as a newcomer starts it; the test reads the printed console URL and password
and signs in as the printed enforcement clerk, through the provider's page, as a browser would.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from agencies.oidc_provider.process import INSTALLED, node
from agencies.topology import free_port
from tests.support.printed import printed

pytestmark = pytest.mark.e2e


def test_the_demo_prints_the_console_and_a_demo_account_signs_in_with_the_printed_password(tmp_path: Path) -> None:
    if node() is None or not INSTALLED.exists():
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}:
            pytest.fail("the demo's sign-in must be tested in CI: make installs agencies/oidc_provider")
        pytest.skip("needs node and `make` (npm ci --prefix agencies/oidc_provider)")
    port = free_port()
    out = tmp_path / "demo.out"
    command = [sys.executable, "-m", "gateway.cli", "demo", "--port", str(port), "--judgments", "200"]
    with out.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--feed-every", "0", "--var-dir", str(tmp_path / "var")],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        text = printed(out, r"Ctrl-C stops", process)
        console = re.search(r"Console \(Cổng Liên thông\): (\S+)", text)
        password = re.search(r"demo password for every account: (\S+)", text)
        assert console is not None, text
        assert password is not None, text
        assert console.group(1) == f"http://127.0.0.1:{port}/"
        assert "tran.van.minh" in text

        with httpx.Client(timeout=30, follow_redirects=True) as browser:
            provider_page = browser.get(f"{console.group(1)}dang-nhap")
            assert "Trần Văn Minh" in provider_page.text
            action = re.search(r'<form method="post" action="([^"]+)"', provider_page.text)
            assert action is not None
            wrong = browser.post(provider_page.url.join(action.group(1)), data={"account": "tran.van.minh"})
            assert wrong.status_code in {400, 401}  # no password: still at the provider
            home = browser.post(
                provider_page.url.join(action.group(1)),
                data={"account": "tran.van.minh", "password": password.group(1)},
            )
        assert str(home.url) == console.group(1)
        assert "Xin chào, Trần Văn Minh" in home.text  # the name the registry holds for the demo person
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode in {0, 130}, out.read_text()
