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
    BadValue,
    Fields,
    Unsure,
    fast_boolean,
    fast_choice,
    fast_date,
    fast_object,
    fast_objects,
    fast_optional_text,
    fast_optional_vnd,
    fast_sha256,
    fast_text,
    fast_text_or_blank,
    normal_key,
    problem,
)
from adapters.http_adapter import HttpJudgmentAdapter, judgment_name
from domain.errors import AgencyBadData
from domain.messages import msg
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
        matched = await self._ask(
            LOOKUP_PATH, body, chunk, _pair_of, entries="ket_qua", absent="khong_tim_thay", key_name=judgment_name
        )
        results: dict[JudgmentKey, CourtAnswer] = matched.answers(_translate_keyed, None, self._unanswered)
        self._count_bad(results.values())
        return results

    def _unanswered(self, key: JudgmentKey) -> CourtAnswer:
        """Its record was unreadable, or the court forgot it: say so rather than claim "no judgment"."""
        return AgencyBadData(
            self.agency, msg("judgment {key}: neither returned nor listed as not found", key=str(key)), record=str(key)
        )


def _key_of(item: object) -> JudgmentKey | None:
    """The key a record (or a not-found entry) is about; ``None`` if it cannot be read."""
    try:
        fields = Fields(item)
        return JudgmentKey(fields.text("ma_toa_an"), fields.text("so_ban_an"))
    except ValueError:
        return None


def _pair_of(item: object) -> tuple[str, str] | None:
    """:func:`_key_of` as a plain pair, for matching records to the keys asked for."""
    try:
        return _fast_pair(item)
    except Unsure:
        key = _key_of(item)
        return None if key is None else (key.court_code, key.number)


def _translate(item: object, where: str) -> CourtJudgment | AgencyBadData:
    """A judgment, or AgencyBadData naming the judgment (or its place, if even the key is unreadable)."""
    try:
        return _fast_judgment(item, JudgmentKey(*_fast_pair(item)))
    except Unsure:
        key = _key_of(item)
        return _strict_translate(item, str(key) if key is not None else where)


def _translate_keyed(item: object, key: JudgmentKey) -> CourtJudgment | AgencyBadData:
    """:func:`_translate` for a record ``_lookup`` has found to be about ``key`` (so need not read it again)."""
    try:
        return _fast_judgment(item, key)
    except Unsure:
        return _strict_translate(item, str(key))


def _strict_translate(item: object, record: str) -> CourtJudgment | AgencyBadData:
    try:
        return parse_judgment(Fields(item))
    except ValueError as error:
        return AgencyBadData("court", msg("judgment {key}: {detail}", key=record, detail=problem(error)), record=record)


def parse_judgment(fields: Fields) -> CourtJudgment:
    """``BanAn`` → ``CourtJudgment``; ValueError naming the field on anything malformed."""
    adjudicated_on = fields.date("ngay_tuyen_an")
    effective_on = fields.date("ngay_hieu_luc")
    if effective_on < adjudicated_on:
        raise BadValue(
            msg(
                "ngay_hieu_luc: {effective} is before ngay_tuyen_an {adjudicated}",
                effective=f"{effective_on:%d/%m/%Y}",
                adjudicated=f"{adjudicated_on:%d/%m/%Y}",
            )
        )
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


def _fast_pair(item: object) -> tuple[str, str]:
    """The key's two strings as ``parse_judgment`` reads them, from a plain record; Unsure otherwise."""
    record = fast_object(item)
    return fast_text(record.get("ma_toa_an")), fast_text(record.get("so_ban_an"))


def _fast_judgment(item: object, key: JudgmentKey) -> CourtJudgment:
    """``parse_judgment`` for a plain, well-formed record whose key reads as ``key``; Unsure otherwise.

    Nearly every record is plain, and reading it straight from the dict takes
    half the time of the strict path; the strict path still words every complaint.
    """
    record = fast_object(item)
    get = record.get
    adjudicated_on = fast_date(get("ngay_tuyen_an"))
    effective_on = fast_date(get("ngay_hieu_luc"))
    if effective_on < adjudicated_on:
        raise Unsure
    document = fast_object(get("tai_lieu"))
    return CourtJudgment(
        key,
        fast_text(get("ten_toa_an")),  # court_name
        fast_choice(get("loai_vu_viec"), CASE_TYPES),  # case_type
        fast_choice(get("cap_xet_xu"), INSTANCES),  # instance
        adjudicated_on,
        effective_on,
        fast_text(get("tham_phan")),  # judge
        fast_text_or_blank(get("trich_yeu")),  # summary
        fast_sha256(document.get("sha256")),  # document_sha256
        fast_text(document.get("ten_tep")),  # document_name
        tuple([_fast_party(party) for party in fast_objects(get("duong_su"))]),  # parties
        tuple([_fast_obligation(obligation) for obligation in fast_objects(get("nghia_vu"))]),  # obligations
    )


def _fast_party(item: object) -> Party:
    """``_party`` for a plain record; Unsure otherwise."""
    get = fast_object(item).get
    return Party(
        fast_text(get("ho_ten")),  # name
        fast_choice(get("tu_cach"), PARTY_ROLES),  # role
        fast_choice(get("loai"), PARTY_KINDS),  # kind
        fast_text_or_blank(get("dia_chi")),  # address
        fast_optional_text(get("so_cccd")),  # citizen_id
        fast_optional_text(get("ma_so_thue")),  # tax_code
    )


def _fast_obligation(item: object) -> Obligation:
    """``_obligation`` for a plain record; Unsure otherwise."""
    get = fast_object(item).get
    return Obligation(
        fast_choice(get("loai"), OBLIGATION_KINDS),  # kind
        fast_text_or_blank(get("noi_dung")),  # description
        fast_boolean(get("chu_dong")),  # ex_officio
        fast_optional_vnd(get("so_tien")),  # amount
        fast_optional_text(get("nguoi_duoc_nhan")),  # beneficiary
    )
