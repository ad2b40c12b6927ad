"""The shared command line: flags become settings; nonsense is refused before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from agencies.common.cli import parse_args


def test_flags_become_settings() -> None:
    args, settings = parse_args(
        "court",
        [
            *("--port", "8101", "--api-key", "k", "--judgments", "50", "--seed", "3"),
            *("--latency-ms", "20", "--failure-rate", "0.25", "--data-dir", "/tmp/data"),
        ],
    )
    assert (args.host, args.port) == ("127.0.0.1", 8101)
    assert (settings.api_key, settings.judgments, settings.seed) == ("k", 50, 3)
    assert (settings.latency_ms, settings.failure_rate, settings.data_dir) == (20, 0.25, Path("/tmp/data"))


@pytest.mark.parametrize("extra", [["--failure-rate", "2"], ["--judgments", "-1"], ["--latency-ms", "-5"]])
def test_out_of_range_flags_are_refused(extra: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args("court", ["--port", "1", "--api-key", "k", *extra])
