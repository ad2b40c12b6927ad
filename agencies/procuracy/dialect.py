"""The procuracy system's record (``VanBan``) and its opaque paging cursor."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from agencies.common.dialect import SUPERVISION_KINDS, format_date
from domain.types import SupervisionRecord

_CURSOR = re.compile(r"vks:([0-9]{1,10}):([0-9])")


def van_ban(record: SupervisionRecord) -> dict[str, Any]:
    return {
        "so_van_ban": record.number,
        "vien_kiem_sat": record.procuracy_code,
        "ma_toa": record.judgment.court_code,
        "so_ban_an": record.judgment.number,
        "loai": SUPERVISION_KINDS[record.kind],
        "ngay_ban_hanh": format_date(record.issued_on),
        "noi_dung": record.summary,
        "han_tra_loi": format_date(record.reply_due),
        "ngay_tra_loi": format_date(record.replied_on),
    }


def encode_cursor(position: int, document: int) -> str:
    """Where the next page starts: the ``document``-th record of the ``position``-th supervised judgment."""
    return base64.urlsafe_b64encode(f"vks:{position}:{document}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    """The inverse of :func:`encode_cursor`; ``ValueError`` for anything it did not produce."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(cursor) from None
    match = _CURSOR.fullmatch(text)
    if match is None:
        raise ValueError(cursor)
    return int(match[1]), int(match[2])
