"""The procuracy system's adapter: supervision documents (``VanBan``) translated to ``SupervisionRecord``.

Dialect (docs/agency-interface.md, "Procuracy system"): batch lookup by
``POST /kiem-sat/van-ban/theo-ban-an``, one entry per judgment with its list of
documents; a judgment with nothing (or left out) reads as an empty tuple::

    [records] = await procuracy.fetch_many([JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.dialect import (
    SUPERVISION_KINDS,
    BadValue,
    Fields,
    Unsure,
    fast_choice,
    fast_date,
    fast_object,
    fast_objects,
    fast_optional_date,
    fast_optional_text,
    fast_text,
    fast_text_or_blank,
    problem,
)
from adapters.http_adapter import HttpJudgmentAdapter, judgment_name
from domain.errors import AgencyBadData
from domain.messages import msg
from domain.types import JudgmentKey, SupervisionRecord

LOOKUP_PATH = "/kiem-sat/van-ban/theo-ban-an"

ProcuracyAnswer = tuple[SupervisionRecord, ...] | AgencyBadData


class HttpProcuracyAdapter(HttpJudgmentAdapter[ProcuracyAnswer]):
    """``ProcuracyAdapter`` over the procuracy system's HTTP dialect.

    ``fetch_many`` answers each key with its documents (possibly none), or
    AgencyBadData if any of them cannot be translated (a partial list would mislead).
    """

    agency = "procuracy"

    async def _lookup(self, chunk: Sequence[JudgmentKey]) -> Mapping[JudgmentKey, ProcuracyAnswer]:
        body = {"ban_an": [{"ma_toa": key.court_code, "so_ban_an": key.number} for key in chunk]}
        matched = await self._ask(LOOKUP_PATH, body, chunk, _judgment_of, entries="ket_qua", key_name=judgment_name)
        results: dict[JudgmentKey, ProcuracyAnswer] = matched.answers(_documents_of, ())  # no entry: no documents
        self._count_bad(results.values())
        return results


def _judgment_of(entry: object) -> tuple[str, str] | None:
    """The judgment an answer entry is about, as (court code, number); ``None`` if it cannot be read."""
    try:
        get = fast_object(entry).get
        return fast_text(get("ma_toa")), fast_text(get("so_ban_an"))
    except Unsure:
        pass
    try:
        fields = Fields(entry)
        return fields.text("ma_toa"), fields.text("so_ban_an")
    except ValueError:
        return None


def _documents_of(entry: object, key: JudgmentKey) -> ProcuracyAnswer:
    """The documents of the entry about ``key``, or AgencyBadData naming the judgment."""
    try:
        return tuple([_fast_document(document, key) for document in fast_objects(fast_object(entry).get("van_ban"))])
    except Unsure:
        pass
    try:
        return parse_documents(Fields(entry), key)
    except ValueError as error:
        return AgencyBadData(
            "procuracy",
            msg("supervision of judgment {key}: {detail}", key=str(key), detail=problem(error)),
            record=str(key),
        )


def parse_documents(entry: Fields, key: JudgmentKey) -> tuple[SupervisionRecord, ...]:
    """The documents of one answer entry; all of them or ValueError (a partial list would mislead)."""
    return tuple(parse_document(document, key) for document in entry.objects("van_ban"))


def parse_document(fields: Fields, key: JudgmentKey) -> SupervisionRecord:
    """``VanBan`` → ``SupervisionRecord``; a document filed under another judgment is refused."""
    number = fields.text("so_van_ban")
    try:
        own_court, own_number = fields.optional_text("ma_toa"), fields.optional_text("so_ban_an")
        if (own_court or key.court_code, own_number or key.number) != (key.court_code, key.number):
            raise BadValue(msg("filed under judgment {court}:{number}", court=own_court, number=own_number))
        return SupervisionRecord(
            judgment=key,
            procuracy_code=fields.text("vien_kiem_sat"),
            number=number,
            kind=fields.choice("loai", SUPERVISION_KINDS),
            issued_on=fields.date("ngay_ban_hanh"),
            summary=fields.text("noi_dung", blank_ok=True),
            reply_due=fields.optional_date("han_tra_loi"),
            replied_on=fields.optional_date("ngay_tra_loi"),
        )
    except ValueError as error:
        raise BadValue(msg("document {number}: {problem}", number=number, problem=problem(error))) from None


def _fast_document(item: object, key: JudgmentKey) -> SupervisionRecord:
    """``parse_document`` for a plain, well-formed document filed under ``key``; Unsure otherwise.

    Read straight from the dict, as nearly every document is plain; the strict
    path still words every complaint.
    """
    get = fast_object(item).get
    own_court, own_number = fast_optional_text(get("ma_toa")), fast_optional_text(get("so_ban_an"))
    if (own_court or key.court_code, own_number or key.number) != (key.court_code, key.number):
        raise Unsure
    return SupervisionRecord(
        key,  # judgment
        fast_text(get("vien_kiem_sat")),  # procuracy_code
        fast_text(get("so_van_ban")),  # number
        fast_choice(get("loai"), SUPERVISION_KINDS),  # kind
        fast_date(get("ngay_ban_hanh")),  # issued_on
        fast_text_or_blank(get("noi_dung")),  # summary
        fast_optional_date(get("han_tra_loi")),  # reply_due
        fast_optional_date(get("ngay_tra_loi")),  # replied_on
    )
