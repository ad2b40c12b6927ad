"""The court adapter: BanAn translated field by field, batches kept in order, chunked and de-duplicated."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from adapters.court import HttpCourtAdapter
from domain.errors import AgencyBadData, AgencyTimeout, AgencyUnavailable
from domain.types import (
    CaseType,
    CourtJudgment,
    Instance,
    JudgmentKey,
    Obligation,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
)
from tests.adapters.conftest import ClientFactory
from tests.adapters.fake_agency import FakeAgency
from tests.adapters.samples import COURT, NUMBER, SHA, ban_an, judgment_number

KEY = JudgmentKey(COURT, NUMBER)
LOOKUP = "POST /api/ban-an/tra-cuu"


@pytest.fixture
def court(make_client: ClientFactory) -> HttpCourtAdapter:
    return HttpCourtAdapter.from_client(make_client("court"))


def seed(fake: FakeAgency, *records: dict[str, Any]) -> None:
    for record in records:
        fake.judgments[(record["ma_toa_an"], record["so_ban_an"])] = record


class TestTranslation:
    async def test_every_field_of_a_judgment_is_translated(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, ban_an())
        [judgment] = await court.fetch_many([KEY])
        assert judgment == CourtJudgment(
            key=KEY,
            court_name="Tòa án nhân dân khu vực 1 - Hà Nội",
            case_type=CaseType.DS,
            instance=Instance.ST,
            adjudicated_on=date(2026, 3, 12),
            effective_on=date(2026, 4, 12),
            judge="Nguyễn Văn Hùng",
            summary="Tranh chấp hợp đồng vay tài sản",
            document_sha256=SHA,
            document_name="125-2026-DS-ST.pdf",
            parties=(
                Party(
                    name="Nguyễn Văn An",
                    role=PartyRole.CREDITOR,
                    kind=PartyKind.INDIVIDUAL,
                    address="Số 12 phố Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội",
                    citizen_id="001085012345",
                ),
                Party(
                    name="Công ty TNHH Minh Phát",
                    role=PartyRole.DEBTOR,
                    kind=PartyKind.ORGANISATION,
                    address="Số 5 phố Láng Hạ, phường Láng, thành phố Hà Nội",
                    tax_code="0101234567",
                ),
            ),
            obligations=(
                Obligation(ObligationKind.COURT_FEE, "Án phí dân sự sơ thẩm", ex_officio=True, amount=1_250_000),
                Obligation(
                    ObligationKind.PAYMENT,
                    "Trả nợ gốc và lãi",
                    ex_officio=False,
                    amount=350_000_000,
                    beneficiary="Nguyễn Văn An",
                ),
                Obligation(
                    ObligationKind.RETURN_OF_ASSETS, "Trả lại xe máy", ex_officio=False, beneficiary="Nguyễn Văn An"
                ),
            ),
        )

    async def test_texts_sent_decomposed_come_out_nfc(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, ban_an())
        [judgment] = await court.fetch_many([KEY])
        assert isinstance(judgment, CourtJudgment)
        for text in (judgment.court_name, judgment.parties[0].name):
            assert unicodedata.is_normalized("NFC", text)

    async def test_case_types_with_vietnamese_letters_are_read(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, ban_an(number="7/2026/HNGĐ-PT", loai_vu_viec="HNGĐ", cap_xet_xu="PT"))
        [judgment] = await court.fetch_many([JudgmentKey(COURT, "7/2026/HNGĐ-PT")])
        assert isinstance(judgment, CourtJudgment)
        assert (judgment.case_type, judgment.instance) == (CaseType.HNGD, Instance.PT)


class TestBatches:
    async def test_answers_one_entry_per_key_in_order_with_none_for_unknown(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        seed(fake, ban_an(number="1/2026/DS-ST"), ban_an(number="2/2026/DS-ST"))
        keys = [
            JudgmentKey(COURT, "2/2026/DS-ST"),
            JudgmentKey(COURT, "9/2026/DS-ST"),
            JudgmentKey(COURT, "1/2026/DS-ST"),
        ]
        answers = await court.fetch_many(keys)
        assert [a.key.number if isinstance(a, CourtJudgment) else a for a in answers] == [
            "2/2026/DS-ST",
            None,
            "1/2026/DS-ST",
        ]

    async def test_a_malformed_record_is_bad_data_in_place_and_the_others_are_fine(
        self, court: HttpCourtAdapter, fake: FakeAgency, registry: CollectorRegistry
    ) -> None:
        seed(
            fake,
            ban_an(number="1/2026/DS-ST"),
            ban_an(
                number="2/2026/DS-ST",
                nghia_vu=[{"loai": "án phí", "so_tien": "1.250,50", "noi_dung": "", "chu_dong": True}],
            ),
            ban_an(number="3/2026/DS-ST"),
        )
        keys = [JudgmentKey(COURT, f"{n}/2026/DS-ST") for n in (1, 2, 3)]
        first, bad, third = await court.fetch_many(keys)
        assert isinstance(first, CourtJudgment)
        assert isinstance(third, CourtJudgment)
        assert isinstance(bad, AgencyBadData)
        assert bad.agency == "court"
        assert bad.record == f"{COURT}:2/2026/DS-ST"
        assert "nghia_vu[0].so_tien: not a VND amount" in bad.message
        assert court.status.ok is True  # the call worked; one record did not
        assert registry.get_sample_value("lienthong_adapter_bad_records_total", {"agency": "court"}) == 1

    async def test_a_record_without_its_key_leaves_bad_data_for_the_key(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        record = ban_an()
        del record["so_ban_an"]
        fake.judgments[(COURT, NUMBER)] = record
        [answer] = await court.fetch_many([KEY])
        assert isinstance(answer, AgencyBadData)
        assert answer.record == str(KEY)
        assert "neither returned nor listed as not found" in answer.message

    async def test_an_effective_date_before_the_pronouncement_is_bad_data(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        seed(fake, ban_an(ngay_hieu_luc="01/03/2026"))
        [answer] = await court.fetch_many([KEY])
        assert isinstance(answer, AgencyBadData)
        assert "ngay_hieu_luc: 01/03/2026 is before ngay_tuyen_an 12/03/2026" in answer.message

    async def test_duplicate_keys_are_looked_up_once(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, ban_an())
        decomposed = JudgmentKey(COURT, unicodedata.normalize("NFD", NUMBER))
        answers = await court.fetch_many([KEY, KEY, decomposed])
        assert len(answers) == 3
        assert answers[0] == answers[1] == answers[2]
        [(_, body)] = fake.calls
        assert body["danh_sach"] == [{"ma_toa_an": COURT, "so_ban_an": NUMBER}]

    async def test_more_than_500_keys_are_sent_in_concurrent_chunks(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        seed(fake, *(ban_an(number=judgment_number(i)) for i in range(0, 1201, 2)))
        fake.latency_s = 0.05
        keys = [JudgmentKey(COURT, judgment_number(i)) for i in range(1201)]
        answers = await court.fetch_many(keys)
        sizes = [len(body["danh_sach"]) for path, body in fake.calls if path == LOOKUP]
        assert sorted(sizes) == [201, 500, 500]
        assert fake.max_in_flight > 1
        assert all(isinstance(a, CourtJudgment) == (i % 2 == 0) for i, a in enumerate(answers))

    async def test_no_keys_no_call(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        assert await court.fetch_many([]) == []
        assert fake.calls == []

    async def test_a_failed_chunk_fails_the_whole_batch(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        fake.faults.extend(["ok", 500])
        keys = [JudgmentKey(COURT, judgment_number(i)) for i in range(600)]
        with pytest.raises(AgencyUnavailable, match="HTTP 500"):
            await court.fetch_many(keys)

    async def test_an_answer_without_its_lists_is_bad_data_for_the_call(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        fake.court_answer = lambda answer: {"ket_qua": None}
        with pytest.raises(AgencyBadData, match="answer to POST /api/ban-an/tra-cuu: ket_qua: expected a list"):
            await court.fetch_many([KEY])
        assert court.status.ok is False


class TestFailures:
    async def test_an_agency_that_is_down_is_unavailable(self, make_client: ClientFactory, dead_url: str) -> None:
        court = HttpCourtAdapter.from_client(make_client("court", base_url=dead_url))
        with pytest.raises(AgencyUnavailable) as caught:
            await court.fetch_many([KEY])
        assert caught.value.agency == "court"
        assert court.status.ok is False

    async def test_an_agency_that_hangs_times_out(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        fake.hang = True
        with pytest.raises(AgencyTimeout):
            await court.fetch_many([KEY])


class TestSingleLookupAndPages:
    async def test_fetch_one_reads_the_detail_endpoint(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, ban_an())
        judgment = await court.fetch_one(KEY)
        assert judgment is not None
        assert judgment.key == KEY
        assert await court.fetch_one(JudgmentKey(COURT, "404/2026/DS-ST")) is None

    async def test_fetch_one_raises_bad_data_for_a_malformed_record(
        self, court: HttpCourtAdapter, fake: FakeAgency
    ) -> None:
        seed(fake, ban_an(cap_xet_xu="GĐT"))
        with pytest.raises(AgencyBadData, match="cap_xet_xu: unknown value 'GĐT'"):
            await court.fetch_one(KEY)

    async def test_iter_judgments_walks_every_page(self, court: HttpCourtAdapter, fake: FakeAgency) -> None:
        seed(fake, *(ban_an(number=judgment_number(i)) for i in range(1, 8)))
        seed(fake, ban_an(number=judgment_number(8), ngay_tuyen_an="2026-03-12"))
        pages = [page async for page in court.iter_judgments(page_size=3)]
        assert [len(page) for page in pages] == [3, 3, 2]
        assert [q["trang"] for _, q in fake.calls] == ["1", "2", "3"]
        bad = [item for page in pages for item in page if isinstance(item, AgencyBadData)]
        assert [b.record for b in bad] == [f"{COURT}:{judgment_number(8)}"]

    async def test_iter_judgments_of_an_empty_court_yields_nothing(self, court: HttpCourtAdapter) -> None:
        assert [page async for page in court.iter_judgments()] == []

    async def test_page_size_is_bounded_by_the_dialect(self, court: HttpCourtAdapter) -> None:
        with pytest.raises(ValueError, match="page_size must be between 1 and 1000"):
            await anext(court.iter_judgments(page_size=1001))

    async def test_ping_updates_the_status(self, court: HttpCourtAdapter) -> None:
        await court.ping()
        assert court.status.ok is True
        assert court.status.agency == "court"
