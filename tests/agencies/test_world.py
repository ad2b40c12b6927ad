"""Enforcement cases, supervision records and staff: consistent with the judgments and with each other."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from agencies.common.cases import CaseBook
from agencies.common.catalogue import Catalogue, Origin
from agencies.common.reference import ReferenceData
from agencies.common.staff import ENFORCEMENT_OFFICER_TITLES, StaffRoster
from domain.types import AgencyLevel, CaseStatus, DecisionKind, Sex, SupervisionKind


def test_most_judgments_have_a_case_and_a_third_of_them_are_supervised(book: CaseBook, catalogue: Catalogue) -> None:
    with_case = sum(book.has_case(i) for i in catalogue.indices())
    supervised = [i for i in catalogue.indices() if book.has_supervision(i)]
    assert with_case / len(catalogue) == pytest.approx(0.85, abs=0.03)
    assert len(supervised) / len(catalogue) == pytest.approx(0.30, abs=0.03)
    assert all(book.has_case(i) for i in supervised)


def test_cases_owe_what_the_judgment_says_and_never_collect_more(book: CaseBook, catalogue: Catalogue) -> None:
    statuses: Counter[CaseStatus] = Counter()
    for index in range(0, len(catalogue), 4):
        case = book.case(index, number=1)
        if case is None:
            continue
        judgment = catalogue.judgment(index)
        statuses[case.status] += 1
        assert case.amount_due == sum(o.amount or 0 for o in judgment.obligations)
        assert 0 <= case.amount_collected <= case.amount_due
        if case.status is CaseStatus.COMPLETED:
            assert case.amount_collected == case.amount_due
        assert judgment.effective_on < case.accepted_on <= catalogue.as_of
        assert len(case.decisions) <= 3
        for decision in case.decisions:
            assert case.accepted_on < decision.issued_on <= catalogue.as_of
        if any(d.kind is DecisionKind.ON_REQUEST for d in case.decisions):
            assert any(not o.ex_officio for o in judgment.obligations)
    assert set(statuses) == set(CaseStatus)


def test_cases_are_held_by_todays_agency_and_office(book: CaseBook, catalogue: Catalogue) -> None:
    index = next(i for i in catalogue.indices(Origin.DISSOLVED_DISTRICT) if book.has_case(i))
    case = book.case(index, number=1)
    route = catalogue.route_of(index)
    assert case is not None
    assert (case.agency_code, case.office_code) == (route.enforcement_agency_code, route.enforcement_office_code)
    assert case.office_code is not None
    assert ".old." not in case.office_code
    appeal = next(i for i in catalogue.indices(Origin.APPEAL) if book.has_case(i))
    assert book.case(appeal, number=1).office_code is None  # type: ignore[union-attr]


def test_decisions_name_enforcement_officers_of_the_unit(book: CaseBook, catalogue: Catalogue) -> None:
    for index in range(0, 600):
        case = book.case(index, number=1)
        if case is None or not case.decisions:
            continue
        unit = book.roster.unit(case.office_code or case.agency_code)
        names = {o.name for o in unit.officers if o.title in ENFORCEMENT_OFFICER_TITLES}
        assert {d.officer for d in case.decisions} <= names


def test_supervision_records_come_from_the_routed_procuracy_with_reply_deadlines(
    book: CaseBook, catalogue: Catalogue
) -> None:
    kinds: Counter[SupervisionKind] = Counter()
    for index in range(len(catalogue)):
        records = book.supervision(index, number=3)
        if not book.has_supervision(index):
            assert records == ()
            continue
        assert 1 <= len(records) <= 2
        case = book.case(index)
        assert case is not None
        for record in records:
            kinds[record.kind] += 1
            assert record.procuracy_code == catalogue.route_of(index).procuracy_code
            assert case.accepted_on <= record.issued_on <= catalogue.as_of
            if record.reply_due is not None:
                assert record.reply_due == record.issued_on + timedelta(days=15)
            if record.replied_on is not None:
                assert record.issued_on < record.replied_on <= catalogue.as_of
        assert len({r.number for r in records}) == len(records)
    assert set(kinds) == set(SupervisionKind)


def test_the_roster_covers_every_current_enforcement_unit(roster: StaffRoster, reference: ReferenceData) -> None:
    units = list(roster.units())
    levels = Counter(u.agency.level for u in units)
    assert levels == {AgencyLevel.PROVINCIAL: 34, AgencyLevel.AREA: 355}
    for unit in units:
        low, high = (20, 40) if unit.agency.level is AgencyLevel.PROVINCIAL else (5, 12)
        assert low <= len(unit.officers) <= high
        assert len(unit.enforcement_officers()) >= 2
    quotas = Counter((u.quota > len(u.officers)) - (u.quota < len(u.officers)) for u in units)
    assert quotas[1]
    assert quotas[-1]
    assert quotas[0]


def test_the_roster_has_what_personnel_alerts_look_for(roster: StaffRoster) -> None:
    officers = [o for u in roster.units() for o in u.officers]
    leaders = [o for o in officers if o.post is not None]
    heads = {
        o.agency_code
        for o in officers
        if o.post in ("Trưởng Thi hành án dân sự tỉnh, thành phố", "Chấp hành viên trưởng")
    }
    assert len(heads) < 389  # some heads' posts are vacant
    assert {o.post for o in leaders} == {
        "Trưởng Thi hành án dân sự tỉnh, thành phố",  # since the 2025 reorganisation (Law 106/2025)
        "Phó Trưởng Thi hành án dân sự tỉnh, thành phố",
        "Kế toán trưởng",
        "Chấp hành viên trưởng",
        "Phó Trưởng phòng",
    }
    assert all(o.term_ends_on is not None and o.appointed_on is not None for o in leaders)
    assert any(o.consecutive_terms == 2 for o in leaders)
    near = [
        o
        for o in leaders
        if (o.sex is Sex.MALE and o.birth_date.year <= 1966) or (o.sex is Sex.FEMALE and o.birth_date.year <= 1971)
    ]
    assert near
    sensitive = [o for o in officers if o.sensitive_post]
    assert {o.post or o.title for o in sensitive} >= {"Kế toán trưởng", "Chấp hành viên sơ cấp"}
    ages = [(roster.as_of - o.position_since).days / 365 for o in sensitive if o.position_since]
    assert min(ages) < 1
    assert max(ages) > 5
    assert any(o.discipline for o in officers)
    assert len({o.code for o in officers}) == len(officers)


def test_the_roster_is_deterministic(reference: ReferenceData, roster: StaffRoster) -> None:
    again = StaffRoster(roster.seed, reference)
    code = "enforcement.ha-noi.kv01"
    assert again.unit(code) == roster.unit(code)
    assert StaffRoster(roster.seed + 1, reference).unit(code) != roster.unit(code)
