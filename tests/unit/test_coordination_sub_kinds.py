"""Sub-kinds of coordination requests: the law times some asks apart from their kind (issue 16)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from domain.coordination import SUB_KINDS, RequestDraft, RequestKind, RequestSubKind, check_draft
from domain.coordination_deadlines import request_deadline, request_due
from domain.deadlines import NEW_LAW_FROM, RuleBook, load_rules_from_text
from domain.types import AgencyKind

DATA = Path(__file__).resolve().parents[2] / "data"
VN = timezone(timedelta(hours=7))
K, S = RequestKind, RequestSubKind

FRIDAY_BEFORE_TET = datetime(2026, 2, 13, 15, 0, tzinfo=VN)
SEPT_30 = datetime(2026, 9, 30, 16, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return load_rules_from_text((DATA / "deadline_rules.toml").read_text(encoding="utf-8"), base=RuleBook(()))


@pytest.mark.parametrize("sub_kind", list(RequestSubKind))
def test_each_sub_kind_names_a_rule_of_the_table(rules, sub_kind):
    assert rules.versions(SUB_KINDS[sub_kind].deadline_rule)


@pytest.mark.parametrize(
    ("sub_kind", "opened_at", "due"),
    [
        # Law 63/2014/QH13 Art. 28(6)(a), (b), (d): at once, even on the Friday before Tết.
        (S.DECIDE_LAWFULLY, FRIDAY_BEFORE_TET, date(2026, 2, 13)),
        (S.ENFORCE_LAWFULLY, SEPT_30, date(2026, 9, 30)),
        (S.PROVIDE_RECORDS, SEPT_30, date(2026, 9, 30)),
        # Art. 28(6)(c): 30 days; 15/3/2026 is a Sunday → Monday 16/3; from 30/9: Friday 30/10.
        (S.SELF_INSPECT, FRIDAY_BEFORE_TET, date(2026, 3, 16)),
        (S.SELF_INSPECT, SEPT_30, date(2026, 10, 30)),
    ],
)
def test_a_procuracy_request_is_due_by_what_it_asks(rules, calendar, sub_kind, opened_at, due):
    """Luật Tổ chức VKSND 63/2014/QH13, Điều 28(6): points a, b, d carried out at once, point c within 30 days."""
    assert request_due(K.PROCURACY_REQUEST, opened_at, None, rules, calendar, sub_kind) == due


def test_without_a_sub_kind_a_procuracy_request_keeps_the_default_period(rules, calendar):
    deadline = request_deadline(K.PROCURACY_REQUEST, SEPT_30, None, rules, calendar)
    assert deadline.rule.key == "procuracy_request_reply"
    assert deadline.due == date(2026, 10, 15)


def test_a_complex_explanation_has_30_days(rules, calendar):
    """Luật THADS 2008 (sửa đổi 2014), Điều 179(2): up to 30 days; 15/3/2026 is a Sunday → Monday 16/3."""
    deadline = request_deadline(K.EXPLANATION, FRIDAY_BEFORE_TET, None, rules, calendar, S.COMPLEX_EXPLANATION)
    assert (deadline.rule.key, deadline.due) == ("court_explanation_complex", date(2026, 3, 16))


@pytest.mark.parametrize(
    ("sub_kind", "due"),
    [
        (None, date(2026, 10, 5)),  # commune police: Thu 1/10 (1), Fri 2 (2), Mon 5 (3)
        (S.PROVINCIAL_POLICE, date(2026, 10, 7)),  # provincial: … Tue 6 (4), Wed 7 (5)
    ],
)
def test_support_is_answered_by_the_commune_police_or_escalated_to_the_province(rules, calendar, sub_kind, due):
    """Nghị định 152/2026/NĐ-CP, Điều 46–47: commune-level police 3 working days, provincial police 5."""
    assert request_due(K.ENFORCEMENT_SUPPORT, SEPT_30, None, rules, calendar, sub_kind) == due


def test_before_decree_152_an_escalated_request_falls_back_to_the_kinds_rule(rules, calendar):
    """Nghị định 152/2026/NĐ-CP is in force from 1 July 2026; before that the kind's default applies."""
    opened = datetime(2026, 6, 29, 9, 0, tzinfo=VN)
    deadline = request_deadline(K.ENFORCEMENT_SUPPORT, opened, None, rules, calendar, S.PROVINCIAL_POLICE)
    assert deadline.rule.key == "police_support_reply"
    assert deadline.rule.applies_to == NEW_LAW_FROM - timedelta(days=1)


def test_the_procuracys_own_reply_date_still_replaces_the_rule(rules, calendar):
    reply_by = date(2026, 10, 20)
    deadline = request_deadline(K.PROCURACY_REQUEST, SEPT_30, reply_by, rules, calendar, S.DECIDE_LAWFULLY)
    assert (deadline.due, deadline.set_by_sender, deadline.rule.key) == (
        reply_by,
        True,
        "procuracy_request_immediate",
    )


def _draft(kind: RequestKind, sub_kind: RequestSubKind) -> RequestDraft:
    return RequestDraft(
        kind=kind,
        sender_kind=AgencyKind.PROCURACY,
        addressee_kind=AgencyKind.ENFORCEMENT,
        subject="Yêu cầu",
        body="Nội dung",
        sub_kind=sub_kind,
    )


def test_a_sub_kind_of_another_kind_is_refused():
    errors = check_draft(_draft(K.PROCURACY_REQUEST, S.COMPLEX_EXPLANATION), date(2026, 9, 30))
    assert [(e.field, e.code) for e in errors] == [("subKind", "WRONG_KIND")]
    assert check_draft(_draft(K.PROCURACY_REQUEST, S.SELF_INSPECT), date(2026, 9, 30)) == []
