from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.deadlines import (
    DEFAULT_RULEBOOK,
    NEW_LAW_FROM,
    Deadline,
    DeadlineState,
    DeadlineUnit,
    RuleBook,
    RuleError,
    RuleNotFound,
    assess,
    load_rules_from_text,
)
from domain.interagency import countersign_due
from domain.workdays import WorkingCalendar

DATA = Path(__file__).resolve().parents[2] / "data"
VN = timezone(timedelta(hours=7))


# ---- the table ------------------------------------------------------------------


def test_the_rules_file_is_the_built_in_table():
    text = (DATA / "deadline_rules.toml").read_text(encoding="utf-8")
    assert load_rules_from_text(text, base=RuleBook(())) == DEFAULT_RULEBOOK
    assert load_rules_from_text(text) == DEFAULT_RULEBOOK


def test_the_table_has_the_rules_of_domain_md_each_with_its_basis():
    expected = {
        "court_transfer",
        "court_transfer_interim",
        "decision_ex_officio",
        "decision_on_request",
        "decision_interim",
        "assign_officer",
        "send_decision_to_procuracy",
        "court_explanation",
        "resume_after_explanation",
        "procuracy_protest_same_level",
        "procuracy_protest_superior",
        "reply_recommendation",
        "limitation_request",
        "police_support_reply",
        "procuracy_request_reply",
        "procuracy_protest_reply",
        "report_acknowledgement",
        "incomplete_request_answer",
        "officer_change_request",
        "open_case_file",
        "private_office_decision",
        # issue 16: rules that were missing or split off a mis-cited one
        "court_transfer_immediate",
        "officer_interim_execution",
        "decision_bankruptcy",
        "court_explanation_complex",
        "review_recommendation_reply",
        "review_recommendation_reply_complex",
        "protest_carry_out",
        "procuracy_request_immediate",
        "procuracy_request_self_inspection",
        "police_support_reply_provincial",
        "police_protection_plan",
        "enforcement_coordination_meeting",
        "interagency_countersign",  # TTLT 12/2021: the procuracy's counter-signature of interagency statistics
    }
    assert set(DEFAULT_RULEBOOK.keys()) == expected
    assert all(rule.legal_basis and rule.description_vi for rule in DEFAULT_RULEBOOK)


def test_figures_carried_over_to_law_106_are_marked_unverified():
    after = DEFAULT_RULEBOOK.rule("court_transfer", NEW_LAW_FROM)
    before = DEFAULT_RULEBOOK.rule("court_transfer", NEW_LAW_FROM - timedelta(days=1))
    assert before.verified
    assert "Điều 28(1)" in before.legal_basis
    assert not after.verified
    assert "106/2025/QH15" in after.legal_basis
    assert (before.amount, before.unit) == (after.amount, after.unit) == (30, DeadlineUnit.CALENDAR_DAYS)


def test_law_106_rules_start_on_1_july_2026():
    rule = DEFAULT_RULEBOOK.rule("incomplete_request_answer", date(2026, 7, 1))
    assert (rule.amount, rule.unit, rule.legal_basis) == (
        1,
        DeadlineUnit.WORKING_DAYS,
        "Nghị định 152/2026/NĐ-CP, Điều 9(6)",
    )
    with pytest.raises(RuleNotFound, match=r"'incomplete_request_answer' in force on 2026-06-30"):
        DEFAULT_RULEBOOK.rule("incomplete_request_answer", date(2026, 6, 30))


def test_an_unknown_rule_is_named():
    with pytest.raises(RuleNotFound, match=r"'court_tranfser' in force on 2026-03-02 \(no such rule\)"):
        DEFAULT_RULEBOOK.rule("court_tranfser", date(2026, 3, 2))


# ---- versioning and overrides ---------------------------------------------------------

_TRANSFER_45_DAYS = """
[[rule]]
key = "court_transfer"
description_vi = "Tòa án chuyển giao bản án, quyết định (thời hạn mới)"
legal_basis = "Luật THADS 106/2025/QH15, Điều X"
applies_from = 2026-07-01
amount = 45
unit = "calendar_days"
verified = true
"""


@pytest.mark.parametrize(
    ("effective_on", "amount", "due"),
    [
        (date(2026, 6, 30), 30, date(2026, 7, 30)),  # the old law's version
        (date(2026, 7, 1), 45, date(2026, 8, 17)),  # 15/8 is a Saturday: rolls to Monday
    ],
)
def test_an_override_changes_the_rule_only_for_events_from_its_start(calendar, effective_on, amount, due):
    book = load_rules_from_text(_TRANSFER_45_DAYS)
    assert book.rule("court_transfer", effective_on).amount == amount
    assert book.due("court_transfer", effective_on, calendar) == due
    assert len(book) == len(DEFAULT_RULEBOOK)


def test_an_override_can_add_a_rule():
    text = _TRANSFER_45_DAYS.replace('"court_transfer"', '"court_transfer_digital"')
    book = load_rules_from_text(text)
    assert book.versions("court_transfer_digital")[0].amount == 45
    assert len(book) == len(DEFAULT_RULEBOOK) + 1


def test_a_later_amendment_is_a_new_version_once_the_open_one_is_closed(calendar):
    text = _TRANSFER_45_DAYS.replace(
        "applies_from = 2026-07-01", "applies_from = 2026-07-01\napplies_to = 2027-12-31"
    ) + _TRANSFER_45_DAYS.replace("2026-07-01", "2028-01-01").replace("45", "20")
    book = load_rules_from_text(text)
    assert [v.amount for v in book.versions("court_transfer")] == [30, 45, 20]
    assert book.rule("court_transfer", date(2028, 1, 1)).amount == 20


# ---- due moments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "event", "due"),
    [
        # 30 days from legal effect; 14/2/2026 is the first day of Tết's nine days off.
        ("court_transfer", date(2026, 1, 15), date(2026, 2, 23)),
        ("court_transfer", date(2026, 3, 1), date(2026, 3, 31)),
        # 5 working days from receipt, across Tết, 30/4–1/5 and 2/9.
        ("decision_ex_officio", date(2026, 2, 12), date(2026, 2, 26)),
        ("decision_on_request", date(2026, 4, 24), date(2026, 5, 6)),
        ("decision_ex_officio", date(2026, 8, 28), date(2026, 9, 9)),
        # A receipt recorded at 22:00 UTC on 12/2 is 13/2 in Việt Nam.
        ("decision_ex_officio", datetime(2026, 2, 12, 22, 0, tzinfo=UTC), date(2026, 2, 27)),
        ("assign_officer", date(2026, 12, 31), date(2026, 12, 31)),  # named in the decision itself
        ("send_decision_to_procuracy", date(2026, 1, 9), date(2026, 1, 13)),  # Saturday 10/1 is worked
        ("court_explanation", date(2026, 8, 17), date(2026, 9, 3)),  # 1/9 falls in 29/8–2/9
        ("incomplete_request_answer", date(2026, 7, 3), date(2026, 7, 6)),
        ("officer_change_request", date(2026, 8, 27), date(2026, 9, 4)),
        ("court_transfer_interim", datetime(2026, 2, 16, 9, 30, tzinfo=VN), date(2026, 2, 16)),
        ("decision_interim", datetime(2026, 2, 16, 9, 30, tzinfo=VN), date(2026, 2, 16)),  # "ngay"
        # Hours run through holidays.
        ("officer_interim_execution", datetime(2026, 2, 16, 9, 30, tzinfo=VN), datetime(2026, 2, 17, 9, 30, tzinfo=VN)),
        ("officer_interim_execution", datetime(2026, 2, 16, 9, 30), datetime(2026, 2, 17, 9, 30, tzinfo=VN)),
        # Five years; 29 February has no counterpart in 2029.
        ("limitation_request", date(2024, 2, 29), date(2029, 2, 28)),
        ("limitation_request", date(2021, 2, 15), date(2026, 2, 23)),
    ],
)
def test_due_moments(calendar, key, event, due):
    assert DEFAULT_RULEBOOK.due(key, event, calendar) == due


def test_an_hours_rule_needs_the_time_of_the_event(calendar):
    with pytest.raises(RuleError, match="'officer_interim_execution' counts hours"):
        DEFAULT_RULEBOOK.due("officer_interim_execution", date(2026, 2, 16), calendar)


def test_a_deadline_carries_its_rule_and_state(calendar):
    deadline = DEFAULT_RULEBOOK.deadline("decision_ex_officio", date(2026, 2, 12), calendar)
    assert isinstance(deadline, Deadline)
    assert deadline.due == date(2026, 2, 26)
    assert "Điều 36" in deadline.rule.legal_basis
    assert deadline.state(None, date(2026, 2, 26)) is DeadlineState.PENDING
    assert deadline.state(None, date(2026, 2, 27)) is DeadlineState.OVERDUE
    assert deadline.state(date(2026, 2, 26), date(2026, 3, 1)) is DeadlineState.MET


# ---- state ----------------------------------------------------------------------------------

_DUE = date(2026, 2, 26)
_DUE_AT = datetime(2026, 2, 17, 9, 30, tzinfo=VN)


@pytest.mark.parametrize(
    ("due", "done_at", "today", "state"),
    [
        (_DUE, None, date(2026, 2, 20), DeadlineState.PENDING),
        (_DUE, None, _DUE, DeadlineState.PENDING),  # the due day runs to 24:00
        (_DUE, None, date(2026, 2, 27), DeadlineState.OVERDUE),
        (_DUE, date(2026, 2, 25), date(2026, 3, 9), DeadlineState.MET),
        (_DUE, _DUE, date(2026, 3, 9), DeadlineState.MET),
        (_DUE, datetime(2026, 2, 26, 23, 59, tzinfo=VN), date(2026, 3, 9), DeadlineState.MET),
        (_DUE, datetime(2026, 2, 26, 17, 30, tzinfo=UTC), date(2026, 3, 9), DeadlineState.MET_LATE),
        (_DUE, date(2026, 2, 27), date(2026, 3, 9), DeadlineState.MET_LATE),
        (_DUE_AT, None, datetime(2026, 2, 17, 9, 0, tzinfo=VN), DeadlineState.PENDING),
        (_DUE_AT, None, datetime(2026, 2, 17, 3, 0, tzinfo=UTC), DeadlineState.OVERDUE),
        (_DUE_AT, None, date(2026, 2, 17), DeadlineState.PENDING),  # no time: judged by the day
        (_DUE_AT, datetime(2026, 2, 17, 9, 31, tzinfo=VN), _DUE_AT, DeadlineState.MET_LATE),
        (_DUE_AT, datetime(2026, 2, 17, 9, 30), _DUE_AT, DeadlineState.MET),  # naive = Vietnam time
        (_DUE_AT, date(2026, 2, 17), date(2026, 3, 1), DeadlineState.MET),
    ],
)
def test_assess(due, done_at, today, state):
    assert assess(due, done_at, today) is state


def test_late_states_and_open_states():
    assert {s for s in DeadlineState if s.is_late} == {DeadlineState.MET_LATE, DeadlineState.OVERDUE}
    assert {s for s in DeadlineState if s.is_open} == {DeadlineState.PENDING, DeadlineState.OVERDUE}


# ---- bad configuration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[rule]\nkey = 1", "invalid TOML"),
        (_TRANSFER_45_DAYS.replace('"calendar_days"', '"days"'), r"\('court_transfer'\): 'unit' must be one of"),
        (_TRANSFER_45_DAYS.replace("amount = 45\n", ""), r"missing field\(s\) \['amount'\]"),
        (_TRANSFER_45_DAYS.replace("amount = 45", "amount = 0"), "amount must be at least 1"),
        (_TRANSFER_45_DAYS.replace("amount = 45", "amount = true"), "'amount' must be a whole number"),
        (_TRANSFER_45_DAYS.replace("amount = 45", 'amount = "45"'), "'amount' must be a whole number"),
        (_TRANSFER_45_DAYS.replace("2026-07-01", '"2026-07-01"'), "'applies_from' must be a TOML date"),
        (_TRANSFER_45_DAYS.replace("verified = true", "verified = true\nnote = 'x'"), r"unknown field\(s\) \['note'\]"),
        (
            _TRANSFER_45_DAYS.replace(
                "applies_from = 2026-07-01", "applies_from = 2026-07-01\napplies_to = 2026-01-01"
            ),
            "applies_to 2026-01-01 is before applies_from 2026-07-01",
        ),
        (
            _TRANSFER_45_DAYS.replace('"calendar_days"', '"same_day"'),
            "a same_day rule has amount 0",
        ),
        (_TRANSFER_45_DAYS.replace('"court_transfer"', '"Court Transfer"'), "lower-case letters"),
        (_TRANSFER_45_DAYS + _TRANSFER_45_DAYS, r"rule #2 \('court_transfer'\): a version from 2026-07-01 is already"),
        (
            _TRANSFER_45_DAYS.replace("2026-07-01", "2026-09-01"),
            r"'court_transfer': the version from 2026-07-01 \(to open end\) overlaps the version from 2026-09-01",
        ),
        ("[rules]\n", "unknown top-level key"),
    ],
)
def test_bad_rules_are_refused_naming_the_problem(text, problem):
    with pytest.raises(ValueError, match=problem):
        load_rules_from_text(text)


@pytest.mark.parametrize(
    ("key", "article"),
    [
        ("court_transfer_interim", "Điều 28 khoản 3"),  # issue 16: "verified now"
        ("send_decision_to_procuracy", "Điều 38"),
        ("procuracy_protest_reply", "Điều 161 khoản 1"),
    ],
)
def test_rules_the_issue_16_review_read_are_verified_under_the_old_law_only_with_their_source(key, article):
    old = DEFAULT_RULEBOOK.rule(key, NEW_LAW_FROM - timedelta(days=1))
    new = DEFAULT_RULEBOOK.rule(key, NEW_LAW_FROM)
    assert old.verified
    assert article in (old.source or "")
    assert not new.verified  # Law 106/2025's own article was not read
    assert new.source is None


def test_the_interagency_counter_signature_period_is_a_configured_rule_and_says_it_is_unverified(
    calendar: WorkingCalendar,
):
    rule = DEFAULT_RULEBOOK.rule("interagency_countersign", date(2026, 12, 7))
    assert (rule.amount, rule.unit, rule.verified) == (2, DeadlineUnit.WORKING_DAYS, False)
    assert "TTLT 12/2021" in rule.legal_basis
    longer = DEFAULT_RULEBOOK.with_overrides([replace(rule, amount=5)])
    assert countersign_due(longer, calendar, date(2026, 4, 1)) == date(2026, 4, 8)  # Wednesday + 5 working days
