"""Personnel kept by other agencies' systems, read over HTTP: the courts' and the procuracies' staff.

The Supreme People's Court and the Supreme People's Procuracy keep their own
personnel systems, reached through the court and procuracy services
(docs/agency-interface.md, "Court system" and "Procuracy system", staff). Each
speaks its service's dialect, and neither is the personnel database's schema,
so each adapter translates its own::

    court_staff = CourtPersonnelAdapter(session, HttpAgencyConfig(court_url, api_key=key), metrics)
    [officers] = await court_staff.fetch_many(["court.ha-noi.kv01"])
    [unit] = await court_staff.staffing_units(["court.ha-noi.kv01"])   # StaffingUnit(quota=...) | None

Both implement ``PersonnelAdapter`` like ``adapters.personnel.SqlPersonnelAdapter``
and answer alike: a unit the system does not keep has no officers (``()``) and
no staffing unit (``None``); a unit with one malformed person answers
AgencyBadData naming that person in place of its officers; a malformed unit
header fails ``staffing_units`` with AgencyBadData naming the unit. One batch
endpoint serves both calls (at most 500 units per call, chunks concurrent), and
the transport's failures are those of ``adapters.http`` (timeouts, retries of
these safe reads, error mapping, metrics, circuit breaker).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from adapters.batching import lookup_in_chunks, unique
from adapters.dialect import SEXES, BadValue, Fields, problem
from adapters.http_adapter import ClientBoundAdapter
from domain.errors import AgencyBadData
from domain.messages import msg
from domain.types import Officer, StaffingUnit

COURT_PERSONNEL = "court-personnel"
PROCURACY_PERSONNEL = "procuracy-personnel"
COURT_LOOKUP_PATH = "/api/nhan-su/tra-cuu"
PROCURACY_LOOKUP_PATH = "/kiem-sat/can-bo/theo-don-vi"

OfficersAnswer = tuple[Officer, ...] | AgencyBadData


@dataclass(frozen=True, slots=True)
class Staffing:
    """What a personnel system said about one unit, each half translated (or not) on its own."""

    unit: StaffingUnit | AgencyBadData
    officers: OfficersAnswer


# Per unit code: its staffing, None if the system keeps no such unit, AgencyBadData if its entry is unusable.
UnitAnswer = Staffing | AgencyBadData | None


class HttpPersonnelAdapter(ClientBoundAdapter):
    """Base of the HTTP personnel adapters: batching, answers per interface call, ping.

    A subclass says how to ask for one chunk of unit codes and read the answer (``_lookup``).
    """

    lookup_path: str  # the batch endpoint, set by each subclass

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[OfficersAnswer]:
        """Officers of each unit, in the order the system lists them; ``()`` for a unit it does not keep."""
        answers = await self._staffing(keys)
        out: list[OfficersAnswer] = []
        for code in keys:
            answer = answers[code]
            out.append(() if answer is None else answer if isinstance(answer, AgencyBadData) else answer.officers)
        return out

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | None]:
        """Name and quota of each unit, ``None`` for a unit the system does not keep.

        As in the SQL adapter, a unit whose own entry cannot be read fails the
        whole call with AgencyBadData naming it (the interface has no in-place
        error for this call; the router keeps the failure to this system).
        """
        answers = await self._staffing(agency_codes)
        out: list[StaffingUnit | None] = []
        for code in agency_codes:
            answer = answers[code]
            unit = answer.unit if isinstance(answer, Staffing) else answer
            if isinstance(unit, AgencyBadData):
                self._client.tracker.record_error(f"POST {self.lookup_path}", unit)
                raise unit
            out.append(unit)
        return out

    async def ping(self) -> None:
        """GET /health of the service that holds the personnel endpoint."""
        await self._client.ping()

    async def aclose(self) -> None:
        """Nothing to release: the app owns the HTTP session."""

    async def _staffing(self, keys: Sequence[str]) -> dict[str, UnitAnswer]:
        codes = unique(keys)
        self._client.tracker.observe_batch(len(codes))
        answers = await lookup_in_chunks(codes, self._lookup, size=self._batch_size)
        return dict(zip(codes, answers, strict=True))

    @staticmethod
    def _is_bad(answer: object) -> bool:
        return isinstance(answer, AgencyBadData) or (
            isinstance(answer, Staffing)
            and (isinstance(answer.unit, AgencyBadData) or isinstance(answer.officers, AgencyBadData))
        )

    async def _lookup(self, chunk: Sequence[str]) -> Mapping[str, UnitAnswer]:
        """Ask about one chunk (≤ batch size, distinct codes); answer every code of it."""
        raise NotImplementedError


class CourtPersonnelAdapter(HttpPersonnelAdapter):
    """The courts' staff, by ``POST /api/nhan-su/tra-cuu`` (``ket_qua`` / ``khong_tim_thay``, like judgments)."""

    agency = COURT_PERSONNEL
    lookup_path = COURT_LOOKUP_PATH

    async def _lookup(self, chunk: Sequence[str]) -> Mapping[str, UnitAnswer]:
        body = {"danh_sach": [{_COURT.code: code} for code in chunk]}
        matched = await self._ask(
            self.lookup_path, body, chunk, _COURT.code_of, entries="ket_qua", absent="khong_tim_thay"
        )
        results: dict[str, UnitAnswer] = matched.answers(self._unit, None, self._unanswered)
        self._count_bad(results.values())
        return results

    def _unit(self, record: object, code: str) -> UnitAnswer:
        return _staffing(self.agency, Fields(record), code, _COURT)

    def _unanswered(self, code: str) -> UnitAnswer:
        """Unreadable, or forgotten: say so rather than claim the court keeps no such unit."""
        return AgencyBadData(
            self.agency, msg("unit {code}: neither returned nor listed as not found", code=code), record=code
        )


class ProcuracyPersonnelAdapter(HttpPersonnelAdapter):
    """The procuracies' staff, by ``POST /kiem-sat/can-bo/theo-don-vi`` (one entry per unit asked)."""

    agency = PROCURACY_PERSONNEL
    lookup_path = PROCURACY_LOOKUP_PATH

    async def _lookup(self, chunk: Sequence[str]) -> Mapping[str, UnitAnswer]:
        matched = await self._ask(
            self.lookup_path, {"don_vi": list(chunk)}, chunk, _PROCURACY.code_of, entries="ket_qua"
        )
        results: dict[str, UnitAnswer] = matched.answers(self._unit, None, self._unanswered)
        self._count_bad(results.values())
        return results

    def _unit(self, entry: object, code: str) -> UnitAnswer:
        """Its staffing; None for a unit without name and quota (not kept here), unless it lists staff all the same."""
        fields = Fields(entry)
        if any(fields.optional_raw(name) is not None for name in (_PROCURACY.name, _PROCURACY.quota)):
            return _staffing(self.agency, fields, code, _PROCURACY)
        if fields.optional_raw(_PROCURACY.staff):
            return AgencyBadData(
                self.agency, msg("unit {code}: staff listed for a unit without a name", code=code), record=code
            )
        return None

    def _unanswered(self, code: str) -> UnitAnswer:
        return AgencyBadData(self.agency, msg("unit {code}: left out of the answer", code=code), record=code)


def _staffing(agency: str, fields: Fields, code: str, dialect: _Dialect) -> Staffing:
    """Translate a unit's header and its staff separately: a bad person must not hide the quota, nor the reverse."""
    unit: StaffingUnit | AgencyBadData
    try:
        unit = StaffingUnit(
            agency_code=code, name=fields.text(dialect.name), quota=fields.integer(dialect.quota, minimum=0)
        )
    except ValueError as error:
        unit = AgencyBadData(agency, msg("unit {code}: {detail}", code=code, detail=problem(error)), record=code)
    return Staffing(unit, _officers(agency, fields, code, dialect))


def _officers(agency: str, fields: Fields, code: str, dialect: _Dialect) -> OfficersAnswer:
    """Every person of the unit, or AgencyBadData naming the first one that cannot be read (a partial list misleads)."""
    try:
        people = fields.objects(dialect.staff)
    except ValueError as error:
        return AgencyBadData(agency, msg("unit {code}: {detail}", code=code, detail=problem(error)), record=code)
    officers: list[Officer] = []
    for index, person in enumerate(people):
        try:
            officer = dialect.parse(person)
        except ValueError as error:
            who = _person_code(person, dialect.person_code) or f"{code} {dialect.staff}[{index}]"
            return AgencyBadData(
                agency,
                msg("unit {code}: person {who}: {detail}", code=code, who=who, detail=problem(error)),
                record=who,
            )
        if officer.agency_code != code:
            return AgencyBadData(
                agency,
                msg(
                    "unit {code}: person {who} is listed under {listed}",
                    code=code,
                    who=officer.code,
                    listed=officer.agency_code,
                ),
                record=officer.code,
            )
        officers.append(officer)
    return tuple(officers)


def _person_code(person: Fields, field: str) -> str | None:
    try:
        return person.text(field)
    except ValueError:
        return None


def parse_court_officer(fields: Fields) -> Officer:
    """A court's ``CanBoToaAn`` → ``Officer``; the post and its term come from the nested ``chuc_vu``."""
    post = None if fields.optional_raw("chuc_vu") is None else fields.nested("chuc_vu")
    return Officer(
        code=fields.text("ma_nhan_su"),
        name=fields.text("ho_ten"),
        sex=fields.choice("gioi_tinh", SEXES),
        birth_date=fields.date("ngay_sinh"),
        citizen_id=fields.text("so_cccd"),
        agency_code=fields.text("ma_toa_an"),
        title=fields.text("chuc_danh"),
        post=None if post is None else post.text("ten"),
        appointed_on=None if post is None else post.optional_date("ngay_bo_nhiem"),
        term_ends_on=None if post is None else post.optional_date("ngay_het_nhiem_ky"),
        consecutive_terms=1 if post is None else post.integer("nhiem_ky_lien_tiep", minimum=1),
        sensitive_post=fields.boolean("vi_tri_nhay_cam"),
        position_since=fields.optional_date("ngay_dam_nhiem"),
        training=fields.optional_text("trinh_do"),
        discipline=fields.optional_text("ky_luat"),
    )


def parse_procuracy_officer(fields: Fields) -> Officer:
    """A procuracy's ``CanBoVKS`` → ``Officer``; the post is flat, its term the nested ``nhiem_ky``."""
    post = fields.optional_text("chuc_vu_lanh_dao")
    term = None if fields.optional_raw("nhiem_ky") is None else fields.nested("nhiem_ky")
    if term is not None and post is None:
        raise BadValue(msg("nhiem_ky: a term without chuc_vu_lanh_dao"))
    return Officer(
        code=fields.text("so_hieu"),
        name=fields.text("ho_va_ten"),
        sex=fields.choice("gioi_tinh", SEXES),
        birth_date=fields.date("ngay_sinh"),
        citizen_id=fields.text("so_dinh_danh"),
        agency_code=fields.text("vien_kiem_sat"),
        title=fields.text("chuc_danh"),
        post=post,
        appointed_on=None if term is None else term.optional_date("tu_ngay"),
        term_ends_on=None if term is None else term.optional_date("den_ngay"),
        consecutive_terms=1 if term is None else term.integer("lan_thu", minimum=1),
        sensitive_post=fields.boolean("nhay_cam"),
        position_since=fields.optional_date("giu_vi_tri_tu"),
        training=fields.optional_text("dao_tao"),
        discipline=fields.optional_text("ky_luat"),
    )


@dataclass(frozen=True, slots=True)
class _Dialect:
    """Where one service puts a unit's code, name, quota and staff list, and how it writes a person."""

    code: str
    name: str
    quota: str
    staff: str
    person_code: str
    parse: Callable[[Fields], Officer]

    def code_of(self, item: object) -> str | None:
        """The unit code an entry is about; ``None`` if it cannot be read."""
        try:
            return Fields(item).text(self.code)
        except ValueError:
            return None


_COURT = _Dialect(
    code="ma_toa_an",
    name="ten_toa_an",
    quota="bien_che",
    staff="can_bo",
    person_code="ma_nhan_su",
    parse=parse_court_officer,
)
_PROCURACY = _Dialect(
    code="vien_kiem_sat",
    name="ten_don_vi",
    quota="chi_tieu_bien_che",
    staff="can_bo",
    person_code="so_hieu",
    parse=parse_procuracy_officer,
)
