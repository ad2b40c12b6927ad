"""Messages a person reads, in Vietnamese and English, from one gettext catalogue.

A refusal is written in the code as :func:`msg` with its English text as the
catalogue id and its parameters apart: ``msg("a subject of 1–{limit} characters", limit=500)``.
The result *is* the English text (a ``str``), so code and tests that read it
in English keep working; it also remembers its id and parameters, so the one
place that answers a client (``UserError.message``, the error formatting) can
tell it in the language the request asked for with :func:`tell`.

The Vietnamese lives in ``vi.po`` beside this module (English ids, Vietnamese
``msgstr``), read with Babel's ``read_po`` when first needed; there is no build
step. ``tests/unit/test_messages.py`` fails when an id used in the code has no
Vietnamese or the two texts name different parameters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Final

from babel.messages.pofile import read_po

ENGLISH: Final = "en"
VIETNAMESE: Final = "vi"
LANGUAGES: Final = (ENGLISH, VIETNAMESE)


class Text(str):
    """An English message that remembers its catalogue id and parameters (immutable, like the ``str`` it is)."""

    msgid: str
    params: tuple[tuple[str, object], ...]

    def __new__(cls, msgid: str, params: Mapping[str, object]) -> Text:
        made = super().__new__(cls, msgid.format_map(params))
        made.msgid = msgid
        made.params = tuple(params.items())
        return made


def msg(msgid: str, **params: object) -> Text:
    """The message ``msgid`` (English, with ``{name}`` placeholders) with its parameters."""
    return Text(msgid, params)


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """English id → text in ``language`` (read once per process, read-only); empty for English."""
    if language == ENGLISH:
        return MappingProxyType({})
    with files(__package__).joinpath(f"{language}.po").open("rb") as source:
        read = read_po(source, locale=language)
    return MappingProxyType(
        {
            str(m.id): unicodedata.normalize("NFC", str(m.string))
            for m in read
            if m.id and isinstance(m.id, str) and isinstance(m.string, str)
        }
    )


def tell(message: str, language: str) -> str:
    """``message`` in ``language``: a :class:`Text` with a translation is told in it; anything else as it is."""
    if language == ENGLISH or not isinstance(message, Text):
        return str(message)
    translated = catalogue(language).get(message.msgid) or message.msgid  # untranslated: its parts still are
    return translated.format_map(
        {name: tell(value, language) if isinstance(value, Text) else value for name, value in message.params}
    )


@cache
def _plain_ids() -> Mapping[str, str]:
    """The catalogue's ids without parameters, by the text they read as (``{{`` is one brace)."""
    return MappingProxyType(
        {msgid.format_map({}): msgid for msgid in catalogue(VIETNAMESE) if not _has_parameters(msgid)}
    )


def _has_parameters(msgid: str) -> bool:
    try:
        msgid.format_map({})
    except (KeyError, IndexError, ValueError):
        return True
    return False


def catalogued(text: str) -> str:
    """``text`` as the catalogue's message when it is one without parameters (a refusal that lost its
    :class:`Text` on the way, e.g. through an HTTP exception's plain-text body); else unchanged."""
    if isinstance(text, Text):
        return text
    msgid = _plain_ids().get(text)
    return text if msgid is None else Text(msgid, {})


def joined(parts: Sequence[Text], separator: str = "; ") -> Text:
    """``parts`` one after another, each told in the language the whole is told in."""
    names = [f"part{i}" for i in range(len(parts))]
    return Text(separator.join("{" + name + "}" for name in names), dict(zip(names, parts, strict=True)))


def language_of(accept_language: str | None) -> str:
    """The language a request asks for (``Accept-Language``): Vietnamese when it prefers ``vi``, else English."""
    best, best_q = ENGLISH, 0.0
    for part in (accept_language or "").split(","):
        tag, _, rest = part.strip().partition(";")
        q = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                q = float(rest[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best
