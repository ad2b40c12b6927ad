"""Hypothesis strategies for a court's submissions: within every rule of ``domain.submission.validate``, at its edges.

A random mutation never carries a signature that verifies, so ``submitJudgment`` refuses it before
it routes or writes anything. A test that holds the court's key signs these instead, and they reach
the routing, the ledger's columns and the receipt: the longest names, addresses and summaries the
rules allow (in Vietnamese, several bytes a character), any dates from 1945-09-02 to today, amounts
up to 10^18, digits of any script where the rules say only "digits", 1 to 100 parties.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from datetime import date

from hypothesis import strategies as st

from domain.submission import EARLIEST_JUDGMENT, MAX_AMOUNT, Submission
from domain.types import CaseType, Instance, Obligation, ObligationKind, Party, PartyKind, PartyRole

# control characters (C0 but tab and line breaks, DEL, C1) are refused where text enters (issue 22; schema/input_boundary.py)
_REFUSED = "".join(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in "\t\n\r")
_LETTERS = st.characters(min_codepoint=1, codec="utf-8", exclude_characters=_REFUSED)
_VIETNAMESE = st.sampled_from("aăâđeêoôơuưyÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬỆỸ ")
_DIGITS = st.characters(categories=["Nd"])  # what ``\d`` matches: Arabic-Indic, full-width, … digits too


def _text(max_size: int) -> st.SearchStrategy[str]:
    """Text of 1..``max_size`` characters that is not blank, often exactly ``max_size`` characters long."""
    any_text = st.text(_LETTERS, min_size=1, max_size=min(max_size, 80))
    longest = st.text(_VIETNAMESE, min_size=1, max_size=10).map(lambda t: (t * max_size)[:max_size])
    return (any_text | longest).filter(str.strip)


def _digits(size: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from("0123456789"), min_size=size, max_size=size) | st.text(
        _DIGITS, min_size=size, max_size=size
    )


@st.composite
def _party(draw: st.DrawFn, role: PartyRole | None = None) -> Party:
    kind = draw(st.sampled_from(PartyKind))
    individual = kind is PartyKind.INDIVIDUAL
    return Party(
        name=draw(_text(255)),
        role=role or draw(st.sampled_from(PartyRole)),
        kind=kind,
        address=draw(st.just("") | _text(500)),
        citizen_id=draw(_digits(12)) if individual else None,
        tax_code=None if individual else draw(_digits(10) | st.tuples(_digits(10), _digits(3)).map("-".join)),
    )


def _obligation() -> st.SearchStrategy[Obligation]:
    return st.builds(
        Obligation,
        kind=st.sampled_from(ObligationKind),
        description=_text(2000),
        ex_officio=st.booleans(),
        amount=st.none() | st.integers(0, MAX_AMOUNT) | st.sampled_from([0, MAX_AMOUNT]),
        beneficiary=st.none() | _text(255) | st.just("ẫ" * 70_000),  # no rule bounds a beneficiary
    )


@st.composite
def submissions(draw: st.DrawFn, court: str, today: date) -> Submission:
    """A submission of ``court`` that ``validate`` accepts on ``today``, signed by nobody yet."""
    adjudicated = draw(st.dates(EARLIEST_JUDGMENT, today))
    effective = draw(st.dates(adjudicated, today))
    case_type, instance = draw(st.sampled_from(CaseType)), draw(st.sampled_from(Instance))
    serial = draw(st.integers(1, 999_999).map(str) | _digits(6))
    year = draw(st.integers(1945, adjudicated.year))
    document = draw(st.binary(max_size=64))
    return Submission(
        court_code=court,
        number=f"{serial}/{year}/{case_type.value}-{instance.value}",
        case_type=case_type,
        instance=instance,
        adjudicated_on=adjudicated,
        effective_on=effective,
        summary=draw(st.just("") | _text(4000)),
        document_name=draw(_text(255)),
        document_sha256=hashlib.sha256(document).hexdigest(),
        parties=(
            draw(_party(PartyRole.DEBTOR)),
            *draw(st.lists(_party(), max_size=3) | _party().map(lambda p: [p] * 99)),  # 1-4 parties, or 100
        ),
        obligations=tuple(draw(st.lists(_obligation(), min_size=1, max_size=3))),
        **draw(_category()),
    )


@st.composite
def _category(draw: st.DrawFn) -> dict[str, bool]:
    """An ordinary judgment, an interim measure, one enforced immediately, a bankruptcy decision (or both of the
    last two): every combination the rules accept (interim and immediate together are refused)."""
    interim = draw(st.booleans())
    return {
        "interim_measure": interim,
        "enforced_immediately": not interim and draw(st.booleans()),
        "bankruptcy": draw(st.booleans()),
    }


def renumbered(submission: Submission, serial: int) -> Submission:
    """``submission`` numbered ``serial``, written in the digits of the script its number was drawn in.

    Hypothesis draws few distinct numbers, and a second submission under a number is a CONFLICT: a test
    that wants each one written gives each its own serial.
    """
    drawn, rest = submission.number.split("/", 1)
    zero = ord(drawn[0]) - unicodedata.digit(drawn[0])  # a script's digits 0-9 are consecutive code points
    return replace(submission, number=f"{''.join(chr(zero + int(d)) for d in str(serial))}/{rest}")
