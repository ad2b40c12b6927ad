"""The court system's adapter: judgments (``BanAn``) translated to ``CourtJudgment``.

Dialect (docs/agency-interface.md, "Court system"): batch lookup by
``POST /api/ban-an/tra-cuu``, the full list by ``GET /api/ban-an`` pages,
single lookup by ``GET /api/ban-an/chi-tiet``, health by ``GET /health``::

    court = HttpCourtAdapter(session, HttpAgencyConfig(url, api_key=key), metrics)
    [judgment] = await court.fetch_many([JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")])
    async for page in court.iter_judgments(page_size=500):
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

from adapters.dialect import (
    CASE_TYPES,
    INSTANCES,
    OBLIGATION_KINDS,
    PARTY_KINDS,
    PARTY_ROLES,
    Fields,
    normal_key,
)
from adapters.http_adapter import HttpJudgmentAdapter
from domain.errors import AgencyBadData
from domain.types import CourtJudgment, JudgmentKey, Obligation, Party

LOOKUP_PATH = "/api/ban-an/tra-cuu"
PAGES_PATH = "/api/ban-an"
DETAIL_PATH = "/api/ban-an/chi-tiet"
MAX_PAGE_SIZE = 1000

CourtAnswer = CourtJudgment | AgencyBadData | None


class HttpCourtAdapter(HttpJudgmentAdapter[CourtAnswer]):
    """``CourtAdapter`` over the court system's HTTP dialect.

    ``fetch_many`` answers each key with the judgment, ``None`` if the court
    has no such judgment, or AgencyBadData if its record cannot be translated.
    """

    agency = "court"

    async def fetch_one(self, key: JudgmentKey) -> CourtJudgment | None:
        """One judgment by the single-record endpoint; ``None`` on 404. A malformed record raises AgencyBadData."""
        key = normal_key(key)
        answer = await self._client.get_json(
            DETAIL_PATH, {"ma_toa_an": key.court_code, "so_ban_an": key.number}, not_found_ok=True
        )
        if answer is None:
            return None
        result = _translate(answer, str(key))
        if isinstance(result, AgencyBadData):
            self._client.tracker.count_bad_records(1)
            raise result
        return result

    async def iter_judgments(self, page_size: int = 500) -> AsyncIterator[Sequence[CourtJudgment | AgencyBadData]]:
        """Every judgment the court holds, a page at a time, malformed ones as AgencyBadData in place.

        Stops when the court has answered ``tong_so`` records or an empty page,
        so a court that caps ``so_ban_ghi`` below what we asked still gets read whole.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        page, seen = 1, 0
        while True:
            answer = await self._client.get_json(PAGES_PATH, {"trang": page, "so_ban_ghi": page_size})
            try:
                body = Fields(answer)
                items = body.array("du_lieu")
                total = body.integer("tong_so", minimum=0)
            except ValueError as error:
                raise self._client.bad_answer(f"GET {PAGES_PATH}", error) from None
            judgments = [_translate(item, f"page {page} item {index}") for index, item in enumerate(items)]
            self._client.tracker.count_bad_records(sum(isinstance(j, AgencyBadData) for j in judgments))
            if judgments:
                yield judgments
            seen += len(items)
            if not items or seen >= total:
                return
            page += 1

    async def _lookup(self, chunk: Sequence[JudgmentKey]) -> Mapping[JudgmentKey, CourtAnswer]:
        body = {"danh_sach": [{"ma_toa_an": key.court_code, "so_ban_an": key.number} for key in chunk]}
        answer = await self._client.post_json(LOOKUP_PATH, body, safe=True)
        try:
            fields = Fields(answer)
            records = fields.array("ket_qua")
            absent = fields.array("khong_tim_thay")
        except ValueError as error:
            raise self._client.bad_answer(f"POST {LOOKUP_PATH}", error) from None

        asked = set(chunk)
        found: dict[JudgmentKey, CourtJudgment | AgencyBadData] = {}
        for record in records:
            key = _key_of(record)
            if key in asked and key not in found:
                found[key] = _translate(record, str(key))
        not_found = {_key_of(item) for item in absent}

        results: dict[JudgmentKey, CourtAnswer] = {}
        for key in chunk:
            if key in found:
                results[key] = found[key]
            elif key in not_found:
                results[key] = None
            else:  # its record was unreadable, or the court forgot it: say so rather than claim "no judgment"
                results[key] = AgencyBadData(
                    self.agency, f"judgment {key}: neither returned nor listed as not found", record=str(key)
                )
        self._client.tracker.count_bad_records(sum(isinstance(r, AgencyBadData) for r in results.values()))
        return results


def _key_of(item: object) -> JudgmentKey | None:
    """The key a record (or a not-found entry) is about; ``None`` if it cannot be read."""
    try:
        fields = Fields(item)
        return JudgmentKey(fields.text("ma_toa_an"), fields.text("so_ban_an"))
    except ValueError:
        return None


def _translate(item: object, where: str) -> CourtJudgment | AgencyBadData:
    """A judgment, or AgencyBadData naming the judgment (or its place, if even the key is unreadable)."""
    key = _key_of(item)
    record = str(key) if key is not None else where
    try:
        return parse_judgment(Fields(item))
    except ValueError as error:
        return AgencyBadData("court", f"judgment {record}: {error}", record=record)


def parse_judgment(fields: Fields) -> CourtJudgment:
    """``BanAn`` → ``CourtJudgment``; ValueError naming the field on anything malformed."""
    adjudicated_on = fields.date("ngay_tuyen_an")
    effective_on = fields.date("ngay_hieu_luc")
    if effective_on < adjudicated_on:
        raise ValueError(f"ngay_hieu_luc: {effective_on:%d/%m/%Y} is before ngay_tuyen_an {adjudicated_on:%d/%m/%Y}")
    document = fields.nested("tai_lieu")
    return CourtJudgment(
        key=JudgmentKey(fields.text("ma_toa_an"), fields.text("so_ban_an")),
        court_name=fields.text("ten_toa_an"),
        case_type=fields.choice("loai_vu_viec", CASE_TYPES),
        instance=fields.choice("cap_xet_xu", INSTANCES),
        adjudicated_on=adjudicated_on,
        effective_on=effective_on,
        judge=fields.text("tham_phan"),
        summary=fields.text("trich_yeu", blank_ok=True),
        document_sha256=document.sha256("sha256"),
        document_name=document.text("ten_tep"),
        parties=tuple(_party(party) for party in fields.objects("duong_su")),
        obligations=tuple(_obligation(obligation) for obligation in fields.objects("nghia_vu")),
    )


def _party(fields: Fields) -> Party:
    return Party(
        name=fields.text("ho_ten"),
        role=fields.choice("tu_cach", PARTY_ROLES),
        kind=fields.choice("loai", PARTY_KINDS),
        address=fields.text("dia_chi", blank_ok=True),
        citizen_id=fields.optional_text("so_cccd"),
        tax_code=fields.optional_text("ma_so_thue"),
    )


def _obligation(fields: Fields) -> Obligation:
    return Obligation(
        kind=fields.choice("loai", OBLIGATION_KINDS),
        description=fields.text("noi_dung", blank_ok=True),
        ex_officio=fields.boolean("chu_dong"),
        amount=fields.optional_vnd("so_tien"),
        beneficiary=fields.optional_text("nguoi_duoc_nhan"),
    )
