"""Keyset pagination: pages, and opaque cursors that carry a sort key.

Keyset (``WHERE key < :last ORDER BY key DESC LIMIT n``) rather than offsets:
a page costs the same at row 10 and at row 10 million, and rows inserted
while a client pages do not shift what it sees next. The cursor is the sort
key of the last row, tagged with what it pages over so a cursor from one list
is refused by another, and base64-encoded so clients treat it as opaque.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from domain.errors import Invalid
from domain.messages import msg

MAX_PAGE_SIZE: Final = 500

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list, with the cursor of every item (Relay edges need them)."""

    items: tuple[T, ...]
    cursors: tuple[str, ...]
    has_next_page: bool

    @property
    def start_cursor(self) -> str | None:
        return self.cursors[0] if self.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


def check_page_size(first: int) -> int:
    """``first`` when it is a page size we serve, ValueError otherwise (never silently clamped)."""
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE_SIZE:
        raise Invalid(
            msg("first must be an integer from 1 to {limit}, not {first}", limit=MAX_PAGE_SIZE, first=repr(first))
        )
    return first


def encode_cursor(tag: str, key: Sequence[str]) -> str:
    """An opaque cursor for the sort ``key`` of a row in the list named ``tag``."""
    payload = json.dumps([tag, *key], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")


def malformed_cursor(cursor: str, tag: str | None = None) -> Invalid:
    """The refusal of a cursor this API did not hand out (``tag``: the list it was given to)."""
    shown = repr(cursor[:60])
    if tag is None:
        return Invalid(msg("malformed cursor {cursor}: pass back an endCursor this API returned", cursor=shown))
    return Invalid(msg("malformed cursor {cursor}: not a cursor of the {tag} list", cursor=shown, tag=tag))


def decode_cursor(tag: str, cursor: str, arity: int) -> tuple[str, ...]:
    """The sort key inside ``cursor``; ValueError if it is not a cursor of list ``tag``."""
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        payload = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError, ValueError, TypeError) as exc:
        raise malformed_cursor(cursor) from exc
    if (
        not isinstance(payload, list)
        or len(payload) != arity + 1
        or payload[0] != tag
        or not all(isinstance(part, str) for part in payload)
    ):
        raise malformed_cursor(cursor, tag)
    return tuple(payload[1:])
