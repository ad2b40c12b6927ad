"""The message catalogue (issue 22): every message the code tells a person has its Vietnamese.

Messages are written in the code as ``msg("English {param}", param=...)``; the
Vietnamese is in ``domain/messages/vi.po``. These tests read the code itself, so a
new ``msg`` without its Vietnamese fails here, not in front of a clerk.
"""

from __future__ import annotations

import ast
import string
import unicodedata
from pathlib import Path

import pytest

from domain.messages import ENGLISH, VIETNAMESE, Text, catalogue, language_of, msg, tell
from schema.graphql_messages import TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "ledger", "adapters", "schema", "resolvers", "gateway", "console")


def ids_in_code() -> dict[str, str]:
    """Every literal ``msg("…")`` id in the hub's packages, with the file it is in."""
    found: dict[str, str] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "msg"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.setdefault(node.args[0].value, str(path.relative_to(ROOT)))
    for template in TEMPLATES:  # graphql-core's sentences, read back into their templates
        found.setdefault(template, "schema/graphql_messages.py")
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_code_uses_the_catalogue_for_the_refusals_it_was_converted_for() -> None:
    ids = ids_in_code()
    assert "no such transfer addressed to your agency" in ids  # transfers
    assert "a subject of 1–{limit} characters" in ids  # coordination requests
    assert "an agreement is registered once it is signed" in ids  # agreements


def structural(msgid: str) -> bool:
    """An id of parameters and punctuation only ("{field}: {problem}"): its words are its parameters, told apart."""
    return not string.Formatter().format(msgid, **dict.fromkeys(placeholders(msgid), "")).strip(" :;,.-–")


def test_every_message_in_the_code_has_its_vietnamese() -> None:
    vi = catalogue(VIETNAMESE)
    missing = {
        msgid: where
        for msgid, where in ids_in_code().items()
        if not structural(msgid) and not vi.get(msgid, "").strip()
    }
    assert missing == {}, f"add these to domain/messages/vi.po: {missing}"


@pytest.mark.parametrize("msgid", sorted(catalogue(VIETNAMESE)))
def test_every_catalogue_entry_has_both_languages_with_the_same_parameters(msgid: str) -> None:
    vietnamese = catalogue(VIETNAMESE)[msgid]
    assert msgid.strip()
    assert vietnamese.strip()
    assert vietnamese != msgid, "the Vietnamese is a translation, not the English again"
    assert unicodedata.is_normalized("NFC", vietnamese)
    assert placeholders(vietnamese) == placeholders(msgid)


def test_a_message_is_its_english_text_and_is_told_in_vietnamese() -> None:
    message = msg("a subject of 1–{limit} characters", limit=300)
    assert isinstance(message, Text)
    assert message == "a subject of 1–300 characters"
    assert tell(message, ENGLISH) == "a subject of 1–300 characters"
    assert tell(message, VIETNAMESE) == "trích yếu dài từ 1 đến 300 ký tự"


def test_plain_text_and_unknown_ids_stay_as_they_are() -> None:
    assert tell("unknown province 'X'", VIETNAMESE) == "unknown province 'X'"
    assert tell(msg("not in the catalogue {x}", x=1), VIETNAMESE) == "not in the catalogue 1"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, ENGLISH),
        ("", ENGLISH),
        ("vi", VIETNAMESE),
        ("vi-VN,vi;q=0.9,en;q=0.8", VIETNAMESE),
        ("en-US,en;q=0.9,vi;q=0.5", ENGLISH),
        ("fr, vi;q=0.3", VIETNAMESE),
        ("fr", ENGLISH),
        ("en;q=0.2, VI;q=0.7", VIETNAMESE),
    ],
)
def test_the_language_a_request_asks_for(header: str | None, language: str) -> None:
    assert language_of(header) == language
