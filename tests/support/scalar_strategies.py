"""Hypothesis strategies for the hub's scalars, as GraphQL literals: values a client may send, right or wrong.

hypothesis-graphql draws every argument of an operation from the schema, but knows nothing of the hub's
own scalars (``Date``, ``DateTime``, ``VND``, ``JSON``) and draws ``ID`` and ``String`` as any text: it
would seldom name an agency that exists or a transfer that does. :func:`scalar_strategies` gives it, for
each scalar,

- valid values (dates of every year, amounts up to 10^21, codes of real agencies, ids of records the
  test made, text a clerk would type, text longer than any column), so that operations get past parsing
  into the use cases and the database;
- with ``mistakes=True``, plausible mistakes as well (an impossible date, a day-first date, letters or
  full-width digits in an amount, a 5,000-digit integer, digits that are not ASCII, a NUL character),
  so that one bad value refuses the whole operation before it runs.

Either way the answer must be data, a typed error or a userError, never an internal error. No value is
a URL of any host but the loopback (a webhook may be registered and delivered to).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

Literal = st.SearchStrategy[graphql.ValueNode]

# just past the hub's columns and limits (64, 128, 200, 255, 300, 500, 2000, 4000, 20000), and far past
_LONG = (65, 129, 201, 256, 301, 501, 2_001, 4_001, 20_001, 70_000)
_WORDS = ("Nguyễn Văn An", "Công ty TNHH Minh Phát", "Án phí dân sự sơ thẩm", "12/QĐ-CCTHADS", "Trưởng phòng", " ")
_NUMBERS = ("125/2026/DS-ST", "1/2026/HNGĐ-PT", "001085012345", "0101234567-001", "12", "0")
_URLS = ("http://127.0.0.1:9/hook", "https://127.0.0.1:9/h", "http://[::1]:9/h", "ftp://127.0.0.1/", "http://", "")
_NOT_ASCII_DIGITS = ("²", "١٢٣", "１２３", "߁", "𝟙")  # str.isdigit() holds for each; int() refuses some


def _string(values: Iterable[str]) -> Literal:
    return st.sampled_from(tuple(values)).map(nodes.String)


def _long_text() -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(_LONG), st.sampled_from("aàẫ0 ")).map(lambda n_c: n_c[1] * n_c[0])


def _huge_int(digits: int) -> graphql.IntValueNode:
    """An integer literal of ``digits`` digits (``str(int)`` refuses more than 4,300, so it is written directly)."""
    return graphql.IntValueNode(value="1" + "0" * (digits - 1))


def dates(*, mistakes: bool) -> Literal:
    """``Date``: ISO dates from year 1 to 9999, mostly around today; and dates that are none."""
    valid = st.one_of(
        st.dates(),
        st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        st.sampled_from([date.min, date.max, date(1945, 9, 1), date(1945, 9, 2)]),
    ).map(lambda d: nodes.String(d.isoformat()))
    if not mistakes:
        return valid
    wrong = _string(
        [
            *("2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "10000-01-01", "-2026-01-01"),
            *("05/02/2026", "2026/02/05", "2026-2-5", "２０２６-02-05", "", " 2026-02-05", "2026-02-05T00:00:00"),
            *("yesterday", "2026-02-05\x00"),
        ]
    )
    return st.one_of(valid, wrong, wrong, st.integers().map(nodes.Int), st.booleans().map(nodes.Boolean))


def date_times(*, mistakes: bool) -> Literal:
    """``DateTime``: moments with and without an offset; and text that is no moment."""
    valid = st.datetimes(timezones=st.just(timezone(timedelta(hours=7))) | st.none()).map(
        lambda m: nodes.String(m.isoformat())
    )
    edges = _string([datetime.min.isoformat(), datetime.max.replace(tzinfo=UTC).isoformat()])
    if not mistakes:
        return valid | edges
    return valid | edges | _string(["2026-02-30T10:00:00+07:00", "2026-02-05 25:00", "", "now"])


def amounts(*, mistakes: bool) -> Literal:
    """``VND``: digit strings and integers up to 10^21; and what is no amount."""
    valid = st.integers(min_value=0, max_value=10**21)
    valid_literals = valid.map(lambda n: nodes.String(str(n))) | valid.map(nodes.Int)
    if not mistakes:
        return valid_literals
    huge = st.sampled_from([22, 100, 4_301, 5_000]).map(_huge_int)  # past the 64-bit range, and past int()'s limit
    wrong = st.one_of(
        _string(["abc", "-1", "1.5", "1e9", "", " 1000", "1 000 000", "0x10", "9" * 22, *_NOT_ASCII_DIGITS]),
        huge,
        huge,
        st.integers(max_value=-1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.booleans().map(nodes.Boolean),
    )
    return st.one_of(valid_literals, wrong, wrong)


def ids(known: Iterable[str], *, mistakes: bool) -> Literal:
    """``ID``: codes and ids that exist (``known``), ids that do not, and ids no column can hold."""
    unknown = st.one_of(
        st.uuids().map(str),
        st.text(st.characters(min_codepoint=1), max_size=40),
        _long_text(),
        st.sampled_from(["", " ", "court.nowhere", "0", "18446744073709551616", "../../etc/passwd", "' OR 1=1 --"]),
    )
    drawn = [st.sampled_from(sorted(set(known))), unknown]
    if mistakes:
        drawn += [st.sampled_from([*_NOT_ASCII_DIGITS, "x\x00", "-1", "1" * 19])] * 2
    as_strings = st.one_of(*drawn).map(nodes.String)
    as_ints = st.integers().map(nodes.Int) | st.just(_huge_int(5_000))  # an ID may be written as an integer
    return st.one_of(as_strings, as_strings, as_ints)


def strings(*, mistakes: bool) -> Literal:
    """``String``: clerk's text, numbers, hashes, base64, loopback URLs, and text past every limit."""
    sha = st.binary(max_size=32).map(lambda b: hashlib.sha256(b).hexdigest())
    b64 = st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode("ascii"))
    plausible = st.one_of(
        st.sampled_from(_WORDS), sha, sha.map(str.upper), b64, st.sampled_from(_NUMBERS), st.sampled_from(_URLS)
    )
    text = st.text(st.characters(min_codepoint=1, codec="utf-8"))
    drawn = st.one_of(text, plausible, _long_text())
    if mistakes:
        drawn = drawn | st.sampled_from(_NOT_ASCII_DIGITS) | st.text(min_size=1).map(lambda s: s + "\x00")
    return drawn.map(nodes.String)


def json_values() -> Literal:
    """``JSON``: any small JSON value written as a literal."""
    leaves = st.one_of(st.just(graphql.NullValueNode()), st.integers().map(nodes.Int), st.text().map(nodes.String))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=3).map(nodes.List), max_leaves=5)


def scalar_strategies(known_ids: Iterable[str], *, mistakes: bool) -> Mapping[str, Literal]:
    """``custom_scalars`` for hypothesis-graphql over the hub's schema (``ID`` and ``String`` included)."""
    known = tuple(known_ids)
    return {
        "Date": dates(mistakes=mistakes),
        "DateTime": date_times(mistakes=mistakes),
        "VND": amounts(mistakes=mistakes),
        "JSON": json_values(),
        "ID": ids(known, mistakes=mistakes),
        "String": strings(mistakes=mistakes),
    }
