"""The procuracy adapter: VanBan translated to SupervisionRecord; nothing on file reads as ()."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from adapters.procuracy import HttpProcuracyAdapter
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.types import JudgmentKey, SupervisionKind, SupervisionRecord
from tests.adapters.conftest import ClientFactory
from tests.adapters.fake_agency import FakeAgency
from tests.adapters.samples import COURT, NUMBER, judgment_number, van_ban

KEY = JudgmentKey(COURT, NUMBER)


@pytest.fixture
def procuracy(make_client: ClientFactory) -> HttpProcuracyAdapter:
    return HttpProcuracyAdapter.from_client(make_client("procuracy"))


async def test_every_field_of_a_document_is_translated(procuracy: HttpProcuracyAdapter, fake: FakeAgency) -> None:
    fake.documents[(COURT, NUMBER)] = [
        van_ban(),
        van_ban(so_van_ban="3/YC-VKS", loai="yêu cầu", han_tra_loi=None, ngay_tra_loi=None),
        van_ban(so_van_ban="4/KNG-VKS", loai="kháng nghị", ngay_tra_loi="18/05/2026"),
    ]
    [records] = await procuracy.fetch_many([KEY])
    assert isinstance(records, tuple)
    assert records[0] == SupervisionRecord(
        judgment=KEY,
        procuracy_code="procuracy.ha-noi.kv01",
        number="12/KN-VKS",
        kind=SupervisionKind.RECOMMENDATION,
        issued_on=date(2026, 5, 5),
        summary="Kiến nghị khắc phục vi phạm về thời hạn ra quyết định thi hành án",
        reply_due=date(2026, 5, 20),
        replied_on=None,
    )
    assert unicodedata.is_normalized("NFC", records[0].summary)
    assert [(r.kind, r.reply_due, r.replied_on) for r in records[1:]] == [
        (SupervisionKind.REQUEST, None, None),
        (SupervisionKind.PROTEST, date(2026, 5, 20), date(2026, 5, 18)),
    ]


async def test_a_judgment_with_nothing_on_file_is_an_empty_tuple(
    procuracy: HttpProcuracyAdapter, fake: FakeAgency
) -> None:
    assert await procuracy.fetch_many([KEY, JudgmentKey(COURT, "9/2026/DS-ST")]) == [(), ()]


async def test_a_malformed_document_is_bad_data_for_its_judgment_only(
    procuracy: HttpProcuracyAdapter, fake: FakeAgency
) -> None:
    other = JudgmentKey(COURT, "2/2026/DS-ST")
    fake.documents[(COURT, NUMBER)] = [van_ban(), van_ban(so_van_ban="13/KN-VKS", ngay_ban_hanh="32/05/2026")]
    fake.documents[(COURT, other.number)] = [van_ban(number=other.number)]
    bad, fine = await procuracy.fetch_many([KEY, other])
    assert isinstance(bad, AgencyBadData)
    assert (bad.agency, bad.record) == ("procuracy", str(KEY))
    assert "document 13/KN-VKS: van_ban[1].ngay_ban_hanh: no such day: '32/05/2026'" in bad.message
    assert isinstance(fine, tuple)
    assert len(fine) == 1


async def test_a_document_filed_under_another_judgment_is_refused(
    procuracy: HttpProcuracyAdapter, fake: FakeAgency
) -> None:
    fake.documents[(COURT, NUMBER)] = [van_ban(number="99/2026/DS-ST")]
    [answer] = await procuracy.fetch_many([KEY])
    assert isinstance(answer, AgencyBadData)
    assert "filed under judgment" in answer.message


async def test_chunks_and_duplicates(procuracy: HttpProcuracyAdapter, fake: FakeAgency) -> None:
    keys = [JudgmentKey(COURT, judgment_number(i)) for i in range(501)] * 2
    answers = await procuracy.fetch_many(keys)
    assert answers == [()] * 1002
    assert sorted(len(body["ban_an"]) for _, body in fake.calls) == [1, 500]


async def test_down_and_hanging_agencies(make_client: ClientFactory, fake: FakeAgency, dead_url: str) -> None:
    with pytest.raises(AgencyUnavailable):
        await HttpProcuracyAdapter.from_client(make_client("procuracy", base_url=dead_url)).fetch_many([KEY])
    fake.hang = True
    with pytest.raises(AgencyTimeout):
        await HttpProcuracyAdapter.from_client(make_client("procuracy", timeout_s=0.2)).fetch_many([KEY])


async def test_rejected_credentials_are_explained(make_client: ClientFactory) -> None:
    procuracy = HttpProcuracyAdapter.from_client(make_client("procuracy", api_key="sai"))
    with pytest.raises(AgencyUnavailable, match="rejected the hub's credentials"):
        await procuracy.fetch_many([KEY])
    assert procuracy.status.last_error is not None
    assert "credentials" in procuracy.status.last_error
