"""Judgments enforced immediately (Art. 2(2)(a)) and bankruptcy decisions (Art. 36(2)(e)) in what a court signs.

The two flags are signed only when true: an ordinary submission keeps, byte for byte, the canonical
JSON courts signed before the flags existed, so every signature already made still verifies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import orjson
import pytest

from domain.messages import tell
from domain.submission import Submission, SubmissionErrorCode, validate
from domain.types import CaseType, Instance, Obligation, ObligationKind, Party, PartyKind, PartyRole

ORDINARY = Submission(
    court_code="court.ha-noi.kv01",
    number="125/2026/DS-ST",
    case_type=CaseType.DS,
    instance=Instance.ST,
    adjudicated_on=date(2026, 10, 12),
    effective_on=date(2026, 11, 12),
    summary="Tranh chấp hợp đồng vay tài sản",
    document_name="125-2026-DS-ST.pdf",
    document_sha256="a" * 64,
    parties=(
        Party(
            "Công ty TNHH Minh Phát",
            PartyRole.DEBTOR,
            PartyKind.ORGANISATION,
            "Số 3 Láng Hạ, Hà Nội",
            tax_code="0101234567",
        ),
    ),
    obligations=(Obligation(ObligationKind.COURT_FEE, "Án phí dân sự sơ thẩm", True, 4_050_000),),
)
SIGNED_BEFORE_THE_FLAGS = (
    '{"adjudicatedOn":"2026-10-12","caseType":"DS","court":"court.ha-noi.kv01",'
    '"document":{"name":"125-2026-DS-ST.pdf","sha256":"' + "a" * 64 + '"},'
    '"effectiveOn":"2026-11-12","instance":"ST","interimMeasure":false,"number":"125/2026/DS-ST",'
    '"obligations":[{"amount":4050000,"beneficiary":null,"description":"Án phí dân sự sơ thẩm",'
    '"exOfficio":true,"kind":"court_fee"}],'
    '"parties":[{"address":"Số 3 Láng Hạ, Hà Nội","citizenId":null,"kind":"organisation",'
    '"name":"Công ty TNHH Minh Phát","role":"debtor","taxCode":"0101234567"}],'
    '"summary":"Tranh chấp hợp đồng vay tài sản"}'
).encode()
TODAY = date(2026, 11, 20)


def test_an_ordinary_submission_signs_the_bytes_it_signed_before_the_flags_existed() -> None:
    assert ORDINARY.signed_bytes() == SIGNED_BEFORE_THE_FLAGS
    assert "enforcedImmediately" not in ORDINARY.signed_content()
    assert "bankruptcy" not in ORDINARY.signed_content()


@pytest.mark.parametrize(
    ("change", "signed"),
    [
        ({"enforced_immediately": True}, {"enforcedImmediately": True}),
        ({"bankruptcy": True}, {"bankruptcy": True}),
        ({"enforced_immediately": True, "bankruptcy": True}, {"enforcedImmediately": True, "bankruptcy": True}),
    ],
)
def test_a_flag_set_is_signed_and_read_back(change, signed) -> None:
    flagged = replace(ORDINARY, **change)
    content = orjson.loads(flagged.signed_bytes())
    assert {k: content[k] for k in ("enforcedImmediately", "bankruptcy") if k in content} == signed
    assert {k: v for k, v in content.items() if k not in signed} == orjson.loads(SIGNED_BEFORE_THE_FLAGS)
    back = Submission.from_signed(content)
    assert back == flagged
    assert back.signed_bytes() == flagged.signed_bytes()


def test_an_old_submission_reads_back_without_the_flags() -> None:
    back = Submission.from_signed(orjson.loads(SIGNED_BEFORE_THE_FLAGS))
    assert (back.enforced_immediately, back.bankruptcy) == (False, False)
    assert back.signed_bytes() == SIGNED_BEFORE_THE_FLAGS


def test_an_interim_measure_is_not_also_enforced_immediately() -> None:
    errors = validate(replace(ORDINARY, interim_measure=True, enforced_immediately=True), TODAY)
    assert [(e.field, e.code) for e in errors] == [("enforcedImmediately", SubmissionErrorCode.INVALID)]
    assert "Art. 2(2)(a)" in tell(errors[0].message, "en")
    assert "điểm a khoản 2 Điều 2" in tell(errors[0].message, "vi")


def test_each_flag_alone_is_valid() -> None:
    assert validate(replace(ORDINARY, enforced_immediately=True), TODAY) == []
    assert validate(replace(ORDINARY, bankruptcy=True), TODAY) == []
