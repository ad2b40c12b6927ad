"""The enforcement adapter: HoSo translated to EnforcementCase; judgments without a case read as None."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest

from adapters.enforcement import HttpEnforcementAdapter
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.types import CaseStatus, DecisionKind, EnforcementCase, EnforcementDecision, JudgmentKey
from tests.adapters.conftest import ClientFactory
from tests.adapters.fake_agency import FakeAgency
from tests.adapters.samples import COURT, NUMBER, ho_so, judgment_number

KEY = JudgmentKey(COURT, NUMBER)
LOOKUP = "POST /thads/v1/ho-so/tra-cuu-lo"


@pytest.fixture
def enforcement(make_client: ClientFactory) -> HttpEnforcementAdapter:
    return HttpEnforcementAdapter.from_client(make_client("enforcement"))


def seed(fake: FakeAgency, *records: dict[str, Any]) -> None:
    for record in records:
        fake.cases[(record["ban_an"]["toa_an"], record["ban_an"]["so"])] = record


async def test_every_field_of_a_case_is_translated(enforcement: HttpEnforcementAdapter, fake: FakeAgency) -> None:
    seed(fake, ho_so())
    [case] = await enforcement.fetch_many([KEY])
    assert case == EnforcementCase(
        judgment=KEY,
        case_number="1234/TLTHA",
        agency_code="enforcement.ha-noi",
        office_code="enforcement.ha-noi.kv01",
        accepted_on=date(2026, 4, 20),
        status=CaseStatus.WITH_CONDITIONS,
        amount_due=351_250_000,
        amount_collected=100_000_000,
        decisions=(
            EnforcementDecision("45/QĐ-THADS", date(2026, 4, 22), DecisionKind.EX_OFFICIO, "Trần Thị Bình"),
            EnforcementDecision("46/QĐ-THADS", date(2026, 4, 23), DecisionKind.ON_REQUEST, "Trần Thị Bình"),
        ),
    )
    assert isinstance(case, EnforcementCase)
    assert unicodedata.is_normalized("NFC", case.decisions[1].officer)


async def test_the_office_may_be_absent(enforcement: HttpEnforcementAdapter, fake: FakeAgency) -> None:
    seed(fake, ho_so(phong_thi_hanh=None, quyet_dinh=[]))
    [case] = await enforcement.fetch_many([KEY])
    assert isinstance(case, EnforcementCase)
    assert (case.office_code, case.decisions) == (None, ())


async def test_a_judgment_without_a_case_is_none(enforcement: HttpEnforcementAdapter, fake: FakeAgency) -> None:
    seed(fake, ho_so(number="2/2026/DS-ST"))
    answers = await enforcement.fetch_many([JudgmentKey(COURT, "1/2026/DS-ST"), JudgmentKey(COURT, "2/2026/DS-ST")])
    assert answers[0] is None
    assert isinstance(answers[1], EnforcementCase)


async def test_a_malformed_case_is_bad_data_in_place_and_the_others_are_fine(
    enforcement: HttpEnforcementAdapter, fake: FakeAgency
) -> None:
    seed(
        fake,
        ho_so(number="1/2026/DS-ST"),
        ho_so(number="2/2026/DS-ST", tien={"phai_thi_hanh": "-5.000", "da_thi_hanh": "0"}),
        ho_so(number="3/2026/DS-ST", trang_thai="đang xử lý"),
    )
    keys = [JudgmentKey(COURT, f"{n}/2026/DS-ST") for n in (1, 2, 3)]
    good, negative, unknown = await enforcement.fetch_many(keys)
    assert isinstance(good, EnforcementCase)
    assert isinstance(negative, AgencyBadData)
    assert (negative.agency, negative.record) == ("enforcement", f"{COURT}:2/2026/DS-ST")
    assert "tien.phai_thi_hanh: negative amount" in negative.message
    assert isinstance(unknown, AgencyBadData)
    assert "trang_thai: unknown value 'đang xử lý'" in unknown.message


async def test_chunks_and_duplicates(enforcement: HttpEnforcementAdapter, fake: FakeAgency) -> None:
    keys = [JudgmentKey(COURT, judgment_number(i % 700)) for i in range(1400)]
    answers = await enforcement.fetch_many(keys)
    assert answers == [None] * 1400
    assert sorted(len(body["ban_an"]) for _, body in fake.calls) == [200, 500]


async def test_503_then_success_is_retried(enforcement: HttpEnforcementAdapter, fake: FakeAgency) -> None:
    seed(fake, ho_so())
    fake.faults.append(503)
    [case] = await enforcement.fetch_many([KEY])
    assert isinstance(case, EnforcementCase)
    assert fake.paths() == [LOOKUP, LOOKUP]


async def test_down_and_hanging_agencies(make_client: ClientFactory, fake: FakeAgency, dead_url: str) -> None:
    with pytest.raises(AgencyUnavailable):
        await HttpEnforcementAdapter.from_client(make_client("enforcement", base_url=dead_url)).fetch_many([KEY])
    fake.hang = True
    with pytest.raises(AgencyTimeout) as caught:
        await HttpEnforcementAdapter.from_client(make_client("enforcement", timeout_s=0.2)).fetch_many([KEY])
    assert caught.value.agency == "enforcement"
