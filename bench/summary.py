"""The parts every load generator's run summary shares (``bench.load.Run``, ``bench.wrk.WrkRun``)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

MAX_ERROR_SAMPLES = 5


def counted(requests: int, ok: int, errors: int, elapsed_s: float, stopped_by: str) -> dict[str, Any]:
    """The counts of a run and their rates, as every generator's summary starts."""
    elapsed = elapsed_s or math.nan
    return {
        "requests": requests,
        "ok": ok,
        "errors": errors,
        "error_rate": round(errors / requests, 6) if requests else None,
        "elapsed_s": round(elapsed_s, 3),
        "stopped_by": stopped_by,
        "rps": round(requests / elapsed, 2),
        "ok_rps": round(ok / elapsed, 2),
    }


def answered(statuses: Mapping[str, int], error_kinds: Counter[str]) -> dict[str, Any]:
    """The statuses seen and the commonest errors, as every generator's summary ends."""
    return {
        "statuses": dict(sorted(statuses.items())),
        "error_kinds": dict(error_kinds.most_common(MAX_ERROR_SAMPLES)),
    }
