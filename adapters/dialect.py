"""Reading the agencies' dialect: dd/mm/yyyy dates, dotted VND strings, Vietnamese enum labels.

Every agency in ``docs/agency-interface.md`` writes dates as ``"05/03/2026"``,
amounts as ``"1.250.000"`` and enumerations as Vietnamese labels. The helpers
here turn those into canonical values and raise :class:`BadValue` (a ``ValueError``)
with a message from the catalogue precise enough to act on (field path, offending
value, what was expected). The adapters catch that and answer
``AgencyBadData(agency, message, record=...)`` with :func:`problem` of it in place
of the record, so one bad record never spoils a batch::

    >>> parse_vnd("1.250.000")
    1250000
    >>> Fields({"ngay": "05/03/2026"}).date("ngay")
    datetime.date(2026, 3, 5)
    >>> Fields({"tu_cach": "bị đơn"}).choice("tu_cach", PARTY_ROLES)
    Traceback (most recent call last):
    ...
    adapters.dialect.BadValue: tu_cach: unknown value 'bị đơn' (expected one of: người được thi hành án, người phải thi hành án, người có quyền lợi, nghĩa vụ liên quan)

Parsing is strict on purpose: a half-understood amount is worse than a visible
AGENCY_BAD_DATA error, because amounts and deadlines drive legal decisions.

Translating a 50-judgment batch reads thousands of fields, so the adapters try
the ``fast_*`` readers at the end of this module first: they read a plain JSON
value straight from the record's dict and raise :class:`Unsure` on anything
but the plainest well-formed value, and the adapter then reads the whole record
again with :class:`Fields`. ``Fields`` stays the specification; a fast reader
only ever answers what ``Fields`` would, and leaves every complaint to it::

    >>> fast_date("05/03/2026"), fast_vnd("1.250.000"), fast_choice("cá nhân", PARTY_KINDS)
    (datetime.date(2026, 3, 5), 1250000, <PartyKind.INDIVIDUAL: 'individual'>)
    >>> fast_date(" 05/03/2026 ")  # Fields reads it (outer spaces are allowed); too unusual to guess here
    Traceback (most recent call last):
    ...
    adapters.dialect.Unsure

The adapters' fast functions pass a domain type's fields positionally, each
named in a comment: calling a class with keywords builds a dict of them, a
tenth of the fast path's time. tests/adapters/test_dialect_fast_path.py holds
the fast and the strict path to the same answers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

from domain.messages import Text, msg
from domain.text import nfc
from domain.types import (
    CaseStatus,
    CaseType,
    DecisionKind,
    Instance,
    JudgmentKey,
    ObligationKind,
    PartyKind,
    PartyRole,
    Sex,
    SupervisionKind,
)

E = TypeVar("E", bound=Enum)

_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
# Groups of three after the first; no leading zero (except "0" itself), no decimals.
_VND = re.compile(r"0|[1-9]\d{0,2}(?:\.\d{3})*")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")

PARTY_ROLES: Mapping[str, PartyRole] = MappingProxyType(
    {
        "người được thi hành án": PartyRole.CREDITOR,
        "người phải thi hành án": PartyRole.DEBTOR,
        "người có quyền lợi, nghĩa vụ liên quan": PartyRole.RELATED,
    }
)
PARTY_KINDS: Mapping[str, PartyKind] = MappingProxyType(
    {"cá nhân": PartyKind.INDIVIDUAL, "tổ chức": PartyKind.ORGANISATION}
)
OBLIGATION_KINDS: Mapping[str, ObligationKind] = MappingProxyType(
    {
        "án phí": ObligationKind.COURT_FEE,
        "tiền phạt": ObligationKind.FINE,
        "tịch thu": ObligationKind.CONFISCATION,
        "trả tiền": ObligationKind.PAYMENT,
        "trả tài sản": ObligationKind.RETURN_OF_ASSETS,
        "khác": ObligationKind.OTHER,
    }
)
CASE_TYPES: Mapping[str, CaseType] = MappingProxyType({kind.value: kind for kind in CaseType})
INSTANCES: Mapping[str, Instance] = MappingProxyType({level.value: level for level in Instance})
CASE_STATUSES: Mapping[str, CaseStatus] = MappingProxyType(
    {
        "thụ lý": CaseStatus.ACCEPTED,
        "có điều kiện": CaseStatus.WITH_CONDITIONS,
        "chưa có điều kiện": CaseStatus.WITHOUT_CONDITIONS,
        "hoãn": CaseStatus.POSTPONED,
        "tạm đình chỉ": CaseStatus.SUSPENDED,
        "đình chỉ": CaseStatus.TERMINATED,
        "thi hành xong": CaseStatus.COMPLETED,
    }
)
DECISION_KINDS: Mapping[str, DecisionKind] = MappingProxyType(
    {"chủ động": DecisionKind.EX_OFFICIO, "theo đơn yêu cầu": DecisionKind.ON_REQUEST}
)
SUPERVISION_KINDS: Mapping[str, SupervisionKind] = MappingProxyType(
    {
        "yêu cầu": SupervisionKind.REQUEST,
        "kiến nghị": SupervisionKind.RECOMMENDATION,
        "kháng nghị": SupervisionKind.PROTEST,
    }
)
SEXES: Mapping[str, Sex] = MappingProxyType({"Nam": Sex.MALE, "Nữ": Sex.FEMALE})


class BadValue(ValueError):
    """A value an agency sent that the dialect cannot read; ``message`` is from the catalogue (told in Vietnamese).

    A ``ValueError``, so every ``except ValueError`` of the translating code still catches it.
    """

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message


def problem(error: ValueError) -> str:
    """What ``error`` says, as a catalogue :class:`~domain.messages.Text` when it carries one (else its text)."""
    message = getattr(error, "message", None)
    return message if isinstance(message, Text) else str(error)


def describe(value: object) -> str:
    """A short, safe rendering of an unexpected value for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(value: object) -> dt.date:
    """``"05/03/2026"`` → ``date(2026, 3, 5)``; anything else (ISO, 5/3/2026, 31/02) is refused."""
    if not isinstance(value, str):
        raise BadValue(msg("expected a dd/mm/yyyy date string, got {value}", value=describe(value)))
    match = _DATE.fullmatch(value.strip())
    if match is None:
        raise BadValue(msg("not a dd/mm/yyyy date: {value}", value=describe(value)))
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue(msg("no such day: {value}", value=describe(value))) from None


def parse_vnd(value: object) -> int:
    """``"1.250.000"`` → ``1250000`` đồng.

    Refused: numbers sent as JSON numbers (the dialect says strings), negatives,
    decimals (VND has no minor unit; ``"1.25"`` or ``"1.250,50"``), misplaced
    separators (``"12.50.000"``) and undotted amounts of four digits or more,
    which could be a decimal written the other way round.
    """
    if not isinstance(value, str):
        raise BadValue(msg("expected a VND amount string like '1.250.000', got {value}", value=describe(value)))
    text = value.strip()
    if text.startswith("-"):
        raise BadValue(msg("negative amount: {value}", value=describe(value)))
    if _VND.fullmatch(text) is None:
        raise BadValue(msg("not a VND amount with '.' thousands separators: {value}", value=describe(value)))
    return int(text.replace(".", ""))


def parse_text(value: object, *, blank_ok: bool = False) -> str:
    """A string, NFC-normalised (agencies should send NFC; not all do)."""
    if not isinstance(value, str):
        raise BadValue(msg("expected a string, got {value}", value=describe(value)))
    text = nfc(value)
    if not blank_ok and not text.strip():
        raise BadValue(msg("empty text"))
    return text


def parse_choice(value: object, table: Mapping[str, E]) -> E:
    """Map a Vietnamese label to its canonical enum member via ``table`` (NFC, outer spaces ignored)."""
    if not isinstance(value, str):
        raise BadValue(msg("expected a label string, got {value}", value=describe(value)))
    member = table.get(nfc(value).strip())
    if member is None:
        raise BadValue(
            msg("unknown value {value} (expected one of: {labels})", value=describe(value), labels=", ".join(table))
        )
    return member


def parse_sha256(value: object) -> str:
    """A document digest: 64 hex digits, returned lower-case so digests compare equal."""
    if not isinstance(value, str) or _SHA256.fullmatch(value) is None:
        raise BadValue(msg("not a SHA-256 hex digest: {value}", value=describe(value)))
    return value.lower()


def normal_key(key: JudgmentKey) -> JudgmentKey:
    """The NFC form agencies store keys in, so a lookup matches whatever form the caller typed."""
    return JudgmentKey(nfc(key.court_code), nfc(key.number))


class Fields:
    """Typed reads of one dialect object (a JSON object or a database row).

    Every error names the path of the field (``duong_su[1].tu_cach``) so the
    agency can find the record and the field to fix. Optional fields accept
    both ``null`` and absence.
    """

    __slots__ = ("_data", "_path")

    def __init__(self, data: object, path: str = "") -> None:
        if type(data) is not dict and not isinstance(data, Mapping):  # dict first: the ABC check is slow
            got = describe(data)
            raise BadValue(
                msg("{field}: expected an object, got {value}", field=path, value=got)
                if path
                else msg("record: expected an object, got {value}", value=got)
            )
        self._data: Mapping[str, object] = data
        self._path = path

    def _where(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def _fail(self, name: str, error: ValueError) -> BadValue:
        return BadValue(msg("{field}: {problem}", field=self._where(name), problem=problem(error)))

    def raw(self, name: str) -> object:
        if name not in self._data:
            raise BadValue(msg("{field}: missing", field=self._where(name)))
        return self._data[name]

    def optional_raw(self, name: str) -> object:
        return self._data.get(name)

    def text(self, name: str, *, blank_ok: bool = False) -> str:
        value = self.raw(name)
        try:
            return parse_text(value, blank_ok=blank_ok)
        except ValueError as error:
            raise self._fail(name, error) from None

    def optional_text(self, name: str) -> str | None:
        """Null, absent or blank → None (a blank label says nothing)."""
        value = self.optional_raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_text(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def date(self, name: str) -> dt.date:
        value = self.raw(name)
        try:
            return parse_date(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def optional_date(self, name: str) -> dt.date | None:
        value = self.optional_raw(name)
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def vnd(self, name: str) -> int:
        value = self.raw(name)
        try:
            return parse_vnd(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def optional_vnd(self, name: str) -> int | None:
        value = self.optional_raw(name)
        if value is None:
            return None
        try:
            return parse_vnd(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if not isinstance(value, bool):
            raise BadValue(
                msg("{field}: expected true or false, got {value}", field=self._where(name), value=describe(value))
            )
        return value

    def flag(self, name: str) -> bool:
        """A 0/1 integer column (SQL has no portable boolean in the agencies' schemas)."""
        value = self.raw(name)
        if isinstance(value, bool) or value not in (0, 1):
            raise BadValue(msg("{field}: expected 0 or 1, got {value}", field=self._where(name), value=describe(value)))
        return value == 1

    def integer(self, name: str, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadValue(
                msg("{field}: expected an integer, got {value}", field=self._where(name), value=describe(value))
            )
        if minimum is not None and value < minimum:
            raise BadValue(
                msg(
                    "{field}: expected at least {minimum}, got {value}",
                    field=self._where(name),
                    minimum=minimum,
                    value=value,
                )
            )
        return value

    def choice(self, name: str, table: Mapping[str, E]) -> E:
        value = self.raw(name)
        try:
            return parse_choice(value, table)
        except ValueError as error:
            raise self._fail(name, error) from None

    def sha256(self, name: str) -> str:
        value = self.raw(name)
        try:
            return parse_sha256(value)
        except ValueError as error:
            raise self._fail(name, error) from None

    def nested(self, name: str) -> Fields:
        return Fields(self.raw(name), self._where(name))

    def array(self, name: str) -> list[Any]:
        """A list whose items are checked one by one by the caller (one bad item must not spoil the rest)."""
        value = self.raw(name)
        if not isinstance(value, list):
            raise BadValue(msg("{field}: expected a list, got {value}", field=self._where(name), value=describe(value)))
        return value

    def objects(self, name: str) -> list[Fields]:
        """A list of objects; ``null`` or absence reads as an empty list."""
        value = self.optional_raw(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise BadValue(msg("{field}: expected a list, got {value}", field=self._where(name), value=describe(value)))
        return [Fields(item, f"{self._where(name)}[{index}]") for index, item in enumerate(value)]


class Unsure(Exception):
    """A fast reader met something other than the plainest well-formed value: read the record with ``Fields``.

    Deliberately not a ValueError, so that a strict reader's ``except ValueError``
    can never swallow it; every fast path catches it and falls back to the strict path.
    """


_normalize = unicodedata.normalize


def fast_object(value: object) -> dict[str, Any]:
    """A JSON object as decoded (a plain dict); other mappings are left to ``Fields``."""
    if type(value) is dict:
        return value
    raise Unsure


def fast_objects(value: object) -> list[Any]:
    """``Fields.objects``' list, unchecked items (each is read with :func:`fast_object`); null reads as empty."""
    if value is None:
        return []
    if type(value) is list:
        return value
    raise Unsure


def fast_text(value: object) -> str:
    """``Fields.text``: a non-blank string, NFC (``normalize`` hands back an NFC string itself, cheaply)."""
    if type(value) is str:
        text = _normalize("NFC", value)
        if text.strip():
            return text
    raise Unsure


def fast_text_or_blank(value: object) -> str:
    """``Fields.text(..., blank_ok=True)``."""
    if type(value) is str:
        return _normalize("NFC", value)
    raise Unsure


def fast_optional_text(value: object) -> str | None:
    """``Fields.optional_text``: null or blank → None."""
    if value is None or (type(value) is str and not value.strip()):
        return None
    return fast_text(value)


def fast_boolean(value: object) -> bool:
    """``Fields.boolean``."""
    if type(value) is bool:
        return value
    raise Unsure


def fast_choice(value: object, table: Mapping[str, E]) -> E:
    """``Fields.choice``: the label as sent is tried first, as the tables' labels are NFC without outer spaces.

    ``in`` and ``[]`` rather than ``get``: a MappingProxyType's ``get`` is a slow method call.
    """
    if type(value) is str:
        if value in table:
            return table[value]
        label = _normalize("NFC", value).strip()
        if label in table:
            return table[label]
    raise Unsure


def fast_date(value: object) -> dt.date:
    """``Fields.date`` for a date without outer spaces."""
    if type(value) is str:
        return _plain_date(value)
    raise Unsure


def fast_optional_date(value: object) -> dt.date | None:
    """``Fields.optional_date``."""
    if value is None:
        return None
    if type(value) is str:
        return _plain_date(value)
    raise Unsure


def _plain_date(text: str) -> dt.date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise Unsure
    day, month, year = match.groups()
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise Unsure from None


def fast_vnd(value: object) -> int:
    """``Fields.vnd`` for an amount without outer spaces (a leading '-' never matches)."""
    if type(value) is str and _VND.fullmatch(value) is not None:
        try:
            return int(value.replace(".", ""))
        except ValueError:  # beyond int()'s digit limit: Fields says so
            raise Unsure from None
    raise Unsure


def fast_optional_vnd(value: object) -> int | None:
    """``Fields.optional_vnd``."""
    if value is None:
        return None
    return fast_vnd(value)


def fast_sha256(value: object) -> str:
    """``Fields.sha256``."""
    if type(value) is str and _SHA256.fullmatch(value) is not None:
        return value.lower()
    raise Unsure
