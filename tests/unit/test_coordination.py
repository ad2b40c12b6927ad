"""Coordination requests: the lifecycle drawn in domain/coordination.py, and which drafts may be opened.

The expected tables here are written out from the module docstring's diagram and
from DOMAIN.md §1 (who talks to whom), never read back from TRANSITIONS or KIND_RULES.
"""

from collections import deque
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.coordination import (
    KIND_RULES,
    NOTE_REQUIRED,
    Action,
    RequestDraft,
    RequestKind,
    RequestStatus,
    Side,
    TransitionError,
    check_draft,
    transition,
)
from domain.types import AgencyKind

S, A, K = RequestStatus, Action, AgencyKind

# ---- lifecycle ------------------------------------------------------------------

# The docstring's table: status → {action: status after}. Anything not listed is refused.
MOVES: dict[RequestStatus, dict[Action, RequestStatus]] = {
    S.OPEN: {A.RECEIVE: S.RECEIVED, A.START: S.IN_PROGRESS, A.ANSWER: S.ANSWERED, A.DECLINE: S.DECLINED,
             A.WITHDRAW: S.WITHDRAWN},
    S.RECEIVED: {A.START: S.IN_PROGRESS, A.ANSWER: S.ANSWERED, A.DECLINE: S.DECLINED, A.WITHDRAW: S.WITHDRAWN},
    S.IN_PROGRESS: {A.ANSWER: S.ANSWERED, A.DECLINE: S.DECLINED, A.WITHDRAW: S.WITHDRAWN},
    S.ANSWERED: {A.CLOSE: S.CLOSED},
    S.CLOSED: {},
    S.DECLINED: {},
    S.WITHDRAWN: {},
}  # fmt: skip
BY_ADDRESSEE = {A.RECEIVE, A.START, A.ANSWER, A.DECLINE}
BY_SENDER = {A.WITHDRAW, A.CLOSE}
FINAL = {S.CLOSED, S.DECLINED, S.WITHDRAWN}


def _side_of(action: Action) -> Side:
    return Side.ADDRESSEE if action in BY_ADDRESSEE else Side.SENDER


def _reachable_from_open() -> set[RequestStatus]:
    seen, queue = {S.OPEN}, deque([S.OPEN])
    while queue:
        for after in MOVES[queue.popleft()].values():
            if after not in seen:
                seen.add(after)
                queue.append(after)
    return seen


def test_the_expected_table_covers_every_status_and_action_once():
    assert set(MOVES) == set(RequestStatus)
    assert set(Action) == BY_ADDRESSEE | BY_SENDER
    assert not BY_ADDRESSEE & BY_SENDER
    assert _reachable_from_open() == set(RequestStatus)


@pytest.mark.parametrize("side", list(Side))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(RequestStatus))
def test_every_status_action_and_side(status, action, side):
    if side is not _side_of(action):
        with pytest.raises(TransitionError, match=f"only the {_side_of(action).value} may {action.value} a request"):
            transition(status, action, side)
    elif action not in MOVES[status]:
        with pytest.raises(TransitionError, match=f"a request that is {status.value} cannot be"):
            transition(status, action, side)
    else:
        assert transition(status, action, side) is MOVES[status][action]


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (S.ANSWERED, A.ANSWER, "a request that is answered cannot be answered"),
        (S.CLOSED, A.WITHDRAW, "a request that is closed cannot be withdrawn"),
        (S.IN_PROGRESS, A.RECEIVE, "a request that is in_progress cannot be received"),
        (S.OPEN, A.CLOSE, "a request that is open cannot be closed"),
    ],
)
def test_a_refused_move_says_why(status, action, message):
    with pytest.raises(TransitionError, match=message):
        transition(status, action, _side_of(action))


def test_open_statuses_are_those_still_waiting_for_the_addressee():
    assert {s for s in RequestStatus if s.is_open} == {S.OPEN, S.RECEIVED, S.IN_PROGRESS}


def test_answers_declines_and_withdrawals_need_a_note():
    assert {A.ANSWER, A.DECLINE, A.WITHDRAW} == NOTE_REQUIRED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(Action)), max_size=12))
def test_any_sequence_of_moves_stays_on_the_diagram(actions):
    reachable = _reachable_from_open()
    status = S.OPEN
    for action in actions:
        allowed = action in MOVES[status]
        if status in FINAL:
            assert not allowed
        if action is A.RECEIVE:
            assert allowed == (status is S.OPEN)
        try:
            after = transition(status, action, _side_of(action))
        except TransitionError:
            assert not allowed
            continue
        assert allowed
        assert after is MOVES[status][action]
        status = after
    assert status in reachable
    for action in Action:
        if status in FINAL:
            with pytest.raises(TransitionError):
                transition(status, action, _side_of(action))


# ---- drafts -----------------------------------------------------------------------

TODAY = date(2026, 3, 2)
ENF = {K.ENFORCEMENT, K.PRIVATE_ENFORCEMENT}
# DOMAIN.md §1: who sends each kind, and to whom.
SENDERS = {
    RequestKind.EXPLANATION: ENF,
    RequestKind.ENFORCEMENT_SUPPORT: ENF,
    RequestKind.PROCURACY_REQUEST: {K.PROCURACY},
    RequestKind.PROCURACY_RECOMMENDATION: {K.PROCURACY},
    RequestKind.PROCURACY_PROTEST: {K.PROCURACY},
    RequestKind.PERIODIC_REPORT: set(AgencyKind),
}
ADDRESSEES = {
    RequestKind.EXPLANATION: {K.COURT},
    RequestKind.ENFORCEMENT_SUPPORT: {K.POLICE},
    RequestKind.PROCURACY_REQUEST: ENF,
    RequestKind.PROCURACY_RECOMMENDATION: ENF,
    RequestKind.PROCURACY_PROTEST: ENF,
    RequestKind.PERIODIC_REPORT: set(AgencyKind),
}
NEEDS_JUDGMENT = {RequestKind.EXPLANATION, RequestKind.ENFORCEMENT_SUPPORT, RequestKind.PROCURACY_PROTEST}
SENDER_SETS_REPLY = {
    RequestKind.PROCURACY_REQUEST,
    RequestKind.PROCURACY_RECOMMENDATION,
    RequestKind.PROCURACY_PROTEST,
}

VALID = {
    RequestKind.EXPLANATION: RequestDraft(
        RequestKind.EXPLANATION, K.ENFORCEMENT, K.COURT, "Đề nghị giải thích bản án 125/2026/DS-ST",
        "Phần quyết định về tài sản chung chưa rõ.", judgment_id="court.ha-noi.kv03:125/2026/DS-ST",
    ),
    RequestKind.ENFORCEMENT_SUPPORT: RequestDraft(
        RequestKind.ENFORCEMENT_SUPPORT, K.ENFORCEMENT, K.POLICE, "Đề nghị hỗ trợ cưỡng chế",
        "Cưỡng chế giao nhà.", judgment_id="court.ha-noi.kv03:125/2026/DS-ST",
        planned_on=TODAY + timedelta(days=10), place="Phường Ba Đình, Hà Nội",
    ),
    RequestKind.PROCURACY_REQUEST: RequestDraft(
        RequestKind.PROCURACY_REQUEST, K.PROCURACY, K.ENFORCEMENT, "Yêu cầu tự kiểm tra", "Tự kiểm tra hồ sơ.",
    ),
    RequestKind.PROCURACY_RECOMMENDATION: RequestDraft(
        RequestKind.PROCURACY_RECOMMENDATION, K.PROCURACY, K.PRIVATE_ENFORCEMENT, "Kiến nghị khắc phục vi phạm",
        "Chậm ra quyết định.", reply_by=TODAY + timedelta(days=20),
    ),
    RequestKind.PROCURACY_PROTEST: RequestDraft(
        RequestKind.PROCURACY_PROTEST, K.PROCURACY, K.ENFORCEMENT, "Kháng nghị quyết định cưỡng chế",
        "Quyết định trái pháp luật.", judgment_id="court.son-la:12/2026/KDTM-ST", reply_by=TODAY,
    ),
    RequestKind.PERIODIC_REPORT: RequestDraft(
        RequestKind.PERIODIC_REPORT, K.ENFORCEMENT, K.COMMITTEE, "Báo cáo 6 tháng", "Kết quả thi hành án.",
        period_from=date(2025, 10, 1), period_to=date(2026, 3, 31),
    ),
}  # fmt: skip


def _codes(draft: RequestDraft) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in check_draft(draft, TODAY)}


def test_every_kind_has_a_rule_and_a_valid_example():
    assert set(KIND_RULES) == set(RequestKind) == set(VALID)


@pytest.mark.parametrize("kind", list(RequestKind))
def test_a_valid_draft_of_each_kind_has_no_errors(kind):
    assert check_draft(VALID[kind], TODAY) == []


@pytest.mark.parametrize("sender", list(AgencyKind))
@pytest.mark.parametrize("kind", list(RequestKind))
def test_only_the_right_kind_of_agency_may_send(kind, sender):
    codes = _codes(replace(VALID[kind], sender_kind=sender))
    assert (("kind", "WRONG_SENDER") in codes) == (sender not in SENDERS[kind])
    assert codes <= {("kind", "WRONG_SENDER")}


@pytest.mark.parametrize("addressee", list(AgencyKind))
@pytest.mark.parametrize("kind", list(RequestKind))
def test_only_the_right_kind_of_agency_may_be_addressed(kind, addressee):
    errors = check_draft(replace(VALID[kind], addressee_kind=addressee), TODAY)
    assert bool(errors) == (addressee not in ADDRESSEES[kind])
    assert all((e.field, e.code) == ("to", "WRONG_ADDRESSEE") for e in errors)


def test_a_wrong_addressee_message_names_the_right_ones():
    [error] = check_draft(replace(VALID[RequestKind.PROCURACY_PROTEST], addressee_kind=K.COURT), TODAY)
    assert error.message == (
        "Kháng nghị của Viện kiểm sát goes to an agency of kind enforcement or private_enforcement, not court"
    )


def test_a_wrong_sender_message_names_the_sender_kind():
    [error] = check_draft(replace(VALID[RequestKind.EXPLANATION], sender_kind=K.POLICE), TODAY)
    assert error.message == "an agency of kind police cannot send Yêu cầu giải thích bản án, quyết định"


@pytest.mark.parametrize("kind", list(RequestKind))
def test_the_judgment_is_required_where_the_kind_is_about_one(kind):
    codes = _codes(replace(VALID[kind], judgment_id=None))
    assert codes == ({("judgment", "REQUIRED")} if kind in NEEDS_JUDGMENT else set())
    assert _codes(replace(VALID[kind], judgment_id="")) == codes


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"planned_on": None}, {("plannedOn", "REQUIRED")}),
        ({"planned_on": TODAY - timedelta(days=1)}, {("plannedOn", "IN_THE_PAST")}),
        ({"planned_on": TODAY}, set()),  # today is not the past
        ({"place": None}, {("place", "REQUIRED")}),
        ({"place": "  "}, {("place", "REQUIRED")}),
        ({"planned_on": None, "place": None}, {("plannedOn", "REQUIRED"), ("place", "REQUIRED")}),
    ],
)
def test_a_forced_enforcement_needs_its_day_and_place(changes, expected):
    assert _codes(replace(VALID[RequestKind.ENFORCEMENT_SUPPORT], **changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"period_from": None}, {("period", "REQUIRED")}),
        ({"period_to": None}, {("period", "REQUIRED")}),
        ({"period_from": date(2026, 4, 1), "period_to": date(2026, 3, 31)}, {("period", "INVALID")}),
        ({"period_from": date(2026, 3, 31), "period_to": date(2026, 3, 31)}, set()),
    ],
)
def test_a_periodic_report_needs_a_period_in_order(changes, expected):
    assert _codes(replace(VALID[RequestKind.PERIODIC_REPORT], **changes)) == expected


@pytest.mark.parametrize("kind", [k for k in RequestKind if k is not RequestKind.ENFORCEMENT_SUPPORT])
def test_the_schedule_is_only_checked_for_forced_enforcement(kind):
    assert _codes(replace(VALID[kind], planned_on=TODAY - timedelta(days=30))) == set()


@pytest.mark.parametrize("kind", [k for k in RequestKind if k is not RequestKind.PERIODIC_REPORT])
def test_the_period_is_only_checked_for_periodic_reports(kind):
    assert _codes(replace(VALID[kind], period_from=date(2026, 4, 1), period_to=date(2026, 3, 1))) == set()


@pytest.mark.parametrize("kind", list(RequestKind))
def test_only_the_procuracy_sets_its_own_reply_date(kind):
    codes = _codes(replace(VALID[kind], reply_by=TODAY + timedelta(days=5)))
    assert codes == (set() if kind in SENDER_SETS_REPLY else {("replyBy", "NOT_ALLOWED")})


@pytest.mark.parametrize("kind", sorted(SENDER_SETS_REPLY))
def test_a_reply_date_cannot_be_in_the_past(kind):
    assert _codes(replace(VALID[kind], reply_by=TODAY - timedelta(days=1))) == {("replyBy", "IN_THE_PAST")}
    assert _codes(replace(VALID[kind], reply_by=TODAY)) == set()


def test_a_reply_date_in_the_past_on_a_kind_set_by_law_is_refused_as_not_allowed():
    draft = replace(VALID[RequestKind.EXPLANATION], reply_by=TODAY - timedelta(days=1))
    assert _codes(draft) == {("replyBy", "NOT_ALLOWED")}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 301}, "subject"),
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
    ],
)
@pytest.mark.parametrize("kind", list(RequestKind))
def test_subject_and_body_are_bounded(kind, changes, field):
    assert _codes(replace(VALID[kind], **changes)) == {(field, "INVALID")}


def test_limits_are_inclusive():
    draft = replace(VALID[RequestKind.PROCURACY_REQUEST], subject="x" * 300, body="y" * 20_000)
    assert check_draft(draft, TODAY) == []


def test_all_errors_are_reported_together():
    draft = RequestDraft(RequestKind.ENFORCEMENT_SUPPORT, K.COURT, K.PROCURACY, "", "", reply_by=TODAY)
    assert _codes(draft) == {
        ("kind", "WRONG_SENDER"),
        ("to", "WRONG_ADDRESSEE"),
        ("subject", "INVALID"),
        ("body", "INVALID"),
        ("judgment", "REQUIRED"),
        ("plannedOn", "REQUIRED"),
        ("place", "REQUIRED"),
        ("replyBy", "NOT_ALLOWED"),
    }
