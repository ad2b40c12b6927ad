"""The enforcement system's adapter: cases (``HoSo``) translated to ``EnforcementCase``.

Dialect (docs/agency-interface.md, "Enforcement system"): batch lookup by
``POST /thads/v1/ho-so/tra-cuu-lo``; a judgment without a case is simply
absent from the answer, which the adapter reports as ``None``::

    [case] = await enforcement.fetch_many([JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from adapters.dialect import (
    CASE_STATUSES,
    DECISION_KINDS,
    BadValue,
    Fields,
    Unsure,
    fast_choice,
    fast_date,
    fast_object,
    fast_objects,
    fast_optional_text,
    fast_text,
    fast_vnd,
    problem,
)
from adapters.http_adapter import HttpJudgmentAdapter, judgment_name
from domain.errors import AgencyBadData
from domain.messages import msg
from domain.reports.indicators import EnforcementFigures, Indicators
from domain.types import EnforcementCase, EnforcementDecision, JudgmentKey

LOOKUP_PATH = "/thads/v1/ho-so/tra-cuu-lo"
STATISTICS_PATH = "/thads/v1/thong-ke"
STATISTICS_FIELDS = (  # the dialect's name of each Indicators field, in field order
    ("carried_over", "nam_truoc_chuyen_sang"),
    ("newly_accepted", "thu_ly_moi"),
    ("entrusted_out", "uy_thac_di"),
    ("withdrawn", "thu_hoi_huy"),
    ("with_conditions", "co_dieu_kien"),
    ("without_conditions", "chua_co_dieu_kien"),
    ("completed", "thi_hanh_xong"),
)

EnforcementAnswer = EnforcementCase | AgencyBadData | None


class HttpEnforcementAdapter(HttpJudgmentAdapter[EnforcementAnswer]):
    """``EnforcementAdapter`` over the enforcement system's HTTP dialect.

    ``fetch_many`` answers each key with its case, ``None`` if no case was
    opened for the judgment, or AgencyBadData if the case cannot be translated.
    """

    agency = "enforcement"

    async def _lookup(self, chunk: Sequence[JudgmentKey]) -> Mapping[JudgmentKey, EnforcementAnswer]:
        body = {"ban_an": [{"toa_an": key.court_code, "so": key.number} for key in chunk]}
        matched = await self._ask(LOOKUP_PATH, body, chunk, _judgment_of, entries="ho_so", key_name=judgment_name)
        # A key no case names has no case (None). A case whose judgment cannot be read cannot be placed: the
        # key it belongs to then reads as "no case", the best this answer allows, and the case counts as bad.
        results: dict[JudgmentKey, EnforcementAnswer] = matched.answers(_case_of, None)
        self._count_bad(results.values(), unplaced=matched.unreadable)
        return results

    async def statistics(self, unit_codes: Sequence[str], start: date, end: date) -> Mapping[str, EnforcementFigures]:
        """Circular 05/2024 indicators per unit over ``start`` .. ``end`` (one ``POST /thads/v1/thong-ke``).

        A unit missing from the answer, or an answer that cannot be read, raises
        ``AgencyBadData``: a report must not show a unit's zeros it was never told.
        """
        if not unit_codes:
            return {}
        body = {"don_vi": list(unit_codes), "tu_ngay": format_date(start), "den_ngay": format_date(end)}
        answer = await self._client.post_json(STATISTICS_PATH, body, safe=True)
        try:
            units = {item.text("ma_don_vi"): _figures(item) for item in Fields(answer).objects("don_vi")}
            missing = [code for code in unit_codes if code not in units]
            if missing:
                raise BadValue(msg("no figures for {units}", units=", ".join(missing[:5])))
        except ValueError as error:
            raise self._client.bad_answer(f"POST {STATISTICS_PATH}", error) from None
        return {code: units[code] for code in unit_codes}


def format_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _figures(fields: Fields) -> EnforcementFigures:
    cases, money = fields.nested("ve_viec"), fields.nested("ve_tien")
    return EnforcementFigures(
        cases=Indicators(*(cases.integer(name, minimum=0) for _, name in STATISTICS_FIELDS)),
        money=Indicators(*(money.vnd(name) for _, name in STATISTICS_FIELDS)),
    )


def _judgment_of(item: object) -> tuple[str, str] | None:
    """The judgment a case is about, (court code, number) as ``parse_case`` reads them; ``None`` if unreadable."""
    try:
        return _fast_judgment_of(item)
    except Unsure:
        pass
    try:
        judgment = Fields(item).nested("ban_an")
        return judgment.text("toa_an"), judgment.text("so")
    except ValueError:
        return None


def _case_of(item: object, key: JudgmentKey) -> EnforcementCase | AgencyBadData:
    """The case of a record whose judgment reads as ``key``, or AgencyBadData naming the judgment."""
    try:
        return _fast_case(item, key)
    except Unsure:
        pass
    try:
        return parse_case(Fields(item))
    except ValueError as error:
        return AgencyBadData(
            "enforcement",
            msg("case for judgment {key}: {detail}", key=str(key), detail=problem(error)),
            record=str(key),
        )


def parse_case(fields: Fields) -> EnforcementCase:
    """``HoSo`` → ``EnforcementCase``; ValueError naming the field on anything malformed."""
    judgment = fields.nested("ban_an")
    money = fields.nested("tien")
    return EnforcementCase(
        judgment=JudgmentKey(judgment.text("toa_an"), judgment.text("so")),
        case_number=fields.text("so_thu_ly"),
        agency_code=fields.text("co_quan_thi_hanh"),
        office_code=fields.optional_text("phong_thi_hanh"),
        accepted_on=fields.date("ngay_thu_ly"),
        status=fields.choice("trang_thai", CASE_STATUSES),
        amount_due=money.vnd("phai_thi_hanh"),
        amount_collected=money.vnd("da_thi_hanh"),
        decisions=tuple(_decision(decision) for decision in fields.objects("quyet_dinh")),
    )


def _decision(fields: Fields) -> EnforcementDecision:
    return EnforcementDecision(
        number=fields.text("so"),
        issued_on=fields.date("ngay"),
        kind=fields.choice("hinh_thuc", DECISION_KINDS),
        officer=fields.text("chap_hanh_vien"),
    )


def _fast_judgment_of(item: object) -> tuple[str, str]:
    """:func:`_judgment_of` for a plain record; Unsure otherwise."""
    judgment = fast_object(fast_object(item).get("ban_an"))
    return fast_text(judgment.get("toa_an")), fast_text(judgment.get("so"))


def _fast_case(item: object, key: JudgmentKey) -> EnforcementCase:
    """``parse_case`` for a plain, well-formed record whose judgment reads as ``key``; Unsure otherwise.

    Read straight from the dict, as nearly every case is plain; the strict path
    still words every complaint.
    """
    get = fast_object(item).get
    money = fast_object(get("tien"))
    return EnforcementCase(
        key,  # judgment
        fast_text(get("so_thu_ly")),  # case_number
        fast_text(get("co_quan_thi_hanh")),  # agency_code
        fast_optional_text(get("phong_thi_hanh")),  # office_code
        fast_date(get("ngay_thu_ly")),  # accepted_on
        fast_choice(get("trang_thai"), CASE_STATUSES),  # status
        fast_vnd(money.get("phai_thi_hanh")),  # amount_due
        fast_vnd(money.get("da_thi_hanh")),  # amount_collected
        tuple([_fast_decision(decision) for decision in fast_objects(get("quyet_dinh"))]),  # decisions
    )


def _fast_decision(item: object) -> EnforcementDecision:
    """``_decision`` for a plain record; Unsure otherwise."""
    get = fast_object(item).get
    return EnforcementDecision(
        fast_text(get("so")),  # number
        fast_date(get("ngay")),  # issued_on
        fast_choice(get("hinh_thuc"), DECISION_KINDS),  # kind
        fast_text(get("chap_hanh_vien")),  # officer
    )
