"""The personnel router: each agency code to the system keeping it, order kept, one call per system, failures kept apart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from starlette.applications import Starlette

from adapters.base import AdapterStatus
from adapters.config import HttpAgencyConfig
from adapters.metrics import AdapterMetrics
from adapters.personnel_routing import PersonnelRouter
from adapters.registry import Adapters, build_adapters
from agencies.common.catalogue import Catalogue
from agencies.common.reference import ReferenceData
from agencies.common.settings import ServiceSettings
from agencies.common.staff import COURT_STAFF, PROCURACY_STAFF, StaffRoster
from agencies.court.app import create_app as create_court
from agencies.personnel import create_personnel_database_async
from agencies.procuracy.app import create_app as create_procuracy
from domain.clock import Clock
from domain.errors import AgencyError, AgencyTimeout, AgencyUnavailable
from domain.types import Officer, Sex, StaffingUnit
from tests.adapters.fake_agency import API_KEY, FakeAgency
from tests.adapters.reference_services import serving


def officer(agency_code: str) -> Officer:
    return Officer(
        code=f"{agency_code}.001",
        name="Nguyễn Văn An",
        sex=Sex.MALE,
        birth_date=date(1980, 1, 1),
        citizen_id="001080000001",
        agency_code=agency_code,
        title="Chuyên viên",
    )


@dataclass
class StubPersonnel:
    """A personnel system double: every code it is asked about has one officer, unless it fails."""

    agency: str
    status: AdapterStatus = field(init=False)
    calls: list[tuple[str, list[str]]] = field(default_factory=list)
    error: BaseException | None = None
    closed: bool = False

    def __post_init__(self) -> None:
        self.status = AdapterStatus(self.agency)

    def _answer(self, call: str, codes: Sequence[str]) -> None:
        self.calls.append((call, list(codes)))
        if isinstance(self.error, AgencyError):
            self.status.ok, self.status.last_error = False, f"{self.error.code}: {self.error.message}"
            self.status.last_error_at = Clock().now()
        if self.error is not None:
            raise self.error
        self.status.ok = True

    async def fetch_many(self, keys: Sequence[str]) -> Sequence[tuple[Officer, ...]]:
        self._answer("fetch_many", keys)
        return [(officer(code),) for code in keys]

    async def staffing_units(self, agency_codes: Sequence[str]) -> Sequence[StaffingUnit | None]:
        self._answer("staffing_units", agency_codes)
        return [StaffingUnit(code, code.upper(), 10) for code in agency_codes]

    async def ping(self) -> None:
        self._answer("ping", [])

    async def aclose(self) -> None:
        self.closed = True


@pytest.fixture
def database() -> StubPersonnel:
    return StubPersonnel("personnel")


@pytest.fixture
def courts() -> StubPersonnel:
    return StubPersonnel("court-personnel")


@pytest.fixture
def procuracies() -> StubPersonnel:
    return StubPersonnel("procuracy-personnel")


@pytest.fixture
def router(database: StubPersonnel, courts: StubPersonnel, procuracies: StubPersonnel) -> PersonnelRouter:
    return PersonnelRouter(database, {"court": courts, "procuracy": procuracies})


MIXED = [
    "court.hue",
    "enforcement.hue",
    "procuracy.hue.kv01",
    "court.hue.kv02",
    "court.hue",
    "enforcement.hue.kv01",
    "police.hue",
]


class TestRouting:
    async def test_each_code_goes_to_its_system_and_answers_keep_the_order(
        self, router: PersonnelRouter, database: StubPersonnel, courts: StubPersonnel, procuracies: StubPersonnel
    ) -> None:
        answers = await router.fetch_many(MIXED)
        assert [a[0].agency_code for a in answers] == MIXED  # type: ignore[index]
        assert courts.calls == [("fetch_many", ["court.hue", "court.hue.kv02"])]
        assert procuracies.calls == [("fetch_many", ["procuracy.hue.kv01"])]
        assert database.calls == [("fetch_many", ["enforcement.hue", "enforcement.hue.kv01", "police.hue"])]

    async def test_staffing_units_are_routed_the_same_way(
        self, router: PersonnelRouter, courts: StubPersonnel, procuracies: StubPersonnel
    ) -> None:
        units = await router.staffing_units(MIXED)
        assert [u.agency_code for u in units if isinstance(u, StaffingUnit)] == MIXED
        assert len(courts.calls) == len(procuracies.calls) == 1

    async def test_a_system_not_needed_by_a_batch_is_not_called(
        self, router: PersonnelRouter, database: StubPersonnel, courts: StubPersonnel, procuracies: StubPersonnel
    ) -> None:
        await router.fetch_many(["enforcement.hue"])
        assert await router.fetch_many([]) == []
        assert (len(database.calls), courts.calls, procuracies.calls) == (1, [], [])

    @pytest.mark.parametrize(
        "error", [AgencyUnavailable("court-personnel", "down"), AgencyTimeout("court-personnel", "slow")]
    )
    async def test_a_failed_system_fails_only_its_own_agencies(
        self, router: PersonnelRouter, courts: StubPersonnel, error: AgencyError
    ) -> None:
        courts.error = error
        answers = await router.fetch_many(MIXED)
        failed = [code for code, a in zip(MIXED, answers, strict=True) if isinstance(a, AgencyError)]
        assert failed == ["court.hue", "court.hue.kv02", "court.hue"]
        assert all(a is error for a in answers if isinstance(a, AgencyError))
        assert all(isinstance(a, tuple) for code, a in zip(MIXED, answers, strict=True) if code not in failed)
        units = await router.staffing_units(["procuracy.hue", "court.hue"])
        assert isinstance(units[0], StaffingUnit)
        assert units[1] is error

    async def test_a_bug_in_a_system_is_not_passed_off_as_an_agency_failure(
        self, router: PersonnelRouter, procuracies: StubPersonnel
    ) -> None:
        procuracies.error = KeyError("bug")
        with pytest.raises(KeyError):
            await router.fetch_many(MIXED)

    async def test_ping_reaches_every_system_and_raises_the_failure(
        self, router: PersonnelRouter, database: StubPersonnel, courts: StubPersonnel, procuracies: StubPersonnel
    ) -> None:
        procuracies.error = AgencyUnavailable("procuracy-personnel", "down")
        with pytest.raises(AgencyUnavailable, match="procuracy-personnel: down"):
            await router.ping()
        assert [len(s.calls) for s in (database, courts, procuracies)] == [1, 1, 1]
        assert [s.ok for s in router.source_statuses()] == [True, True, False]
        assert [s.agency for s in router.source_statuses()] == ["personnel", "court-personnel", "procuracy-personnel"]
        assert router.status.ok is False
        assert router.status.agency == "personnel"

    async def test_aclose_closes_every_system(
        self, router: PersonnelRouter, database: StubPersonnel, courts: StubPersonnel, procuracies: StubPersonnel
    ) -> None:
        await router.aclose()
        assert [database.closed, courts.closed, procuracies.closed] == [True, True, True]


# --- The router as build_adapters wires it, over the reference world --------------------------------------------

SEED = 11


@dataclass
class World:
    adapters: Adapters
    court_app: Starlette
    procuracy_app: Starlette
    court_roster: StaffRoster
    procuracy_roster: StaffRoster
    enforcement_roster: StaffRoster


@pytest.fixture
async def world(
    session: aiohttp.ClientSession, fake: FakeAgency, tmp_path: Path, metrics: AdapterMetrics
) -> AsyncIterator[World]:
    reference = ReferenceData.load()
    catalogue = Catalogue(SEED, 50, reference)
    settings = ServiceSettings(api_key="khoa", judgments=50, seed=SEED)
    court_app, procuracy_app = create_court(settings, catalogue), create_procuracy(settings, catalogue)
    url = f"sqlite+aiosqlite:///{tmp_path / 'personnel.db'}"
    await create_personnel_database_async(url, SEED, reference)
    engine = create_async_engine(url)
    try:
        async with serving(court_app) as court_url, serving(procuracy_app) as procuracy_url:
            adapters = build_adapters(
                session,
                # generous where nothing hangs (a loaded machine must not fail them); the procuracy, which one
                # test hangs, gives up sooner so that test stays short
                court=HttpAgencyConfig(court_url, api_key="khoa", timeout_s=5.0),
                enforcement=HttpAgencyConfig(fake.url, api_key=API_KEY, timeout_s=5.0),
                procuracy=HttpAgencyConfig(procuracy_url, api_key="khoa", timeout_s=1.0),
                personnel_engine=engine,
                metrics=metrics,
            )
            yield World(
                adapters,
                court_app,
                procuracy_app,
                StaffRoster(SEED, reference, plan=COURT_STAFF),
                StaffRoster(SEED, reference, plan=PROCURACY_STAFF),
                StaffRoster(SEED, reference),
            )
            procuracy_app.state.knobs.update({"hang": False})
    finally:
        await engine.dispose()


WORLD_CODES = ["procuracy.hue.kv01", "enforcement.hue", "court.hue", "court.ha-noi.kv01", "enforcement.hue.kv01"]


class TestWiredOverTheReferenceWorld:
    async def test_every_system_answers_its_own_staff(self, world: World) -> None:
        answers = await world.adapters.personnel.fetch_many(WORLD_CODES)
        rosters = {"court": world.court_roster, "procuracy": world.procuracy_roster}
        expected = [
            rosters.get(code.split(".")[0], world.enforcement_roster).unit(code).officers for code in WORLD_CODES
        ]
        assert answers == expected
        units = await world.adapters.personnel.staffing_units(WORLD_CODES)
        assert [u.quota for u in units if isinstance(u, StaffingUnit)] == [
            rosters.get(code.split(".")[0], world.enforcement_roster).unit(code).quota for code in WORLD_CODES
        ]

    async def test_a_hanging_procuracy_times_out_its_agencies_only_and_shows_on_readyz(self, world: World) -> None:
        world.procuracy_app.state.knobs.update({"hang": True})
        answers = await world.adapters.personnel.fetch_many(WORLD_CODES)
        assert isinstance(answers[0], AgencyTimeout)
        assert answers[0].agency == "procuracy-personnel"
        assert all(isinstance(a, tuple) and a for a in answers[1:])
        statuses = {s.agency: s.ok for s in world.adapters.statuses()}
        assert statuses["procuracy-personnel"] is False
        assert statuses["court-personnel"] is True
        assert statuses["personnel"] is True
