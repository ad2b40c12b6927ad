"""The HTTP personnel adapters: the courts' and procuracies' staff read from their services and translated.

Contract tests run against the reference court and procuracy services
(in-process, on a loopback port): what the adapter hands the hub must be
exactly the staff the generated world holds. Dialect corners and malformed
records use the fake agency, which answers whatever a test puts in it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import aiohttp
import pytest
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from adapters.config import HttpAgencyConfig
from adapters.metrics import AdapterMetrics
from adapters.personnel_http import (
    COURT_PERSONNEL,
    PROCURACY_PERSONNEL,
    CourtPersonnelAdapter,
    HttpPersonnelAdapter,
    ProcuracyPersonnelAdapter,
)
from agencies.common.catalogue import Catalogue
from agencies.common.reference import ReferenceData
from agencies.common.settings import ServiceSettings
from agencies.common.staff import COURT_STAFF, PROCURACY_STAFF, StaffPlan, StaffRoster
from agencies.court.app import create_app as create_court
from agencies.procuracy.app import create_app as create_procuracy
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.types import Officer, Sex, StaffingUnit
from tests.adapters.conftest import ClientFactory
from tests.adapters.fake_agency import FakeAgency
from tests.adapters.reference_services import serving
from tests.adapters.samples import nfd

SEED = 11
KEY = "khoa-nhan-su"
COURT_UNITS = ["court.ha-noi.kv01", "court.hue", "court.an-giang.kv03"]
PROCURACY_UNITS = ["procuracy.ha-noi.kv01", "procuracy.hue", "procuracy.an-giang.kv03"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(SEED, 50, ReferenceData.load())


def roster(catalogue: Catalogue, plan: StaffPlan) -> StaffRoster:
    return StaffRoster(SEED, catalogue.reference, as_of=catalogue.as_of, plan=plan)


class Reference:
    """One reference service on a loopback port, its app (for knobs and counters) and adapters bound to it.

    ``adapter`` waits as long as a loaded machine may need (the tests of what it reads are not about
    time); ``hasty`` gives up after 0.5 s, for the test of a hanging service.
    """

    def __init__(self, app: Starlette, adapter: HttpPersonnelAdapter, hasty: HttpPersonnelAdapter) -> None:
        self.app = app
        self.adapter = adapter
        self.hasty = hasty

    def knobs(self, **changes: Any) -> None:
        self.app.state.knobs.update(changes)

    def calls(self) -> dict[str, int]:
        return dict(self.app.state.counter.snapshot()["theo_duong_dan"])


@pytest.fixture(params=["court", "procuracy"])
async def reference(
    request: pytest.FixtureRequest, catalogue: Catalogue, session: aiohttp.ClientSession, metrics: AdapterMetrics
) -> AsyncIterator[Reference]:
    settings = ServiceSettings(api_key=KEY, judgments=len(catalogue), seed=SEED)
    app = create_court(settings, catalogue) if request.param == "court" else create_procuracy(settings, catalogue)
    async with serving(app) as url:
        kind = CourtPersonnelAdapter if request.param == "court" else ProcuracyPersonnelAdapter
        patient = kind(session, HttpAgencyConfig(url, api_key=KEY, timeout_s=10.0), metrics)
        hasty = kind(session, HttpAgencyConfig(url, api_key=KEY, timeout_s=0.5), metrics)
        served = Reference(app, patient, hasty)
        try:
            yield served
        finally:
            served.knobs(hang=False)


def units_of(reference: Reference) -> list[str]:
    return COURT_UNITS if isinstance(reference.adapter, CourtPersonnelAdapter) else PROCURACY_UNITS


def plan_of(reference: Reference) -> StaffPlan:
    return COURT_STAFF if isinstance(reference.adapter, CourtPersonnelAdapter) else PROCURACY_STAFF


class TestAgainstTheReferenceServices:
    async def test_officers_are_exactly_the_world_s_staff(self, reference: Reference, catalogue: Catalogue) -> None:
        codes = units_of(reference)
        world = roster(catalogue, plan_of(reference))
        answers = await reference.adapter.fetch_many(codes)
        assert answers == [world.unit(code).officers for code in codes]
        assert any(o.post is not None and o.consecutive_terms == 2 for a in answers for o in a)  # type: ignore[union-attr]

    async def test_staffing_units_carry_the_name_and_quota(self, reference: Reference, catalogue: Catalogue) -> None:
        codes = units_of(reference)
        world = roster(catalogue, plan_of(reference))
        units = await reference.adapter.staffing_units(codes)
        assert units == [StaffingUnit(code, world.unit(code).agency.name, world.unit(code).quota) for code in codes]

    async def test_units_the_system_does_not_keep_have_no_staff_and_no_unit(self, reference: Reference) -> None:
        kept = units_of(reference)[0]
        others = ["enforcement.ha-noi", "court.old.ha-giang.h01", "procuracy.old.ha-giang.h01", "khong-ton-tai"]
        answers = await reference.adapter.fetch_many([*others, kept])
        assert answers[:-1] == [(), (), (), ()]
        assert answers[-1]
        assert await reference.adapter.staffing_units(others) == [None] * len(others)

    async def test_order_and_repeats_are_kept_with_one_call_per_batch(self, reference: Reference) -> None:
        first, second, third = units_of(reference)
        answers = await reference.adapter.fetch_many([third, first, third, second])
        assert [a[0].agency_code for a in answers] == [third, first, third, second]  # type: ignore[index]
        assert answers[0] == answers[2]
        assert sum(reference.calls().values()) == 1

    async def test_more_than_500_units_are_asked_for_in_chunks(
        self, reference: Reference, catalogue: Catalogue
    ) -> None:
        world = roster(catalogue, plan_of(reference))
        codes = [a.code for a in world.agencies] + [f"x.{n}" for n in range(200)]
        answers = await reference.adapter.fetch_many(codes)
        assert len(answers) == len(codes) > 500
        assert all(answers[i] for i in range(len(world.agencies)))
        assert answers[-1] == ()
        assert sum(reference.calls().values()) == 2

    async def test_a_hanging_service_is_a_timeout(self, reference: Reference) -> None:
        reference.knobs(hang=True)
        with pytest.raises(AgencyTimeout, match=r"no answer within 0\.5 s"):
            await reference.hasty.fetch_many(units_of(reference))
        assert reference.hasty.status.ok is False

    async def test_a_failing_service_is_unavailable_after_a_retry(self, reference: Reference) -> None:
        reference.knobs(failure_rate=1.0)
        with pytest.raises(AgencyUnavailable, match="HTTP 503"):
            await reference.adapter.staffing_units(units_of(reference))
        assert sum(reference.calls().values()) == 2  # the lookup is a safe read: retried once

    async def test_a_wrong_key_is_reported_as_rejected_credentials(
        self, reference: Reference, session: aiohttp.ClientSession
    ) -> None:
        url = reference.adapter._client.base_url
        kind = type(reference.adapter)
        adapter = kind(session, HttpAgencyConfig(url, api_key="sai-khoa", timeout_s=0.5))
        with pytest.raises(AgencyUnavailable, match="rejected the hub's credentials"):
            await adapter.fetch_many(units_of(reference))

    async def test_ping_reaches_the_service_health(self, reference: Reference) -> None:
        await reference.adapter.ping()
        assert reference.adapter.status.ok is True


class TestDown:
    @pytest.mark.parametrize("kind", [CourtPersonnelAdapter, ProcuracyPersonnelAdapter])
    async def test_a_service_that_is_down_is_unavailable(
        self, kind: type[HttpPersonnelAdapter], session: aiohttp.ClientSession, dead_url: str
    ) -> None:
        adapter = kind(session, HttpAgencyConfig(dead_url, api_key=KEY, timeout_s=0.5))
        with pytest.raises(AgencyUnavailable, match="cannot reach the agency system") as caught:
            await adapter.fetch_many(["court.hue", "procuracy.hue"])
        assert caught.value.agency == kind.agency
        assert adapter.status.ok is False


# --- Dialects, against the fake agency -------------------------------------------------------------------------


def can_bo_toa_an(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ma_nhan_su": "TA.hue.001",
        "ma_toa_an": "court.hue",
        "ho_ten": nfd("Hoàng Thị Hạnh"),
        "gioi_tinh": "Nữ",
        "ngay_sinh": "02/03/1970",
        "so_cccd": "046170001234",
        "chuc_danh": "Thẩm phán cao cấp",
        "chuc_vu": {
            "ten": "Chánh án",
            "ngay_bo_nhiem": "15/01/2023",
            "ngay_het_nhiem_ky": "14/01/2028",
            "nhiem_ky_lien_tiep": 2,
        },
        "vi_tri_nhay_cam": False,
        "ngay_dam_nhiem": "15/01/2018",
        "trinh_do": "Thạc sĩ Luật",
        "ky_luat": None,
    }
    record.update(overrides)
    return record


def can_bo_vks(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "so_hieu": "VKS.hue.007",
        "vien_kiem_sat": "procuracy.hue",
        "ho_va_ten": "Trần Văn Dũng",
        "gioi_tinh": "Nam",
        "ngay_sinh": "30/11/1988",
        "so_dinh_danh": "046088004321",
        "chuc_danh": "Kiểm sát viên sơ cấp",
        "chuc_vu_lanh_dao": None,
        "nhiem_ky": None,
        "nhay_cam": True,
        "giu_vi_tri_tu": "01/07/2025",
        "dao_tao": "Cử nhân Luật",
        "ky_luat": "Khiển trách theo Quyết định số 12/QĐ-VKS ngày 05/05/2025",
    }
    record.update(overrides)
    return record


def court_unit(code: str = "court.hue", staff: list[Any] | None = None, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ma_toa_an": code,
        "ten_toa_an": "Tòa án nhân dân thành phố Huế",
        "bien_che": 48,
        "can_bo": [can_bo_toa_an()] if staff is None else staff,
    }
    record.update(overrides)
    return record


def procuracy_unit(code: str = "procuracy.hue", staff: list[Any] | None = None, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "vien_kiem_sat": code,
        "ten_don_vi": "Viện kiểm sát nhân dân thành phố Huế",
        "chi_tieu_bien_che": 40,
        "can_bo": [can_bo_vks()] if staff is None else staff,
    }
    record.update(overrides)
    return record


@pytest.fixture
def court(make_client: ClientFactory) -> CourtPersonnelAdapter:
    return CourtPersonnelAdapter.from_client(make_client(COURT_PERSONNEL))


@pytest.fixture
def procuracy(make_client: ClientFactory) -> ProcuracyPersonnelAdapter:
    return ProcuracyPersonnelAdapter.from_client(make_client(PROCURACY_PERSONNEL))


class TestCourtDialect:
    async def test_every_field_is_translated_and_texts_come_out_nfc(
        self, court: CourtPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.court_staff["court.hue"] = court_unit()
        [officers] = await court.fetch_many(["court.hue"])
        assert officers == (
            Officer(
                code="TA.hue.001",
                name="Hoàng Thị Hạnh",
                sex=Sex.FEMALE,
                birth_date=date(1970, 3, 2),
                citizen_id="046170001234",
                agency_code="court.hue",
                title="Thẩm phán cao cấp",
                post="Chánh án",
                appointed_on=date(2023, 1, 15),
                term_ends_on=date(2028, 1, 14),
                consecutive_terms=2,
                sensitive_post=False,
                position_since=date(2018, 1, 15),
                training="Thạc sĩ Luật",
            ),
        )
        assert isinstance(officers, tuple)
        assert unicodedata.is_normalized("NFC", officers[0].name)
        assert fake.calls == [("POST /api/nhan-su/tra-cuu", {"danh_sach": [{"ma_toa_an": "court.hue"}]})]

    async def test_someone_without_a_post_has_no_term(self, court: CourtPersonnelAdapter, fake: FakeAgency) -> None:
        fake.court_staff["court.hue"] = court_unit(staff=[can_bo_toa_an(chuc_vu=None, chuc_danh="Thư ký Tòa án")])
        [[officer]] = await court.fetch_many(["court.hue"])  # type: ignore[misc]
        assert (officer.post, officer.appointed_on, officer.term_ends_on, officer.consecutive_terms) == (
            None,
            None,
            None,
            1,
        )

    async def test_a_bad_person_is_bad_data_for_that_unit_only_naming_the_person(
        self, court: CourtPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.court_staff["court.hue"] = court_unit(
            staff=[can_bo_toa_an(), can_bo_toa_an(ma_nhan_su="TA.hue.002", ngay_sinh="1970-03-02")]
        )
        fake.court_staff["court.hue.kv01"] = court_unit("court.hue.kv01", staff=[])
        bad, fine = await court.fetch_many(["court.hue", "court.hue.kv01"])
        assert isinstance(bad, AgencyBadData)
        assert bad.record == "TA.hue.002"
        assert bad.agency == COURT_PERSONNEL
        assert "ngay_sinh" in bad.message
        assert fine == ()
        # The unit's own entry is fine: its quota still reads.
        assert [u.quota if u else None for u in await court.staffing_units(["court.hue"])] == [48]

    async def test_a_person_without_a_readable_code_is_named_by_position(
        self, court: CourtPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.court_staff["court.hue"] = court_unit(staff=[can_bo_toa_an(), {"ho_ten": "?"}])
        [bad] = await court.fetch_many(["court.hue"])
        assert isinstance(bad, AgencyBadData)
        assert bad.record == "court.hue can_bo[1]"

    async def test_a_person_listed_under_another_unit_is_bad_data(
        self, court: CourtPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.court_staff["court.hue"] = court_unit(staff=[can_bo_toa_an(ma_toa_an="court.hue.kv02")])
        [bad] = await court.fetch_many(["court.hue"])
        assert isinstance(bad, AgencyBadData)
        assert "listed under court.hue.kv02" in bad.message

    async def test_a_bad_unit_header_fails_staffing_units_naming_the_unit(
        self, court: CourtPersonnelAdapter, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        fake.court_staff["court.hue"] = court_unit(bien_che="bốn mươi")
        with pytest.raises(AgencyBadData, match="bien_che") as caught:
            await court.staffing_units(["court.hue"])
        assert caught.value.record == "court.hue"
        assert court.status.ok is False
        [officers] = await court.fetch_many(["court.hue"])  # the staff list itself is fine
        assert isinstance(officers, tuple)
        assert len(officers) == 1

    async def test_a_unit_neither_returned_nor_listed_missing_is_bad_data(
        self, court: CourtPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.court_staff["court.hue"] = court_unit(ma_toa_an=None)
        [bad] = await court.fetch_many(["court.hue"])
        assert isinstance(bad, AgencyBadData)
        assert "neither returned nor listed" in bad.message

    @pytest.mark.parametrize("fault", ["not-json", "json-list"])
    async def test_an_unreadable_answer_is_bad_data(
        self, court: CourtPersonnelAdapter, fake: FakeAgency, fault: str
    ) -> None:
        fake.faults.append(fault)
        with pytest.raises(AgencyBadData):
            await court.fetch_many(["court.hue"])

    async def test_no_codes_no_call(self, court: CourtPersonnelAdapter, fake: FakeAgency) -> None:
        assert await court.fetch_many([]) == []
        assert await court.staffing_units([]) == []
        assert fake.calls == []


class TestProcuracyDialect:
    async def test_every_field_is_translated(self, procuracy: ProcuracyPersonnelAdapter, fake: FakeAgency) -> None:
        leader = can_bo_vks(
            so_hieu="VKS.hue.001",
            chuc_danh="Kiểm sát viên cao cấp",
            chuc_vu_lanh_dao="Viện trưởng",
            nhiem_ky={"tu_ngay": "01/07/2025", "den_ngay": "30/06/2030", "lan_thu": 1},
            nhay_cam=False,
            ky_luat=None,
        )
        fake.procuracy_staff["procuracy.hue"] = procuracy_unit(staff=[leader, can_bo_vks()])
        [officers] = await procuracy.fetch_many(["procuracy.hue"])
        assert isinstance(officers, tuple)
        head, member = officers
        assert (head.post, head.appointed_on, head.term_ends_on, head.consecutive_terms) == (
            "Viện trưởng",
            date(2025, 7, 1),
            date(2030, 6, 30),
            1,
        )
        assert member == Officer(
            code="VKS.hue.007",
            name="Trần Văn Dũng",
            sex=Sex.MALE,
            birth_date=date(1988, 11, 30),
            citizen_id="046088004321",
            agency_code="procuracy.hue",
            title="Kiểm sát viên sơ cấp",
            sensitive_post=True,
            position_since=date(2025, 7, 1),
            training="Cử nhân Luật",
            discipline="Khiển trách theo Quyết định số 12/QĐ-VKS ngày 05/05/2025",
        )
        assert fake.calls == [("POST /kiem-sat/can-bo/theo-don-vi", {"don_vi": ["procuracy.hue"]})]
        assert await procuracy.staffing_units(["procuracy.hue", "procuracy.hue.kv09"]) == [
            StaffingUnit("procuracy.hue", "Viện kiểm sát nhân dân thành phố Huế", 40),
            None,
        ]

    async def test_a_term_without_a_post_is_bad_data_naming_the_person(
        self, procuracy: ProcuracyPersonnelAdapter, fake: FakeAgency
    ) -> None:
        odd = can_bo_vks(nhiem_ky={"tu_ngay": "01/07/2025", "den_ngay": "30/06/2030", "lan_thu": 1})
        fake.procuracy_staff["procuracy.hue"] = procuracy_unit(staff=[odd])
        [bad] = await procuracy.fetch_many(["procuracy.hue"])
        assert isinstance(bad, AgencyBadData)
        assert (bad.record, bad.agency) == ("VKS.hue.007", PROCURACY_PERSONNEL)
        assert "nhiem_ky" in bad.message

    async def test_a_unit_left_out_of_the_answer_is_bad_data(
        self, procuracy: ProcuracyPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.procuracy_staff["procuracy.hue"] = procuracy_unit(vien_kiem_sat="procuracy.hue.kv01")
        [bad] = await procuracy.fetch_many(["procuracy.hue"])
        assert isinstance(bad, AgencyBadData)
        assert "left out of the answer" in bad.message

    async def test_a_bad_sex_label_names_the_field(
        self, procuracy: ProcuracyPersonnelAdapter, fake: FakeAgency
    ) -> None:
        fake.procuracy_staff["procuracy.hue"] = procuracy_unit(staff=[can_bo_vks(gioi_tinh="M")])
        [bad] = await procuracy.fetch_many(["procuracy.hue"])
        assert isinstance(bad, AgencyBadData)
        assert "gioi_tinh" in bad.message


def test_an_adapter_needs_a_client_of_its_own_agency(make_client: ClientFactory) -> None:
    with pytest.raises(ValueError, match="needs a court-personnel client"):
        CourtPersonnelAdapter.from_client(make_client("court"))
