"""Personnel alerts, staffing summaries and the personnel rules table (DOMAIN.md §6)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from domain.personnel.alerts import AlertKind, PersonnelAlert, personnel_alerts
from domain.personnel.checks import PersonnelRuleError
from domain.personnel.loading import load_personnel_rules_from_text
from domain.personnel.schedule import RetirementEffective
from domain.personnel.staffing import staffing_summary
from domain.types import AgencyKind, AgencyLevel, Officer, Sex, StaffingUnit
from gateway.policies import load_personnel_rules, shipped_personnel_rules
from gateway.settings import SettingsError

DATA = Path(__file__).resolve().parents[2] / "data"
RULES = shipped_personnel_rules()
AS_OF = date(2026, 11, 20)
PROVINCE = "enforcement.hue"
AREA = "enforcement.hue.kv01"
UNIT = StaffingUnit(AREA, "Phòng Thi hành án dân sự khu vực 1 - Huế", quota=3)


def officer(code: str = "CB.1", agency: str = AREA, **fields) -> Officer:
    values = {
        "name": "Nguyễn Văn An",
        "sex": Sex.MALE,
        "birth_date": date(1985, 6, 15),  # retires 2047
        "citizen_id": "046085000001",
        "title": "Thư ký thi hành án",
    }
    return Officer(code=code, agency_code=agency, **{**values, **fields})


def chief(code: str = "CB.0", agency: str = AREA, **fields) -> Officer:
    """A Chấp hành viên trưởng appointed on 2025-07-01, first term to 2030-06-30."""
    values = {
        "title": "Chấp hành viên trung cấp",
        "post": "Chấp hành viên trưởng",
        "appointed_on": date(2025, 7, 1),
        "term_ends_on": date(2030, 6, 30),
        "position_since": date(2025, 7, 1),
    }
    return officer(code, agency, **{**values, **fields})


def alerts(*officers: Officer, unit: StaffingUnit | None = UNIT, horizon: int = 180, **kwargs) -> list[PersonnelAlert]:
    """The alerts of an area office with a Chấp hành viên trưởng in post and as many people as its quota (unless given)."""
    staff = officers if any(o.post == "Chấp hành viên trưởng" for o in officers) else (chief(), *officers)
    quota = kwargs.pop("quota", len(staff))
    if unit is not None:
        unit = replace(unit, quota=quota)
    options = {"level": AgencyLevel.AREA, "as_of": AS_OF, "horizon_days": horizon, "rules": RULES, **kwargs}
    return personnel_alerts(unit, staff, **options)


def brief(found: list[PersonnelAlert]) -> list[tuple[str, str | None, str, date]]:
    return [(a.kind.value, a.officer_code, a.rule, a.due_on) for a in found]


# ---- the table ----------------------------------------------------------------------


def test_the_rules_file_is_the_shipped_table():
    text = (DATA / "personnel_rules.toml").read_text(encoding="utf-8")
    assert load_personnel_rules_from_text(text) == shipped_personnel_rules()
    assert load_personnel_rules(DATA) == shipped_personnel_rules()
    assert [rule.key for rule in RULES.all_rules()] == [
        "retirement_age",
        "retirement_later_highly_qualified",
        "leader_term",
        "second_consecutive_term",
        "rotation_chief_accountant",
        "rotation_enforcement_officer",
        "rotation_judge",
        "rotation_procurator",
        "rotation_sensitive_post",
        "rotation_near_retirement",
        "rotation_deferred_discipline",
        "rotation_deferred_investigation",
        "rotation_deferred_absence",
        "rotation_deferred_childcare",
        "staffing_quota",
        "leadership_enforcement_provincial",
        "leadership_enforcement_area",
        "leadership_court_provincial",
        "leadership_court_area",
        "leadership_procuracy_provincial",
        "leadership_procuracy_area",
    ]


def test_every_rule_has_a_key_a_basis_and_says_whether_it_was_verified():
    keys = [rule.key for rule in RULES.all_rules()]
    assert len(keys) == len(set(keys))
    for rule in RULES.all_rules():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", rule.key)
        assert rule.legal_basis.strip()
        assert rule.description_vi.strip()
    assert RULES.retirement.verified  # Labour Code 2019 Art. 169, Decree 135/2020 [V]
    assert RULES.retirement.effective_verified  # end of month: Decree 135/2020 Art. 3(1), now seen [V]
    assert RULES.retirement.effective is RetirementEffective.END_OF_MONTH
    assert not RULES.term.verified  # Decree 170/2025 [U]
    assert RULES.term.years == 5


def test_a_missing_data_file_means_the_shipped_table(tmp_path):
    assert load_personnel_rules(tmp_path) is shipped_personnel_rules()


def test_an_invalid_data_file_stops_the_start(tmp_path):
    (tmp_path / "personnel_rules.toml").write_text("[retirement]\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"personnel_rules\.toml is not valid"):
        load_personnel_rules(tmp_path)


def _edited(old: str, new: str) -> str:
    text = (DATA / "personnel_rules.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("years = 5\nposts", "years = 0\nposts", r"term \('leader_term'\).*years must be at least 1"),
        ("years = 5\nposts", 'years = "5"\nposts', r"term \('leader_term'\): 'years' must be a whole number"),
        (
            "terms = 2",
            "terms = 2\nterm = 3",
            r"second_term \('second_consecutive_term'\): unknown field\(s\) \['term'\]",
        ),
        (
            'effective = "end_of_month"',
            'effective = "soon"',
            r"retirement \('retirement_age'\): 'effective' must be one of",
        ),
        ("step_months = 3", "step_months = 13", r"retirement.schedule #1 \(male\).*step_months"),
        (
            "first_age = [55, 4]",
            "first_age = [55]",
            r"retirement.schedule #2 \(female\): 'first_age' must be \[years, months\]",
        ),
        ('sex = "female"', 'sex = "male"', r"exactly one schedule for each"),
        ('key = "rotation_judge"', 'key = "rotation_procurator"', r"'rotation_procurator'\] used more than once"),
        ('positions = ["Kế toán trưởng"]', "positions = []", r"exactly one rotation rule must have no positions"),
        (
            'seats = { "Chấp hành viên trưởng" = 1 }',
            'seats = { "Chấp hành viên trưởng" = 0 }',
            r"leadership #2 \('leadership_enforcement_area'\).*at least 1",
        ),
        ('level = "area"', 'level = "provincial"', r"enforcement provincial'\] in more than one leadership rule"),
        (
            'kind = "court"',
            'kind = "tribunal"',
            r"leadership #3 \('leadership_court_provincial'\): 'kind' must be one of",
        ),
        ("[quota]", "[quotas]", r"unknown table\(s\) \['quotas'\]"),
        ("verified = true", "verified = 1", r"retirement \('retirement_age'\): 'verified' must be true or false"),
        ("[quota]", "[quota", r"invalid TOML"),
    ],
)
def test_a_mistake_in_the_table_is_named(old, new, message):
    with pytest.raises(PersonnelRuleError, match=message):
        load_personnel_rules_from_text(_edited(old, new))


def test_a_missing_table_is_named():
    text = (DATA / "personnel_rules.toml").read_text(encoding="utf-8")
    head, _, _ = text.partition("[quota]")
    tail = text[text.index("# The leadership seats") :]
    with pytest.raises(PersonnelRuleError, match=r"missing table\(s\) \['quota'\]"):
        load_personnel_rules_from_text(head + tail)


# ---- retirement -----------------------------------------------------------------------


def test_retirement_within_the_horizon_is_announced_on_its_effective_date():
    # Man born 1965-02-06: 61y6m (10/1964–06/1965) → August 2026; born 1965-07-06: 61y9m → April 2027.
    past = officer("CB.2", birth_date=date(1965, 2, 6))
    soon = officer("CB.3", birth_date=date(1965, 7, 6))
    later = officer("CB.4", birth_date=date(1966, 4, 1))  # 62y → 2028-04-30
    found = alerts(past, soon, later)
    assert brief(found) == [
        ("retirement", "CB.2", "retirement_age", date(2026, 8, 31)),
        ("retirement", "CB.3", "retirement_age", date(2027, 4, 30)),
    ]
    assert found[0].legal_basis == RULES.retirement.legal_basis
    assert "đã đến thời điểm nghỉ hưu ngày 31/08/2026 (61 tuổi 6 tháng)" in found[0].detail
    assert "thời điểm nghỉ hưu ngày 30/04/2027" in found[1].detail


def test_the_horizon_ends_on_its_last_day_inclusive():
    # Woman born 1970-01-10: 57y4m → May 2027 → 2027-05-31, which is as_of + 192 days.
    woman = officer("CB.2", sex=Sex.FEMALE, birth_date=date(1970, 1, 10))
    assert brief(alerts(woman, horizon=191)) == []
    assert brief(alerts(woman, horizon=192)) == [("retirement", "CB.2", "retirement_age", date(2027, 5, 31))]


def test_the_birth_date_is_not_in_the_alert():
    woman = officer("CB.2", sex=Sex.FEMALE, birth_date=date(1969, 1, 23))
    (found,) = alerts(woman)
    assert "1969" not in found.detail
    assert "23/01" not in found.detail


# ---- terms ------------------------------------------------------------------------------


def test_a_term_ending_within_the_horizon_calls_for_reappointment():
    deputy = chief("CB.1", post="Phó Trưởng phòng", appointed_on=date(2022, 5, 9), term_ends_on=date(2027, 5, 8))
    found = alerts(chief(), deputy)
    assert brief(found) == [("term_ending", "CB.1", "leader_term", date(2027, 5, 8))]
    assert "hết ngày 08/05/2027" in found[0].detail


def test_an_ended_term_is_an_overdue_reappointment():
    deputy = chief("CB.1", post="Phó Trưởng phòng", appointed_on=date(2021, 6, 1), term_ends_on=date(2026, 5, 31))
    found = alerts(chief(), deputy)
    assert brief(found) == [("term_ending", "CB.1", "leader_term", date(2026, 5, 31))]
    assert "đã hết ngày 31/05/2026" in found[0].detail


def test_without_a_recorded_end_the_term_runs_five_years_from_appointment():
    head = chief(appointed_on=date(2022, 2, 1), term_ends_on=None)
    assert brief(alerts(head)) == [("term_ending", "CB.0", "leader_term", date(2027, 1, 31))]
    leap = chief(appointed_on=date(2022, 3, 1), term_ends_on=None)
    assert brief(alerts(leap)) == [("term_ending", "CB.0", "leader_term", date(2027, 2, 28))]


def test_a_term_is_only_for_leadership_posts():
    odd = officer("CB.2", post="Tổ trưởng", appointed_on=date(2021, 1, 1), term_ends_on=date(2025, 12, 31))
    assert brief(alerts(odd)) == []


def test_a_second_consecutive_term_is_the_last_one_the_cap_allows():
    head = chief(appointed_on=date(2022, 5, 9), term_ends_on=date(2027, 5, 8), consecutive_terms=2)
    found = alerts(head)
    assert brief(found) == [
        ("term_ending", "CB.0", "leader_term", date(2027, 5, 8)),
        ("second_term", "CB.0", "second_consecutive_term", date(2027, 5, 8)),
    ]
    assert "nhiệm kỳ thứ 2 liên tiếp" in found[1].detail
    assert brief(alerts(replace(head, term_ends_on=date(2028, 6, 10)))) == []  # beyond the horizon


# ---- rotation ----------------------------------------------------------------------------


def test_a_sensitive_post_is_due_for_rotation_after_its_period():
    held = officer("CB.2", title="Chấp hành viên sơ cấp", sensitive_post=True, position_since=date(2022, 1, 7))
    overdue = officer("CB.3", title="Chấp hành viên trung cấp", sensitive_post=True, position_since=date(2018, 3, 5))
    recent = officer("CB.4", title="Chấp hành viên sơ cấp", sensitive_post=True, position_since=date(2023, 6, 30))
    found = alerts(held, overdue, recent)
    assert brief(found) == [
        ("rotation_due", "CB.3", "rotation_enforcement_officer", date(2023, 3, 5)),
        ("rotation_due", "CB.2", "rotation_enforcement_officer", date(2027, 1, 7)),
    ]
    assert "đã quá hạn từ ngày 05/03/2023" in found[0].detail
    assert "đến hạn ngày 07/01/2027" in found[1].detail


def test_the_period_is_chosen_by_post_then_title_then_the_default():
    rules = replace(
        RULES,
        rotation=tuple(replace(r, years=2) if r.key == "rotation_chief_accountant" else r for r in RULES.rotation),
    )
    accountant = chief("CB.2", post="Kế toán trưởng", title="Kế toán", sensitive_post=True,
                       position_since=date(2024, 12, 1))  # fmt: skip
    other = officer("CB.3", title="Thủ quỹ", sensitive_post=True, position_since=date(2021, 12, 1))
    found = alerts(accountant, other, rules=rules)
    assert [(a.officer_code, a.rule, a.due_on) for a in found if a.kind is AlertKind.ROTATION_DUE] == [
        ("CB.2", "rotation_chief_accountant", date(2026, 12, 1)),
        ("CB.3", "rotation_sensitive_post", date(2026, 12, 1)),
    ]


def test_a_post_that_is_not_sensitive_is_not_rotated():
    clerk = officer("CB.2", position_since=date(2010, 1, 1))
    assert brief(alerts(clerk)) == []


# ---- staffing ------------------------------------------------------------------------------


def test_quota_gaps_are_due_today_both_ways():
    staff = (chief(), officer("CB.1"), officer("CB.2"))
    short = personnel_alerts(replace(UNIT, quota=5), staff, level=AgencyLevel.AREA, as_of=AS_OF,
                             horizon_days=0, rules=RULES)  # fmt: skip
    over = personnel_alerts(replace(UNIT, quota=2), staff, level=AgencyLevel.AREA, as_of=AS_OF,
                            horizon_days=0, rules=RULES)  # fmt: skip
    assert brief(short) == [("quota_gap", None, "staffing_quota", AS_OF)]
    assert "còn thiếu 2 biên chế" in short[0].detail
    assert "vượt 1 người" in over[0].detail
    assert brief(alerts(officer("CB.1"), unit=None)) == []  # no quota known, no gap


def test_a_vacant_leadership_seat_is_named():
    provincial = StaffingUnit(PROVINCE, "Thi hành án dân sự thành phố Huế", quota=2)
    deputies = [
        chief(f"CB.{n}", PROVINCE, post="Phó Trưởng Thi hành án dân sự tỉnh, thành phố", title="Chấp hành viên cao cấp")
        for n in (1, 2)
    ]
    found = personnel_alerts(provincial, deputies, level=AgencyLevel.PROVINCIAL, as_of=AS_OF, horizon_days=30,
                             rules=RULES)  # fmt: skip
    assert brief(found) == [
        ("missing_leader", None, "leadership_enforcement_provincial", AS_OF),
        ("missing_leader", None, "leadership_enforcement_provincial", AS_OF),
    ]
    assert [a.detail for a in found] == [
        "Thi hành án dân sự thành phố Huế còn trống 1 vị trí Trưởng Thi hành án dân sự tỉnh, thành phố.",
        "Thi hành án dân sự thành phố Huế còn trống 1 vị trí Kế toán trưởng.",
    ]


def test_the_seats_depend_on_the_kind_of_agency():
    court = "court.hue.kv01"
    judge = officer("TA.1", court, title="Thẩm phán sơ cấp")
    found = personnel_alerts(None, [judge], level=AgencyLevel.AREA, as_of=AS_OF, horizon_days=0, rules=RULES)
    assert brief(found) == [("missing_leader", None, "leadership_court_area", AS_OF)]
    assert "Chánh án" in found[0].detail
    summary = staffing_summary(None, [], AgencyLevel.AREA, RULES, agency_code="x.1", kind=AgencyKind.PROCURACY)
    assert summary.vacant_leader_posts == ("Viện trưởng",)


def test_an_agency_without_a_known_kind_must_be_given_one():
    with pytest.raises(ValueError, match="pass kind"):
        staffing_summary(None, [], AgencyLevel.AREA, RULES, agency_code="unit-7")


def test_the_summary_counts_people_by_title_and_vacant_seats():
    staff = [
        chief("CB.1", PROVINCE, post="Phó Trưởng Thi hành án dân sự tỉnh, thành phố", title="Chấp hành viên cao cấp"),
        officer("CB.2", PROVINCE, title="Chấp hành viên sơ cấp"),
        officer("CB.3", PROVINCE, title="Chấp hành viên sơ cấp"),
        officer("CB.4", PROVINCE),
    ]
    unit = StaffingUnit(PROVINCE, "Thi hành án dân sự thành phố Huế", quota=6)
    summary = staffing_summary(unit, staff, AgencyLevel.PROVINCIAL, RULES)
    assert summary.agency_code == PROVINCE
    assert (summary.quota, summary.in_post) == (6, 4)
    assert dict(summary.by_title) == {"Chấp hành viên cao cấp": 1, "Chấp hành viên sơ cấp": 2, "Thư ký thi hành án": 1}
    assert summary.vacant_leader_posts == ("Trưởng Thi hành án dân sự tỉnh, thành phố", "Kế toán trưởng")
    assert staffing_summary(None, staff, AgencyLevel.PROVINCIAL, RULES).quota is None


def test_the_agency_comes_from_the_unit_or_the_officers():
    assert staffing_summary(None, [officer()], AgencyLevel.AREA, RULES).agency_code == AREA
    with pytest.raises(ValueError, match="agency is unknown"):
        staffing_summary(None, [], AgencyLevel.AREA, RULES)
    with pytest.raises(ValueError, match=r"officers of \['enforcement.hue'\] given for agency"):
        staffing_summary(UNIT, [officer(), officer("CB.9", PROVINCE)], AgencyLevel.AREA, RULES)
    with pytest.raises(ValueError, match="the staffing unit is of"):
        staffing_summary(UNIT, [], AgencyLevel.AREA, RULES, agency_code=PROVINCE)


# ---- the list ---------------------------------------------------------------------------------


def test_alerts_are_sorted_by_date_then_officer_with_agency_wide_ones_first():
    staff = (
        chief(),
        officer("CB.9", sex=Sex.FEMALE, birth_date=date(1969, 1, 23)),  # retired 2025-09-30
        officer("CB.1", title="Chấp hành viên sơ cấp", sensitive_post=True, position_since=date(2020, 9, 30)),
    )
    found = alerts(*staff, quota=9)
    assert brief(found) == [
        ("rotation_due", "CB.1", "rotation_enforcement_officer", date(2025, 9, 30)),
        ("retirement", "CB.9", "retirement_age", date(2025, 9, 30)),
        ("quota_gap", None, "staffing_quota", AS_OF),
    ]


def test_a_negative_horizon_is_refused():
    with pytest.raises(ValueError, match="horizon_days"):
        alerts(horizon=-1)


def test_an_agency_with_nothing_due_has_no_alerts():
    assert alerts() == []
