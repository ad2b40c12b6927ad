"""Due days of coordination requests, counted by hand across Tết, 30/4–1/5 and 2/9 of 2026.

The 2026 calendar (data/compensatory_days.toml and the holidays library):
- Tết Bính Ngọ: off Saturday 14/2 to Sunday 22/2; Friday 13/2 and Monday 23/2 are worked;
- Giỗ Tổ on Sunday 26/4, so Monday 27/4 off; Thursday 30/4 and Friday 1/5 off;
  Tuesday 28/4 and Wednesday 29/4 worked;
- Quốc khánh: off Saturday 29/8 to Wednesday 2/9 (31/8 swapped for Saturday 22/8).
A period starts the day after the request is opened (Civil Code Art. 147(1)); a period in
days that ends on a day off rolls to the next working day (Art. 148(5)).
"""

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.coordination import KIND_RULES, RequestKind
from domain.coordination_deadlines import (
    ReplyDateNotAllowed,
    RequestDeadline,
    due_instant,
    request_deadline,
    request_deadline_state,
    request_due,
)
from domain.deadlines import DEFAULT_RULEBOOK, NEW_LAW_FROM, DeadlineState, DeadlineUnit, RuleBook, load_rules_from_text

DATA = Path(__file__).resolve().parents[2] / "data"
VN = timezone(timedelta(hours=7))
K = RequestKind


@pytest.fixture(scope="module")
def rules():
    return load_rules_from_text((DATA / "deadline_rules.toml").read_text(encoding="utf-8"), base=RuleBook(()))


# ---- the rules behind each kind ---------------------------------------------------------

EXPECTED_RULES = {
    K.EXPLANATION: ("court_explanation", 15, DeadlineUnit.CALENDAR_DAYS),
    K.ENFORCEMENT_SUPPORT: ("police_support_reply", 5, DeadlineUnit.WORKING_DAYS),
    K.PROCURACY_REQUEST: ("procuracy_request_reply", 15, DeadlineUnit.CALENDAR_DAYS),
    K.PROCURACY_RECOMMENDATION: ("reply_recommendation", 15, DeadlineUnit.CALENDAR_DAYS),
    K.PROCURACY_PROTEST: ("procuracy_protest_reply", 15, DeadlineUnit.CALENDAR_DAYS),
    K.PERIODIC_REPORT: ("report_acknowledgement", 3, DeadlineUnit.WORKING_DAYS),
}
# From 1 July 2026 a support request goes to the commune-level police, 3 working days (Decree 152/2026 Arts. 46–47).
NEW_LAW_AMOUNTS = {K.ENFORCEMENT_SUPPORT: 3}


@pytest.mark.parametrize("kind", list(RequestKind))
@pytest.mark.parametrize("on", [date(2026, 6, 30), NEW_LAW_FROM])
def test_each_kind_names_a_rule_in_force_under_both_laws(rules, kind, on):
    key, amount, unit = EXPECTED_RULES[kind]
    if on >= NEW_LAW_FROM:
        amount = NEW_LAW_AMOUNTS.get(kind, amount)
    assert KIND_RULES[kind].deadline_rule == key
    rule = rules.rule(key, on)
    assert (rule.amount, rule.unit) == (amount, unit)
    assert rule.legal_basis.strip()
    assert rule.description_vi.strip()


# The protest's reply (Art. 161(1)) was read in the issue-16 review: verified under the old law.
VERIFIED_OLD_LAW = {K.PROCURACY_PROTEST}


@pytest.mark.parametrize("kind", [k for k in RequestKind if k not in {K.EXPLANATION, K.PROCURACY_RECOMMENDATION}])
def test_the_new_coordination_figures_are_unverified(rules, kind):
    key = EXPECTED_RULES[kind][0]
    assert [v.verified for v in rules.versions(key)] == [kind in VERIFIED_OLD_LAW, False]
    assert [v.applies_from for v in rules.versions(key)] == [date(2015, 7, 1), NEW_LAW_FROM]


def test_a_recommendation_uses_the_existing_unverified_reply_rule(rules):
    assert [(v.verified, v.applies_from) for v in rules.versions("reply_recommendation")] == [(False, date(2015, 7, 1))]


def test_the_shipped_file_and_the_built_in_table_agree_on_the_coordination_rules(rules):
    for key, _, _ in EXPECTED_RULES.values():
        assert rules.versions(key) == DEFAULT_RULEBOOK.versions(key)


# ---- due days -----------------------------------------------------------------------------

BEFORE_TET = datetime(2026, 2, 12, 15, 0, tzinfo=VN)  # Thursday
BEFORE_30_4 = datetime(2026, 4, 24, 10, 0, tzinfo=VN)  # Friday
BEFORE_2_9 = datetime(2026, 8, 28, 9, 0, tzinfo=VN)  # Friday (Law 106/2025 versions)


@pytest.mark.parametrize(
    ("kind", "opened_at", "due"),
    [
        # Tết: 15 days from Thu 12/2 is Fri 27/2, a working day.
        (K.EXPLANATION, BEFORE_TET, date(2026, 2, 27)),
        (K.PROCURACY_REQUEST, BEFORE_TET, date(2026, 2, 27)),
        (K.PROCURACY_RECOMMENDATION, BEFORE_TET, date(2026, 2, 27)),
        (K.PROCURACY_PROTEST, BEFORE_TET, date(2026, 2, 27)),
        # 5 working days: Fri 13/2 (1), [14/2–22/2 off], Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
        (K.ENFORCEMENT_SUPPORT, BEFORE_TET, date(2026, 2, 26)),
        # 3 working days: Fri 13/2 (1), Mon 23/2 (2), Tue 24/2 (3).
        (K.PERIODIC_REPORT, BEFORE_TET, date(2026, 2, 24)),
        # 15 days from Thu 5/2 is Fri 20/2 (mùng 4 Tết); 21–22/2 weekend → Mon 23/2.
        (K.EXPLANATION, date(2026, 2, 5), date(2026, 2, 23)),
        (K.PROCURACY_PROTEST, date(2026, 2, 5), date(2026, 2, 23)),
        # 30/4: 15 days from Fri 24/4 is Sat 9/5 → Mon 11/5.
        (K.EXPLANATION, BEFORE_30_4, date(2026, 5, 11)),
        (K.PROCURACY_REQUEST, BEFORE_30_4, date(2026, 5, 11)),
        # 5 working days from Fri 24/4: [25–27/4 off] Tue 28 (1), Wed 29 (2), [30/4–3/5 off],
        # Mon 4/5 (3), Tue 5 (4), Wed 6 (5).
        (K.ENFORCEMENT_SUPPORT, BEFORE_30_4, date(2026, 5, 6)),
        # 3 working days: Tue 28/4 (1), Wed 29/4 (2), Mon 4/5 (3).
        (K.PERIODIC_REPORT, BEFORE_30_4, date(2026, 5, 4)),
        # 15 days from Wed 15/4 is Thu 30/4; 1/5 off, 2–3/5 weekend → Mon 4/5.
        (K.PROCURACY_RECOMMENDATION, date(2026, 4, 15), date(2026, 5, 4)),
        # 2/9: 15 days from Fri 28/8 is Sat 12/9 → Mon 14/9.
        (K.EXPLANATION, BEFORE_2_9, date(2026, 9, 14)),
        (K.PROCURACY_PROTEST, BEFORE_2_9, date(2026, 9, 14)),
        # Commune police, 3 working days from Fri 28/8: [29/8–2/9 off] Thu 3/9 (1), Fri 4 (2), Mon 7 (3).
        (K.ENFORCEMENT_SUPPORT, BEFORE_2_9, date(2026, 9, 7)),
        # 3 working days: Thu 3/9 (1), Fri 4/9 (2), Mon 7/9 (3).
        (K.PERIODIC_REPORT, BEFORE_2_9, date(2026, 9, 7)),
        # 15 days from Mon 17/8 is Tue 1/9 (off); 2/9 off → Thu 3/9.
        (K.PROCURACY_REQUEST, date(2026, 8, 17), date(2026, 9, 3)),
    ],
)
def test_due_day_of_each_kind(rules, calendar, kind, opened_at, due):
    assert request_due(kind, opened_at, None, rules, calendar) == due


def test_a_request_opened_late_at_night_utc_counts_from_the_vietnamese_day(rules, calendar):
    # 20:00 UTC on 12/2 is 03:00 on Fri 13/2 in Việt Nam: Mon 23 (1), Tue 24 (2), Wed 25 (3).
    opened_at = datetime(2026, 2, 12, 20, 0, tzinfo=UTC)
    assert request_due(K.PERIODIC_REPORT, opened_at, None, rules, calendar) == date(2026, 2, 25)


def test_the_version_in_force_on_the_opening_day_applies(rules, calendar):
    before = request_deadline(K.ENFORCEMENT_SUPPORT, BEFORE_TET, None, rules, calendar)
    after = request_deadline(K.ENFORCEMENT_SUPPORT, BEFORE_2_9, None, rules, calendar)
    assert before.rule.applies_to == date(2026, 6, 30)
    assert after.rule.applies_from == NEW_LAW_FROM
    assert "152/2026/NĐ-CP" in after.rule.legal_basis


# ---- the procuracy's own reply date ----------------------------------------------------------


@pytest.mark.parametrize("kind", [K.PROCURACY_REQUEST, K.PROCURACY_RECOMMENDATION, K.PROCURACY_PROTEST])
@pytest.mark.parametrize(
    "reply_by",
    [
        date(2026, 2, 20),  # earlier than the rule's 27/2, on a Tết day: kept, not rolled
        date(2026, 3, 31),  # later than the rule: the procuracy's date still governs
    ],
)
def test_the_procuracy_reply_date_replaces_the_rule(rules, calendar, kind, reply_by):
    deadline = request_deadline(kind, BEFORE_TET, reply_by, rules, calendar)
    assert deadline == RequestDeadline(
        rules.rule(EXPECTED_RULES[kind][0], BEFORE_TET.date()), BEFORE_TET, reply_by, set_by_sender=True
    )
    assert request_due(kind, BEFORE_TET, reply_by, rules, calendar) == reply_by


def test_without_a_reply_date_the_rule_governs(rules, calendar):
    deadline = request_deadline(K.PROCURACY_RECOMMENDATION, BEFORE_TET, None, rules, calendar)
    assert (deadline.due, deadline.set_by_sender) == (date(2026, 2, 27), False)


@pytest.mark.parametrize("kind", [K.EXPLANATION, K.ENFORCEMENT_SUPPORT, K.PERIODIC_REPORT])
def test_a_reply_date_on_a_kind_set_by_law_is_refused(rules, calendar, kind):
    with pytest.raises(ReplyDateNotAllowed, match="is set by law"):
        request_due(kind, BEFORE_TET, date(2026, 2, 20), rules, calendar)


def test_the_reply_date_ends_at_midnight(rules, calendar):
    due = request_due(K.PROCURACY_PROTEST, BEFORE_TET, date(2026, 2, 20), rules, calendar)
    assert request_deadline_state(due, datetime(2026, 2, 20, 23, 59, tzinfo=VN), date(2026, 3, 1)) is (
        DeadlineState.MET
    )
    assert request_deadline_state(due, datetime(2026, 2, 21, 0, 1, tzinfo=VN), date(2026, 3, 1)) is (
        DeadlineState.MET_LATE
    )


# ---- states --------------------------------------------------------------------------------

DUE = date(2026, 2, 26)  # forced-enforcement support opened before Tết


@pytest.mark.parametrize(
    ("answered_at", "now", "state"),
    [
        (None, datetime(2026, 2, 20, 9, 0, tzinfo=VN), DeadlineState.PENDING),
        (None, datetime(2026, 2, 26, 23, 0, tzinfo=VN), DeadlineState.PENDING),  # the due day runs to 24:00
        (None, datetime(2026, 2, 27, 0, 30, tzinfo=VN), DeadlineState.OVERDUE),
        (None, datetime(2026, 2, 26, 18, 0, tzinfo=UTC), DeadlineState.OVERDUE),  # 01:00 on 27/2 in Việt Nam
        (datetime(2026, 2, 23, 8, 0, tzinfo=VN), datetime(2026, 3, 9, tzinfo=VN), DeadlineState.MET),
        (datetime(2026, 2, 26, 16, 59, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=VN), DeadlineState.MET),
        (datetime(2026, 2, 27, 8, 0, tzinfo=VN), datetime(2026, 3, 9, tzinfo=VN), DeadlineState.MET_LATE),
    ],
)
def test_request_deadline_state(answered_at, now, state):
    assert request_deadline_state(DUE, answered_at, now) is state


def test_a_deadline_judges_its_own_state(rules, calendar):
    deadline = request_deadline(K.ENFORCEMENT_SUPPORT, BEFORE_TET, None, rules, calendar)
    assert deadline.due == DUE
    assert deadline.state(None, date(2026, 2, 27)) is DeadlineState.OVERDUE
    assert deadline.state(date(2026, 2, 27), date(2026, 3, 2)) is DeadlineState.MET_LATE


def test_a_due_date_is_stored_as_its_last_instant():
    assert due_instant(DUE) == datetime(2026, 2, 26, 23, 59, 59, 999_999, tzinfo=VN)
    assert due_instant(DUE) == datetime(2026, 2, 26, 16, 59, 59, 999_999, tzinfo=UTC)
    assert due_instant(datetime(2026, 2, 17, 9, 30)) == datetime(2026, 2, 17, 9, 30, tzinfo=VN)  # naive = Việt Nam
    at = datetime(2026, 2, 17, 2, 30, tzinfo=UTC)
    assert due_instant(at) == at


@settings(deadline=None)
@given(
    due=st.one_of(
        st.dates(date(2026, 1, 1), date(2026, 12, 31)),
        st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(VN)),
    ),
    offset=st.timedeltas(timedelta(days=-2), timedelta(days=2)),
)
def test_overdue_exactly_after_the_stored_instant(due, offset):
    now = due_instant(due) + offset
    overdue = request_deadline_state(due, None, now) is DeadlineState.OVERDUE
    assert overdue == (now > due_instant(due))


# ---- after the court's explanation --------------------------------------------------------------
