"""The judgments registry: every judgment the hub knows, where it was routed, and a search over them.

The registry is the hub's index, not the judgment itself: details, documents
and parties stay with the court's system and are fetched through its
adapter (for a judgment transferred through the hub, parties and obligations
are what its court signed, kept by the transfer: ``ledger/signed_judgments.py``).
What is kept here is enough to answer "which judgments concern this
agency / this person / this period" without asking every agency.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Row, Table, false, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.jurisdiction import Route
from domain.text import fold
from domain.types import CaseType, CourtJudgment, Instance, JudgmentKey
from ledger.models import JudgmentRow
from ledger.paging import Page, check_page_size, decode_cursor, encode_cursor, malformed_cursor
from ledger.upsert import upsert_rows

JUDGMENTS: Table = JudgmentRow.__table__  # type: ignore[assignment]
CURSOR_TAG: Final = "judgments"
PARTY_SEPARATOR: Final = " | "
REGISTERED: Final = "registered"


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One row of the registry, as plain values."""

    id: str
    court_code: str
    number: str
    case_type: CaseType
    instance: Instance
    adjudicated_on: date
    effective_on: date
    current_court_code: str
    enforcement_agency_code: str
    enforcement_office_code: str | None
    procuracy_code: str
    province_code: str
    party_search: str
    document_sha256: str
    registered_at: datetime
    status: str = REGISTERED

    def __post_init__(self) -> None:
        if self.id != str(JudgmentKey(self.court_code, self.number)):
            raise ValueError(f"registry id {self.id!r} is not {self.court_code}:{self.number}")
        if self.registered_at.tzinfo is None:
            raise ValueError("registered_at must be timezone-aware")

    @property
    def key(self) -> JudgmentKey:
        return JudgmentKey(self.court_code, self.number)


def entry_from(
    judgment: CourtJudgment,
    route: Route,
    registered_at: datetime,
    province_code: str | None = None,
) -> RegistryEntry:
    """The registry entry for ``judgment`` as routed by ``domain.jurisdiction.route_judgment``.

    ``province_code`` is the province whose agencies handle the judgment. When
    not given it is read from the route's provincial enforcement agency, whose
    code is ``enforcement.<province>`` by construction (``domain.organisation``).
    """
    return RegistryEntry(
        id=str(judgment.key),
        court_code=judgment.key.court_code,
        number=judgment.key.number,
        case_type=CaseType(judgment.case_type),
        instance=Instance(judgment.instance),
        adjudicated_on=judgment.adjudicated_on,
        effective_on=judgment.effective_on,
        current_court_code=route.court_code,
        enforcement_agency_code=route.enforcement_agency_code,
        enforcement_office_code=route.enforcement_office_code,
        procuracy_code=route.procuracy_code,
        province_code=province_code if province_code is not None else _province_of(route),
        party_search=party_search_text(party.name for party in judgment.parties),
        document_sha256=judgment.document_sha256,
        registered_at=registered_at,
    )


def party_search_text(names: Iterable[str]) -> str:
    """Folded party names, one searchable string (``"nguyen van an | cong ty abc"``)."""
    return PARTY_SEPARATOR.join(fold(name) for name in names)


@dataclass(frozen=True, slots=True)
class JudgmentFilter:
    """Criteria of :meth:`JudgmentRegistry.search`; all given ones must hold.

    - ``court_code``: the issuing court, or the court that holds its work today;
    - ``enforcement_agency_code``: the provincial agency or the area office;
    - ``effective_from`` / ``effective_to``: inclusive bounds on the effective date;
    - ``party``: free text; every word, diacritics and case ignored, must occur
      in the party names ("nguyen van an" finds "Nguyễn Văn An");
    - ``codes_any``: only judgments where one of these agencies is the court,
      current court, enforcement agency, office or procuracy (access control;
      an empty set matches nothing, None does not restrict).
    """

    court_code: str | None = None
    enforcement_agency_code: str | None = None
    procuracy_code: str | None = None
    province_code: str | None = None
    case_type: CaseType | str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    party: str | None = None
    codes_any: Collection[str] | None = None


class JudgmentRegistry:
    """The registry, through one session the caller owns (and commits)."""

    entry_from = staticmethod(entry_from)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_many(self, entries: Sequence[RegistryEntry]) -> None:
        """Register entries; a repeat refreshes what the court said and where it routes.

        When it was first registered and how far it has got (``registered_at``,
        ``status``) belong to the hub's history and are kept.
        """
        rows = {entry.id: _to_row(entry) for entry in entries}
        await upsert_rows(self._session, JUDGMENTS, list(rows.values()), keep=("registered_at", "status"))

    async def get(self, judgment_id: str) -> RegistryEntry | None:
        return (await self.get_many([judgment_id]))[0]

    async def get_many(self, ids: Sequence[str]) -> list[RegistryEntry | None]:
        """Entries for ``ids`` in the same order, None where unknown; one query (DataLoader batch)."""
        if not ids:
            return []
        result = await self._session.execute(select(*JUDGMENTS.columns).where(JUDGMENTS.c.id.in_(set(ids))))
        found = {entry.id: entry for entry in map(_to_entry, result)}
        return [found.get(judgment_id) for judgment_id in ids]

    async def search(self, filter: JudgmentFilter, first: int, after: str | None = None) -> Page[RegistryEntry]:
        """One page of matching entries, newest effective date first (ties by id, descending).

        ``after`` is the ``end_cursor`` of the previous page; a cursor this API
        did not issue raises ValueError, as does ``first`` outside 1..500.
        """
        check_page_size(first)
        query = select(*JUDGMENTS.columns).where(*conditions(filter))
        if after is not None:
            effective_on, last_id = _decode(after)
            query = query.where(tuple_(JUDGMENTS.c.effective_on, JUDGMENTS.c.id) < tuple_(effective_on, last_id))
        query = query.order_by(JUDGMENTS.c.effective_on.desc(), JUDGMENTS.c.id.desc()).limit(first + 1)
        entries = [_to_entry(row) for row in await self._session.execute(query)]
        items = tuple(entries[:first])
        return Page(items=items, cursors=tuple(map(cursor_of, items)), has_next_page=len(entries) > first)

    async def count(self, filter: JudgmentFilter) -> int:
        """How many entries match (a connection's ``totalCount``)."""
        query = select(func.count()).select_from(JUDGMENTS).where(*conditions(filter))
        return int((await self._session.execute(query)).scalar_one())


def cursor_of(entry: RegistryEntry) -> str:
    """The opaque cursor pointing just after ``entry`` in search order."""
    return encode_cursor(CURSOR_TAG, (entry.effective_on.isoformat(), entry.id))


def conditions(filter: JudgmentFilter) -> list[ColumnElement[bool]]:
    """SQL conditions for ``filter``; exposed so later queries (reports) filter the same way."""
    c = JUDGMENTS.c
    where: list[ColumnElement[bool]] = []
    if filter.court_code is not None:
        where.append(or_(c.court_code == filter.court_code, c.current_court_code == filter.court_code))
    if filter.enforcement_agency_code is not None:
        code = filter.enforcement_agency_code
        where.append(or_(c.enforcement_agency_code == code, c.enforcement_office_code == code))
    if filter.procuracy_code is not None:
        where.append(c.procuracy_code == filter.procuracy_code)
    if filter.province_code is not None:
        where.append(c.province_code == filter.province_code)
    if filter.case_type is not None:
        where.append(c.case_type == CaseType(filter.case_type).value)
    if filter.effective_from is not None:
        where.append(c.effective_on >= filter.effective_from)
    if filter.effective_to is not None:
        where.append(c.effective_on <= filter.effective_to)
    if filter.party is not None:
        # autoescape: % and _ typed by a user are literal characters, not wildcards.
        where.extend(c.party_search.contains(word, autoescape=True) for word in fold(filter.party).split())
    if filter.codes_any is not None:
        where.append(_involves_any(set(filter.codes_any)))
    return where


def _involves_any(codes: set[str]) -> ColumnElement[bool]:
    if not codes:
        return false()
    c = JUDGMENTS.c
    columns = (c.court_code, c.current_court_code, c.enforcement_agency_code, c.enforcement_office_code)
    return or_(*(column.in_(codes) for column in (*columns, c.procuracy_code)))


def _decode(cursor: str) -> tuple[date, str]:
    effective_on, judgment_id = decode_cursor(CURSOR_TAG, cursor, 2)
    try:
        return date.fromisoformat(effective_on), judgment_id
    except ValueError as exc:
        raise malformed_cursor(cursor) from exc


def _province_of(route: Route) -> str:
    prefix, dot, province = route.enforcement_agency_code.partition(".")
    if prefix != "enforcement" or not dot or not province or "." in province:
        raise ValueError(
            f"cannot tell the province from {route.enforcement_agency_code!r}; pass province_code explicitly"
        )
    return province


def _to_row(entry: RegistryEntry) -> dict[str, Any]:
    row = asdict(entry)
    row["case_type"] = entry.case_type.value
    row["instance"] = entry.instance.value
    return row


def _to_entry(row: Row[Any]) -> RegistryEntry:
    values = dict(row._mapping)
    values["case_type"] = CaseType(values["case_type"])
    values["instance"] = Instance(values["instance"])
    return RegistryEntry(**values)
