"""The procuracy system's adapter: supervision documents (``VanBan``) translated to ``SupervisionRecord``.

Dialect (docs/agency-interface.md, "Procuracy system"): batch lookup by
``POST /kiem-sat/van-ban/theo-ban-an``, one entry per judgment with its list of
documents; a judgment with nothing (or left out) reads as an empty tuple::

    [records] = await procuracy.fetch_many([JudgmentKey("court.ha-noi.kv01", "125/2026/DS-ST")])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.dialect import SUPERVISION_KINDS, Fields
from adapters.http_adapter import HttpJudgmentAdapter
from domain.errors import AgencyBadData
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
        answer = await self._client.post_json(LOOKUP_PATH, body, safe=True)
        try:
            entries = Fields(answer).array("ket_qua")
        except ValueError as error:
            raise self._client.bad_answer(f"POST {LOOKUP_PATH}", error) from None

        results: dict[JudgmentKey, ProcuracyAnswer] = dict.fromkeys(chunk, ())
        settled: set[JudgmentKey] = set()
        for entry in entries:
            key = _judgment_of(entry)
            if key is None or key not in results or key in settled:
                continue
            settled.add(key)
            try:
                results[key] = parse_documents(Fields(entry), key)
            except ValueError as error:
                results[key] = AgencyBadData("procuracy", f"supervision of judgment {key}: {error}", record=str(key))
        self._client.tracker.count_bad_records(sum(isinstance(r, AgencyBadData) for r in results.values()))
        return results


def _judgment_of(entry: object) -> JudgmentKey | None:
    try:
        fields = Fields(entry)
        return JudgmentKey(fields.text("ma_toa"), fields.text("so_ban_an"))
    except ValueError:
        return None


def parse_documents(entry: Fields, key: JudgmentKey) -> tuple[SupervisionRecord, ...]:
    """The documents of one answer entry; all of them or ValueError (a partial list would mislead)."""
    return tuple(parse_document(document, key) for document in entry.objects("van_ban"))


def parse_document(fields: Fields, key: JudgmentKey) -> SupervisionRecord:
    """``VanBan`` → ``SupervisionRecord``; a document filed under another judgment is refused."""
    number = fields.text("so_van_ban")
    try:
        own_court, own_number = fields.optional_text("ma_toa"), fields.optional_text("so_ban_an")
        if (own_court or key.court_code, own_number or key.number) != (key.court_code, key.number):
            raise ValueError(f"filed under judgment {own_court}:{own_number}")
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
        raise ValueError(f"document {number}: {error}") from None
