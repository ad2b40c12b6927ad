"""The judgment catalogue: deterministic, unique keys, the promised shape, dissolved courts routed to successors."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date

import pytest

from agencies.common.catalogue import CATALOGUE_END, Catalogue, Origin
from agencies.common.judgment_content import court_fee
from agencies.common.people import CCCD_PROVINCE_CODES
from agencies.common.reference import ReferenceData
from domain.jurisdiction import route_judgment
from domain.organisation import DISSOLVED_ON, REORGANISED_ON
from domain.types import (
    AgencyLevel,
    CaseType,
    Instance,
    JudgmentKey,
    ObligationKind,
    PartyKind,
    PartyRole,
)

NUMBER = re.compile(r"([1-9][0-9]*)/(20[0-9]{2})/(DS|HNGĐ|KDTM|LĐ|HC|HS)-(ST|PT)")
MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def test_same_seed_and_size_give_the_same_judgments(reference: ReferenceData, catalogue: Catalogue) -> None:
    again = Catalogue(catalogue.seed, len(catalogue), reference)
    assert list(again.keys()) == list(catalogue.keys())
    for index in (0, 1, 777, len(catalogue) - 1):
        assert again.judgment(index) == catalogue.judgment(index)


def test_another_seed_gives_other_judgments(reference: ReferenceData, catalogue: Catalogue) -> None:
    other = Catalogue(catalogue.seed + 1, len(catalogue), reference)
    assert list(other.keys()) != list(catalogue.keys())


def test_keys_are_unique_and_index_of_finds_each_one(catalogue: Catalogue) -> None:
    keys = list(catalogue.keys())
    assert len(set(keys)) == len(keys) == len(catalogue)
    assert all(catalogue.index_of(key) == i for i, key in enumerate(keys))
    assert catalogue.index_of((keys[5].court_code, keys[5].number)) == 5


@pytest.mark.parametrize(
    "number",
    ["01/2026/DS-ST", "1/2026/XX-ST", "1/2026/DS-PT", "99999/2026/DS-ST", "1/2026/DS", "", "1/1999/DS-ST"],
)
def test_index_of_answers_none_for_judgments_that_do_not_exist(catalogue: Catalogue, number: str) -> None:
    court = next(k.court_code for k in catalogue if k.number.endswith("DS-ST"))
    assert catalogue.index_of(JudgmentKey(court, number)) is None
    assert catalogue.index_of(JudgmentKey("court.nowhere", "1/2026/DS-ST")) is None


def test_judgments_come_from_area_appeal_and_dissolved_courts_in_the_promised_shares(catalogue: Catalogue) -> None:
    shares = Counter(catalogue.origin_of(i) for i in catalogue.indices())
    total = len(catalogue)
    assert shares[Origin.AREA] / total == pytest.approx(0.75, abs=0.03)
    assert shares[Origin.APPEAL] / total == pytest.approx(0.15, abs=0.03)
    assert shares[Origin.DISSOLVED_DISTRICT] / total == pytest.approx(0.10, abs=0.03)


def test_numbers_name_the_year_type_and_instance_of_the_judgment(catalogue: Catalogue) -> None:
    for index in range(0, len(catalogue), 7):
        judgment = catalogue.judgment(index)
        match = NUMBER.fullmatch(judgment.key.number)
        assert match is not None, judgment.key
        assert int(match[2]) == judgment.adjudicated_on.year
        assert match[3] == judgment.case_type.value
        assert match[4] == judgment.instance.value
        court = catalogue.court_of(index)
        assert (judgment.instance is Instance.PT) == (court.level is AgencyLevel.PROVINCIAL)
        assert judgment.document_name == judgment.key.number.replace("/", "-") + ".pdf"
        assert re.fullmatch(r"[0-9a-f]{64}", judgment.document_sha256)


def test_effective_dates_stay_within_each_origins_window(catalogue: Catalogue) -> None:
    for index in range(len(catalogue)):
        judgment = catalogue.judgment(index)
        origin = catalogue.origin_of(index)
        assert judgment.adjudicated_on.weekday() < 5
        if origin is Origin.AREA:
            assert REORGANISED_ON <= judgment.adjudicated_on < judgment.effective_on <= CATALOGUE_END
        elif origin is Origin.APPEAL:
            assert judgment.effective_on == judgment.adjudicated_on
            assert date(2023, 1, 1) <= judgment.effective_on <= CATALOGUE_END
            if catalogue.court_of(index).valid_to is not None:
                assert judgment.effective_on <= DISSOLVED_ON
        else:
            assert date(2023, 1, 1) <= judgment.effective_on <= DISSOLVED_ON


def test_serials_follow_the_order_of_adjudication_within_a_court_year_and_type(catalogue: Catalogue) -> None:
    groups: dict[tuple[str, str], list[tuple[int, date]]] = {}
    for index in range(len(catalogue)):
        judgment = catalogue.judgment(index)
        serial, rest = judgment.key.number.split("/", 1)
        groups.setdefault((judgment.key.court_code, rest), []).append((int(serial), judgment.adjudicated_on))
    assert any(len(g) > 1 for g in groups.values())
    for members in groups.values():
        members.sort()
        assert [s for s, _ in members] == list(range(1, len(members) + 1))
        assert [d for _, d in members] == sorted(d for _, d in members)


def test_judgments_of_dissolved_district_courts_route_to_todays_successors(
    catalogue: Catalogue, reference: ReferenceData
) -> None:
    index = catalogue.first(Origin.DISSOLVED_DISTRICT)
    court = catalogue.court_of(index)
    assert court.code.startswith("court.old.")
    assert court.valid_to == DISSOLVED_ON
    route = catalogue.route_of(index)
    assert route == route_judgment(court.code, reference.agencies)
    for code in (route.court_code, route.enforcement_agency_code, route.enforcement_office_code, route.procuracy_code):
        assert code is not None
        assert reference.agencies[code].valid_to is None
    assert catalogue.judgment(index).court_name == court.name  # history keeps the name valid at the time


def test_appeals_before_the_reorganisation_include_dissolved_provincial_courts(catalogue: Catalogue) -> None:
    courts = {catalogue.court_of(i) for i in catalogue.indices(Origin.APPEAL)}
    assert any(c.valid_to is not None for c in courts)
    assert any(c.valid_to is None for c in courts)


def test_every_judgment_has_creditors_debtors_and_a_court_fee(catalogue: Catalogue) -> None:
    for index in range(0, len(catalogue), 3):
        judgment = catalogue.judgment(index)
        roles = Counter(p.role for p in judgment.parties)
        assert 1 <= roles[PartyRole.CREDITOR] <= 2
        assert 1 <= roles[PartyRole.DEBTOR] <= 2
        assert roles[PartyRole.RELATED] <= 1
        fee = judgment.obligations[0]
        assert fee.kind is ObligationKind.COURT_FEE
        assert fee.ex_officio
        assert fee.amount is not None
        assert 300_000 <= fee.amount <= 50_000_000
        creditors = {p.name for p in judgment.parties if p.role is PartyRole.CREDITOR}
        for obligation in judgment.obligations:
            if obligation.amount is not None:
                assert obligation.amount % 1_000 == 0
            if obligation.kind is ObligationKind.PAYMENT:
                assert not obligation.ex_officio
                assert obligation.beneficiary in creditors
                assert obligation.amount is not None
                assert 5_000_000 <= obligation.amount <= 5_000_000_000
            if obligation.kind in (ObligationKind.FINE, ObligationKind.CONFISCATION):
                assert judgment.case_type is CaseType.HS
                assert obligation.ex_officio


def test_parties_carry_well_formed_identifiers(catalogue: Catalogue) -> None:
    prefixes = set(CCCD_PROVINCE_CODES.values())
    kinds: Counter[PartyKind] = Counter()
    for index in range(0, len(catalogue), 3):
        for party in catalogue.judgment(index).parties:
            kinds[party.kind] += 1
            if party.kind is PartyKind.INDIVIDUAL:
                assert party.tax_code is None
                assert party.citizen_id is not None
                assert re.fullmatch(r"[0-9]{12}", party.citizen_id)
                assert party.citizen_id[:3] in prefixes
                assert party.citizen_id[3] in "0123"
            else:
                assert party.citizen_id is None
                assert party.tax_code is not None
                digits = [int(c) for c in party.tax_code]
                assert len(digits) == 10
                assert digits[9] == 10 - sum(d * w for d, w in zip(digits, MST_WEIGHTS, strict=False)) % 11
    share = kinds[PartyKind.ORGANISATION] / sum(kinds.values())
    assert 0.08 < share < 0.25


def test_addresses_lie_in_the_province_of_the_court(catalogue: Catalogue, reference: ReferenceData) -> None:
    for index in range(0, len(catalogue), 11):
        label = reference.province_label(catalogue.court_of(index))
        assert all(p.address.endswith(label) for p in catalogue.judgment(index).parties)


def test_texts_are_nfc(catalogue: Catalogue) -> None:
    for index in range(0, len(catalogue), 5):
        judgment = catalogue.judgment(index)
        texts = [judgment.court_name, judgment.judge, judgment.summary, judgment.key.number]
        texts += [t for p in judgment.parties for t in (p.name, p.address)]
        texts += [o.description for o in judgment.obligations]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts)


@pytest.mark.parametrize(
    ("claim", "fee"),
    [(0, 300_000), (6_000_000, 300_000), (100_000_000, 5_000_000), (500_000_000, 24_000_000), (5 * 10**9, 50_000_000)],
)
def test_court_fee_follows_the_brackets_within_the_promised_range(claim: int, fee: int) -> None:
    assert court_fee(claim) == fee
