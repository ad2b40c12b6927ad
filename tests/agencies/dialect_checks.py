"""Assertions on the agency dialect's scalar forms, shared by the service tests."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

DATE = re.compile(r"(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/20[0-9]{2}")
AMOUNT = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})*|0")


def assert_date(value: Any, *, nullable: bool = False) -> None:
    if nullable and value is None:
        return
    assert isinstance(value, str), value
    assert DATE.fullmatch(value), value


def assert_amount(value: Any, *, nullable: bool = False) -> None:
    if nullable and value is None:
        return
    assert isinstance(value, str), value
    assert AMOUNT.fullmatch(value), value


def assert_all_text_nfc(payload: Any) -> None:
    if isinstance(payload, str):
        assert unicodedata.is_normalized("NFC", payload), payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            assert_all_text_nfc(key)
            assert_all_text_nfc(value)
    elif isinstance(payload, list):
        for item in payload:
            assert_all_text_nfc(item)
