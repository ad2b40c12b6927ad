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


_LINE_BREAKS = re.compile(r"\r\n?")
# C0 controls but tab and line feed, DEL and the C1 controls (U+0080–U+009F): nothing a person types means
# them (NUL cannot even be stored; a C1 character is what cp1252 text read as Latin-1 leaves behind).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def as_entered(text: str) -> str:
    """Text as the hub keeps it: NFC, and a browser textarea's CRLF (or a lone CR) as one line feed.

    Lengths, searches and stored values all see this form, so a decomposed "Ấ" is one character, as it is on screen.

    >>> as_entered("A\\u0302\\u0301\\r\\nb") == "Ấ\\nb"
    True
    """
    return nfc(_LINE_BREAKS.sub("\n", text)) if "\r" in text else nfc(text)


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+0007``, or None; tab and line feed are text.

    >>> control_character("a\\tb\\nc"), control_character("ding\\x07")
    (None, 'U+0007')
    """
    found = _CONTROL.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"
