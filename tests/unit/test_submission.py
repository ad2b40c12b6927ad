from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.canonical import canonical_json
from domain.deadlines import local_day
from domain.registers import statistical_year
from domain.signatures import public_key_b64, public_key_from_b64, sign, verify
from domain.submission import Submission, SubmissionErrorCode, validate
from domain.types import Obligation, ObligationKind, Party, PartyKind, PartyRole
from tests.support.court_client import sample_submission

TODAY = date(2026, 11, 20)


def codes(submission, today=TODAY):
    return [e.code for e in validate(submission, today)]


@pytest.fixture
def good():
    return sample_submission("court.ha-noi.kv01", serial=125, effective_on=date(2026, 11, 10))


def test_a_well_formed_submission_has_no_errors(good):
    assert validate(good, TODAY) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"effective_on": date(2026, 11, 21)}, SubmissionErrorCode.FUTURE_EFFECTIVE_DATE),
        ({"number": "125/2026/DS"}, SubmissionErrorCode.INVALID),
        ({"number": "125/2026/HS-ST"}, SubmissionErrorCode.INVALID),
        ({"document_sha256": "ABC"}, SubmissionErrorCode.INVALID),
        ({"obligations": ()}, SubmissionErrorCode.INVALID),
    ],
)
def test_each_defect_is_named(good, change, code):
    assert code in codes(replace(good, **change))


def test_citizen_id_must_be_twelve_digits_and_tax_code_ten(good):
    person = Party("Lê Văn Cường", PartyRole.DEBTOR, PartyKind.INDIVIDUAL, "Huế", citizen_id="04608501234")
    firm = Party("Công ty cổ phần Hòa Bình", PartyRole.DEBTOR, PartyKind.ORGANISATION, "Huế", tax_code="12345")
    assert codes(replace(good, parties=(person, firm))) == [
        SubmissionErrorCode.MALFORMED_CITIZEN_ID,
        SubmissionErrorCode.MALFORMED_TAX_CODE,
    ]


def test_a_judgment_needs_a_debtor(good):
    creditor_only = tuple(p for p in good.parties if p.role is PartyRole.CREDITOR)
    assert SubmissionErrorCode.INVALID in codes(replace(good, parties=creditor_only))


def test_amounts_beyond_32_bits_are_fine_and_negative_ones_are_not(good):
    big = Obligation(ObligationKind.PAYMENT, "Bồi thường", False, 116_531_000_000_000)
    assert validate(replace(good, obligations=(big,)), TODAY) == []
    negative = Obligation(ObligationKind.PAYMENT, "Bồi thường", False, -1)
    assert SubmissionErrorCode.INVALID in codes(replace(good, obligations=(negative,)))


def test_canonical_json_is_sorted_compact_nfc_and_refuses_floats():
    assert canonical_json({"b": 1, "a": "Hòa"}) == '{"a":"Hòa","b":1}'.encode()
    assert canonical_json({"x": "Ho\u0300a"}) == canonical_json({"x": "Hòa"})
    with pytest.raises(TypeError):
        canonical_json({"amount": 1.5})


def test_the_signed_bytes_change_with_any_content(good):
    assert good.signed_bytes() != replace(good, summary=good.summary + ".").signed_bytes()
    assert good.content_sha256() == replace(good).content_sha256()


def test_signatures_verify_only_the_signed_bytes_with_the_right_key(good):
    key = Ed25519PrivateKey.generate()
    signature = sign(key, good.signed_bytes())
    public = public_key_from_b64(public_key_b64(key.public_key()))
    assert verify(public, good.signed_bytes(), signature)
    assert not verify(public, replace(good, summary="khác").signed_bytes(), signature)
    assert not verify(Ed25519PrivateKey.generate().public_key(), good.signed_bytes(), signature)
    assert not verify(public, good.signed_bytes(), "not base64!")


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2025, 10, 1), 2026), (date(2026, 9, 30), 2026), (date(2026, 10, 1), 2027), (date(2026, 1, 15), 2026)],
)
def test_statistical_year_runs_1_october_to_30_september(day, year):
    assert statistical_year(day) == year


def test_local_day_is_vietnam_time():
    late_utc = datetime(2026, 9, 30, 18, 30, tzinfo=UTC)  # 01:30 on 1 October in Hà Nội
    assert local_day(late_utc) == date(2026, 10, 1)
    assert local_day(late_utc - timedelta(hours=2)) == date(2026, 9, 30)


def test_a_judgment_adjudicated_before_the_earliest_plausible_day_is_refused(good):
    slip = replace(good, number="125/0001/DS-ST", adjudicated_on=date(1, 1, 5))
    (error,) = [e for e in validate(slip, TODAY) if e.field == "adjudicatedOn"]
    assert error.code is SubmissionErrorCode.INVALID
    assert error.message == "the adjudication date is before 1945-09-02, the earliest this hub accepts"
    old = replace(good, number="125/1990/DS-ST", adjudicated_on=date(1990, 5, 1))
    assert validate(old, TODAY, earliest=date(1990, 5, 1)) == []  # on the bound itself: accepted
    assert [e.field for e in validate(good, TODAY, earliest=date(2026, 11, 1))] == ["adjudicatedOn"]


def test_a_submission_read_back_from_what_was_signed_is_the_same_and_signs_the_same_bytes(good):
    """The transfer ledger keeps the signed JSON; reading it back must give exactly what the court signed."""
    organisation = Party(
        "Công ty CP Hòa Bình", PartyRole.RELATED, PartyKind.ORGANISATION, "", tax_code="0101234567-001"
    )
    varied = replace(
        good,
        interim_measure=True,
        parties=(*good.parties, organisation),
        obligations=(*good.obligations, Obligation(ObligationKind.RETURN_OF_ASSETS, "Trả lại xe máy", False)),
    )
    for original in (good, varied):
        signed = canonical_json(original.signed_content())
        back = Submission.from_signed(orjson.loads(signed))
        assert back == original
        assert back.signed_bytes() == signed


def test_a_document_of_another_shape_is_not_read_as_a_submission(good):
    content = good.signed_content()
    with pytest.raises(KeyError):
        Submission.from_signed({k: v for k, v in content.items() if k != "parties"})
    with pytest.raises(ValueError, match="'judge'"):
        Submission.from_signed({**content, "parties": [{**content["parties"][0], "role": "judge"}]})
