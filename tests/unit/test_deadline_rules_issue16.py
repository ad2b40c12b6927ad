"""The rules issue 16 corrected or added, each on the edge days of the working-day calendar.

Edge days used throughout: Friday 13/2/2026, the last working day before Tết Bính Ngọ (off
Saturday 14/2 to Sunday 22/2); 30 September / 1 October (the statistical year's turn);
weekends; and, for the Decree 152/2026 rules in force from 1 July 2026, Tết Đinh Mùi 2027
(off Thursday 4/2 to Wednesday 10/2/2027).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.deadlines import DEFAULT_RULEBOOK, NEW_LAW_FROM, DeadlineState, DeadlineUnit, RuleBook, load_rules_from_text
from domain.transfer_deadlines import TransferFacts, transfer_deadlines

DATA = Path(__file__).resolve().parents[2] / "data"
VN = timezone(timedelta(hours=7))

FRIDAY_BEFORE_TET = date(2026, 2, 13)
SEPT_30 = date(2026, 9, 30)  # Wednesday
OCT_1 = date(2026, 10, 1)  # Thursday


@pytest.fixture(scope="module")
def shipped() -> RuleBook:
    """The table as operators ship it (data/deadline_rules.toml), not the built-in defaults."""
    return load_rules_from_text((DATA / "deadline_rules.toml").read_text(encoding="utf-8"), base=RuleBook(()))


# ---- corrected ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2026, 2, 13, 16, 30, tzinfo=VN), FRIDAY_BEFORE_TET),  # not after Tết, and not 24 h later
        (datetime(2026, 9, 30, 23, 0, tzinfo=VN), SEPT_30),
        (datetime(2026, 9, 30, 17, 30, tzinfo=UTC), OCT_1),  # 00:30 on 1/10 in Việt Nam
        (datetime(2026, 3, 7, 10, 0, tzinfo=VN), date(2026, 3, 7)),  # a Saturday: still that day
    ],
)
def test_the_interim_measure_decision_is_due_immediately(shipped, calendar, received, due):
    """Luật THADS 2008 (sửa đổi 2014), Điều 36(2): the decision on an interim emergency measure is issued "ngay".

    The 24 hours the table used to give belong to the officer's step after the decision.
    """
    rule = shipped.rule("decision_interim", received.date())
    assert (rule.amount, rule.unit) == (0, DeadlineUnit.SAME_DAY)
    assert "Điều 36(2)" in rule.legal_basis
    assert shipped.due("decision_interim", received, calendar) == due


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        # The hours run through Tết: Friday 16:00 → Saturday 16:00.
        (datetime(2026, 2, 13, 16, 0, tzinfo=VN), datetime(2026, 2, 14, 16, 0, tzinfo=VN)),
        (datetime(2026, 9, 30, 9, 15, tzinfo=VN), datetime(2026, 10, 1, 9, 15, tzinfo=VN)),
    ],
)
def test_the_officer_carries_out_an_interim_measure_within_24_hours(shipped, calendar, decided, due):
    """Luật THADS 2008 (sửa đổi 2014), Điều 130(1): 24 hours from the officer's receipt of the decision."""
    rule = shipped.rule("officer_interim_execution", decided.date())
    assert (rule.amount, rule.unit) == (24, DeadlineUnit.HOURS)
    assert "Điều 130(1)" in rule.legal_basis
    assert shipped.due("officer_interim_execution", decided, calendar) == due


@pytest.mark.parametrize("decided", [FRIDAY_BEFORE_TET, SEPT_30, date(2027, 2, 3)])
def test_the_officer_is_assigned_in_the_decision_itself(shipped, calendar, decided):
    """Luật THADS 2008 (sửa đổi 2014), Điều 36(2): the decision names the officer; there is no 2-day step.

    The "2 working days, Điều 36(3)" row was mis-cited: 2 working days are for opening the
    case file (Nghị định 152/2026/NĐ-CP, Điều 12(2)), counted from the assignment.
    """
    rule = shipped.rule("assign_officer", decided)
    assert (rule.amount, rule.unit) == (0, DeadlineUnit.SAME_DAY)
    assert "36(3)" not in rule.legal_basis
    assert shipped.due("assign_officer", decided, calendar) == decided


@pytest.mark.parametrize(
    ("assigned", "due"),
    [
        (SEPT_30, date(2026, 10, 2)),  # Thu 1/10 (1), Fri 2/10 (2)
        (date(2026, 10, 2), date(2026, 10, 6)),  # over the weekend: Mon 5 (1), Tue 6 (2)
        (date(2027, 2, 3), date(2027, 2, 12)),  # over Tết Đinh Mùi: Thu 11/2 (1), Fri 12/2 (2)
    ],
)
def test_the_case_file_is_opened_within_2_working_days_of_the_assignment(shipped, calendar, assigned, due):
    """Nghị định 152/2026/NĐ-CP, Điều 12(2): the 2 working days the old row gave to the assignment."""
    rule = shipped.rule("open_case_file", assigned)
    assert rule.legal_basis == "Nghị định 152/2026/NĐ-CP, Điều 12(2)"
    assert shipped.due("open_case_file", assigned, calendar) == due


@pytest.mark.parametrize(
    ("received", "commune", "provincial"),
    [
        # Fri 2/10/2026: Mon 5 (1), Tue 6 (2), Wed 7 (3), Thu 8 (4), Fri 9 (5).
        (date(2026, 10, 2), date(2026, 10, 7), date(2026, 10, 9)),
        # Wed 3/2/2027, the eve of Tết Đinh Mùi: Thu 11/2 (1), Fri 12 (2), Mon 15 (3), Tue 16 (4), Wed 17 (5).
        (date(2027, 2, 3), date(2027, 2, 15), date(2027, 2, 17)),
    ],
)
def test_police_protection_is_answered_by_the_commune_police_or_the_provincial_police(
    shipped, calendar, received, commune, provincial
):
    """Nghị định 152/2026/NĐ-CP, Điều 46–47: commune-level police 3 working days; escalated to provincial 5."""
    assert shipped.due("police_support_reply", received, calendar) == commune
    assert shipped.due("police_support_reply_provincial", received, calendar) == provincial
    assert "Điều 46–47" in shipped.rule("police_support_reply", received).legal_basis


@pytest.mark.parametrize(
    ("planned", "plan_by", "meeting_by"),
    [
        # Mon 5/10/2026: 5 working days before are Fri 2, Thu 1/10, Wed 30/9, Tue 29, Mon 28/9.
        (date(2026, 10, 5), date(2026, 9, 28), date(2026, 10, 2)),
        # Thu 11/2/2027, the day after Tết: Wed 3/2, Tue 2, Mon 1, Fri 29/1, Thu 28/1.
        (date(2027, 2, 11), date(2027, 1, 28), date(2027, 2, 3)),
        # Wed 25/11/2026: 24/11 is a working day (see data/compensatory_days.toml).
        (date(2026, 11, 25), date(2026, 11, 18), date(2026, 11, 24)),
    ],
)
def test_the_protection_plan_and_the_meeting_come_before_the_enforcement_day(
    shipped, calendar, planned, plan_by, meeting_by
):
    """Nghị định 152/2026/NĐ-CP, Điều 46–47: plan 5 working days before; meeting at least 1 working day before."""
    assert shipped.rule("police_protection_plan", planned).unit is DeadlineUnit.WORKING_DAYS_BEFORE
    assert shipped.due("police_protection_plan", planned, calendar) == plan_by
    assert shipped.due("enforcement_coordination_meeting", planned, calendar) == meeting_by
    assert "Trưởng Ban Chỉ đạo" in shipped.rule("enforcement_coordination_meeting", planned).description_vi


def test_before_1_july_2026_the_police_rules_of_decree_152_do_not_apply(shipped):
    """Nghị định 152/2026/NĐ-CP takes effect on 1 July 2026; the old default stays for earlier requests."""
    before = shipped.rule("police_support_reply", NEW_LAW_FROM - timedelta(days=1))
    assert (before.amount, before.verified) == (5, False)
    assert shipped.versions("police_support_reply_provincial")[0].applies_from == NEW_LAW_FROM


@pytest.mark.parametrize(
    ("received", "immediate", "self_inspection"),
    [
        (FRIDAY_BEFORE_TET, FRIDAY_BEFORE_TET, date(2026, 3, 16)),  # 15/3 is a Sunday
        (SEPT_30, SEPT_30, date(2026, 10, 30)),
        (OCT_1, OCT_1, date(2026, 11, 2)),  # 31/10 is a Saturday
    ],
)
def test_procuracy_requests_are_carried_out_at_once_or_inspected_within_30_days(
    shipped, calendar, received, immediate, self_inspection
):
    """Luật Tổ chức VKSND 63/2014/QH13, Điều 28(6): points a, b, d at once; point c (self-inspect, report) 30 days."""
    assert "Điều 28(6)(a), (b), (d)" in shipped.rule("procuracy_request_immediate", received).legal_basis
    assert "Điều 28(6)(c)" in shipped.rule("procuracy_request_self_inspection", received).legal_basis
    assert shipped.due("procuracy_request_immediate", received, calendar) == immediate
    assert shipped.due("procuracy_request_self_inspection", received, calendar) == self_inspection


@pytest.mark.parametrize(
    ("received", "reply", "carry_out"),
    [
        # 15 days: Sat 28/2 → Mon 2/3. 5 working days: Mon 23 … Fri 27/2.
        (FRIDAY_BEFORE_TET, date(2026, 3, 2), date(2026, 2, 27)),
        # 15 days: Thu 15/10. 5 working days: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7/10.
        (SEPT_30, date(2026, 10, 15), date(2026, 10, 7)),
    ],
)
def test_a_protest_is_answered_in_15_days_and_carried_out_in_5_working_days(
    shipped, calendar, received, reply, carry_out
):
    """Luật THADS 2008 (sửa đổi 2014), Điều 161(1): reply in 15 days; an accepted protest carried out in 5 working days."""
    assert "Điều 161(1)" in shipped.rule("procuracy_protest_reply", received).legal_basis
    assert shipped.due("procuracy_protest_reply", received, calendar) == reply
    assert shipped.due("protest_carry_out", received, calendar) == carry_out


# ---- added ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("judged", "due"),
    [
        (FRIDAY_BEFORE_TET, date(2026, 3, 2)),  # Sat 28/2 → Mon 2/3
        (SEPT_30, date(2026, 10, 15)),
        (date(2026, 3, 7), date(2026, 3, 23)),  # from a Saturday: Sun 22/3 → Mon 23/3
    ],
)
def test_a_judgment_enforced_immediately_is_transferred_within_15_days_of_the_judgment(shipped, calendar, judged, due):
    """Luật THADS 2008 (sửa đổi 2014), Điều 28(2), for the judgments of Điều 2(2)(a)."""
    rule = shipped.rule("court_transfer_immediate", judged)
    assert (rule.amount, rule.unit) == (15, DeadlineUnit.CALENDAR_DAYS)
    assert "Điều 28(2)" in rule.legal_basis
    assert shipped.due("court_transfer_immediate", judged, calendar) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (FRIDAY_BEFORE_TET, date(2026, 2, 25)),  # Mon 23 (1), Tue 24 (2), Wed 25 (3)
        (SEPT_30, date(2026, 10, 5)),  # Thu 1 (1), Fri 2 (2), Mon 5 (3)
    ],
)
def test_a_bankruptcy_decision_is_enforced_within_3_working_days(shipped, calendar, received, due):
    """Luật THADS 2008 (sửa đổi 2014), Điều 36(2)(e): 3 working days from receipt of the court's decision."""
    assert "Điều 36(2)(e)" in shipped.rule("decision_bankruptcy", received).legal_basis
    assert shipped.due("decision_bankruptcy", received, calendar) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (FRIDAY_BEFORE_TET, date(2026, 3, 16)),  # Sun 15/3 → Mon 16/3
        (SEPT_30, date(2026, 10, 30)),
    ],
)
def test_a_complex_explanation_may_take_up_to_30_days(shipped, calendar, received, due):
    """Luật THADS 2008 (sửa đổi 2014), Điều 179(2): up to 30 days where the explanation is complex."""
    assert "Điều 179(2)" in shipped.rule("court_explanation_complex", received).legal_basis
    assert shipped.due("court_explanation_complex", received, calendar) == due


@pytest.mark.parametrize(
    ("received", "due", "due_complex"),
    [
        (SEPT_30, date(2026, 12, 30), date(2027, 2, 1)),  # 30/1/2027 is a Saturday
        (FRIDAY_BEFORE_TET, date(2026, 5, 13), date(2026, 6, 15)),  # 13/6 is a Saturday
        (date(2026, 11, 30), date(2027, 3, 1), date(2027, 3, 30)),  # 28/2/2027 is a Sunday
    ],
)
def test_a_review_recommendation_is_answered_in_3_months_or_4_if_complex(shipped, calendar, received, due, due_complex):
    """TTLT 11/2016/TTLT-BTP-TANDTC-VKSNDTC, Điều 10: cassation or reopening review recommendations."""
    assert "TTLT 11/2016" in shipped.rule("review_recommendation_reply", received).legal_basis
    assert shipped.due("review_recommendation_reply", received, calendar) == due
    assert shipped.due("review_recommendation_reply_complex", received, calendar) == due_complex


# ---- what is claimed as verified ------------------------------------------------------------------

ISSUE_16_KEYS = (
    "decision_interim",
    "officer_interim_execution",
    "assign_officer",
    "court_transfer_immediate",
    "decision_bankruptcy",
    "court_explanation_complex",
    "review_recommendation_reply",
    "review_recommendation_reply_complex",
    "protest_carry_out",
    "procuracy_request_immediate",
    "procuracy_request_self_inspection",
    "police_support_reply",
    "police_support_reply_provincial",
    "police_protection_plan",
    "enforcement_coordination_meeting",
)


@pytest.mark.parametrize("key", ISSUE_16_KEYS)
def test_rules_whose_text_was_not_seen_are_not_presented_as_verified(shipped, key):
    """No unverified rule is presented as verified: these articles were cited, their text not yet read."""
    assert shipped.versions(key)
    assert not any(version.verified for version in shipped.versions(key))


def test_a_rule_verified_in_this_review_names_where_its_text_was_seen(shipped):
    """Luật THADS 2008 (sửa đổi 2014), Điều 160(2): 15 days (same level), 30 days (superior); the text was seen."""
    for key, amount in (("procuracy_protest_same_level", 15), ("procuracy_protest_superior", 30)):
        old = shipped.rule(key, NEW_LAW_FROM - timedelta(days=1))
        assert (old.amount, old.verified, old.legal_basis.endswith("Điều 160(2)")) == (amount, True, True)
        assert (old.source or "").startswith("Điều 160 quoted")
        assert not shipped.rule(key, NEW_LAW_FROM).verified


def test_the_shipped_file_is_the_built_in_table(shipped):
    assert shipped == DEFAULT_RULEBOOK


# ---- on a transfer ------------------------------------------------------------------------------------


def _transfer(**changes):
    base = {
        "effective_on": date(2026, 2, 13),
        "received_at": datetime(2026, 2, 13, 15, 0, tzinfo=VN),  # the Friday before Tết
        "interim_measure": False,
        "has_ex_officio": True,
    }
    return TransferFacts(**{**base, **changes})


def test_a_transfer_of_a_judgment_enforced_immediately_runs_15_days_from_the_judgment(calendar):
    """Luật THADS 2008 (sửa đổi 2014), Điều 28(2) and Điều 2(2)(a): from the judgment's day, not its legal effect."""
    facts = _transfer(enforced_immediately=True, judgment_date=date(2026, 2, 10), effective_on=date(2026, 3, 12))
    found = {d.key: d for d in transfer_deadlines(facts, DEFAULT_RULEBOOK, calendar, facts.received_at)}
    assert "court_transfer" not in found
    assert found["court_transfer_immediate"].due == date(2026, 2, 25)  # 10/2 + 15 days, a Wednesday
    assert found["court_transfer_immediate"].state is DeadlineState.MET


def test_a_bankruptcy_decision_on_a_transfer_is_due_in_3_working_days(calendar):
    """Luật THADS 2008 (sửa đổi 2014), Điều 36(2)(e): the transfer tracks decision_bankruptcy, not the 5-day rule."""
    now = datetime(2026, 2, 26, 9, 0, tzinfo=VN)
    found = {d.key: d for d in transfer_deadlines(_transfer(bankruptcy=True), DEFAULT_RULEBOOK, calendar, now)}
    assert "decision_ex_officio" not in found
    assert found["decision_bankruptcy"].due == date(2026, 2, 25)
    assert found["decision_bankruptcy"].state is DeadlineState.OVERDUE


def test_an_interim_measure_received_on_the_friday_before_tet_is_overdue_after_that_day(calendar):
    """Luật THADS 2008 (sửa đổi 2014), Điều 36(2): "ngay" — a decision dated after Tết is late."""
    facts = _transfer(interim_measure=True, decision_date=date(2026, 2, 23))
    found = {d.key: d for d in transfer_deadlines(facts, DEFAULT_RULEBOOK, calendar, facts.received_at)}
    assert found["decision_interim"].due == FRIDAY_BEFORE_TET
    assert found["decision_interim"].state is DeadlineState.MET_LATE
    assert found["assign_officer"].state is DeadlineState.MET  # named in that decision
