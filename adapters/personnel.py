"""The personnel database's adapter: ``don_vi`` / ``can_bo`` rows translated to ``StaffingUnit`` / ``Officer``.

The personnel system is not a service but a SQL database (docs/agency-interface.md,
"Personnel database"). Its schema belongs to the personnel departments, so the
adapter describes only the columns it reads, with lightweight ``table()``
constructs, and never creates or migrates anything. Each batch is ONE query::

    engine = create_personnel_engine(PersonnelConfig("sqlite:///var/personnel.db"))
    personnel = SqlPersonnelAdapter(engine, timeout_s=2.0)
    [officers] = await personnel.fetch_many(["enforcement.ha-noi"])

Database errors become ``AgencyUnavailable`` (their text, which may hold SQL or
a host name, stays in ``__cause__`` for the logs) and a query slower than
``timeout_s`` becomes ``AgencyTimeout``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, Row, column, literal, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.expression import TableClause

from adapters.base import AdapterStatus
from adapters.batching import unique
from adapters.config import PersonnelConfig
from adapters.dialect import (
    SEXES,
    Fields,
    Unsure,
    fast_choice,
    fast_date,
    fast_optional_date,
    fast_optional_text,
    fast_text,
    problem,
)
from adapters.metrics import AdapterMetrics
from adapters.tracking import CallTracker
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.messages import msg
from domain.types import Officer, StaffingUnit

AGENCY = "personnel"
_UNIT_COLUMNS = ("ma_don_vi", "ten_don_vi", "bien_che")
STAFF_COLUMNS = (
    "ma_can_bo",
    "ho_ten",
    "gioi_tinh",
    "ngay_sinh",
    "so_cccd",
    "ma_don_vi",
    "chuc_vu",
    "chuc_danh",
    "ngay_bo_nhiem",
    "ngay_het_nhiem_ky",
    "so_nhiem_ky_lien_tiep",
    "vi_tri_nhay_cam",
    "ngay_nhan_vi_tri",
    "dao_tao",
    "ky_luat",
)

_AGENCY, _PERSON = STAFF_COLUMNS.index("ma_don_vi"), STAFF_COLUMNS.index("ma_can_bo")

OfficersAnswer = tuple[Officer, ...] | AgencyBadData


def create_personnel_engine(config: PersonnelConfig) -> AsyncEngine:
    """An engine for the personnel database; the app's lifespan owns it and disposes of it."""
    return create_async_engine(config.async_url(), pool_pre_ping=True)


class SqlPersonnelAdapter:
    """``PersonnelAdapter`` reading the personnel database through SQLAlchemy Core."""

    agency = AGENCY

    def __init__(
        self,
        engine: AsyncEngine,
        timeout_s: float = 2.0,
        metrics: AdapterMetrics | None = None,
        *,
        schema: str | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self._engine = engine
        self._timeout_s = timeout_s
        self.status = AdapterStatus(AGENCY)
        self._tracker = CallTracker(self.status, metrics)
        self._running: set[asyncio.Future[Sequence[Row[Any]]]] = set()  # keeps abandoned queries alive
        self._units: TableClause = table("don_vi", *(column(name) for name in _UNIT_COLUMNS), schema=schema)
        self._staff: TableClause = table("can_bo", *(column(name) for name in STAFF_COLUMNS), schema=schema)

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[OfficersAnswer]:
        """Officers on each agency's staff (by ``ma_can_bo``); an agency with a malformed row gets AgencyBadData."""
        codes = unique(keys)
        self._tracker.observe_batch(len(codes))
        if not codes:
            return []
        staff = self._staff.c
        rows = await self._rows(
            "select can_bo",
            select(*self._staff.c).where(staff.ma_don_vi.in_(codes)).order_by(staff.ma_don_vi, staff.ma_can_bo),
        )
        officers: dict[str, list[Officer]] = {code: [] for code in codes}
        bad: dict[str, AgencyBadData] = {}
        for row in rows:
            code = str(row[_AGENCY])
            if code in bad or code not in officers:
                continue
            try:
                officers[code].append(read_officer(row))
            except ValueError as error:
                person = str(row[_PERSON])
                bad[code] = AgencyBadData(
                    AGENCY, msg("can_bo {person}: {detail}", person=person, detail=problem(error)), record=person
                )
        self._tracker.count_bad_records(len(bad))
        return [bad[code] if code in bad else tuple(officers[code]) for code in keys]

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | None]:
        """The unit row of each agency (name, quota), ``None`` if the personnel database has none.

        The interface has no in-place error here, so a malformed unit row fails
        the whole call with AgencyBadData naming the unit.
        """
        codes = unique(agency_codes)
        if not codes:
            return []
        operation = "select don_vi"
        rows = await self._rows(operation, select(*self._units.c).where(self._units.c.ma_don_vi.in_(codes)))
        units: dict[str, StaffingUnit | None] = dict.fromkeys(codes)
        for row in rows:
            code = str(row._mapping["ma_don_vi"])
            try:
                units[code] = parse_unit(Fields(row._mapping))
            except ValueError as error:
                bad = AgencyBadData(
                    AGENCY, msg("don_vi {code}: {detail}", code=code, detail=problem(error)), record=code
                )
                self._tracker.count_bad_records(1)
                self._tracker.record_error(operation, bad)
                raise bad from None
        return [units[code] for code in agency_codes]

    async def ping(self) -> None:
        """Reach the database and its ``don_vi`` table (a reachable but empty schema is not ready)."""
        await self._rows("ping", select(literal(1)).select_from(self._units).limit(1))

    async def aclose(self, wait_s: float = 1.0) -> None:
        """Give queries abandoned after a timeout up to ``wait_s`` to end; call before disposing of the engine."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=wait_s)

    async def _rows(self, operation: str, statement: Executable) -> Sequence[Row[Any]]:
        """Run one query within ``timeout_s``, whatever the driver does when cancelled.

        A plain ``asyncio.timeout`` is not enough: cancelling a query blocked on
        a locked SQLite file still waits for the driver's busy timeout (5 s) to
        close the connection. So the query runs as its own task; on timeout the
        caller gets AgencyTimeout at once and the task is cancelled and cleans
        up in the background.
        """
        with self._tracker.call(operation):
            query = asyncio.ensure_future(self._query(statement))
            self._running.add(query)
            query.add_done_callback(self._forget)
            try:
                return await asyncio.wait_for(asyncio.shield(query), self._timeout_s)
            except TimeoutError as exc:  # before OSError: TimeoutError is one
                raise AgencyTimeout(
                    AGENCY, msg("no answer within {seconds} s", seconds=f"{self._timeout_s:g}")
                ) from exc
            except (SQLAlchemyError, OSError) as exc:
                raise AgencyUnavailable(
                    AGENCY, msg("personnel database failed ({failure})", failure=type(exc).__name__)
                ) from exc
            finally:
                query.cancel()  # no-op when done; otherwise the caller gave up or the time ran out

    async def _query(self, statement: Executable) -> Sequence[Row[Any]]:
        async with self._engine.connect() as connection:
            result = await connection.execute(statement)
            return result.all()

    def _forget(self, query: asyncio.Future[Sequence[Row[Any]]]) -> None:
        """Drop an ended query; read the outcome of an abandoned one so asyncio does not warn."""
        self._running.discard(query)
        if not query.cancelled():
            query.exception()


def read_officer(row: Sequence[object]) -> Officer:
    """A ``can_bo`` row's values as selected (the columns of ``STAFF_COLUMNS``, in order) → ``Officer``.

    :func:`fast_officer` first; on any doubt the strict :func:`parse_officer` reads the row again, by
    column name, and says what is wrong (a national report reads every officer of the country: the
    strict reader's lookups by name were a fifth of the hub's time for it).
    """
    try:
        return fast_officer(row)
    except Unsure:
        return parse_officer(Fields(dict(zip(STAFF_COLUMNS, row, strict=True))))


def fast_officer(row: Sequence[object]) -> Officer:
    """``parse_officer`` for a well-formed row, read by position; :class:`~adapters.dialect.Unsure` otherwise.

    Answers only what ``parse_officer`` would (tests/adapters/test_personnel_fast_path.py); the Officer is
    built positionally (keywords cost a dict per call), each field named in a comment.
    """
    if len(row) != len(STAFF_COLUMNS):
        raise Unsure
    (code, name, sex, born, citizen_id, agency, post, title, appointed, term_ends, terms, sensitive, since,
     training, discipline) = row  # fmt: skip
    if type(terms) is not int or terms < 1 or type(sensitive) is not int or not 0 <= sensitive <= 1:
        raise Unsure
    return Officer(
        fast_text(code),  # code
        fast_text(name),  # name
        fast_choice(sex, SEXES),  # sex
        fast_date(born),  # birth_date
        fast_text(citizen_id),  # citizen_id
        fast_text(agency),  # agency_code
        fast_text(title),  # title
        fast_optional_text(post),  # post
        fast_optional_date(appointed),  # appointed_on
        fast_optional_date(term_ends),  # term_ends_on
        terms,  # consecutive_terms
        sensitive == 1,  # sensitive_post
        fast_optional_date(since),  # position_since
        fast_optional_text(training),  # training
        fast_optional_text(discipline),  # discipline
    )


def parse_officer(fields: Fields) -> Officer:
    """A ``can_bo`` row → ``Officer``; ValueError naming the column on anything malformed."""
    return Officer(
        code=fields.text("ma_can_bo"),
        name=fields.text("ho_ten"),
        sex=fields.choice("gioi_tinh", SEXES),
        birth_date=fields.date("ngay_sinh"),
        citizen_id=fields.text("so_cccd"),
        agency_code=fields.text("ma_don_vi"),
        title=fields.text("chuc_danh"),
        post=fields.optional_text("chuc_vu"),
        appointed_on=fields.optional_date("ngay_bo_nhiem"),
        term_ends_on=fields.optional_date("ngay_het_nhiem_ky"),
        consecutive_terms=fields.integer("so_nhiem_ky_lien_tiep", minimum=1),
        sensitive_post=fields.flag("vi_tri_nhay_cam"),
        position_since=fields.optional_date("ngay_nhan_vi_tri"),
        training=fields.optional_text("dao_tao"),
        discipline=fields.optional_text("ky_luat"),
    )


def parse_unit(fields: Fields) -> StaffingUnit:
    """A ``don_vi`` row → ``StaffingUnit``."""
    return StaffingUnit(
        agency_code=fields.text("ma_don_vi"),
        name=fields.text("ten_don_vi"),
        quota=fields.integer("bien_che", minimum=0),
    )
