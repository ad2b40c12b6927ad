"""Personnel rules corrected or added by issue 16, each on its edge days (data/personnel_rules.toml).

The dates are worked out by hand in each docstring; the alerts come from
``domain.personnel.alerts.personnel_alerts`` over the shipped rules table, as of
2026-11-20 unless a test says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.personnel.alerts import AlertKind, PersonnelAlert, personnel_alerts
from domain.personnel.checks import PersonnelRuleError
from domain.personnel.loading import load_personnel_rules_from_text
from domain.personnel.retirement import officer_retirement
from domain.types import AgencyLevel, Officer, Sex, StaffingUnit
from gateway.policies import shipped_personnel_rules
from tests.unit.test_personnel_alerts import DATA

RULES = shipped_personnel_rules()
AS_OF = date(2026, 11, 20)
AREA = "enforcement.hue.kv01"
PROVINCE = "enforcement.hue"
AREA_HEAD = "Chấp hành viên trưởng"
PROVINCIAL_HEAD = "Trưởng Thi hành án dân sự tỉnh, thành phố"
PROVINCIAL_DEPUTY = "Phó Trưởng Thi hành án dân sự tỉnh, thành phố"


def person(code: str = "CB.1", agency: str = AREA, **fields: object) -> Officer:
    values: dict[str, object] = {
        "name": "Trần Văn Bình",
        "sex": Sex.MALE,
        "birth_date": date(1985, 6, 15),  # retires in 2047
        "citizen_id": "046085000002",
        "title": "Thư ký thi hành án",
    }
    return Officer(code=code, agency_code=agency, **{**values, **fields})  # type: ignore[arg-type]


def head(code: str = "CB.0", **fields: object) -> Officer:
    """The area office's Chấp hành viên trưởng, first term 2025-07-01 – 2030-06-30 (nothing due)."""
    values: dict[str, object] = {
        "title": "Chấp hành viên trung cấp",
        "post": AREA_HEAD,
        "appointed_on": date(2025, 7, 1),
        "term_ends_on": date(2030, 6, 30),
    }
    return person(code, **{**values, **fields})


def area_alerts(*officers: Officer, as_of: date = AS_OF, horizon: int = 180) -> list[PersonnelAlert]:
    staff = officers if any(o.post == AREA_HEAD for o in officers) else (head(), *officers)
    unit = StaffingUnit(AREA, "Phòng Thi hành án dân sự khu vực 1 - Huế", quota=len(staff))
    return personnel_alerts(unit, staff, level=AgencyLevel.AREA, as_of=as_of, horizon_days=horizon, rules=RULES)


def brief(found: list[PersonnelAlert]) -> list[tuple[str, str | None, str, date]]:
    return [(a.kind.value, a.officer_code, a.rule, a.due_on) for a in found]


# ---- retirement at the end of the month -----------------------------------------------------


def test_retirement_takes_effect_on_the_last_day_of_the_month_the_age_is_reached():
    """Decree 135/2020/NĐ-CP Art. 3(1): retirement is the end of the last day of the month the age is reached.

    A man born 30/06/1966 reaches 62 (the age from 2028) on 30/06/2028, the
    month's last day: he retires that day. Born a day later, 01/07/1966, he
    reaches it on 01/07/2028 and retires on 31/07/2028. A woman born 31/01/1970
    reaches 57y4m (2027's age) on 31/05/2027 and retires that day.
    """
    assert officer_retirement(person(birth_date=date(1966, 6, 30)), RULES).on == date(2028, 6, 30)
    assert officer_retirement(person(birth_date=date(1966, 7, 1)), RULES).on == date(2028, 7, 31)
    woman = person(sex=Sex.FEMALE, birth_date=date(1970, 1, 31))
    assert officer_retirement(woman, RULES).on == date(2027, 5, 31)
    (alert,) = area_alerts(woman, horizon=(date(2027, 5, 31) - AS_OF).days)
    assert brief([alert]) == [("retirement", "CB.1", "retirement_age", date(2027, 5, 31))]
    assert "Điều 3(1)" in alert.legal_basis
    assert alert.verified  # the age (Art. 169(2), Appendix I) and the day (Art. 3(1)) were both seen
    assert area_alerts(woman, horizon=(date(2027, 5, 30) - AS_OF).days) == []


def test_an_unverified_effective_day_makes_the_retirement_alert_unverified():
    """Decree 135/2020 Art. 3(1): the alert is verified only while both the age and the day are."""
    rules = replace(RULES, retirement=replace(RULES.retirement, effective_verified=False))
    woman = person(sex=Sex.FEMALE, birth_date=date(1970, 1, 31))
    unit = StaffingUnit(AREA, "Phòng Thi hành án dân sự khu vực 1 - Huế", quota=2)
    found = personnel_alerts(unit, (head(), woman), level=AgencyLevel.AREA, as_of=AS_OF, horizon_days=400, rules=rules)
    assert [a.verified for a in found if a.kind is AlertKind.RETIREMENT] == [False]


# ---- later retirement (configurable exception) ---------------------------------------------


def test_a_later_retirement_recorded_for_a_leader_moves_the_retirement_alert():
    """Labour Code 2019 Art. 169(4): a highly qualified person may retire later, by at most 5 years.

    A man born 10/06/1966 retires normally on 30/06/2028 (62). A later
    retirement recorded to 30/06/2030 is his retirement day, under the
    exception's rule; the exception is not verified, and the alert says so.
    """
    leader = head(birth_date=date(1966, 6, 10), retirement_extended_to=date(2030, 6, 30))
    retirement = officer_retirement(leader, RULES)
    assert (retirement.normal, retirement.on, retirement.extended, retirement.capped) == (
        date(2028, 6, 30),
        date(2030, 6, 30),
        True,
        False,
    )
    found = [a for a in area_alerts(leader, horizon=2000) if a.kind is AlertKind.RETIREMENT]
    assert brief(found) == [("retirement", "CB.0", "retirement_later_highly_qualified", date(2030, 6, 30))]
    assert "Điều 169(4)" in found[0].legal_basis
    assert found[0].verified is RULES.retirement_extension.verified is False
    assert "nghỉ hưu ở tuổi cao hơn" in found[0].detail
    assert "30/06/2028" in found[0].detail  # the normal day is named


def test_a_later_retirement_is_held_to_five_years_beyond_the_normal_age():
    """Labour Code 2019 Art. 169(4): not more than 5 years above the normal age.

    Born 10/06/1966: 62 + 5 = 67 is reached on 10/06/2033, so the bound is
    30/06/2033. A day recorded on the bound stands; one a month later is held
    to the bound and the alert says the record went beyond it. A recorded day
    before the normal one changes nothing.
    """
    born = date(1966, 6, 10)
    on_bound = officer_retirement(head(birth_date=born, retirement_extended_to=date(2033, 6, 30)), RULES)
    assert (on_bound.on, on_bound.capped) == (date(2033, 6, 30), False)
    beyond = head(birth_date=born, retirement_extended_to=date(2033, 7, 31))
    assert (officer_retirement(beyond, RULES).on, officer_retirement(beyond, RULES).capped) == (date(2033, 6, 30), True)
    (alert,) = [a for a in area_alerts(beyond, horizon=3000) if a.kind is AlertKind.RETIREMENT]
    assert alert.due_on == date(2033, 6, 30)
    assert "vượt quá 5 năm" in alert.detail
    earlier = officer_retirement(head(birth_date=born, retirement_extended_to=date(2028, 1, 31)), RULES)
    assert (earlier.on, earlier.extended) == (date(2028, 6, 30), False)


# ---- two consecutive terms: a cap ----------------------------------------------------------


def test_the_second_terms_end_is_the_last_day_in_the_post():
    """Decree 138/2020/NĐ-CP Art. 41(2) (continued by Decree 170/2025): no more than two consecutive terms.

    A Chấp hành viên trưởng in the second consecutive term ending 19/05/2027
    (as_of + 180 days, the horizon's last day) is told at that term's end that
    the post cannot be renewed — both in the term alert and in the cap's own
    alert, which names Art. 41(2) and says it is not verified (Decree 170/2025
    was not seen). A day beyond the horizon, nothing is listed.
    """
    leader = head(appointed_on=date(2022, 5, 20), term_ends_on=date(2027, 5, 19), consecutive_terms=2)
    found = area_alerts(leader, horizon=180)
    assert brief(found) == [
        ("term_ending", "CB.0", "leader_term", date(2027, 5, 19)),
        ("second_term", "CB.0", "second_consecutive_term", date(2027, 5, 19)),
    ]
    term, cap = found
    assert "không được bổ nhiệm lại" in term.detail
    assert "không giữ một chức vụ quá 2 nhiệm kỳ liên tiếp, không được bổ nhiệm lại" in cap.detail
    assert "Điều 41(2)" in cap.legal_basis
    assert cap.verified is False
    assert "xem xét luân chuyển" not in cap.detail  # a cap, not a review
    assert area_alerts(leader, horizon=179) == []


def test_a_first_term_can_be_renewed():
    """Decree 138/2020 Art. 41(1)–(2): a first term's end calls for reappointment or replacement, no cap alert."""
    leader = head(appointed_on=date(2022, 5, 20), term_ends_on=date(2027, 5, 19), consecutive_terms=1)
    (term,) = area_alerts(leader)
    assert term.kind is AlertKind.TERM_ENDING
    assert "cần xem xét bổ nhiệm lại hoặc thay thế" in term.detail


def test_a_third_consecutive_term_is_beyond_the_cap_and_an_ended_last_term_needs_a_successor():
    """Decree 138/2020 Art. 41(2): a third consecutive term is over the cap; an ended last term awaits a successor."""
    third = head(appointed_on=date(2022, 5, 20), term_ends_on=date(2027, 5, 19), consecutive_terms=3)
    cap = [a for a in area_alerts(third) if a.kind is AlertKind.SECOND_TERM]
    assert len(cap) == 1
    assert "đã vượt quá giới hạn 2 nhiệm kỳ liên tiếp" in cap[0].detail
    ended = head(appointed_on=date(2021, 11, 20), term_ends_on=date(2026, 11, 19), consecutive_terms=2)
    term = next(a for a in area_alerts(ended) if a.kind is AlertKind.TERM_ENDING)
    assert "đã hết ngày 19/11/2026 nhưng chưa có người thay thế" in term.detail


# ---- rotation: no rotation with less than 18 months left -------------------------------------


def test_no_rotation_with_less_than_eighteen_months_to_retirement():
    """Decree 59/2019/NĐ-CP Arts. 38–39: no periodic rotation with less than 18 months left before retirement.

    An enforcement officer born 10/06/1966 retires on 30/06/2028. Held since
    31/12/2021, the post is due for rotation on 31/12/2026: exactly 18 months
    before retirement, so the rotation is due. Held since 01/01/2022, it is due
    on 01/01/2027, a day less than 18 months before: no rotation alert.
    """
    fields = {"title": "Chấp hành viên sơ cấp", "sensitive_post": True, "birth_date": date(1966, 6, 10)}
    exactly = person("CB.1", position_since=date(2021, 12, 31), **fields)
    less = person("CB.2", position_since=date(2022, 1, 1), **fields)
    assert brief(area_alerts(exactly, less)) == [
        ("rotation_due", "CB.1", "rotation_enforcement_officer", date(2026, 12, 31)),
    ]
    assert RULES.rotation_near_retirement.months == 18
    assert "Điều 38–39" in RULES.rotation_near_retirement.legal_basis


def test_an_overdue_rotation_counts_the_months_left_from_today():
    """Decree 59/2019 Arts. 38–39: an overdue rotation would happen now, so the 18 months count from as_of.

    Due since 15/01/2025 for an officer retiring on 30/06/2028: on 31/12/2026
    exactly 18 months remain (still rotated); on 01/01/2027 fewer (no alert).
    """
    overdue = person(
        title="Chấp hành viên sơ cấp",
        sensitive_post=True,
        birth_date=date(1966, 6, 10),
        position_since=date(2020, 1, 15),
    )
    assert brief(area_alerts(overdue, as_of=date(2026, 12, 31))) == [
        ("rotation_due", "CB.1", "rotation_enforcement_officer", date(2025, 1, 15)),
    ]
    assert area_alerts(overdue, as_of=date(2027, 1, 1)) == []


def test_a_later_retirement_leaves_time_to_rotate():
    """Decree 59/2019 Arts. 38–39 with Labour Code Art. 169(4): the months left run to the later retirement day."""
    later = person(
        title="Chấp hành viên sơ cấp",
        sensitive_post=True,
        birth_date=date(1966, 6, 10),
        position_since=date(2022, 1, 1),
        retirement_extended_to=date(2030, 6, 30),
    )
    assert brief(area_alerts(later)) == [("rotation_due", "CB.1", "rotation_enforcement_officer", date(2027, 1, 1))]


# ---- rotation deferrals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "rule", "words"),
    [
        ("discipline", "rotation_deferred_discipline", "xem xét, xử lý kỷ luật"),
        ("investigation", "rotation_deferred_investigation", "thanh tra, điều tra"),
        ("absence", "rotation_deferred_absence", "biệt phái"),
        ("childcare", "rotation_deferred_childcare", "dưới 36 tháng tuổi"),
    ],
)
def test_a_deferred_rotation_waits_under_its_own_rule(reason, rule, words):
    """Decree 59/2019/NĐ-CP Arts. 38–39: rotation waits while the officer is disciplined, investigated, away or caring.

    The due rotation (07/01/2027) stays listed, under the deferral's rule and
    basis, saying it is not carried out for the recorded reason.
    """
    deferred = person(
        title="Chấp hành viên sơ cấp", sensitive_post=True, position_since=date(2022, 1, 7), rotation_deferral=reason
    )
    (alert,) = area_alerts(deferred)
    assert brief([alert]) == [("rotation_due", "CB.1", rule, date(2027, 1, 7))]
    assert "chưa thực hiện" in alert.detail
    assert words in alert.detail
    assert "Nghị định 59/2019/NĐ-CP" in alert.legal_basis
    assert alert.verified is False
    assert alert.detail.endswith(".")
    assert alert.detail.count(". ") == 0


def test_a_reason_the_table_does_not_know_defers_nothing():
    """Decree 59/2019 Arts. 38–39: only the listed reasons defer a rotation."""
    odd = person(
        title="Chấp hành viên sơ cấp", sensitive_post=True, position_since=date(2022, 1, 7), rotation_deferral="x"
    )
    assert brief(area_alerts(odd)) == [("rotation_due", "CB.1", "rotation_enforcement_officer", date(2027, 1, 7))]


# ---- titles since the 2025 reorganisation ---------------------------------------------------


def test_leadership_seats_use_the_titles_since_the_reorganisation():
    """Law 106/2025/QH15: Trưởng / Phó Trưởng Thi hành án dân sự tỉnh, thành phố; Chấp hành viên trưởng in an area.

    The old posts (Cục trưởng, the area's Trưởng phòng) fill no seat: a
    provincial agency led by a "Cục trưởng" has its head's seat vacant.
    """
    provincial = next(r for r in RULES.leadership if r.key == "leadership_enforcement_provincial")
    area = next(r for r in RULES.leadership if r.key == "leadership_enforcement_area")
    assert dict(provincial.seats) == {PROVINCIAL_HEAD: 1, PROVINCIAL_DEPUTY: 1, "Kế toán trưởng": 1}
    assert dict(area.seats) == {AREA_HEAD: 1}
    assert {PROVINCIAL_HEAD, PROVINCIAL_DEPUTY, AREA_HEAD} <= set(RULES.term.posts)
    assert "Cục trưởng" not in RULES.term.posts
    assert "Phó Cục trưởng" not in RULES.term.posts
    staff = [
        person("CB.1", PROVINCE, post="Cục trưởng", appointed_on=date(2025, 7, 1), term_ends_on=date(2030, 6, 30)),
        person("CB.2", PROVINCE, post=PROVINCIAL_DEPUTY, appointed_on=date(2025, 7, 1), term_ends_on=date(2030, 6, 30)),
        person("CB.3", PROVINCE, post="Kế toán trưởng", appointed_on=date(2025, 7, 1), term_ends_on=date(2030, 6, 30)),
    ]
    unit = StaffingUnit(PROVINCE, "Thi hành án dân sự thành phố Huế", quota=3)
    found = personnel_alerts(unit, staff, level=AgencyLevel.PROVINCIAL, as_of=AS_OF, horizon_days=180, rules=RULES)
    assert [a.detail for a in found] == [f"Thi hành án dân sự thành phố Huế còn trống 1 vị trí {PROVINCIAL_HEAD}."]


# ---- the table ------------------------------------------------------------------------------


def _edited(old: str, new: str) -> str:
    text = (DATA / "personnel_rules.toml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("months = 18", "months = 0", r"rotation_near_retirement.*months must be at least 1"),
        ("max_years = 5", "max_years = 0", r"retirement_extension.*max_years must be at least 1"),
        ('reason = "investigation"', 'reason = "discipline"', r"deferral reason\(s\) \['discipline'\]"),
        ('reason = "absence"', 'reasons = "absence"', r"rotation_deferral #3.*(missing field 'reason'|unknown)"),
    ],
)
def test_a_mistake_in_the_new_tables_is_named(old, new, message):
    with pytest.raises(PersonnelRuleError, match=message):
        load_personnel_rules_from_text(_edited(old, new))
