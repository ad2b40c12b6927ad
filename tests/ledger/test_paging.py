"""Cursors and page sizes, without a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.paging import MAX_PAGE_SIZE, check_page_size, decode_cursor, encode_cursor


@given(st.lists(st.text(), min_size=1, max_size=3))
def test_cursors_round_trip(key: list[str]) -> None:
    assert decode_cursor("judgments", encode_cursor("judgments", key), len(key)) == tuple(key)


@given(st.text())
def test_anything_but_a_cursor_is_a_value_error(garbage: str) -> None:
    try:
        decode_cursor("judgments", garbage, 2)
    except ValueError as exc:
        message = str(exc)
    else:
        return  # hypothesis found a well-formed cursor; nothing to refuse
    assert "malformed cursor" in message


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "bm90IGpzb24",  # "not json"
        encode_cursor("transfers", ["2025-08-01", "court.x:1"]),  # another list's cursor
        encode_cursor("judgments", ["2025-08-01"]),  # wrong arity
    ],
)
def test_malformed_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(ValueError, match="malformed cursor"):
        decode_cursor("judgments", cursor, 2)


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE_SIZE + 1, True])
def test_page_size_is_bounded(first: int) -> None:
    with pytest.raises(ValueError, match="first must be"):
        check_page_size(first)


def test_page_size_within_bounds_is_accepted() -> None:
    assert check_page_size(1) == 1
    assert check_page_size(MAX_PAGE_SIZE) == MAX_PAGE_SIZE
