"""Canonical JSON: the exact bytes that are hashed and signed.

Keys sorted, no insignificant whitespace, UTF-8 (not \\u-escaped), every string
NFC-normalised. Two systems that agree on the content agree on the bytes, so a
signature made by a court's system verifies at the hub, and a receipt signed by
the hub verifies anywhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from domain.text import nfc


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {nfc(str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [_normalise(v) for v in value]
    if isinstance(value, float):
        raise TypeError("canonical JSON carries no floats (amounts are integer đồng)")
    return value


def canonical_json(value: Any) -> bytes:
    return json.dumps(_normalise(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
