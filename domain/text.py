"""Vietnamese text handling: NFC normalisation and diacritic folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Đ/đ is a separate letter, not a D with a combining mark, so NFD does not split it.
_LETTERS = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Normalise to NFC, the form Vietnamese labels are stored and compared in."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and collapse spaces.

    >>> fold("  Nguyễn   Văn Ấn ")
    'nguyen van an'
    >>> fold("ĐẶNG Thị Hồng")
    'dang thi hong'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
